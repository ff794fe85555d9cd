using System.Collections.Immutable;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Compiler.Semantics;

/// <summary>
/// Merges a policy with its bases into the IR. The bases are linearised depth-first in the order
/// listed (a base reached twice counts once, at its first place). Single settings take the first
/// value in that order, so a policy overrides what it extends; rule lists concatenate in that order,
/// so a policy's own rules are tried before its bases'.
/// </summary>
internal static class PolicyMerger
{
    public static PolicyIr Merge(PolicyUnit root, DiagnosticBag diagnostics)
    {
        var order = Linearise(root);
        var syscalls = MergeSyscalls(root, order, diagnostics);
        var capabilities = MergeCapabilities(root, order, diagnostics);
        var network = MergeNetwork(root, order, diagnostics);
        var policy = new PolicyIr(
            root.Name,
            root.Span,
            [.. order.Skip(1).Select(u => u.Name)],
            syscalls,
            capabilities,
            MergeFilesystem(order),
            network,
            MergeResources(order),
            MergeIsolation(root, order, network),
            new LabelPolicyIr(
                root.AppArmor?.Value ?? "polc-" + root.Name,
                root.AppArmor?.Span,
                root.Selinux?.Value ?? SelinuxDefault(root.Name),
                root.Selinux?.Span),
            MergeExpectations(root, syscalls, capabilities, diagnostics));
        return policy;
    }

    private static List<PolicyUnit> Linearise(PolicyUnit root)
    {
        var order = new List<PolicyUnit>();
        void Visit(PolicyUnit unit)
        {
            if (order.Contains(unit))
            {
                return;
            }
            order.Add(unit);
            foreach (var baseUnit in unit.Bases)
            {
                Visit(baseUnit);
            }
        }
        Visit(root);
        return order;
    }

    private static T? First<T>(IEnumerable<PolicyUnit> order, Func<PolicyUnit, T?> pick) where T : class =>
        order.Select(pick).FirstOrDefault(v => v is not null);

