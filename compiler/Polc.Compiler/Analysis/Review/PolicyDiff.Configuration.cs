using System.Globalization;
using Polc.Compiler.Ir;

namespace Polc.Compiler.Analysis.Review;

/// <summary>Capabilities, filesystem, network, resources, isolation and labels, compared by resolved value.</summary>
public static partial class PolicyDiff
{
    private static PolicyChange Change(ReviewArea area, string subject, ChangeClass changeClass, RiskLevel risk, string message, string? before = null, string? after = null) =>
        new(area, subject, changeClass, risk, message, before, after);

    // ---- capabilities ----

    private static IEnumerable<PolicyChange> CompareCapabilities(CapabilityPolicyIr before, CapabilityPolicyIr after)
    {
        foreach (var capability in after.Allowed.Except(before.Allowed))
        {
            var rating = RiskCatalog.Capability(capability);
            yield return Change(ReviewArea.Capabilities, capability.Name, ChangeClass.Widens, rating.Risk, $"`{capability.Name}` added: {rating.Why}", null, "allowed");
        }
        foreach (var capability in before.Allowed.Except(after.Allowed))
        {
            yield return Change(ReviewArea.Capabilities, capability.Name, ChangeClass.Narrows, RiskLevel.Low, $"`{capability.Name}` removed", "allowed", null);
        }
        foreach (var capability in after.Ambient.Except(before.Ambient))
        {
            var risk = RiskCatalog.Capability(capability).Risk;
            yield return Change(ReviewArea.Capabilities, capability.Name, ChangeClass.Widens, risk,
                $"`{capability.Name}` added to the ambient set: a program running as non-root now holds it", null, "ambient");
        }
        foreach (var capability in before.Ambient.Except(after.Ambient))
        {
            yield return Change(ReviewArea.Capabilities, capability.Name, ChangeClass.Narrows, RiskLevel.Low, $"`{capability.Name}` removed from the ambient set", "ambient", null);
        }
    }

    // ---- filesystem ----

    private static IEnumerable<PolicyChange> CompareFilesystem(FilesystemPolicyIr before, FilesystemPolicyIr after)
    {
        var changes = new List<PolicyChange>();
        var (rootBefore, rootAfter) = (before.Root?.Value, after.Root?.Value);
        if (rootBefore != rootAfter)
        {
            var (changeClass, risk) = (rootBefore, rootAfter) switch
            {
                (not null, null) => (ChangeClass.Widens, RiskLevel.High),
                (null, not null) => (ChangeClass.Narrows, RiskLevel.Low),
                _ => (ChangeClass.Neutral, RiskLevel.Medium),
            };
            changes.Add(Change(ReviewArea.Filesystem, "root", changeClass, risk,
                $"root: {ShowRoot(rootBefore)} → {ShowRoot(rootAfter)}", rootBefore, rootAfter));
        }
        if (before.IsReadOnlyRoot != after.IsReadOnlyRoot)
        {
            changes.Add(after.IsReadOnlyRoot
                ? Change(ReviewArea.Filesystem, "readonly root", ChangeClass.Narrows, RiskLevel.Low, "the root filesystem is now read-only", "writable", "readonly")
                : Change(ReviewArea.Filesystem, "readonly root", ChangeClass.Widens, RiskLevel.Medium, "the root filesystem is now writable (`readonly root` removed)", "readonly", "writable"));
        }
        changes.AddRange(ComparePathRules(before, after));
        changes.AddRange(CompareTmpfs(before, after));
        changes.AddRange(CompareBinds(before, after));
        foreach (var mask in after.Masks.Select(m => m.Value).Except(before.Masks.Select(m => m.Value)))
        {
            changes.Add(Change(ReviewArea.Filesystem, mask, ChangeClass.Narrows, RiskLevel.Low, $"`{mask}` is now masked"));
        }
        foreach (var mask in before.Masks.Select(m => m.Value).Except(after.Masks.Select(m => m.Value)))
        {
            changes.Add(Change(ReviewArea.Filesystem, mask, ChangeClass.Widens, RiskLevel.Medium, $"`{mask}` is no longer masked"));
        }
        return changes;
    }

    private static string ShowRoot(string? root) => root is null ? "the host's root filesystem" : $"`{root}`";

