using Polc.Backends;
using Polc.Backends.Seccomp;
using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Tests.Seccomp.Support;

/// <summary>Policy text to compiled filters, and calls run through them with the simulator.</summary>
public static class SeccompKit
{
    public static PolicyIr Bind(string text, string path = "t.pol")
    {
        var result = PolicyBinder.Bind(new SourceText(path, text));
        Assert.True(result.Policy is not null, "the policy does not bind:\n" + string.Join("\n", result.Diagnostics));
        return result.Policy!;
    }

    public static IReadOnlyList<SeccompBackend.Filter> Compile(PolicyIr policy)
    {
        var diagnostics = new List<Diagnostic>();
        var filters = SeccompBackend.Compile(policy, BackendOptions.Default, diagnostics);
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));
        return filters;
    }

    public static SeccompBackend.Filter Filter(IReadOnlyList<SeccompBackend.Filter> filters, Arch arch) =>
        filters.SingleOrDefault(f => f.Arch == arch) ?? throw new InvalidOperationException($"no filter for {arch.Name()}");

    /// <summary>Runs a call made under <paramref name="callArch"/> (its AUDIT_ARCH and syscall numbering) through <paramref name="filter"/>.</summary>
    public static SimulationResult Run(SeccompBackend.Filter filter, Arch callArch, string syscall, params ulong[] args)
    {
        Assert.True(SyscallTable.TryGetNumber(callArch, syscall, out var nr), $"{syscall} is not a {callArch.Name()} syscall");
        return Run(filter, callArch.AuditArch(), nr, args);
    }

    public static SimulationResult Run(SeccompBackend.Filter filter, uint audit, uint nr, params ulong[] args)
    {
        var six = new ulong[6];
        Array.Copy(args, six, Math.Min(6, args.Length));
        return BpfInterpreter.Run(filter.Program, new SeccompData(nr, audit, 0, six), filter.Arch.IsBigEndian());
    }
}

/// <summary>The language's syscall semantics computed straight from the IR, independently of the code
/// generator: the architecture decides which rules apply (or kills; under AUDIT_ARCH_X86_64 numbers from
/// 0x40000000 up but -1 are x32 calls), then the first rule naming the
/// syscall whose condition holds (<see cref="ConditionEvaluator.Holds"/>), else the default.</summary>
public static class ReferenceSemantics
{
    /// <param name="fileArch">the architecture whose filter is asked (its kernel family may report others).</param>
    public static SeccompAction Decide(SyscallPolicyIr policy, Arch fileArch, uint audit, uint nr, IReadOnlyList<ulong> args)
    {
        Arch? member = null;
        foreach (var candidate in fileArch.Family().Where(policy.Architectures.Contains))
        {
            if (candidate.AuditArch() != audit)
            {
                continue;
            }
            var isX32Number = nr >= ArchInfo.X32SyscallBit && nr != uint.MaxValue;
            if (audit == Arch.X86_64.AuditArch() && isX32Number != (candidate == Arch.X32))
            {
                continue;
            }
            member = candidate;
        }
        if (member is not { } arch)
        {
            return SeccompAction.KillProcess;
        }
        if (!SyscallTable.TryGetName(arch, nr, out var name))
        {
            return policy.DefaultAction;
        }
        foreach (var rule in policy.Rules)
        {
            if (rule.Syscalls.Any(s => s.Name == name) && (rule.Condition is null || rule.Condition.Holds(args)))
            {
                return rule.Action;
            }
        }
        return policy.DefaultAction;
    }
}
