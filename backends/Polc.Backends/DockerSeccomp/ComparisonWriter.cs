namespace Polc.Backends.DockerSeccomp;

/// <summary>
/// Writes one argument's value set as the fewest single comparisons the format has, each covering a
/// disjoint part: `!= v`, `&lt; v`, `&gt; v`, `== v`, or `(arg &amp; mask) == v` (ternary cubes, which also
/// cover any inner interval as aligned blocks). libseccomp refuses two comparisons of one argument in
/// one entry (runc then ORs them), so each part becomes an entry of its own.
/// </summary>
public sealed class ComparisonWriter(ValueSets sets, bool only32Bit)
{
    private const int ShapeLimit = 64;
    private const ulong Low32 = 0xFFFF_FFFF;

    /// <summary>The comparisons for argument <paramref name="index"/>; empty when the set leaves it free,
    /// null when no shape needs at most <paramref name="limit"/>. <paramref name="cubesOnly"/> asks for
    /// `==` and masked comparisons only (see <see cref="EntryPlanner"/> for why).</summary>
    public List<SeccompArgument>? Write(int index, int set, int limit, bool cubesOnly = false)
    {
        if (!only32Bit)
        {
            return Best(index, set, limit, cubesOnly);
        }
        // Only 32-bit ABIs: the kernel passes arguments below 2^32, so values above are free to take either way;
        // libseccomp compares the lower word only, so no datum may need the upper one.
        var low = sets.And(set, sets.Range(0, Low32));
        if (low == ValueSets.Empty)
        {
            throw new InvalidOperationException("a value set with no value below 2^32 reached the 32-bit writer");
        }
        var withHigh = sets.Or(low, sets.Range(Low32 + 1, ulong.MaxValue));
        return new[] { Best(index, low, limit, cubesOnly), Best(index, withHigh, limit, cubesOnly) }
            .Where(c => c is not null && c.All(FitsLowerWord))
            .OrderBy(c => c!.Count)
            .FirstOrDefault()
            ?? sets.Cubes(low, limit)?.Select(c => new SeccompArgument(index, SeccompOperator.MaskedEqual, c.Mask, c.Value)).ToList();
    }

    /// <summary>Whether libseccomp's lower-word comparison means the same as the full one for arguments below 2^32.</summary>
    public static bool FitsLowerWord(SeccompArgument a) => (a.Op == SeccompOperator.MaskedEqual ? a.ValueTwo & a.Value : a.Value) >> 32 == 0;

    private List<SeccompArgument>? Best(int index, int set, int limit, bool cubesOnly)
    {
        if (set == ValueSets.All)
        {
            return [];
        }
        if (cubesOnly)
        {
            // Even a single value as a masked comparison: its first node then differs from `==`'s.
            return sets.Cubes(set, limit)?.Select(c => new SeccompArgument(index, SeccompOperator.MaskedEqual, c.Mask, c.Value)).ToList();
        }
        var complement = sets.Cubes(sets.Not(set), 1);
        if (complement is [(ulong.MaxValue, var excluded)])
        {
            return [new SeccompArgument(index, SeccompOperator.NotEqual, excluded)];
        }
        var byIntervals = sets.Intervals(set, ShapeLimit) is { } intervals ? FromIntervals(index, intervals) : null;
        var byCubes = sets.Cubes(set, Math.Max(ShapeLimit, limit)) is { } cubes ? cubes.Select(c => Cube(index, c.Mask, c.Value)).ToList() : null;
        var best = byIntervals is null ? byCubes : byCubes is null || byIntervals.Count <= byCubes.Count ? byIntervals : byCubes;
        return best is not null && best.Count <= limit ? best : null;
    }

    private static List<SeccompArgument> FromIntervals(int index, List<(ulong Low, ulong High)> intervals)
    {
        var result = new List<SeccompArgument>();
        foreach (var (low, high) in intervals)
        {
            if (low == high)
            {
                result.Add(new SeccompArgument(index, SeccompOperator.Equal, low));
            }
            else if (low == 0)
            {
                // `< high+1` reads better, unless high+1 crosses into the upper word (32-bit ABIs compare the lower one only).
                result.Add(high >> 32 == (high + 1) >> 32
                    ? new SeccompArgument(index, SeccompOperator.LessThan, high + 1)
                    : new SeccompArgument(index, SeccompOperator.LessEqual, high));
            }
            else if (high == ulong.MaxValue)
            {
                result.Add(low >> 32 == (low - 1) >> 32
                    ? new SeccompArgument(index, SeccompOperator.GreaterThan, low - 1)
                    : new SeccompArgument(index, SeccompOperator.GreaterEqual, low));
            }
            else
            {
                result.AddRange(AlignedBlocks(low, high).Select(b => Cube(index, b.Mask, b.Value)));
            }
        }
        return result;
    }

    /// <summary>[low, high] as the fewest aligned power-of-two blocks (at most 128).</summary>
    public static IEnumerable<(ulong Mask, ulong Value)> AlignedBlocks(ulong low, ulong high)
    {
        while (true)
        {
            // The largest power-of-two block that starts at `low`, is aligned there and stays within [low, high].
            var size = 1UL;
            while (size << 1 != 0 && (low & ((size << 1) - 1)) == 0 && (size << 1) - 1 <= high - low)
            {
                size <<= 1;
            }
            yield return (~(size - 1), low);
            if (size - 1 >= high - low)
            {
                yield break;
            }
            low += size;
        }
    }

    private static SeccompArgument Cube(int index, ulong mask, ulong value) => mask == ulong.MaxValue
        ? new SeccompArgument(index, SeccompOperator.Equal, value)
        : new SeccompArgument(index, SeccompOperator.MaskedEqual, mask, value);
}
