using System.Collections.Immutable;
using System.Globalization;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Enforcer.Plan;

namespace Polc.Backends.Plan;

/// <summary>
/// INTERIM, to be replaced when the seccomp, cgroup and capabilities backends are merged: a stand-in
/// that computes the plan's inputs itself. It supplies no BPF (warning POL2602), only the simplest cgroup
/// limits (memory, memory-swap, memory-reservation, cpu, pids; anything else is warning POL2603), and
/// the capability masks straight from the IR. Replace <see cref="EnforcerInputs.Default"/> with a source
/// that calls those backends' public APIs, then delete this file.
/// </summary>
public sealed class InterimEnforcerInputs : IEnforcerInputSource
{
    private const ulong CpuPeriodMicroseconds = 100_000;

    public PlanInputs Resolve(PolicyIr policy, BackendOptions options, DiagnosticBag diagnostics)
    {
        diagnostics.Add(DiagnosticCatalog.EnforcerNoSeccompFilter(policy.Span));
        var caps = policy.Capabilities;
        return new PlanInputs(
            null,
            CgroupWrites(policy.Resources, 1, diagnostics),
            CgroupWrites(policy.Resources, 2, diagnostics),
            new CapabilitySets(caps.AllowedMask, caps.AllowedMask, caps.AllowedMask, caps.AmbientMask, caps.AmbientMask));
    }

    /// <summary>The file writes for one cgroup version, in the order the kernel accepts them
    /// (v1: the memory limit before memory+swap).</summary>
    public static ImmutableArray<CgroupWrite> CgroupWrites(ResourcePolicyIr r, int version, DiagnosticBag diagnostics)
    {
        var writes = ImmutableArray.CreateBuilder<CgroupWrite>();
        void Write(string controller, string file, string value) => writes.Add(new CgroupWrite(version, controller, file, value));
        static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);
        var v1 = version == 1;
        if (r.Memory is { } memory)
        {
            Write("memory", v1 ? "memory.limit_in_bytes" : "memory.max", N(memory.Value));
        }
        if (r.MemorySwap is { } swap)
        {
            if (r.Memory is { } limit)
            {
                Write("memory", v1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max", N(v1 ? limit.Value + swap.Value : swap.Value));
            }
            else if (v1)
            {
                diagnostics.Add(DiagnosticCatalog.EnforcerResourceNotApplied(swap.Span, "memory-swap"));
            }
        }
        if (r.MemoryReservation is { } reservation)
        {
            Write("memory", v1 ? "memory.soft_limit_in_bytes" : "memory.low", N(reservation.Value));
        }
        if (r.Cpus is { } cpus)
        {
            var quota = N((ulong)Math.Round(cpus.Value * CpuPeriodMicroseconds));
            if (v1)
            {
                Write("cpu", "cpu.cfs_period_us", N(CpuPeriodMicroseconds));
                Write("cpu", "cpu.cfs_quota_us", quota);
            }
            else
            {
                Write("cpu", "cpu.max", $"{quota} {N(CpuPeriodMicroseconds)}");
            }
        }
        if (r.Pids is { } pids)
        {
            Write("pids", "pids.max", N(pids.Value));
        }
        if (v1)
        {
            foreach (var (name, span) in new[] { ("cpu-weight", r.CpuWeight?.Span), ("cpuset", r.Cpuset?.Span), ("io-weight", r.IoWeight?.Span) }
                .Concat(r.Io.Select(io => ("io", (Polc.Compiler.Text.SourceSpan?)io.Span))))
            {
                if (span is not null)
                {
                    diagnostics.Add(DiagnosticCatalog.EnforcerResourceNotApplied(span, name));
                }
            }
        }
        return writes.ToImmutable();
    }
}
