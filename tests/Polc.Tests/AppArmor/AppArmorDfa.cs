using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Polc.Tests.AppArmor;

/// <summary>
/// The file-rule automaton apparmor_parser builds, read from its `-D dfa-states` dump, so tests can ask what a
/// profile grants on a path as the kernel would look it up. The dump lists each state with its permissions
/// (`{N} perms: none` or `{N} perms:  (0x ALLOW/DENY/AUDIT/QUIET)`) and its transitions: one line per byte
/// (`a 0x61 -> {M}`, or `0x1 -> {M}` for a byte it does not print) and a character class for the other bytes
/// (`[^\x0/] -> {M}`). A byte follows its own line if there is one, else the first class that holds it, else no path matches.
/// </summary>
internal sealed partial class AppArmorDfa
{
    // Permission bits of the owner half of a file permission word (the other half is the same shifted by 14).
    public const uint Exec = 0x1;
    public const uint Write = 0x2;
    public const uint Read = 0x4;
    public const uint Append = 0x8;
    public const uint Link = 0x10;
    public const uint Lock = 0x20;
    public const uint Map = 0x40;

    private sealed class State
    {
        public uint Allow;
        public uint Deny;
        public readonly Dictionary<byte, int> Bytes = [];
        public readonly List<(bool Negated, HashSet<byte> Members, int Target)> Classes = [];
    }

    private readonly Dictionary<int, State> _states = [];

    [GeneratedRegex(@"^\{(\d+)\} (?:perms: )?(?:none|\s*\(0x ([0-9a-f]+)/([0-9a-f]+)/[0-9a-f]+/[0-9a-f]+\))")]
    private static partial Regex StateLine();

    [GeneratedRegex(@"^\s+(?:\S{1,2}\s+|\\\s+)?0x([0-9a-f]{1,2}) -> \{(\d+)\}")]
    private static partial Regex ByteLine();

    [GeneratedRegex(@"^\s+\[(\^?)(.*)\] -> \{(\d+)\}")]
    private static partial Regex ClassLine();

    public static AppArmorDfa Parse(string dump)
    {
        var dfa = new AppArmorDfa();
        State? current = null;
        foreach (var line in dump.Split('\n'))
        {
            if (StateLine().Match(line) is { Success: true } state)
            {
                current = dfa.StateOf(int.Parse(state.Groups[1].Value, CultureInfo.InvariantCulture));
                if (state.Groups[2].Success)
                {
                    current.Allow = uint.Parse(state.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    current.Deny = uint.Parse(state.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
            else if (current is not null && ByteLine().Match(line) is { Success: true } transition)
            {
                current.Bytes[byte.Parse(transition.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = int.Parse(transition.Groups[2].Value, CultureInfo.InvariantCulture);
            }
            else if (current is not null && ClassLine().Match(line) is { Success: true } chars)
            {
                current.Classes.Add((chars.Groups[1].Value == "^", ClassMembers(chars.Groups[2].Value), int.Parse(chars.Groups[3].Value, CultureInfo.InvariantCulture)));
            }
            else if (current is not null && line.StartsWith(' ') && line.Trim().Length > 0)
            {
                throw new FormatException($"unexpected line in the DFA dump: `{line}`");
            }
        }
        Assert.True(dfa._states.ContainsKey(1), "the dump holds no DFA (no state {1})");
        return dfa;
    }

    /// <summary>What the rules grant and deny on <paramref name="path"/> (owner bits); (0, 0) when no rule matches.</summary>
    public (uint Allow, uint Deny) Permissions(string path)
    {
        var state = 1;
        foreach (var b in Encoding.UTF8.GetBytes(path))
        {
            var here = StateOf(state);
            if (here.Bytes.TryGetValue(b, out var next))
            {
                state = next;
                continue;
            }
            // The default transition is printed as the bytes it excludes (`[^\x0/]`), or `[]` when it takes every byte.
            var match = here.Classes.FirstOrDefault(c => c.Members.Count == 0 || c.Members.Contains(b) != c.Negated);
            if (match.Members is null)
            {
                return (0, 0);
            }
            state = match.Target;
        }
        var final = StateOf(state);
        return (final.Allow & 0x3fff, final.Deny & 0x3fff);
    }

    /// <summary>Whether every bit of <paramref name="bits"/> is granted and none of them denied.</summary>
    public bool Allows(string path, uint bits)
    {
        var (allow, deny) = Permissions(path);
        return (allow & ~deny & bits) == bits;
    }

    public void AssertAllows(string path, uint bits, string? why = null) =>
        Assert.True(Allows(path, bits), $"`{path}` should be granted 0x{bits:x} but has {Describe(path)}{(why is null ? "" : ": " + why)}");

    public void AssertRefuses(string path, uint bits, string? why = null) =>
        Assert.True(Refuses(path, bits), $"`{path}` should be refused 0x{bits:x} but has {Describe(path)}{(why is null ? "" : ": " + why)}");

    private string Describe(string path)
    {
        var (allow, deny) = Permissions(path);
        return $"allow 0x{allow:x}, deny 0x{deny:x}";
    }

    /// <summary>Whether none of <paramref name="bits"/> is effectively granted.</summary>
    public bool Refuses(string path, uint bits)
    {
        var (allow, deny) = Permissions(path);
        return (allow & ~deny & bits) == 0;
    }

    private State StateOf(int id)
    {
        if (!_states.TryGetValue(id, out var state))
        {
            _states[id] = state = new State();
        }
        return state;
    }

    private static HashSet<byte> ClassMembers(string text)
    {
        var members = new HashSet<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == 'x')
            {
                var end = i + 2;
                while (end < text.Length && Uri.IsHexDigit(text[end]) && end < i + 4)
                {
                    end++;
                }
                members.Add(byte.Parse(text[(i + 2)..end], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i = end - 1;
            }
            else if (text[i] == '\\' && i + 1 < text.Length)
            {
                members.Add((byte)text[++i]);
            }
            else
            {
                members.Add((byte)text[i]);
            }
        }
        return members;
    }
}
