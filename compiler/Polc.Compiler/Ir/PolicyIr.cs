using System.Collections.Immutable;
using Polc.Compiler.Text;

namespace Polc.Compiler.Ir;

/// <summary>
/// A fully resolved policy: bases merged, groups expanded, constants folded.
/// Backends read only this. Every node keeps the span of the source it came from
/// (possibly in a base file), so later stages can report errors at the right line.
/// </summary>
public sealed record PolicyIr(
    string Name,
    SourceSpan Span,
    ImmutableArray<string> Bases,
    SyscallPolicyIr Syscalls,
    CapabilityPolicyIr Capabilities,
    FilesystemPolicyIr Filesystem,
    NetworkPolicyIr Network,
    ResourcePolicyIr Resources,
    IsolationPolicyIr Isolation,
    LabelPolicyIr Labels,
    ImmutableArray<ExpectationIr> Expectations);

/// <summary>A value written in the policy, with where it was written.</summary>
public sealed record Setting<T>(T Value, SourceSpan Span);
