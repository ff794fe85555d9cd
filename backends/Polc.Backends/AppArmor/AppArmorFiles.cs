using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Text;

namespace Polc.Backends.AppArmor;

/// <summary>
/// File rules. Without `read`/`write`/`exec` rules the profile allows every file (`file,`, as docker-default);
/// with any of them it becomes an allow-list: those paths, the mounts the policy declares, and
/// `abstractions/base` (libraries, locale, /dev/null...). `deny` and `mask` are deny rules, which AppArmor
/// applies over any allow, whatever the order.
/// </summary>
/// <remarks>Permissions: read `r`; write `rwk` (`k` so a program can lock what it writes; no `l`, hard links
/// are not something the language grants); exec `mrix` (read, map executable, run inside this same profile);
/// deny `mrwklx`.</remarks>
internal static class AppArmorFiles
{
    [Flags]
    private enum Permission
    {
        None = 0,
        Map = 1,
        Read = 2,
        Write = 4,
        Lock = 8,
        Exec = 16,
    }

    private const string DenyAll = "mrwklx";

    public static bool IsAllowList(FilesystemPolicyIr filesystem) => filesystem.Rules.Any(r => r.Access != PathAccess.Deny);

    public static IEnumerable<string> AllowRules(FilesystemPolicyIr filesystem, SourceSpan fallback, List<Diagnostic> diagnostics)
    {
        if (!IsAllowList(filesystem))
        {
            return ["# the policy lists no read/write/exec paths: every file, less the deny rules below", "file,"];
        }
        if (!filesystem.Rules.Any(r => r.Access == PathAccess.Exec))
        {
            diagnostics.Add(DiagnosticCatalog.AppArmorNothingExecutable(filesystem.Rules.FirstOrDefault(r => r.Access != PathAccess.Deny)?.Span ?? fallback));
        }
        var permissions = new Dictionary<string, Permission>(StringComparer.Ordinal);
        var order = new List<string>();
        void Add(string path, Permission permission)
        {
            if (!permissions.TryGetValue(path, out var existing))
            {
                order.Add(path);
            }
            permissions[path] = existing | permission;
        }
        foreach (var rule in filesystem.Rules)
        {
            switch (rule.Access)
            {
                case PathAccess.Read: Add(AppArmorPattern.Rule(rule.Pattern), Permission.Read); break;
                case PathAccess.Write: Add(AppArmorPattern.Rule(rule.Pattern), Permission.Read | Permission.Write | Permission.Lock); break;
                case PathAccess.Exec: Add(AppArmorPattern.Rule(rule.Pattern), Permission.Map | Permission.Read | Permission.Exec); break;
            }
        }
        foreach (var tmpfs in filesystem.Tmpfs)
        {
            Add(AppArmorPattern.Subtree(tmpfs.Path), Permission.Read | Permission.Write | Permission.Lock);
        }
        foreach (var bind in filesystem.Binds)
        {
            Add(AppArmorPattern.Subtree(bind.Target), bind.ReadOnly ? Permission.Read : Permission.Read | Permission.Write | Permission.Lock);
        }
        return order.Select(path => $"{path} {Letters(permissions[path])},").Prepend("# the policy's read/write/exec paths and its mounts (everything else is denied)");
    }

    public static IEnumerable<string> DenyRules(FilesystemPolicyIr filesystem)
    {
        var rules = new List<string>();
        foreach (var rule in filesystem.Rules.Where(r => r.Access == PathAccess.Deny))
        {
            rules.Add($"deny {AppArmorPattern.Rule(rule.Pattern)} {DenyAll},");
        }
        foreach (var mask in filesystem.Masks)
        {
            rules.Add($"deny {AppArmorPattern.Rule(mask.Value)} {DenyAll},");
            rules.Add($"deny {AppArmorPattern.Subtree(mask.Value)} {DenyAll},");
        }
        var distinct = rules.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 0 ? [] : distinct.Prepend("# the policy's deny and mask paths");
    }

    private static string Letters(Permission permission) =>
        (permission.HasFlag(Permission.Map) ? "m" : "") +
        (permission.HasFlag(Permission.Read) ? "r" : "") +
        (permission.HasFlag(Permission.Write) ? "w" : "") +
        (permission.HasFlag(Permission.Lock) ? "k" : "") +
        (permission.HasFlag(Permission.Exec) ? "ix" : "");
}
