using Polc.Backends.Seccomp;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Tests.Seccomp.Support;

/// <summary>Job descriptions for Libseccomp/libseccomp-export.py (its docstring has the format). Shared, as a
/// linked source file, by the differential tests and the benchmark in tests/benchmarks/seccomp/.</summary>
public static class LibseccompJobs
{
    /// <summary>Docker's default capabilities, the set container runtimes resolve `includes`/`excludes` with.</summary>
    public static readonly string[] DockerDefaultCaps =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

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
