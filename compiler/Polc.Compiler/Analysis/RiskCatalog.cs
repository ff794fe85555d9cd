using System.Collections.Frozen;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Compiler.Analysis;

public enum RiskLevel
{
    Low,
    Medium,
    High,
}

/// <summary>
/// What the review tools (lint, diff, score) consider dangerous, and why. One table, so that a
/// syscall the linter warns about is also a high-risk change in a diff and costs exposure in a score.
/// docs/review.md prints these tables; a test keeps them in step.
/// </summary>
public static class RiskCatalog
{
    /// <summary>A syscall that hands the program a large piece of kernel attack surface or power over
    /// other processes. <paramref name="Category"/> groups them for the score.</summary>
    public sealed record DangerousSyscall(string Name, string Category, string Why);

    /// <summary>A capability with the risk of granting it.</summary>
    public sealed record CapabilityRisk(string Name, RiskLevel Risk, string Why);

    private static readonly DangerousSyscall[] SyscallList =
    [
        new("ptrace", "debug", "reads and writes the memory and registers of other processes"),
        new("process_vm_readv", "debug", "reads the memory of other processes"),
        new("process_vm_writev", "debug", "writes the memory of other processes"),
        new("perf_event_open", "debug", "exposes kernel and hardware performance data and a large kernel interface"),
        new("lookup_dcookie", "debug", "exposes kernel profiling cookies to user space"),
        new("bpf", "bpf", "loads programs into the kernel; a frequent source of kernel exploits"),
        new("userfaultfd", "memory", "lets the program stall kernel page faults, a standard trick in kernel exploits"),
        new("keyctl", "keyring", "reaches the kernel keyring, which is not namespaced"),
        new("add_key", "keyring", "adds keys to the kernel keyring, which is not namespaced"),
        new("request_key", "keyring", "requests keys from the kernel keyring, which is not namespaced"),
        new("mount", "mount", "mounts filesystems, which can hide or replace what the program sees"),
        new("umount", "mount", "unmounts filesystems, which can uncover what a mount hid"),
        new("umount2", "mount", "unmounts filesystems, which can uncover what a mount hid"),
        new("pivot_root", "mount", "changes the root filesystem"),
        new("fsopen", "mount", "mounts filesystems through the new mount API"),
        new("fsmount", "mount", "mounts filesystems through the new mount API"),
        new("fsconfig", "mount", "configures filesystems for the new mount API"),
        new("move_mount", "mount", "moves mounts through the new mount API"),
        new("open_tree", "mount", "clones mount trees through the new mount API"),
        new("kexec_load", "reboot", "replaces the running kernel"),
        new("kexec_file_load", "reboot", "replaces the running kernel"),
        new("reboot", "reboot", "reboots or halts the machine"),
        new("init_module", "module", "loads code into the kernel"),
        new("finit_module", "module", "loads code into the kernel"),
        new("delete_module", "module", "unloads kernel modules"),
        new("iopl", "raw-io", "gives direct access to I/O ports"),
        new("ioperm", "raw-io", "gives direct access to I/O ports"),
        new("open_by_handle_at", "handles", "opens files by handle, bypassing path checks (the \"shocker\" container escape)"),
        new("name_to_handle_at", "handles", "produces file handles usable to escape a mount namespace"),
        new("personality", "personality", "changes the execution domain; some personalities disable ASLR or map page 0"),
        new("swapon", "system", "changes the machine's swap"),
        new("swapoff", "system", "changes the machine's swap"),
        new("acct", "system", "switches process accounting on the host"),
        new("quotactl", "system", "manipulates disk quotas"),
        new("syslog", "system", "reads and clears the kernel log"),
        new("io_uring_setup", "io-uring", "opens io_uring, a large kernel interface that bypasses syscall filtering for the operations it queues"),
        new("io_uring_enter", "io-uring", "submits io_uring operations, which seccomp cannot see"),
        new("io_uring_register", "io-uring", "registers io_uring resources"),
        new("unshare", "namespaces", "creates namespaces; a user namespace unlocks kernel code paths that need capabilities"),
        new("setns", "namespaces", "joins other namespaces"),
        new("clone", "namespaces", "creates namespaces when given CLONE_NEW* flags"),
        new("clone3", "namespaces", "creates namespaces, and passes its flags in memory that seccomp cannot read"),
    ];

