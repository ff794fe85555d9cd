using System.Collections.Immutable;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Compiler.Analysis.Review;

/// <summary>One check of the score: how exposed (0 = not at all, 1 = fully) the policy is on it, and why.</summary>
public sealed record ScoreCheck(string Id, string Description, double Weight, double Exposure, string Detail)
{
    public double Contribution => Weight * Exposure;
}

/// <param name="Score">0.0 (locked down) .. 10.0 (fully exposed), one decimal.</param>
public sealed record ExposureReport(string Policy, double Score, string Rating, ImmutableArray<ScoreCheck> Checks);

/// <summary>
/// An exposure score in the manner of `systemd-analyze security`: every check has a weight and an
/// exposure between 0 and 1, and the score is 10 × Σ(weight × exposure) / Σ weight. Every exposure
/// only grows as a policy grants more, so granting more never lowers the score. The weights are the
/// table in docs/review.md; <see cref="Checks"/> is its source.
/// </summary>
public static class ExposureScore
{
    private static readonly (string Category, double Weight, string Description)[] SyscallCategories =
    [
        ("debug", 4, "ptrace, process_vm_readv/writev, perf_event_open can run"),
        ("bpf", 3, "bpf can run"),
        ("mount", 4, "mount, umount2, pivot_root or the new mount API can run"),
        ("module", 4, "init_module, finit_module, delete_module can run"),
        ("reboot", 3, "reboot, kexec_load, kexec_file_load can run"),
        ("raw-io", 2, "iopl, ioperm can run"),
        ("handles", 2, "open_by_handle_at, name_to_handle_at can run"),
        ("namespaces", 4, "clone/unshare with CLONE_NEW* flags, clone3 or setns can run"),
        ("io-uring", 2, "io_uring_setup/enter/register can run"),
        ("keyring", 1, "keyctl, add_key, request_key can run"),
        ("memory", 1, "userfaultfd can run"),
        ("personality", 1, "personality can run with any argument"),
        ("system", 1, "swapon, swapoff, acct, quotactl, syslog can run"),
    ];

    private static readonly (string Capability, double Weight)[] HighCapabilities =
    [
        ("CAP_SYS_ADMIN", 8), ("CAP_SYS_MODULE", 5), ("CAP_SYS_PTRACE", 4), ("CAP_SYS_RAWIO", 4), ("CAP_DAC_READ_SEARCH", 3),
        ("CAP_NET_ADMIN", 3), ("CAP_BPF", 3), ("CAP_SETFCAP", 2), ("CAP_PERFMON", 2), ("CAP_SYS_BOOT", 2), ("CAP_MAC_ADMIN", 2),
        ("CAP_MAC_OVERRIDE", 2), ("CAP_SYSLOG", 1), ("CAP_SYS_TIME", 1),
    ];

    private static readonly (string Id, double Weight, string Description)[] OtherChecks =
    [
        ("capabilities.medium", 6, "capabilities rated medium (DAC_OVERRIDE, SETUID, NET_RAW, ...): exposure = count / 4, at most 1"),
        ("capabilities.low", 1, "capabilities rated low (CHOWN, KILL, NET_BIND_SERVICE, ...): exposure = count / 6, at most 1"),
        ("capabilities.ambient", 2, "an ambient set: 1 when it holds a capability rated medium or high, else 0.5"),
        ("isolation.no-new-privileges", 6, "`allow-new-privileges`: set-user-ID programs and file capabilities work"),
        ("isolation.root", 8, "runs as root (no `user`, or user 0): 0.5 when a user namespace maps root to another id"),
        ("isolation.user-namespace", 2, "no user namespace"),
        ("isolation.pid", 3, "no pid namespace"),
        ("isolation.mount", 3, "no mount namespace"),
        ("isolation.net", 3, "no net namespace (`network none` implies one)"),
        ("isolation.ipc", 1, "no ipc namespace"),
        ("isolation.uts", 1, "no uts namespace"),
        ("isolation.cgroup", 1, "no cgroup namespace"),
        ("filesystem.host-root", 2, "no `root`: the program sees the host's filesystem"),
        ("filesystem.writable-root", 3, "no `readonly root`"),
        ("filesystem.kernel-interfaces", 4, "a write rule or writable bind reaches /proc or /sys (as lint POL3030)"),
        ("filesystem.write-everywhere", 3, "a write rule for `/**`"),
        ("filesystem.sensitive-binds", 3, "a bind of /, /proc, /sys, /dev, /etc or a container runtime socket: 1 writable, 0.5 read-only"),
        ("network.raw", 4, "raw or packet sockets allowed"),
        ("network.netlink", 1, "netlink sockets allowed"),
        ("network.inet", 2, "tcp or udp allowed: 0.5 when both bind and connect ports are restricted"),
        ("resources.memory", 4, "no memory limit"),
        ("resources.pids", 3, "no pids limit"),
        ("resources.cpu", 1, "no cpu limit"),
        ("resources.nofile", 1, "no `rlimit nofile`"),
    ];

    /// <summary>Every check with its weight, in report order.</summary>
    public static IReadOnlyList<(string Id, double Weight, string Description)> Checks { get; } = BuildTable();

