using System.Collections.Immutable;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Compiler.Ir;

public abstract record ExpectationIr(SourceSpan Span);

/// <summary>`ACTION syscall` or `ACTION syscall(a0, a1, ...)`: checked by running the compiled filter.</summary>
/// <param name="Args">the arguments; unspecified ones are 0.</param>
public sealed record SyscallExpectationIr(ExpectedOutcome Outcome, string Syscall, ImmutableArray<ulong> Args, SourceSpan Span) : ExpectationIr(Span);

/// <summary>`capability X` (Present) or `no capability X`.</summary>
public sealed record CapabilityExpectationIr(Capability Capability, bool Present, SourceSpan Span) : ExpectationIr(Span);

/// <summary>What an expectation demands: an exact action, or `deny` = any action other than allow and log.</summary>
public sealed record ExpectedOutcome(SeccompAction? Exact, bool AnyDeny)
{
    public static ExpectedOutcome Deny { get; } = new(null, true);

    public bool Matches(SeccompAction actual) => AnyDeny
        ? actual.Kind is not (SeccompActionKind.Allow or SeccompActionKind.Log)
        : actual == Exact;

    public override string ToString() => AnyDeny ? "deny" : Exact!.ToString();
}
