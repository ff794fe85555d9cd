using Polc.Compiler.Diagnostics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

/// <summary>Reads a statement's arguments left to right, reporting shape errors at the exact argument.</summary>
internal sealed class ArgumentCursor(StatementSyntax statement, DiagnosticBag diagnostics)
{
    private int _index;

    public StatementSyntax Statement => statement;

    public string Head => statement.Head.Text;

    public bool AtEnd => _index >= statement.Arguments.Count;

    public ArgumentSyntax? Peek => AtEnd ? null : statement.Arguments[_index];

    /// <summary>Where a missing argument is reported: just after the last thing on the statement.</summary>
    public SourceSpan EndSpan
    {
        get
        {
            var last = statement.Arguments.Count > 0 ? statement.Arguments[^1].Span : statement.Head.Span;
            return last with { Span = new TextSpan(last.Span.End, 0) };
        }
    }

    public ArgumentSyntax? Next() => AtEnd ? null : statement.Arguments[_index++];

    public bool PeekWord(string word) => Peek is WordArgument w && w.Word == word;

    public bool TakeWord(string word)
    {
        if (PeekWord(word))
        {
            _index++;
            return true;
        }
        return false;
    }

    /// <summary>Reads the next argument as <typeparamref name="T"/>, or reports `HEAD expects WHAT`.</summary>
    public T? Expect<T>(string what) where T : ArgumentSyntax
    {
        if (Peek is T found)
        {
            _index++;
            return found;
        }
        diagnostics.Add(DiagnosticCatalog.ExpectedArgument(Peek?.Span ?? EndSpan, Head, what));
        if (!AtEnd)
        {
            _index++;
        }
        return null;
    }

    /// <summary>Everything left must be a comma-separated list; reports a missing comma once per gap.</summary>
    public IReadOnlyList<ArgumentSyntax> RestAsList()
    {
        var items = new List<ArgumentSyntax>();
        while (!AtEnd)
        {
            var item = Next()!;
            if (items.Count > 0 && !item.CommaBefore)
            {
                diagnostics.Add(DiagnosticCatalog.MissingComma(item.Span, items[^1].Text, item.Text));
            }
            items.Add(item);
        }
        return items;
    }

    /// <summary>Reports every argument not consumed yet.</summary>
    public void ExpectEnd()
    {
        if (!AtEnd)
        {
            diagnostics.Add(DiagnosticCatalog.UnexpectedArgument(Peek!.Span, Peek.Text, Head));
            _index = statement.Arguments.Count;
        }
    }

    public void RejectCondition()
    {
        if (statement.Condition is { } condition)
        {
            diagnostics.Add(DiagnosticCatalog.ConditionNotAllowed(condition.Span, Head));
        }
    }
}