    /// <summary>Per pattern, the effective accesses: write and exec imply read; order does not matter (deny wins).</summary>
    private static IEnumerable<PolicyChange> ComparePathRules(FilesystemPolicyIr before, FilesystemPolicyIr after)
    {
        static Dictionary<string, HashSet<PathAccess>> Effective(FilesystemPolicyIr fs)
        {
            var result = new Dictionary<string, HashSet<PathAccess>>(StringComparer.Ordinal);
            foreach (var rule in fs.Rules)
            {
                if (!result.TryGetValue(rule.Pattern, out var set))
                {
                    result[rule.Pattern] = set = [];
                }
                set.Add(rule.Access);
                if (rule.Access is PathAccess.Write or PathAccess.Exec)
                {
                    set.Add(PathAccess.Read);
                }
            }
            return result;
        }
        var (old, @new) = (Effective(before), Effective(after));
        foreach (var pattern in old.Keys.Union(@new.Keys).Order(StringComparer.Ordinal))
        {
            var accessBefore = old.GetValueOrDefault(pattern) ?? [];
            var accessAfter = @new.GetValueOrDefault(pattern) ?? [];
            // Read follows from write and exec; when one of those changed too, only it is reported.
            bool Changed(PathAccess a) => accessBefore.Contains(a) != accessAfter.Contains(a);
            var impliedRead = Changed(PathAccess.Write) || Changed(PathAccess.Exec);
            foreach (var access in Enum.GetValues<PathAccess>().Where(a => a != PathAccess.Read || !impliedRead))
            {
                var word = access.ToString().ToLowerInvariant();
                var rule = $"`{word} \"{pattern}\"`";
                if (accessAfter.Contains(access) && !accessBefore.Contains(access))
                {
                    yield return access == PathAccess.Deny
                        ? Change(ReviewArea.Filesystem, pattern, ChangeClass.Narrows, RiskLevel.Low, $"{rule} added", null, word)
                        : Change(ReviewArea.Filesystem, pattern, ChangeClass.Widens, PathGrantRisk(access, pattern), $"{rule} added", null, word);
                }
                else if (accessBefore.Contains(access) && !accessAfter.Contains(access))
                {
                    yield return access == PathAccess.Deny
                        ? Change(ReviewArea.Filesystem, pattern, ChangeClass.Widens, RiskLevel.Medium, $"{rule} removed", word, null)
                        : Change(ReviewArea.Filesystem, pattern, ChangeClass.Narrows, RiskLevel.Low, $"{rule} removed", word, null);
                }
            }
        }
    }

    private static RiskLevel PathGrantRisk(PathAccess access, string pattern)
    {
        var reachesKernel = RiskCatalog.KernelInterfacePaths.Any(p => Semantics.GlobPattern.Matches(pattern, p));
        return access switch
        {
            PathAccess.Write when reachesKernel || pattern == "/**" => RiskLevel.High,
            PathAccess.Write or PathAccess.Exec => RiskLevel.Medium,
            _ => reachesKernel || pattern == "/**" ? RiskLevel.Medium : RiskLevel.Low,
        };
    }

    private static IEnumerable<PolicyChange> CompareTmpfs(FilesystemPolicyIr before, FilesystemPolicyIr after)
    {
        var old = before.Tmpfs.ToDictionary(t => t.Path, StringComparer.Ordinal);
        var @new = after.Tmpfs.ToDictionary(t => t.Path, StringComparer.Ordinal);
        foreach (var path in old.Keys.Union(@new.Keys).Order(StringComparer.Ordinal))
        {
            var subject = "tmpfs " + path;
            switch (old.GetValueOrDefault(path), @new.GetValueOrDefault(path))
            {
                case (null, not null):
                    yield return Change(ReviewArea.Filesystem, subject, ChangeClass.Widens, RiskLevel.Low, $"tmpfs `{path}` added");
                    break;
                case (not null, null):
                    yield return Change(ReviewArea.Filesystem, subject, ChangeClass.Narrows, RiskLevel.Low, $"tmpfs `{path}` removed");
                    break;
                case ({ } b, { } a):
                    if (LimitChange(ReviewArea.Filesystem, subject, $"tmpfs `{path}` size", b.SizeBytes, a.SizeBytes, RiskLevel.Low, Bytes) is { } size)
                    {
                        yield return size;
                    }
                    if (b.Mode != a.Mode)
                    {
                        yield return Change(ReviewArea.Filesystem, subject, ChangeClass.Neutral, RiskLevel.Low,
                            $"tmpfs `{path}` mode {Mode(b.Mode)} → {Mode(a.Mode)}", Mode(b.Mode), Mode(a.Mode));
                    }
                    foreach (var flag in new[] { "noexec", "nosuid", "nodev" })
                    {
                        var (was, now) = (b.Options.Contains(flag), a.Options.Contains(flag));
                        if (was != now)
                        {
                            yield return Change(ReviewArea.Filesystem, subject, now ? ChangeClass.Narrows : ChangeClass.Widens, RiskLevel.Low,
                                $"tmpfs `{path}` {(now ? "gains" : "loses")} `{flag}`");
                        }
                    }
                    break;
            }
        }
    }

