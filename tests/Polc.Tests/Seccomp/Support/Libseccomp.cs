using System.Text.Json;
using Polc.Backends.Seccomp;
using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Tests.Support;

namespace Polc.Tests.Seccomp.Support;

/// <summary>Builds the libseccomp filter for a policy (or a Docker/OCI profile) through
/// Libseccomp/libseccomp-export.py and Debian's python3-seccomp, and reads back its BPF.</summary>
public static class Libseccomp
{
    public const string Python = "/usr/bin/python3";

    public static string Script => Path.Combine(RepoPaths.Root, "tests", "Polc.Tests", "Seccomp", "Libseccomp", "libseccomp-export.py");

    /// <summary>Docker's default capabilities, the set container runtimes resolve `includes`/`excludes` with.</summary>
    public static readonly string[] DockerDefaultCaps =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public static void Require()
    {
        var (exit, output) = ProcessRunner.Run(Python, ["-c", "import seccomp; print(seccomp.get_api())"]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"the libseccomp differential tests need python3-seccomp for {Python} (.ci/run installs it): {output}");
        }
    }

    /// <summary>The job for a policy whose every rule libseccomp can express: conditions are conjunctions of
    /// comparisons on distinct arguments, `==` the only masked one.</summary>
    public static Dictionary<string, object> RulesJob(PolicyIr policy, Arch arch, int optimize, string output)
    {
        var native = arch == Arch.X86_64;
        var rules = new List<Dictionary<string, object>>();
        foreach (var rule in policy.Syscalls.Rules)
        {
            var args = Conjunction(rule.Condition).Select(Comparison).ToList();
            foreach (var syscall in rule.Syscalls)
            {
                if (!SyscallTable.TryGetNumber(arch, syscall.Name, out var nr))
                {
                    continue;
                }
                var entry = new Dictionary<string, object> { ["action"] = rule.Action.SeccompReturn, ["args"] = args };
                entry[native ? "nr" : "name"] = native ? nr : syscall.Name;
                rules.Add(entry);
            }
        }
        return new Dictionary<string, object>
        {
            ["out"] = output, ["arch"] = arch.Name(), ["optimize"] = optimize,
            ["default"] = policy.Syscalls.DefaultAction.SeccompReturn, ["rules"] = rules,
        };
    }

    public static Dictionary<string, object> ProfileJob(string profile, Arch arch, string ociArch, int optimize, string output) => new()
    {
        ["out"] = output, ["arch"] = arch.Name(), ["optimize"] = optimize, ["profile"] = profile, ["caps"] = DockerDefaultCaps,
        ["oci_arch"] = ociArch, ["numbers"] = SyscallTable.Entries(arch).ToDictionary(e => e.Name, e => e.Number),
    };

    /// <summary>Runs the script on every job at once.</summary>
    public static void Export(IEnumerable<Dictionary<string, object>> jobs, string directory)
    {
        var path = Path.Combine(directory, $"jobs-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(jobs));
        var (exit, output) = ProcessRunner.Run(Python, [Script, path]);
        Assert.True(exit == 0, "libseccomp-export.py failed:\n" + output);
    }

    public static BpfInstruction[] Read(string path, Arch arch) => BpfEncoding.Decode(File.ReadAllBytes(path), arch.IsBigEndian());

    private static IEnumerable<CompareConditionIr> Conjunction(ConditionIr? condition) => condition switch
    {
        null => [],
        CompareConditionIr compare => [compare],
        AndConditionIr all when all.Operands.All(o => o is CompareConditionIr) => all.Operands.Cast<CompareConditionIr>(),
        _ => throw new ArgumentException($"libseccomp cannot express `{IrPrinter.Describe(condition)}` as one rule"),
    };

    private static Dictionary<string, object> Comparison(CompareConditionIr c)
    {
        if (c.HasMask && c.Op != CompareOp.Eq)
        {
            throw new ArgumentException("libseccomp masks only `==`");
        }
        var op = c.HasMask ? "MASKED_EQ" : c.Op.ToString().ToUpperInvariant();
        return new Dictionary<string, object> { ["arg"] = c.Arg, ["op"] = op, ["value"] = c.Value, ["mask"] = c.Mask };
    }
}
