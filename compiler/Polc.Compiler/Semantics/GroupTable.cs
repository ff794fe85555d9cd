using Polc.Compiler.Diagnostics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

/// <summary>Named syscall groups: the bundled library (profiles/syscall-groups.pol) plus a file's own `group` declarations.</summary>
internal sealed class GroupTable
{
    private static readonly Lazy<IReadOnlyDictionary<string, GroupDeclarationSyntax>> Library = new(LoadLibrary);

    private readonly Dictionary<string, GroupDeclarationSyntax> _declarations;
    private readonly Dictionary<string, IReadOnlyList<(string Syscall, SourceSpan Span)>> _expanded = new(StringComparer.Ordinal);

    private GroupTable(Dictionary<string, GroupDeclarationSyntax> declarations) => _declarations = declarations;

    public static IReadOnlyDictionary<string, GroupDeclarationSyntax> LibraryGroups => Library.Value;

    /// <summary>The library plus the file's groups; a file may not redefine a library group or its own.</summary>
    public static GroupTable ForFile(FileSyntax file, DiagnosticBag diagnostics)
    {
        var declarations = new Dictionary<string, GroupDeclarationSyntax>(Library.Value, StringComparer.Ordinal);
        foreach (var group in file.Groups)
        {
            if (declarations.TryGetValue(group.Name.Text, out var existing))
            {
                var where = existing.Span.Path == group.Span.Path ? $"line {existing.Span.Line}" : $"in {existing.Span.Path}";
                diagnostics.Add(DiagnosticCatalog.DuplicateGroup(group.Name.Span, group.Name.Text, where));
                continue;
            }
            declarations[group.Name.Text] = group;
        }
        return new GroupTable(declarations);
    }

    public IEnumerable<string> Names => _declarations.Keys;

    public bool Contains(string name) => _declarations.ContainsKey(name);

    /// <summary>The syscalls of a group, nested groups expanded, in declaration order without repeats.
    /// Unknown syscalls and nested groups are reported at their place in the declaration.</summary>
    public IReadOnlyList<(string Syscall, SourceSpan Span)> Expand(string name, DiagnosticBag diagnostics) =>
        Expand(name, diagnostics, []);

    private IReadOnlyList<(string Syscall, SourceSpan Span)> Expand(string name, DiagnosticBag diagnostics, List<string> stack)
    {
        if (_expanded.TryGetValue(name, out var done))
        {
            return done;
        }
        var declaration = _declarations[name];
        stack.Add(name);
        var result = new List<(string, SourceSpan)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in declaration.Members)
        {
            if (member.Text.StartsWith('@'))
            {
                if (!_declarations.ContainsKey(member.Text))
                {
                    diagnostics.Add(DiagnosticCatalog.UnknownGroup(member.Span, member.Text, SpellChecker.Suggest(member.Text, _declarations.Keys)));
                    continue;
                }
                if (stack.Contains(member.Text))
                {
                    var chain = string.Join(" -> ", stack.SkipWhile(s => s != member.Text).Append(member.Text).Select(s => $"`{s}`"));
                    diagnostics.Add(DiagnosticCatalog.GroupCycle(member.Span, chain));
                    continue;
                }
                foreach (var inner in Expand(member.Text, diagnostics, stack))
                {
                    if (seen.Add(inner.Syscall))
                    {
                        result.Add(inner);
                    }
                }
                continue;
            }
            if (!SyscallTable.IsKnown(member.Text))
            {
                diagnostics.Add(DiagnosticCatalog.UnknownSyscall(member.Span, member.Text, SpellChecker.Suggest(member.Text, SyscallTable.AllNames)));
                continue;
            }
            if (seen.Add(member.Text))
            {
                result.Add((member.Text, member.Span));
            }
        }
        stack.RemoveAt(stack.Count - 1);
        _expanded[name] = result;
        return result;
    }

    private static IReadOnlyDictionary<string, GroupDeclarationSyntax> LoadLibrary()
    {
        var source = BundledProfiles.TryLoad(BundledProfiles.GroupLibraryName)
            ?? throw new InvalidOperationException("the bundled group library profiles/syscall-groups.pol is missing from the build");
        var parsed = PolicyParser.Parse(source);
        if (parsed.File is null)
        {
            throw new InvalidOperationException("the bundled group library does not parse: " + string.Join("; ", parsed.Diagnostics));
        }
        return parsed.File.Groups.ToDictionary(g => g.Name.Text, StringComparer.Ordinal);
    }
}
