using System.Globalization;
using System.Text;

namespace Polc.Tests.Seccomp.Support;

/// <summary>Random syscall policies as text, plus the constants they compare against (so argument
/// vectors can be aimed at the edges). Seeded, so a failure names a reproducible policy.</summary>
/// <param name="pool">the syscalls rules name; default <see cref="Pool"/>.</param>
/// <param name="actions">the actions rules and the default take; default <see cref="AllActions"/>.</param>
public sealed class RandomSyscallPolicy(int seed, string[]? pool = null, string[]? actions = null)
{
    /// <summary>Syscalls present on every architecture polc knows, so multi-arch policies stay meaningful.</summary>
    public static readonly string[] Pool = ["read", "write", "close", "openat", "mmap", "ioctl", "futex", "prctl", "getpid", "getppid", "socket", "clone"];

    public static readonly string[] AllActions = ["allow", "deny", "errno 5", "errno EACCES", "kill", "kill-thread", "trap", "trace 9", "notify", "log"];

    private readonly string[] _pool = pool ?? Pool;
    private readonly string[] _actions = actions ?? AllActions;

    private static readonly string[] Comparisons = ["==", "!=", "<", "<=", ">", ">="];

    private readonly Random _random = new(seed);

    public List<ulong> Constants { get; } = [];

    /// <summary>A policy whose conditions take any shape: `&amp;&amp;`, `||`, `!`, `in`, `not in`, masks, nested.</summary>
    public string Any(string arches = "x86_64")
    {
        var text = new StringBuilder();
        text.Append("policy random {\n  syscalls {\n");
        text.Append($"    default {_actions[_random.Next(_actions.Length)].Replace("deny", "errno 1", StringComparison.Ordinal)}\n");
        text.Append($"    arch {arches}\n");
        var rules = _random.Next(1, 11);
        for (var r = 0; r < rules; r++)
        {
            var syscalls = _pool.OrderBy(_ => _random.Next()).Take(_random.Next(1, 4));
            text.Append($"    {_actions[_random.Next(_actions.Length)]} {string.Join(", ", syscalls)}");
            if (_random.Next(4) > 0)
            {
                text.Append(" if ").Append(Condition(_random.Next(0, 4)));
            }
            text.Append('\n');
        }
        text.Append("  }\n}\n");
        return text.ToString();
    }

    /// <summary>A policy libseccomp can express with the same meaning: each syscall has either one unconditional
    /// rule or only conditional ones; a condition is a conjunction of comparisons on distinct arguments (masks
    /// only with `==`, and only values inside the mask); and the conditional rules of different actions are disjoint, because each includes
    /// `argD == C` with the discriminating argument D fixed per policy and C fixed per action. Then first
    /// match (polc) and libseccomp's any-match-by-action agree.</summary>
    public string Expressible(string arch = "x86_64")
    {
        var text = new StringBuilder();
        text.Append("policy random {\n  syscalls {\n");
        text.Append($"    default {_actions[_random.Next(_actions.Length)].Replace("deny", "errno 1", StringComparison.Ordinal)}\n");
        text.Append($"    arch {arch}\n");
        var shuffled = _pool.OrderBy(_ => _random.Next()).ToList();
        var split = _random.Next(shuffled.Count + 1);
        var unconditional = shuffled.Take(split).ToList();
        var conditional = shuffled.Skip(split).ToList();
        while (unconditional.Count > 0)
        {
            var take = Math.Min(unconditional.Count, _random.Next(1, 4));
            text.Append($"    {_actions[_random.Next(_actions.Length)]} {string.Join(", ", unconditional.Take(take))}\n");
            unconditional.RemoveRange(0, take);
        }
        var discriminator = _random.Next(6);
        var tags = new Dictionary<string, ulong>();
        for (var r = conditional.Count == 0 ? 0 : _random.Next(1, 8); r > 0; r--)
        {
            var action = _actions[_random.Next(_actions.Length)];
            if (!tags.TryGetValue(action, out var tag))
            {
                tag = (ulong)tags.Count * 0x1_0000_0001 + 1;
                tags[action] = tag;
                Constants.Add(tag);
            }
            var parts = new List<string> { $"arg{discriminator} == {Hex(tag)}" };
            foreach (var arg in Enumerable.Range(0, 6).Where(a => a != discriminator).OrderBy(_ => _random.Next()).Take(_random.Next(0, 3)))
            {
                if (_random.Next(4) == 0)
                {
                    // libseccomp compares (arg & mask) with (value & mask), not with value as documented and as
                    // polc does, so a value with bits outside the mask (never equal in polc) is left out.
                    var mask = Mask();
                    parts.Add($"arg{arg} & {Hex(mask)} == {Hex(Value() & mask)}");
                }
                else
                {
                    parts.Add(Comparison(arg, masked: false));
                }
            }
            var syscalls = conditional.OrderBy(_ => _random.Next()).Take(_random.Next(1, 4));
            text.Append($"    {action} {string.Join(", ", syscalls)} if {string.Join(" && ", parts.OrderBy(_ => _random.Next()))}\n");
        }
        text.Append("  }\n}\n");
        return text.ToString();
    }

