using System.Globalization;
using System.Text;
using Polc.Compiler.Ir;

namespace Polc.Tests.DockerSeccomp;

/// <summary>Random syscall sections: ordered rules with random actions and conditions of every shape
/// (`&amp;&amp;`, `||`, `!`, `in`, `not in`, masks, all six comparisons, 64-bit values), and argument
/// vectors that probe each condition at and around its edges.</summary>
public sealed class RandomPolicies(int seed, bool smallValues = false)
{
    /// <summary>Syscalls rules pick from; the last four are missing on some architectures (pseudo-syscalls to libseccomp there).</summary>
    public static readonly string[] Syscalls = ["read", "write", "socket", "clone", "personality", "mmap", "ioctl", "openat", "futex", "prctl", "open", "fork", "mmap2", "arch_prctl"];

    private static readonly ulong[] Values =
    [
        0, 1, 2, 3, 5, 8, 16, 38, 40, 0x7f, 0x80, 0xff, 0x100, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff,
        0x1_0000_0000, 0x1_0000_0005, 0x8000_0000_0000_0000, 0xffff_ffff_ffff_fffe, 0xffff_ffff_ffff_ffff,
    ];

    private static readonly ulong[] Masks =
    [
        0x1, 0x3, 0x8, 0xf0, 0xff, 0x7e02_0000, 0xffff_ffff, 0xffff_ffff_0000_0000, 0x8000_0000_0000_0001, 0x10_0000_0000,
    ];

    private static readonly string[] Actions = ["allow", "deny", "errno EACCES", "errno ENOSYS", "errno 4094", "kill", "kill-thread", "trap", "trace 7", "log"];

    private static readonly string[] Defaults = ["", "default errno EPERM", "default allow", "default kill", "default errno ENOSYS", "default log", "default trap"];

    private readonly Random _random = new(seed);

    public string Policy(string arch = "x86_64", int maxRules = 8)
    {
        var text = new StringBuilder($"policy random{seed} {{\n    syscalls {{\n");
        var fallback = Defaults[_random.Next(Defaults.Length)];
        if (fallback.Length > 0)
        {
            text.Append("        ").Append(fallback).Append('\n');
        }
        text.Append($"        arch {arch}\n");
        var rules = _random.Next(1, maxRules + 1);
        for (var i = 0; i < rules; i++)
        {
            var names = Enumerable.Range(0, _random.Next(1, 3)).Select(_ => Syscalls[_random.Next(4 + i % (Syscalls.Length - 3))]).Distinct();
            text.Append("        ").Append(Actions[_random.Next(Actions.Length)]).Append(' ').Append(string.Join(", ", names));
            if (_random.Next(5) > 0)
            {
                text.Append(" if ").Append(Condition(_random.Next(1, 4)));
            }
            text.Append('\n');
        }
        return text.Append("    }\n}\n").ToString();
    }

    private string Condition(int depth)
    {
        if (depth <= 1 || _random.Next(3) == 0)
        {
            return Comparison();
        }
        return _random.Next(4) switch
        {
            0 => $"{Condition(depth - 1)} && {Condition(depth - 1)}",
            1 => $"({Condition(depth - 1)} || {Condition(depth - 1)})",
            2 => $"!({Condition(depth - 1)})",
            _ => $"{Condition(depth - 1)} && ({Condition(depth - 1)} || {Condition(depth - 1)})",
        };
    }

    private string Comparison()
    {
        var arg = $"arg{_random.Next(_random.Next(2) == 0 ? 2 : 4)}";
        var mask = Masks[_random.Next(Masks.Length)] & (smallValues ? 0xFFFF_FFFF : ulong.MaxValue);
        var left = _random.Next(4) == 0 && mask != 0 ? $"{arg} & {Hex(mask)}" : arg;
        switch (_random.Next(8))
        {
            case 0:
                return $"{left} in [{string.Join(", ", Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Hex(Value())))}]";
            case 1:
                return $"{left} not in [{string.Join(", ", Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Hex(Value())))}]";
            default:
                var op = new[] { "==", "!=", "<", "<=", ">", ">=" }[_random.Next(6)];
                return $"{left} {op} {Hex(Value())}";
        }
    }

    private ulong Value()
    {
        var value = _random.Next(6) == 0 ? (ulong)_random.NextInt64() : Values[_random.Next(Values.Length)];
        return smallValues ? value & 0xFFFF_FFFF : value;
    }

    /// <summary>Argument vectors: every value the conditions mention, its neighbours, masked variants and random noise
    /// (below 2^32 with <c>smallValues</c>, as the kernel passes them to 32-bit ABIs).</summary>
    public List<ulong[]> ArgumentVectors(SyscallPolicyIr syscalls, int count)
    {
        var interesting = new HashSet<ulong>(Values);
        foreach (var compare in syscalls.Rules.Where(r => r.Condition is not null).SelectMany(r => Compares(r.Condition!)))
        {
            foreach (var v in new[] { compare.Value, compare.Value + 1, compare.Value - 1, compare.Value | ~compare.Mask, compare.Value ^ compare.Mask, compare.Mask })
            {
                interesting.Add(v);
            }
        }
        var pool = interesting.Order().ToArray();
        var vectors = new List<ulong[]> { new ulong[6] };
        for (var i = 0; i < count; i++)
        {
            var vector = Enumerable.Range(0, 6).Select(_ => _random.Next(8) == 0 ? (ulong)_random.NextInt64() : pool[_random.Next(pool.Length)]);
            vectors.Add(smallValues ? vector.Select(v => v & 0xFFFF_FFFF).ToArray() : vector.ToArray());
        }
        return vectors;
    }

    private static IEnumerable<CompareConditionIr> Compares(ConditionIr condition) => condition switch
    {
        CompareConditionIr c => [c],
        AndConditionIr a => a.Operands.SelectMany(Compares),
        OrConditionIr o => o.Operands.SelectMany(Compares),
        NotConditionIr n => Compares(n.Operand),
        _ => [],
    };

    private static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
