using System.Collections.Immutable;
using Polc.Compiler.Text;

namespace Polc.Compiler.Ir;

/// <param name="MemorySwap">swap allowed beyond <see cref="Memory"/> (0 = none), not the memory+swap total Docker uses.</param>
/// <param name="Cpus">CPUs' worth of time, e.g. 1.5.</param>
public sealed record ResourcePolicyIr(
    Setting<ulong>? Memory,
    Setting<ulong>? MemorySwap,
    Setting<ulong>? MemoryReservation,
    Setting<decimal>? Cpus,
    Setting<uint>? CpuWeight,
    Setting<string>? Cpuset,
    Setting<ulong>? Pids,
    Setting<uint>? IoWeight,
    ImmutableArray<IoLimitIr> Io,
    ImmutableArray<RlimitIr> Rlimits);

/// <summary>Per-device throttles in bytes or operations per second.</summary>
public sealed record IoLimitIr(string Device, ulong? ReadBps, ulong? WriteBps, ulong? ReadIops, ulong? WriteIops, SourceSpan Span);

/// <param name="Name">the lowercase name without RLIMIT_, e.g. `nofile`.</param>
/// <param name="Soft">the soft limit; <see cref="Unlimited"/> for RLIM_INFINITY.</param>
public sealed record RlimitIr(string Name, ulong Soft, ulong Hard, SourceSpan Span)
{
    public const ulong Unlimited = ulong.MaxValue;
}
