using System.Text.Json.Nodes;
using Polc.Backends.Capabilities;
using Polc.Backends.Cgroups;
using Polc.Backends.DockerRun;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Enforcer.Plan;

namespace Polc.Backends.Oci;

/// <summary>The runtime spec's `config.json` for a policy, keys in the order `runc spec` writes them.</summary>
public static class OciConfig
{
    /// <summary>The spec version whose fields the config uses (the time namespace, `defaultErrnoRet`).</summary>
    public const string SpecVersion = "1.1.0";

    /// <summary>Placeholder command: set `process.args` to the program the policy is for (docs/oci.md).</summary>
    public static readonly string[] PlaceholderArgs = ["/bin/sh"];

    public const string DefaultRoot = "rootfs";

    public const string PathVariable = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static JsonObject Build(PolicyIr policy, JsonObject seccomp, List<Diagnostic> diagnostics)
    {
        var isolation = policy.Isolation;
        DockerRunSpec.CheckPorts(policy.Network, OciBackend.Target, diagnostics);
        var config = new JsonObject
        {
            ["ociVersion"] = SpecVersion,
            ["process"] = Process(policy),
            ["root"] = new JsonObject
            {
                ["path"] = policy.Filesystem.Root?.Value ?? DefaultRoot,
                ["readonly"] = policy.Filesystem.IsReadOnlyRoot,
            },
        };
        if (isolation.Hostname is { } hostname)
        {
            config["hostname"] = hostname.Value;
        }
        config["mounts"] = OciMounts.Mounts(policy);
        var linux = new JsonObject();
        if (isolation.Has(NamespaceKind.User))
        {
            var namespaces = isolation.Namespaces.Select(n => n.Value).ToHashSet();
            PlanBuilder.CheckIdMapped(isolation.User, isolation.UidMaps, "user", "map-users", namespaces, diagnostics);
            PlanBuilder.CheckIdMapped(isolation.Group, isolation.GidMaps, "group", "map-groups", namespaces, diagnostics);
            linux["uidMappings"] = IdMappings(isolation.UidMaps);
            linux["gidMappings"] = IdMappings(isolation.GidMaps);
        }
        linux["resources"] = OciResources.Build(policy.Resources, diagnostics);
        linux["namespaces"] = Namespaces(isolation);
        linux["seccomp"] = seccomp;
        linux["maskedPaths"] = Strings(OciMounts.MaskedPaths(policy.Filesystem));
        linux["readonlyPaths"] = Strings(OciMounts.ReadonlyPaths);
        config["linux"] = linux;
        return config;
    }

    private static JsonObject Process(PolicyIr policy)
    {
        var isolation = policy.Isolation;
        var sets = CapabilityState.Configured(policy.Capabilities);
        JsonArray Set(ulong mask) => Strings(CapabilityState.Names(mask).Select(c => c.Name));
        var process = new JsonObject
        {
            ["terminal"] = false,
            // Without `user`/`group` the program runs as 0, as `runc spec` and Docker do for an image without USER.
            ["user"] = new JsonObject { ["uid"] = isolation.User?.Value ?? 0, ["gid"] = isolation.Group?.Value ?? 0 },
            ["args"] = Strings(PlaceholderArgs),
            ["env"] = Strings([PathVariable]),
            ["cwd"] = "/",
            ["capabilities"] = new JsonObject
            {
                ["bounding"] = Set(sets.Bounding),
                ["effective"] = Set(sets.Effective),
                ["inheritable"] = Set(sets.Inheritable),
                ["permitted"] = Set(sets.Permitted),
                ["ambient"] = Set(sets.Ambient),
            },
        };
        if (policy.Resources.Rlimits.Length > 0)
        {
            process["rlimits"] = new JsonArray([.. policy.Resources.Rlimits.Select(r => (JsonNode)new JsonObject
            {
                ["type"] = RlimitTable.ResourceName(r.Name),
                ["hard"] = r.Hard,
                ["soft"] = r.Soft,
            })]);
        }
        process["noNewPrivileges"] = isolation.NoNewPrivileges.Value;
        process["apparmorProfile"] = policy.Labels.AppArmorProfile;
        process["selinuxLabel"] = SelinuxLabel(policy.Labels.SelinuxType);
        return process;
    }

    /// <summary>The label the launcher uses too: the policy's type in the usual container user, role and level
    /// (no MCS categories: a static config cannot pick ones unique to the container).</summary>
    public static string SelinuxLabel(string type) => $"system_u:system_r:{type}:s0";

    /// <summary>A runtime needs its own mount namespace to set up a root, so `mount` is always there.</summary>
    private static JsonArray Namespaces(IsolationPolicyIr isolation)
    {
        var kinds = isolation.Namespaces.Select(n => n.Value).Append(NamespaceKind.Mount).Distinct().Order();
        return new JsonArray([.. kinds.Select(k => (JsonNode)new JsonObject { ["type"] = NamespaceType(k) })]);
    }

    public static string NamespaceType(NamespaceKind kind) => kind switch
    {
        NamespaceKind.Net => "network",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The policy's maps; without any, root alone mapped to root, as the launcher maps root to its caller.</summary>
    private static JsonArray IdMappings(IEnumerable<IdMapIr> maps)
    {
        var list = maps.Select(m => (m.Inside, m.Outside, m.Count)).ToList();
        if (list.Count == 0)
        {
            list.Add((0, 0, 1));
        }
        return new JsonArray([.. list.Select(m => (JsonNode)new JsonObject { ["containerID"] = m.Inside, ["hostID"] = m.Outside, ["size"] = m.Count })]);
    }

    public static JsonArray Strings(IEnumerable<string> items) => new([.. items.Select(i => (JsonNode)i)]);
}
