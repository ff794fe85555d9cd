using Polc.Compiler.Ir;

namespace Polc.Backends.DockerSeccomp;

/// <summary>
/// One syscall's decision as a diagram that tests the arguments in ascending order, the order libseccomp
/// chains an entry's comparisons in: each branch splits one argument's values into classes that lead to the
/// same decision on the later arguments. Entries read off its paths never overlap, and the classes of one
/// branch are as coarse as they can be (so `arg0 == 16 &amp;&amp; arg2 == 9` next to everything else gives
/// `arg0 == 16, arg2 != 9` and `arg0 != 16`, each negation last in its entry).
/// </summary>
public sealed class ArgumentDiagram
{
    public abstract record Node(int Id);

    public sealed record Leaf(int Id, SeccompAction Action) : Node(Id);

    /// <summary>Tests argument <see cref="Arg"/>: each edge is a value set (in the store) and where it leads.</summary>
    public sealed record Branch(int Id, int Arg, IReadOnlyList<(int Set, Node Child)> Edges) : Node(Id);

    public sealed class TooLargeException() : Exception("too many value classes");

    private const int ClassLimit = 256;

    private readonly ValueSets _sets;
    private readonly Dictionary<string, Node> _unique = new(StringComparer.Ordinal);

    private ArgumentDiagram(ValueSets sets) => _sets = sets;

    /// <summary>The diagram of a disjoint cover of the argument space by cubes, each with its action.</summary>
    /// <exception cref="TooLargeException">an argument splits into more than 256 classes.</exception>
    public static Node Build(ValueSets sets, IReadOnlyList<(ArgumentCube Cube, SeccompAction Action)> cover) =>
        new ArgumentDiagram(sets).Build(cover, 0);

    private Node Build(IReadOnlyList<(ArgumentCube Cube, SeccompAction Action)> items, int from)
    {
        if (items.Select(i => i.Action).Distinct().Count() == 1)
        {
            return Intern($"L{Describe(items[0].Action)}", id => new Leaf(id, items[0].Action));
        }
        var arg = Enumerable.Range(from, ArgumentCube.Arity - from).First(a => items.Any(i => i.Cube[a] != ValueSets.All));
        var classes = new List<int> { ValueSets.All };
        foreach (var set in items.Select(i => i.Cube[arg]).Where(s => s != ValueSets.All).Distinct())
        {
            classes = classes.SelectMany(c => new[] { _sets.And(c, set), _sets.Minus(c, set) }).Where(c => c != ValueSets.Empty).ToList();
            if (classes.Count > ClassLimit)
            {
                throw new TooLargeException();
            }
        }
        var edges = new List<(int Set, Node Child)>();
        foreach (var values in classes)
        {
            var inside = items.Where(i => _sets.And(i.Cube[arg], values) != ValueSets.Empty)
                .Select(i => (i.Cube.With(arg, ValueSets.All), i.Action))
                .ToList();
            if (inside.Count == 0)
            {
                continue; // values no cube covers: only where the cover leaves out what cannot occur (32-bit ABIs)
            }
            var child = Build(inside, arg + 1);
            var same = edges.FindIndex(e => e.Child == child);
            if (same >= 0)
            {
                edges[same] = (_sets.Or(edges[same].Set, values), child);
            }
            else
            {
                edges.Add((values, child));
            }
        }
        if (edges.Count == 1)
        {
            return edges[0].Child;
        }
        var key = $"B{arg}|" + string.Join(";", edges.Select(e => $"{e.Set}:{e.Child.Id}"));
        return Intern(key, id => new Branch(id, arg, edges));
    }

    private Node Intern(string key, Func<int, Node> create)
    {
        if (!_unique.TryGetValue(key, out var node))
        {
            _unique[key] = node = create(_unique.Count);
        }
        return node;
    }

    private static string Describe(SeccompAction action) => $"{action.Kind}:{action.Value}";
}
