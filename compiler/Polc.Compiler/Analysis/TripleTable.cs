namespace Polc.Compiler.Analysis;

/// <summary>
/// A hash map from three non-negative ints to an int, with open addressing: the unique table and the
/// if-then-else cache of <see cref="DecisionDiagram"/> do millions of lookups, and a dictionary of
/// value tuples costs several times more per lookup (hashing, comparer, and generic code the
/// ahead-of-time compiler does not pregenerate).
/// </summary>
public sealed class TripleTable
{
    private int[] _a = new int[1024];
    private int[] _b = new int[1024];
    private int[] _c = new int[1024];
    private int[] _value = new int[1024];
    private int _count;

    public TripleTable()
    {
        Array.Fill(_a, -1);
    }

    public bool TryGetValue(int a, int b, int c, out int value)
    {
        var mask = _a.Length - 1;
        for (var slot = Hash(a, b, c) & mask; _a[slot] != -1; slot = (slot + 1) & mask)
        {
            if (_a[slot] == a && _b[slot] == b && _c[slot] == c)
            {
                value = _value[slot];
                return true;
            }
        }
        value = 0;
        return false;
    }

    /// <summary>Adds or replaces the value for (a, b, c).</summary>
    public void Set(int a, int b, int c, int value)
    {
        if ((_count + 1) * 2 > _a.Length)
        {
            Grow();
        }
        var mask = _a.Length - 1;
        var slot = Hash(a, b, c) & mask;
        while (_a[slot] != -1 && !(_a[slot] == a && _b[slot] == b && _c[slot] == c))
        {
            slot = (slot + 1) & mask;
        }
        if (_a[slot] == -1)
        {
            _count++;
        }
        (_a[slot], _b[slot], _c[slot], _value[slot]) = (a, b, c, value);
    }

    private void Grow()
    {
        var (a, b, c, value) = (_a, _b, _c, _value);
        _a = new int[a.Length * 2];
        _b = new int[a.Length * 2];
        _c = new int[a.Length * 2];
        _value = new int[a.Length * 2];
        Array.Fill(_a, -1);
        _count = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != -1)
            {
                Set(a[i], b[i], c[i], value[i]);
            }
        }
    }

    private static int Hash(int a, int b, int c)
    {
        var h = (uint)a * 0x9E3779B1u ^ (uint)b * 0x85EBCA77u ^ (uint)c * 0xC2B2AE3Du;
        return (int)(h ^ h >> 15);
    }
}
