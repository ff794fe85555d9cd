using Polc.Compiler.Ir;

namespace Polc.Backends.DockerSeccomp;

/// <summary>
/// Sets of 64-bit argument values, exact and canonical: reduced ordered binary decision diagrams over
/// the 64 bits, most significant bit first. Equal sets have equal ids, so emptiness and equality are
/// one comparison. Intervals and masked compares both take at most 64 nodes. One store per build.
/// </summary>
public sealed class ValueSets
{
    public const int Empty = 0;
    public const int All = 1;

    private const int TerminalLevel = 64;
    private const int OpAnd = 0;
    private const int OpOr = 1;
    private const int OpXor = 2;

    // Level 0 tests bit 63, level 63 tests bit 0.
    private readonly List<(int Level, int Low, int High)> _nodes = [(TerminalLevel, 0, 0), (TerminalLevel, 1, 1)];
    private readonly Dictionary<(int, int, int), int> _unique = [];
    private readonly Dictionary<(int, int, int), int> _memo = [];

    public int And(int a, int b) => Apply(OpAnd, a, b);

    public int Or(int a, int b) => Apply(OpOr, a, b);

    public int Not(int a) => Apply(OpXor, a, All);

    public int Minus(int a, int b) => And(a, Not(b));

    /// <summary>The values v with <c>(v &amp; mask) OP value</c>.</summary>
    public int Compare(ulong mask, CompareOp op, ulong value) => op switch
    {
        CompareOp.Eq => Equal(mask, value),
        CompareOp.Ne => Not(Equal(mask, value)),
        CompareOp.Lt => Less(mask, value),
        CompareOp.Ge => Not(Less(mask, value)),
        CompareOp.Le => Or(Less(mask, value), Equal(mask, value)),
        CompareOp.Gt => Not(Or(Less(mask, value), Equal(mask, value))),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>[low, high], inclusive.</summary>
    public int Range(ulong low, ulong high)
    {
        if (low > high)
        {
            return Empty;
        }
        var atLeast = Not(Less(ulong.MaxValue, low));
        var atMost = Or(Less(ulong.MaxValue, high), Equal(ulong.MaxValue, high));
        return And(atLeast, atMost);
    }

    public bool Contains(int set, ulong value)
    {
        while (set > All)
        {
            var (level, low, high) = _nodes[set];
            set = ((value >> (63 - level)) & 1) == 0 ? low : high;
        }
        return set == All;
    }

    /// <summary>The set as disjoint ternary cubes <c>(v &amp; Mask) == Value</c>, one per path of the diagram,
    /// in ascending order of values; null when there are more than <paramref name="limit"/>.</summary>
    public List<(ulong Mask, ulong Value)>? Cubes(int set, int limit)
    {
        var result = new List<(ulong, ulong)>();
        return CollectCubes(set, 0, 0, result, limit) ? result : null;
    }

    /// <summary>The set as maximal inclusive intervals in ascending order; null when there are more than
    /// <paramref name="limit"/> (or the walk would take too long to tell).</summary>
    public List<(ulong Low, ulong High)>? Intervals(int set, int limit)
    {
        var result = new List<(ulong Low, ulong High)>();
        var budget = limit * 256;
        return CollectIntervals(set, 0, 0, result, limit, ref budget) ? result : null;
    }

    private bool CollectCubes(int node, ulong mask, ulong value, List<(ulong, ulong)> result, int limit)
    {
        if (node == Empty)
        {
            return true;
        }
        if (node == All)
        {
            result.Add((mask, value));
            return result.Count <= limit;
        }
        var (level, low, high) = _nodes[node];
        var bit = 1UL << (63 - level);
        return CollectCubes(low, mask | bit, value, result, limit)
            && CollectCubes(high, mask | bit, value | bit, result, limit);
    }

    private bool CollectIntervals(int node, int level, ulong prefix, List<(ulong Low, ulong High)> result, int limit, ref int budget)
    {
        if (--budget < 0)
        {
            return false;
        }
        if (node == Empty)
        {
            return true;
        }
        if (node == All)
        {
            var span = level == 0 ? ulong.MaxValue : (1UL << (64 - level)) - 1;
            var (low, high) = (prefix, prefix | span);
            if (result.Count > 0 && result[^1].High != ulong.MaxValue && result[^1].High + 1 == low)
            {
                result[^1] = (result[^1].Low, high);
            }
            else
            {
                result.Add((low, high));
            }
            return result.Count <= limit;
        }
        var (nodeLevel, nodeLow, nodeHigh) = _nodes[node];
        var bit = 1UL << (63 - level);
        var (zero, one) = nodeLevel == level ? (nodeLow, nodeHigh) : (node, node);
        return CollectIntervals(zero, level + 1, prefix, result, limit, ref budget)
            && CollectIntervals(one, level + 1, prefix | bit, result, limit, ref budget);
    }

    private int Equal(ulong mask, ulong value)
    {
        if ((value & ~mask) != 0)
        {
            return Empty;
        }
        var result = All;
        for (var bit = 0; bit < 64; bit++)
        {
            if (((mask >> bit) & 1) == 0)
            {
                continue;
            }
            result = ((value >> bit) & 1) == 1 ? Node(63 - bit, Empty, result) : Node(63 - bit, result, Empty);
        }
        return result;
    }

    /// <summary>(v &amp; mask) &lt; value, decided at the highest bit where the masked value and the datum differ.</summary>
    private int Less(ulong mask, ulong value)
    {
        var lower = Empty; // the bits below are all equal: not less
        for (var bit = 0; bit < 64; bit++)
        {
            var datumBit = (value >> bit) & 1;
            if (((mask >> bit) & 1) == 0)
            {
                // The masked value has 0 here: less when the datum has 1, otherwise decided below.
                lower = datumBit == 1 ? All : lower;
                continue;
            }
            lower = datumBit == 1 ? Node(63 - bit, All, lower) : Node(63 - bit, lower, Empty);
        }
        return lower;
    }

    private int Node(int level, int low, int high)
    {
        if (low == high)
        {
            return low;
        }
        var key = (level, low, high);
        if (!_unique.TryGetValue(key, out var id))
        {
            id = _nodes.Count;
            _nodes.Add(key);
            _unique[key] = id;
        }
        return id;
    }

    private int Apply(int op, int a, int b)
    {
        switch (op)
        {
            case OpAnd when a == Empty || b == Empty: return Empty;
            case OpAnd when a == All: return b;
            case OpAnd when b == All || a == b: return a;
            case OpOr when a == All || b == All: return All;
            case OpOr when a == Empty: return b;
            case OpOr when b == Empty || a == b: return a;
            case OpXor when a == b: return Empty;
            case OpXor when a == Empty: return b;
            case OpXor when b == Empty: return a;
        }
        if (a > b)
        {
            (a, b) = (b, a); // all three operations commute
        }
        var key = (op, a, b);
        if (_memo.TryGetValue(key, out var done))
        {
            return done;
        }
        var (levelA, lowA, highA) = _nodes[a];
        var (levelB, lowB, highB) = _nodes[b];
        var level = Math.Min(levelA, levelB);
        var (a0, a1) = levelA == level ? (lowA, highA) : (a, a);
        var (b0, b1) = levelB == level ? (lowB, highB) : (b, b);
        var result = Node(level, Apply(op, a0, b0), Apply(op, a1, b1));
        _memo[key] = result;
        return result;
    }
}