    private static List<(string, double, string)> BuildTable()
    {
        var table = new List<(string, double, string)> { ("syscalls.default-allows", 12, "the default action runs syscalls (allow, log: 1; trace, notify: 0.5)") };
        table.AddRange(SyscallCategories.Select(c => ("syscalls." + c.Category, c.Weight, c.Description + ": 1 unfiltered, 0.5 for some arguments")));
        table.AddRange(HighCapabilities.Select(c => ("capabilities." + c.Capability[4..].ToLowerInvariant().Replace('_', '-'), c.Weight, $"`{c.Capability}` allowed")));
        table.AddRange(OtherChecks);
        return table;
    }

    public static ExposureReport Compute(PolicyIr policy)
    {
        var exposures = new Dictionary<string, (double Exposure, string Detail)>(StringComparer.Ordinal);
        SyscallExposures(policy.Syscalls, RiskCatalog.HasSysAdmin(policy.Capabilities), exposures);
        CapabilityExposures(policy.Capabilities, exposures);
        IsolationExposures(policy, exposures);
        FilesystemExposures(policy.Filesystem, exposures);
        NetworkExposures(policy.Network, exposures);
        var r = policy.Resources;
        exposures["resources.memory"] = r.Memory is null ? (1, "no `memory`") : (0, "");
        exposures["resources.pids"] = r.Pids is null ? (1, "no `pids`") : (0, "");
        exposures["resources.cpu"] = r.Cpus is null ? (1, "no `cpu`") : (0, "");
        exposures["resources.nofile"] = r.Rlimits.Any(l => l.Name == "nofile" && l.Hard != RlimitIr.Unlimited) ? (0, "") : (1, "no `rlimit nofile`");

        var checks = Checks
            .Select(c => exposures.TryGetValue(c.Id, out var e) ? new ScoreCheck(c.Id, c.Description, c.Weight, e.Exposure, e.Detail) : new ScoreCheck(c.Id, c.Description, c.Weight, 0, ""))
            .ToImmutableArray();
        var score = Math.Round(10 * checks.Sum(c => c.Contribution) / checks.Sum(c => c.Weight), 1, MidpointRounding.AwayFromZero);
        return new ExposureReport(policy.Name, score, Rating(score), checks);
    }

    /// <summary>The words systemd-analyze uses, on polc's bands.</summary>
    public static string Rating(double score) => score switch
    {
        < 2.5 => "ok",
        < 5.0 => "medium",
        < 7.5 => "exposed",
        _ => "unsafe",
    };

    private static void SyscallExposures(SyscallPolicyIr syscalls, bool sysAdmin, Dictionary<string, (double, string)> exposures)
    {
        var strictness = RiskCatalog.Strictness(syscalls.DefaultAction);
        exposures["syscalls.default-allows"] = strictness switch
        {
            0 => (1, $"`default {syscalls.DefaultAction}`"),
            1 => (0.5, $"`default {syscalls.DefaultAction}`"),
            _ => (0, ""),
        };
        var semantics = new SyscallSemantics();
        var d = semantics.Diagram;
        var byCategory = new Dictionary<string, (double Exposure, SortedSet<string> Names)>(StringComparer.Ordinal);
        foreach (var arch in syscalls.Architectures)
        {
            var chains = SyscallSemantics.Chains(syscalls, arch);
            foreach (var danger in RiskCatalog.DangerousSyscalls)
            {
                if (!SyscallTable.TryGetNumber(arch, danger.Name, out var number))
                {
                    continue;
                }
                var executes = semantics.Executes(semantics.Decision(chains.GetValueOrDefault(number) ?? [], syscalls.DefaultAction));
                double exposure;
                if (RiskCatalog.NamespaceFlagArgument(danger.Name, arch, sysAdmin) is { } flags)
                {
                    var creating = d.Compare(flags.Arg, flags.Flags, CompareOp.Ne, 0);
                    var bad = d.And(executes, creating);
                    exposure = bad == d.False ? 0 : bad == creating ? 1 : 0.5;
                }
                else
                {
                    exposure = executes == d.False ? 0 : executes == d.True || danger.Name == "clone3" ? 1 : 0.5;
                }
                if (exposure == 0)
                {
                    continue;
                }
                var current = byCategory.GetValueOrDefault(danger.Category, (0, new SortedSet<string>(StringComparer.Ordinal)));
                current.Names.Add(exposure == 1 ? danger.Name : danger.Name + " (some arguments)");
                byCategory[danger.Category] = (Math.Max(current.Exposure, exposure), current.Names);
            }
        }
        foreach (var (category, (exposure, names)) in byCategory)
        {
            exposures["syscalls." + category] = (exposure, "runs: " + string.Join(", ", names));
        }
    }

