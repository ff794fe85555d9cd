using System.Collections.Immutable;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Compiler.Analysis.Review;

/// <summary>
/// The semantic difference between two policies: what the program may do under one and not the
/// other. Syscalls are compared by behaviour (per architecture, per syscall number, over every
/// argument value, see <see cref="SyscallSemantics"/>), so reordering, regrouping, renaming or
/// rewriting a condition equivalently shows nothing. The other sections are compared by their
/// resolved values (sets, limits, flags), never by how they were written.
/// </summary>
public static partial class PolicyDiff
{
    public static PolicyDiffResult Compare(PolicyIr before, PolicyIr after)
    {
        var changes = new List<PolicyChange>();
        changes.AddRange(CompareSyscalls(before.Syscalls, after.Syscalls, RiskCatalog.HasSysAdmin(after.Capabilities)));
        changes.AddRange(CompareCapabilities(before.Capabilities, after.Capabilities));
        changes.AddRange(CompareFilesystem(before.Filesystem, after.Filesystem));
        changes.AddRange(CompareNetwork(before.Network, after.Network));
        changes.AddRange(CompareResources(before.Resources, after.Resources));
        changes.AddRange(CompareIsolation(before.Isolation, after.Isolation));
        changes.AddRange(CompareLabels(before.Labels, after.Labels));
        var sorted = changes
            .OrderBy(c => c.Area)
            .ThenByDescending(c => c.Risk)
            .ThenBy(c => c.Subject, StringComparer.Ordinal)
            .ThenBy(c => c.Message, StringComparer.Ordinal)
            .ToImmutableArray();
        return new PolicyDiffResult(before.Name, after.Name, sorted);
    }

    internal static ChangeClass Classify(SeccompAction before, SeccompAction after)
    {
        var (b, a) = (RiskCatalog.Strictness(before), RiskCatalog.Strictness(after));
        return a < b ? ChangeClass.Widens : a > b ? ChangeClass.Narrows : ChangeClass.Neutral;
    }

    // ---- syscalls ----

    private sealed record SyscallDelta(string Name, SeccompAction Before, SeccompAction After, string? When, RiskLevel Risk, Arch Arch);

    private static IEnumerable<PolicyChange> CompareSyscalls(SyscallPolicyIr before, SyscallPolicyIr after, bool sysAdmin)
    {
        var changes = new List<PolicyChange>();
        foreach (var arch in ArchInfo.All)
        {
            var (inBefore, inAfter) = (before.Architectures.Contains(arch), after.Architectures.Contains(arch));
            if (inBefore && !inAfter)
            {
                changes.Add(new PolicyChange(ReviewArea.Syscalls, "arch " + arch.Name(), ChangeClass.Narrows, RiskLevel.Low,
                    $"architecture `{arch.Name()}` removed: every syscall made under it is now killed", arch.Name(), null));
            }
            else if (!inBefore && inAfter)
            {
                changes.Add(new PolicyChange(ReviewArea.Syscalls, "arch " + arch.Name(), ChangeClass.Widens, RiskLevel.Medium,
                    $"architecture `{arch.Name()}` added: syscalls made under it now follow the policy instead of being killed", null, arch.Name()));
            }
        }
        if (before.DefaultAction != after.DefaultAction)
        {
            var changeClass = Classify(before.DefaultAction, after.DefaultAction);
            var risk = changeClass != ChangeClass.Widens ? RiskLevel.Low
                : RiskCatalog.Strictness(after.DefaultAction) == 0 ? RiskLevel.High : RiskLevel.Medium;
            changes.Add(new PolicyChange(ReviewArea.Syscalls, "default", changeClass, risk,
                $"default: {before.DefaultAction} → {after.DefaultAction} (every syscall that no rule names)",
                before.DefaultAction.ToString(), after.DefaultAction.ToString()));
        }

        var semantics = new SyscallSemantics();
        var deltas = new List<SyscallDelta>();
        foreach (var arch in ArchInfo.All.Where(a => before.Architectures.Contains(a) && after.Architectures.Contains(a)))
        {
            deltas.AddRange(CompareArch(semantics, before, after, arch, sysAdmin));
        }
        changes.AddRange(deltas
            .GroupBy(d => (d.Name, Before: d.Before.ToString(), After: d.After.ToString(), d.When))
            .Select(g =>
            {
                var first = g.First();
                var message = $"`{first.Name}`: {first.Before} → {first.After}" + (first.When is null ? "" : $" when {first.When}");
                return new PolicyChange(ReviewArea.Syscalls, first.Name, Classify(first.Before, first.After), g.Max(d => d.Risk), message,
                    g.Key.Before, g.Key.After, first.When)
                {
                    Arches = [.. g.Select(d => d.Arch).Distinct().Order().Select(a => a.Name())],
                };
            }));
        return changes;
    }

