using System.Text;
using System.Text.RegularExpressions;

namespace Polc.Compiler.Semantics;

/// <summary>Path patterns: `*` within a segment, `**` across segments, `{a,b}` alternatives.</summary>
public static class GlobPattern
{
    /// <summary>A description of what is wrong, or null when the pattern is well formed.</summary>
    public static string? Validate(string pattern)
    {
        var depth = 0;
        foreach (var c in pattern)
        {
            if (c == '{')
            {
                depth++;
                if (depth > 1)
                {
                    return "`{...}` alternatives cannot nest";
                }
            }
            else if (c == '}')
            {
                if (--depth < 0)
                {
                    return "`}` without a matching `{`";
                }
            }
            else if (c == '\0')
            {
                return "it contains a NUL character";
            }
        }
        if (depth != 0)
        {
            return "`{` without a matching `}`";
        }
        if (pattern.Contains("***", StringComparison.Ordinal))
        {
            return "`***` means nothing; use `**`";
        }
        return null;
    }

    /// <summary>An anchored regular expression equivalent to the pattern.</summary>
    public static Regex ToRegex(string pattern)
    {
        var builder = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    builder.Append(".*");
                    i++;
                    break;
                case '*':
                    builder.Append("[^/]*");
                    break;
                case '{':
                    builder.Append("(?:");
                    break;
                case '}':
                    builder.Append(')');
                    break;
                case ',' when IsInsideBraces(pattern, i):
                    builder.Append('|');
                    break;
                default:
                    builder.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        builder.Append("\\z"); // not `$`, which also matches before a final newline
        return new Regex(builder.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    public static bool Matches(string pattern, string path) => ToRegex(pattern).IsMatch(path);

    private static bool IsInsideBraces(string pattern, int index) =>
        pattern.LastIndexOf('{', index) > pattern.LastIndexOf('}', index);
}