    private static void CapabilityExposures(CapabilityPolicyIr capabilities, Dictionary<string, (double, string)> exposures)
    {
        foreach (var (name, _) in HighCapabilities)
        {
            if (capabilities.Allowed.Any(c => c.Name == name))
            {
                exposures["capabilities." + name[4..].ToLowerInvariant().Replace('_', '-')] = (1, $"`{name}` allowed");
            }
        }
        foreach (var (level, id, per) in new[] { (RiskLevel.Medium, "capabilities.medium", 4.0), (RiskLevel.Low, "capabilities.low", 6.0) })
        {
            var names = capabilities.Allowed.Where(c => RiskCatalog.Capability(c).Risk == level).Select(c => c.Name).ToList();
            if (names.Count > 0)
            {
                exposures[id] = (Math.Min(1, names.Count / per), string.Join(", ", names));
            }
        }
        if (capabilities.Ambient.Length > 0)
        {
            var strong = capabilities.Ambient.Any(c => RiskCatalog.Capability(c).Risk != RiskLevel.Low);
            exposures["capabilities.ambient"] = (strong ? 1 : 0.5, "ambient: " + string.Join(", ", capabilities.Ambient.Select(c => c.Name)));
        }
    }

    private static void IsolationExposures(PolicyIr policy, Dictionary<string, (double, string)> exposures)
    {
        var isolation = policy.Isolation;
        if (!isolation.NoNewPrivileges.Value)
        {
            exposures["isolation.no-new-privileges"] = (1, "`allow-new-privileges`");
        }
        if (isolation.User?.Value is null or 0)
        {
            var mapped = isolation.UidMaps.Any(m => m.Inside == 0 && m.Outside != 0);
            exposures["isolation.root"] = mapped ? (0.5, "root inside a user namespace mapped to another id") : (1, isolation.User is null ? "no `user`" : "`user 0`");
        }
        foreach (var (kind, id) in new[] { (NamespaceKind.User, "isolation.user-namespace"), (NamespaceKind.Pid, "isolation.pid"), (NamespaceKind.Mount, "isolation.mount"),
            (NamespaceKind.Net, "isolation.net"), (NamespaceKind.Ipc, "isolation.ipc"), (NamespaceKind.Uts, "isolation.uts"), (NamespaceKind.Cgroup, "isolation.cgroup") })
        {
            if (!isolation.Has(kind))
            {
                exposures[id] = (1, $"no {kind.ToString().ToLowerInvariant()} namespace");
            }
        }
    }

    private static void FilesystemExposures(FilesystemPolicyIr fs, Dictionary<string, (double, string)> exposures)
    {
        if (fs.Root is null)
        {
            exposures["filesystem.host-root"] = (1, "no `root`");
        }
        if (!fs.IsReadOnlyRoot)
        {
            exposures["filesystem.writable-root"] = (1, "no `readonly root`");
        }
        var denies = fs.Rules.Where(r => r.Access == PathAccess.Deny).Select(r => r.Pattern).ToList();
        var writes = fs.Rules.Where(r => r.Access == PathAccess.Write).ToList();
        var kernel = writes.FirstOrDefault(w => RiskCatalog.KernelInterfacePaths.Any(p => GlobPattern.Matches(w.Pattern, p) && !denies.Any(d => GlobPattern.Matches(d, p))))?.Pattern
            ?? fs.Binds.FirstOrDefault(b => !b.ReadOnly && RiskCatalog.KernelInterfacePaths.Any(p => p.StartsWith(b.Source.TrimEnd('/') + "/", StringComparison.Ordinal)))?.Source;
        if (kernel is not null)
        {
            exposures["filesystem.kernel-interfaces"] = (1, $"`{kernel}` writable");
        }
        if (writes.Any(w => w.Pattern == "/**"))
        {
            exposures["filesystem.write-everywhere"] = (1, "`write \"/**\"`");
        }
        string[] sensitive = ["/proc", "/sys", "/dev", "/etc", "/var/run/docker.sock", "/run/docker.sock", "/run/containerd"];
        var binds = fs.Binds.Where(b => b.Source == "/" || sensitive.Any(s => b.Source == s || b.Source.StartsWith(s + "/", StringComparison.Ordinal))).ToList();
        if (binds.Count > 0)
        {
            exposures["filesystem.sensitive-binds"] = (binds.Any(b => !b.ReadOnly) ? 1 : 0.5, string.Join(", ", binds.Select(b => $"`{b.Source}`")));
        }
    }

    private static void NetworkExposures(NetworkPolicyIr network, Dictionary<string, (double, string)> exposures)
    {
        if ((network.Effective & (NetworkAccess.InetRaw | NetworkAccess.Inet6Raw | NetworkAccess.Packet)) != 0)
        {
            exposures["network.raw"] = (1, "raw or packet sockets");
        }
        if (network.Allows(NetworkAccess.Netlink))
        {
            exposures["network.netlink"] = (1, "netlink sockets");
        }
        const NetworkAccess inet = NetworkAccess.Inet4Stream | NetworkAccess.Inet4Dgram | NetworkAccess.Inet6Stream | NetworkAccess.Inet6Dgram;
        if ((network.Effective & inet) != 0)
        {
            var restricted = network.Binds.Length > 0 && network.Connects.Length > 0;
            exposures["network.inet"] = (restricted ? 0.5 : 1, restricted ? "tcp/udp to listed ports" : "tcp/udp to any port");
        }
    }
}
