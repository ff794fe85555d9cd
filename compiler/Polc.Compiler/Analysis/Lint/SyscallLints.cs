using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Compiler.Analysis.Lint;

/// <summary>
/// Lint rules over syscall rules, computed on the compiled meaning (decision diagrams per
/// architecture and syscall): dangerous syscalls that run unfiltered (POL3001, POL3002), rules that
/// can never match (POL3040), repetitions (POL3041, POL3042) and risky defaults (POL3050, POL3051).
/// </summary>
internal static class SyscallLints
{
    public static IEnumerable<Diagnostic> Run(LintContext context)
    {
        var syscalls = context.Policy.Syscalls;
        var semantics = new SyscallSemantics();
        var analysis = new ChainAnalysis(semantics, RiskCatalog.HasSysAdmin(context.Policy.Capabilities));
        foreach (var arch in syscalls.Architectures)
        {
            foreach (var (number, chain) in SyscallSemantics.Chains(syscalls, arch))
            {
                SyscallTable.TryGetName(arch, number, out var name);
                analysis.Add(arch, name, chain, syscalls.DefaultAction);
            }
        }
        var diagnostics = new List<Diagnostic>();
        diagnostics.AddRange(analysis.Dangerous.Where(d => context.InScope(d.Location)));
        diagnostics.AddRange(DeadAndRepeatedRules(context, semantics, analysis));
        diagnostics.AddRange(Repetitions(context));
        diagnostics.AddRange(Defaults(context));
        return diagnostics;
    }

    /// <summary>Per chain: which entries are dead (shadowed within their own file) and which dangerous syscalls run unfiltered.</summary>
    private sealed class ChainAnalysis(SyscallSemantics semantics, bool sysAdmin)
    {
        private readonly DecisionDiagram _d = semantics.Diagram;

        /// <summary>Per syscall mention: live on some architecture, and the lines of earlier rules that decide it.</summary>
        public Dictionary<SyscallRefIr, (bool Alive, SortedSet<int> DecidedBy)> Mentions { get; } = [];

        public List<Diagnostic> Dangerous { get; } = [];

        public void Add(Arch arch, string name, List<ChainEntry> chain, SeccompAction defaultAction)
        {
            var covered = new Dictionary<SourceText, int>(ReferenceEqualityComparer.Instance);
            foreach (var entry in chain)
            {
                var source = entry.Rule.Span.Source;
                var condition = semantics.Condition(entry.Rule.Condition);
                var before = covered.GetValueOrDefault(source, _d.False);
                var alive = _d.And(condition, _d.Not(before)) != _d.False;
                if (!Mentions.TryGetValue(entry.Reference, out var mention))
                {
                    mention = (false, []);
                }
                if (!alive)
                {
                    foreach (var earlier in chain.TakeWhile(e => e != entry).Where(e => ReferenceEquals(e.Rule.Span.Source, source)))
                    {
                        if (_d.And(semantics.Condition(earlier.Rule.Condition), condition) != _d.False)
                        {
                            mention.DecidedBy.Add(earlier.Rule.Span.Line);
                        }
                    }
                }
                Mentions[entry.Reference] = (mention.Alive || alive, mention.DecidedBy);
                covered[source] = _d.Or(before, condition);
            }
            CheckDangerous(arch, name, chain, defaultAction);
        }

        private void CheckDangerous(Arch arch, string name, List<ChainEntry> chain, SeccompAction defaultAction)
        {
            if (RiskCatalog.Syscall(name) is not { } danger)
            {
                return;
            }
            var executes = semantics.Executes(semantics.Decision(chain, defaultAction));
            var flags = RiskCatalog.NamespaceFlagArgument(name, arch, sysAdmin);
            var bad = flags is { } f ? _d.And(executes, _d.Compare(f.Arg, f.Flags, CompareOp.Ne, 0))
                : name == "clone3" ? executes
                : executes == _d.True ? executes : _d.False;
            if (bad == _d.False || Culprit(chain, bad) is not { } culprit)
            {
                return;
            }
            var reference = culprit.Reference;
            Dangerous.Add(flags is { } g ? DiagnosticCatalog.NamespaceSyscallAllowed(reference.Span, name, reference.ViaGroup, $"arg{g.Arg}", sysAdmin)
                : name == "clone3" ? DiagnosticCatalog.Clone3Allowed(reference.Span, reference.ViaGroup)
                : DiagnosticCatalog.DangerousSyscallAllowed(reference.Span, name, reference.ViaGroup, danger.Why));
        }

        /// <summary>The first rule that lets part of the bad region run; null when only the default does (POL3051 covers that).</summary>
        private ChainEntry? Culprit(List<ChainEntry> chain, int bad)
        {
            var earlier = _d.False;
            foreach (var entry in chain)
            {
                var condition = semantics.Condition(entry.Rule.Condition);
                var reached = _d.And(condition, _d.Not(earlier));
                if (RiskCatalog.Strictness(entry.Rule.Action) == 0 && _d.And(reached, bad) != _d.False)
                {
                    return entry;
                }
                earlier = _d.Or(earlier, condition);
            }
            return null;
        }
    }

