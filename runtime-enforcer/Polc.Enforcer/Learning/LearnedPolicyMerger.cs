using System.Text;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Enforcer.Learning;

/// <param name="Notes">what the run did that the policy refuses on purpose (an explicit deny, a `drop`, a denied
/// path, `network none`, an expectation), left as it is.</param>
public sealed record MergeResult(string Text, IReadOnlyList<string> Notes, int Added);

/// <summary>
/// `polc learn --merge`: adds to an existing policy what a new run did and the policy does not yet allow, and
/// nothing else. The policy's text is kept (comments, order, hand-made tightening); additions go at the end of
/// their section under a comment naming the run, and the result is formatted. What the policy denies explicitly
/// is never overridden: a learned run is evidence of what a program does, not of what it should be allowed.
/// </summary>
public static class LearnedPolicyMerger
{
    private sealed record Edit(int Offset, string Text);

    public static MergeResult Merge(SourceText existing, PolicyIr policy, FileSyntax syntax, Recording recording, LearnSource source)
    {
        var declaration = syntax.Policies[0];
        var edits = new List<Edit>();
        var notes = new List<string>();
        var added = 0;
        var run = $"learned from: {LearnedPolicyWriter.OneLine(LearnedPolicyWriter.Shell(source.Command))}";

        var syscallLines = MissingSyscalls(policy, recording, notes);
        added += syscallLines.Count;
        var arches = recording.Architectures.Where(a => !policy.Syscalls.Architectures.Contains(a)).ToList();
        var archStatement = Section(declaration, "syscalls")?.Statements.FirstOrDefault(s => s.Head.Text == "arch");
        if (arches.Count > 0 && archStatement is not null)
        {
            edits.Add(new Edit(archStatement.Span.Span.End, ", " + string.Join(", ", arches.Select(a => a.Name()))));
        }
        else if (arches.Count > 0)
        {
            var all = policy.Syscalls.Architectures.Concat(arches).Select(a => a.Name());
            syscallLines.Insert(0, $"arch {string.Join(", ", all)}");
        }
        AddToSection(existing, declaration, "syscalls", syscallLines, run, edits);

        var pathLines = MissingPaths(policy.Filesystem, recording, notes);
        added += pathLines.Count;
        AddToSection(existing, declaration, "filesystem", pathLines, run, edits);

        var capabilityLines = MissingCapabilities(policy, recording, notes);
        added += capabilityLines.Count;
        AddToSection(existing, declaration, "capabilities", capabilityLines, run, edits);

        var networkLines = MissingNetwork(policy.Network, recording, notes);
        added += networkLines.Count;
        AddToSection(existing, declaration, "network", networkLines, run, edits);

        var header = $"# Merged with `polc learn`: {LearnedPolicyWriter.Describe(recording)}; exit status {source.ExitCode}; {run}\n";
        edits.Add(new Edit(LineStart(existing, declaration.Span.Span.Start), header));

        var text = new StringBuilder(existing.Text);
        foreach (var edit in edits.OrderByDescending(e => e.Offset))
        {
            text.Insert(edit.Offset, edit.Text);
        }
        return new MergeResult(LearnedPolicyWriter.FormatChecked(text.ToString(), existing.Path), notes, added);
    }

    /// <summary>The first rule that matches a call decides; no rule, the default.</summary>
    public static (SeccompAction Action, SyscallRuleIr? Rule) Evaluate(SyscallPolicyIr syscalls, string syscall, IReadOnlyList<ulong> args)
    {
        foreach (var rule in syscalls.Rules)
        {
            if (rule.Syscalls.Any(s => s.Name == syscall) && (rule.Condition is null || rule.Condition.Holds(args)))
            {
                return (rule.Action, rule);
            }
        }
        return (syscalls.DefaultAction, null);
    }

