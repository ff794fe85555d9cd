using System.Collections.Immutable;
using System.Globalization;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Text;

namespace Polc.Enforcer.Plan;

/// <summary>
/// Turns a policy into the launcher's plan. All the decisions live here, none in C: which namespaces
/// the mounts imply, what a new root needs (/proc, a minimal /dev, /sys), the order of mounts (parents
/// first), which targets the launcher may create, and which LSM labels are required.
/// </summary>
public static class PlanBuilder
{
    /// <summary>The device nodes a new root gets in its private /dev, bound from the host.</summary>
    public static readonly ImmutableArray<string> Devices = ["null", "zero", "full", "random", "urandom", "tty"];

    public sealed record Result(EnforcerPlan Plan, IReadOnlyList<Diagnostic> Diagnostics);

    public static Result Build(PolicyIr policy, PlanInputs inputs)
    {
        var diagnostics = new List<Diagnostic>();
        var isolation = policy.Isolation;
        var fs = policy.Filesystem;
        var namespaces = isolation.Namespaces.Select(n => n.Value).ToHashSet();
        var root = fs.Root?.Value;
        // Mount work needs a private mount namespace; so do a pid namespace (for its own /proc) and a
        // net namespace (for a sysfs that shows its devices, not the host's).
        if (root is not null || fs.IsReadOnlyRoot || fs.Tmpfs.Length > 0 || fs.Binds.Length > 0 || fs.Masks.Length > 0
            || namespaces.Contains(NamespaceKind.Pid) || namespaces.Contains(NamespaceKind.Net))
        {
            namespaces.Add(NamespaceKind.Mount);
        }
        CheckIdMapped(isolation.User, isolation.UidMaps, "user", "map-users", namespaces, diagnostics);
        CheckIdMapped(isolation.Group, isolation.GidMaps, "group", "map-groups", namespaces, diagnostics);

        var plan = new EnforcerPlan(
            policy.Name,
            [.. namespaces.Order()],
            [.. isolation.UidMaps.Select(m => new IdMapping(m.Inside, m.Outside, m.Count))],
            [.. isolation.GidMaps.Select(m => new IdMapping(m.Inside, m.Outside, m.Count))],
            isolation.Hostname?.Value,
            root,
            namespaces.Contains(NamespaceKind.Mount) ? Mounts(fs, namespaces) : [],
            [.. inputs.CgroupV1, .. inputs.CgroupV2],
            [.. policy.Resources.Rlimits.Select(r => new RlimitStep(r.Name, r.Soft, r.Hard))],
            isolation.User?.Value,
            isolation.Group?.Value,
            inputs.Capabilities,
            isolation.NoNewPrivileges.Value,
            // Path rules and socket families are AppArmor's to enforce, ports SELinux's (an empty net namespace
            // needs neither): without the module they would silently not hold, so the launcher refuses.
            new ExecLabel(policy.Labels.AppArmorProfile,
                policy.Labels.AppArmorSpan is not null || fs.Rules.Length > 0 || (!policy.Network.IsNone && policy.Network.Families.Length > 0)),
            new ExecLabel($"system_u:system_r:{policy.Labels.SelinuxType}:s0",
                policy.Labels.SelinuxSpan is not null || (!policy.Network.IsNone && (policy.Network.Binds.Length > 0 || policy.Network.Connects.Length > 0))),
            inputs.Seccomp ?? []);
        return new Result(plan, diagnostics);
    }

