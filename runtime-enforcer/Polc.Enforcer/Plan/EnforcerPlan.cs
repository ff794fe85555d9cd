using System.Collections.Immutable;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Enforcer.Plan;

/// <summary>
/// Everything the C launcher does, decided here: which namespaces, which mounts in which order, which
/// cgroup files get which values, which capability masks, which BPF. The launcher executes it as written
/// (runtime-enforcer/launcher/); <see cref="PlanWriter"/> gives it its on-disk form, NAME.plan.
/// </summary>
/// <param name="SeccompListener">recording only (`polc learn`): the inherited unix socket on which the program
/// announces itself before installing the filter with a user-notification listener (see Learning/).</param>
public sealed record EnforcerPlan(
    string Name,
    ImmutableArray<NamespaceKind> Namespaces,
    ImmutableArray<IdMapping> UidMaps,
    ImmutableArray<IdMapping> GidMaps,
    string? Hostname,
    string? Root,
    ImmutableArray<MountStep> Mounts,
    ImmutableArray<CgroupWrite> Cgroups,
    ImmutableArray<RlimitStep> Rlimits,
    uint? User,
    uint? Group,
    CapabilitySets Capabilities,
    bool NoNewPrivileges,
    ExecLabel? AppArmor,
    ExecLabel? Selinux,
    ImmutableArray<SeccompProgram> Seccomp,
    int? SeccompListener = null);

public sealed record IdMapping(uint Inside, uint Outside, uint Count);

/// <summary>One step of the mount phase. Targets are paths inside the new root; the launcher resolves them
/// so that neither `..` nor a symlink leaves it.</summary>
public abstract record MountStep;

/// <summary>Make the root (and every mount under it so far) read-only.</summary>
public sealed record ReadOnlyRootStep : MountStep;

/// <summary>A fresh instance of a file system: `proc`, `sysfs`, `tmpfs`, `mqueue` or `devpts`.</summary>
/// <param name="Data">file system options such as `size=65536,mode=1777`, or null.</param>
/// <param name="Create">create the target first (only for targets inside a tmpfs the plan mounted).</param>
public sealed record FileSystemMountStep(string FileSystem, string Target, MountFlags Flags, string? Data, bool Create = false) : MountStep;

/// <summary>A recursive bind of a host path (a file or a directory).</summary>
public sealed record BindMountStep(string Source, string Target, MountFlags Flags, bool Create = false) : MountStep;

public sealed record SymlinkStep(string LinkContent, string Path) : MountStep;

/// <summary>Hide a path: /dev/null over a file, an empty read-only tmpfs over a directory; nothing if absent.</summary>
public sealed record MaskStep(string Path) : MountStep;

[Flags]
public enum MountFlags
{
    None = 0,
    ReadOnly = 1,
    NoSuid = 2,
    NoDev = 4,
    NoExec = 8,
}

/// <summary>`VALUE` written to `FILE` of `CONTROLLER` (cgroup v1 or v2). Controller `-` marks a v2 core file
/// (`cgroup.max.depth`, ...) that needs no controller enabled.</summary>
public sealed record CgroupWrite(int Version, string Controller, string File, string Value);

/// <param name="Name">lowercase, without RLIMIT_ (e.g. `nofile`).</param>
public sealed record RlimitStep(string Name, ulong Soft, ulong Hard);

/// <summary>The five capability sets as 64-bit masks (bit N = capability number N).</summary>
public sealed record CapabilitySets(ulong Bounding, ulong Permitted, ulong Effective, ulong Inheritable, ulong Ambient)
{
    public static CapabilitySets None { get; } = new(0, 0, 0, 0, 0);
}

/// <param name="Required">refuse to run on a host without this LSM (unless `--lsm-optional`).</param>
public sealed record ExecLabel(string Value, bool Required);

/// <summary>A seccomp program for one architecture: raw `struct sock_filter` array, little-endian.</summary>
public sealed record SeccompProgram(Arch Arch, byte[] Bpf);