    private static List<string> MissingSyscalls(PolicyIr policy, Recording recording, List<string> notes)
    {
        var lines = new List<string>();
        var plain = new List<string>();
        var learned = new LearnedRules(recording);
        bool Allowed(string syscall, ulong[] args, string shown)
        {
            var (action, rule) = Evaluate(policy.Syscalls, syscall, args);
            if (action.Kind is SeccompActionKind.Allow or SeccompActionKind.Log)
            {
                return true;
            }
            if (rule is not null && !(syscall == "clone3" && action == SeccompAction.Errno(38)))
            {
                notes.Add($"the run made `{shown}`, which the policy refuses at {rule.Span} ({action}); left as it is");
                return true;
            }
            if (Expected(policy, syscall, args) is { } expectation)
            {
                notes.Add($"the run made `{shown}`, which the expectation at {expectation.Span} wants refused; left as it is");
                return true;
            }
            return rule is not null;
        }
        foreach (var syscall in learned.Plain)
        {
            if (!Allowed(syscall, new ulong[6], syscall))
            {
                plain.Add(syscall);
            }
        }
        if (plain.Count > 0)
        {
            lines.Add("allow " + string.Join(", ", plain));
        }
        foreach (var entry in ArgumentTable.Entries)
        {
            var values = recording.ArgumentValues.Where(v => v.Key.Syscall == entry.Syscall).SelectMany(v => v.Value).Distinct().Order();
            var missing = values.Where(v =>
            {
                var args = new ulong[6];
                args[entry.Arg] = v;
                return !Allowed(entry.Syscall, args, $"{entry.Syscall}(arg{entry.Arg} = {ConstantNames.Name(v, entry.Prefixes)})");
            }).ToList();
            if (missing.Count > 0)
            {
                var names = missing.Select(v => entry.Bits ? ConstantNames.Flags(v, entry.Prefixes) : ConstantNames.Name(v, entry.Prefixes));
                lines.Add($"allow {entry.Syscall} if arg{entry.Arg} in [{string.Join(", ", names)}]");
            }
        }
        if (learned.Conditioned.FirstOrDefault(r => r.Syscall == "clone") is { } clone)
        {
            var flags = recording.CloneFlags.Values.Aggregate(0UL, (a, b) => a | b);
            if (!Allowed("clone", [flags, 0, 0, 0, 0, 0], $"clone(0x{flags:x})"))
            {
                lines.Add(clone.Text);
            }
        }
        // clone3 refused by the default alone: say how (ENOSYS, so that libc falls back to clone).
        if (learned.Conditioned.FirstOrDefault(r => r.Syscall == "clone3") is { } clone3
            && Evaluate(policy.Syscalls, "clone3", new ulong[6]) is { Rule: null, Action.Kind: not (SeccompActionKind.Allow or SeccompActionKind.Log) })
        {
            lines.Add(clone3.Text);
        }
        return lines;
    }

    private static ExpectationIr? Expected(PolicyIr policy, string syscall, ulong[] args) =>
        policy.Expectations.OfType<SyscallExpectationIr>().FirstOrDefault(e =>
            e.Syscall == syscall && !e.Outcome.Matches(SeccompAction.Allow) && e.Args.Select((a, i) => a == args[i]).All(x => x));

    private static List<string> MissingPaths(FilesystemPolicyIr filesystem, Recording recording, List<string> notes)
    {
        if (!filesystem.Rules.Any(r => r.Access != PathAccess.Deny))
        {
            if (recording.Paths.Count > 0)
            {
                notes.Add("the policy lists no read/write/exec paths (it allows every file): no path rules added");
            }
            return [];
        }
        var rules = filesystem.Rules.Select(r => (r.Access, Regex: GlobPattern.ToRegex(r.Pattern), r.Span)).ToList();
        var missing = new Dictionary<string, PathUse>(StringComparer.Ordinal);
        foreach (var (raw, use) in recording.Paths)
        {
            var path = PathGeneralizer.Normalize(raw);
            bool Matches(PathAccess access) => rules.Any(r => r.Access == access && (r.Regex.IsMatch(path) || r.Regex.IsMatch(path + "/")));
            if (rules.FirstOrDefault(r => r.Access == PathAccess.Deny && (r.Regex.IsMatch(path) || r.Regex.IsMatch(path + "/"))) is { Span: not null } denied)
            {
                notes.Add($"the run used `{path}`, which the policy denies at {denied.Span}; left as it is");
                continue;
            }
            var needs = PathUse.None;
            if (use.HasFlag(PathUse.Exec) && !Matches(PathAccess.Exec)) needs |= PathUse.Exec;
            if (use.HasFlag(PathUse.Write) && !Matches(PathAccess.Write)) needs |= PathUse.Write;
            if (use == PathUse.Read && !Matches(PathAccess.Read) && !Matches(PathAccess.Write) && !Matches(PathAccess.Exec)) needs |= PathUse.Read;
            if (needs != PathUse.None)
            {
                missing[path] = needs;
            }
        }
        return PathGeneralizer.Generalize(missing)
            .Select(r => $"{r.Access.ToString().ToLowerInvariant()} {LearnedPolicyWriter.Quote(r.Pattern)}" + (r.Covers > 1 ? $"  # {r.Covers} paths" : ""))
            .ToList();
    }

