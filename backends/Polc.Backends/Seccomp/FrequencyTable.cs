using System.Globalization;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Backends.Seccomp;

/// <summary>How often each syscall is made, as a share of all calls: `NAME&lt;TAB&gt;SHARE` per line,
/// `#` comments. The bundled table (syscall-frequency.tsv, provenance in its header) weights the search
/// tree unless `--frequency FILE` supplies another in the same format.</summary>
public sealed class FrequencyTable
{
    private readonly Dictionary<string, double> _shares;

    private FrequencyTable(Dictionary<string, double> shares) => _shares = shares;

    public static FrequencyTable Bundled { get; } = LoadBundled();

    public double Share(string syscall) => _shares.GetValueOrDefault(syscall);

    public IReadOnlyDictionary<string, double> Shares => _shares;

    /// <summary>Reads and parses a table file, reporting unreadable files, malformed lines and unknown syscall
    /// names; null when the file cannot be read.</summary>
    public static FrequencyTable? Load(string path, List<Diagnostic> diagnostics)
    {
        SourceText source;
        try
        {
            source = SourceText.FromFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(DiagnosticCatalog.CannotRead(path, e.Message));
            return null;
        }
        var table = Parse(source, diagnostics);
        foreach (var name in table.Shares.Keys.Where(n => !SyscallTable.IsKnown(n)).Order(StringComparer.Ordinal))
        {
            var line = Enumerable.Range(1, source.LineCount).First(l => source.GetLine(l).TrimStart().StartsWith(name, StringComparison.Ordinal));
            diagnostics.Add(DiagnosticCatalog.FrequencyUnknownSyscall(LineSpan(source, line), name, SpellChecker.Suggest(name, SyscallTable.AllNames)));
        }
        return table;
    }

    /// <summary>Parses a table; problems are reported against <paramref name="source"/>'s lines.</summary>
    public static FrequencyTable Parse(SourceText source, List<Diagnostic> diagnostics)
    {
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var line = 1; line <= source.LineCount; line++)
        {
            var text = source.GetLine(line);
            var content = text.Split('#')[0].Trim();
            if (content.Length == 0)
            {
                continue;
            }
            var fields = content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 2 || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || share < 0 || double.IsInfinity(share))
            {
                diagnostics.Add(DiagnosticCatalog.FrequencyLineInvalid(LineSpan(source, line), content));
                continue;
            }
            shares[fields[0]] = shares.GetValueOrDefault(fields[0]) + share;
        }
        return new FrequencyTable(shares);
    }

    private static SourceSpan LineSpan(SourceText source, int line) => new(source, new TextSpan(source.GetLineStart(line), source.GetLine(line).Length));

    private static FrequencyTable LoadBundled()
    {
        using var stream = typeof(FrequencyTable).Assembly.GetManifestResourceStream("seccomp/syscall-frequency.tsv")
            ?? throw new InvalidOperationException("the bundled syscall-frequency.tsv is missing from the assembly");
        using var reader = new StreamReader(stream);
        var diagnostics = new List<Diagnostic>();
        var table = Parse(new SourceText("syscall-frequency.tsv", reader.ReadToEnd()), diagnostics);
        return diagnostics.Count == 0 ? table : throw new InvalidOperationException("the bundled syscall-frequency.tsv is malformed");
    }
}
