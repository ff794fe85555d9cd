
namespace Polc.Backends.Seccomp.Codegen;

/// <summary>What is known, on one path through the filter, about the values of words and masked words:
/// for each (word, mask) a set of possible values of (word &amp; mask). It lets the builder drop tests whose
/// outcome is already decided, e.g. the second `arg0.hi == 0` of `arg0 == 1 || arg0 == 2`.</summary>
public sealed class Facts : IEquatable<Facts>
{
    private const int EnumerationLimit = 64;

    /// <summary>A word known to avoid many scattered values (the path through a long `in` list) is simply
    /// forgotten: dropping a fact is always sound, and it keeps each step cheap.</summary>
    private const int IntervalLimit = 64;

    /// <summary>Sorted by key; a handful of entries at most, so arrays beat any dictionary.</summary>
    private readonly ((Word Word, uint Mask) Key, IntervalSet Values)[] _known;
    private readonly int _hash;

    private Facts(((Word, uint), IntervalSet)[] known)
    {
        _known = known;
        var hash = new HashCode();
        foreach (var (key, set) in known)
        {
            hash.Add(key);
            hash.Add(set);
        }
        _hash = hash.ToHashCode();
    }

    public static Facts None { get; } = new([]);

    /// <summary>The test's outcome if the facts decide it, else null.</summary>
    public bool? Evaluate(WordTest test)
    {
        var key = KeyOf(test);
        var possible = Find(key) ?? IntervalSet.Full;
        var (whenTrue, _) = Outcomes(test);
        if (possible.IsSubsetOf(whenTrue))
        {
            return true;
        }
        if (!possible.Overlaps(whenTrue))
        {
            return false;
        }
        if (key.Mask != WordTest.NoMask && Find((test.Word, WordTest.NoMask)) is { } values && values.Count <= EnumerationLimit)
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
        var narrowed = (Find(key) ?? IntervalSet.Full).Intersect(outcome ? whenTrue : whenFalse);
        var index = Array.FindIndex(_known, e => e.Key == key);
        if (narrowed.IntervalCount > IntervalLimit)
        {
            return index < 0 ? this : new Facts([.. _known[..index], .. _known[(index + 1)..]]);
        }
        if (index >= 0)
        {
            var replaced = (((Word, uint), IntervalSet)[])_known.Clone();
            replaced[index] = (key, narrowed);
            return new Facts(replaced);
        }
        var position = 0;
        while (position < _known.Length && Compare(_known[position].Key, key) < 0)
        {
            position++;
        }
        return new Facts([.. _known[..position], (key, narrowed), .. _known[position..]]);
    }

    public bool Equals(Facts? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && _known.Length == other._known.Length
            && _known.Zip(other._known).All(p => p.First.Key == p.Second.Key && p.First.Values.Equals(p.Second.Values))));

    public override bool Equals(object? obj) => Equals(obj as Facts);

    public override int GetHashCode() => _hash;

    private IntervalSet? Find((Word, uint) key)
    {
        foreach (var (known, values) in _known)
        {
            if (known == key)
            {
                return values;
            }
        }
        return null;
    }

    private static (Word Word, uint Mask) KeyOf(WordTest test) => (test.Word, test.Op == TestOp.Set ? test.K : test.Mask);

    private static (IntervalSet WhenTrue, IntervalSet WhenFalse) Outcomes(WordTest test) => test.Op switch
    {
        TestOp.Eq => (IntervalSet.Single(test.K), IntervalSet.Single(test.K).Complement()),
        TestOp.Gt => (IntervalSet.AtLeast((ulong)test.K + 1), IntervalSet.AtMost(test.K)),
        TestOp.Ge => (IntervalSet.AtLeast(test.K), IntervalSet.AtMost((long)test.K - 1)),
        _ => (IntervalSet.AtLeast(1), IntervalSet.Single(0)),
    };

    private static int Compare((Word Word, uint Mask) x, (Word Word, uint Mask) y)
    {
        var c = x.Word.Kind.CompareTo(y.Word.Kind);
        if (c == 0) c = x.Word.Arg.CompareTo(y.Word.Arg);
        return c != 0 ? c : x.Mask.CompareTo(y.Mask);
    }
}

/// <summary>An immutable set of 32-bit values as sorted, disjoint, inclusive intervals.</summary>
public sealed class IntervalSet : IEquatable<IntervalSet>
{
    private readonly (uint Low, uint High)[] _intervals;

    public bool Equals(IntervalSet? other) => other is not null && _intervals.AsSpan().SequenceEqual(other._intervals);

    public override bool Equals(object? obj) => Equals(obj as IntervalSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var interval in _intervals)
        {
            hash.Add(interval);
        }
        return hash.ToHashCode();
    }

    private IntervalSet((uint, uint)[] intervals) => _intervals = intervals;

    public static IntervalSet Full { get; } = new([(0, uint.MaxValue)]);

    public static IntervalSet Empty { get; } = new([]);

    public static IntervalSet Single(uint value) => new([(value, value)]);

    public static IntervalSet AtLeast(ulong low) => low > uint.MaxValue ? Empty : new([((uint)low, uint.MaxValue)]);

    public static IntervalSet AtMost(long high) => high < 0 ? Empty : new([(0, (uint)high)]);

    public ulong Count => _intervals.Aggregate(0UL, (sum, i) => sum + i.High - i.Low + 1);

    public int IntervalCount => _intervals.Length;

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