    private static string Mode(uint? mode) => mode is { } m ? "0o" + Convert.ToString(m, 8) : "default";

    private static IEnumerable<PolicyChange> CompareBinds(FilesystemPolicyIr before, FilesystemPolicyIr after)
    {
        var old = before.Binds.ToDictionary(b => b.Target, StringComparer.Ordinal);
        var @new = after.Binds.ToDictionary(b => b.Target, StringComparer.Ordinal);
        foreach (var target in old.Keys.Union(@new.Keys).Order(StringComparer.Ordinal))
        {
            var subject = "bind " + target;
            switch (old.GetValueOrDefault(target), @new.GetValueOrDefault(target))
            {
                case (null, { } a):
                    yield return Change(ReviewArea.Filesystem, subject, ChangeClass.Widens, BindRisk(a),
                        $"bind `{a.Source}` → `{target}` added{(a.ReadOnly ? " (read-only)" : " (writable)")}", null, Describe(a));
                    break;
                case ({ } b, null):
                    yield return Change(ReviewArea.Filesystem, subject, ChangeClass.Narrows, RiskLevel.Low, $"bind `{b.Source}` → `{target}` removed", Describe(b), null);
                    break;
                case ({ } b, { } a):
                    if (b.Source != a.Source)
                    {
                        yield return Change(ReviewArea.Filesystem, subject, ChangeClass.Neutral, RiskLevel.Medium,
                            $"bind to `{target}` now mounts `{a.Source}` instead of `{b.Source}`", b.Source, a.Source);
                    }
                    if (b.ReadOnly != a.ReadOnly)
                    {
                        yield return a.ReadOnly
                            ? Change(ReviewArea.Filesystem, subject, ChangeClass.Narrows, RiskLevel.Low, $"bind to `{target}` is now read-only", "writable", "readonly")
                            : Change(ReviewArea.Filesystem, subject, ChangeClass.Widens, BindRisk(a), $"bind to `{target}` is now writable", "readonly", "writable");
                    }
                    break;
            }
        }
    }

    private static string Describe(BindMountIr bind) => $"{bind.Source} -> {bind.Target}{(bind.ReadOnly ? " readonly" : "")}";

    private static RiskLevel BindRisk(BindMountIr bind)
    {
        string[] sensitive = ["/proc", "/sys", "/dev", "/var/run/docker.sock", "/run/docker.sock", "/run/containerd", "/etc", "/boot", "/root"];
        var isSensitive = bind.Source == "/" || sensitive.Any(s => bind.Source == s || bind.Source.StartsWith(s + "/", StringComparison.Ordinal));
        return isSensitive ? (bind.ReadOnly ? RiskLevel.Medium : RiskLevel.High) : (bind.ReadOnly ? RiskLevel.Low : RiskLevel.Medium);
    }

    // ---- network ----

    private static readonly (string Name, NetworkAccess Access, RiskLevel Risk)[] SocketKinds =
    [
        ("tcp over IPv4", NetworkAccess.Inet4Stream, RiskLevel.Low),
        ("udp over IPv4", NetworkAccess.Inet4Dgram, RiskLevel.Low),
        ("tcp over IPv6", NetworkAccess.Inet6Stream, RiskLevel.Low),
        ("udp over IPv6", NetworkAccess.Inet6Dgram, RiskLevel.Low),
        ("raw IPv4", NetworkAccess.InetRaw, RiskLevel.High),
        ("raw IPv6", NetworkAccess.Inet6Raw, RiskLevel.High),
        ("unix", NetworkAccess.Unix, RiskLevel.Low),
        ("packet", NetworkAccess.Packet, RiskLevel.High),
        ("netlink", NetworkAccess.Netlink, RiskLevel.Medium),
    ];

