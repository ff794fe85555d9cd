using System.Collections.Immutable;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

internal sealed partial class UnitBinder
{
    private static readonly string[] CapabilityStatements = ["allow", "drop", "ambient"];

    private void BindCapabilityStatement(StatementSyntax statement)
    {
        var cursor = new ArgumentCursor(statement, _diagnostics);
        cursor.RejectCondition();
        var head = statement.Head.Text;
        if (!CapabilityStatements.Contains(head))
        {
            _diagnostics.Add(DiagnosticCatalog.UnknownStatement(statement.Head.Span, "capabilities", head, SpellChecker.Suggest(head, CapabilityStatements)));
            return;
        }
        if (head == "allow" && cursor.PeekWord("all") && statement.Arguments.Count == 1)
        {
            _unit.CapabilitySteps.Add(new CapabilityStepIr(CapabilityStepKind.AllowAll, [.. CapabilityTable.All], statement.Span, _unit.Origin));
            return;
        }
        var items = cursor.RestAsList();
        if (items.Count == 0)
        {
            _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.EndSpan, head, "capability names, e.g. `NET_BIND_SERVICE`"));
            return;
        }
        var capabilities = new List<Capability>();
        foreach (var item in items)
        {
            if (ReadCapability(item, head) is not { } capability)
            {
                continue;
            }
            if (capabilities.Contains(capability))
            {
                _diagnostics.Add(DiagnosticCatalog.CapabilityListedTwice(item.Span, item.Text));
                continue;
            }
            capabilities.Add(capability);
        }
        var kind = head switch { "allow" => CapabilityStepKind.Allow, "drop" => CapabilityStepKind.Drop, _ => CapabilityStepKind.Ambient };
        _unit.CapabilitySteps.Add(new CapabilityStepIr(kind, [.. capabilities], statement.Span, _unit.Origin));
    }

    private Capability? ReadCapability(ArgumentSyntax item, string statement)
    {
        if (item is not WordArgument word)
        {
            _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(item.Span, statement, "capability names, e.g. `NET_BIND_SERVICE`"));
            return null;
        }
        if (CapabilityTable.TryParse(word.Word, out var capability))
        {
            return capability;
        }
        var bare = word.Word.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? word.Word[4..] : word.Word;
        var suggestion = SpellChecker.Suggest(bare.ToUpperInvariant(), CapabilityTable.ShortNames);
        if (suggestion is not null && word.Word.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase))
        {
            suggestion = "CAP_" + suggestion;
        }
        _diagnostics.Add(DiagnosticCatalog.UnknownCapability(word.Span, word.Word, suggestion));
        return null;
    }
}
