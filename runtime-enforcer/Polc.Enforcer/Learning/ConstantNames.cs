using System.Globalization;
using Polc.Compiler.Semantics;

namespace Polc.Enforcer.Learning;

/// <summary>Values back to the names a policy author would write (`AF_UNIX`, `TCGETS`, `CLONE_NEWNS | CLONE_NEWPID`),
/// from the compiler's own constant table, so that the policy binds them back to the same numbers.</summary>
public static class ConstantNames
{
    /// <summary>Aliases that name the same value as a better-known constant.</summary>
    private static readonly HashSet<string> Aliases = new(StringComparer.Ordinal)
    {
        "AF_LOCAL", "AF_FILE", "AF_ROUTE", "TIOCINQ", "TCGETA", "CSIGNAL", "PER_LINUX32", "PER_LINUX_32BIT",
    };

    private static readonly Lazy<ILookup<ulong, string>> ByValue = new(() =>
        ConstantTable.Names
            .Where(n => !Aliases.Contains(n))
            .Select(n => (Name: n, Value: ConstantTable.TryGet(n, out var v) ? v : 0))
            .ToLookup(e => e.Value, e => e.Name));

    /// <summary>The name of <paramref name="value"/> among constants with one of the prefixes (earlier prefixes
    /// preferred, then the shortest name), else the number.</summary>
    public static string Name(ulong value, IReadOnlyList<string> prefixes)
    {
        for (var i = 0; i < prefixes.Count; i++)
        {
            var match = ByValue.Value[value]
                .Where(n => n.StartsWith(prefixes[i], StringComparison.Ordinal))
                .OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal)
                .FirstOrDefault();
            if (match is not null)
            {
                return match;
            }
        }
        return Number(value);
    }

    /// <summary>A flag set as `A | B | 0x40`: named single bits, the rest as a number.</summary>
    public static string Flags(ulong value, IReadOnlyList<string> prefixes)
    {
        if (value == 0)
        {
            return "0";
        }
        var parts = new List<string>();
        var rest = value;
        for (var bit = 0; bit < 64; bit++)
        {
            var mask = 1UL << bit;
            if ((value & mask) == 0)
            {
                continue;
            }
            var name = Name(mask, prefixes);
            if (name != Number(mask))
            {
                parts.Add(name);
                rest &= ~mask;
            }
        }
        if (rest != 0)
        {
            parts.Add(Number(rest));
        }
        return string.Join(" | ", parts);
    }

    public static string Number(ulong value) => value < 10 ? value.ToString(CultureInfo.InvariantCulture) : $"0x{value:x}";
}
