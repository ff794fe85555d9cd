using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

internal sealed partial class UnitBinder
{
    private static readonly string[] FilesystemStatements = ["root", "readonly", "read", "write", "exec", "deny", "tmpfs", "bind", "mask"];
    private static readonly string[] TmpfsFlags = ["noexec", "nosuid", "nodev", "exec", "suid", "dev", "ro", "rw"];

    private void BindFilesystemStatement(StatementSyntax statement)
    {
        var cursor = new ArgumentCursor(statement, _diagnostics);
        cursor.RejectCondition();
        var head = statement.Head.Text;
        switch (head)
        {
            case "root":
                if (ReadPath(cursor, allowPattern: false) is { } root)
                {
                    SetOnce(_unit.Root, new Setting<string>(root, statement.Span), statement, v => _unit.Root = v);
                }
                cursor.ExpectEnd();
                break;
            case "readonly":
                if (!cursor.TakeWord("root"))
                {
                    _diagnostics.Add(DiagnosticCatalog.ReadonlyNeedsRoot(cursor.Peek?.Span ?? statement.Head.Span));
                    break;
                }
                SetOnce(_unit.ReadOnlyRoot, new Setting<bool>(true, statement.Span), statement, v => _unit.ReadOnlyRoot = v);
                cursor.ExpectEnd();
                break;
            case "read" or "write" or "exec" or "deny":
                var access = head switch { "read" => PathAccess.Read, "write" => PathAccess.Write, "exec" => PathAccess.Exec, _ => PathAccess.Deny };
                foreach (var (path, span) in ReadPathList(cursor, head))
                {
                    _unit.PathRules.Add(new PathRuleIr(access, path, span, _unit.Origin));
                }
                break;
            case "mask":
                foreach (var (path, span) in ReadPathList(cursor, head))
                {
                    _unit.Masks.Add(new Setting<string>(path, span));
                }
                break;
            case "tmpfs":
                BindTmpfs(statement, cursor);
                break;
            case "bind":
                BindBindMount(statement, cursor);
                break;
            default:
                _diagnostics.Add(DiagnosticCatalog.UnknownStatement(statement.Head.Span, "filesystem", head, SpellChecker.Suggest(head, FilesystemStatements)));
                break;
        }
    }

    private void BindTmpfs(StatementSyntax statement, ArgumentCursor cursor)
    {
        var path = ReadPath(cursor, allowPattern: false);
        ulong? size = null;
        uint? mode = null;
        var options = new List<string>();
        while (!cursor.AtEnd)
        {
            var option = cursor.Next()!;
            if (option is WordArgument { Word: "size" })
            {
                size = _values.Size(cursor.Expect<ArgumentSyntax>("a size, e.g. `size 64MiB`"), "size");
            }
            else if (option is WordArgument { Word: "mode" })
            {
                var modeArgument = cursor.Next();
                if (modeArgument is NumberArgument { Value: { } m } && m <= 0xFFF)
                {
                    mode = (uint)m;
                }
                else
                {
                    _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(modeArgument?.Span ?? cursor.EndSpan, "mode", "a permission mode such as `0o1777`"));
                }
            }
            else if (option is WordArgument flag && TmpfsFlags.Contains(flag.Word))
            {
                options.Add(flag.Word);
            }
            else
            {
                var suggestion = option is WordArgument w ? SpellChecker.Suggest(w.Word, TmpfsFlags.Append("size").Append("mode")) : null;
                _diagnostics.Add(DiagnosticCatalog.UnknownMountOption(option.Span, option.Text, suggestion));
            }
        }
        if (path is not null)
        {
            _unit.Tmpfs.Add(new TmpfsMountIr(path, size, mode, [.. options], statement.Span));
        }
    }

    private void BindBindMount(StatementSyntax statement, ArgumentCursor cursor)
    {
        var source = ReadPath(cursor, allowPattern: false);
        var target = source;
        var readOnly = false;
        while (!cursor.AtEnd)
        {
            var option = cursor.Next()!;
            switch (option)
            {
                case WordArgument { Word: "to" }:
                    target = ReadPath(cursor, allowPattern: false);
                    break;
                case WordArgument { Word: "readonly" or "ro" }:
                    readOnly = true;
                    break;
                case WordArgument { Word: "rw" }:
                    readOnly = false;
                    break;
                default:
                    var suggestion = option is WordArgument w ? SpellChecker.Suggest(w.Word, ["to", "readonly"]) : null;
                    _diagnostics.Add(DiagnosticCatalog.UnknownMountOption(option.Span, option.Text, suggestion));
                    break;
            }
        }
        if (source is not null && target is not null)
        {
            _unit.Binds.Add(new BindMountIr(source, target, readOnly, statement.Span));
        }
    }

    private List<(string Path, SourceSpan Span)> ReadPathList(ArgumentCursor cursor, string statement)
    {
        var paths = new List<(string, SourceSpan)>();
        var items = cursor.RestAsList();
        if (items.Count == 0)
        {
            _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.EndSpan, statement, "one or more paths in quotes, e.g. `\"/etc/**\"`"));
        }
        foreach (var item in items)
        {
            if (item is not StringArgument text)
            {
                _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(item.Span, statement, "paths in quotes, e.g. `\"/etc/**\"`"));
                continue;
            }
            if (CheckPath(text, allowPattern: true))
            {
                paths.Add((text.Value, text.Span));
            }
        }
        return paths;
    }

    private string? ReadPath(ArgumentCursor cursor, bool allowPattern)
    {
        var argument = cursor.Expect<StringArgument>("a path in quotes, e.g. `\"/srv/data\"`");
        return argument is not null && CheckPath(argument, allowPattern) ? argument.Value : null;
    }

    private bool CheckPath(StringArgument path, bool allowPattern)
    {
        if (!path.Value.StartsWith('/'))
        {
            _diagnostics.Add(DiagnosticCatalog.PathNotAbsolute(path.Span, path.Value));
            return false;
        }
        if (!allowPattern && path.Value.IndexOfAny(['*', '{', '}', '?', '[']) >= 0)
        {
            _diagnostics.Add(DiagnosticCatalog.PatternInMountPath(path.Span, path.Value));
            return false;
        }
        if (allowPattern && GlobPattern.Validate(path.Value) is { } problem)
        {
            _diagnostics.Add(DiagnosticCatalog.InvalidGlob(path.Span, path.Value, problem));
            return false;
        }
        return true;
    }
}