    public string Condition(int depth)
    {
        if (depth == 0)
        {
            return Comparison(_random.Next(6));
        }
        return _random.Next(5) switch
        {
            0 => $"({Condition(depth - 1)} && {Condition(depth - 1)})",
            1 => $"({Condition(depth - 1)} || {Condition(depth - 1)})",
            2 => $"!({Condition(depth - 1)})",
            3 => $"arg{_random.Next(6)} {(_random.Next(2) == 0 ? "in" : "not in")} [{string.Join(", ", Enumerable.Range(0, _random.Next(1, _random.Next(2) == 0 ? 5 : 12)).Select(_ => Hex(Value())))}]",
            _ => Comparison(_random.Next(6)),
        };
    }

    /// <summary>`argN [&amp; MASK] OP VALUE`, the mask one time in three when <paramref name="masked"/>.</summary>
    public string Comparison(int arg, bool masked = true)
    {
        var left = $"arg{arg}";
        if (masked && _random.Next(3) == 0)
        {
            left += " & " + Hex(Mask());
        }
        return $"{left} {Comparisons[_random.Next(Comparisons.Length)]} {Hex(Value())}";
    }

    public ulong Value()
    {
        var value = _random.Next(8) switch
        {
            0 => 0UL,
            1 => (ulong)_random.Next(0, 64),
            2 => 0xffff_ffffUL - (ulong)_random.Next(0, 3),
            3 => 0x1_0000_0000UL + (ulong)_random.Next(0, 3),
            4 => ulong.MaxValue - (ulong)_random.Next(0, 3),
            5 => (ulong)_random.NextInt64() & 0xffff_ffff,
            6 => ((ulong)(uint)_random.Next(0, 4) << 32) | (uint)_random.Next(0, 4),
            _ => ((ulong)_random.NextInt64() << 1) + (uint)_random.Next(2),
        };
        Constants.Add(value);
        return value;
    }

    public ulong Mask()
    {
        var mask = _random.Next(5) switch
        {
            0 => 1UL << _random.Next(64),
            1 => 0xffUL << (8 * _random.Next(8)),
            2 => 0xffff_ffff_0000_0000UL,
            3 => (ulong)_random.NextInt64(),
            _ => (ulong)_random.Next(1, 256),
        };
        Constants.Add(mask);
        return mask;
    }

    /// <summary>Argument vectors: zeros, each constant (and its neighbours) in each position, and mixtures.</summary>
    public List<ulong[]> ArgumentVectors(int mixtures)
    {
        var values = Constants.SelectMany(c => new[] { c, c - 1, c + 1, c ^ 0x1_0000_0000, c & 0xffff_ffff, c | 0xffff_ffff_0000_0000 }).Append(0UL).Distinct().ToList();
        var vectors = new List<ulong[]> { new ulong[6] };
        foreach (var value in values)
        {
            var arg = _random.Next(6);
            var vector = new ulong[6];
            vector[arg] = value;
            vectors.Add(vector);
        }
        for (var i = 0; i < mixtures; i++)
        {
            vectors.Add(Enumerable.Range(0, 6).Select(_ => _random.Next(4) == 0 ? (ulong)_random.NextInt64() : values[_random.Next(values.Count)]).ToArray());
        }
        return vectors;
    }

    public static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