    private static ImmutableArray<MountStep> Mounts(FilesystemPolicyIr fs, HashSet<NamespaceKind> namespaces)
    {
        var steps = new List<MountStep>();
        var tmpfsTargets = new List<string>();
        bool InTmpfs(string path) => tmpfsTargets.Any(t => path.StartsWith(t.TrimEnd('/') + "/", StringComparison.Ordinal));
        const MountFlags Locked = MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec;
        var newRoot = fs.Root is not null;

        if (fs.IsReadOnlyRoot)
        {
            steps.Add(new ReadOnlyRootStep());
        }
        if (namespaces.Contains(NamespaceKind.Pid))
        {
            steps.Add(new FileSystemMountStep("proc", "/proc", Locked, null));
        }
        else if (newRoot)
        {
            steps.Add(new BindMountStep("/proc", "/proc", Locked));
        }
        if (newRoot)
        {
            steps.Add(new FileSystemMountStep("tmpfs", "/dev", MountFlags.NoSuid | MountFlags.NoExec, "mode=755,size=65536"));
            tmpfsTargets.Add("/dev");
            steps.AddRange(Devices.Select(d => new BindMountStep($"/dev/{d}", $"/dev/{d}", MountFlags.NoSuid | MountFlags.NoExec, Create: true)));
            steps.Add(new SymlinkStep("/proc/self/fd", "/dev/fd"));
            steps.AddRange(new[] { "stdin", "stdout", "stderr" }.Select((name, fd) => new SymlinkStep($"/proc/self/fd/{fd}", $"/dev/{name}")));
            steps.Add(new FileSystemMountStep("tmpfs", "/dev/shm", Locked, "mode=1777", Create: true));
        }
        // Without a net namespace of its own, a new root sees the host's sysfs, read-only.
        if (namespaces.Contains(NamespaceKind.Net))
        {
            steps.Add(new FileSystemMountStep("sysfs", "/sys", Locked | MountFlags.ReadOnly, null));
        }
        else if (newRoot)
        {
            steps.Add(new BindMountStep("/sys", "/sys", Locked | MountFlags.ReadOnly));
        }

        // The policy's own mounts, parents before children whatever the order they were written in.
        var own = fs.Tmpfs.Select(t => (t.Path, Step: (MountStep)Tmpfs(t)))
            .Concat(fs.Binds.Select(b => (Path: b.Target, Step: (MountStep)new BindMountStep(b.Source, b.Target, b.ReadOnly ? MountFlags.ReadOnly : MountFlags.None))))
            .OrderBy(m => m.Path.TrimEnd('/').Count(c => c == '/'));
        foreach (var (path, step) in own)
        {
            steps.Add(step switch
            {
                FileSystemMountStep tmpfs => tmpfs with { Create = InTmpfs(path) },
                BindMountStep bind => bind with { Create = InTmpfs(path) },
                _ => step,
            });
            if (step is FileSystemMountStep)
            {
                tmpfsTargets.Add(path);
            }
        }
        steps.AddRange(fs.Masks.Select(m => new MaskStep(m.Value)));
        return [.. steps];
    }

    /// <summary>`tmpfs PATH [size N] [mode M] [flags]`: nosuid and nodev unless `suid`/`dev` are written.</summary>
    private static FileSystemMountStep Tmpfs(TmpfsMountIr tmpfs)
    {
        var flags = MountFlags.NoSuid | MountFlags.NoDev;
        foreach (var option in tmpfs.Options)
        {
            flags = option switch
            {
                "noexec" => flags | MountFlags.NoExec,
                "exec" => flags & ~MountFlags.NoExec,
                "nosuid" => flags | MountFlags.NoSuid,
                "suid" => flags & ~MountFlags.NoSuid,
                "nodev" => flags | MountFlags.NoDev,
                "dev" => flags & ~MountFlags.NoDev,
                "ro" => flags | MountFlags.ReadOnly,
                "rw" => flags & ~MountFlags.ReadOnly,
                _ => flags,
            };
        }
        var data = new List<string>();
        if (tmpfs.SizeBytes is { } size) data.Add("size=" + size.ToString(CultureInfo.InvariantCulture));
        if (tmpfs.Mode is { } mode) data.Add("mode=" + Convert.ToString(mode, 8));
        return new FileSystemMountStep("tmpfs", tmpfs.Path, flags, data.Count == 0 ? null : string.Join(',', data));
    }

    /// <summary>In a user namespace the program can only become an id the maps cover. Without maps the
    /// launcher maps root alone (to the caller), so only id 0 is valid.</summary>
    private static void CheckIdMapped(Setting<uint>? id, ImmutableArray<IdMapIr> maps, string what, string mapStatement,
        HashSet<NamespaceKind> namespaces, List<Diagnostic> diagnostics)
    {
        if (id is null || !namespaces.Contains(NamespaceKind.User))
        {
            return;
        }
        var mapped = maps.Length == 0 ? id.Value == 0 : maps.Any(m => id.Value >= m.Inside && id.Value - m.Inside < m.Count);
        if (!mapped)
        {
            diagnostics.Add(DiagnosticCatalog.EnforcerIdNotMapped(id.Span, what, id.Value, mapStatement));
        }
    }
}
