using Polc.Backends.Cgroups;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Backends.DockerRun;

public sealed record DockerTmpfs(string Path, string Options);

public sealed record DockerDeviceRate(string Device, ulong Rate);

/// <summary>A Docker ulimit; -1 is Docker's spelling of unlimited.</summary>
public sealed record DockerUlimit(string Name, long Soft, long Hard);

/// <summary>
/// What `docker run` (and a Compose service, which has the same knobs) can say of a policy, in Docker's own units:
/// memory-swap is memory+swap, cpu-shares and blkio-weight are v1-scaled, capabilities are short names.
/// Built once and printed by the `docker-args` and `compose` backends. Null means "leave Docker's default".
/// </summary>
public sealed record DockerRunSpec(
    string SeccompProfileFile,
    string AppArmorProfile,
    string SelinuxType,
    bool NoNewPrivileges,
    IReadOnlyList<string> CapAdd,
    string? User,
    string? Hostname,
    string? Network,
    string? Ipc,
    string? Cgroupns,
    bool ReadOnly,
    IReadOnlyList<DockerTmpfs> Tmpfs,
    IReadOnlyList<BindMountIr> Binds,
    ulong? Memory,
    ulong? MemorySwap,
    ulong? MemoryReservation,
    decimal? Cpus,
    uint? CpuShares,
    string? Cpuset,
    ulong? PidsLimit,
    uint? BlkioWeight,
    IReadOnlyList<DockerDeviceRate> DeviceReadBps,
    IReadOnlyList<DockerDeviceRate> DeviceWriteBps,
    IReadOnlyList<DockerDeviceRate> DeviceReadIops,
    IReadOnlyList<DockerDeviceRate> DeviceWriteIops,
    IReadOnlyList<DockerUlimit> Ulimits,
    IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>Rlimits Docker's --ulimit accepts (docker/go-units leaves out `as`).</summary>
    private static readonly HashSet<string> DockerUlimitNames =
        ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"];

    /// <summary>What the spec, and so the `docker-args` and `compose` backends, does with each IR feature. Syscall rules
    /// live in NAME.seccomp.json, path rules and socket families in the AppArmor profile the flags name; ambient
    /// capabilities only matter for non-root users, where POL2410 says what Docker does.</summary>
    public static IrSupport Supports(IrFeature feature) => feature switch
    {
        IrFeature.Capabilities or IrFeature.ReadOnlyRoot or IrFeature.Tmpfs or IrFeature.BindMounts or
            IrFeature.NetworkNone or IrFeature.Memory or IrFeature.MemorySwap or IrFeature.MemoryReservation or
            IrFeature.Cpu or IrFeature.CpuWeight or IrFeature.Cpuset or IrFeature.Pids or IrFeature.IoWeight or
            IrFeature.IoLimits or IrFeature.Rlimits or IrFeature.Namespaces or IrFeature.Hostname or IrFeature.User or
            IrFeature.Group or IrFeature.NoNewPrivileges or IrFeature.AppArmorLabel or IrFeature.SelinuxLabel => IrSupport.Handled,
        IrFeature.Root or IrFeature.Masks or IrFeature.PortRules or IrFeature.IdMaps => IrSupport.Unsupported,
        _ => IrSupport.NotApplicable,
    };

    /// <param name="target">how warnings name the consumer, e.g. "`docker run`".</param>
    public static DockerRunSpec From(PolicyIr policy, string target)
    {
        var diagnostics = new List<Diagnostic>();
        var r = policy.Resources;
        var isolation = policy.Isolation;

        CheckCapabilities(policy, target, diagnostics);
        CheckFilesystem(policy.Filesystem, target, diagnostics);
        CheckPorts(policy.Network, target, diagnostics);

        string? user = null;
        if (isolation.User is { } uid)
        {
            user = isolation.Group is { } gid ? $"{uid.Value}:{gid.Value}" : $"{uid.Value}";
        }
        else if (isolation.Group is { } group)
        {
            diagnostics.Add(DiagnosticCatalog.GroupWithoutUser(group.Span, target));
        }

        var namespaces = Namespaces(policy, target, diagnostics);

        var memorySwap = ResourceLimits.MemoryPlusSwap(r, target, diagnostics);
        var reservation = ResourceLimits.MemoryReservation(r, target, diagnostics);
        var cpus = ResourceLimits.Cpus(r, diagnostics);

        var ulimits = new List<DockerUlimit>();
        foreach (var rlimit in r.Rlimits)
        {
            if (!DockerUlimitNames.Contains(rlimit.Name))
            {
                diagnostics.Add(DiagnosticCatalog.RlimitNotExpressible(rlimit.Span, target, rlimit.Name));
                continue;
            }
            ulimits.Add(new DockerUlimit(rlimit.Name, DockerLimit(rlimit.Soft), DockerLimit(rlimit.Hard)));
        }

        return new DockerRunSpec(
            SeccompProfileFile: $"{policy.Name}.seccomp.json",
            AppArmorProfile: policy.Labels.AppArmorProfile,
            SelinuxType: policy.Labels.SelinuxType,
            NoNewPrivileges: isolation.NoNewPrivileges.Value,
            CapAdd: policy.Capabilities.Allowed.Select(c => c.ShortName).ToList(),
            User: user,
            Hostname: isolation.Hostname?.Value,
            Network: namespaces.Network,
            Ipc: namespaces.Ipc,
            Cgroupns: namespaces.Cgroupns,
            ReadOnly: policy.Filesystem.IsReadOnlyRoot,
            Tmpfs: policy.Filesystem.Tmpfs.Select(TmpfsOf).ToList(),
            Binds: policy.Filesystem.Binds,
            Memory: r.Memory?.Value,
            MemorySwap: memorySwap,
            MemoryReservation: reservation,
            Cpus: cpus,
            CpuShares: r.CpuWeight is { } weight ? CgroupWeights.CpuSharesFromWeight(weight.Value) : null,
            Cpuset: r.Cpuset?.Value,
            PidsLimit: r.Pids?.Value,
            BlkioWeight: r.IoWeight is { } io ? CgroupWeights.BlkioWeightFromIoWeight(io.Value) : null,
            DeviceReadBps: Rates(r.Io, i => i.ReadBps),
            DeviceWriteBps: Rates(r.Io, i => i.WriteBps),
            DeviceReadIops: Rates(r.Io, i => i.ReadIops),
            DeviceWriteIops: Rates(r.Io, i => i.WriteIops),
            Ulimits: ulimits,
            Diagnostics: diagnostics);
    }

    private static void CheckCapabilities(PolicyIr policy, string target, List<Diagnostic> diagnostics)
    {
        var capabilities = policy.Capabilities;
        if (policy.Isolation.User is not { Value: not 0 } user || capabilities.Allowed.Length == 0)
        {
            return;
        }
        // Docker gives a non-root user no capabilities after execve, Podman gives it every added one;
        // either differs from the policy's (ambient) set unless that happens to match.
        var at = capabilities.Steps.LastOrDefault(s => s.Kind == CapabilityStepKind.Ambient)?.Span
            ?? capabilities.Steps.LastOrDefault()?.Span
            ?? user.Span;
        diagnostics.Add(DiagnosticCatalog.NonRootCapabilities(at, target, user.Value,
            NameList(capabilities.Ambient), NameList(capabilities.Allowed)));
    }

    private static string NameList(IEnumerable<Compiler.Semantics.Capability> capabilities)
    {
        var names = capabilities.Select(c => c.ShortName).ToList();
        return names.Count == 0 ? "empty" : string.Join(", ", names);
    }

    /// <summary>`root` and `mask`, which no container engine that runs images can say (POL2411, POL2412).</summary>
    internal static void CheckFilesystem(FilesystemPolicyIr fs, string target, List<Diagnostic> diagnostics)
    {
        if (fs.Root is { } root)
        {
            diagnostics.Add(DiagnosticCatalog.CustomRootNotExpressible(root.Span, target));
        }
        foreach (var mask in fs.Masks)
        {
            diagnostics.Add(DiagnosticCatalog.MaskNotExpressible(mask.Span, target, mask.Value));
        }
    }

    /// <summary>Port rules, which no container engine's settings can say (POL2413, once).</summary>
    internal static void CheckPorts(NetworkPolicyIr network, string target, List<Diagnostic> diagnostics)
    {
        foreach (var port in network.Binds.Concat(network.Connects).Take(1))
        {
            diagnostics.Add(DiagnosticCatalog.PortRulesNotExpressible(port.Span, target));
        }
    }

    private sealed record NamespaceModes(string? Network, string? Ipc, string? Cgroupns);

    /// <summary>A container always has its own pid, ipc, uts, net and mount namespaces, so only what the policy adds to
    /// Docker's defaults is said: `ipc` and `cgroup` as `private` (the daemon's default may be shareable or host).
    /// A namespace the policy leaves out is never turned into a `host` mode: the namespace list also holds namespaces that
    /// other settings imply, and sharing a host namespace is a decision the line must not make on its own.</summary>
    private static NamespaceModes Namespaces(PolicyIr policy, string target, List<Diagnostic> diagnostics)
    {
        var isolation = policy.Isolation;
        foreach (var ns in isolation.Namespaces)
        {
            if (ns.Value == NamespaceKind.User)
            {
                diagnostics.Add(DiagnosticCatalog.UserNamespaceNotExpressible(ns.Span, target));
            }
            else if (ns.Value == NamespaceKind.Time)
            {
                diagnostics.Add(DiagnosticCatalog.NamespaceNotExpressible(ns.Span, target, "time", "Docker has no time namespace option"));
            }
        }
        return new NamespaceModes(
            policy.Network.IsNone ? "none" : null,
            isolation.Has(NamespaceKind.Ipc) ? "private" : null,
            isolation.Has(NamespaceKind.Cgroup) ? "private" : null);
    }

    private static DockerTmpfs TmpfsOf(TmpfsMountIr tmpfs)
    {
        var options = new List<string>(tmpfs.Options);
        if (tmpfs.SizeBytes is { } size)
        {
            options.Add($"size={size}");
        }
        if (tmpfs.Mode is { } mode)
        {
            options.Add("mode=" + Convert.ToString(mode, 8));
        }
        return new DockerTmpfs(tmpfs.Path, string.Join(',', options));
    }

    private static List<DockerDeviceRate> Rates(IEnumerable<IoLimitIr> io, Func<IoLimitIr, ulong?> pick) =>
        io.Where(i => pick(i) is not null).Select(i => new DockerDeviceRate(i.Device, pick(i)!.Value)).ToList();

    private static long DockerLimit(ulong value) => value == RlimitIr.Unlimited || value > long.MaxValue ? -1 : (long)value;
}
