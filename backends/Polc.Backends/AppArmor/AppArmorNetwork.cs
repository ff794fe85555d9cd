using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Backends.AppArmor;

/// <summary>
/// `network` rules. No network statement at all leaves the network alone (`network,` as in docker-default);
/// `network none` keeps local (unix) sockets and denies inet and inet6; otherwise the profile allows exactly
/// the socket kinds the policy allows, plus the kinds its port rules need, and writes each denied family as a deny rule.
/// </summary>
internal static class AppArmorNetwork
{
    private static readonly (NetworkAccess Access, string Rule)[] Kinds =
    [
        (NetworkAccess.Inet4Stream, "inet stream"),
        (NetworkAccess.Inet4Dgram, "inet dgram"),
        (NetworkAccess.InetRaw, "inet raw"),
        (NetworkAccess.Inet6Stream, "inet6 stream"),
        (NetworkAccess.Inet6Dgram, "inet6 dgram"),
        (NetworkAccess.Inet6Raw, "inet6 raw"),
        (NetworkAccess.Unix, "unix"),
        (NetworkAccess.Packet, "packet"),
        (NetworkAccess.Netlink, "netlink"),
    ];

    public static IEnumerable<string> Rules(NetworkPolicyIr network, List<Diagnostic> diagnostics)
    {
        var summary = NetworkSummary.Of(network);
        if (summary.None)
        {
            return ["# network none: local (unix) sockets only", "network unix,", "deny network inet,", "deny network inet6,"];
        }
        if (summary.Unrestricted)
        {
            return ["# the policy does not restrict the network", "network,"];
        }
        if (summary.Ports.Count > 0)
        {
            var first = summary.Ports[0];
            var verb = network.Binds.Contains(first) ? "bind" : "connect";
            var protocols = string.Join(" and ", summary.Ports.Select(p => p.Protocol.ToString().ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal));
            diagnostics.Add(DiagnosticCatalog.AppArmorPortsNotEnforced(first.Span, $"{verb} {NetworkSummary.Describe(first)}", protocols));
        }
        var rules = new List<string> { "# the socket kinds the policy allows (ports included), then the families it denies" };
        rules.AddRange(Kinds.Where(k => summary.Allowed.HasFlag(k.Access)).Select(k => $"network {k.Rule},"));
        rules.AddRange(Kinds.Where(k => summary.Denied.HasFlag(k.Access)).Select(k => $"deny network {k.Rule},"));
        return rules.Count == 1 ? ["# the policy allows no socket family"] : rules;
    }
}
