namespace Polc.Compiler.Analysis;

/// <summary>
/// Reduced ordered binary decision diagrams over the 384 bits of the six 64-bit syscall arguments,
/// with integer leaves (0 = false and 1 = true for conditions; any other value for actions, so a
/// first-match chain becomes one multi-terminal diagram). Variables are ordered argument by argument,
/// most significant bit first, which keeps every comparison linear in size. Nodes are hash-consed:
/// two functions are equal exactly when their node ids are equal.
/// </summary>
public sealed class DecisionDiagram
{
    public const int ArgumentCount = 6;
    public const int Bits = 64;
    private const int Terminal = int.MaxValue;

    private readonly List<int> _var = [];
    private readonly List<int> _low = [];
    private readonly List<int> _high = [];
    private readonly TripleTable _unique = new();
    private readonly Dictionary<int, int> _leaves = [];
    private readonly TripleTable _ite = new();

    public DecisionDiagram()
    {
        False = Leaf(0);
        True = Leaf(1);
    }

    public int False { get; }

    public int True { get; }

    public int NodeCount => _var.Count;

    public int Leaf(int value)
    {
        if (_leaves.TryGetValue(value, out var node))
        {
            return node;
        }
        node = _var.Count;
        _var.Add(Terminal);
        _low.Add(value);
        _high.Add(value);
        _leaves[value] = node;
        return node;
    }

    public bool IsLeaf(int node) => _var[node] == Terminal;

    public int LeafValue(int node) => IsLeaf(node) ? _low[node] : throw new ArgumentException("not a leaf", nameof(node));

    public static int Variable(int argument, int bit) => argument * Bits + (Bits - 1 - bit);

    public static int ArgumentOf(int variable) => variable / Bits;

    public static int BitOf(int variable) => Bits - 1 - variable % Bits;

    private int Node(int variable, int low, int high)
    {
        if (low == high)
        {
            return low;
        }
        if (_unique.TryGetValue(variable, low, high, out var node))
        {
            return node;
        }
        node = _var.Count;
        _var.Add(variable);
        _low.Add(low);
        _high.Add(high);
        _unique.Set(variable, low, high, node);
        return node;
    }

    // ---- building blocks ----

