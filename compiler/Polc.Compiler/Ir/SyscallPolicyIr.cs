using System.Collections.Immutable;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Compiler.Ir;

/// <summary>Rules in evaluation order (own rules, then each base's in listed order); first match wins, then <see cref="DefaultAction"/>.</summary>
public sealed record SyscallPolicyIr(
    SeccompAction DefaultAction,
    SourceSpan? DefaultSpan,
    ImmutableArray<Arch> Architectures,
    SourceSpan? ArchitecturesSpan,
    ImmutableArray<SyscallRuleIr> Rules);

/// <param name="Origin">the name of the policy (this one or a base) the rule was written in.</param>
public sealed record SyscallRuleIr(
    SeccompAction Action,
    ImmutableArray<SyscallRefIr> Syscalls,
    ConditionIr? Condition,
    SourceSpan Span,
    string Origin);

/// <param name="ViaGroup">the `@group` it was expanded from, or null when named directly.</param>
public sealed record SyscallRefIr(string Name, string? ViaGroup, SourceSpan Span);

public enum SeccompActionKind
{
    Allow,
    Errno,
    KillProcess,
    KillThread,
    Trap,
    Trace,
    Notify,
    Log,
}

/// <summary>A resolved action: `deny` is already turned into the policy's errno.</summary>
public sealed record SeccompAction(SeccompActionKind Kind, uint Value = 0)
{
    public const uint RetKillProcess = 0x8000_0000;
    public const uint RetKillThread = 0x0000_0000;
    public const uint RetTrap = 0x0003_0000;
    public const uint RetErrno = 0x0005_0000;
    public const uint RetUserNotif = 0x7FC0_0000;
    public const uint RetTrace = 0x7FF0_0000;
    public const uint RetLog = 0x7FFC_0000;
    public const uint RetAllow = 0x7FFF_0000;

    public static readonly SeccompAction Allow = new(SeccompActionKind.Allow);
    public static readonly SeccompAction KillProcess = new(SeccompActionKind.KillProcess);

    public static SeccompAction Errno(uint errno) => new(SeccompActionKind.Errno, errno);

    /// <summary>The value a seccomp filter returns for this action.</summary>
    public uint SeccompReturn => Kind switch
    {
        SeccompActionKind.Allow => RetAllow,
        SeccompActionKind.Errno => RetErrno | (Value & 0xFFFF),
        SeccompActionKind.KillProcess => RetKillProcess,
        SeccompActionKind.KillThread => RetKillThread,
        SeccompActionKind.Trap => RetTrap,
        SeccompActionKind.Trace => RetTrace | (Value & 0xFFFF),
        SeccompActionKind.Notify => RetUserNotif,
        SeccompActionKind.Log => RetLog,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };

    /// <summary>The inverse of <see cref="SeccompReturn"/>, for the simulator and disassembler.</summary>
    public static SeccompAction FromReturn(uint ret) => (ret & 0xFFFF_0000) switch
    {
        RetAllow => Allow,
        RetErrno => Errno(ret & 0xFFFF),
        RetKillProcess => KillProcess,
        RetKillThread => new(SeccompActionKind.KillThread),
        RetTrap => new(SeccompActionKind.Trap),
        RetTrace => new(SeccompActionKind.Trace, ret & 0xFFFF),
        RetUserNotif => new(SeccompActionKind.Notify),
        RetLog => new(SeccompActionKind.Log),
        _ => KillProcess,
    };

    /// <summary>Policy syntax for the action: `allow`, `errno EPERM`, `trace 7`, ...</summary>
    public override string ToString() => Kind switch
    {
        SeccompActionKind.Allow => "allow",
        SeccompActionKind.Errno => "errno " + ErrnoTable.NameOf((int)Value),
        SeccompActionKind.KillProcess => "kill",
        SeccompActionKind.KillThread => "kill-thread",
        SeccompActionKind.Trap => "trap",
        SeccompActionKind.Trace => $"trace {Value}",
        SeccompActionKind.Notify => "notify",
        SeccompActionKind.Log => "log",
        _ => Kind.ToString(),
    };
}
