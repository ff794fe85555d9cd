using System.Collections.Frozen;
using Polc.Compiler.Semantics.Tables;

namespace Polc.Compiler.Semantics;

/// <summary>Named constants usable in conditions (AF_*, CLONE_*, O_*, ...; values as on x86_64).</summary>
public static class ConstantTable
{
    private static readonly FrozenDictionary<string, ulong> Values =
        NamedConstants.All.ToFrozenDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);

    public static IEnumerable<string> Names => Values.Keys;

    public static bool TryGet(string name, out ulong value) => Values.TryGetValue(name, out value);
}