    private static readonly FrozenDictionary<string, DangerousSyscall> SyscallsByName =
        SyscallList.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal);

    public static IReadOnlyList<DangerousSyscall> DangerousSyscalls => SyscallList;

    public static DangerousSyscall? Syscall(string name) => SyscallsByName.GetValueOrDefault(name);

    /// <summary>The CLONE_NEW* flags of clone and unshare (CLONE_NEWTIME only for unshare: in clone's
    /// flags that bit belongs to the exit signal).</summary>
    public const ulong CloneNamespaceFlags = 0x7E02_0000;

    public const ulong UnshareNamespaceFlags = CloneNamespaceFlags | 0x80;

    public const ulong CloneNewUser = 0x1000_0000;

    /// <summary>For syscalls that are safe when their namespace flags are filtered: which argument holds
    /// the flags on <paramref name="arch"/> and which bits matter. Without CAP_SYS_ADMIN the kernel refuses
    /// every new namespace but a user namespace, so only CLONE_NEWUSER must be filtered (the language
    /// reference's `allow clone if arg0 & CLONE_NEWUSER == 0`); with it, every CLONE_NEW* bit. clone takes
    /// its flags first everywhere but s390x.</summary>
    public static (int Arg, ulong Flags)? NamespaceFlagArgument(string syscall, Arch arch, bool sysAdmin) => syscall switch
    {
        "clone" => (arch == Arch.S390x ? 1 : 0, sysAdmin ? CloneNamespaceFlags : CloneNewUser),
        "unshare" => (0, sysAdmin ? UnshareNamespaceFlags : CloneNewUser),
        _ => null,
    };

    public static bool HasSysAdmin(CapabilityPolicyIr capabilities) => capabilities.Allowed.Any(c => c.Name == "CAP_SYS_ADMIN");

    private static readonly CapabilityRisk[] CapabilityList =
    [
        new("CAP_SYS_ADMIN", RiskLevel.High, "the catch-all capability: mount, namespaces, BPF, quotas, many device ioctls; close to full root"),
        new("CAP_SYS_MODULE", RiskLevel.High, "loads kernel modules: arbitrary kernel code"),
        new("CAP_SYS_PTRACE", RiskLevel.High, "traces any process the program can see, including across users"),
        new("CAP_SYS_RAWIO", RiskLevel.High, "raw I/O ports and /dev/mem access"),
        new("CAP_DAC_READ_SEARCH", RiskLevel.High, "bypasses read permission checks and allows open_by_handle_at (container escape)"),
        new("CAP_NET_ADMIN", RiskLevel.High, "reconfigures interfaces, routes and firewalls; a large kernel interface"),
        new("CAP_BPF", RiskLevel.High, "loads BPF programs into the kernel"),
        new("CAP_PERFMON", RiskLevel.High, "opens performance monitoring, which exposes kernel data"),
        new("CAP_SYS_BOOT", RiskLevel.High, "reboots the machine and loads new kernels"),
        new("CAP_MAC_ADMIN", RiskLevel.High, "changes the mandatory access control (AppArmor, SELinux, Smack) policy"),
        new("CAP_MAC_OVERRIDE", RiskLevel.High, "overrides mandatory access control"),
        new("CAP_SYSLOG", RiskLevel.High, "reads the kernel log and kernel addresses"),
        new("CAP_SYS_TIME", RiskLevel.High, "sets the system clock for the whole machine"),
        new("CAP_SETFCAP", RiskLevel.High, "sets file capabilities, so a file can carry any capability"),
        new("CAP_SETPCAP", RiskLevel.Medium, "changes capability sets and the bounding set"),
        new("CAP_DAC_OVERRIDE", RiskLevel.Medium, "bypasses file read, write and execute permission checks"),
        new("CAP_FOWNER", RiskLevel.Medium, "bypasses checks that require owning a file"),
        new("CAP_SETUID", RiskLevel.Medium, "becomes any user"),
        new("CAP_SETGID", RiskLevel.Medium, "becomes any group"),
        new("CAP_NET_RAW", RiskLevel.Medium, "opens raw and packet sockets: spoofing and sniffing"),
        new("CAP_MKNOD", RiskLevel.Medium, "creates device nodes"),
        new("CAP_SYS_CHROOT", RiskLevel.Medium, "calls chroot, a step in several escapes"),
        new("CAP_SYS_RESOURCE", RiskLevel.Medium, "overrides resource limits and quotas"),
        new("CAP_CHECKPOINT_RESTORE", RiskLevel.Medium, "checkpoint/restore operations on other processes"),
        new("CAP_AUDIT_CONTROL", RiskLevel.Medium, "changes the kernel audit rules"),
        new("CAP_LINUX_IMMUTABLE", RiskLevel.Medium, "changes immutable and append-only file flags"),
        new("CAP_IPC_OWNER", RiskLevel.Medium, "bypasses permission checks on System V IPC objects"),
        new("CAP_SYS_NICE", RiskLevel.Low, "raises priorities and changes other processes' scheduling"),
        new("CAP_SYS_PACCT", RiskLevel.Low, "switches process accounting"),
        new("CAP_SYS_TTY_CONFIG", RiskLevel.Low, "configures terminals"),
        new("CAP_IPC_LOCK", RiskLevel.Low, "locks memory"),
        new("CAP_LEASE", RiskLevel.Low, "takes file leases"),
        new("CAP_AUDIT_WRITE", RiskLevel.Low, "writes to the kernel audit log"),
        new("CAP_AUDIT_READ", RiskLevel.Low, "reads the kernel audit log"),
        new("CAP_WAKE_ALARM", RiskLevel.Low, "sets alarms that wake the system"),
        new("CAP_BLOCK_SUSPEND", RiskLevel.Low, "blocks system suspend"),
        new("CAP_NET_BROADCAST", RiskLevel.Low, "broadcasts and listens to multicast"),
        new("CAP_NET_BIND_SERVICE", RiskLevel.Low, "binds ports below 1024"),
        new("CAP_CHOWN", RiskLevel.Low, "changes file owners"),
        new("CAP_FSETID", RiskLevel.Low, "keeps set-user-ID bits when modifying files"),
        new("CAP_KILL", RiskLevel.Low, "signals processes of other users"),
    ];

    private static readonly FrozenDictionary<string, CapabilityRisk> CapabilitiesByName =
        CapabilityList.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);

    public static IReadOnlyList<CapabilityRisk> Capabilities => CapabilityList;

    public static CapabilityRisk Capability(Capability capability) =>
        CapabilitiesByName.GetValueOrDefault(capability.Name) ?? new CapabilityRisk(capability.Name, RiskLevel.Low, "a capability polc does not rate");

    /// <summary>Syscalls newer than many libcs' fallbacks: glibc calls them first and falls back to an
    /// older syscall only when they fail with ENOSYS. Under `errno EPERM` the fallback never happens.</summary>
    public static IReadOnlyList<string> FallbackProbes { get; } =
        ["clone3", "faccessat2", "openat2", "statx", "close_range", "fchmodat2", "epoll_pwait2", "pidfd_open", "copy_file_range"];

    /// <summary>Sample paths a write rule must not reach: kernel tunables and hardware controls.</summary>
    public static IReadOnlyList<string> KernelInterfacePaths { get; } =
    [
        "/proc/sys/kernel/core_pattern", "/proc/sysrq-trigger", "/proc/self/attr/current", "/proc/1/mem",
        "/sys/kernel/uevent_helper", "/sys/fs/cgroup/cgroup.procs", "/sys/class/net/eth0/mtu", "/sys/power/state",
    ];

    /// <summary>Rank of how freely a syscall runs under an action: 0 runs (allow, log), 1 runs if a
    /// supervisor agrees (trace, notify), then ever harsher refusals (errno, trap, kill-thread, kill).</summary>
    public static int Strictness(SeccompAction action) => action.Kind switch
    {
        SeccompActionKind.Allow or SeccompActionKind.Log => 0,
        SeccompActionKind.Trace or SeccompActionKind.Notify => 1,
        SeccompActionKind.Errno => 2,
        SeccompActionKind.Trap => 3,
        SeccompActionKind.KillThread => 4,
        SeccompActionKind.KillProcess => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}
