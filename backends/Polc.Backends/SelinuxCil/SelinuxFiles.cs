using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Backends.SelinuxCil;

/// <summary>
/// File rules. SELinux decides by label, not by path, so each path maps to the type that labels it:
/// below a bind mount's target, the label of its host source (udica's approach, from a fixed table since polc
/// does not look at the host); anywhere else in the container, `container_file_t`, which labels every file the
/// engine puts there (the image and tmpfs mounts). Read, write and exec become the matching permissions on
/// `dir`, `file` and `lnk_file`; `deny` has no SELinux form.
/// </summary>
internal static class SelinuxFiles
{
    private static readonly (string Class, string[] Permissions)[] Read =
    [
        ("dir", ["getattr", "search", "open", "read", "ioctl", "lock"]),
        ("file", ["getattr", "open", "read", "ioctl", "lock", "map"]),
        ("lnk_file", ["getattr", "read"]),
    ];

    /// <summary>What write adds to read. No `link` (hard links), as in the AppArmor profile.</summary>
    private static readonly (string Class, string[] Permissions)[] Write =
    [
        ("dir", ["write", "add_name", "remove_name", "create", "setattr", "rmdir", "rename", "reparent"]),
        ("file", ["create", "write", "append", "setattr", "rename", "unlink"]),
        ("lnk_file", ["create", "setattr", "rename", "unlink"]),
    ];

    private static readonly (string Class, string[] Permissions)[] Exec =
    [
        ("file", ["execute", "execute_no_trans"]),
    ];

    public static void Add(FilesystemPolicyIr filesystem, CilRules files, List<Diagnostic> diagnostics)
    {
        foreach (var bind in filesystem.Binds)
        {
            Allow(files, SelinuxFileTypes.TypeOf(bind.Source), PathAccess.Read);
            if (!bind.ReadOnly)
            {
                Allow(files, SelinuxFileTypes.TypeOf(bind.Source), PathAccess.Write);
            }
        }
        PathRuleIr? firstInContainer = null;
        foreach (var rule in filesystem.Rules.Where(r => r.Access != PathAccess.Deny))
        {
            var bind = filesystem.Binds
                .Where(b => SelinuxFileTypes.IsUnder(LiteralDirectory(rule.Pattern), b.Target))
                .MaxBy(b => b.Target.Length);
            firstInContainer ??= bind is null ? rule : null;
            var type = bind is null ? SelinuxFileTypes.ContainerFile : SelinuxFileTypes.TypeOf(bind.Source);
            Allow(files, type, PathAccess.Read);
            if (rule.Access != PathAccess.Read)
            {
                Allow(files, type, rule.Access);
            }
        }
        if (firstInContainer is not null)
        {
            diagnostics.Add(DiagnosticCatalog.SelinuxPathsAreLabels(firstInContainer.Span, firstInContainer.Pattern, SelinuxFileTypes.ContainerFile));
        }
        foreach (var _ in filesystem.Tmpfs)
        {
            Allow(files, SelinuxFileTypes.ContainerFile, PathAccess.Read);
            Allow(files, SelinuxFileTypes.ContainerFile, PathAccess.Write);
        }
        var denials = filesystem.Rules.Where(r => r.Access == PathAccess.Deny).ToList();
        if (denials.Count > 0)
        {
            var shown = string.Join(", ", denials.Take(3).Select(d => $"`deny \"{d.Pattern}\"`"));
            var more = denials.Count > 3 ? $" and {denials.Count - 3} more" : "";
            diagnostics.Add(DiagnosticCatalog.SelinuxNoPathDeny(denials[0].Span, shown + more));
        }
    }

    private static void Allow(CilRules files, string type, PathAccess access)
    {
        var permissions = access switch { PathAccess.Read => Read, PathAccess.Write => Write, _ => Exec };
        foreach (var (@class, list) in permissions)
        {
            files.Allow(type, @class, list);
        }
    }

    /// <summary>The directory part of a pattern before its first glob, e.g. `/data/logs` for `/data/logs/*.log`.</summary>
    private static string LiteralDirectory(string pattern)
    {
        var glob = pattern.IndexOfAny(['*', '{']);
        if (glob < 0)
        {
            return pattern;
        }
        var slash = pattern.LastIndexOf('/', glob);
        return slash <= 0 ? "/" : pattern[..slash];
    }
}
