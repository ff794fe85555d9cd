using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

internal sealed partial class UnitBinder
{
    public static readonly string[] ActionNames = ["allow", "deny", "errno", "kill", "kill-thread", "trap", "trace", "notify", "log"];

    private void BindSyscallStatement(StatementSyntax statement)
    {
        var cursor = new ArgumentCursor(statement, _diagnostics);
        var head = statement.Head;
        switch (head.Text)
        {
            case "default":
                cursor.RejectCondition();
                if (cursor.Next() is not WordArgument word)
                {
                    _diagnostics.Add(DiagnosticCatalog.DefaultNeedsAction(statement.Arguments.FirstOrDefault()?.Span ?? cursor.EndSpan));
                    return;
                }
                var action = ReadAction(word.Word, word.Span, cursor);
                if (action is null)
                {
                    return;
                }
                if (!cursor.AtEnd)
                {
                    _diagnostics.Add(DiagnosticCatalog.SyscallsInDefault(cursor.Peek!.Span));
                }
                if (_unit.Default is { } first)
                {
                    _diagnostics.Add(DiagnosticCatalog.DuplicateSetting(head.Span, "default", first.Span.Line));
                    return;
                }
                _unit.Default = action;
                return;
            case "arch":
                cursor.RejectCondition();
                BindArchitectures(statement, cursor);
                return;
        }

        var ruleAction = ReadAction(head.Text, head.Span, cursor);
        if (ruleAction is null)
        {
            return;
        }
        var syscalls = ReadSyscallList(cursor, ruleAction.Span, head.Text);
        var condition = statement.Condition is { } c ? _conditions.Bind(c) : null;
        if (syscalls.Count > 0)
        {
            _unit.Rules.Add(new UnitRule(ruleAction, syscalls, condition, statement.Span));
        }
    }

    /// <summary>`allow`, `deny`, `errno E`, `kill`, `kill-thread`, `trap`, `trace N`, `notify`, `log`; consumes E or N.</summary>
    private UnitAction? ReadAction(string name, SourceSpan at, ArgumentCursor cursor)
    {
        switch (name)
        {
            case "allow": return new UnitAction(SeccompAction.Allow, false, at);
            case "deny": return new UnitAction(null, true, at);
            case "kill": return new UnitAction(SeccompAction.KillProcess, false, at);
            case "kill-thread": return new UnitAction(new SeccompAction(SeccompActionKind.KillThread), false, at);
            case "trap": return new UnitAction(new SeccompAction(SeccompActionKind.Trap), false, at);
            case "notify": return new UnitAction(new SeccompAction(SeccompActionKind.Notify), false, at);
            case "log": return new UnitAction(new SeccompAction(SeccompActionKind.Log), false, at);
            case "errno":
                var errnoArgument = cursor.Next();
                var errno = _values.Errno(errnoArgument, "errno", cursor.EndSpan);
                return errno is null ? null : new UnitAction(SeccompAction.Errno(errno.Value), false, errnoArgument is null ? at : at.Cover(errnoArgument.Span));
            case "trace":
                var valueArgument = cursor.Next();
                if (valueArgument is NumberArgument { Value: > 65535 })
                {
                    _diagnostics.Add(DiagnosticCatalog.TraceValueOutOfRange(valueArgument.Span, valueArgument.Text));
                    return null;
                }
                var value = _values.Integer(valueArgument, "trace", 0, 65535, cursor.EndSpan);
                return value is null ? null : new UnitAction(new SeccompAction(SeccompActionKind.Trace, (uint)value), false, at.Cover(valueArgument!.Span));
            default:
                _diagnostics.Add(DiagnosticCatalog.UnknownAction(at, name, SpellChecker.Suggest(name, ActionNames.Append("default").Append("arch"))));
                return null;
        }
    }

    /// <summary>The comma-separated syscall names and `@groups` after an action, groups expanded in place.</summary>
    private List<SyscallRefIr> ReadSyscallList(ArgumentCursor cursor, SourceSpan actionSpan, string action)
    {
        var result = new List<SyscallRefIr>();
        var items = cursor.RestAsList();
        if (items.Count == 0)
        {
            _diagnostics.Add(DiagnosticCatalog.RuleWithoutSyscalls(actionSpan, action));
            return result;
        }
        foreach (var item in items)
        {
            switch (item)
            {
                case WordArgument word:
                    if (!SyscallTable.IsKnown(word.Word))
                    {
                        _diagnostics.Add(DiagnosticCatalog.UnknownSyscall(word.Span, word.Word, SpellChecker.Suggest(word.Word, SyscallTable.AllNames)));
                        continue;
                    }
                    result.Add(new SyscallRefIr(word.Word, null, word.Span));
                    break;
                case GroupArgument group:
                    if (!_groups.Contains(group.Name))
                    {
                        _diagnostics.Add(DiagnosticCatalog.UnknownGroup(group.Span, group.Name, SpellChecker.Suggest(group.Name, _groups.Names)));
                        continue;
                    }
                    result.AddRange(_groups.Expand(group.Name, _diagnostics).Select(m => new SyscallRefIr(m.Syscall, group.Name, group.Span)));
                    break;
                default:
                    _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(item.Span, action, "syscall names or `@groups`"));
                    break;
            }
        }
        return result;
    }

    private void BindArchitectures(StatementSyntax statement, ArgumentCursor cursor)
    {
        var arches = new List<Arch>();
        var items = cursor.RestAsList();
        if (items.Count == 0)
        {
            _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.EndSpan, "arch", "one or more architectures, e.g. `arch x86_64, aarch64`"));
            return;
        }
        foreach (var item in items)
        {
            var name = item is WordArgument w ? w.Word : item.Text;
            if (!ArchInfo.TryParse(name, out var arch))
            {
                var alias = name switch { "amd64" => "x86_64", "i386" or "i686" => "x86", "arm64" => "aarch64", "ppc64el" => "ppc64le", _ => null };
                _diagnostics.Add(DiagnosticCatalog.UnknownArch(item.Span, name, alias ?? SpellChecker.Suggest(name, ArchInfo.Names)));
                continue;
            }
            if (arches.Contains(arch))
            {
                _diagnostics.Add(DiagnosticCatalog.DuplicateArch(item.Span, name));
                continue;
            }
            arches.Add(arch);
        }
        if (_unit.Architectures is { } first)
        {
            _diagnostics.Add(DiagnosticCatalog.DuplicateSetting(statement.Head.Span, "arch", first.Span.Line));
            return;
        }
        _unit.Architectures = new Setting<IReadOnlyList<Arch>>(arches, statement.Span);
    }
}
