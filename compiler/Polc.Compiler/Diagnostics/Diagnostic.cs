using Polc.Compiler.Text;

namespace Polc.Compiler.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>One problem found in a policy. <paramref name="Location"/> is null only for problems with no file position (e.g. a missing input file).</summary>
public sealed record Diagnostic(DiagnosticSeverity Severity, string Code, string Message, SourceSpan? Location)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>`FILE:LINE:COL: error POLnnnn: message`, the one format every front end prints.</summary>
    public override string ToString()
    {
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        var where = Location is null ? "polc" : $"{Location.Path}:{Location.Line}:{Location.Column}";
        return $"{where}: {severity} {Code}: {Message}";
    }
}