    private static List<string> MissingCapabilities(PolicyIr policy, Recording recording, List<string> notes)
    {
        var lines = new List<string>();
        var capabilities = policy.Capabilities;
        foreach (var (capability, reason) in recording.Capabilities.Where(c => !capabilities.Has(c.Key)))
        {
            if (capabilities.Steps.LastOrDefault(s => s.Kind == CapabilityStepKind.Drop && s.Capabilities.Contains(capability)) is { } drop)
            {
                notes.Add($"the run exercised {capability.Name} ({reason}), which the policy drops at {drop.Span}; left as it is");
                continue;
            }
            if (policy.Expectations.OfType<CapabilityExpectationIr>().FirstOrDefault(e => !e.Present && e.Capability == capability) is { } expectation)
            {
                notes.Add($"the run exercised {capability.Name} ({reason}), which the expectation at {expectation.Span} rules out; left as it is");
                continue;
            }
            lines.Add($"allow {capability.ShortName}  # {LearnedPolicyWriter.OneLine(reason)}");
        }
        return lines;
    }

    private static List<string> MissingNetwork(NetworkPolicyIr network, Recording recording, List<string> notes)
    {
        var lines = new List<string>();
        var unrestricted = !network.IsNone && network.Families.IsEmpty && network.Binds.IsEmpty && network.Connects.IsEmpty;
        if (unrestricted)
        {
            return lines;
        }
        const NetworkAccess inet = ~NetworkAccess.Unix;
        if (network.IsNone && (recording.Sockets & inet) != 0)
        {
            notes.Add($"the run opened {string.Join(", ", LearnedPolicyWriter.Families(recording.Sockets & inet))} sockets, which `network none` at {network.None!.Span} refuses; left as it is");
            return lines;
        }
        var denied = network.Families.Where(f => !f.Allow).Aggregate(NetworkAccess.None, (all, f) => all | f.Family.Access());
        var missing = recording.Sockets & ~network.Effective;
        if ((missing & denied) != 0)
        {
            notes.Add($"the run opened {string.Join(", ", LearnedPolicyWriter.Families(missing & denied))} sockets, which the policy denies; left as it is");
        }
        var families = LearnedPolicyWriter.Families(missing & ~denied);
        if (!network.IsNone && families.Count > 0)
        {
            lines.Add($"allow {string.Join(", ", families)}");
        }
        foreach (var (bind, ports) in new[] { (true, network.Binds), (false, network.Connects) })
        {
            if (ports.IsEmpty)
            {
                continue; // no port rules: any port
            }
            var absent = recording.Ports.Where(p => p.Bind == bind && !ports.Any(r => r.Protocol == p.Protocol && p.Port >= r.From && p.Port <= r.To));
            foreach (var group in absent.GroupBy(p => p.Protocol))
            {
                lines.Add($"{(bind ? "bind" : "connect")} {group.Key.ToString().ToLowerInvariant()} {string.Join(", ", group.Select(p => p.Port))}");
            }
        }
        return lines;
    }

    private static SectionSyntax? Section(PolicySyntax policy, string name) => policy.Sections.FirstOrDefault(s => s.Name.Text == name);

    /// <summary>Lines go before the section's closing brace, or into a new section before the policy's.</summary>
    private static void AddToSection(SourceText source, PolicySyntax policy, string name, List<string> lines, string run, List<Edit> edits)
    {
        if (lines.Count == 0)
        {
            return;
        }
        var body = $"\n# {run}\n" + string.Concat(lines.Select(l => l + "\n"));
        if (Section(policy, name) is { } section)
        {
            edits.Add(new Edit(ClosingBrace(source, section.Span.Span.End), body));
        }
        else
        {
            // A new section goes before `expect`, which by habit closes a policy, or else at the end.
            var at = Section(policy, "expect") is { } expect ? CommentsAbove(source, LineStart(source, expect.Span.Span.Start)) : ClosingBrace(source, policy.Span.Span.End);
            edits.Add(new Edit(at, $"\n{name} {{{body}}}\n"));
        }
    }

    private static int ClosingBrace(SourceText source, int end)
    {
        var at = source.Text.LastIndexOf('}', Math.Max(0, end - 1));
        return at < 0 ? end : at;
    }

    /// <summary>The start of the comment lines right above a line (the line itself when there are none).</summary>
    private static int CommentsAbove(SourceText source, int lineStart)
    {
        while (lineStart > 0)
        {
            var previous = LineStart(source, lineStart - 1);
            if (!source.Text[previous..lineStart].TrimStart().StartsWith('#'))
            {
                break;
            }
            lineStart = previous;
        }
        return lineStart;
    }

    private static int LineStart(SourceText source, int offset) => source.Text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1;
}
