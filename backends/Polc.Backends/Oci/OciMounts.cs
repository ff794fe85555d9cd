using System.Text.Json.Nodes;
using Polc.Compiler.Ir;
using Polc.Enforcer.Plan;

namespace Polc.Backends.Oci;

/// <summary>
/// The container's mounts: `runc spec`'s defaults, adapted to the namespaces the policy has, then the policy's own
/// tmpfs and bind mounts, parents first. A new proc, sysfs or mqueue instance needs the pid, net or ipc namespace it
/// shows (and, in a user namespace, one that namespace owns); without it the host's is bound read-only instead,
/// as the launcher does.
/// </summary>
public static class OciMounts
{
    /// <summary>`runc spec`'s masked paths, plus /sys/devices/virtual/powercap as runc 1.2 and Docker mask it.</summary>
    public static readonly string[] DefaultMaskedPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi", "/sys/devices/virtual/powercap",
    ];

    public static readonly string[] ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    private static readonly string[] Locked = ["nosuid", "noexec", "nodev"];

    public static IEnumerable<string> MaskedPaths(FilesystemPolicyIr fs) =>
        DefaultMaskedPaths.Concat(fs.Masks.Select(m => m.Value)).Distinct(StringComparer.Ordinal);

    public static JsonArray Mounts(PolicyIr policy)
    {
        var isolation = policy.Isolation;
        var mounts = new List<JsonNode>
        {
            isolation.Has(NamespaceKind.Pid) ? Mount("/proc", "proc", "proc", Locked) : Bind("/proc", "/proc", [.. Locked]),
            Mount("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            Mount("/dev/pts", "devpts", "devpts", DevptsOptions(isolation)),
            Mount("/dev/shm", "tmpfs", "shm", [.. Locked, "mode=1777", "size=65536k"]),
        };
        if (isolation.Has(NamespaceKind.Ipc))
        {
            mounts.Add(Mount("/dev/mqueue", "mqueue", "mqueue", Locked));
        }
        mounts.Add(isolation.Has(NamespaceKind.Net) ? Mount("/sys", "sysfs", "sysfs", [.. Locked, "ro"]) : Bind("/sys", "/sys", [.. Locked, "ro"]));
        mounts.Add(Mount("/sys/fs/cgroup", "cgroup", "cgroup", [.. Locked, "relatime", "ro"]));

        var fs = policy.Filesystem;
        var own = fs.Tmpfs.Select(t => (t.Path, Mount: Tmpfs(t)))
            .Concat(fs.Binds.Select(b => (Path: b.Target, Mount: Bind(b.Source, b.Target, b.ReadOnly ? ["ro"] : []))))
            .OrderBy(m => m.Path.TrimEnd('/').Count(c => c == '/'));
        mounts.AddRange(own.Select(m => m.Mount));
        return new JsonArray([.. mounts]);
    }

    /// <summary>Group 5 (tty) owns the terminals, unless a user namespace does not map it.</summary>
    private static string[] DevptsOptions(IsolationPolicyIr isolation)
    {
        string[] options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"];
        var ttyMapped = !isolation.Has(NamespaceKind.User) || isolation.GidMaps.Any(m => m.Inside <= 5 && 5 - m.Inside < m.Count);
        return ttyMapped ? [.. options, "gid=5"] : options;
    }

    /// <summary>The policy's tmpfs with the launcher's flags (nosuid and nodev unless `suid`/`dev`), then size and mode.</summary>
    private static JsonObject Tmpfs(TmpfsMountIr tmpfs)
    {
        var step = PlanBuilder.Tmpfs(tmpfs);
        var options = new List<string>();
        if (step.Flags.HasFlag(MountFlags.ReadOnly)) options.Add("ro");
        if (step.Flags.HasFlag(MountFlags.NoSuid)) options.Add("nosuid");
        if (step.Flags.HasFlag(MountFlags.NoDev)) options.Add("nodev");
        if (step.Flags.HasFlag(MountFlags.NoExec)) options.Add("noexec");
        options.AddRange(step.Data?.Split(',') ?? []);
        return Mount(tmpfs.Path, "tmpfs", "tmpfs", options);
    }

    private static JsonObject Mount(string destination, string type, string source, IEnumerable<string> options) => new()
    {
        ["destination"] = destination,
        ["type"] = type,
        ["source"] = source,
        ["options"] = OciConfig.Strings(options),
    };

    private static JsonObject Bind(string source, string destination, string[] options) =>
        Mount(destination, "bind", source, ["rbind", .. options]);
}
