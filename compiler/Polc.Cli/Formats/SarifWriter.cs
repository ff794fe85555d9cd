using System.Text.Json;
using Polc.Backends.Support;
using Polc.Compiler.Analysis.Lint;
using Polc.Compiler.Diagnostics;

namespace Polc.Cli.Formats;

/// <summary>
/// `polc check --format sarif`: SARIF 2.1.0 (OASIS), as GitHub code scanning uploads it. One run;
/// the driver lists every lint rule (with its help) plus every other code that occurs; each result
/// points at its rule by id and index and at its place by a region in UTF-16 columns.
/// </summary>
public static class SarifWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static string Write(IReadOnlyList<FileDiagnostics> files, string toolVersion)
    {
        var results = files.SelectMany(f => f.Diagnostics.Select(d => (File: f, Diagnostic: d))).ToList();
        var rules = LintCatalogue.All.Select(r => r.Code)
            .Concat(results.Select(r => r.Diagnostic.Code).Where(c => !LintCatalogue.IsLintCode(c)).Distinct().Order(StringComparer.Ordinal))
            .ToList();
        return JsonArtifact.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("version", "2.1.0");
            w.WriteString("$schema", SchemaUri);
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "polc");
            w.WriteString("semanticVersion", toolVersion);
            w.WriteStartArray("rules");
            foreach (var code in rules)
            {
                var isError = results.FirstOrDefault(r => r.Diagnostic.Code == code).Diagnostic?.IsError ?? false;
                WriteRule(w, code, isError);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("columnKind", "utf16CodeUnits");
            w.WriteStartArray("results");
            foreach (var (file, diagnostic) in results)
            {
                WriteResult(w, file, diagnostic, rules.IndexOf(diagnostic.Code));
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteRule(Utf8JsonWriter w, string code, bool isError)
    {
        var lint = LintCatalogue.Find(code);
        w.WriteStartObject();
        w.WriteString("id", code);
        w.WriteString("name", lint?.Name ?? "Polc" + code[3..]);
        Message(w, "shortDescription", lint?.Title ?? $"polc diagnostic {code}");
        Message(w, "fullDescription", lint?.Why ?? $"polc reports {code}; the message says what is wrong and how to fix it.");
        w.WriteStartObject("help");
        w.WriteString("text", lint is null ? "See the message." : $"{lint.Why} Fix: {lint.Fix}");
        w.WriteString("markdown", lint is null ? "See the message." : $"{lint.Why}\n\n**Fix:** {lint.Fix}");
        w.WriteEndObject();
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", isError ? "error" : "warning");
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteStartArray("tags");
        w.WriteStringValue("security");
        w.WriteStringValue(lint is null ? "correctness" : "lint");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, FileDiagnostics file, Diagnostic diagnostic, int ruleIndex)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", diagnostic.Code);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", diagnostic.IsError ? "error" : "warning");
        Message(w, "message", diagnostic.Message);
        w.WriteStartArray("locations");
        w.WriteStartObject();
        w.WriteStartObject("physicalLocation");
        var place = DiagnosticPlace.Of(diagnostic);
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", Uri(place?.File ?? file.Path));
        w.WriteEndObject();
        if (place is not null)
        {
            w.WriteStartObject("region");
            w.WriteNumber("startLine", place.Line);
            w.WriteNumber("startColumn", place.Column);
            w.WriteNumber("endLine", place.EndLine);
            w.WriteNumber("endColumn", place.EndColumn);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Message(Utf8JsonWriter w, string name, string text)
    {
        w.WriteStartObject(name);
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    /// <summary>A relative path stays relative (GitHub resolves it against the checkout); an absolute one becomes a file URI.</summary>
    public static string Uri(string path)
    {
        var escaped = string.Join('/', path.Replace('\\', '/').Split('/').Select(System.Uri.EscapeDataString));
        return path.StartsWith('/') ? "file://" + escaped : escaped;
    }
}
