using Polc.Backends.Seccomp;
using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Semantics;
using Polc.Tests.Seccomp.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Seccomp;

/// <summary>polc's filter and libseccomp's (levels 1 and 2) for the same policy, both run in the simulator
/// over every syscall number of the architecture (and the x32 range, -1, unknown numbers, foreign arches)
/// × a set of argument vectors: the same action everywhere. The simulator itself is checked against the
/// kernel in <see cref="KernelTests"/>.</summary>
public class LibseccompDifferentialTests
{
    private static readonly ulong[][] PlainVectors = [new ulong[6], [1, 2, 3, 4, 5, 6], [.. Enumerable.Repeat(ulong.MaxValue, 6)]];

    [Theory]
    [InlineData("x86_64", 200)]
    [InlineData("aarch64", 40)]
    [InlineData("s390x", 30)]
    [InlineData("ppc64le", 15)]
    [InlineData("riscv64", 15)]
    public void Random_policies_match_libseccomp(string archName, int policies)
    {
        Libseccomp.Require();
        Assert.True(ArchInfo.TryParse(archName, out var arch));
        // No socket on arches where libseccomp also rewrites socketcall(2) multiplexing.
        var pool = RandomSyscallPolicy.Pool.Where(n => n != "socket" || arch is Arch.X86_64 or Arch.Aarch64 or Arch.Riscv64).ToArray();
        using var temp = new TempDirectory();
        var cases = new List<(string Text, SeccompBackend.Filter Filter, List<ulong[]> Vectors, int Seed)>();
        var jobs = new List<Dictionary<string, object>>();
        for (var i = 0; i < policies; i++)
        {
            var seed = 20_000 + i;
            var generator = new RandomSyscallPolicy(seed, pool);
            var text = generator.Expressible(archName);
            var ir = SeccompKit.Bind(text);
            cases.Add((text, SeccompKit.Compile(ir).Single(), generator.ArgumentVectors(mixtures: 12), seed));
            foreach (var level in new[] { 1, 2 })
            {
                jobs.Add(LibseccompJobs.RulesJob(ir, arch, level, Path.Combine(temp.Path, $"{i}.{level}.bpf")));
            }
        }
        Libseccomp.Export(jobs, temp.Path);
        var compared = 0L;
        for (var i = 0; i < policies; i++)
        {
            var (text, filter, vectors, seed) = cases[i];
            foreach (var level in new[] { 1, 2 })
            {
                var theirs = Libseccomp.Read(Path.Combine(temp.Path, $"{i}.{level}.bpf"), arch);
                compared += Compare(filter, theirs, Numbers(arch), n => pool.Any(p => SyscallTable.TryGetNumber(arch, p, out var nr) && nr == n) ? vectors : PlainVectors,
                    $"seed {seed}, libseccomp level {level}\n{text}");
            }
        }
        Assert.True(compared > policies * 2000L, $"only {compared} calls compared");
    }

    [SkippableTheory]
    [InlineData("docker-default.seccomp.json")]
    [InlineData("podman-default.seccomp.json")]
    public void Corpus_profiles_match_libseccomp_built_from_the_json(string profileName)
    {
        Skip.If(RepoPaths.Corpus is null, "../shared/corpus is not next to this clone: the corpus profiles cannot be compared");
        Libseccomp.Require();
        var profile = Path.Combine(RepoPaths.Corpus!, profileName);
        using var temp = new TempDirectory();
        var policy = temp.File("profile.pol");
        var imported = CliRunner.Run("import", profile, "--arch", "x86_64", "-o", policy);
        Assert.True(imported.ExitCode == 0, imported.Err);
        var result = Polc.Compiler.Semantics.PolicyBinder.BindFile(policy);
        Assert.True(result.Policy is not null, string.Join("\n", result.Diagnostics));
        var filter = SeccompKit.Compile(result.Policy!).Single(f => f.Arch == Arch.X86_64);
        Libseccomp.Export(new[] { 1, 2 }.Select(level => LibseccompJobs.ProfileJob(profile, Arch.X86_64, "amd64", level, Path.Combine(temp.Path, $"lib{level}.bpf"))), temp.Path);
        var vectors = ProfileArgumentVectors.From(profile);
        foreach (var level in new[] { 1, 2 })
        {
            var theirs = Libseccomp.Read(Path.Combine(temp.Path, $"lib{level}.bpf"), Arch.X86_64);
            var compared = Compare(filter, theirs, Numbers(Arch.X86_64), _ => vectors, $"{profileName}, libseccomp level {level}");
            Assert.True(compared > 10_000);
        }
    }

    /// <summary>Every number of the arch's table and the gaps up to 64 past its end, the x32 range's start and
    /// table (x86_64), the top of the number space and -1.</summary>
    private static IEnumerable<uint> Numbers(Arch arch)
    {
        var table = SyscallTable.Entries(arch).Select(e => e.Number).ToList();
        var low = Enumerable.Range(0, (int)table.Where(n => n < 0x10_0000).Max() + 64).Select(n => (uint)n);
        var x32 = arch == Arch.X86_64 ? SyscallTable.Entries(Arch.X32).Select(e => e.Number).Append(0x4000_0000u + 600) : Enumerable.Empty<uint>();
        uint[] edges = [0x3fff_ffff, 0x4000_0000, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff];
        return low.Concat(table).Concat(x32).Concat(edges).Distinct();
    }

    /// <returns>how many calls were compared.</returns>
    private static long Compare(SeccompBackend.Filter ours, BpfInstruction[] theirs, IEnumerable<uint> numbers, Func<uint, IReadOnlyList<ulong[]>> vectorsFor, string what)
    {
        Assert.Null(BpfValidator.Check(theirs));
        var bigEndian = ours.Arch.IsBigEndian();
        var audit = ours.Arch.AuditArch();
        long compared = 0;
        var mismatches = new List<string>();
        foreach (var nr in numbers)
        {
            foreach (var args in vectorsFor(nr))
            {
                var data = new SeccompData(nr, audit, 0, args);
                var a = BpfInterpreter.Run(ours.Program, data, bigEndian).Action;
                var b = BpfInterpreter.Run(theirs, data, bigEndian).Action;
                compared++;
                if (a != b && mismatches.Count < 10)
                {
                    mismatches.Add($"nr {nr} args [{string.Join(", ", args.Select(RandomSyscallPolicy.Hex))}]: polc `{a}`, libseccomp `{b}`");
                }
            }
        }
        foreach (var foreign in new[] { Arch.X86.AuditArch(), Arch.Aarch64.AuditArch(), Arch.S390x.AuditArch(), Arch.X86_64.AuditArch(), 0u }.Where(a => a != audit))
        {
            var data = new SeccompData(0, foreign, 0, new ulong[6]);
            var a = BpfInterpreter.Run(ours.Program, data, bigEndian).Action;
            var b = BpfInterpreter.Run(theirs, data, bigEndian).Action;
            if (a != b)
            {
                mismatches.Add($"arch 0x{foreign:x}: polc `{a}`, libseccomp `{b}`");
            }
        }
        Assert.True(mismatches.Count == 0, $"{what}\n{string.Join("\n", mismatches)}");
        return compared;
    }
}
