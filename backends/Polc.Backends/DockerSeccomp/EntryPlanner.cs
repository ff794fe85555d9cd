using System.Collections.Immutable;
using Polc.Compiler.Ir;

namespace Polc.Backends.DockerSeccomp;

/// <summary>
/// Reads one syscall's <see cref="ArgumentDiagram"/> off as entries that libseccomp 2.5 builds into a filter
/// meaning what the diagram means. libseccomp merges entries into a tree whose nodes test one 32-bit half of
/// an argument; a range or `!=` comparison links both of its halves to the comparisons after it, and merging
/// another entry into such a shared link misbehaves (found by reading db.c and confirmed on 2.5.4):
/// <list type="bullet">
/// <item>two different comparisons of one argument whose first node is equal (`&gt; 5` and `&gt; 7`, or
/// `!= 5` and `== 7`, after the same earlier comparisons), one of them followed by more: the merge loses
/// part of one entry or grafts one entry's later comparisons onto the other. polc writes such a
/// non-final range or `!=` as masked comparisons instead, which libseccomp never links twice;</item>
/// <item>a `&lt;` or `&lt;=` followed, among the same argument's comparisons, by a range with another upper word:
/// libseccomp's layout skips reloading the argument on one path and compares the wrong word (even for
/// two one-comparison entries such as `arg0 &lt; 9` and `arg0 &gt; 0x500000000`): written as masked comparisons;</item>
/// <item>entries sharing a range or `!=` and going on with different comparisons must come in libseccomp's
/// own order of those comparisons, or it loops forever building the filter: polc sorts every conditional
/// entry of the profile in that order (see <see cref="OrderKey"/>).</item>
/// </list>
/// The random differential tests against libseccomp (tests/Polc.Tests/DockerSeccomp) are what keeps this list honest.
/// </summary>
public static class EntryPlanner
{
    public sealed record Entry(SeccompAction Action, ImmutableArray<SeccompArgument> Args);

    private sealed record Step(int Arg, int Set, (int Node, int Edge) Edge);


    private sealed record Atom(SeccompArgument Argument, Step Step);

    /// <summary>The entries (conditional or not) for every non-default decision; null when more than
    /// <paramref name="limit"/> are needed.</summary>
    public static List<Entry>? Plan(ComparisonWriter writer, ArgumentDiagram.Node root, SeccompAction defaultAction, int limit)
    {
        var paths = new List<(SeccompAction Action, List<Step> Steps)>();
        CollectPaths(root, defaultAction, [], paths);
        var masked = new HashSet<(int, int)>();
        while (true)
        {
            var entries = Expand(writer, paths, masked, limit);
            if (entries is null)
            {
                return null;
            }
            if (!Hazards(writer, entries).Any(masked.Add))
            {
                return entries.Select(e => new Entry(e.Action, [.. e.Atoms.Select(a => a.Argument)])).ToList();
            }
        }
    }

    private static void CollectPaths(ArgumentDiagram.Node node, SeccompAction defaultAction, List<Step> path, List<(SeccompAction, List<Step>)> paths)
    {
        switch (node)
        {
            case ArgumentDiagram.Leaf leaf when leaf.Action != defaultAction:
                paths.Add((leaf.Action, [.. path]));
                break;
            case ArgumentDiagram.Branch branch:
                for (var i = 0; i < branch.Edges.Count; i++)
                {
                    path.Add(new Step(branch.Arg, branch.Edges[i].Set, (branch.Id, i)));
                    CollectPaths(branch.Edges[i].Child, defaultAction, path, paths);
                    path.RemoveAt(path.Count - 1);
                }
                break;
        }
    }

    private static List<(SeccompAction Action, List<Atom> Atoms)>? Expand(ComparisonWriter writer, List<(SeccompAction Action, List<Step> Steps)> paths, HashSet<(int, int)> masked, int limit)
    {
        var result = new List<(SeccompAction, List<Atom>)>();
        foreach (var (action, steps) in paths)
        {
            var product = new List<List<Atom>> { new() };
            foreach (var step in steps)
            {
                var parts = writer.Write(step.Arg, step.Set, limit, masked.Contains(step.Edge));
                if (parts is null || (long)product.Count * Math.Max(1, parts.Count) + result.Count > limit)
                {
                    return null;
                }
                if (parts.Count > 0)
                {
                    product = product.SelectMany(p => parts.Select(a => new List<Atom>(p) { new(a, step) })).ToList();
                }
            }
            result.AddRange(product.Select(p => (action, p)));
        }
        return result;
    }

