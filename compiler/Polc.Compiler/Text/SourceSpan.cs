namespace Polc.Compiler.Text;

/// <summary>A span in a particular file: what every diagnostic and IR node points at.</summary>
public sealed record SourceSpan(SourceText Source, TextSpan Span)
{
    public int Line => Source.GetLineColumn(Span.Start).Line;

    public int Column => Source.GetLineColumn(Span.Start).Column;

    public string Path => Source.Path;

    public string Text => Source.Text.Substring(Span.Start, Math.Min(Span.Length, Source.Text.Length - Span.Start));

    public SourceSpan Cover(SourceSpan other) =>
        ReferenceEquals(Source, other.Source) ? this with { Span = Span.Cover(other.Span) } : this;

    public override string ToString() => $"{Path}:{Line}:{Column}";

    // Spans are compared by position only; the IR's value equality must not depend on which SourceText instance holds the file.
    public bool Equals(SourceSpan? other) => other is not null && Path == other.Path && Span == other.Span;

    public override int GetHashCode() => HashCode.Combine(Path, Span);
}
