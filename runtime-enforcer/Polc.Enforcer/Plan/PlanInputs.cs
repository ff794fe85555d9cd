using System.Collections.Immutable;

namespace Polc.Enforcer.Plan;

/// <summary>
/// What the plan takes from the other backends rather than computing itself: the BPF of the seccomp
/// backend (one program per architecture), the cgroup file writes of the cgroup backend (v1 and v2; the
/// launcher picks the host's version), and the capability sets of the capabilities backend.
/// </summary>
/// <param name="Seccomp">null when no seccomp backend supplied a filter (the plan then carries none).</param>
public sealed record PlanInputs(
    ImmutableArray<SeccompProgram>? Seccomp,
    ImmutableArray<CgroupWrite> CgroupV1,
    ImmutableArray<CgroupWrite> CgroupV2,
    CapabilitySets Capabilities);
