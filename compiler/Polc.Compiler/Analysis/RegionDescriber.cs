namespace Polc.Compiler.Analysis;

/// <summary>
/// Describes a region of argument values (a boolean diagram) as a condition in policy syntax, e.g.
/// `arg0 == AF_NETLINK`, `arg0 & CLONE_NEWUSER == CLONE_NEWUSER`, `arg0 in [1, 2] && arg2 >= 0x10`.
/// Among the exact forms it can build it picks the shortest; when none is short enough it says which
/// arguments matter and gives one example call.
/// </summary>
public sealed class RegionDescriber(DecisionDiagram diagram, ValueNames names)
{
    private const int MaxIntervals = 6;
    private const int MaxCubes = 4;
    private const int MaxPieces = 4;
    private const int MaxValues = 8;
    private const int MaxLength = 160;
    private const int MaxNodes = 1500;

    public string Describe(int region)
    {
        if (region == diagram.True)
        {
            return "always";
        }
        if (region == diagram.False)
        {
            return "never";
        }
        // A region this large has no description short enough; do not spend time looking for one.
        var text = diagram.Size(region) > MaxNodes ? null : TryDescribe(region);
        return text is not null && text.Length <= MaxLength ? text : Example(region);
    }

    private string? TryDescribe(int f)
    {
        var support = diagram.Support(f);
        if (support.Count == 1)
        {
            return Single(f, support[0]);
        }
        var projections = support.Select(a => (Arg: a, Region: diagram.Project(f, a))).ToList();
        var product = projections.Aggregate(diagram.True, (acc, p) => diagram.And(acc, p.Region));
        if (product == f)
        {
            var parts = projections.Select(p => Single(p.Region, p.Arg)).ToList();
            return parts.Any(p => p is null) ? null : string.Join(" && ", parts.Select(p => Parenthesise(p!)));
        }
        var pieces = diagram.SplitAfter(f, support[0]);
        if (pieces.Count > MaxPieces)
        {
            return null;
        }
        var texts = new List<string>();
        foreach (var (selector, rest) in pieces)
        {
            var head = Single(selector, support[0]);
            var tail = rest == diagram.True ? null : TryDescribe(rest);
            if (head is null || (rest != diagram.True && tail is null))
            {
                return null;
            }
            texts.Add(tail is null ? head : $"{Parenthesise(head)} && {Parenthesise(tail)}");
        }
        return string.Join(" || ", texts);
    }

    /// <summary>The shortest exact description of a region over one argument, or null.</summary>
    private string? Single(int f, int arg)
    {
        var complement = diagram.Not(f);
        var ranges = diagram.Intervals(f, arg, MaxIntervals);
        var holes = diagram.Intervals(complement, arg, MaxIntervals);
        var candidates = new[]
        {
            ranges is null ? null : RangesText(arg, ranges),
            ranges is null ? null : ValuesText(arg, ranges, "in", "=="),
            holes is null ? null : ValuesText(arg, holes, "not in", "!="),
            diagram.Cubes(f, arg, MaxCubes) is { } cubes ? string.Join(" || ", cubes.Select(c => CubeText(arg, c.Mask, c.Value, "=="))) : null,
            diagram.Cubes(complement, arg, 1) is [var only] ? CubeText(arg, only.Mask, only.Value, "!=") : null,
        };
        return candidates.Where(c => c is not null).OrderBy(c => c!.Length).ThenBy(c => c, StringComparer.Ordinal).FirstOrDefault();
    }

    private string RangesText(int arg, List<(ulong From, ulong To)> ranges)
    {
        return string.Join(" || ", ranges.Select(r =>
            r.From == r.To ? $"arg{arg} == {names.Format(arg, r.From)}"
            : r.From == 0 ? $"arg{arg} <= {names.Format(arg, r.To)}"
            : r.To == ulong.MaxValue ? $"arg{arg} >= {names.Format(arg, r.From)}"
            : $"arg{arg} >= {names.Format(arg, r.From)} && arg{arg} <= {names.Format(arg, r.To)}"));
    }

    /// <summary>`argN == V`, `argN in [..]` (or `!=`, `not in`) when the ranges hold few values in all.</summary>
    private string? ValuesText(int arg, List<(ulong From, ulong To)> ranges, string listOp, string singleOp)
    {
        if (ranges.Sum(r => (double)(r.To - r.From) + 1) > MaxValues)
        {
            return null;
        }
        var values = ranges.SelectMany(r => Enumerable.Range(0, (int)(r.To - r.From) + 1).Select(i => r.From + (ulong)i)).ToList();
        return values.Count == 1
            ? $"arg{arg} {singleOp} {names.Format(arg, values[0])}"
            : $"arg{arg} {listOp} [{string.Join(", ", values.Select(v => names.Format(arg, v)))}]";
    }

    private string CubeText(int arg, ulong mask, ulong value, string op) =>
        mask == ulong.MaxValue
            ? $"arg{arg} {op} {names.Format(arg, value)}"
            : $"arg{arg} & {names.Format(arg, mask, bits: true)} {op} {names.Format(arg, value, bits: true)}";

    private string Example(int region)
    {
        var support = diagram.Support(region);
        var witness = diagram.Witness(region)!;
        var args = string.Join(", ", support.Select(a => $"arg{a}"));
        var example = string.Join(", ", support.Select(a => $"arg{a} = {names.Format(a, witness[a])}"));
        return $"for some values of {args} (e.g. {example})";
    }

    /// <summary>Wraps a condition holding a top-level `||` in parentheses, since `&&` binds tighter.</summary>
    internal static string Parenthesise(string condition)
    {
        var depth = 0;
        for (var i = 0; i + 1 < condition.Length; i++)
        {
            switch (condition[i])
            {
                case '(' or '[': depth++; break;
                case ')' or ']': depth--; break;
                case '|' when depth == 0 && condition[i + 1] == '|': return $"({condition})";
            }
        }
        return condition;
    }
}
