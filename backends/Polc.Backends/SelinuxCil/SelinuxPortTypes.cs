using Polc.Compiler.Ir;

namespace Polc.Backends.SelinuxCil;

/// <summary>
/// Which SELinux type labels a port. udica asks the host (`semanage port -l`); polc compiles without a host,
/// so it carries the labels Fedora's and RHEL's policy give common services, and the range types for every other port.
/// A host whose policy labels a port differently denies the rule at run time (the module still loads).
/// </summary>
public static class SelinuxPortTypes
{
    private sealed record Entry(PortProtocol Protocol, string Type, ushort From, ushort To);

    private static readonly Entry[] Services =
    [
        Tcp("ssh_port_t", 22),
        Tcp("smtp_port_t", 25), Tcp("smtp_port_t", 465), Tcp("smtp_port_t", 587),
        Tcp("dns_port_t", 53), Tcp("dns_port_t", 853), Udp("dns_port_t", 53),
        Tcp("http_port_t", 80), Tcp("http_port_t", 81), Tcp("http_port_t", 443), Tcp("http_port_t", 488),
        Tcp("http_port_t", 8008), Tcp("http_port_t", 8009), Tcp("http_port_t", 8443), Tcp("http_port_t", 9000),
        Tcp("http_cache_port_t", 8080), Tcp("http_cache_port_t", 8118), Tcp("http_cache_port_t", 8123), Tcp("http_cache_port_t", 10001, 10010),
        Udp("ntp_port_t", 123),
        Tcp("ldap_port_t", 389), Tcp("ldap_port_t", 636), Tcp("ldap_port_t", 3268, 3269), Tcp("ldap_port_t", 7389),
        Udp("syslogd_port_t", 514),
        Tcp("mysqld_port_t", 1186), Tcp("mysqld_port_t", 3306), Tcp("mysqld_port_t", 63132, 63164),
        Tcp("postgresql_port_t", 5432), Tcp("postgresql_port_t", 9898),
        Tcp("amqp_port_t", 5671, 5672), Tcp("amqp_port_t", 15672),
        Tcp("redis_port_t", 6379), Tcp("redis_port_t", 16379), Tcp("redis_port_t", 26379),
        Tcp("memcache_port_t", 11211), Udp("memcache_port_t", 11211),
        Tcp("mongod_port_t", 27017, 27019), Tcp("mongod_port_t", 28017, 28019),
    ];

    /// <summary>The types of ports no service claims, as Fedora's policy lays them out (both protocols).</summary>
    private static readonly (string Type, ushort From, ushort To)[] Ranges =
    [
        ("reserved_port_t", 1, 511),
        ("hi_reserved_port_t", 512, 1023),
        ("unreserved_port_t", 1024, 32767),
        ("ephemeral_port_t", 32768, 60999),
        ("unreserved_port_t", 61000, 65535),
    ];

    /// <summary>Every port type this table can name, for the stand-in base policy and name checks.</summary>
    public static IEnumerable<string> AllTypes => Services.Select(s => s.Type).Concat(Ranges.Select(r => r.Type)).Distinct();

    /// <summary>The port contexts of the table, as `(protocol, from, to, type)`, services first.</summary>
    public static IEnumerable<(PortProtocol Protocol, ushort From, ushort To, string Type)> Contexts =>
        Services.Select(s => (s.Protocol, s.From, s.To, s.Type))
            .Concat(Ranges.SelectMany(r => new[] { (PortProtocol.Tcp, r.From, r.To, r.Type), (PortProtocol.Udp, r.From, r.To, r.Type) }));

    public static string TypeOf(PortProtocol protocol, ushort port) =>
        Services.FirstOrDefault(s => s.Protocol == protocol && port >= s.From && port <= s.To)?.Type
        ?? Ranges.First(r => port >= r.From && port <= r.To).Type;

    /// <summary>The types that together label every port of an inclusive range, in order of first port.</summary>
    public static IReadOnlyList<string> TypesOf(PortProtocol protocol, ushort from, ushort to)
    {
        var types = new List<string>();
        for (var port = (int)from; port <= to; port++)
        {
            var type = TypeOf(protocol, (ushort)port);
            if (!types.Contains(type))
            {
                types.Add(type);
            }
        }
        return types;
    }

    private static Entry Tcp(string type, ushort from, ushort? to = null) => new(PortProtocol.Tcp, type, from, to ?? from);

    private static Entry Udp(string type, ushort from, ushort? to = null) => new(PortProtocol.Udp, type, from, to ?? from);
}
