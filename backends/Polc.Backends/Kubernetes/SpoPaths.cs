namespace Polc.Backends.Kubernetes;

/// <summary>
/// Paths for the Security Profiles Operator's AppArmorProfile abstract. SPO pastes each path unquoted into an AppArmor
/// rule and refuses commas, so a polc pattern becomes several plain paths:
/// <list type="bullet">
/// <item>`{a,b}` alternatives are expanded;</item>
/// <item>a `*` or `**` that starts a segment and is not followed by `/` also matches nothing in polc, while AppArmor makes
/// it match at least one character (docs/apparmor.md), so the path without it is listed too (`/etc/nginx/**` gives
/// `/etc/nginx/` and `/etc/nginx/**`);</item>
/// <item>characters AppArmor would read as globs or that need quoting (`?`, `[`, space, `,`, ...) cannot be written:
/// such a pattern has no paths.</item>
/// </list>
/// </summary>
public static class SpoPaths
{
    /// <summary>More alternatives than this and the pattern is left out rather than listed path by path.</summary>
    public const int MaxPaths = 64;

    /// <summary>The plain paths that together match what <paramref name="pattern"/> matches, or null when they cannot be written.</summary>
    public static IReadOnlyList<string>? Expand(string pattern)
    {
        var paths = new List<string> { "" };
        var i = 0;
        while (i < pattern.Length)
        {
            var alternatives = new[] { pattern[i].ToString() };
            var next = i + 1;
            if (pattern[i] == '{')
            {
                var close = pattern.IndexOf('}', i);
                alternatives = pattern[(i + 1)..close].Split(',');
                next = close + 1;
            }
            paths = [.. paths.SelectMany(p => alternatives.Select(a => p + a)).Distinct(StringComparer.Ordinal)];
            if (paths.Count > MaxPaths)
            {
                return null;
            }
            i = next;
        }
        var result = paths.Select(CollapseSlashes).SelectMany(OptionalLeadingGlobs).Distinct(StringComparer.Ordinal).ToList();
        return result.Count <= MaxPaths && result.All(p => p.All(IsPlain)) ? result : null;
    }

    /// <summary>The characters SPO's path check admits that AppArmor also reads literally (or as `*`, `**`).</summary>
    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '.' or '*' or '+' or '@' or '-';

    private static string CollapseSlashes(string path)
    {
        while (path.Contains("//", StringComparison.Ordinal))
        {
            path = path.Replace("//", "/", StringComparison.Ordinal);
        }
        return path;
    }

    /// <summary>The path with each combination of its segment-starting globs that are not followed by `/` left out or kept.</summary>
    private static IEnumerable<string> OptionalLeadingGlobs(string path)
    {
        var optional = new List<(int Start, int End)>();
        for (var i = 1; i < path.Length; i++)
        {
            if (path[i] != '*')
            {
                continue;
            }
            var end = i + 1 < path.Length && path[i + 1] == '*' ? i + 2 : i + 1;
            if (path[i - 1] == '/' && (end == path.Length || path[end] != '/'))
            {
                optional.Add((i, end));
            }
            i = end - 1;
        }
        for (var combination = 0; combination < 1 << Math.Min(optional.Count, 7); combination++)
        {
            var text = path;
            for (var k = optional.Count - 1; k >= 0; k--)
            {
                if ((combination & (1 << k)) == 0)
                {
                    text = text[..optional[k].Start] + text[optional[k].End..];
                }
            }
            yield return text;
        }
    }

    /// <summary>Whether some path matches both plain paths (`*` within a segment, `**` across), each glob taken as
    /// matching zero or more characters: a product of the two patterns' automata, searched for a common end.</summary>
    public static bool Overlap(string a, string b)
    {
        var left = Tokens(a);
        var right = Tokens(b);
        var seen = new HashSet<(int, int)>();
        var queue = new Queue<(int, int)>([(0, 0)]);
        while (queue.TryDequeue(out var state))
        {
            if (!seen.Add(state))
            {
                continue;
            }
            var (i, j) = state;
            if (i == left.Count && j == right.Count)
            {
                return true;
            }
            var x = i < left.Count ? left[i] : null;
            var y = j < right.Count ? right[j] : null;
            if (x is { IsGlob: true })
            {
                queue.Enqueue((i + 1, j));
            }
            if (y is { IsGlob: true })
            {
                queue.Enqueue((i, j + 1));
            }
            if (x is null || y is null)
            {
                continue;
            }
            if (!x.IsGlob && !y.IsGlob && x.Char == y.Char)
            {
                queue.Enqueue((i + 1, j + 1));
            }
            else if (!x.IsGlob && y.Accepts(x.Char))
            {
                queue.Enqueue((i + 1, j));
            }
            else if (!y.IsGlob && x.Accepts(y.Char))
            {
                queue.Enqueue((i, j + 1));
            }
        }
        return false;
    }

    private sealed record Token(char Char, bool IsGlob, bool CrossesSlash)
    {
        public bool Accepts(char c) => IsGlob && (CrossesSlash || c != '/');
    }

    private static List<Token> Tokens(string path)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] != '*')
            {
                tokens.Add(new Token(path[i], false, false));
                continue;
            }
            var double_ = i + 1 < path.Length && path[i + 1] == '*';
            tokens.Add(new Token('*', true, double_));
            i += double_ ? 1 : 0;
        }
        return tokens;
    }
}
