using Polc.Backends.DockerSeccomp;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Tests.Support;
using Xunit.Abstractions;

namespace Polc.Tests.DockerSeccomp;

/// <summary>Random policies compiled to Docker profiles, loaded into the real libseccomp the way runc loads
/// them, and the BPF libseccomp builds run for every syscall of interest × argument vectors: it must decide
/// as the policy's first-match meaning says.</summary>
public class LibseccompDifferentialTests(ITestOutputHelper output)
{
    private static readonly string[] Unnamed = ["getpid", "mkdirat", "fchmodat", "uname"];

    [Theory]
    [InlineData("x86_64", 1000, 150, 8, false)]
    [InlineData("aarch64", 6000, 50, 4, false)]
    [InlineData("x86_64, aarch64", 2000, 100, 14, false)]
    [InlineData("aarch64, x86_64", 3000, 50, 8, false)]
    [InlineData("x86, arm", 4000, 50, 8, true)]
    [InlineData("x86_64, x86", 5000, 50, 8, true)]
    public void Libseccomp_decides_random_policies_as_polc_says(string arches, int firstSeed, int count, int maxRules, bool smallValues)
    {
        using var temp = new TempDirectory();
        var cases = new List<(PolicyIr Policy, RandomPolicies Generator, string Text, string Path)>();
        // POLC_FUZZ_SCALE=N runs N times as many policies (for a longer hunt; CI runs the default).
        count *= int.TryParse(Environment.GetEnvironmentVariable("POLC_FUZZ_SCALE"), out var scale) && scale > 0 ? scale : 1;
        for (var seed = firstSeed * 100; cases.Count < count; seed++)
        {
            var generator = new RandomPolicies(seed, smallValues);
            var text = generator.Policy(arches, maxRules);
            var policy = FirstMatchRewriteTests.Bind(text);
            var built = SeccompProfileBuilder.Build(policy);
            if (built.Profile is null)
            {
                // Too large, a comparison on the upper word next to 64-bit ABIs, a condition on a call x86 multiplexes, or
                // (32-bit ABIs) a condition on several arguments: each reported with a code.
                Assert.Contains(built.Diagnostics, d => d.Code is "POL2101" or "POL2102" or "POL2106" or "POL2111");
                continue;
            }
            var path = temp.File($"p{seed}.json", SeccompProfileJson.ToDockerProfile(built.Profile));
            cases.Add((policy, generator, text, path));
        }
        var loaded = Libseccomp.Load(cases.Select(c => c.Path).ToList());

        var checks = 0;
        var failures = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var (policy, generator, text, _) = cases[i];
            var filter = loaded[i];
            if (!filter.Ok)
            {
                failures.Add($"libseccomp refused the profile: {filter.Error}\n{text}");
                continue;
            }
            var vectors = generator.ArgumentVectors(policy.Syscalls, 30);
            foreach (var arch in policy.Syscalls.Architectures)
            {
                foreach (var name in RandomPolicies.Syscalls.Concat(Unnamed).Where(n => SyscallTable.Exists(arch, n)))
                {
                    // Decide includes runc's ENOSYS stub: the profile must keep it off every syscall polc decides.
                    SyscallTable.TryGetNumber(arch, name, out var nr);
                    foreach (var args in vectors)
                    {
                        checks++;
                        var expected = PolicyReference.Decide(policy.Syscalls, name, args);
                        var actual = filter.Decide(arch, nr, args);
                        if (actual != expected && failures.Count < 10)
                        {
                            failures.Add($"{arch.Name()} {name}({string.Join(", ", args.Select(a => $"0x{a:x}"))}): policy {expected}, libseccomp {actual}\n{text}");
                        }
                    }
                }
            }
            // Architectures the policy does not list, and the x32 ABI: libseccomp's bad-arch action, which
            // Docker profiles cannot choose: SCMP_ACT_KILL (kill-thread) where polc's own filter kills the process.
            var foreign = new[] { Arch.X86, Arch.Arm, Arch.Riscv64 }.First(a => !policy.Syscalls.Architectures.Contains(a));
            Assert.Equal(SeccompActionKind.KillThread, filter.Decide(foreign, 3, [0]).Kind);
            if (policy.Syscalls.Architectures.Contains(Arch.X86_64))
            {
                Assert.Equal(SeccompActionKind.KillThread, filter.Decide(Arch.X86_64, ArchInfo.X32SyscallBit | 39, [0]).Kind);
            }
        }
        output.WriteLine($"{cases.Count} profiles loaded into libseccomp, {checks} decisions compared");
        Assert.True(failures.Count == 0, string.Join("\n---\n", failures));
    }
}