    /// <summary>POL3042 for a rule equal in meaning to an earlier one in the same file, else POL3040 for dead rules or dead names.</summary>
    private static IEnumerable<Diagnostic> DeadAndRepeatedRules(LintContext context, SyscallSemantics semantics, ChainAnalysis analysis)
    {
        var rules = context.Policy.Syscalls.Rules;
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            if (!context.InScope(rule.Span))
            {
                continue;
            }
            var names = rule.Syscalls.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            var repeated = rules.Take(i).FirstOrDefault(r => ReferenceEquals(r.Span.Source, rule.Span.Source)
                && r.Action == rule.Action
                && r.Syscalls.Select(s => s.Name).ToHashSet(StringComparer.Ordinal).SetEquals(names)
                && semantics.Condition(r.Condition) == semantics.Condition(rule.Condition));
            if (repeated is not null)
            {
                yield return DiagnosticCatalog.RuleRepeated(context.HeadOf(rule.Span), repeated.Span.Line);
                continue;
            }
            var mentions = rule.Syscalls.Where(analysis.Mentions.ContainsKey).Select(s => (Ref: s, Info: analysis.Mentions[s])).ToList();
            var dead = mentions.Where(m => !m.Info.Alive).ToList();
            if (dead.Count == 0)
            {
                continue;
            }
            if (dead.Count == mentions.Count)
            {
                yield return DiagnosticCatalog.RuleNeverMatches(context.HeadOf(rule.Span), Lines(dead.SelectMany(d => d.Info.DecidedBy)));
                continue;
            }
            foreach (var mention in dead.Where(d => d.Ref.ViaGroup is null))
            {
                yield return DiagnosticCatalog.SyscallNeverReachesRule(mention.Ref.Span, mention.Ref.Name, Lines(mention.Info.DecidedBy));
            }
            // A group member shadowed by an earlier rule is a deliberate carve-out; only a wholly dead group is reported.
            foreach (var group in mentions.Where(m => m.Ref.ViaGroup is not null).GroupBy(m => m.Ref.Span))
            {
                if (group.All(m => !m.Info.Alive))
                {
                    yield return DiagnosticCatalog.SyscallNeverReachesRule(group.Key, group.First().Ref.ViaGroup!, Lines(group.SelectMany(m => m.Info.DecidedBy)));
                }
            }
        }
    }

    private static string Lines(IEnumerable<int> lines)
    {
        var sorted = lines.Distinct().Order().ToList();
        return sorted.Count == 1 ? $"the rule at line {sorted[0]} already decides" : $"the rules at lines {string.Join(", ", sorted)} already decide";
    }

    /// <summary>POL3041: a name or group written twice in one rule, or a name also brought in by a group of the same rule.</summary>
    private static IEnumerable<Diagnostic> Repetitions(LintContext context)
    {
        foreach (var rule in context.Policy.Syscalls.Rules.Where(r => context.InScope(r.Span)))
        {
            var direct = rule.Syscalls.Where(s => s.ViaGroup is null).ToList();
            var groups = rule.Syscalls.Where(s => s.ViaGroup is not null).GroupBy(s => s.Span).ToList();
            foreach (var twice in direct.GroupBy(s => s.Name).Where(g => g.Count() > 1))
            {
                foreach (var again in twice.Skip(1))
                {
                    yield return DiagnosticCatalog.SyscallListedTwice(again.Span, again.Name, "listed twice");
                }
            }
            foreach (var twice in groups.GroupBy(g => g.First().ViaGroup!).Where(g => g.Count() > 1))
            {
                foreach (var again in twice.Skip(1))
                {
                    yield return DiagnosticCatalog.SyscallListedTwice(again.Key, twice.Key, "listed twice");
                }
            }
            foreach (var name in direct.DistinctBy(s => s.Name))
            {
                if (groups.FirstOrDefault(g => g.Any(member => member.Name == name.Name)) is { } group)
                {
                    yield return DiagnosticCatalog.SyscallListedTwice(name.Span, name.Name, $"already in `{group.First().ViaGroup}`");
                }
            }
        }
    }

    /// <summary>POL3051 for an allowing default, POL3050 for `errno EPERM` answering fallback probes.</summary>
    private static IEnumerable<Diagnostic> Defaults(LintContext context)
    {
        var syscalls = context.Policy.Syscalls;
        var action = syscalls.DefaultAction;
        if (RiskCatalog.Strictness(action) == 0 && context.InScope(syscalls.DefaultSpan))
        {
            yield return DiagnosticCatalog.DefaultAllows(syscalls.DefaultSpan!, action.ToString());
        }
        if (action != SeccompAction.Errno(1))
        {
            yield break;
        }
        // An implicit default counts as the file's own when its syscalls section is where it applies.
        var at = syscalls.DefaultSpan ?? (context.SyntaxOf(context.Root)?.Policies.FirstOrDefault()?.Sections.Any(s => s.Name.Text == "syscalls") == true
            ? context.SectionOrPolicyName("syscalls") : null);
        if (!context.InScope(at))
        {
            yield break;
        }
        var ruled = syscalls.Rules.SelectMany(r => r.Syscalls).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var probes = RiskCatalog.FallbackProbes
            .Where(p => !ruled.Contains(p) && syscalls.Architectures.Any(a => SyscallTable.Exists(a, p)))
            .ToList();
        if (probes.Count > 0)
        {
            var listed = string.Join(", ", probes.Take(4).Select(p => $"`{p}`")) + (probes.Count > 4 ? ", ..." : "");
            yield return DiagnosticCatalog.DefaultErrnoBlocksFallback(at!, listed, string.Join(", ", probes.Take(3)));
        }
    }
}