    /// <summary>The diagram edges to write as masked comparisons, so that no two comparisons that follow the same
    /// earlier comparisons form a shape libseccomp mishandles:
    /// <list type="number">
    /// <item>different comparisons of an argument whose first node is equal, one of them a range or `!=`
    /// followed by more comparisons (the merge loses or grafts parts of entries);</item>
    /// <item>a `&lt;`/`&lt;=` next to another range of the same argument with a different upper word: its first node
    /// jumps to the next node on "true", libseccomp lays that node out from there without reloading the
    /// argument, and later paths reach it with the lower word still loaded.</item>
    /// </list>
    /// Each hazard is settled the cheaper way: rewrite the offending comparisons, or all the others.</summary>
    private static IEnumerable<(int, int)> Hazards(ComparisonWriter writer, List<(SeccompAction Action, List<Atom> Atoms)> entries)
    {
        var positions = new Dictionary<string, List<(Atom Atom, bool Last)>>(StringComparer.Ordinal);
        foreach (var (_, atoms) in entries)
        {
            var prefix = "";
            for (var k = 0; k < atoms.Count; k++)
            {
                if (!positions.TryGetValue(prefix, out var here))
                {
                    positions[prefix] = here = [];
                }
                here.Add((atoms[k], k == atoms.Count - 1));
                prefix += Describe(atoms[k].Argument) + ";";
            }
        }
        var cost = new Dictionary<Step, int>();
        int Cost(IEnumerable<Step> steps) => steps.Sum(step =>
        {
            if (!cost.TryGetValue(step, out var c))
            {
                cost[step] = c = writer.Write(step.Arg, step.Set, int.MaxValue, cubesOnly: true)?.Count ?? int.MaxValue / 64;
            }
            return c;
        });
        foreach (var here in positions.Values)
        {
            List<Step> StepsOf(Func<SeccompArgument, bool> which) => here.Where(h => which(h.Atom.Argument)).Select(h => h.Atom.Step).Distinct().ToList();
            foreach (var group in here.GroupBy(h => HeadNode(h.Atom.Argument)))
            {
                var distinct = group.Select(g => g.Atom.Argument).Distinct().ToList();
                var linking = group.Where(g => !g.Last && IsLinking(g.Atom.Argument.Op)).Select(g => g.Atom.Argument).Distinct().ToList();
                if (distinct.Count < 2 || linking.Count == 0)
                {
                    continue;
                }
                var best = StepsOf(linking.Contains);
                foreach (var keep in linking)
                {
                    var others = StepsOf(a => distinct.Contains(a) && a != keep);
                    if (Cost(others) < Cost(best) && !others.Intersect(StepsOf(a => a == keep)).Any())
                    {
                        best = others;
                    }
                }
                foreach (var step in best)
                {
                    yield return step.Edge;
                }
            }
            foreach (var below in here.Where(h => h.Atom.Argument.Op is SeccompOperator.LessThan or SeccompOperator.LessEqual).Select(h => h.Atom.Argument).Distinct())
            {
                bool Neighbour(SeccompArgument a) => a.Index == below.Index && IsRange(a.Op) && HeadNode(a) != HeadNode(below);
                var neighbours = StepsOf(Neighbour);
                if (neighbours.Count == 0)
                {
                    continue;
                }
                var self = StepsOf(a => a == below);
                foreach (var step in Cost(self) <= Cost(neighbours) ? self : neighbours)
                {
                    yield return step.Edge;
                }
            }
        }
    }

    private static bool IsRange(SeccompOperator op) => op is SeccompOperator.LessThan or SeccompOperator.LessEqual
        or SeccompOperator.GreaterThan or SeccompOperator.GreaterEqual;

    /// <summary>Range and `!=` comparisons reach the next comparison from both halves of the argument.</summary>
    private static bool IsLinking(SeccompOperator op) => op is not (SeccompOperator.Equal or SeccompOperator.MaskedEqual);

    /// <summary>libseccomp's first node of a comparison (upper half): `==`/`!=` test equality, masked equality its own
    /// operation, and the four ranges all start with `upper &gt; datum`.</summary>
    private static string HeadNode(SeccompArgument a) => a.Op switch
    {
        SeccompOperator.Equal or SeccompOperator.NotEqual => $"{a.Index}=={a.Value >> 32}",
        SeccompOperator.MaskedEqual => $"{a.Index}&{a.Value >> 32}=={(a.ValueTwo & a.Value) >> 32}",
        _ => $"{a.Index}>{a.Value >> 32}",
    };

    private static string Describe(SeccompArgument a) => $"{a.Index}{a.Op}{a.Value:x}/{a.ValueTwo:x}";

    /// <summary>Sorts entries the way libseccomp orders its tree levels, largest first: per node (in chain order:
    /// arguments ascending, upper half before lower) by argument, then `==`/`!=`/masked before `&lt;`/`&lt;=` before
    /// `&gt;`/`&gt;=`, then by datum (descending; ascending for `&lt;`/`&lt;=`). Adding entries in this order never
    /// inserts a node before the head of a level that two links point at.</summary>
    public static IComparer<ImmutableArray<SeccompArgument>> OrderKey { get; } = Comparer<ImmutableArray<SeccompArgument>>.Create((a, b) =>
    {
        var x = Nodes(a);
        var y = Nodes(b);
        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            var c = y[i].CompareTo(x[i]); // descending
            if (c != 0)
            {
                return c;
            }
        }
        return y.Count.CompareTo(x.Count);
    });

    private static List<(int Arg, int Op, ulong Datum, int Tie)> Nodes(ImmutableArray<SeccompArgument> args)
    {
        var nodes = new List<(int, int, ulong, int)>();
        foreach (var a in args)
        {
            var datum = a.Op == SeccompOperator.MaskedEqual ? a.ValueTwo & a.Value : a.Value;
            var (hi, lo) = (datum >> 32, datum & 0xFFFF_FFFF);
            switch (a.Op)
            {
                case SeccompOperator.Equal or SeccompOperator.NotEqual or SeccompOperator.MaskedEqual:
                    var tie = (int)a.Op;
                    nodes.Add((2 * a.Index + 1, 3, hi, tie));
                    nodes.Add((2 * a.Index, 3, lo, tie));
                    break;
                case SeccompOperator.LessThan or SeccompOperator.LessEqual:
                    nodes.Add((2 * a.Index + 1, 2, ~hi, 0));
                    nodes.Add((2 * a.Index + 1, 2, ~hi, 0));
                    nodes.Add((2 * a.Index, 2, ~lo, (int)a.Op));
                    break;
                default:
                    nodes.Add((2 * a.Index + 1, 1, hi, 0));
                    nodes.Add((2 * a.Index + 1, 1, hi, 0));
                    nodes.Add((2 * a.Index, 1, lo, (int)a.Op));
                    break;
            }
        }
        return nodes;
    }
}
