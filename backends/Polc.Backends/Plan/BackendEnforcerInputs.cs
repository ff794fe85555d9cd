using System.Collections.Immutable;
using Polc.Backends.Capabilities;
using Polc.Backends.Cgroups;
using Polc.Backends.Seccomp;
using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Enforcer.Plan;

namespace Polc.Backends.Plan;

/// <summary>The plan's inputs from the other backends, so the launcher applies exactly what the
/// `seccomp`, `cgroup` and `caps` artifacts say.</summary>
public sealed class BackendEnforcerInputs : IEnforcerInputSource
{
    public PlanInputs Resolve(PolicyIr policy, BackendOptions options, DiagnosticBag diagnostics)
    {
        var cgroups = CgroupPlan.From(policy);
        var v1 = cgroups.V1.Select(f => new CgroupWrite(1, f.Controller, f.File, f.Value)).ToList();
        var v2 = cgroups.V2.Select(f => new CgroupWrite(2, f.Controller, f.File, f.Value)).ToList();
        foreach (var device in cgroups.Devices)
        {
            // Device numbers are the host's: resolved when the plan is built, on the host that runs it.
            if (BlockDevices.Resolve(device.Device) is not { } numbers)
            {
                var span = policy.Resources.Io.First(i => i.Device == device.Device).Span;
                diagnostics.Add(DiagnosticCatalog.EnforcerResourceNotApplied(span, $"io \"{device.Device}\" (no such block device here)"));
                continue;
            }
            v1.AddRange(device.V1.Select(f => new CgroupWrite(1, f.Controller, f.File, $"{numbers} {f.Value}")));
            v2.AddRange(device.V2.Select(f => new CgroupWrite(2, f.Controller, f.File, $"{numbers} {f.Value}")));
        }
        var caps = CapabilityState.Configured(policy.Capabilities);
        var seccompDiagnostics = new List<Diagnostic>();
        var filters = SeccompBackend.Compile(policy, options, seccompDiagnostics)
            .Select(f => new SeccompProgram(f.Arch, BpfEncoding.Encode(f.Program, f.Arch.IsBigEndian())))
            .ToImmutableArray();
        diagnostics.AddRange(seccompDiagnostics);
        return new PlanInputs(
            filters,
            [.. v1],
            [.. v2],
            new CapabilitySets(caps.Bounding, caps.Permitted, caps.Effective, caps.Inheritable, caps.Ambient));
    }
}
