using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Text;

namespace Polc.Backends.SelinuxCil;

/// <summary>
/// Socket and port rules. Each allowed socket kind becomes its socket class on the domain itself; `bind` and
/// `connect` rules become `name_bind` and `name_connect` on the types that label those ports. Without any `bind`
/// (or `connect`) rule for a protocol the policy allows, the domain may bind (or connect to) every port (`port_type`).
/// </summary>
internal static class SelinuxNetwork
{
    private const string AnyPort = "port_type";
    private const string AnyNode = "node_type";

    private static readonly string[] SocketPermissions = ["create", "bind", "connect", "getattr", "setattr", "getopt", "setopt", "read", "write", "shutdown", "ioctl", "lock", "append"];
    private static readonly string[] StreamPermissions = [.. SocketPermissions, "listen", "accept"];

    private static readonly (NetworkAccess Access, string Class, string[] Permissions)[] Classes =
    [
        (NetworkAccess.Inet4Stream | NetworkAccess.Inet6Stream, "tcp_socket", StreamPermissions),
        (NetworkAccess.Inet4Dgram | NetworkAccess.Inet6Dgram, "udp_socket", SocketPermissions),
        (NetworkAccess.InetRaw | NetworkAccess.Inet6Raw, "rawip_socket", SocketPermissions),
        (NetworkAccess.Unix, "unix_stream_socket", [.. StreamPermissions, "connectto"]),
        (NetworkAccess.Unix, "unix_dgram_socket", [.. SocketPermissions, "sendto"]),
        (NetworkAccess.Packet, "packet_socket", SocketPermissions),
        (NetworkAccess.Netlink, "netlink_route_socket", [.. SocketPermissions, "nlmsg_read", "nlmsg_write"]),
        (NetworkAccess.Netlink, "netlink_socket", SocketPermissions),
    ];

    public static void Add(NetworkPolicyIr network, SourceSpan fallback, CilRules sockets, CilRules ports, List<Diagnostic> diagnostics)
    {
        var summary = NetworkSummary.Of(network);
        var allowed = summary.Unrestricted ? Classes.Aggregate(NetworkAccess.None, (all, c) => all | c.Access)
            : summary.None ? NetworkAccess.Unix
            : summary.Allowed;
        foreach (var (access, @class, permissions) in Classes.Where(c => (allowed & c.Access) != 0))
        {
            sockets.Allow("process", @class, permissions);
        }
        WarnIpVersion(network, allowed, fallback, diagnostics);
        foreach (var protocol in new[] { PortProtocol.Tcp, PortProtocol.Udp })
        {
            if ((allowed & NetworkSummary.Access(protocol)) != 0)
            {
                AddPorts(protocol, network, ports, diagnostics);
            }
        }
    }

    private static void AddPorts(PortProtocol protocol, NetworkPolicyIr network, CilRules ports, List<Diagnostic> diagnostics)
    {
        var @class = protocol == PortProtocol.Tcp ? "tcp_socket" : "udp_socket";
        var binds = network.Binds.Where(p => p.Protocol == protocol).ToList();
        var connects = network.Connects.Where(p => p.Protocol == protocol).ToList();
        foreach (var type in binds.Count == 0 ? [AnyPort] : binds.SelectMany(p => SelinuxPortTypes.TypesOf(protocol, p.From, p.To)))
        {
            ports.Allow(type, @class, ["name_bind"]);
        }
        ports.Allow(AnyNode, @class, ["node_bind"]);
        if (protocol == PortProtocol.Udp)
        {
            if (connects.Count > 0)
            {
                diagnostics.Add(DiagnosticCatalog.SelinuxUdpConnectPort(connects[0].Span, "connect " + NetworkSummary.Describe(connects[0])));
            }
            return;
        }
        foreach (var type in connects.Count == 0 ? [AnyPort] : connects.SelectMany(p => SelinuxPortTypes.TypesOf(protocol, p.From, p.To)))
        {
            ports.Allow(type, @class, ["name_connect"]);
        }
    }

    /// <summary>tcp_socket and udp_socket serve IPv4 and IPv6 alike, so a policy that allows one version only gets both.</summary>
    private static void WarnIpVersion(NetworkPolicyIr network, NetworkAccess allowed, SourceSpan fallback, List<Diagnostic> diagnostics)
    {
        bool OneVersion(NetworkAccess v4, NetworkAccess v6) => (allowed & v4) != 0 != ((allowed & v6) != 0);
        if (!OneVersion(NetworkAccess.Inet4Stream, NetworkAccess.Inet6Stream) && !OneVersion(NetworkAccess.Inet4Dgram, NetworkAccess.Inet6Dgram))
        {
            return;
        }
        var rule = network.Families.FirstOrDefault(f => f.Family is NetworkFamily.Inet or NetworkFamily.Inet6);
        diagnostics.Add(DiagnosticCatalog.SelinuxIpVersion(rule?.Span ?? fallback, rule?.Family.Name() ?? "inet"));
    }
}
