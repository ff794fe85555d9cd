using System.Text;
using Polc.Backends.Support;
using Polc.Compiler.Analysis.Lint;
using Polc.Compiler.Diagnostics;

namespace Polc.Cli.Formats;

/// <summary>The diagnostics of one checked file (<paramref name="Policy"/> is null when it did not bind).</summary>
public sealed record FileDiagnostics(string Path, string? Policy, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>Where a diagnostic is, as 1-based lines and columns; the end column is exclusive, as in SARIF.</summary>
public sealed record DiagnosticPlace(string File, int Line, int Column, int EndLine, int EndColumn)
{
    public static DiagnosticPlace? Of(Diagnostic diagnostic)
    {
        if (diagnostic.Location is not { } at)
        {
            return null;
        }
        var (endLine, endColumn) = at.Source.GetLineColumn(at.Span.End);
        return new DiagnosticPlace(at.Path, at.Line, at.Column, endLine, Math.Max(endColumn, endLine == at.Line ? at.Column : 1));
    }
}

/// <summary>`polc check --format json|github`: a simple JSON report (schema in docs/review.md) and
/// GitHub workflow annotation lines.</summary>
public static class CheckFormats
{
    public const int JsonVersion = 1;

    public static string Json(IReadOnlyList<FileDiagnostics> files) => JsonArtifact.Write(w =>
    {
        var all = files.SelectMany(f => f.Diagnostics.Select(d => (File: f, Diagnostic: d))).ToList();
        w.WriteStartObject();
        w.WriteNumber("version", JsonVersion);
        w.WriteStartArray("files");
        foreach (var file in files)
        {
            w.WriteStartObject();
            w.WriteString("path", file.Path);
            w.WriteString("policy", file.Policy);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("diagnostics");
        foreach (var (file, diagnostic) in all)
        {
            var place = DiagnosticPlace.Of(diagnostic);
            w.WriteStartObject();
            w.WriteString("file", place?.File ?? file.Path);
            WriteNullableNumber(w, "line", place?.Line);
            WriteNullableNumber(w, "column", place?.Column);
            WriteNullableNumber(w, "endLine", place?.EndLine);
            WriteNullableNumber(w, "endColumn", place?.EndColumn);
            w.WriteString("severity", diagnostic.IsError ? "error" : "warning");
            w.WriteString("code", diagnostic.Code);
            w.WriteString("message", diagnostic.Message);
            w.WriteBoolean("lint", LintCatalogue.IsLintCode(diagnostic.Code));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("summary");
        w.WriteNumber("errors", all.Count(d => d.Diagnostic.IsError));
        w.WriteNumber("warnings", all.Count(d => !d.Diagnostic.IsError));
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static void WriteNullableNumber(System.Text.Json.Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>`::error file=F,line=L,col=C,endLine=..,endColumn=..,title=POLnnnn::message`, one per diagnostic
    /// (see GitHub's "Workflow commands": data escapes %, CR, LF; properties also `:` and `,`).</summary>
    public static string GitHub(IReadOnlyList<FileDiagnostics> files)
    {
        var sb = new StringBuilder();
        foreach (var file in files)
        {
            foreach (var diagnostic in file.Diagnostics)
            {
                var place = DiagnosticPlace.Of(diagnostic);
                var properties = place is null
                    ? $"file={Property(file.Path)}"
                    : $"file={Property(place.File)},line={place.Line},col={place.Column},endLine={place.EndLine},endColumn={place.EndColumn}";
                sb.Append("::").Append(diagnostic.IsError ? "error" : "warning").Append(' ')
                  .Append(properties).Append(",title=").Append(Property(diagnostic.Code))
                  .Append("::").Append(Data(diagnostic.Message)).Append('\n');
            }
        }
        return sb.ToString();
    }

    private static string Data(string text) =>
        text.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Property(string text) =>
        Data(text).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
