using System.Globalization;
using System.Text;
using Polc.Compiler.Formatting;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Enforcer.Learning;

/// <param name="Name">the policy's name.</param>
/// <param name="Command">the recorded command line, for the header.</param>
public sealed record LearnSource(string Name, IReadOnlyList<string> Command, int ExitCode);

/// <summary>
/// Writes a recording as a readable policy: a header saying where it came from, syscalls grouped under the
/// bundled @groups with their counts, conditions for the argument values that matter, the capabilities the run
/// exercised and why, generalised paths, the network it used, and an `expect` block pinning what it saw and a
/// few dangerous calls it did not make. The text is run through the formatter, and checked to bind.
/// </summary>
public static class LearnedPolicyWriter
{
    private const int Width = 100;

    /// <summary>Calls a workload rarely needs and an attacker often does: the `expect` block pins the first few the
    /// run did not make as denied.</summary>
    public static readonly IReadOnlyList<string> Dangerous =
    [
        "ptrace", "mount", "bpf", "unshare", "setns", "process_vm_writev", "kexec_load", "init_module", "keyctl",
        "perf_event_open", "userfaultfd", "open_by_handle_at", "pivot_root", "chroot", "reboot",
    ];

    public static string Write(Recording recording, LearnSource source)
    {
        var w = new StringBuilder();
        Header(w, recording, source);
        w.Append($"policy {source.Name} {{\n");
        Syscalls(w, recording);
        Capabilities(w, recording);
        Filesystem(w, recording);
        Network(w, recording);
        Expect(w, recording);
        w.Append("}\n");
        return FormatChecked(w.ToString(), source.Name + ".pol");
    }

    /// <summary>Formats a policy that polc itself wrote; one that does not parse or bind is a bug, said loudly.</summary>
    public static string FormatChecked(string text, string path)
    {
        var formatted = PolicyFormatter.Format(new SourceText(path, text));
        if (formatted.Text is null)
        {
            throw new InvalidOperationException($"polc learn wrote a policy that does not parse (a bug):\n{string.Join("\n", formatted.Diagnostics)}\n{text}");
        }
        var bound = PolicyBinder.Bind(new SourceText(path, formatted.Text));
        if (bound.HasErrors)
        {
            throw new InvalidOperationException($"polc learn wrote a policy with errors (a bug):\n{string.Join("\n", bound.Diagnostics.Where(d => d.IsError))}\n{formatted.Text}");
        }
        return formatted.Text;
    }

    private static void Header(StringBuilder w, Recording recording, LearnSource source)
    {
        w.Append($"# Learned by `polc learn` from: {OneLine(Shell(source.Command))}\n");
        w.Append($"# {Describe(recording)}; exit status {source.ExitCode}.\n");
        w.Append("# It allows what that run did and denies the rest. Review it before use: a run sees one path\n");
        w.Append("# through a program. `polc check` it, tighten what is wider than needed, and learn again with\n");
        w.Append("# `--merge` to add other runs (docs/learn.md).\n");
    }

    public static string Describe(Recording recording)
    {
        var arches = string.Join(", ", recording.Architectures.Select(a => a.Name()));
        var processes = recording.Processes.Count;
        var threads = recording.Threads.Count;
        return $"{recording.Calls} calls of {recording.Syscalls.Keys.Select(k => k.Syscall).Distinct().Count()} syscalls on {arches}, " +
            $"{processes} process{(processes == 1 ? "" : "es")}, {threads} thread{(threads == 1 ? "" : "s")}";
    }