    private static IEnumerable<SyscallDelta> CompareArch(SyscallSemantics semantics, SyscallPolicyIr before, SyscallPolicyIr after, Arch arch, bool sysAdmin)
    {
        var diagram = semantics.Diagram;
        var chainsBefore = SyscallSemantics.Chains(before, arch);
        var chainsAfter = SyscallSemantics.Chains(after, arch);
        foreach (var number in chainsBefore.Keys.Union(chainsAfter.Keys).Order())
        {
            var chainBefore = chainsBefore.GetValueOrDefault(number) ?? [];
            var chainAfter = chainsAfter.GetValueOrDefault(number) ?? [];
            var decisionBefore = semantics.Decision(chainBefore, before.DefaultAction);
            var decisionAfter = semantics.Decision(chainAfter, after.DefaultAction);
            if (decisionBefore == decisionAfter)
            {
                continue;
            }
            SyscallTable.TryGetName(arch, number, out var name);
            var names = new ValueNames();
            foreach (var entry in chainBefore.Concat(chainAfter))
            {
                names.AddFrom(entry.Rule.Condition);
            }
            var describer = new RegionDescriber(diagram, names);
            var pairs = diagram.Apply(decisionBefore, decisionAfter, (b, a) => b << 16 | a);
            foreach (var pair in diagram.LeafValues(pairs))
            {
                var (b, a) = (pair >> 16, pair & 0xFFFF);
                if (a == b)
                {
                    continue;
                }
                var region = diagram.Where(pairs, v => v == pair);
                var (actionBefore, actionAfter) = (semantics.ActionOf(b), semantics.ActionOf(a));
                var when = region == diagram.True ? null : describer.Describe(region);
                yield return new SyscallDelta(name, actionBefore, actionAfter, when, SyscallRisk(diagram, name, arch, sysAdmin, actionBefore, actionAfter, region), arch);
            }
        }
    }

    /// <summary>A dangerous syscall that now runs is high risk when it runs without a filter (for clone and
    /// unshare: with namespace flags), medium with one; ordinary syscalls, gentler refusals and tightening are low.</summary>
    private static RiskLevel SyscallRisk(DecisionDiagram diagram, string name, Arch arch, bool sysAdmin, SeccompAction before, SeccompAction after, int region)
    {
        if (Classify(before, after) != ChangeClass.Widens || RiskCatalog.Syscall(name) is null)
        {
            return RiskLevel.Low;
        }
        switch (RiskCatalog.Strictness(after))
        {
            case > 1:
                return RiskLevel.Low; // still refused, only more gently
            case 1:
                return RiskLevel.Medium; // a supervisor may let it run
        }
        if (RiskCatalog.NamespaceFlagArgument(name, arch, sysAdmin) is { } flags)
        {
            var createsNamespaces = diagram.Compare(flags.Arg, flags.Flags, CompareOp.Ne, 0);
            return diagram.And(region, createsNamespaces) != diagram.False ? RiskLevel.High : RiskLevel.Low;
        }
        return region == diagram.True || name == "clone3" ? RiskLevel.High : RiskLevel.Medium;
    }
}
