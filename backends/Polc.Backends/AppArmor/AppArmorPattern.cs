using System.Text;

namespace Polc.Backends.AppArmor;

/// <summary>
/// Turns a polc path pattern (`*` within a segment, `**` across segments, `{a,b}` alternatives,
/// every other character literal) into an AppArmor path that matches the same paths.
/// </summary>
/// <remarks>
/// Three AppArmor rules shape the translation:
/// - `?`, `[`, `]` and `@` (before `{`, a variable) are special to AppArmor but literal in polc, so they are escaped;
///   `\`, `"` and control characters become octal escapes (the parser's lexer takes `\\"` for an escaped quote);
///   anything but plain characters puts the path in quotes.
/// - AppArmor makes a `*` or `**` that starts a path segment match at least one character, so `/dir/*` would not
///   cover `/dir/` itself as polc's matcher does. Such a glob, unless a `/` follows it, is written `{,*}` / `{,**}`.
/// - AppArmor rejects `{}` and `{a}` and reads `{,,a}` as the end of a rule; alternatives are deduplicated,
///   a group with one alternative loses its braces, and `{}` becomes the equivalent `{,}`.
/// Runs of `/` are collapsed, as AppArmor does itself and as real paths are.
/// </remarks>
public static class AppArmorPattern
{
    /// <summary>The path as it goes into a rule, quoted when needed.</summary>
    public static string Rule(string pattern)
    {
        var (process, rest) = OwnProcess(CollapseSlashes(pattern));
        var (text, needsQuotes) = Convert(rest);
        return needsQuotes ? $"\"{process}{text}\"" : process + text;
    }

    /// <summary>The kernel resolves `/proc/self` and `/proc/thread-self` before AppArmor sees a path, which then
    /// names the process by number: such a prefix becomes the tunables' `@{pid}` (and `@{tid}`) variables.</summary>
    private static (string Prefix, string Remainder) OwnProcess(string pattern)
    {
        foreach (var (link, variable) in new[] { ("/proc/self", "/proc/@{pid}"), ("/proc/thread-self", "/proc/@{pid}/task/@{tid}") })
        {
            if (pattern == link || pattern.StartsWith(link + "/", StringComparison.Ordinal))
            {
                return (variable, pattern[link.Length..]);
            }
        }
        return ("", pattern);
    }

    /// <summary>Everything below a pattern taken as a directory (a mount point, a mask), the directory included.</summary>
    public static string Subtree(string pattern) => Rule(pattern.TrimEnd('/') + "/**");

    private static string CollapseSlashes(string pattern)
    {
        var builder = new StringBuilder(pattern.Length);
        foreach (var c in pattern)
        {
            if (c == '/' && builder.Length > 0 && builder[^1] == '/')
            {
                continue;
            }
            builder.Append(c);
        }
        return builder.ToString();
    }

    private static (string Text, bool NeedsQuotes) Convert(string pattern)
    {
        var output = new StringBuilder();
        var needsQuotes = false;
        var i = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] == '{')
            {
                var close = pattern.IndexOf('}', i);
                var alternatives = pattern[(i + 1)..close].Split(',').Distinct(StringComparer.Ordinal).ToList();
                var converted = alternatives.Select(a => ConvertPlain(a, PreviousChar(pattern, i), NextChar(pattern, close), ref needsQuotes)).ToList();
                output.Append(converted switch
                {
                    [""] => "{,}", // not nothing: the parser would then merge the slashes around it
                    [var only] => only,
                    _ => "{" + string.Join(",", converted) + "}",
                });
                i = close + 1;
                continue;
            }
            var end = pattern.IndexOf('{', i);
            end = end < 0 ? pattern.Length : end;
            output.Append(ConvertPlain(pattern[i..end], PreviousChar(pattern, i), NextChar(pattern, end - 1), ref needsQuotes));
            i = end;
        }
        return (output.ToString(), needsQuotes);
    }

    private static char? PreviousChar(string text, int index) => index > 0 ? text[index - 1] : null;

    private static char? NextChar(string text, int index) => index + 1 < text.Length ? text[index + 1] : null;

    /// <summary>Converts text without braces. <paramref name="before"/> and <paramref name="after"/> are the
    /// characters around it in the whole pattern, to tell whether a glob starts a segment.</summary>
    private static string ConvertPlain(string text, char? before, char? after, ref bool needsQuotes)
    {
        var output = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '*')
            {
                var glob = i + 1 < text.Length && text[i + 1] == '*' ? "**" : "*";
                var previous = i > 0 ? text[i - 1] : before;
                var nextIndex = i + glob.Length;
                var next = nextIndex < text.Length ? text[nextIndex] : after;
                output.Append(previous == '/' && next != '/' ? "{," + glob + "}" : glob);
                i = nextIndex - 1;
                continue;
            }
            var literal = EscapeLiteral(c, out var plain);
            needsQuotes |= !plain;
            output.Append(literal);
        }
        return output.ToString();
    }

    private static string EscapeLiteral(char c, out bool plain)
    {
        plain = char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '.' or '-' or '+' or '~' or ':';
        return c switch
        {
            '?' or '[' or ']' or '@' or '^' or '{' or '}' or '*' => "\\" + c,
            '\\' or '"' => "\\" + System.Convert.ToString(c, 8).PadLeft(3, '0'),
            < ' ' or '\x7f' => "\\" + System.Convert.ToString(c, 8).PadLeft(3, '0'),
            _ => c.ToString(),
        };
    }
}