    private static void Syscalls(StringBuilder w, Recording recording)
    {
        var rules = new LearnedRules(recording);
        var arches = recording.Architectures.ToList();
        w.Append("    syscalls {\n");
        w.Append("        default errno EPERM\n");
        w.Append($"        arch {(arches.Count == 0 ? "x86_64" : string.Join(", ", arches.Select(a => a.Name())))}\n");
        var counts = recording.Syscalls.GroupBy(s => s.Key.Syscall).ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);
        foreach (var (group, names, whole) in Grouped(rules.Plain, arches))
        {
            w.Append('\n');
            var members = group is null ? 0 : SyscallGroups.Members(group).Count(m => arches.Any(a => SyscallTable.Exists(a, m)));
            var title = group is null ? "in no group" : whole ? $"{group}, all {members}" : $"{group}, {names.Count} of {members}";
            Comment(w, $"{title}: " + string.Join(", ", names.Select(n => counts.TryGetValue(n, out var count) ? $"{n} {count}" : $"{n} (always needed)")));
            List(w, "allow", whole ? [group!] : names);
        }
        if (rules.Conditioned.Count > 0)
        {
            w.Append('\n');
            foreach (var rule in rules.Conditioned)
            {
                Comment(w, rule.Comment);
                w.Append($"        {rule.Text}\n");
            }
        }
        if (rules.Fallbacks.Count > 0)
        {
            w.Append('\n');
            Comment(w, "newer calls the run did not make: libc falls back to older ones on ENOSYS");
            List(w, "errno ENOSYS", rules.Fallbacks);
        }
        w.Append("    }\n");
    }

    /// <summary>Groups the run used whole (every member that exists on the recorded architectures) first, as
    /// `@group`; then each remaining syscall under the first group in <see cref="SyscallGroups.Order"/> that holds it.</summary>
    private static IEnumerable<(string? Group, List<string> Names, bool Whole)> Grouped(IReadOnlyList<string> syscalls, IReadOnlyList<Arch> arches)
    {
        var remaining = new SortedSet<string>(syscalls, StringComparer.Ordinal);
        var wholes = new List<(string Group, List<string> Members)>();
        foreach (var group in SyscallGroups.Order)
        {
            var members = SyscallGroups.Members(group).Where(m => arches.Any(a => SyscallTable.Exists(a, m))).ToList();
            if (members.Count > 1 && members.All(remaining.Contains))
            {
                wholes.Add((group, members.Order(StringComparer.Ordinal).ToList()));
                remaining.ExceptWith(members);
            }
        }
        var byGroup = remaining.GroupBy(SyscallGroups.GroupOf).ToDictionary(g => g.Key ?? "", g => g.ToList());
        foreach (var group in SyscallGroups.Order)
        {
            if (wholes.FirstOrDefault(w => w.Group == group) is { Members: { } members })
            {
                yield return (group, members, true);
            }
            if (byGroup.TryGetValue(group, out var names))
            {
                yield return (group, names, false);
            }
        }
        if (byGroup.TryGetValue("", out var rest))
        {
            yield return (null, rest, false);
        }
    }

    private static void Capabilities(StringBuilder w, Recording recording)
    {
        if (recording.Capabilities.Count == 0)
        {
            return;
        }
        w.Append("\n    # capabilities the run exercised, each with the first call that needed it\n");
        w.Append("    capabilities {\n");
        foreach (var (capability, reason) in recording.Capabilities)
        {
            w.Append($"        allow {capability.ShortName}  # {OneLine(reason)}\n");
        }
        w.Append("    }\n");
    }

    private static void Filesystem(StringBuilder w, Recording recording)
    {
        var rules = PathGeneralizer.Generalize(recording.Paths);
        if (rules.Count == 0)
        {
            return;
        }
        w.Append("\n    # paths as AppArmor sees them (symlinks resolved); `DIR/**` where the run used many entries below DIR\n");
        w.Append("    filesystem {\n");
        var titles = new Dictionary<PathAccess, string>
        {
            [PathAccess.Exec] = "programs run and libraries mapped executable",
            [PathAccess.Write] = "written, created, renamed or removed",
            [PathAccess.Read] = "read (files) and listed (directories)",
        };
        foreach (var access in new[] { PathAccess.Exec, PathAccess.Write, PathAccess.Read })
        {
            var mine = rules.Where(r => r.Access == access).ToList();
            if (mine.Count == 0)
            {
                continue;
            }
            Comment(w, titles[access]);
            foreach (var rule in mine)
            {
                var note = rule.Covers > 1 ? $"  # {rule.Covers} paths" : "";
                w.Append($"        {access.ToString().ToLowerInvariant()} {Quote(rule.Pattern)}{note}\n");
            }
        }
        w.Append("    }\n");
    }

    private static void Network(StringBuilder w, Recording recording)
    {
        var families = Families(recording.Sockets);
        w.Append('\n');
        if (families.Count == 0)
        {
            w.Append("    # the run opened no socket: a network namespace of its own, with nothing in it\n");
            w.Append("    network none\n");
            return;
        }
        w.Append("    network {\n");
        w.Append($"        allow {string.Join(", ", families)}\n");
        foreach (var group in recording.Ports.GroupBy(p => (p.Bind, p.Protocol)))
        {
            var verb = group.Key.Bind ? "bind" : "connect";
            w.Append($"        {verb} {group.Key.Protocol.ToString().ToLowerInvariant()} {string.Join(", ", group.Select(p => p.Port.ToString(CultureInfo.InvariantCulture)))}\n");
        }
        w.Append("    }\n");
    }

    /// <summary>The language's family names for the socket kinds used: tcp and udp for either IP version.</summary>
    public static List<string> Families(NetworkAccess sockets)
    {
        var names = new List<string>();
        void Add(NetworkAccess kinds, string name)
        {
            if ((sockets & kinds) != 0)
            {
                names.Add(name);
            }
        }
        Add(NetworkAccess.Unix, "unix");
        Add(NetworkAccess.Inet4Stream | NetworkAccess.Inet6Stream, "tcp");
        Add(NetworkAccess.Inet4Dgram | NetworkAccess.Inet6Dgram, "udp");
        Add(NetworkAccess.InetRaw | NetworkAccess.Inet6Raw, "raw");
        Add(NetworkAccess.Packet, "packet");
        Add(NetworkAccess.Netlink, "netlink");
        return names;
    }

    private static void Expect(StringBuilder w, Recording recording)
    {
        var rules = new LearnedRules(recording);
        var arches = recording.Architectures.ToList();
        var counts = recording.Syscalls.GroupBy(s => s.Key.Syscall).ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);
        var frequent = rules.Plain.OrderByDescending(s => counts.GetValueOrDefault(s)).ThenBy(s => s, StringComparer.Ordinal).Take(4).Order(StringComparer.Ordinal).ToList();
        var used = counts.Keys.ToHashSet(StringComparer.Ordinal);
        var dangerous = Dangerous.Where(d => !used.Contains(d) && arches.All(a => SyscallTable.Exists(a, d))).Take(6).ToList();
        w.Append("\n    # checked on every compile against the compiled filter: what the run needs, and what it must not get\n");
        w.Append("    expect {\n");
        if (frequent.Count > 0)
        {
            w.Append($"        allow {string.Join(", ", frequent)}\n");
        }
        if (rules.Conditioned.FirstOrDefault(r => r.Syscall == "socket") is not null)
        {
            var families = recording.ArgumentValues.Where(v => v.Key.Syscall == "socket").SelectMany(v => v.Value).Distinct().Order().Take(3);
            w.Append($"        allow {string.Join(", ", families.Select(f => $"socket({ConstantNames.Name(f, ["AF_"])})"))}\n");
        }
        if (dangerous.Count > 0)
        {
            w.Append($"        deny {string.Join(", ", dangerous)}\n");
        }
        var families2 = recording.ArgumentValues.Where(v => v.Key.Syscall == "socket").SelectMany(v => v.Value).ToHashSet();
        var unseenFamilies = new[] { "AF_NETLINK", "AF_PACKET" }.Where(f => ConstantTable.TryGet(f, out var v) && !families2.Contains(v)).ToList();
        if (unseenFamilies.Count > 0)
        {
            w.Append($"        deny {string.Join(", ", unseenFamilies.Select(f => $"socket({f})"))}\n");
        }
        if (used.Contains("clone") || used.Contains("clone3"))
        {
            var flags = recording.CloneFlags.Values.Aggregate(0UL, (a, b) => a | b);
            if (ConstantTable.TryGet("CLONE_NEWUSER", out var newUser) && (flags & newUser) == 0)
            {
                w.Append("        deny clone(CLONE_NEWUSER)\n");
            }
        }
        foreach (var capability in recording.Capabilities.Keys)
        {
            w.Append($"        capability {capability.ShortName}\n");
        }
        foreach (var absent in new[] { "SYS_ADMIN", "NET_RAW", "SYS_PTRACE" })
        {
            if (!recording.Capabilities.Keys.Any(c => c.ShortName == absent))
            {
                w.Append($"        no capability {absent}\n");
            }
        }
        w.Append("    }\n");
    }

    /// <summary>`allow a, b, c` wrapped after commas at about <see cref="Width"/> columns (the formatter keeps the breaks).</summary>
    private static void List(StringBuilder w, string head, IReadOnlyList<string> items)
    {
        var line = new StringBuilder($"        {head} ");
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] + (i + 1 < items.Count ? "," : "");
            if (line.Length + item.Length + 1 > Width && line.Length > head.Length + 9)
            {
                w.Append(line.ToString().TrimEnd()).Append('\n');
                line.Clear().Append("            ");
            }
            line.Append(item).Append(' ');
        }
        w.Append(line.ToString().TrimEnd()).Append('\n');
    }

    /// <summary>A comment wrapped at about <see cref="Width"/> columns.</summary>
    private static void Comment(StringBuilder w, string text)
    {
        var line = new StringBuilder("        #");
        foreach (var word in OneLine(text).Split(' '))
        {
            if (line.Length + word.Length + 1 > Width && line.Length > 10)
            {
                w.Append(line).Append('\n');
                line.Clear().Append("        #  ");
            }
            line.Append(' ').Append(word);
        }
        w.Append(line).Append('\n');
    }

    public static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\t", "\\t") + "\"";

    /// <summary>Text safe on a comment line: control characters shown as `\n`, `\xNN`.</summary>
    public static string OneLine(string text) => string.Concat(text.Select(c => c switch
    {
        '\n' => "\\n",
        '\t' => "\\t",
        < ' ' or '\x7f' => $"\\x{(int)c:x2}",
        _ => c.ToString(),
    }));

    /// <summary>A command line as a shell would take it back: words quoted where needed.</summary>
    public static string Shell(IReadOnlyList<string> command) =>
        string.Join(' ', command.Select(a => a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=:,+@%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'"));
}
