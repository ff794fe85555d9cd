using System.Text.RegularExpressions;

namespace Polc.Backends.DockerRun;

/// <summary>Quoting for a POSIX shell: words made only of safe characters stay bare, anything else is put in
/// single quotes (inside which a single quote is written `'\''`).</summary>
public static partial class ShellWords
{
    public static string Quote(string word) =>
        word.Length > 0 && SafeWord().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    [GeneratedRegex("^[A-Za-z0-9_@%+=:,./-]+$")]
    private static partial Regex SafeWord();
}
