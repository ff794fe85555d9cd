using System.Collections.Frozen;
using Polc.Compiler.Semantics.Tables;

namespace Polc.Compiler.Semantics;

/// <summary>A Linux capability. <see cref="Name"/> is the canonical `CAP_` form.</summary>
public readonly record struct Capability(int Number, string Name) : IComparable<Capability>
{
    /// <summary>The name without `CAP_`, lowercase, as Docker's --cap-add and OCI tools print it in lowercase contexts.</summary>
    public string ShortName => Name[4..];

    public int CompareTo(Capability other) => Number.CompareTo(other.Number);

    public override string ToString() => Name;
}

public static class CapabilityTable
{
    private static readonly Capability[] AllCapabilities =
        CapabilityNames.All.OrderBy(e => e.Number).Select(e => new Capability(e.Number, "CAP_" + e.Name)).ToArray();

    private static readonly FrozenDictionary<string, Capability> ByName =
        AllCapabilities.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);

    public static IReadOnlyList<Capability> All => AllCapabilities;

    /// <summary>Accepts `NET_ADMIN`, `CAP_NET_ADMIN`, and either in lowercase.</summary>
    public static bool TryParse(string text, out Capability capability)
    {
        var upper = text.ToUpperInvariant();
        return ByName.TryGetValue(upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper, out capability);
    }

    public static Capability FromNumber(int number) => AllCapabilities[number];

    /// <summary>Names without prefix, for suggestions.</summary>
    public static IEnumerable<string> ShortNames => AllCapabilities.Select(c => c.ShortName);
}
