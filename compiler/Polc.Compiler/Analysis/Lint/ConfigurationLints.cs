using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Analysis.Lint;

/// <summary>Lint rules outside syscalls: capabilities (POL3010, POL3011), limits (POL3020, POL3021), /proc and /sys (POL3030).</summary>
internal static class ConfigurationLints
{
    public static IEnumerable<Diagnostic> Run(LintContext context) =>
        Capabilities(context).Concat(Limits(context)).Concat(KernelInterfaces(context));

    private static IEnumerable<Diagnostic> Capabilities(LintContext context)
    {
        var final = context.Policy.Capabilities;
        foreach (var step in final.Steps.Where(s => context.InScope(s.Span)))
        {
            if (step.Kind == CapabilityStepKind.AllowAll)
            {
                var dangerous = RiskCatalog.Capabilities.Where(c => c.Risk == RiskLevel.High).Take(3).Select(c => $"`{c.Name[4..]}`");
                var all = context.Statement(step.Span)?.Arguments.FirstOrDefault()?.Span ?? step.Span;
                yield return DiagnosticCatalog.AllCapabilities(all, string.Join(", ", dangerous) + " and every other");
                continue;
            }
            if (step.Kind != CapabilityStepKind.Allow)
            {
                continue;
            }
            foreach (var capability in step.Capabilities.Where(final.Has))
            {
                var rating = RiskCatalog.Capability(capability);
                if (rating.Risk == RiskLevel.High)
                {
                    yield return DiagnosticCatalog.DangerousCapability(NameSpan(context, step.Span, capability), capability.ShortName, rating.Why);
                }
            }
        }
    }

    /// <summary>The word naming a capability inside its statement (`SYS_ADMIN` or `cap_sys_admin`).</summary>
    private static SourceSpan NameSpan(LintContext context, SourceSpan statement, Capability capability) =>
        context.Statement(statement)?.Arguments
            .OfType<WordArgument>()
            .FirstOrDefault(w => CapabilityTable.TryParse(w.Word, out var parsed) && parsed == capability)?.Span ?? statement;

    private static IEnumerable<Diagnostic> Limits(LintContext context)
    {
        var resources = context.Policy.Resources;
        if (resources.Memory is null)
        {
            yield return DiagnosticCatalog.NoMemoryLimit(context.SectionOrPolicyName("resources"));
        }
        if (resources.Pids is null)
        {
            yield return DiagnosticCatalog.NoPidsLimit(context.SectionOrPolicyName("resources"));
        }
    }

    /// <summary>Write rules (and writable binds) reaching /proc or /sys, unless a deny rule covers the same place (deny wins).</summary>
    private static IEnumerable<Diagnostic> KernelInterfaces(LintContext context)
    {
        var fs = context.Policy.Filesystem;
        var denies = fs.Rules.Where(r => r.Access == PathAccess.Deny).Select(r => r.Pattern).ToList();
        bool Denied(string path) => denies.Any(d => GlobPattern.Matches(d, path));
        foreach (var rule in fs.Rules.Where(r => r.Access == PathAccess.Write && context.InScope(r.Span)))
        {
            var reached = RiskCatalog.KernelInterfacePaths.FirstOrDefault(p => GlobPattern.Matches(rule.Pattern, p) && !Denied(p));
            if (reached is not null)
            {
                yield return DiagnosticCatalog.WritableKernelInterface(rule.Span, $"write \"{rule.Pattern}\"", reached);
            }
        }
        foreach (var bind in fs.Binds.Where(b => !b.ReadOnly && context.InScope(b.Span)))
        {
            var reached = RiskCatalog.KernelInterfacePaths.FirstOrDefault(p => p == bind.Source || p.StartsWith(bind.Source.TrimEnd('/') + "/", StringComparison.Ordinal));
            if (reached is not null)
            {
                var source = context.Statement(bind.Span)?.Arguments.OfType<StringArgument>().FirstOrDefault()?.Span ?? bind.Span;
                yield return DiagnosticCatalog.WritableKernelInterface(source, $"bind \"{bind.Source}\"", reached);
            }
        }
    }
}
