using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

/// <summary>What one file says on its own, before its bases are merged in.</summary>
internal sealed class PolicyUnit(string name, SourceSpan span, string displayOrigin)
{
    public string Name { get; } = name;
    public SourceSpan Span { get; } = span;

    /// <summary>How rules from this file are labelled in the IR (the policy name).</summary>
    public string Origin { get; } = displayOrigin;

    public List<PolicyUnit> Bases { get; } = [];

    // syscalls
    public UnitAction? Default { get; set; }
    public Setting<IReadOnlyList<Arch>>? Architectures { get; set; }
    public List<UnitRule> Rules { get; } = [];

    // capabilities, in source order
    public List<CapabilityStepIr> CapabilitySteps { get; } = [];

    // filesystem
    public Setting<string>? Root { get; set; }
    public Setting<bool>? ReadOnlyRoot { get; set; }
    public List<PathRuleIr> PathRules { get; } = [];
    public List<TmpfsMountIr> Tmpfs { get; } = [];
    public List<BindMountIr> Binds { get; } = [];
    public List<Setting<string>> Masks { get; } = [];

    // network
    public Setting<bool>? NetworkNone { get; set; }
    public List<NetworkFamilyRuleIr> Families { get; } = [];
    public List<PortRuleIr> BindPorts { get; } = [];
    public List<PortRuleIr> ConnectPorts { get; } = [];

    // resources
    public Setting<ulong>? Memory { get; set; }
    public Setting<ulong>? MemorySwap { get; set; }
    public Setting<ulong>? MemoryReservation { get; set; }
    public Setting<decimal>? Cpus { get; set; }
    public Setting<uint>? CpuWeight { get; set; }
    public Setting<string>? Cpuset { get; set; }
    public Setting<ulong>? Pids { get; set; }
    public Setting<uint>? IoWeight { get; set; }
    public List<IoLimitIr> Io { get; } = [];
    public List<RlimitIr> Rlimits { get; } = [];

    // isolation
    public List<Setting<NamespaceKind>> Namespaces { get; } = [];
    public Setting<string>? Hostname { get; set; }
    public Setting<uint>? User { get; set; }
    public Setting<uint>? Group { get; set; }
    public List<IdMapIr> UidMaps { get; } = [];
    public List<IdMapIr> GidMaps { get; } = [];
    public Setting<bool>? NoNewPrivileges { get; set; }

    // labels
    public Setting<string>? AppArmor { get; set; }
    public Setting<string>? Selinux { get; set; }

    public List<UnitExpectation> Expectations { get; } = [];
}

/// <summary>An action as written: `deny` stays unresolved until the final default is known.</summary>
internal sealed record UnitAction(SeccompAction? Action, bool IsDeny, SourceSpan Span)
{
    public SeccompAction Resolve(SeccompAction deny) => IsDeny ? deny : Action!;
}

internal sealed record UnitRule(UnitAction Action, IReadOnlyList<SyscallRefIr> Syscalls, ConditionIr? Condition, SourceSpan Span);

internal abstract record UnitExpectation(SourceSpan Span);

internal sealed record UnitSyscallExpectation(UnitAction? Action, bool AnyDeny, string Syscall, IReadOnlyList<ulong> Args, SourceSpan Span) : UnitExpectation(Span);

internal sealed record UnitCapabilityExpectation(Capability Capability, bool Present, SourceSpan Span) : UnitExpectation(Span);
