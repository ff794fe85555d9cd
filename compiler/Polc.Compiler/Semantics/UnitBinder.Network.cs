using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

internal sealed partial class UnitBinder
{
    private static readonly string[] NetworkStatements = ["allow", "deny", "bind", "connect"];

    private void BindNetworkStatement(StatementSyntax statement)
    {
        var cursor = new ArgumentCursor(statement, _diagnostics);
        cursor.RejectCondition();
        var head = statement.Head.Text;
        switch (head)
        {
            case "allow" or "deny":
                var items = cursor.RestAsList();
                if (items.Count == 0)
                {
                    _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.EndSpan, head, "network families, e.g. `tcp, udp`"));
                }
                foreach (var item in items)
                {
                    if (ReadFamily(item) is { } family)
                    {
                        _unit.Families.Add(new NetworkFamilyRuleIr(head == "allow", family, item.Span, _unit.Origin));
                    }
                }
                break;
            case "bind" or "connect":
                var protocolArgument = cursor.Next();
                PortProtocol? protocol = protocolArgument switch
                {
                    WordArgument { Word: "tcp" } => PortProtocol.Tcp,
                    WordArgument { Word: "udp" } => PortProtocol.Udp,
                    _ => null,
                };
                if (protocol is null)
                {
                    var word = protocolArgument is WordArgument w ? w.Word : protocolArgument?.Text ?? "";
                    _diagnostics.Add(protocolArgument is null
                        ? DiagnosticCatalog.ExpectedArgument(cursor.EndSpan, head, "`tcp` or `udp` and ports, e.g. `bind tcp 80, 443`")
                        : DiagnosticCatalog.PortProtocol(protocolArgument.Span, word, SpellChecker.Suggest(word, ["tcp", "udp"])));
                    return;
                }
                var ports = cursor.RestAsList();
                if (ports.Count == 0)
                {
                    _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.EndSpan, head, "one or more ports, e.g. `80, 8000-8080`"));
                }
                var target = head == "bind" ? _unit.BindPorts : _unit.ConnectPorts;
                foreach (var port in ports)
                {
                    if (ReadPortRange(port) is { } range)
                    {
                        target.Add(new PortRuleIr(protocol.Value, range.From, range.To, port.Span));
                    }
                }
                break;
            default:
                _diagnostics.Add(DiagnosticCatalog.UnknownStatement(statement.Head.Span, "network", head, SpellChecker.Suggest(head, NetworkStatements)));
                break;
        }
    }

    private NetworkFamily? ReadFamily(ArgumentSyntax item)
    {
        var names = Enum.GetValues<NetworkFamily>().Select(f => f.Name()).ToArray();
        var word = item is WordArgument w ? w.Word : item.Text;
        foreach (var family in Enum.GetValues<NetworkFamily>())
        {
            if (family.Name() == word)
            {
                return family;
            }
        }
        var alias = word switch { "ipv4" => "inet", "ipv6" => "inet6", "stream" => "tcp", "dgram" => "udp", "local" => "unix", _ => null };
        _diagnostics.Add(DiagnosticCatalog.UnknownFamily(item.Span, word, alias ?? SpellChecker.Suggest(word, names)));
        return null;
    }

    private (ushort From, ushort To)? ReadPortRange(ArgumentSyntax item)
    {
        switch (item)
        {
            case NumberArgument { Value: { } port } when port is >= 1 and <= 65535:
                return ((ushort)port, (ushort)port);
            case RangeArgument range when range.From is >= 1 and <= 65535 && range.To is >= 1 and <= 65535 && range.From <= range.To:
                return ((ushort)range.From, (ushort)range.To);
            case NumberArgument { Value: null }:
                return null;
            default:
                _diagnostics.Add(DiagnosticCatalog.InvalidPort(item.Span, item.Text));
                return null;
        }
    }
}
