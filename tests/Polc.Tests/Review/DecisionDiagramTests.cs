using Polc.Compiler.Analysis;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.Review;

/// <summary>
/// The decision diagrams behind diff, lint and score, checked against the reference semantics
/// (<see cref="ConditionEvaluator.Holds"/> and first-match order) on random and boundary arguments.
/// </summary>
public class DecisionDiagramTests
{
    private static readonly SourceSpan NoSpan = new(new SourceText("t.pol", ""), new TextSpan(0, 0));

    /// <summary>Arguments that sit on the edges of every comparison a condition makes, plus random ones.</summary>
    private static List<ulong[]> Probes(IEnumerable<ConditionIr?> conditions, Random random, int count)
    {
        var interesting = new HashSet<ulong> { 0, 1, ulong.MaxValue, 0x8000_0000_0000_0000 };
        void Collect(ConditionIr? c)
        {
            switch (c)
            {
                case AndConditionIr a: a.Operands.ToList().ForEach(Collect); break;
                case OrConditionIr o: o.Operands.ToList().ForEach(Collect); break;
                case NotConditionIr n: Collect(n.Operand); break;
                case CompareConditionIr cmp:
                    foreach (var v in new[] { cmp.Value, cmp.Value - 1, cmp.Value + 1, cmp.Mask, ~cmp.Mask, cmp.Value | ~cmp.Mask, cmp.Value & cmp.Mask })
                    {
                        interesting.Add(v);
                    }
                    break;
            }
        }
        foreach (var condition in conditions)
        {
            Collect(condition);
        }
        var values = interesting.ToArray();
        var probes = new List<ulong[]>();
        for (var i = 0; i < count; i++)
        {
            probes.Add([.. Enumerable.Range(0, 6).Select(_ => random.Next(3) == 0 ? (ulong)random.NextInt64() * 2 + (ulong)random.Next(2) : values[random.Next(values.Length)])]);
        }
        return probes;
    }

    [Fact]
    public void Every_comparison_matches_the_reference_semantics()
    {
        var random = new Random(7);
        var diagram = new DecisionDiagram();
        ulong[] masks = [CompareConditionIr.NoMask, 0xff, 0x8, 0x7e02_0000, 0xffff_ffff_0000_0000, 0x8000_0000_0000_0001];
        for (var i = 0; i < 400; i++)
        {
            var mask = random.Next(2) == 0 ? masks[random.Next(masks.Length)] : (ulong)random.NextInt64();
            var value = random.Next(3) switch { 0 => (ulong)random.Next(20), 1 => mask & (ulong)random.NextInt64(), _ => (ulong)random.NextInt64() };
            var compare = new CompareConditionIr(random.Next(6), mask, (CompareOp)random.Next(6), value, NoSpan);
            var node = diagram.Compare(compare.Arg, compare.Mask, compare.Op, compare.Value);
            foreach (var args in Probes([compare], random, 60))
            {
                Assert.True(compare.Holds(args) == (diagram.Evaluate(node, args) == 1),
                    $"arg{compare.Arg} & 0x{mask:x} {compare.Op.Symbol()} 0x{value:x} at 0x{args[compare.Arg]:x}");
            }
        }
    }

    [Fact]
    public void Decisions_of_random_policies_match_first_match_evaluation()
    {
        var random = new Random(11);
        var chains = 0;
        for (var seed = 0; seed < 150; seed++)
        {
            if (PolicyBinder.Bind(new SourceText("r.pol", new RandomPolicy(seed).Generate())).Policy is not { } policy)
            {
                continue;
            }
            var semantics = new SyscallSemantics();
            foreach (var arch in policy.Syscalls.Architectures)
            {
                foreach (var (_, chain) in SyscallSemantics.Chains(policy.Syscalls, arch))
                {
                    var decision = semantics.Decision(chain, policy.Syscalls.DefaultAction);
                    foreach (var args in Probes(chain.Select(e => e.Rule.Condition), random, 40))
                    {
                        var expected = chain.FirstOrDefault(e => e.Rule.Condition?.Holds(args) ?? true)?.Rule.Action ?? policy.Syscalls.DefaultAction;
                        Assert.Equal(expected, semantics.ActionOf(semantics.Diagram.Evaluate(decision, args)));
                    }
                    chains++;
                }
            }
        }
        Assert.True(chains > 500, $"only {chains} chains checked");
    }