    private static IEnumerable<PolicyChange> CompareNetwork(NetworkPolicyIr before, NetworkPolicyIr after)
    {
        if (before.IsNone && !after.IsNone)
        {
            yield return Change(ReviewArea.Network, "none", ChangeClass.Widens, RiskLevel.High, "`network none` removed: the program is no longer cut off from the network", "none", null);
        }
        else if (!before.IsNone && after.IsNone)
        {
            yield return Change(ReviewArea.Network, "none", ChangeClass.Narrows, RiskLevel.Low, "`network none`: the program is now cut off from the network", null, "none");
        }
        foreach (var (name, access, risk) in SocketKinds)
        {
            var (was, now) = (before.Allows(access), after.Allows(access));
            if (now && !was)
            {
                yield return Change(ReviewArea.Network, name, ChangeClass.Widens, risk, $"{name} sockets now allowed", "denied", "allowed");
            }
            else if (was && !now)
            {
                yield return Change(ReviewArea.Network, name, ChangeClass.Narrows, RiskLevel.Low, $"{name} sockets no longer allowed", "allowed", "denied");
            }
        }
        foreach (var change in ComparePorts("bind", before.Binds, after.Binds).Concat(ComparePorts("connect", before.Connects, after.Connects)))
        {
            yield return change;
        }
    }

    /// <summary>No port rule of a kind means any port; a list means those ports only.</summary>
    private static IEnumerable<PolicyChange> ComparePorts(string kind, IReadOnlyList<PortRuleIr> before, IReadOnlyList<PortRuleIr> after)
    {
        if (before.Count > 0 && after.Count == 0)
        {
            yield return Change(ReviewArea.Network, kind + " ports", ChangeClass.Widens, RiskLevel.Medium, $"`{kind}` ports no longer restricted (any port)", Ports(before), "any");
            yield break;
        }
        if (before.Count == 0 && after.Count > 0)
        {
            yield return Change(ReviewArea.Network, kind + " ports", ChangeClass.Narrows, RiskLevel.Low, $"`{kind}` now restricted to {Ports(after)}", "any", Ports(after));
            yield break;
        }
        foreach (var protocol in Enum.GetValues<PortProtocol>())
        {
            var old = PortSet(before, protocol);
            var @new = PortSet(after, protocol);
            var word = protocol.ToString().ToLowerInvariant();
            if (Ranges(@new.Except(old)) is { Length: > 0 } added)
            {
                yield return Change(ReviewArea.Network, $"{kind} {word}", ChangeClass.Widens, RiskLevel.Low, $"`{kind} {word} {added}` added", null, added);
            }
            if (Ranges(old.Except(@new)) is { Length: > 0 } removed)
            {
                yield return Change(ReviewArea.Network, $"{kind} {word}", ChangeClass.Narrows, RiskLevel.Low, $"`{kind} {word} {removed}` removed", removed, null);
            }
        }
    }

    private static SortedSet<int> PortSet(IEnumerable<PortRuleIr> rules, PortProtocol protocol)
    {
        var set = new SortedSet<int>();
        foreach (var rule in rules.Where(r => r.Protocol == protocol))
        {
            for (int port = rule.From; port <= rule.To; port++)
            {
                set.Add(port);
            }
        }
        return set;
    }

    private static string Ports(IEnumerable<PortRuleIr> rules) =>
        string.Join(", ", Enum.GetValues<PortProtocol>()
            .Select(p => (Protocol: p, Text: Ranges(PortSet(rules, p))))
            .Where(p => p.Text.Length > 0)
            .Select(p => $"{p.Protocol.ToString().ToLowerInvariant()} {p.Text}"));

    private static string Ranges(IEnumerable<int> ports)
    {
        var parts = new List<string>();
        int? start = null, previous = null;
        foreach (var port in ports.Order())
        {
            if (previous is { } p && port == p + 1)
            {
                previous = port;
                continue;
            }
            if (start is { } s)
            {
                parts.Add(s == previous ? $"{s}" : $"{s}-{previous}");
            }
            start = previous = port;
        }
        if (start is { } last)
        {
            parts.Add(last == previous ? $"{last}" : $"{last}-{previous}");
        }
        return string.Join(", ", parts);
    }

