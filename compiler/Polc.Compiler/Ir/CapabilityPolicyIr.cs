using System.Collections.Immutable;
using Polc.Compiler.Semantics;

namespace Polc.Compiler.Ir;

/// <summary>The resolved capability sets. Bounding = permitted = effective = <see cref="Allowed"/>;
/// inheritable = ambient = <see cref="Ambient"/>. Both sorted by number.</summary>
public sealed record CapabilityPolicyIr(
    ImmutableArray<Capability> Allowed,
    ImmutableArray<Capability> Ambient,
    ImmutableArray<CapabilityStepIr> Steps)
{
    public bool Has(Capability capability) => Allowed.Contains(capability);

    /// <summary>The 64-bit mask of <see cref="Allowed"/> as the kernel writes it in /proc/PID/status.</summary>
    public ulong AllowedMask => Allowed.Aggregate(0UL, (mask, c) => mask | (1UL << c.Number));

    public ulong AmbientMask => Ambient.Aggregate(0UL, (mask, c) => mask | (1UL << c.Number));
}

public enum CapabilityStepKind
{
    Allow,
    AllowAll,
    Drop,
    Ambient,
}

/// <summary>One statement that shaped the set, kept for review tools (diff, lint).</summary>
public sealed record CapabilityStepIr(CapabilityStepKind Kind, ImmutableArray<Capability> Capabilities, Text.SourceSpan Span, string Origin);