    /// <summary>`(arg &amp; mask) OP value` as a diagram; <paramref name="op"/> is one of == != &lt; &lt;= &gt; &gt;=.</summary>
    public int Compare(int argument, ulong mask, Ir.CompareOp op, ulong value) => op switch
    {
        Ir.CompareOp.Eq => Equal(argument, mask, value),
        Ir.CompareOp.Ne => Not(Equal(argument, mask, value)),
        Ir.CompareOp.Lt => Less(argument, mask, value, orEqual: false),
        Ir.CompareOp.Le => Less(argument, mask, value, orEqual: true),
        Ir.CompareOp.Gt => Not(Less(argument, mask, value, orEqual: true)),
        Ir.CompareOp.Ge => Not(Less(argument, mask, value, orEqual: false)),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private int Equal(int argument, ulong mask, ulong value)
    {
        if ((value & ~mask) != 0)
        {
            return False;
        }
        var node = True;
        for (var bit = 0; bit < Bits; bit++)
        {
            if ((mask >> bit & 1) == 0)
            {
                continue;
            }
            node = (value >> bit & 1) == 1
                ? Node(Variable(argument, bit), False, node)
                : Node(Variable(argument, bit), node, False);
        }
        return node;
    }

    /// <summary>Built from the least significant bit up: each level decides when the bits above it were equal.</summary>
    private int Less(int argument, ulong mask, ulong value, bool orEqual)
    {
        var node = orEqual ? True : False;
        for (var bit = 0; bit < Bits; bit++)
        {
            var v = (value >> bit & 1) == 1;
            if ((mask >> bit & 1) == 0)
            {
                // The masked bit is 0: below a 1 it decides "less", against a 0 it defers.
                node = v ? True : node;
                continue;
            }
            node = v
                ? Node(Variable(argument, bit), True, node)
                : Node(Variable(argument, bit), node, False);
        }
        return node;
    }

    // ---- operations ----

    /// <summary>If-then-else with a boolean condition and any branches (leaves are kept as they are).</summary>
    public int Ite(int condition, int then, int otherwise)
    {
        if (condition == True || then == otherwise)
        {
            return then;
        }
        if (condition == False)
        {
            return otherwise;
        }
        if (then == True && otherwise == False)
        {
            return condition;
        }
        if (_ite.TryGetValue(condition, then, otherwise, out var cached))
        {
            return cached;
        }
        var top = Math.Min(_var[condition], Math.Min(_var[then], _var[otherwise]));
        var low = Ite(Low(condition, top), Low(then, top), Low(otherwise, top));
        var high = Ite(High(condition, top), High(then, top), High(otherwise, top));
        var result = Node(top, low, high);
        _ite.Set(condition, then, otherwise, result);
        return result;
    }

    public int Not(int f) => Ite(f, False, True);

    public int And(int f, int g) => Ite(f, g, False);

    public int Or(int f, int g) => Ite(f, True, g);

    public bool Implies(int f, int g) => And(f, Not(g)) == False;

    private int Low(int node, int variable) => _var[node] == variable ? _low[node] : node;

    private int High(int node, int variable) => _var[node] == variable ? _high[node] : node;

    /// <summary>Combines two diagrams leaf by leaf.</summary>
    public int Apply(int f, int g, Func<int, int, int> leaves)
    {
        var cache = new Dictionary<(int, int), int>();
        int Go(int a, int b)
        {
            if (IsLeaf(a) && IsLeaf(b))
            {
                return Leaf(leaves(_low[a], _low[b]));
            }
            if (cache.TryGetValue((a, b), out var done))
            {
                return done;
            }
            var top = Math.Min(_var[a], _var[b]);
            var result = Node(top, Go(Low(a, top), Low(b, top)), Go(High(a, top), High(b, top)));
            cache[(a, b)] = result;
            return result;
        }
        return Go(f, g);
    }

    /// <summary>Replaces every leaf by <paramref name="leaves"/>(value).</summary>
    public int Map(int f, Func<int, int> leaves)
    {
        var cache = new Dictionary<int, int>();
        int Go(int a)
        {
            if (IsLeaf(a))
            {
                return Leaf(leaves(_low[a]));
            }
            if (cache.TryGetValue(a, out var done))
            {
                return done;
            }
            var result = Node(_var[a], Go(_low[a]), Go(_high[a]));
            cache[a] = result;
            return result;
        }
        return Go(f);
    }

    /// <summary>The set where the diagram's leaf is <paramref name="value"/>, as a condition.</summary>
    public int Where(int f, Func<int, bool> value) => Map(f, v => value(v) ? 1 : 0);

    /// <summary>A boolean diagram with every variable of the other arguments quantified away (∃).</summary>
    public int Project(int f, int argument)
    {
        var cache = new Dictionary<int, int>();
        int Go(int a)
        {
            if (IsLeaf(a))
            {
                return a;
            }
            if (cache.TryGetValue(a, out var done))
            {
                return done;
            }
            var low = Go(_low[a]);
            var high = Go(_high[a]);
            var result = ArgumentOf(_var[a]) == argument ? Node(_var[a], low, high) : Or(low, high);
            cache[a] = result;
            return result;
        }
        return Go(f);
    }

    /// <summary>The leaf values reachable in a diagram, sorted.</summary>
    public IReadOnlyList<int> LeafValues(int f)
    {
        var values = new SortedSet<int>();
        Visit(f, node =>
        {
            if (IsLeaf(node))
            {
                values.Add(_low[node]);
            }
        });
        return [.. values];
    }

    /// <summary>The arguments a diagram depends on, ascending.</summary>
    public IReadOnlyList<int> Support(int f)
    {
        var arguments = new SortedSet<int>();
        Visit(f, node =>
        {
            if (!IsLeaf(node))
            {
                arguments.Add(ArgumentOf(_var[node]));
            }
        });
        return [.. arguments];
    }

    private void Visit(int f, Action<int> action)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>();
        stack.Push(f);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!seen.Add(node))
            {
                continue;
            }
            action(node);
            if (!IsLeaf(node))
            {
                stack.Push(_low[node]);
                stack.Push(_high[node]);
            }
        }
    }

    /// <summary>How many nodes a diagram has (leaves included).</summary>
    public int Size(int f)
    {
        var count = 0;
        Visit(f, _ => count++);
        return count;
    }

    /// <summary>The leaf a concrete call reaches.</summary>
    public int Evaluate(int f, IReadOnlyList<ulong> args)
    {
        var node = f;
        while (!IsLeaf(node))
        {
            var variable = _var[node];
            var argument = ArgumentOf(variable);
            var value = argument < args.Count ? args[argument] : 0;
            node = (value >> BitOf(variable) & 1) == 1 ? _high[node] : _low[node];
        }
        return _low[node];
    }

    /// <summary>One assignment where a boolean diagram holds (unconstrained bits 0), or null when it never does.</summary>
    public ulong[]? Witness(int f)
    {
        if (f == False)
        {
            return null;
        }
        var args = new ulong[ArgumentCount];
        var node = f;
        while (!IsLeaf(node))
        {
            var variable = _var[node];
            if (_low[node] != False)
            {
                node = _low[node];
                continue;
            }
            args[ArgumentOf(variable)] |= 1UL << BitOf(variable);
            node = _high[node];
        }
        return args;
    }

    // ---- single-argument views, for describing regions to people ----

    /// <summary>The values of one argument where a diagram over that argument alone holds, as sorted
    /// inclusive ranges; null when there would be more than <paramref name="max"/>.</summary>
    public List<(ulong From, ulong To)>? Intervals(int f, int argument, int max)
    {
        var result = new List<(ulong From, ulong To)>();
        bool Go(int node, int bit, ulong prefix)
        {
            if (node == False)
            {
                return true;
            }
            if (node == True || bit < 0)
            {
                var span = bit < 0 ? 0 : (bit == 63 ? ulong.MaxValue : (1UL << (bit + 1)) - 1);
                return Add(prefix, prefix | span);
            }
            var variable = Variable(argument, bit);
            if (IsLeaf(node) || ArgumentOf(_var[node]) != argument)
            {
                throw new ArgumentException("the diagram depends on another argument", nameof(f));
            }
            var low = _var[node] == variable ? _low[node] : node;
            var high = _var[node] == variable ? _high[node] : node;
            return Go(low, bit - 1, prefix) && Go(high, bit - 1, prefix | 1UL << bit);
        }
        bool Add(ulong from, ulong to)
        {
            if (result.Count > 0 && result[^1].To != ulong.MaxValue && result[^1].To + 1 == from)
            {
                result[^1] = (result[^1].From, to);
                return true;
            }
            result.Add((from, to));
            return result.Count <= max;
        }
        return Go(f, Bits - 1, 0) ? result : null;
    }

    /// <summary>The paths of a diagram over one argument as (mask, value) cubes, each meaning
    /// `arg &amp; mask == value`; null when there would be more than <paramref name="max"/>.</summary>
    public List<(ulong Mask, ulong Value)>? Cubes(int f, int argument, int max)
    {
        var result = new List<(ulong, ulong)>();
        bool Go(int node, ulong mask, ulong value)
        {
            if (node == False)
            {
                return true;
            }
            if (node == True)
            {
                result.Add((mask, value));
                return result.Count <= max;
            }
            if (ArgumentOf(_var[node]) != argument)
            {
                throw new ArgumentException("the diagram depends on another argument", nameof(f));
            }
            var bit = 1UL << BitOf(_var[node]);
            return Go(_low[node], mask | bit, value) && Go(_high[node], mask | bit, value | bit);
        }
        return Go(f, 0, 0) ? result : null;
    }

    /// <summary>
    /// Splits a diagram at the end of its first argument's variables: f = ∨ (selectorᵢ(arg) ∧ restᵢ),
    /// where each selector depends on <paramref name="argument"/> only and the rests on later arguments.
    /// </summary>
    public List<(int Selector, int Remainder)> SplitAfter(int f, int argument)
    {
        var boundary = new SortedSet<int>();
        var seen = new HashSet<int>();
        void Collect(int node)
        {
            if (!seen.Add(node))
            {
                return;
            }
            if (IsLeaf(node) || ArgumentOf(_var[node]) > argument)
            {
                boundary.Add(node);
                return;
            }
            Collect(_low[node]);
            Collect(_high[node]);
        }
        Collect(f);
        boundary.Remove(False);
        var pieces = new List<(int, int)>();
        foreach (var rest in boundary)
        {
            var cache = new Dictionary<int, int>();
            int Select(int node)
            {
                if (IsLeaf(node) || ArgumentOf(_var[node]) > argument)
                {
                    return node == rest ? True : False;
                }
                if (cache.TryGetValue(node, out var done))
                {
                    return done;
                }
                var selected = Node(_var[node], Select(_low[node]), Select(_high[node]));
                cache[node] = selected;
                return selected;
            }
            pieces.Add((Select(f), rest));
        }
        return pieces;
    }
}
