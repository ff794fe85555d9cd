using System.Globalization;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Enforcer.Plan;

namespace Polc.Enforcer.Learning;

/// <summary>
/// The plan a program is recorded under: no confinement to speak of (the host's root and namespaces, every
/// capability the launcher can give, so that what the program exercises can be seen), no_new_privs as a
/// learned policy will have it, and a filter that reports every syscall to the supervisor.
/// </summary>
public static class RecordingPlan
{
    /// <summary>Where the launcher finds the supervisor's socket and the plan itself.</summary>
    public const int ListenerDescriptor = 3, PlanDescriptor = 4;

    /// <summary>`ret SECCOMP_RET_USER_NOTIF`: one instruction, any architecture, any syscall.</summary>
    public static byte[] Filter { get; } = [0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x7F];

    /// <summary>The architectures the launcher is built for; the plan carries the filter for each.</summary>
    private static readonly Arch[] LauncherArchitectures = [Arch.X86_64, Arch.Aarch64, Arch.Riscv64];

    public static EnforcerPlan Build(bool privileged)
    {
        var all = AllCapabilities();
        // With root, a cgroup of its own lets the launcher end whatever the program leaves running when it exits
        // (v1: the pids hierarchy; v2: a core file, which needs no controller). Without root there is none to make.
        CgroupWrite[] cgroups = privileged
            ? [new CgroupWrite(1, "pids", "pids.max", "max"), new CgroupWrite(2, "-", "cgroup.max.depth", "max")]
            : [];
        return new EnforcerPlan(
            "learn",
            [],
            [],
            [],
            null,
            null,
            [],
            [.. cgroups],
            [],
            null,
            null,
            new CapabilitySets(all, all, all, 0, 0),
            NoNewPrivileges: true,
            AppArmor: null,
            Selinux: null,
            [.. LauncherArchitectures.Select(a => new SeccompProgram(a, Filter))],
            ListenerDescriptor);
    }

    /// <summary>Our own bounding set: the launcher can give no more (as root, or as root of the user namespace it
    /// makes for an unprivileged caller), and a container host may have removed some.</summary>
    private static ulong AllCapabilities()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapBnd:", StringComparison.Ordinal));
            return ulong.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or InvalidOperationException)
        {
            return (1UL << CapabilityTable.All.Count) - 1;
        }
    }
}
