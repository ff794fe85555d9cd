using System.Collections.Immutable;
using Polc.Compiler.Text;

namespace Polc.Compiler.Ir;

/// <param name="None">`network none`: an empty network namespace and no inet sockets.</param>
/// <param name="Effective">what the program may open: every allowed family minus every denied one (deny wins whatever the order).</param>
public sealed record NetworkPolicyIr(
    Setting<bool>? None,
    ImmutableArray<NetworkFamilyRuleIr> Families,
    ImmutableArray<PortRuleIr> Binds,
    ImmutableArray<PortRuleIr> Connects,
    NetworkAccess Effective)
{
    public bool IsNone => None?.Value ?? false;

    public bool Allows(NetworkAccess access) => (Effective & access) == access;
}

/// <summary>Families as the language names them.</summary>
public enum NetworkFamily
{
    Tcp,
    Udp,
    Unix,
    Raw,
    Packet,
    Netlink,
    Inet,
    Inet6,
}

/// <summary>The socket kinds a family name stands for, as (domain, type) pairs.</summary>
[Flags]
public enum NetworkAccess
{
    None = 0,
    Inet4Stream = 1 << 0,
    Inet4Dgram = 1 << 1,
    Inet6Stream = 1 << 2,
    Inet6Dgram = 1 << 3,
    InetRaw = 1 << 4,
    Inet6Raw = 1 << 5,
    Unix = 1 << 6,
    Packet = 1 << 7,
    Netlink = 1 << 8,
}

public static class NetworkFamilies
{
    /// <summary>tcp and udp span IPv4 and IPv6; inet and inet6 span stream and datagram; raw spans both IP versions.</summary>
    public static NetworkAccess Access(this NetworkFamily family) => family switch
    {
        NetworkFamily.Tcp => NetworkAccess.Inet4Stream | NetworkAccess.Inet6Stream,
        NetworkFamily.Udp => NetworkAccess.Inet4Dgram | NetworkAccess.Inet6Dgram,
        NetworkFamily.Inet => NetworkAccess.Inet4Stream | NetworkAccess.Inet4Dgram,
        NetworkFamily.Inet6 => NetworkAccess.Inet6Stream | NetworkAccess.Inet6Dgram,
        NetworkFamily.Raw => NetworkAccess.InetRaw | NetworkAccess.Inet6Raw,
        NetworkFamily.Unix => NetworkAccess.Unix,
        NetworkFamily.Packet => NetworkAccess.Packet,
        NetworkFamily.Netlink => NetworkAccess.Netlink,
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    public static string Name(this NetworkFamily family) => family.ToString().ToLowerInvariant();
}

public sealed record NetworkFamilyRuleIr(bool Allow, NetworkFamily Family, SourceSpan Span, string Origin);

public enum PortProtocol
{
    Tcp,
    Udp,
}

/// <summary>A port or an inclusive port range.</summary>
public sealed record PortRuleIr(PortProtocol Protocol, ushort From, ushort To, SourceSpan Span);
