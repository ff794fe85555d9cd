using Polc.Backends.DockerSeccomp;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Xunit.Abstractions;

namespace Polc.Tests.DockerSeccomp;

/// <summary>The first-match to disjoint rewrite, checked by meaning: random ordered rules, the Docker profile
/// polc writes evaluated as runc and libseccomp apply it, against the language's first-match meaning.</summary>
public class FirstMatchRewriteTests(ITestOutputHelper output)
{
    [Fact]
    public void Random_rule_lists_mean_the_same_in_the_docker_profile()
    {
        var compiled = 0;
        var tooLarge = 0;
        var checks = 0;
        var mismatches = new List<string>();
        for (var seed = 0; seed < 600; seed++)
        {
            var generator = new RandomPolicies(seed);
            var text = generator.Policy(seed % 3 == 0 ? "x86_64, aarch64" : "x86_64");
            var policy = Bind(text);
            var built = SeccompProfileBuilder.Build(policy);
            if (built.Diagnostics.Any(d => d.Code == "POL2101"))
            {
                tooLarge++;
                continue;
            }
            Assert.False(built.HasErrors, string.Join("\n", built.Diagnostics) + "\n" + text);
            compiled++;
            var profile = built.Profile!;
            AssertFormatRules(profile, text);
            var json = new DockerProfileSemantics(SeccompProfileJson.ToDockerProfile(profile));
            foreach (var syscall in RandomPolicies.Syscalls)
            {
                foreach (var args in generator.ArgumentVectors(policy.Syscalls, 40))
                {
                    checks++;
                    var expected = PolicyReference.Decide(policy.Syscalls, syscall, args);
                    var actual = json.Decide(syscall, args);
                    if (actual != expected && mismatches.Count < 10)
                    {
                        mismatches.Add($"seed {seed}: {syscall}({string.Join(", ", args.Select(a => $"0x{a:x}"))}): policy says {expected}, profile says {Show(actual)}\n{text}");
                    }
                }
            }
        }
        output.WriteLine($"{compiled} policies compiled, {tooLarge} reported too large (POL2101), {checks} decisions compared");
        Assert.Empty(mismatches);
        Assert.True(compiled >= 480, $"only {compiled} of 600 random policies compiled");
    }

    [Fact]
    public void Overlapping_rules_of_one_syscall_become_disjoint_entries()
    {
        var policy = Bind("""
            policy p {
                syscalls {
                    errno EINVAL socket if arg0 == AF_NETLINK && arg2 == NETLINK_AUDIT
                    allow socket if arg2 != NETLINK_AUDIT
                    allow socket if arg0 != AF_NETLINK
                }
            }
            """);
        var profile = SeccompProfileBuilder.Build(policy).Profile!;
        var socket = profile.Syscalls.Where(e => e.Names.Contains("socket")).ToList();
        // The two allow rules together cover everything the errno rule does not: one region, no overlap.
        Assert.Equal(["errno EINVAL", "allow", "allow"], socket.Select(e => e.Action.ToString()).OrderBy(a => a == "allow").ToArray());
        var json = new DockerProfileSemantics(SeccompProfileJson.ToDockerProfile(profile));
        Assert.Equal(SeccompAction.Errno(22), json.Decide("socket", [16, 3, 9]));
        Assert.Equal(SeccompAction.Allow, json.Decide("socket", [16, 3, 0]));
        Assert.Equal(SeccompAction.Allow, json.Decide("socket", [2, 1, 9]));
    }

    [Fact]
    public void Unconditional_rule_after_conditional_ones_keeps_them_apart()
    {
        // libseccomp lets an unconditional rule swallow every conditional rule of the syscall; polc's
        // entries for the later, unconditional rule must therefore be conditional (on what is left).
        var policy = Bind("""
            policy p {
                syscalls {
                    default allow
                    errno EACCES openat if arg2 & O_CREAT == O_CREAT
                    kill openat
                }
            }
            """);
        var profile = SeccompProfileBuilder.Build(policy).Profile!;
        Assert.All(profile.Syscalls.Where(e => e.Names.Contains("openat")), e => Assert.True(e.IsConditional));
        var json = new DockerProfileSemantics(SeccompProfileJson.ToDockerProfile(profile));
        Assert.Equal(SeccompAction.Errno(13), json.Decide("openat", [0, 0, 0x40]));
        Assert.Equal(SeccompAction.KillProcess, json.Decide("openat", [0, 0, 0x2]));
    }

    [Fact]
    public void A_range_of_one_argument_becomes_single_comparisons_per_entry()
    {
        var policy = Bind("policy p {\n syscalls {\n allow mmap if arg2 >= 5 && arg2 < 100\n }\n}\n");
        var profile = SeccompProfileBuilder.Build(policy).Profile!;
        var mmap = profile.Syscalls.Where(e => e.Names.Contains("mmap")).ToList();
        Assert.All(mmap, e => Assert.Single(e.Args));
        var json = new DockerProfileSemantics(SeccompProfileJson.ToDockerProfile(profile));
        for (ulong v = 0; v < 200; v++)
        {
            Assert.Equal(v is >= 5 and < 100 ? SeccompAction.Allow : SeccompAction.Errno(1), json.Decide("mmap", [0, 0, v]));
        }
    }

