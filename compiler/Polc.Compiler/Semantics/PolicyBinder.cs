using Polc.Compiler.Diagnostics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

/// <summary>Source file to <see cref="Ir.PolicyIr"/>: parses it and every base it extends, binds each, merges them.</summary>
public sealed class PolicyBinder
{
    private readonly DiagnosticBag _diagnostics = new();
    private readonly Dictionary<string, PolicyUnit?> _loaded = new(StringComparer.Ordinal);
    private readonly List<(string Key, string Name)> _stack = [];

    private PolicyBinder()
    {
    }

    public static BindResult Bind(SourceText source)
    {
        var binder = new PolicyBinder();
        var (unit, syntax) = binder.LoadUnit(source, KeyOf(source), bundled: false);
        if (unit is null || binder._diagnostics.HasErrors)
        {
            return new BindResult(null, syntax, binder._diagnostics.Sorted());
        }
        var policy = PolicyMerger.Merge(unit, binder._diagnostics);
        return new BindResult(binder._diagnostics.HasErrors ? null : policy, syntax, binder._diagnostics.Sorted());
    }

    public static BindResult BindFile(string path)
    {
        SourceText source;
        try
        {
            source = SourceText.FromFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new BindResult(null, null, [DiagnosticCatalog.CannotRead(path, e.Message)]);
        }
        return Bind(source);
    }

    private (PolicyUnit? Unit, FileSyntax? Syntax) LoadUnit(SourceText source, string key, bool bundled)
    {
        var parsed = PolicyParser.Parse(source);
        _diagnostics.AddRange(parsed.Diagnostics);
        if (parsed.File is not { } file)
        {
            return (null, null);
        }
        if (file.Policies.Count == 0)
        {
            _diagnostics.Add(DiagnosticCatalog.NoPolicy(file.Groups.Count > 0 ? file.Groups[0].Span : new SourceSpan(source, new TextSpan(0, 0))));
            return (null, file);
        }
        foreach (var extra in file.Policies.Skip(1))
        {
            _diagnostics.Add(DiagnosticCatalog.SecondPolicy(extra.Name.Span));
        }
        var policy = file.Policies[0];
        var groups = GroupTable.ForFile(file, _diagnostics);
        var unit = new UnitBinder(_diagnostics, groups).Bind(policy, bundled);

        _stack.Add((key, policy.Name.Text));
        var seenBases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in policy.Bases)
        {
            if (ResolveBase(reference, source, bundled) is not { } resolved)
            {
                continue;
            }
            var (baseSource, baseBundled) = resolved;
            var baseKey = baseBundled ? "bundled:" + baseSource.Path : KeyOf(baseSource);
            if (!seenBases.Add(baseKey))
            {
                _diagnostics.Add(DiagnosticCatalog.DuplicateBase(reference.Span, reference.Text));
                continue;
            }
            var cycleStart = _stack.FindIndex(s => s.Key == baseKey);
            if (cycleStart >= 0)
            {
                var chain = string.Join(" -> ", _stack.Skip(cycleStart).Select(s => $"`{s.Name}`").Append($"`{_stack[cycleStart].Name}`"));
                _diagnostics.Add(DiagnosticCatalog.BaseCycle(reference.Span, chain));
                continue;
            }
            if (!_loaded.TryGetValue(baseKey, out var baseUnit))
            {
                baseUnit = LoadUnit(baseSource, baseKey, baseBundled).Unit;
                _loaded[baseKey] = baseUnit;
            }
            if (baseUnit is not null)
            {
                unit.Bases.Add(baseUnit);
            }
        }
        _stack.RemoveAt(_stack.Count - 1);
        return (unit, file);
    }

    private (SourceText Source, bool Bundled)? ResolveBase(BaseReferenceSyntax reference, SourceText from, bool fromBundled)
    {
        if (!reference.IsPath || fromBundled)
        {
            var name = reference.IsPath ? Path.GetFileNameWithoutExtension(reference.Text) : reference.Text;
            if (BundledProfiles.TryLoad(name) is { } bundled && name != BundledProfiles.GroupLibraryName)
            {
                return (bundled, true);
            }
            _diagnostics.Add(DiagnosticCatalog.BaseNotFound(reference.Span, reference.Text, SpellChecker.Suggest(name, BundledProfiles.Names)));
            return null;
        }
        // Shown relative when the including file was given relative, so diagnostics stay short and portable.
        var fullPath = Path.GetFullPath(reference.Text, Path.GetDirectoryName(from.FullPath)!);
        var displayPath = Path.IsPathRooted(reference.Text) || Path.IsPathRooted(from.Path)
            ? fullPath
            : NormalizeRelative(Path.Combine(Path.GetDirectoryName(from.Path) ?? "", reference.Text));
        try
        {
            return (SourceText.FromBytes(displayPath, File.ReadAllBytes(fullPath), fullPath), false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
            _diagnostics.Add(DiagnosticCatalog.BaseUnreadable(reference.Span, reference.Text, reason));
            return null;
        }
    }

    private static string KeyOf(SourceText source) => source.FullPath;

    /// <summary>`a/b/../c.pol` as `a/c.pol`, without making it absolute.</summary>
    public static string NormalizeRelative(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part is not ("." or ""))
            {
                parts.Add(part);
            }
        }
        return string.Join('/', parts);
    }
}
