using System.Text.Json.Nodes;
using Polc.Backends.Cgroups;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Backends.Oci;

/// <summary>
/// `linux.resources` in the spec's units, which are cgroup v1's (runc converts them on v2 hosts with the formulas
/// <see cref="CgroupWeights"/> inverts): `memory.swap` is memory plus swap, `cpu.shares` and `blockIO.weight` are
/// v1-scaled. Devices: every device node denied but the runtime's defaults, as `runc spec` writes.
/// </summary>
public static class OciResources
{
    public static JsonObject Build(ResourcePolicyIr r, List<Diagnostic> diagnostics)
    {
        var resources = new JsonObject
        {
            ["devices"] = new JsonArray(new JsonObject { ["allow"] = false, ["access"] = "rwm" }),
        };
        var memory = new JsonObject();
        if (r.Memory is { } limit)
        {
            memory["limit"] = limit.Value;
        }
        if (ResourceLimits.MemoryPlusSwap(r, OciBackend.Target, diagnostics) is { } swap)
        {
            memory["swap"] = swap;
        }
        if (ResourceLimits.MemoryReservation(r, OciBackend.Target, diagnostics) is { } reservation)
        {
            memory["reservation"] = reservation;
        }
        AddIfAny(resources, "memory", memory);

        var cpu = new JsonObject();
        if (r.CpuWeight is { } weight)
        {
            cpu["shares"] = CgroupWeights.CpuSharesFromWeight(weight.Value);
        }
        if (ResourceLimits.Cpus(r, diagnostics) is { } cpus)
        {
            cpu["quota"] = CgroupPlan.CpuQuotaUs(cpus);
            cpu["period"] = CgroupPlan.CpuPeriodUs;
        }
        if (r.Cpuset is { } cpuset)
        {
            cpu["cpus"] = cpuset.Value;
        }
        AddIfAny(resources, "cpu", cpu);

        if (r.Pids is { } pids)
        {
            resources["pids"] = new JsonObject { ["limit"] = pids.Value };
        }
        if (r.IoWeight is { } ioWeight)
        {
            resources["blockIO"] = new JsonObject { ["weight"] = CgroupWeights.BlkioWeightFromIoWeight(ioWeight.Value) };
        }
        foreach (var io in r.Io)
        {
            diagnostics.Add(DiagnosticCatalog.OciBlockDeviceNumbers(io.Span, io.Device));
        }
        return resources;
    }

    private static void AddIfAny(JsonObject resources, string name, JsonObject value)
    {
        if (value.Count > 0)
        {
            resources[name] = value;
        }
    }
}