    [Fact]
    public void Negated_multi_bit_mask_is_rewritten_exactly()
    {
        var policy = Bind("policy p {\n syscalls {\n allow clone if !(arg0 & 0x7e020000 == 0)\n }\n}\n");
        var built = SeccompProfileBuilder.Build(policy);
        Assert.False(built.HasErrors);
        var json = new DockerProfileSemantics(SeccompProfileJson.ToDockerProfile(built.Profile!));
        foreach (var v in new ulong[] { 0, 0x20000, 0x1000_0000, 0x7e02_0000, 0x100, 0xffff_ffff_8000_0000, 0x4000_0000 })
        {
            Assert.Equal((v & 0x7e020000) != 0 ? SeccompAction.Allow : SeccompAction.Errno(1), json.Decide("clone", [v]));
        }
    }

    [Fact]
    public void Explosion_past_the_limit_is_an_error_at_the_rule()
    {
        var conjuncts = string.Join(" && ", Enumerable.Range(0, 6).Select(i => $"arg{i} not in [1, 3, 5, 7, 9, 11, 13]"));
        var source = $"policy p {{\n    syscalls {{\n        allow read if {conjuncts}\n        kill write\n    }}\n}}\n";
        var built = SeccompProfileBuilder.Build(Bind(source));
        var error = Assert.Single(built.Diagnostics, d => d.Code == "POL2101");
        Assert.Equal(3, error.Location!.Line);
        Assert.Null(built.Profile);
    }

    [Theory]
    [InlineData("x86_64, x86", "allow read if arg0 == 0x100000001", "POL2102")]
    [InlineData("x86_64, x32", "allow read if arg0 == 5", "POL2103")]
    public void Word_size_limits_of_libseccomp_are_errors(string arches, string rule, string code)
    {
        var built = SeccompProfileBuilder.Build(Bind($"policy p {{\n    syscalls {{\n        arch {arches}\n        {rule}\n    }}\n}}\n"));
        var error = Assert.Single(built.Diagnostics, d => d.Code == code);
        Assert.Equal(4, error.Location!.Line);
    }

    [Fact]
    public void On_32_bit_architectures_alone_values_above_the_lower_word_are_free()
    {
        var policy = Bind("policy p {\n syscalls {\n arch x86, arm\n allow read if arg0 >= 5 && arg0 <= 0xffffffff\n }\n}\n");
        var profile = SeccompProfileBuilder.Build(policy).Profile!;
        var read = Assert.Single(profile.Syscalls, e => e.Names.Contains("read"));
        Assert.Equal(new SeccompArgument(0, SeccompOperator.GreaterThan, 4), Assert.Single(read.Args));
    }

    [Fact]
    public void Notify_as_default_is_refused()
    {
        var built = SeccompProfileBuilder.Build(Bind("policy p {\n syscalls {\n default notify\n allow read\n }\n}\n"));
        Assert.Contains(built.Diagnostics, d => d.Code == "POL2104" && d.Location!.Line == 3);
    }

    [Fact]
    public void Architectures_are_exactly_the_policys_and_kill_is_kill_process()
    {
        var policy = Bind("policy p {\n syscalls {\n arch aarch64, x86_64\n kill ptrace\n kill-thread bpf\n }\n}\n");
        var json = SeccompProfileJson.ToDockerProfile(SeccompProfileBuilder.Build(policy).Profile!);
        Assert.Contains("\"architectures\": [\n\t\t\"SCMP_ARCH_AARCH64\",\n\t\t\"SCMP_ARCH_X86_64\"\n\t]", json, StringComparison.Ordinal);
        Assert.DoesNotContain("archMap", json, StringComparison.Ordinal);
        Assert.Contains("SCMP_ACT_KILL_PROCESS", json, StringComparison.Ordinal);
        Assert.Contains("SCMP_ACT_KILL_THREAD", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_is_deterministic()
    {
        var text = new RandomPolicies(7).Policy();
        var first = SeccompProfileJson.ToDockerProfile(SeccompProfileBuilder.Build(Bind(text)).Profile!);
        var second = SeccompProfileJson.ToDockerProfile(SeccompProfileBuilder.Build(Bind(text)).Profile!);
        Assert.Equal(first, second);
    }

    internal static PolicyIr Bind(string text)
    {
        var bound = PolicyBinder.Bind(new SourceText("test.pol", text));
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics) + "\n" + text);
        return bound.Policy!;
    }

    /// <summary>What the format and its loaders demand of every entry polc writes.</summary>
    internal static void AssertFormatRules(SeccompProfile profile, string context)
    {
        foreach (var entry in profile.Syscalls)
        {
            Assert.True(entry.Args.Select(a => a.Index).Distinct().Count() == entry.Args.Length, $"an entry compares an argument twice\n{context}");
            Assert.True(entry.Action != profile.DefaultAction || entry == profile.Syscalls[^1], $"an entry repeats the default action\n{context}");
            Assert.NotEmpty(entry.Names);
        }
    }

    private static string Show(SeccompAction action) => action == DockerProfileSemantics.Ambiguous ? "ambiguous (overlapping entries of different actions)" : action.ToString();
}
