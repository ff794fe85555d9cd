using Polc.Compiler.Ir;

namespace Polc.Backends;

/// <summary>
/// How the LSM backends read the network section. No network statement at all leaves the network unrestricted;
/// `network none` allows no inet socket; otherwise the allowed socket kinds are the IR's effective set plus what the
/// port rules need (a `bind tcp 80` needs tcp sockets, over the IP versions the policy allows), less every family the policy denies.
/// </summary>
public sealed record NetworkSummary(bool Unrestricted, bool None, NetworkAccess Allowed, NetworkAccess Denied, IReadOnlyList<PortRuleIr> Ports)
{
    public static NetworkSummary Of(NetworkPolicyIr network)
    {
        if (network.IsNone)
        {
            return new(false, true, NetworkAccess.None, NetworkAccess.None, []);
        }
        var ports = network.Binds.Concat(network.Connects).ToList();
        if (network.Families.IsEmpty && ports.Count == 0)
        {
            return new(true, false, NetworkAccess.None, NetworkAccess.None, []);
        }
        var denied = network.Families.Where(f => !f.Allow).Aggregate(NetworkAccess.None, (all, f) => all | f.Family.Access());
        var fromPorts = ports.Aggregate(NetworkAccess.None, (all, port) => all | Access(port.Protocol)) & IpVersions(network.Effective);
        return new(false, false, network.Effective | (fromPorts & ~denied), denied, ports);
    }

    /// <summary>A port rule needs its protocol over the IP versions the policy allows any socket of, or both when it allows none.</summary>
    private static NetworkAccess IpVersions(NetworkAccess effective)
    {
        const NetworkAccess v4 = NetworkAccess.Inet4Stream | NetworkAccess.Inet4Dgram | NetworkAccess.InetRaw;
        const NetworkAccess v6 = NetworkAccess.Inet6Stream | NetworkAccess.Inet6Dgram | NetworkAccess.Inet6Raw;
        var versions = ((effective & v4) != 0 ? v4 : 0) | ((effective & v6) != 0 ? v6 : 0);
        return versions == 0 ? v4 | v6 : versions;
    }

    public static NetworkAccess Access(PortProtocol protocol) => protocol == PortProtocol.Tcp
        ? NetworkAccess.Inet4Stream | NetworkAccess.Inet6Stream
        : NetworkAccess.Inet4Dgram | NetworkAccess.Inet6Dgram;

    /// <summary>Whether the policy allows some socket kind of the given set.</summary>
    public bool AllowsAny(NetworkAccess access) => Unrestricted || (Allowed & access) != 0;

    public static string Describe(PortRuleIr port) =>
        $"{port.Protocol.ToString().ToLowerInvariant()} {(port.From == port.To ? $"{port.From}" : $"{port.From}-{port.To}")}";
}
