using System.Text.Json;
using Polc.Backends.Support;
using Polc.Compiler.Ir;

namespace Polc.Backends.Cgroups;

/// <summary>`NAME.cgroup.json`: the cgroup v1 and v2 files and values to write, device throttles and rlimits
/// (format in docs/cgroups.md).</summary>
public sealed class CgroupBackend : IBackend
{
    public string Name => "cgroup";

    public string Description => "cgroup v1 and v2 files and values, plus rlimits (NAME.cgroup.json)";

    public bool DefaultOn => true;

    public IrSupport Supports(IrFeature feature) => feature switch
    {
        IrFeature.Memory or IrFeature.MemorySwap or IrFeature.MemoryReservation or IrFeature.Cpu or
            IrFeature.CpuWeight or IrFeature.Cpuset or IrFeature.Pids or IrFeature.IoWeight or IrFeature.IoLimits or
            IrFeature.Rlimits => IrSupport.Handled,
        _ => IrSupport.NotApplicable,
    };

    public BackendOutput Emit(PolicyIr policy, BackendOptions options)
    {
        var plan = CgroupPlan.From(policy);
        return new BackendOutput([Artifact.Text($"{policy.Name}.cgroup.json", Render(plan))], plan.Diagnostics);
    }

    public static string Render(CgroupPlan plan) => JsonArtifact.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("policy", plan.Policy);
        w.WriteStartObject("v1");
        foreach (var controller in plan.V1.GroupBy(f => f.Controller))
        {
            w.WriteStringMap(controller.Key, controller.Select(f => (f.File, f.Value)));
        }
        w.WriteEndObject();
        w.WriteStringMap("v2", plan.V2.Select(f => (f.File, f.Value)));
        w.WriteStringArray("v2_controllers", plan.V2Controllers);
        w.WriteStartArray("devices");
        foreach (var device in plan.Devices)
        {
            w.WriteStartObject();
            w.WriteString("path", device.Device);
            w.WriteStringMap("v1", device.V1.Select(f => (f.File, f.Value)));
            w.WriteStringMap("v2", device.V2.Select(f => (f.File, f.Value)));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("rlimits");
        foreach (var rlimit in plan.Rlimits)
        {
            WriteRlimit(w, rlimit);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteRlimit(Utf8JsonWriter w, RlimitEntry rlimit)
    {
        w.WriteStartObject();
        w.WriteString("name", rlimit.Name);
        w.WriteString("resource", rlimit.ResourceName);
        w.WriteNumber("number", rlimit.Resource);
        w.WriteString("soft", RlimitEntry.Text(rlimit.Soft));
        w.WriteString("hard", RlimitEntry.Text(rlimit.Hard));
        w.WriteEndObject();
    }
}