    private static string SelinuxDefault(string name) =>
        new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()) + "_t";

    // ---- syscalls ----

    private static SyscallPolicyIr MergeSyscalls(PolicyUnit root, List<PolicyUnit> order, DiagnosticBag diagnostics)
    {
        var defaultAction = First(order, u => u.Default);
        var eperm = SeccompAction.Errno(1);
        var resolvedDefault = defaultAction?.Resolve(eperm) ?? eperm;
        var deny = resolvedDefault.Kind == SeccompActionKind.Errno ? resolvedDefault : eperm;
        var architectures = First(order, u => u.Architectures);
        ImmutableArray<Arch> arches = architectures is null ? [Arch.X86_64] : [.. architectures.Value];

        var rules = order
            .SelectMany(unit => unit.Rules.Select(rule => new SyscallRuleIr(
                rule.Action.Resolve(deny), [.. rule.Syscalls], rule.Condition, rule.Span, unit.Origin)))
            .ToImmutableArray();

        foreach (var rule in root.Rules)
        {
            foreach (var syscall in rule.Syscalls.Where(s => s.ViaGroup is null))
            {
                var missing = arches.Where(a => !SyscallTable.Exists(a, syscall.Name)).Select(a => a.Name()).ToList();
                if (missing.Count > 0)
                {
                    diagnostics.Add(DiagnosticCatalog.SyscallMissingOnArch(syscall.Span, syscall.Name, string.Join(", ", missing)));
                }
            }
        }
        return new SyscallPolicyIr(resolvedDefault, defaultAction?.Span, arches, architectures?.Span, rules);
    }

    // ---- capabilities ----

    private static CapabilityPolicyIr MergeCapabilities(PolicyUnit root, List<PolicyUnit> order, DiagnosticBag diagnostics)
    {
        var memo = new Dictionary<PolicyUnit, (SortedSet<Capability> Allowed, SortedSet<Capability> Ambient)>();
        (SortedSet<Capability>, SortedSet<Capability>) Compute(PolicyUnit unit)
        {
            if (memo.TryGetValue(unit, out var done))
            {
                return done;
            }
            var allowed = new SortedSet<Capability>();
            var ambient = new SortedSet<Capability>();
            foreach (var baseUnit in unit.Bases)
            {
                var (baseAllowed, baseAmbient) = Compute(baseUnit);
                allowed.UnionWith(baseAllowed);
                ambient.UnionWith(baseAmbient);
            }
            foreach (var step in unit.CapabilitySteps)
            {
                switch (step.Kind)
                {
                    case CapabilityStepKind.Allow or CapabilityStepKind.AllowAll:
                        allowed.UnionWith(step.Capabilities);
                        break;
                    case CapabilityStepKind.Drop:
                        allowed.ExceptWith(step.Capabilities);
                        ambient.ExceptWith(step.Capabilities);
                        break;
                    case CapabilityStepKind.Ambient:
                        ambient.UnionWith(step.Capabilities);
                        break;
                }
            }
            memo[unit] = (allowed, ambient);
            return (allowed, ambient);
        }

        var (finalAllowed, finalAmbient) = Compute(root);
        foreach (var step in root.CapabilitySteps.Where(s => s.Kind == CapabilityStepKind.Ambient))
        {
            foreach (var capability in step.Capabilities.Where(c => !finalAllowed.Contains(c)))
            {
                diagnostics.Add(DiagnosticCatalog.AmbientNotAllowed(step.Span, capability.ShortName));
            }
        }
        finalAmbient.IntersectWith(finalAllowed);
        return new CapabilityPolicyIr([.. finalAllowed], [.. finalAmbient], [.. order.SelectMany(u => u.CapabilitySteps)]);
    }

    // ---- filesystem ----

    private static FilesystemPolicyIr MergeFilesystem(List<PolicyUnit> order) => new(
        First(order, u => u.Root),
        First(order, u => u.ReadOnlyRoot),
        [.. order.SelectMany(u => u.PathRules)],
        [.. order.SelectMany(u => u.Tmpfs).DistinctBy(t => t.Path)],
        [.. order.SelectMany(u => u.Binds).DistinctBy(b => b.Target)],
        [.. order.SelectMany(u => u.Masks).DistinctBy(m => m.Value)]);

    // ---- network ----

    private static NetworkPolicyIr MergeNetwork(PolicyUnit root, List<PolicyUnit> order, DiagnosticBag diagnostics)
    {
        var none = First(order, u => u.NetworkNone);
        if (root.NetworkNone is { } rootNone && root.Families.FirstOrDefault(f => f.Allow) is { } allowed)
        {
            diagnostics.Add(DiagnosticCatalog.NetworkNoneConflict(allowed.Span, rootNone.Span.Line));
        }
        var families = order.SelectMany(u => u.Families).ToImmutableArray();
        var effective = NetworkAccess.None;
        if (none is null)
        {
            foreach (var rule in families.Where(f => f.Allow))
            {
                effective |= rule.Family.Access();
            }
            foreach (var rule in families.Where(f => !f.Allow))
            {
                effective &= ~rule.Family.Access();
            }
        }
        return new NetworkPolicyIr(
            none,
            families,
            [.. order.SelectMany(u => u.BindPorts)],
            [.. order.SelectMany(u => u.ConnectPorts)],
            effective);
    }

    // ---- resources ----

    private static ResourcePolicyIr MergeResources(List<PolicyUnit> order) => new(
        First(order, u => u.Memory),
        First(order, u => u.MemorySwap),
        First(order, u => u.MemoryReservation),
        First(order, u => u.Cpus),
        First(order, u => u.CpuWeight),
        First(order, u => u.Cpuset),
        First(order, u => u.Pids),
        First(order, u => u.IoWeight),
        [.. order.SelectMany(u => u.Io).DistinctBy(i => i.Device)],
        [.. order.SelectMany(u => u.Rlimits).DistinctBy(r => r.Name)]);

    // ---- isolation ----

    /// <summary>Namespaces accumulate across bases. Settings that need a namespace imply it:
    /// `network none` a net namespace, `hostname` a uts namespace, `map-users`/`map-groups` a user namespace.</summary>
    private static IsolationPolicyIr MergeIsolation(PolicyUnit root, List<PolicyUnit> order, NetworkPolicyIr network)
    {
        var namespaces = order.SelectMany(u => u.Namespaces).DistinctBy(n => n.Value).ToList();
        var hostname = First(order, u => u.Hostname);
        var uidMaps = order.FirstOrDefault(u => u.UidMaps.Count > 0)?.UidMaps ?? [];
        var gidMaps = order.FirstOrDefault(u => u.GidMaps.Count > 0)?.GidMaps ?? [];
        void Imply(NamespaceKind kind, Text.SourceSpan? because)
        {
            if (because is not null && namespaces.All(n => n.Value != kind))
            {
                namespaces.Add(new Setting<NamespaceKind>(kind, because));
            }
        }
        Imply(NamespaceKind.Net, network.None?.Span);
        Imply(NamespaceKind.Uts, hostname?.Span);
        Imply(NamespaceKind.User, uidMaps.FirstOrDefault()?.Span ?? gidMaps.FirstOrDefault()?.Span);
        return new IsolationPolicyIr(
            [.. namespaces.OrderBy(n => n.Value)],
            hostname,
            First(order, u => u.User),
            First(order, u => u.Group),
            [.. uidMaps],
            [.. gidMaps],
            First(order, u => u.NoNewPrivileges) ?? new Setting<bool>(true, root.Span));
    }

    // ---- expectations ----

    private static ImmutableArray<ExpectationIr> MergeExpectations(PolicyUnit root, SyscallPolicyIr syscalls, CapabilityPolicyIr capabilities, DiagnosticBag diagnostics)
    {
        var deny = syscalls.DefaultAction.Kind == SeccompActionKind.Errno ? syscalls.DefaultAction : SeccompAction.Errno(1);
        var result = ImmutableArray.CreateBuilder<ExpectationIr>();
        foreach (var expectation in root.Expectations)
        {
            switch (expectation)
            {
                case UnitSyscallExpectation call:
                    var outcome = call.AnyDeny ? ExpectedOutcome.Deny : new ExpectedOutcome(call.Action!.Resolve(deny), false);
                    result.Add(new SyscallExpectationIr(outcome, call.Syscall, [.. call.Args], call.Span));
                    break;
                case UnitCapabilityExpectation capability:
                    if (capabilities.Has(capability.Capability) != capability.Present)
                    {
                        diagnostics.Add(DiagnosticCatalog.CapabilityExpectationFailed(capability.Span, capability.Capability.ShortName, capability.Present));
                    }
                    result.Add(new CapabilityExpectationIr(capability.Capability, capability.Present, capability.Span));
                    break;
            }
        }
        return result.ToImmutable();
    }
}
