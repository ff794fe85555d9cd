using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Backends.Capabilities;

/// <summary>The five capability sets of one process, as masks (bit N = capability N).</summary>
public sealed record CapabilityState(ulong Inheritable, ulong Permitted, ulong Effective, ulong Bounding, ulong Ambient)
{
    /// <summary>What the launcher installs before execve (capset, PR_CAPBSET_DROP, PR_CAP_AMBIENT_RAISE),
    /// the same as OCI `process.capabilities`: bounding = permitted = effective = allowed, inheritable = ambient = ambient.</summary>
    public static CapabilityState Configured(CapabilityPolicyIr capabilities) => new(
        Inheritable: capabilities.AmbientMask,
        Permitted: capabilities.AllowedMask,
        Effective: capabilities.AllowedMask,
        Bounding: capabilities.AllowedMask,
        Ambient: capabilities.AmbientMask);

    /// <summary>
    /// The sets after execve of a program with no file capabilities and no set-user-ID bit (capabilities(7),
    /// "Transformation of capabilities during execve"). Uid 0 (in its user namespace) gets P' = bounding | inheritable | ambient
    /// and E' = P'; any other uid keeps only its ambient set: P' = E' = ambient. Bounding, inheritable and ambient carry over.
    /// With no_new_privs a gain is capped by the old permitted set (which changes nothing for <see cref="Configured"/>
    /// sets, whose permitted set already equals the bounding set).
    /// </summary>
    public CapabilityState AfterExecve(bool root, bool noNewPrivileges)
    {
        var permitted = root ? Bounding | Inheritable | Ambient : Ambient;
        if (noNewPrivileges && (permitted & ~Permitted) != 0)
        {
            permitted &= Permitted;
        }
        return this with { Permitted = permitted, Effective = permitted };
    }

    /// <summary>A mask as /proc/PID/status prints it: 16 lowercase hex digits.</summary>
    public static string Hex(ulong mask) => mask.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyList<Capability> Names(ulong mask) =>
        CapabilityTable.All.Where(c => (mask & (1UL << c.Number)) != 0).ToList();

    /// <summary>The sets in /proc/PID/status order, with their field names.</summary>
    public IEnumerable<(string Field, ulong Mask)> StatusFields() =>
    [
        ("CapInh", Inheritable),
        ("CapPrm", Permitted),
        ("CapEff", Effective),
        ("CapBnd", Bounding),
        ("CapAmb", Ambient),
    ];
}