    // ---- resources ----

    private static IEnumerable<PolicyChange> CompareResources(ResourcePolicyIr before, ResourcePolicyIr after)
    {
        var changes = new List<PolicyChange?>
        {
            LimitChange(ReviewArea.Resources, "memory", "`memory` limit", before.Memory?.Value, after.Memory?.Value, RiskLevel.High, Bytes),
            LimitChange(ReviewArea.Resources, "memory-swap", "`memory-swap` limit", before.MemorySwap?.Value, after.MemorySwap?.Value, RiskLevel.Low, Bytes),
            LimitChange(ReviewArea.Resources, "cpu", "`cpu` limit", Millis(before.Cpus?.Value), Millis(after.Cpus?.Value), RiskLevel.Medium, Cpus),
            LimitChange(ReviewArea.Resources, "pids", "`pids` limit", before.Pids?.Value, after.Pids?.Value, RiskLevel.Medium, Count),
            ShareChange("cpu-weight", before.CpuWeight?.Value, after.CpuWeight?.Value),
            ShareChange("io-weight", before.IoWeight?.Value, after.IoWeight?.Value),
        };
        if (before.MemoryReservation?.Value != after.MemoryReservation?.Value)
        {
            var (b, a) = (Show(before.MemoryReservation?.Value, Bytes), Show(after.MemoryReservation?.Value, Bytes));
            changes.Add(Change(ReviewArea.Resources, "memory-reservation", ChangeClass.Neutral, RiskLevel.Low, $"`memory-reservation`: {b} → {a}", b, a));
        }
        if (before.Cpuset?.Value != after.Cpuset?.Value)
        {
            var (b, a) = (before.Cpuset?.Value, after.Cpuset?.Value);
            var changeClass = a is null ? ChangeClass.Widens : b is null ? ChangeClass.Narrows : ChangeClass.Neutral;
            changes.Add(Change(ReviewArea.Resources, "cpuset", changeClass, RiskLevel.Low, $"`cpuset`: {b ?? "any CPU"} → {a ?? "any CPU"}", b, a));
        }
        var ioBefore = before.Io.ToDictionary(i => i.Device, StringComparer.Ordinal);
        var ioAfter = after.Io.ToDictionary(i => i.Device, StringComparer.Ordinal);
        foreach (var device in ioBefore.Keys.Union(ioAfter.Keys).Order(StringComparer.Ordinal))
        {
            var (b, a) = (ioBefore.GetValueOrDefault(device), ioAfter.GetValueOrDefault(device));
            var subject = "io " + device;
            changes.Add(LimitChange(ReviewArea.Resources, subject, $"`io \"{device}\" read`", b?.ReadBps, a?.ReadBps, RiskLevel.Low, Rate));
            changes.Add(LimitChange(ReviewArea.Resources, subject, $"`io \"{device}\" write`", b?.WriteBps, a?.WriteBps, RiskLevel.Low, Rate));
            changes.Add(LimitChange(ReviewArea.Resources, subject, $"`io \"{device}\" read-iops`", b?.ReadIops, a?.ReadIops, RiskLevel.Low, Count));
            changes.Add(LimitChange(ReviewArea.Resources, subject, $"`io \"{device}\" write-iops`", b?.WriteIops, a?.WriteIops, RiskLevel.Low, Count));
        }
        var rlimitsBefore = before.Rlimits.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var rlimitsAfter = after.Rlimits.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var name in rlimitsBefore.Keys.Union(rlimitsAfter.Keys).Order(StringComparer.Ordinal))
        {
            var (b, a) = (rlimitsBefore.GetValueOrDefault(name), rlimitsAfter.GetValueOrDefault(name));
            var subject = "rlimit " + name;
            var hard = LimitChange(ReviewArea.Resources, subject, $"`rlimit {name}` hard limit", Finite(b?.Hard), Finite(a?.Hard), RiskLevel.Low, Count);
            var soft = LimitChange(ReviewArea.Resources, subject, $"`rlimit {name}` soft limit", Finite(b?.Soft), Finite(a?.Soft), RiskLevel.Low, Count);
            // One line when both move the same way (the usual `rlimit nofile N`), two when they part.
            changes.Add(hard);
            if (soft is not null && (hard is null || soft.Class != hard.Class))
            {
                changes.Add(soft);
            }
        }
        return changes.OfType<PolicyChange>();
    }

    private static ulong? Finite(ulong? limit) => limit == RlimitIr.Unlimited ? null : limit;

    private static ulong? Millis(decimal? cpus) => cpus is { } c ? (ulong)(c * 1000) : null;

    /// <summary>A limit where null means none: raising or removing it widens, lowering or adding narrows.</summary>
    private static PolicyChange? LimitChange(ReviewArea area, string subject, string what, ulong? before, ulong? after, RiskLevel removalRisk, Func<ulong, string> show)
    {
        if (before == after)
        {
            return null;
        }
        var (b, a) = (Show(before, show), Show(after, show));
        return (before, after) switch
        {
            (not null, null) => Change(area, subject, ChangeClass.Widens, removalRisk, $"{what} removed (was {b})", b, a),
            (null, not null) => Change(area, subject, ChangeClass.Narrows, RiskLevel.Low, $"{what} set to {a}", b, a),
            _ when after > before => Change(area, subject, ChangeClass.Widens, RiskLevel.Low, $"{what} raised: {b} → {a}", b, a),
            _ => Change(area, subject, ChangeClass.Narrows, RiskLevel.Low, $"{what} lowered: {b} → {a}", b, a),
        };
    }

    /// <summary>A relative weight (default 100): more weight is a bigger share, which widens a little.</summary>
    private static PolicyChange? ShareChange(string name, uint? before, uint? after)
    {
        var (b, a) = (before ?? 100, after ?? 100);
        if (before == after)
        {
            return null;
        }
        var changeClass = a > b ? ChangeClass.Widens : a < b ? ChangeClass.Narrows : ChangeClass.Neutral;
        var (bt, at) = (before?.ToString(CultureInfo.InvariantCulture) ?? "default (100)", after?.ToString(CultureInfo.InvariantCulture) ?? "default (100)");
        return Change(ReviewArea.Resources, name, changeClass, RiskLevel.Low, $"`{name}`: {bt} → {at}", bt, at);
    }

    private static string Show(ulong? value, Func<ulong, string> show) => value is { } v ? show(v) : "none";

    internal static string Bytes(ulong bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        var value = bytes;
        while (unit < units.Length - 1 && value >= 1024 && value % 1024 == 0)
        {
            value /= 1024;
            unit++;
        }
        return $"{value.ToString(CultureInfo.InvariantCulture)}{units[unit]}";
    }

    private static string Rate(ulong bytes) => Bytes(bytes) + "/s";

    private static string Count(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Cpus(ulong millis) => (millis / 1000m).ToString(CultureInfo.InvariantCulture);

    // ---- isolation ----

    private static IEnumerable<PolicyChange> CompareIsolation(IsolationPolicyIr before, IsolationPolicyIr after)
    {
        foreach (var kind in Enum.GetValues<NamespaceKind>())
        {
            var name = kind.ToString().ToLowerInvariant();
            if (before.Has(kind) && !after.Has(kind))
            {
                var risk = kind is NamespaceKind.Pid or NamespaceKind.Mount or NamespaceKind.Net or NamespaceKind.User ? RiskLevel.High : RiskLevel.Medium;
                yield return Change(ReviewArea.Isolation, name + " namespace", ChangeClass.Widens, risk, $"`{name}` namespace removed: the program now shares the host's", "own", "host");
            }
            else if (!before.Has(kind) && after.Has(kind))
            {
                yield return Change(ReviewArea.Isolation, name + " namespace", ChangeClass.Narrows, RiskLevel.Low, $"`{name}` namespace added", "host", "own");
            }
        }
        if (before.Hostname?.Value != after.Hostname?.Value)
        {
            var (b, a) = (before.Hostname?.Value, after.Hostname?.Value);
            yield return Change(ReviewArea.Isolation, "hostname", ChangeClass.Neutral, RiskLevel.Low, $"hostname: {Quote(b)} → {Quote(a)}", b, a);
        }
        if (IdChange("user", before.User?.Value, after.User?.Value, RiskLevel.High) is { } user)
        {
            yield return user;
        }
        if (IdChange("group", before.Group?.Value, after.Group?.Value, RiskLevel.Medium) is { } group)
        {
            yield return group;
        }
        foreach (var (name, b, a) in new[] { ("map-users", before.UidMaps, after.UidMaps), ("map-groups", before.GidMaps, after.GidMaps) })
        {
            var (shownBefore, shownAfter) = (Maps(b), Maps(a));
            if (shownBefore == shownAfter)
            {
                continue;
            }
            var rootToHostRoot = MapsRootToHostRoot(a) && !MapsRootToHostRoot(b);
            yield return Change(ReviewArea.Isolation, name, rootToHostRoot ? ChangeClass.Widens : ChangeClass.Neutral, rootToHostRoot ? RiskLevel.High : RiskLevel.Medium,
                $"`{name}`: {shownBefore} → {shownAfter}" + (rootToHostRoot ? "; id 0 inside is now id 0 on the host" : ""), shownBefore, shownAfter);
        }
        if (before.NoNewPrivileges.Value != after.NoNewPrivileges.Value)
        {
            yield return after.NoNewPrivileges.Value
                ? Change(ReviewArea.Isolation, "no-new-privileges", ChangeClass.Narrows, RiskLevel.Low, "`no-new-privileges` turned on", "off", "on")
                : Change(ReviewArea.Isolation, "no-new-privileges", ChangeClass.Widens, RiskLevel.High,
                    "`no-new-privileges` turned off: set-user-ID programs and file capabilities can raise privileges again", "on", "off");
        }
    }

    private static string Quote(string? text) => text is null ? "default" : $"`{text}`";

    /// <summary>No id means the image's choice, which is root unless it says otherwise.</summary>
    private static PolicyChange? IdChange(string what, uint? before, uint? after, RiskLevel toRootRisk)
    {
        if (before == after)
        {
            return null;
        }
        static bool IsRoot(uint? id) => id is null or 0;
        static string Show(uint? id) => id is { } i ? i.ToString(CultureInfo.InvariantCulture) : "default (root)";
        var (b, a) = (Show(before), Show(after));
        var (changeClass, risk) = (IsRoot(before), IsRoot(after)) switch
        {
            (false, true) => (ChangeClass.Widens, toRootRisk),
            (true, false) => (ChangeClass.Narrows, RiskLevel.Low),
            _ => (ChangeClass.Neutral, RiskLevel.Low),
        };
        return Change(ReviewArea.Isolation, what, changeClass, risk, $"`{what}`: {b} → {a}", b, a);
    }

    private static string Maps(IEnumerable<IdMapIr> maps)
    {
        var text = string.Join(", ", maps.Select(m => $"{m.Inside} -> {m.Outside} count {m.Count}"));
        return text.Length == 0 ? "none" : text;
    }

    private static bool MapsRootToHostRoot(IEnumerable<IdMapIr> maps) => maps.Any(m => m.Inside == 0 && m.Outside == 0);

    // ---- labels ----

    /// <summary>Only labels written in either policy count: a default label follows the policy's name, and a rename alone changes nothing.</summary>
    private static IEnumerable<PolicyChange> CompareLabels(LabelPolicyIr before, LabelPolicyIr after)
    {
        var explicitAppArmor = before.AppArmorSpan is not null || after.AppArmorSpan is not null;
        if (explicitAppArmor && before.AppArmorProfile != after.AppArmorProfile)
        {
            yield return Change(ReviewArea.Labels, "apparmor", ChangeClass.Neutral, RiskLevel.Medium,
                $"AppArmor profile `{before.AppArmorProfile}` → `{after.AppArmorProfile}`: a different profile confines the program", before.AppArmorProfile, after.AppArmorProfile);
        }
        var explicitSelinux = before.SelinuxSpan is not null || after.SelinuxSpan is not null;
        if (explicitSelinux && before.SelinuxType != after.SelinuxType)
        {
            yield return Change(ReviewArea.Labels, "selinux", ChangeClass.Neutral, RiskLevel.Medium,
                $"SELinux type `{before.SelinuxType}` → `{after.SelinuxType}`: a different domain confines the program", before.SelinuxType, after.SelinuxType);
        }
    }
}
