using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

internal sealed partial class UnitBinder
{
    private void BindExpectStatement(StatementSyntax statement)
    {
        var cursor = new ArgumentCursor(statement, _diagnostics);
        cursor.RejectCondition();
        var head = statement.Head.Text;
        if (head is "capability" or "no")
        {
            var present = head == "capability";
            if (!present && !cursor.TakeWord("capability"))
            {
                _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.Peek?.Span ?? cursor.EndSpan, "no", "`capability NAME`"));
                return;
            }
            foreach (var item in cursor.RestAsList())
            {
                if (ReadCapability(item, head) is { } capability)
                {
                    _unit.Expectations.Add(new UnitCapabilityExpectation(capability, present, statement.Span));
                }
            }
            return;
        }
        if (!ActionNames.Contains(head))
        {
            var suggestion = SpellChecker.Suggest(head, ActionNames.Append("capability").Append("no"));
            _diagnostics.Add(DiagnosticCatalog.UnknownExpectation(statement.Head.Span, head, suggestion));
            return;
        }
        // In an expectation `deny` means "any action but allow and log", not the policy's deny errno.
        var action = head == "deny" ? null : ReadAction(head, statement.Head.Span, cursor);
        if (head != "deny" && action is null)
        {
            return;
        }
        var items = cursor.RestAsList();
        if (items.Count == 0)
        {
            _diagnostics.Add(DiagnosticCatalog.RuleWithoutSyscalls(statement.Head.Span, head));
        }
        foreach (var item in items)
        {
            foreach (var (syscall, args) in ReadExpectedCalls(item, head))
            {
                _unit.Expectations.Add(new UnitSyscallExpectation(action, head == "deny", syscall, args, item.Span));
            }
        }
    }

    private IEnumerable<(string Syscall, IReadOnlyList<ulong> Args)> ReadExpectedCalls(ArgumentSyntax item, string head)
    {
        switch (item)
        {
            case WordArgument word when CheckSyscall(word.Word, word.Span):
                return [(word.Word, Array.Empty<ulong>())];
            case CallArgument call when CheckSyscall(call.Name.Text, call.Name.Span):
                if (call.Arguments.Count > 6)
                {
                    _diagnostics.Add(DiagnosticCatalog.TooManyCallArguments(call.Span, call.Name.Text));
                    return [];
                }
                var values = call.Arguments.Select(_values.Constant).ToList();
                return values.Any(v => v is null) ? [] : [(call.Name.Text, values.Select(v => v!.Value).ToArray())];
            case GroupArgument group when _groups.Contains(group.Name):
                return _groups.Expand(group.Name, _diagnostics).Select(m => (m.Syscall, (IReadOnlyList<ulong>)Array.Empty<ulong>())).ToList();
            case GroupArgument group:
                _diagnostics.Add(DiagnosticCatalog.UnknownGroup(group.Span, group.Name, SpellChecker.Suggest(group.Name, _groups.Names)));
                return [];
            case WordArgument or CallArgument:
                return [];
            default:
                _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(item.Span, head, "syscall names, `@groups` or calls such as `socket(AF_INET)`"));
                return [];
        }
    }

    private bool CheckSyscall(string name, SourceSpan span)
    {
        if (SyscallTable.IsKnown(name))
        {
            return true;
        }
        _diagnostics.Add(DiagnosticCatalog.UnknownSyscall(span, name, SpellChecker.Suggest(name, SyscallTable.AllNames)));
        return false;
    }
}
