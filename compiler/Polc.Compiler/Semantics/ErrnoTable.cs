using System.Collections.Frozen;
using Polc.Compiler.Semantics.Tables;

namespace Polc.Compiler.Semantics;

/// <summary>errno names 1..133 (and the aliases EWOULDBLOCK, EDEADLOCK, ENOTSUP).</summary>
public static class ErrnoTable
{
    private static readonly FrozenDictionary<string, int> ByName =
        ErrnoNames.All.ToFrozenDictionary(e => e.Name, e => e.Number, StringComparer.Ordinal);

    // The first name listed for a number is its primary name.
    private static readonly FrozenDictionary<int, string> ByNumber =
        ErrnoNames.All.GroupBy(e => e.Number).ToFrozenDictionary(g => g.Key, g => g.First().Name);

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryGet(string name, out int number) => ByName.TryGetValue(name, out number);

    /// <summary>The name of an errno number, or the number itself when it has none.</summary>
    public static string NameOf(int number) => ByNumber.TryGetValue(number, out var name) ? name : number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
