using System.Text;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Text;

namespace Polc.Tests.Support;

/// <summary>Renders a source file with each diagnostic shown under the line it points at, for baseline files.</summary>
public static class InlineDiagnostics
{
    public static string Render(SourceText source, IEnumerable<Diagnostic> diagnostics)
    {
        var byLine = diagnostics
            .Where(d => d.Location is not null && d.Location.Path == source.Path)
            .GroupBy(d => d.Location!.Line)
            .ToDictionary(g => g.Key, g => g.ToList());
        var sb = new StringBuilder();
        foreach (var other in diagnostics.Where(d => d.Location is null || d.Location.Path != source.Path))
        {
            sb.Append("//! ").Append(other).Append('\n');
        }
        for (var line = 1; line <= source.LineCount; line++)
        {
            var text = source.GetLine(line);
            if (line == source.LineCount && text.Length == 0 && !byLine.ContainsKey(line))
            {
                break;
            }
            sb.Append(text).Append('\n');
            if (!byLine.TryGetValue(line, out var found))
            {
                continue;
            }
            foreach (var diagnostic in found)
            {
                var column = diagnostic.Location!.Column;
                var width = Math.Max(1, Math.Min(diagnostic.Location.Span.Length, text.Length - column + 1));
                var severity = diagnostic.IsError ? "error" : "warning";
                sb.Append(new string(' ', column - 1)).Append(new string('~', width))
                  .Append($" {severity} {diagnostic.Code} ({line}:{column}): {diagnostic.Message}\n");
            }
        }
        return sb.ToString();
    }
}
