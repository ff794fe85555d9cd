using Polc.Backends.SelinuxCil;
using Polc.Backends.Support;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Backends.Kubernetes;

/// <summary>
/// The Security Profiles Operator's `SelinuxProfile` (v1alpha2): no CIL text, but `allow` maps of type → class →
/// permissions, which SPO turns into `(allow process TYPE (CLASS (PERMS)))` inside a block named after the object that
/// inherits the system's `container` template. The rules are the CIL backend's own (sockets, ports, files), from the
/// same tables; `@self` is the domain itself. SPO refuses the capability classes, so those rules are left out.
/// The Pod runs as `NAME.process`.
/// </summary>
public static class SpoSelinuxProfile
{
    public const string ApiVersion = "security-profiles-operator.x-k8s.io/v1alpha2";

    public static string Usage(string objectName) => objectName + ".process";

    /// <summary>The object's name, which SPO also uses as the CIL block's: a Kubernetes name that starts with a letter
    /// (as CIL names must) and is no template's block name (`-policy` added, as the CIL backend adds `_policy`).</summary>
    public static string ObjectName(string policyName)
    {
        var name = KubernetesNames.Label(policyName);
        name = char.IsAsciiLetter(name[0]) ? name : KubernetesNames.Label("polc-" + name);
        return CilNames.IsTemplateBlock(name) ? KubernetesNames.Label(name + "-policy") : name;
    }

    public static YamlMap Spec(PolicyIr policy, List<Diagnostic> diagnostics)
    {
        var sockets = new CilRules();
        var ports = new CilRules();
        var files = new CilRules();
        SelinuxNetwork.Add(policy.Network, policy.Span, sockets, ports, diagnostics);
        SelinuxFiles.Add(policy.Filesystem, files, diagnostics);
        if (!policy.Capabilities.Allowed.IsEmpty)
        {
            var at = policy.Capabilities.Steps.FirstOrDefault()?.Span ?? policy.Span;
            diagnostics.Add(DiagnosticCatalog.SpoSelinuxCapabilities(at, string.Join(", ", policy.Capabilities.Allowed.Select(c => c.ShortName))));
        }

        var allow = new YamlMap();
        var byTarget = new[] { sockets, ports, files }.SelectMany(r => r.Entries)
            .GroupBy(e => e.Target == CilRules.Self ? "@self" : e.Target);
        foreach (var target in byTarget)
        {
            var classes = new YamlMap();
            foreach (var byClass in target.GroupBy(e => e.Class))
            {
                var permissions = byClass.SelectMany(e => e.Permissions).Distinct(StringComparer.Ordinal);
                classes.Add(YamlScalar.Key(byClass.Key), new YamlSeq([.. permissions.Select(p => (YamlNode)YamlScalar.Str(p))]));
            }
            allow.Add(YamlScalar.Key(target.Key), classes);
        }
        return new YamlMap()
            .Add("inherit", new YamlSeq([new YamlMap().Add("kind", YamlScalar.Str("System")).Add("name", YamlScalar.Str("container"))]))
            .Add("allow", allow.Entries.Count > 0 ? allow : null);
    }
}
