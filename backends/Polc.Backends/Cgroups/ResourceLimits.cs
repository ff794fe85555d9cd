using System.Globalization;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Backends.Cgroups;

/// <summary>
/// The memory and CPU numbers that container runtimes take in their own units (Docker flags, Compose, the OCI runtime
/// config, a Kubernetes Pod), with the warnings when the policy's values cannot be taken as written.
/// <paramref name="target"/> names the consumer in those warnings, e.g. "`docker run`".
/// </summary>
public static class ResourceLimits
{
    /// <summary>Memory plus swap, the total Docker's --memory-swap and the OCI `memory.swap` take; null when the policy sets no
    /// swap, or sets it without a memory limit (warning POL2401: those runtimes cannot limit swap alone).</summary>
    public static ulong? MemoryPlusSwap(ResourcePolicyIr resources, string target, List<Diagnostic> diagnostics)
    {
        if (resources.MemorySwap is not { } swap)
        {
            return null;
        }
        if (resources.Memory is { } memory)
        {
            return memory.Value + swap.Value;
        }
        diagnostics.Add(DiagnosticCatalog.SwapWithoutMemory(swap.Span, target));
        return null;
    }

    /// <summary>The memory reservation, or null when there is none or it exceeds the memory limit (warning POL2403: runtimes reject that).</summary>
    public static ulong? MemoryReservation(ResourcePolicyIr resources, string target, List<Diagnostic> diagnostics)
    {
        if (resources.MemoryReservation is not { } reserved)
        {
            return null;
        }
        if (resources.Memory is { } limit && reserved.Value > limit.Value)
        {
            diagnostics.Add(DiagnosticCatalog.ReservationAboveMemory(reserved.Span, target));
            return null;
        }
        return reserved.Value;
    }

    /// <summary>The CPUs' worth of time a runtime will really grant: raised to the kernel's minimum quota (warning POL2402).</summary>
    public static decimal? Cpus(ResourcePolicyIr resources, List<Diagnostic> diagnostics)
    {
        if (resources.Cpus is not { } requested)
        {
            return null;
        }
        var cpus = CgroupPlan.EffectiveCpus(requested.Value);
        if (cpus != requested.Value)
        {
            diagnostics.Add(DiagnosticCatalog.CpuQuotaTooSmall(requested.Span, requested.Value.ToString(CultureInfo.InvariantCulture)));
        }
        return cpus;
    }
}
