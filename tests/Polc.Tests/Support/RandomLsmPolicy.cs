using System.Text;
using Polc.Compiler.Semantics;

namespace Polc.Tests.Support;

/// <summary>
/// Random but valid policy sources for property tests of the backends: odd characters in paths (quotes,
/// backslashes, spaces, tabs, newlines, control characters, glob characters of other languages, non-ASCII),
/// globs and alternatives, capabilities, network families and ports, labels. Seeded, so a failure names its seed.
/// </summary>
public sealed class RandomLsmPolicy(int seed)
{
    private static readonly string[] OddCharacters =
    [
        " ", "\"", "\\", "?", "[", "]", "@", "#", ",", "^", "$", "(", ")", "|", "+", ".", "'", "!", "%", "&", "=",
        "<", ">", ";", ":", "~", "-", "_", "\t", "\n", "\u0001", "\u007f", "é", "日", "😀",
    ];

    private static readonly string[] Families = ["tcp", "udp", "unix", "raw", "packet", "netlink", "inet", "inet6"];

    private static readonly string[] TakenSelinuxTypes = ["container_t", "http_port_t", "etc_t", "container_file_t", "port_type"];

    private readonly Random _random = new(seed);

    public int Seed => seed;

    public string Source()
    {
        var name = Identifier();
        var body = new StringBuilder();
        if (Chance(0.8))
        {
            body.Append("    capabilities {\n");
            if (Chance(0.15))
            {
                body.Append("        allow all\n");
            }
            var allowed = Pick(CapabilityTable.All, _random.Next(0, 8)).Select(c => c.ShortName).ToList();
            if (allowed.Count > 0)
            {
                body.Append($"        allow {string.Join(", ", allowed)}\n");
                if (Chance(0.3))
                {
                    body.Append($"        ambient {allowed[0]}\n");
                }
            }
            var droppable = CapabilityTable.All.Select(c => c.ShortName).Except(allowed).ToList();
            if (Chance(0.3))
            {
                body.Append($"        drop {droppable[_random.Next(droppable.Count)]}\n");
            }
            body.Append("    }\n");
        }
        if (Chance(0.9))
        {
            body.Append("    filesystem {\n");
            foreach (var statement in new[] { "read", "write", "exec", "deny", "mask" })
            {
                if (Chance(0.6))
                {
                    var patterns = Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Quote(Pattern()));
                    body.Append($"        {statement} {string.Join(", ", patterns)}\n");
                }
            }
            if (Chance(0.4))
            {
                body.Append($"        tmpfs {Quote(LiteralPath())} size 16MiB\n");
            }
            if (Chance(0.4))
            {
                body.Append($"        bind {Quote(HostPath())} to {Quote(LiteralPath())}{(Chance(0.5) ? " readonly" : "")}\n");
            }
            if (Chance(0.2))
            {
                body.Append("        readonly root\n");
            }
            body.Append("    }\n");
        }
        switch (_random.Next(3))
        {
            case 0:
                body.Append("    network none\n");
                break;
            case 1:
                body.Append("    network {\n");
                foreach (var verb in new[] { "allow", "deny" })
                {
                    if (Chance(0.6))
                    {
                        body.Append($"        {verb} {string.Join(", ", Pick(Families, _random.Next(1, 4)))}\n");
                    }
                }
                foreach (var verb in new[] { "bind", "connect" })
                {
                    if (Chance(0.5))
                    {
                        body.Append($"        {verb} {(Chance(0.7) ? "tcp" : "udp")} {string.Join(", ", Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Port()))}\n");
                    }
                }
                body.Append("    }\n");
                break;
        }
        if (Chance(0.3))
        {
            body.Append("    isolation {\n        namespaces user, pid, mount\n    }\n");
        }
        if (Chance(0.5))
        {
            body.Append($"    apparmor {Quote(AppArmorName())}\n");
        }
        if (Chance(0.5))
        {
            body.Append($"    selinux type {Quote(SelinuxType(name))}\n");
        }
        return $"policy {name} {{\n{body}}}\n";
    }

    /// <summary>A path pattern: segments of literal runs, `*`, `**` and `{...}` alternatives, never `//` or `***`.
    /// At most two globs and one `**` per pattern, as real policies have: apparmor_parser's automaton grows
    /// exponentially with many `**` across overlapping rules (a property of AppArmor, not of the translation).</summary>
    public string Pattern()
    {
        var builder = new StringBuilder();
        var globs = 0;
        var doubleStars = 0;
        var segments = _random.Next(1, 5);
        for (var s = 0; s < segments; s++)
        {
            builder.Append('/');
            var atoms = _random.Next(1, 4);
            for (var a = 0; a < atoms; a++)
            {
                var kind = _random.Next(5);
                if (kind <= 1 && (globs >= 2 || (kind == 1 && doubleStars >= 1)))
                {
                    kind = 3;
                }
                switch (kind)
                {
                    case 0:
                        AppendGlob(builder, "*");
                        globs++;
                        break;
                    case 1:
                        AppendGlob(builder, "**");
                        globs++;
                        doubleStars++;
                        break;
                    case 2:
                        var alternatives = Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Alternative(globs < 2)).ToList();
                        globs += alternatives.Any(t => t.Contains('*', StringComparison.Ordinal)) ? 1 : 0;
                        builder.Append('{').Append(string.Join(',', alternatives)).Append('}');
                        break;
                    default:
                        builder.Append(Literal(_random.Next(1, 6), allowComma: true));
                        break;
                }
            }
        }
        if (globs < 2 && Chance(0.25))
        {
            builder.Append(doubleStars == 0 && Chance(0.5) ? "/**" : "/*");
        }
        var pattern = builder.ToString().Replace("***", "*x*", StringComparison.Ordinal);
        return pattern.Replace("***", "*x*", StringComparison.Ordinal);
    }

    /// <summary>A literal absolute path, as mount points are (no glob characters).</summary>
    public string LiteralPath() =>
        string.Concat(Enumerable.Range(0, _random.Next(1, 4)).Select(_ => "/" + Literal(_random.Next(1, 6), allowComma: true).Replace("?", "q").Replace("[", "(").Replace("]", ")")));

    /// <summary>A bind source, often under a directory the SELinux table labels.</summary>
    private string HostPath()
    {
        string[] roots = ["/etc", "/srv", "/var/log", "/home/alice", "/usr/share", "/opt", "/data", "/tmp", "/run"];
        return Chance(0.7) ? roots[_random.Next(roots.Length)] + (Chance(0.5) ? "/app" : "") : LiteralPath();
    }

    private string Alternative(bool mayGlob)
    {
        var text = Chance(0.2) ? "" : Literal(_random.Next(1, 4), allowComma: false);
        return _random.Next(4) switch
        {
            0 when mayGlob => text + "*",
            1 => text + "/" + Literal(2, allowComma: false),
            _ => text,
        };
    }

    private void AppendGlob(StringBuilder builder, string glob)
    {
        if (builder.Length > 0 && builder[^1] == '*')
        {
            builder.Append(Literal(1, allowComma: false));
        }
        builder.Append(glob);
    }

    private string Literal(int length, bool allowComma)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            if (Chance(0.5))
            {
                builder.Append((char)('a' + _random.Next(26)));
                continue;
            }
            var odd = OddCharacters[_random.Next(OddCharacters.Length)];
            builder.Append(odd == "," && !allowComma ? "c" : odd);
        }
        return builder.ToString();
    }

    private string Identifier()
    {
        const string first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
        const string rest = "abcdefghijklmnopqrstuvwxyz0123456789_.-";
        if (Chance(0.05))
        {
            return "container";
        }
        return first[_random.Next(first.Length)] + new string(Enumerable.Range(0, _random.Next(0, 10)).Select(_ => rest[_random.Next(rest.Length)]).ToArray());
    }

    private string AppArmorName()
    {
        const string characters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./";
        return new string(Enumerable.Range(0, _random.Next(1, 16)).Select(_ => characters[_random.Next(characters.Length)]).ToArray());
    }

    private string SelinuxType(string policyName) => _random.Next(6) switch
    {
        0 => TakenSelinuxTypes[_random.Next(TakenSelinuxTypes.Length)],
        1 => policyName.Replace('.', '_') + ".process",
        _ => new string(Enumerable.Range(0, _random.Next(1, 16)).Select(_ => "abcdefghijklmnopqrstuvwxyz0123456789_-."[_random.Next(39)]).ToArray()),
    };

    private string Port()
    {
        int[] known = [22, 53, 80, 123, 443, 514, 3306, 5432, 6379, 8080, 11211, 27017];
        var port = Chance(0.5) ? known[_random.Next(known.Length)] : _random.Next(1, 65536);
        return Chance(0.2) && port < 65000 ? $"{port}-{port + _random.Next(0, 300)}" : port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private bool Chance(double probability) => _random.NextDouble() < probability;

    private List<T> Pick<T>(IReadOnlyList<T> items, int count) =>
        items.OrderBy(_ => _random.Next()).Take(count).ToList();

    /// <summary>A polc string literal for <paramref name="text"/>.</summary>
    public static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\t", "\\t") + "\"";
}
