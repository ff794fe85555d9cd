using System.Collections.Immutable;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Backends.DockerSeccomp;

/// <summary>
/// A seccomp profile in the shape shared by Docker/Podman (`--security-opt seccomp=FILE`), the OCI
/// runtime spec (`linux.seccomp`) and the Security Profiles Operator (`SeccompProfile.spec`).
/// Its entries are evaluated the way libseccomp evaluates them: no order, so <see cref="SeccompProfileBuilder"/>
/// makes the entries of different actions disjoint. Render it with <see cref="SeccompProfileJson"/>.
/// </summary>
/// <param name="DefaultAt">where the default action was written (or the policy), for diagnostics of renderers.</param>
/// <param name="Architectures">exactly the policy's architectures, never with Docker's implied sub-architectures.</param>
/// <param name="Flags">`SECCOMP_FILTER_FLAG_*` names for the OCI `flags` field (polc sets none today).</param>
public sealed record SeccompProfile(
    SeccompAction DefaultAction,
    SourceSpan DefaultAt,
    ImmutableArray<Arch> Architectures,
    ImmutableArray<string> Flags,
    ImmutableArray<SeccompEntry> Syscalls);

/// <summary>One `syscalls[]` entry: the action applies to each named syscall when every comparison holds.</summary>
/// <param name="Comment">where the entry comes from (Docker's `comment`); not part of the OCI format.</param>
/// <param name="Rules">the policy rules the entry comes from, for diagnostics of renderers.</param>
public sealed record SeccompEntry(
    ImmutableArray<string> Names,
    SeccompAction Action,
    ImmutableArray<SeccompArgument> Args,
    string? Comment,
    ImmutableArray<SourceSpan> Rules)
{
    public bool IsConditional => Args.Length > 0;
}

/// <summary>One `args[]` comparison, with the format's meaning of the fields: for
/// <see cref="SeccompOperator.MaskedEqual"/> <see cref="Value"/> is the mask and <see cref="ValueTwo"/>
/// the datum, <c>(arg &amp; Value) == ValueTwo</c>; otherwise <c>arg OP Value</c>.</summary>
public sealed record SeccompArgument(int Index, SeccompOperator Op, ulong Value, ulong ValueTwo = 0)
{
    /// <summary>How libseccomp evaluates the comparison on a 64-bit argument (the datum masked as it does).</summary>
    public bool Holds(ulong argument) => Op switch
    {
        SeccompOperator.NotEqual => argument != Value,
        SeccompOperator.LessThan => argument < Value,
        SeccompOperator.LessEqual => argument <= Value,
        SeccompOperator.Equal => argument == Value,
        SeccompOperator.GreaterEqual => argument >= Value,
        SeccompOperator.GreaterThan => argument > Value,
        SeccompOperator.MaskedEqual => (argument & Value) == (ValueTwo & Value),
        _ => throw new ArgumentOutOfRangeException(nameof(Op)),
    };

    /// <summary>The same comparison as a polc condition (`arg0 &lt; 38`, `arg0 &amp; 0x7e020000 == 0`).</summary>
    public (ulong Mask, CompareOp Op, ulong Value) ToCompare() => Op switch
    {
        SeccompOperator.NotEqual => (CompareConditionIr.NoMask, CompareOp.Ne, Value),
        SeccompOperator.LessThan => (CompareConditionIr.NoMask, CompareOp.Lt, Value),
        SeccompOperator.LessEqual => (CompareConditionIr.NoMask, CompareOp.Le, Value),
        SeccompOperator.Equal => (CompareConditionIr.NoMask, CompareOp.Eq, Value),
        SeccompOperator.GreaterEqual => (CompareConditionIr.NoMask, CompareOp.Ge, Value),
        SeccompOperator.GreaterThan => (CompareConditionIr.NoMask, CompareOp.Gt, Value),
        SeccompOperator.MaskedEqual => (Value, CompareOp.Eq, ValueTwo & Value),
        _ => throw new ArgumentOutOfRangeException(nameof(Op)),
    };
}

public enum SeccompOperator
{
    NotEqual,
    LessThan,
    LessEqual,
    Equal,
    GreaterEqual,
    GreaterThan,
    MaskedEqual,
}
