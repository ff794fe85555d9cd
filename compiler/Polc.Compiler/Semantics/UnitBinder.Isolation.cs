using System.Text.RegularExpressions;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

internal sealed partial class UnitBinder
{
    private static readonly string[] IsolationStatements =
        ["namespaces", "hostname", "user", "group", "map-users", "map-groups", "no-new-privileges", "allow-new-privileges"];

    private void BindIsolationStatement(StatementSyntax statement)
    {
        var cursor = new ArgumentCursor(statement, _diagnostics);
        cursor.RejectCondition();
        var head = statement.Head.Text;
        switch (head)
        {
            case "namespaces":
                BindNamespaces(cursor);
                break;
            case "hostname":
                if (cursor.Expect<StringArgument>("a hostname in quotes, e.g. `hostname \"web01\"`") is { } hostname)
                {
                    if (!Hostname().IsMatch(hostname.Value))
                    {
                        _diagnostics.Add(DiagnosticCatalog.InvalidHostname(hostname.Span, hostname.Value));
                    }
                    else
                    {
                        SetOnce(_unit.Hostname, new Setting<string>(hostname.Value, statement.Span), statement, v => _unit.Hostname = v);
                    }
                }
                cursor.ExpectEnd();
                break;
            case "user" or "group":
                // `user 1000 group 1000` or each on its own.
                ReadId(statement, cursor, head);
                if (head == "user" && cursor.TakeWord("group"))
                {
                    ReadId(statement, cursor, "group");
                }
                cursor.ExpectEnd();
                break;
            case "map-users" or "map-groups":
                BindIdMap(statement, cursor, head == "map-users" ? _unit.UidMaps : _unit.GidMaps);
                break;
            case "no-new-privileges" or "allow-new-privileges":
                cursor.ExpectEnd();
                var value = head == "no-new-privileges";
                if (_unit.NoNewPrivileges is { } existing)
                {
                    _diagnostics.Add(existing.Value == value
                        ? DiagnosticCatalog.DuplicateSetting(statement.Head.Span, head, existing.Span.Line)
                        : DiagnosticCatalog.ConflictingNewPrivileges(statement.Head.Span, existing.Span.Line));
                    break;
                }
                _unit.NoNewPrivileges = new Setting<bool>(value, statement.Span);
                break;
            default:
                _diagnostics.Add(DiagnosticCatalog.UnknownStatement(statement.Head.Span, "isolation", head, SpellChecker.Suggest(head, IsolationStatements)));
                break;
        }
    }

    private void BindNamespaces(ArgumentCursor cursor)
    {
        var names = Enum.GetValues<NamespaceKind>().Select(k => k.ToString().ToLowerInvariant()).ToArray();
        var items = cursor.RestAsList();
        if (items.Count == 0)
        {
            _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.EndSpan, "namespaces", "namespace names, e.g. `pid, net, mount`"));
        }
        foreach (var item in items)
        {
            var word = item is WordArgument w ? w.Word : item.Text;
            var canonical = word switch { "mnt" => "mount", "network" => "net", _ => word };
            var index = Array.IndexOf(names, canonical);
            if (index < 0)
            {
                _diagnostics.Add(DiagnosticCatalog.UnknownNamespace(item.Span, word, SpellChecker.Suggest(word, names)));
                continue;
            }
            var kind = (NamespaceKind)index;
            if (_unit.Namespaces.Any(n => n.Value == kind))
            {
                _diagnostics.Add(DiagnosticCatalog.DuplicateSetting(item.Span, word, _unit.Namespaces.First(n => n.Value == kind).Span.Line));
                continue;
            }
            _unit.Namespaces.Add(new Setting<NamespaceKind>(kind, item.Span));
        }
    }

    private void ReadId(StatementSyntax statement, ArgumentCursor cursor, string which)
    {
        var argument = cursor.Next();
        if (argument is NumberArgument { Value: > 4_294_967_294 })
        {
            _diagnostics.Add(DiagnosticCatalog.IdOutOfRange(argument.Span, argument.Text));
            return;
        }
        if (_values.Integer(argument, which, 0, 4_294_967_294, cursor.EndSpan) is not { } id)
        {
            return;
        }
        var setting = new Setting<uint>((uint)id, statement.Span);
        if (which == "user")
        {
            SetOnce(_unit.User, setting, statement, v => _unit.User = v);
        }
        else if (_unit.Group is { } first)
        {
            _diagnostics.Add(DiagnosticCatalog.DuplicateSetting(argument!.Span, "group", first.Span.Line));
        }
        else
        {
            _unit.Group = setting;
        }
    }

    private void BindIdMap(StatementSyntax statement, ArgumentCursor cursor, List<IdMapIr> maps)
    {
        var head = statement.Head.Text;
        var inside = _values.Integer(cursor.Next(), head, 0, uint.MaxValue - 1, cursor.EndSpan);
        if (inside is null)
        {
            return;
        }
        if (cursor.Expect<ArrowArgument>("`INSIDE -> OUTSIDE count N`") is null)
        {
            return;
        }
        var outside = _values.Integer(cursor.Next(), head, 0, uint.MaxValue - 1, cursor.EndSpan);
        ulong count = 1;
        if (cursor.TakeWord("count"))
        {
            count = _values.Integer(cursor.Next(), "count", 1, uint.MaxValue, cursor.EndSpan) ?? 0;
        }
        cursor.ExpectEnd();
        if (outside is null || count == 0)
        {
            return;
        }
        if (inside + count - 1 > uint.MaxValue - 1 || outside + count - 1 > uint.MaxValue - 1)
        {
            _diagnostics.Add(DiagnosticCatalog.InvalidIdMap(statement.Span, "the range runs past 4294967294"));
            return;
        }
        var map = new IdMapIr((uint)inside, (uint)outside, (uint)count, statement.Span);
        if (maps.Any(m => Overlaps(m.Inside, m.Count, map.Inside, map.Count) || Overlaps(m.Outside, m.Count, map.Outside, map.Count)))
        {
            _diagnostics.Add(DiagnosticCatalog.InvalidIdMap(statement.Span, "it overlaps an earlier map"));
            return;
        }
        maps.Add(map);
    }

    private static bool Overlaps(ulong a, ulong aCount, ulong b, ulong bCount) => a < b + bCount && b < a + aCount;

    [GeneratedRegex("^(?=.{1,64}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")]
    private static partial Regex Hostname();
}
