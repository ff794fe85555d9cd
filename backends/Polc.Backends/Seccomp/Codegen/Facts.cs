using System.Collections.Immutable;
using System.Text;

namespace Polc.Backends.Seccomp.Codegen;

/// <summary>What is known, on one path through the filter, about the values of words and masked words:
/// for each (word, mask) a set of possible values of (word &amp; mask). It lets the builder drop tests whose
/// outcome is already decided, e.g. the second `arg0.hi == 0` of `arg0 == 1 || arg0 == 2`.</summary>
public sealed class Facts
{
    private const int EnumerationLimit = 64;

    private readonly ImmutableSortedDictionary<(Word Word, uint Mask), IntervalSet> _known;

    private Facts(ImmutableSortedDictionary<(Word, uint), IntervalSet> known)
    {
        _known = known;
        var key = new StringBuilder();
        foreach (var ((word, mask), set) in known)
        {
            key.Append(word).Append('&').Append(mask).Append(set).Append(';');
        }
        Key = key.ToString();
    }

    public static Facts None { get; } = new(ImmutableSortedDictionary.Create<(Word, uint), IntervalSet>(KeyComparer.Instance));

    /// <summary>A canonical text of the facts, for memoisation.</summary>
    public string Key { get; }

    /// <summary>The test's outcome if the facts decide it, else null.</summary>
    public bool? Evaluate(WordTest test)
    {
        var key = KeyOf(test);
        var possible = _known.GetValueOrDefault(key, IntervalSet.Full);
        var (whenTrue, _) = Outcomes(test);
        if (possible.IsSubsetOf(whenTrue))
        {
            return true;
        }
        if (!possible.Overlaps(whenTrue))
        {
            return false;
        }
        if (key.Mask != WordTest.NoMask && _known.TryGetValue((test.Word, WordTest.NoMask), out var values) && values.Count <= EnumerationLimit)
        {
            var outcomes = values.Values().Select(test.Holds).Distinct().ToList();
            return outcomes.Count == 1 ? outcomes[0] : null;
        }
        return null;
    }

    public Facts With(WordTest test, bool outcome)
    {
        var key = KeyOf(test);
        var (whenTrue, whenFalse) = Outcomes(test);
        var narrowed = _known.GetValueOrDefault(key, IntervalSet.Full).Intersect(outcome ? whenTrue : whenFalse);
        return new Facts(_known.SetItem(key, narrowed));
    }

    private static (Word Word, uint Mask) KeyOf(WordTest test) => (test.Word, test.Op == TestOp.Set ? test.K : test.Mask);

    private static (IntervalSet WhenTrue, IntervalSet WhenFalse) Outcomes(WordTest test) => test.Op switch
    {
        TestOp.Eq => (IntervalSet.Single(test.K), IntervalSet.Single(test.K).Complement()),
        TestOp.Gt => (IntervalSet.AtLeast((ulong)test.K + 1), IntervalSet.AtMost(test.K)),
        TestOp.Ge => (IntervalSet.AtLeast(test.K), IntervalSet.AtMost((long)test.K - 1)),
        _ => (IntervalSet.AtLeast(1), IntervalSet.Single(0)),
    };

    private sealed class KeyComparer : IComparer<(Word Word, uint Mask)>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare((Word Word, uint Mask) x, (Word Word, uint Mask) y)
        {
            var c = x.Word.Kind.CompareTo(y.Word.Kind);
            if (c == 0) c = x.Word.Arg.CompareTo(y.Word.Arg);
            return c != 0 ? c : x.Mask.CompareTo(y.Mask);
        }
    }
}

/// <summary>An immutable set of 32-bit values as sorted, disjoint, inclusive intervals.</summary>
public sealed class IntervalSet
{
    private readonly (uint Low, uint High)[] _intervals;

    private IntervalSet((uint, uint)[] intervals) => _intervals = intervals;

    public static IntervalSet Full { get; } = new([(0, uint.MaxValue)]);

    public static IntervalSet Empty { get; } = new([]);

    public static IntervalSet Single(uint value) => new([(value, value)]);

    public static IntervalSet AtLeast(ulong low) => low > uint.MaxValue ? Empty : new([((uint)low, uint.MaxValue)]);

    public static IntervalSet AtMost(long high) => high < 0 ? Empty : new([(0, (uint)high)]);

    public ulong Count => _intervals.Aggregate(0UL, (sum, i) => sum + i.High - i.Low + 1);

    public IEnumerable<uint> Values() => _intervals.SelectMany(i => Enumerable.Range(0, (int)(i.High - i.Low + 1)).Select(o => i.Low + (uint)o));

    public IntervalSet Complement()
    {
        var result = new List<(uint, uint)>();
        ulong next = 0;
        foreach (var (low, high) in _intervals)
        {
            if (low > next)
            {
                result.Add(((uint)next, low - 1));
            }
            next = (ulong)high + 1;
        }
        if (next <= uint.MaxValue)
        {
            result.Add(((uint)next, uint.MaxValue));
        }
        return new IntervalSet([.. result]);
    }

    public IntervalSet Intersect(IntervalSet other)
    {
        var result = new List<(uint, uint)>();
        int i = 0, j = 0;
        while (i < _intervals.Length && j < other._intervals.Length)
        {
            var low = Math.Max(_intervals[i].Low, other._intervals[j].Low);
            var high = Math.Min(_intervals[i].High, other._intervals[j].High);
            if (low <= high)
            {
                result.Add((low, high));
            }
            if (_intervals[i].High < other._intervals[j].High) i++; else j++;
        }
        return new IntervalSet([.. result]);
    }

    public bool Overlaps(IntervalSet other) => Intersect(other)._intervals.Length > 0;

    public bool IsSubsetOf(IntervalSet other) => Intersect(other).Count == Count;

    public override string ToString() => "[" + string.Join(",", _intervals.Select(i => i.Low == i.High ? $"{i.Low}" : $"{i.Low}-{i.High}")) + "]";
}
