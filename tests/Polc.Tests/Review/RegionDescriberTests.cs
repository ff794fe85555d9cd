using Polc.Compiler.Analysis;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.Review;

/// <summary>The `when` of a syscall change is policy syntax that means exactly the region: read back, it is the same diagram.</summary>
public class RegionDescriberTests
{
    private static ConditionIr? Parse(string condition)
    {
        var result = PolicyBinder.Bind(new SourceText("c.pol", $"policy c {{\n    syscalls {{\n        allow read if {condition}\n    }}\n}}\n"));
        return result.Policy?.Syscalls.Rules.Single().Condition;
    }

    private static string Describe(string condition)
    {
        var semantics = new SyscallSemantics();
        var names = new ValueNames();
        var ir = Parse(condition)!;
        names.AddFrom(ir);
        return new RegionDescriber(semantics.Diagram, names).Describe(semantics.Condition(ir));
    }

    [Theory]
    [InlineData("arg0 == 1 && arg1 == 2", "arg0 == 1 && arg1 == 2")]
    [InlineData("arg0 in [3, 1, 2]", "arg0 in [1, 2, 3]")]
    [InlineData("arg0 != 1 && arg0 != 2", "arg0 not in [1, 2]")]
    [InlineData("arg0 == AF_NETLINK", "arg0 == AF_NETLINK")]
    [InlineData("arg0 & CLONE_NEWUSER != 0", "arg0 & CLONE_NEWUSER != 0")]
    [InlineData("arg2 > 4 && arg2 < 100", "arg2 >= 5 && arg2 <= 99")]
    [InlineData("(arg0 == 1 && arg1 == 2) || (arg0 == 3 && arg1 == 4)", "arg0 == 1 && arg1 == 2 || arg0 == 3 && arg1 == 4")]
    [InlineData("(arg0 == 1 || arg0 == 7) && arg3 >= 0x100000", "arg0 in [1, 7] && arg3 >= 0x100000")]
    public void Regions_read_like_policy_conditions(string condition, string expected) =>
        Assert.Equal(expected, Describe(condition));

    [Fact]
    public void A_region_too_tangled_to_describe_gets_an_example()
    {
        var tangled = Describe(string.Join(" || ", Enumerable.Range(0, 9).Select(i => $"(arg0 == {i} && arg1 == {i * 3} && arg2 >= {i})")));
        Assert.Equal("for some values of arg0, arg1, arg2 (e.g. arg0 = 0, arg1 = 0, arg2 = 0)", tangled);
    }

    [Fact]
    public void Every_exact_description_of_a_real_difference_reads_back_as_the_same_region()
    {
        var exact = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var a = PolicyBinder.Bind(new SourceText("a.pol", new RandomPolicy(seed).Generate())).Policy;
            var b = PolicyBinder.Bind(new SourceText("b.pol", new RandomPolicy(seed + 5000).Generate())).Policy;
            if (a is null || b is null)
            {
                continue;
            }
            var semantics = new SyscallSemantics();
            var d = semantics.Diagram;
            var chainsA = SyscallSemantics.Chains(a.Syscalls, Arch.X86_64);
            var chainsB = SyscallSemantics.Chains(b.Syscalls, Arch.X86_64);
            foreach (var number in chainsA.Keys.Union(chainsB.Keys))
            {
                var ca = chainsA.GetValueOrDefault(number) ?? [];
                var cb = chainsB.GetValueOrDefault(number) ?? [];
                var names = new ValueNames();
                foreach (var entry in ca.Concat(cb))
                {
                    names.AddFrom(entry.Rule.Condition);
                }
                var pairs = d.Apply(semantics.Decision(ca, a.Syscalls.DefaultAction), semantics.Decision(cb, b.Syscalls.DefaultAction), (x, y) => x << 16 | y);
                foreach (var pair in d.LeafValues(pairs).Where(p => p >> 16 != (p & 0xFFFF)))
                {
                    var region = d.Where(pairs, v => v == pair);
                    if (region == d.True)
                    {
                        continue;
                    }
                    var text = new RegionDescriber(d, names).Describe(region);
                    if (text.StartsWith("for some values", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    var parsed = Parse(text);
                    Assert.True(parsed is not null, $"`{text}` does not parse");
                    Assert.True(semantics.Condition(parsed) == region, $"`{text}` does not mean the region it describes (seed {seed})");
                    exact++;
                }
            }
        }
        Assert.True(exact > 100, $"only {exact} descriptions checked");
    }
}
