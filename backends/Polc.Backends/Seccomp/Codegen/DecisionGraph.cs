namespace Polc.Backends.Seccomp.Codegen;

/// <summary>A node of the filter before layout: a return value, or a word test with two successors.</summary>
public abstract record DecisionNode(int Id);

public sealed record ReturnNode(int Id, uint Value) : DecisionNode(Id);

public sealed record TestNode(int Id, WordTest Test, int IfTrue, int IfFalse) : DecisionNode(Id);

/// <summary>The whole filter as a hash-consed DAG: equal sub-decisions are one node, so syscalls whose
/// handling is the same share both code and the range they fall in.</summary>
public sealed class DecisionGraph
{
    private readonly List<DecisionNode> _nodes = [];
    private readonly Dictionary<uint, int> _returns = [];
    private readonly Dictionary<(WordTest, int, int), int> _tests = [];

    public DecisionNode this[int id] => _nodes[id];

    public int Count => _nodes.Count;

    public int Return(uint value)
    {
        if (!_returns.TryGetValue(value, out var id))
        {
            id = _nodes.Count;
            _nodes.Add(new ReturnNode(id, value));
            _returns.Add(value, id);
        }
        return id;
    }

    public int Test(WordTest test, int ifTrue, int ifFalse)
    {
        if (ifTrue == ifFalse)
        {
            return ifTrue;
        }
        if (!_tests.TryGetValue((test, ifTrue, ifFalse), out var id))
        {
            id = _nodes.Count;
            _nodes.Add(new TestNode(id, test, ifTrue, ifFalse));
            _tests.Add((test, ifTrue, ifFalse), id);
        }
        return id;
    }
}
