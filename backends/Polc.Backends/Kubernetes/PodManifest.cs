using System.Globalization;
using Polc.Backends.Cgroups;
using Polc.Backends.DockerRun;
using Polc.Backends.Support;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Enforcer.Plan;

namespace Polc.Backends.Kubernetes;

/// <summary>Where the Pod's container finds its three profiles: the Localhost seccomp path (relative to the kubelet's
/// seccomp root), the AppArmor profile's name and the SELinux type.</summary>
public sealed record PodProfiles(string SeccompLocalhostProfile, string AppArmorProfile, string SelinuxType);

/// <summary>The Pod: one container whose `securityContext`, resources and volumes say what the policy says
/// (docs/kubernetes.md). The image is a placeholder to replace.</summary>
public static class PodManifest
{
    public static string PlaceholderImage(string name) => $"example.invalid/{name}:latest";

    public static YamlMap Build(PolicyIr policy, string name, PodProfiles profiles, List<Diagnostic> diagnostics)
    {
        var isolation = policy.Isolation;
        DockerRunSpec.CheckFilesystem(policy.Filesystem, KubernetesBackend.Target, diagnostics);
        DockerRunSpec.CheckPorts(policy.Network, KubernetesBackend.Target, diagnostics);
        CheckNamespaces(policy, diagnostics);

        var spec = new YamlMap();
        if (isolation.Hostname is { } hostname)
        {
            if (KubernetesNames.IsLabel(hostname.Value))
            {
                spec.Add("hostname", YamlScalar.Str(hostname.Value));
            }
            else
            {
                diagnostics.Add(DiagnosticCatalog.KubernetesHostnameInvalid(hostname.Span, hostname.Value));
            }
        }
        spec.Add("hostNetwork", YamlScalar.Bool(false))
            .Add("hostPID", YamlScalar.Bool(false))
            .Add("hostIPC", YamlScalar.Bool(false))
            .Add("hostUsers", isolation.Has(NamespaceKind.User) ? YamlScalar.Bool(false) : null);

        var (mounts, volumes) = Volumes(policy.Filesystem, diagnostics);
        var container = new YamlMap()
            .Add("name", YamlScalar.Str(name))
            .Add("image", YamlScalar.Str(PlaceholderImage(name)))
            .Add("securityContext", SecurityContext(policy, profiles, diagnostics))
            .Add("resources", Resources(policy.Resources, diagnostics))
            .Add("volumeMounts", mounts.Items.Count > 0 ? mounts : null);
        spec.Add("containers", new YamlSeq([container]))
            .Add("volumes", volumes.Items.Count > 0 ? volumes : null);
        return new YamlMap()
            .Add("apiVersion", YamlScalar.Str("v1"))
            .Add("kind", YamlScalar.Str("Pod"))
            .Add("metadata", new YamlMap().Add("name", YamlScalar.Str(name)))
            .Add("spec", spec);
    }

    private static YamlMap SecurityContext(PolicyIr policy, PodProfiles profiles, List<Diagnostic> diagnostics)
    {
        var isolation = policy.Isolation;
        var capabilities = policy.Capabilities;
        if (isolation.User is { Value: not 0 } user && !capabilities.Ambient.IsEmpty)
        {
            var at = capabilities.Steps.LastOrDefault(s => s.Kind == CapabilityStepKind.Ambient)?.Span ?? user.Span;
            diagnostics.Add(DiagnosticCatalog.KubernetesNonRootCapabilities(at, user.Value, string.Join(", ", capabilities.Ambient.Select(c => c.ShortName))));
        }
        var caps = new YamlMap().Add("drop", Strings(["ALL"]))
            .Add("add", capabilities.Allowed.IsEmpty ? null : Strings(capabilities.Allowed.Select(c => c.ShortName)));
        return new YamlMap()
            .Add("privileged", YamlScalar.Bool(false))
            .Add("allowPrivilegeEscalation", YamlScalar.Bool(!isolation.NoNewPrivileges.Value))
            .Add("capabilities", caps)
            .Add("readOnlyRootFilesystem", YamlScalar.Bool(policy.Filesystem.IsReadOnlyRoot))
            .Add("runAsUser", isolation.User is { } uid ? YamlScalar.UInt(uid.Value) : null)
            .Add("runAsGroup", isolation.Group is { } gid ? YamlScalar.UInt(gid.Value) : null)
            .Add("runAsNonRoot", isolation.User is { Value: not 0 } ? YamlScalar.Bool(true) : null)
            .Add("seccompProfile", Localhost(profiles.SeccompLocalhostProfile))
            .Add("appArmorProfile", Localhost(profiles.AppArmorProfile))
            .Add("seLinuxOptions", new YamlMap().Add("type", YamlScalar.Str(profiles.SelinuxType)));
    }

