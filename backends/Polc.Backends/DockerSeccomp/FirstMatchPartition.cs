using Polc.Compiler.Ir;
using Polc.Compiler.Text;

namespace Polc.Backends.DockerSeccomp;

/// <summary>Where one action applies for one syscall: disjoint cubes, and the rules they came from.</summary>
public sealed record ActionRegion(SeccompAction Action, List<ArgumentCube> Cubes, List<SourceSpan> Rules);

/// <summary>
/// First match in source order, made orderless: rule i decides exactly where its condition holds and
/// no earlier rule's does. The result covers each argument vector at most once, so it means the same
/// whatever order an evaluator (libseccomp) tries the entries in.
/// </summary>
public static class FirstMatchPartition
{
    public sealed record Rule(SeccompAction Action, ConditionIr? Condition, SourceSpan Span);

    /// <summary>The regions of every action, in order of first appearance; together they cover every argument vector
    /// once (what no rule matches is in the default action's region).</summary>
    /// <exception cref="TooLargeForRuleException">a rule made the partition exceed the algebra's limit.</exception>
    public static List<ActionRegion> Partition(CubeAlgebra algebra, IReadOnlyList<Rule> rules, SeccompAction defaultAction)
    {
        var remaining = new List<ArgumentCube> { ArgumentCube.Everything };
        var regions = new List<ActionRegion>();
        foreach (var rule in rules)
        {
            if (remaining.Count == 0)
            {
                break; // earlier rules decide everything: the rest is unreachable
            }
            try
            {
                var cubes = rule.Condition is null ? [ArgumentCube.Everything] : algebra.FromCondition(rule.Condition);
                var matched = new List<ArgumentCube>();
                foreach (var cube in cubes)
                {
                    var next = new List<ArgumentCube>();
                    foreach (var free in remaining)
                    {
                        var hit = algebra.Intersect(free, cube);
                        if (hit.IsEmpty)
                        {
                            next.Add(free);
                            continue;
                        }
                        matched.Add(hit);
                        next.AddRange(algebra.Subtract(free, cube));
                    }
                    remaining = algebra.Merge(next);
                    if (remaining.Count + matched.Count > algebra.Limit)
                    {
                        throw new CubeAlgebra.TooLargeException(remaining.Count + matched.Count);
                    }
                }
                if (matched.Count > 0)
                {
                    Region(regions, rule.Action).Cubes.AddRange(matched);
                    Region(regions, rule.Action).Rules.Add(rule.Span);
                }
            }
            catch (CubeAlgebra.TooLargeException e)
            {
                throw new TooLargeForRuleException(rule.Span, e.Count);
            }
        }
        Region(regions, defaultAction).Cubes.AddRange(remaining);
        return regions.Where(r => r.Cubes.Count > 0).Select(r => r with { Cubes = algebra.Merge(r.Cubes) }).ToList();
    }

    private static ActionRegion Region(List<ActionRegion> regions, SeccompAction action)
    {
        var region = regions.FirstOrDefault(r => r.Action == action);
        if (region is null)
        {
            regions.Add(region = new ActionRegion(action, [], []));
        }
        return region;
    }

    public sealed class TooLargeForRuleException(SourceSpan rule, int count) : Exception($"{count} cubes at {rule}")
    {
        public SourceSpan Rule { get; } = rule;
    }
}
