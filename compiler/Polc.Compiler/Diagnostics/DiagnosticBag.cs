using System.Collections;

namespace Polc.Compiler.Diagnostics;

/// <summary>Collects diagnostics in the order they were found; duplicates (same code, place and message) are kept once.</summary>
public sealed class DiagnosticBag : IEnumerable<Diagnostic>
{
    private readonly List<Diagnostic> _items = [];
    private readonly HashSet<(string, string, string?, int, int)> _seen = [];

    public bool HasErrors => _items.Any(d => d.IsError);

    public int Count => _items.Count;

    public void Add(Diagnostic diagnostic)
    {
        var key = (diagnostic.Code, diagnostic.Message, diagnostic.Location?.Path,
            diagnostic.Location?.Span.Start ?? -1, diagnostic.Location?.Span.Length ?? -1);
        if (_seen.Add(key))
        {
            _items.Add(diagnostic);
        }
    }

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            Add(diagnostic);
        }
    }

    /// <summary>Sorted by file, then position, then code: the order users read them in.</summary>
    public IReadOnlyList<Diagnostic> Sorted() =>
        _items.OrderBy(d => d.Location?.Path ?? "", StringComparer.Ordinal)
            .ThenBy(d => d.Location?.Span.Start ?? -1)
            .ThenBy(d => d.Code, StringComparer.Ordinal)
            .ToList();

    public IEnumerator<Diagnostic> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