    private static YamlMap Localhost(string profile) =>
        new YamlMap().Add("type", YamlScalar.Str("Localhost")).Add("localhostProfile", YamlScalar.Str(profile));

    /// <summary>Limits as the cgroup limits; requests from `memory-reservation` and `cpu-weight` (the kubelet sets a
    /// container's cpu.shares to request × 1024, so the request is the shares <see cref="CgroupWeights"/> gives the weight).</summary>
    private static YamlMap? Resources(ResourcePolicyIr r, List<Diagnostic> diagnostics)
    {
        var limits = new YamlMap();
        var requests = new YamlMap();
        var cpus = ResourceLimits.Cpus(r, diagnostics);
        long? limitMilli = cpus is { } c ? (long)decimal.Ceiling(c * 1000) : null;
        limits.Add("cpu", limitMilli is { } milli ? YamlScalar.Str(Cpu(milli)) : null);
        limits.Add("memory", r.Memory is { } memory ? YamlScalar.Str(Bytes(memory.Value)) : null);
        if (r.CpuWeight is { } weight)
        {
            var request = (long)Math.Ceiling(CgroupWeights.CpuSharesFromWeight(weight.Value) * 1000 / 1024.0);
            if (limitMilli is { } limit && request > limit)
            {
                diagnostics.Add(DiagnosticCatalog.KubernetesCpuRequestAboveLimit(weight.Span, Cpu(request), Cpu(limit)));
                request = limit;
            }
            requests.Add("cpu", YamlScalar.Str(Cpu(request)));
        }
        if (ResourceLimits.MemoryReservation(r, KubernetesBackend.Target, diagnostics) is { } reservation)
        {
            requests.Add("memory", YamlScalar.Str(Bytes(reservation)));
        }

        void NotExpressible(Polc.Compiler.Text.SourceSpan? at, string setting, string who)
        {
            if (at is not null)
            {
                diagnostics.Add(DiagnosticCatalog.KubernetesResourceNotExpressible(at, setting, who));
            }
        }
        NotExpressible(r.MemorySwap?.Span, "memory-swap", "the node's swap behaviour decides");
        NotExpressible(r.Cpuset?.Span, "cpuset", "the kubelet's CPU manager decides");
        NotExpressible(r.Pids?.Span, $"pids {r.Pids?.Value.ToString(CultureInfo.InvariantCulture)}", "the kubelet's podPidsLimit decides");
        NotExpressible(r.IoWeight?.Span, "io-weight", "Kubernetes has no block I/O settings");
        NotExpressible(r.Io.FirstOrDefault()?.Span, "io", "Kubernetes has no block I/O settings");
        NotExpressible(r.Rlimits.FirstOrDefault()?.Span, "rlimit", "the container runtime's defaults decide");

        var resources = new YamlMap()
            .Add("limits", limits.Entries.Count > 0 ? limits : null)
            .Add("requests", requests.Entries.Count > 0 ? requests : null);
        return resources.Entries.Count > 0 ? resources : null;
    }