    [Fact]
    public void A_witness_of_a_difference_really_differs_and_equal_diagrams_never_do()
    {
        var random = new Random(3);
        var differences = 0;
        for (var seed = 0; seed < 150; seed++)
        {
            var a = PolicyBinder.Bind(new SourceText("a.pol", new RandomPolicy(seed).Generate())).Policy;
            var b = PolicyBinder.Bind(new SourceText("b.pol", new RandomPolicy(seed + 1000).Generate())).Policy;
            if (a is null || b is null)
            {
                continue;
            }
            var semantics = new SyscallSemantics();
            var d = semantics.Diagram;
            var arch = Arch.X86_64;
            var chainsA = SyscallSemantics.Chains(a.Syscalls, arch);
            var chainsB = SyscallSemantics.Chains(b.Syscalls, arch);
            foreach (var number in chainsA.Keys.Intersect(chainsB.Keys))
            {
                var (ca, cb) = (chainsA[number], chainsB[number]);
                var (da, db) = (semantics.Decision(ca, a.Syscalls.DefaultAction), semantics.Decision(cb, b.Syscalls.DefaultAction));
                SeccompAction Reference(List<ChainEntry> chain, SeccompAction fallback, ulong[] args) =>
                    chain.FirstOrDefault(e => e.Rule.Condition?.Holds(args) ?? true)?.Rule.Action ?? fallback;
                if (da == db)
                {
                    foreach (var args in Probes(ca.Concat(cb).Select(e => e.Rule.Condition), random, 30))
                    {
                        Assert.Equal(Reference(ca, a.Syscalls.DefaultAction, args), Reference(cb, b.Syscalls.DefaultAction, args));
                    }
                    continue;
                }
                var pairs = d.Apply(da, db, (x, y) => x << 16 | y);
                foreach (var pair in d.LeafValues(pairs).Where(p => p >> 16 != (p & 0xFFFF)))
                {
                    var witness = d.Witness(d.Where(pairs, v => v == pair))!;
                    Assert.Equal(semantics.ActionOf(pair >> 16), Reference(ca, a.Syscalls.DefaultAction, witness));
                    Assert.Equal(semantics.ActionOf(pair & 0xFFFF), Reference(cb, b.Syscalls.DefaultAction, witness));
                    differences++;
                }
            }
        }
        Assert.True(differences > 50, $"only {differences} differences checked");
    }

    [Fact]
    public void Intervals_and_cubes_describe_exactly_the_region()
    {
        var d = new DecisionDiagram();
        var region = d.Or(d.Compare(0, CompareConditionIr.NoMask, CompareOp.Lt, 3), d.Compare(0, CompareConditionIr.NoMask, CompareOp.Eq, 10));
        Assert.Equal([(0UL, 2UL), (10UL, 10UL)], d.Intervals(region, 0, 8)!);
        var flag = d.Compare(0, 0x10, CompareOp.Eq, 0x10);
        Assert.Equal([(0x10UL, 0x10UL)], d.Cubes(flag, 0, 4)!);
        Assert.Null(d.Intervals(flag, 0, 100)); // every 32nd block of 16 values: far too many ranges
        var two = d.And(d.Compare(1, CompareConditionIr.NoMask, CompareOp.Ge, 5), d.Compare(3, 0xff, CompareOp.Ne, 0));
        Assert.Equal([1, 3], d.Support(two));
        Assert.Equal(d.Compare(1, CompareConditionIr.NoMask, CompareOp.Ge, 5), d.Project(two, 1));
    }

    [Fact]
    public void The_node_table_behaves_like_a_dictionary_through_growth()
    {
        var table = new TripleTable();
        var reference = new Dictionary<(int, int, int), int>();
        var random = new Random(5);
        for (var i = 0; i < 50_000; i++)
        {
            var key = (random.Next(400), random.Next(3000), random.Next(3000));
            table.Set(key.Item1, key.Item2, key.Item3, i);
            reference[key] = i;
        }
        foreach (var ((a, b, c), value) in reference)
        {
            Assert.True(table.TryGetValue(a, b, c, out var found) && found == value);
        }
        Assert.False(table.TryGetValue(400, 0, 0, out _));
    }
}
