using Polc.Compiler.Diagnostics;

namespace Polc.Cli;

/// <summary>Prints diagnostics as `FILE:LINE:COL: error POLnnnn: message`, with the source line and a caret underneath.</summary>
public static class DiagnosticPrinter
{
    public static void Print(CliContext context, IEnumerable<Diagnostic> diagnostics, bool showSource = true)
    {
        foreach (var diagnostic in diagnostics)
        {
            var text = diagnostic.ToString();
            if (context.Colour)
            {
                var colour = diagnostic.IsError ? "\u001b[31m" : "\u001b[33m";
                var severity = diagnostic.IsError ? "error" : "warning";
                text = text.Replace($": {severity} ", $": {colour}{severity}\u001b[0m ", StringComparison.Ordinal);
            }
            context.Err.WriteLine(text);
            if (showSource && diagnostic.Location is { } location && location.Line <= location.Source.LineCount)
            {
                var line = location.Source.GetLine(location.Line);
                if (line.Length > 200)
                {
                    continue;
                }
                context.Err.WriteLine($"    {Printable(line)}");
                var width = Math.Max(1, Math.Min(location.Span.Length, line.Length - location.Column + 1));
                context.Err.WriteLine($"    {new string(' ', location.Column - 1)}{new string('^', width)}");
            }
        }
    }

    private static string Printable(string line) =>
        new(line.Select(c => c == '\t' ? ' ' : char.IsControl(c) ? '?' : c).ToArray());
}
