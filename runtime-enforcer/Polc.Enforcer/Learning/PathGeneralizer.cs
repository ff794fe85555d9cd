using System.Text.RegularExpressions;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Enforcer.Learning;

/// <param name="Covers">how many recorded paths the rule stands for (1 for a literal path).</param>
public sealed record LearnedPathRule(PathAccess Access, string Pattern, int Covers);

/// <summary>
/// Turns the recorded paths into few, readable rules. Per access (exec, then write, then read, each dropping
/// what the stronger ones already cover), paths form a tree; a directory with at least <see cref="Threshold"/>
/// distinct entries recorded below it becomes `DIR/**`, deepest first, so many libraries under
/// /usr/lib/x86_64-linux-gnu become "/usr/lib/x86_64-linux-gnu/**" while /usr/lib itself, like every top-level
/// directory and the other <see cref="Anchors"/>, is never widened. Other processes' /proc entries become
/// `/proc/*/...`; directories get a trailing `/`, as the kernel names them to AppArmor.
/// </summary>
public static class PathGeneralizer
{
    public const int Threshold = 3;

    /// <summary>Directories never turned into `DIR/**` whatever is read below them: too broad, or holding secrets.
    /// (Other processes' /proc entries are `/proc/*`, which is never widened either.)</summary>
    public static readonly IReadOnlyList<string> Anchors =
    [
        "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32", "/usr/libexec", "/usr/local",
        "/usr/local/*", "/usr/share", "/usr/include", "/usr/src", "/var/lib", "/var/log", "/var/cache", "/var/spool",
        "/var/run", "/var/tmp", "/run/user", "/home/*", "/etc/ssl", "/etc/pki", "/etc/security", "/etc/sudoers.d",
        "/sys/devices", "/sys/class", "/sys/bus", "/sys/kernel", "/sys/fs", "/sys/firmware", "/proc/sys",
    ];

    private static readonly Regex[] AnchorPatterns = [.. Anchors.Select(GlobPattern.ToRegex)];

    private sealed class Node
    {
        public readonly SortedDictionary<string, Node> Children = new(StringComparer.Ordinal);
        public bool Recorded;
        public bool Collapsed;
        public int Count;
    }

    public static IReadOnlyList<LearnedPathRule> Generalize(IReadOnlyDictionary<string, PathUse> paths, Func<string, bool>? isDirectory = null)
    {
        isDirectory ??= Directory.Exists;
        var normalized = new Dictionary<string, PathUse>(StringComparer.Ordinal);
        foreach (var (path, use) in paths)
        {
            var key = Normalize(path);
            normalized[key] = normalized.GetValueOrDefault(key) | use;
        }
        var rules = new List<LearnedPathRule>();
        foreach (var (access, use) in new[] { (PathAccess.Exec, PathUse.Exec), (PathAccess.Write, PathUse.Write), (PathAccess.Read, PathUse.Read) })
        {
            var stronger = rules.Select(r => GlobPattern.ToRegex(r.Pattern)).ToList();
            var mine = normalized
                .Where(p => access == PathAccess.Read ? p.Value == PathUse.Read : p.Value.HasFlag(use))
                .Select(p => p.Key)
                .Where(p => access != PathAccess.Read || !stronger.Any(r => r.IsMatch(p) || r.IsMatch(p + "/")))
                .ToList();
            rules.AddRange(ForAccess(access, mine, isDirectory));
        }
        return rules;
    }

    /// <summary>Process ids vary from run to run: another process's /proc entry is `/proc/*`, a thread's `task/*`.</summary>
    public static string Normalize(string path)
    {
        var parts = path.Split('/');
        if (parts.Length > 2 && parts[1] == "proc")
        {
            if (parts[2].All(char.IsAsciiDigit) && parts[2].Length > 0)
            {
                parts[2] = "*";
            }
            if (parts.Length > 4 && parts[3] == "task" && parts[4].All(char.IsAsciiDigit) && parts[4].Length > 0)
            {
                parts[4] = "*";
            }
        }
        // The language has no escape for glob characters: a name holding one matches as `*`.
        for (var i = 1; i < parts.Length; i++)
        {
            if (parts[i].IndexOfAny(['*', '{', '}', ',']) >= 0 && parts[i] != "*")
            {
                parts[i] = "*";
            }
        }
        return string.Join('/', parts);
    }

    private static IEnumerable<LearnedPathRule> ForAccess(PathAccess access, List<string> paths, Func<string, bool> isDirectory)
    {
        var root = new Node();
        foreach (var path in paths)
        {
            var node = root;
            foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!node.Children.TryGetValue(part, out var child))
                {
                    node.Children[part] = child = new Node();
                }
                node = child;
            }
            node.Recorded = true;
        }
        Collapse(root, "", 0);
        var rules = new List<LearnedPathRule>();
        Emit(root, "", access, isDirectory, rules);
        return rules;
    }

    private static void Collapse(Node node, string path, int depth)
    {
        foreach (var (name, child) in node.Children)
        {
            Collapse(child, path + "/" + name, depth + 1);
        }
        node.Count = (node.Recorded ? 1 : 0) + node.Children.Values.Sum(c => c.Count);
        node.Collapsed = depth >= 2 && node.Children.Count >= Threshold && !path.Contains('*') && !AnchorPatterns.Any(a => a.IsMatch(path));
    }

    private static void Emit(Node node, string path, PathAccess access, Func<string, bool> isDirectory, List<LearnedPathRule> rules)
    {
        if (node.Collapsed)
        {
            rules.Add(new LearnedPathRule(access, path + "/**", node.Count));
            return;
        }
        if (node.Recorded)
        {
            var directory = path.Length == 0 || (!path.Contains('*') && isDirectory(path));
            rules.Add(new LearnedPathRule(access, path.Length == 0 ? "/" : directory ? path + "/" : path, 1));
        }
        foreach (var (name, child) in node.Children)
        {
            Emit(child, path + "/" + name, access, isDirectory, rules);
        }
    }
}
