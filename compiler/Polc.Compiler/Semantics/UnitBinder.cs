using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

/// <summary>Binds one file's policy syntax into a <see cref="PolicyUnit"/>, section by section.</summary>
internal sealed partial class UnitBinder
{
    public static readonly string[] SectionNames = ["syscalls", "capabilities", "filesystem", "network", "resources", "isolation", "expect"];
    private static readonly string[] BodyStatementNames = ["apparmor", "selinux", "network"];

    private readonly DiagnosticBag _diagnostics;
    private readonly GroupTable _groups;
    private readonly ValueBinder _values;
    private readonly ConditionBinder _conditions;
    private PolicyUnit _unit = null!;

    public UnitBinder(DiagnosticBag diagnostics, GroupTable groups)
    {
        _diagnostics = diagnostics;
        _groups = groups;
        _values = new ValueBinder(diagnostics);
        _conditions = new ConditionBinder(diagnostics, _values);
    }

    public PolicyUnit Bind(PolicySyntax policy, bool bundled)
    {
        _unit = new PolicyUnit(policy.Name.Text, policy.Span, policy.Name.Text);
        var seen = new Dictionary<string, SectionSyntax>(StringComparer.Ordinal);
        foreach (var section in policy.Sections)
        {
            var name = section.Name.Text;
            if (!SectionNames.Contains(name))
            {
                _diagnostics.Add(DiagnosticCatalog.UnknownSection(section.Name.Span, name, SpellChecker.Suggest(name, SectionNames)));
                continue;
            }
            if (seen.TryGetValue(name, out var first))
            {
                _diagnostics.Add(DiagnosticCatalog.DuplicateSection(section.Name.Span, name, first.Name.Span.Line));
                continue;
            }
            seen[name] = section;
            foreach (var statement in section.Statements)
            {
                BindSectionStatement(name, statement);
            }
        }
        foreach (var statement in policy.Statements)
        {
            BindBodyStatement(statement);
        }
        return _unit;
    }

    private void BindSectionStatement(string section, StatementSyntax statement)
    {
        switch (section)
        {
            case "syscalls": BindSyscallStatement(statement); break;
            case "capabilities": BindCapabilityStatement(statement); break;
            case "filesystem": BindFilesystemStatement(statement); break;
            case "network": BindNetworkStatement(statement); break;
            case "resources": BindResourceStatement(statement); break;
            case "isolation": BindIsolationStatement(statement); break;
            case "expect": BindExpectStatement(statement); break;
            default: throw new InvalidOperationException($"section `{section}` has no binder");
        }
    }

    /// <summary>Statements directly in the policy body: labels and `network none`.</summary>
    private void BindBodyStatement(StatementSyntax statement)
    {
        var cursor = new ArgumentCursor(statement, _diagnostics);
        cursor.RejectCondition();
        switch (statement.Head.Text)
        {
            case "apparmor":
                if (cursor.Expect<StringArgument>("a profile name in quotes, e.g. `apparmor \"polc-web\"`") is { } profile)
                {
                    CheckLabel(profile, allowSlash: true);
                    SetOnce(_unit.AppArmor, new Setting<string>(profile.Value, statement.Span), statement, v => _unit.AppArmor = v);
                }
                cursor.ExpectEnd();
                break;
            case "selinux":
                if (!cursor.TakeWord("type"))
                {
                    _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.Peek?.Span ?? cursor.EndSpan, "selinux", "`type \"NAME_t\"`"));
                    break;
                }
                if (cursor.Expect<StringArgument>("a type name in quotes, e.g. `selinux type \"web_t\"`") is { } type)
                {
                    CheckLabel(type, allowSlash: false);
                    SetOnce(_unit.Selinux, new Setting<string>(type.Value, statement.Span), statement, v => _unit.Selinux = v);
                }
                cursor.ExpectEnd();
                break;
            case "network":
                if (!cursor.TakeWord("none"))
                {
                    _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.Peek?.Span ?? cursor.EndSpan, "network", "`none` here, or a block: `network { allow tcp }`"));
                    break;
                }
                SetOnce(_unit.NetworkNone, new Setting<bool>(true, statement.Span), statement, v => _unit.NetworkNone = v);
                cursor.ExpectEnd();
                break;
            default:
                var head = statement.Head.Text;
                var owner = SectionOwning(head);
                if (owner is not null)
                {
                    _diagnostics.Add(DiagnosticCatalog.StatementOutsideSection(statement.Head.Span, head, owner));
                }
                else if (head == "group")
                {
                    _diagnostics.Add(DiagnosticCatalog.GroupInsidePolicy(statement.Head.Span));
                }
                else
                {
                    var suggestion = SpellChecker.Suggest(head, BodyStatementNames.Concat(SectionNames));
                    _diagnostics.Add(DiagnosticCatalog.UnknownStatement(statement.Head.Span, "policy", head, suggestion));
                }
                break;
        }
    }

    /// <summary>For a statement written outside any section, the section it most likely belongs to.</summary>
    private static string? SectionOwning(string head) => head switch
    {
        "allow" or "deny" or "errno" or "kill" or "kill-thread" or "trap" or "trace" or "notify" or "log" or "default" or "arch" => "syscalls",
        "drop" or "ambient" => "capabilities",
        "root" or "readonly" or "read" or "write" or "exec" or "tmpfs" or "bind" or "mask" => "filesystem",
        "memory" or "memory-swap" or "memory-reservation" or "cpu" or "cpu-weight" or "cpuset" or "pids" or "io-weight" or "io" or "rlimit" => "resources",
        "namespaces" or "hostname" or "user" or "map-users" or "map-groups" or "no-new-privileges" or "allow-new-privileges" => "isolation",
        _ => null,
    };

    private void CheckLabel(StringArgument label, bool allowSlash)
    {
        var value = label.Value;
        var valid = value.Length is > 0 and <= 255 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' || (allowSlash && c == '/'));
        if (!valid)
        {
            _diagnostics.Add(DiagnosticCatalog.InvalidLabel(label.Span, value,
                allowSlash ? "use letters, digits, `_`, `-`, `.` and `/`" : "use letters, digits, `_`, `-` and `.`"));
        }
    }

    /// <summary>Records a single-valued setting, reporting a second occurrence at its place.</summary>
    private void SetOnce<T>(Setting<T>? current, Setting<T> value, StatementSyntax statement, Action<Setting<T>> assign)
    {
        if (current is not null)
        {
            _diagnostics.Add(DiagnosticCatalog.DuplicateSetting(statement.Head.Span, statement.Head.Text, current.Span.Line));
            return;
        }
        assign(value);
    }

}
