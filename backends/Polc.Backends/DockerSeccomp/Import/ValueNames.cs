using System.Globalization;
using Polc.Compiler.Semantics;

namespace Polc.Backends.DockerSeccomp.Import;

/// <summary>Named constants for the arguments whose numbers mean something to a reader (`socket`'s family,
/// `clone`'s namespace flags, `personality`'s personas), so an imported condition reads `arg0 not in
/// [AF_ALG, AF_VSOCK]` rather than `arg0 not in [38, 40]`. Names are only used where they are unambiguous.</summary>
public static class ValueNames
{
    private static readonly Dictionary<(string Syscall, int Arg), string[]> Prefixes = new()
    {
        [("socket", 0)] = ["AF_"],
        [("socketpair", 0)] = ["AF_"],
        [("socket", 1)] = ["SOCK_"],
        [("socket", 2)] = ["NETLINK_"],
        [("clone", 0)] = ["CLONE_"],
        [("clone", 1)] = ["CLONE_"],
        [("unshare", 0)] = ["CLONE_"],
        [("setns", 1)] = ["CLONE_"],
        [("personality", 0)] = ["PER_", "UNAME26", "ADDR_", "READ_IMPLIES_EXEC", "MMAP_PAGE_ZERO", "STICKY_TIMEOUTS", "WHOLE_SECONDS", "SHORT_INODE", "FDPIC_FUNCPTRS"],
    };

    /// <summary>Aliases left out so a value has one name.</summary>
    private static readonly HashSet<string> Aliases = ["AF_LOCAL", "AF_FILE", "AF_ROUTE", "NETLINK_FIREWALL", "PER_MASK", "SOCK_NONBLOCK", "SOCK_CLOEXEC"];

    /// <summary>A value as a constant, or `A | B` for flag sets (clone flags, personality bits), or a number.</summary>
    public static string Render(string syscall, int arg, ulong value)
    {
        if (!Prefixes.TryGetValue((syscall, arg), out var prefixes))
        {
            return Number(value);
        }
        var candidates = ConstantTable.Names
            .Where(n => prefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)) && !Aliases.Contains(n))
            .Select(n => (Name: n, Value: ConstantTable.TryGet(n, out var v) ? v : 0))
            .ToList();
        var exact = candidates.Where(c => c.Value == value).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        if (exact.Count == 1)
        {
            return exact[0];
        }
        if (exact.Count > 1 || value == 0 || value == 0xFFFF_FFFF)
        {
            return Number(value);
        }
        // A flag set: distinct single-bit constants whose union is the value, each bit named once.
        var bits = candidates.Where(c => c.Value != 0 && (c.Value & (c.Value - 1)) == 0 && (value & c.Value) == c.Value)
            .GroupBy(c => c.Value)
            .Where(g => g.Count() == 1)
            .Select(g => g.Single())
            .OrderByDescending(c => c.Value)
            .ToList();
        var covered = bits.Aggregate(0UL, (m, c) => m | c.Value);
        if (covered == value && bits.Count > 1)
        {
            return string.Join(" | ", bits.Select(b => b.Name));
        }
        // A persona with flags: the persona (low byte) plus named flag bits.
        var persona = candidates.Where(c => c.Value == (value & 0xFF) && c.Name.StartsWith("PER_", StringComparison.Ordinal)).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        var flags = bits.Where(b => b.Value > 0xFF).ToList();
        if (persona.Count == 1 && flags.Aggregate(value & 0xFF, (m, c) => m | c.Value) == value && flags.Count > 0)
        {
            return string.Join(" | ", flags.Select(f => f.Name).Append(persona[0]));
        }
        return Number(value);
    }

    public static string Number(ulong value) =>
        value < 10 ? value.ToString(CultureInfo.InvariantCulture) : "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