    /// <summary>A Pod always has its own pid, ipc, uts, net and mount namespaces; time and cgroup namespaces have no setting.</summary>
    private static void CheckNamespaces(PolicyIr policy, List<Diagnostic> diagnostics)
    {
        var isolation = policy.Isolation;
        foreach (var ns in isolation.Namespaces)
        {
            if (ns.Value == NamespaceKind.Time)
            {
                diagnostics.Add(DiagnosticCatalog.NamespaceNotExpressible(ns.Span, KubernetesBackend.Target, "time", "a Pod has no time namespace option"));
            }
            else if (ns.Value == NamespaceKind.Cgroup)
            {
                diagnostics.Add(DiagnosticCatalog.NamespaceNotExpressible(ns.Span, KubernetesBackend.Target, "cgroup",
                    "a Pod has no cgroup namespace option (containerd and CRI-O give each container its own on cgroup v2 nodes, none on v1)"));
            }
        }
        var map = isolation.UidMaps.FirstOrDefault() ?? isolation.GidMaps.FirstOrDefault();
        if (map is not null)
        {
            var statement = isolation.UidMaps.Contains(map) ? "map-users" : "map-groups";
            diagnostics.Add(DiagnosticCatalog.KubernetesIdMapsChosenByCluster(map.Span, statement));
        }
        if (policy.Network.None is { Value: true } none)
        {
            diagnostics.Add(DiagnosticCatalog.KubernetesResourceNotExpressible(none.Span, "network none",
                "every Pod gets a network interface; the AppArmor and SELinux profiles still refuse inet sockets"));
        }
    }

    /// <summary>tmpfs as a memory-backed emptyDir, binds as hostPath volumes, named `tmpfs-N` and `bind-N`.</summary>
    private static (YamlSeq Mounts, YamlSeq Volumes) Volumes(FilesystemPolicyIr fs, List<Diagnostic> diagnostics)
    {
        var mounts = new YamlSeq([]);
        var volumes = new YamlSeq([]);
        var index = 0;
        foreach (var tmpfs in fs.Tmpfs)
        {
            var name = $"tmpfs-{++index}";
            var step = PlanBuilder.Tmpfs(tmpfs);
            var extra = new List<string>();
            if (step.Flags != (MountFlags.NoSuid | MountFlags.NoDev))
            {
                extra.AddRange(tmpfs.Options);
            }
            if (tmpfs.Mode is { } mode)
            {
                extra.Add("mode 0o" + Convert.ToString(mode, 8));
            }
            if (extra.Count > 0)
            {
                diagnostics.Add(DiagnosticCatalog.KubernetesTmpfsOptions(tmpfs.Span, tmpfs.Path, string.Join(" ", extra)));
            }
            var emptyDir = new YamlMap().Add("medium", YamlScalar.Str("Memory"))
                .Add("sizeLimit", tmpfs.SizeBytes is { } size ? YamlScalar.Str(Bytes(size)) : null);
            mounts.Items.Add(new YamlMap().Add("name", YamlScalar.Str(name)).Add("mountPath", YamlScalar.Str(tmpfs.Path)));
            volumes.Items.Add(new YamlMap().Add("name", YamlScalar.Str(name)).Add("emptyDir", emptyDir));
        }
        index = 0;
        foreach (var bind in fs.Binds)
        {
            var name = $"bind-{++index}";
            mounts.Items.Add(new YamlMap().Add("name", YamlScalar.Str(name)).Add("mountPath", YamlScalar.Str(bind.Target))
                .Add("readOnly", bind.ReadOnly ? YamlScalar.Bool(true) : null));
            volumes.Items.Add(new YamlMap().Add("name", YamlScalar.Str(name)).Add("hostPath", new YamlMap().Add("path", YamlScalar.Str(bind.Source))));
        }
        return (mounts, volumes);
    }

    /// <summary>A CPU quantity: whole CPUs, or millicores.</summary>
    public static string Cpu(long milli) => milli % 1000 == 0
        ? (milli / 1000).ToString(CultureInfo.InvariantCulture)
        : milli.ToString(CultureInfo.InvariantCulture) + "m";

    /// <summary>A byte quantity in the largest binary suffix that divides it exactly.</summary>
    public static string Bytes(ulong bytes)
    {
        foreach (var (suffix, unit) in new[] { ("Ti", 1UL << 40), ("Gi", 1UL << 30), ("Mi", 1UL << 20), ("Ki", 1UL << 10) })
        {
            if (bytes >= unit && bytes % unit == 0)
            {
                return (bytes / unit).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static YamlSeq Strings(IEnumerable<string> items) => new([.. items.Select(i => (YamlNode)YamlScalar.Str(i))]);
}
