using Polc.Backends.Support;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Text;

namespace Polc.Backends.Kubernetes;

/// <summary>
/// The Security Profiles Operator's `AppArmorProfile` (v1alpha1). Its spec takes no profile text, only an abstract of
/// allow lists, from which SPO writes the profile itself (crd2armor): executables `ixr` (and `mr` as libraries),
/// read-only paths `r` plus `deny wlk`, read-write paths `rwlk`, `network tcp|udp|raw`, capabilities. The profile SPO
/// loads is named after the object. docs/kubernetes.md lists what does not fit.
/// </summary>
public static class SpoAppArmorProfile
{
    public const string ApiVersion = "security-profiles-operator.x-k8s.io/v1alpha1";

    private static readonly string[] Everything = ["/**"];

    public static YamlMap Spec(PolicyIr policy, List<Diagnostic> diagnostics)
    {
        var abstract_ = new YamlMap()
            .Add("executable", Executable(policy, diagnostics))
            .Add("filesystem", Filesystem(policy, diagnostics))
            .Add("network", Network(policy, diagnostics))
            .Add("capability", policy.Capabilities.Allowed.IsEmpty ? null
                : new YamlMap().Add("allowedCapabilities", Strings(policy.Capabilities.Allowed.Select(c => c.ShortName.ToLowerInvariant()))));
        return new YamlMap().Add("abstract", abstract_);
    }

    private static bool IsAllowList(FilesystemPolicyIr fs) => fs.Rules.Any(r => r.Access != PathAccess.Deny);

    /// <summary>Exec rules, also as libraries: `exec` implies mmap (`m`), which SPO gives libraries only.</summary>
    private static YamlMap? Executable(PolicyIr policy, List<Diagnostic> diagnostics)
    {
        var fs = policy.Filesystem;
        var paths = IsAllowList(fs) ? Paths(fs.Rules.Where(r => r.Access == PathAccess.Exec), diagnostics) : [.. Everything];
        return paths.Count == 0 ? null : new YamlMap().Add("allowedExecutables", Strings(paths)).Add("allowedLibraries", Strings(paths));
    }

    private static YamlMap? Filesystem(PolicyIr policy, List<Diagnostic> diagnostics)
    {
        var fs = policy.Filesystem;
        if (fs.Rules.FirstOrDefault(r => r.Access == PathAccess.Deny) is { } deny)
        {
            diagnostics.Add(DiagnosticCatalog.SpoAppArmorDenyRules(deny.Span, $"deny \"{deny.Pattern}\""));
        }
        else if (fs.Masks.FirstOrDefault() is { } mask)
        {
            diagnostics.Add(DiagnosticCatalog.SpoAppArmorDenyRules(mask.Span, $"mask \"{mask.Value}\""));
        }
        if (!IsAllowList(fs))
        {
            return new YamlMap().Add("readWritePaths", Strings(Everything));
        }
        var writes = fs.Rules.Where(r => r.Access == PathAccess.Write)
            .Select(r => (r.Span, r.Pattern))
            .Concat(fs.Tmpfs.Select(t => (t.Span, Pattern: Subtree(t.Path))))
            .Concat(fs.Binds.Where(b => !b.ReadOnly).Select(b => (b.Span, Pattern: Subtree(b.Target))))
            .ToList();
        var reads = fs.Rules.Where(r => r.Access == PathAccess.Read).Select(r => (r.Span, r.Pattern))
            .Concat(fs.Binds.Where(b => b.ReadOnly).Select(b => (b.Span, Pattern: Subtree(b.Target))))
            .ToList();
        var readWrite = Paths(writes, diagnostics);
        var readOnly = Paths(reads, diagnostics);
        if (fs.Rules.FirstOrDefault(r => r.Access == PathAccess.Write) is { } write)
        {
            diagnostics.Add(DiagnosticCatalog.SpoAppArmorLink(write.Span));
        }
        foreach (var read in fs.Rules.Where(r => r.Access == PathAccess.Read))
        {
            if (writes.FirstOrDefault(w => Overlaps(read.Pattern, w.Pattern)) is { Pattern: not null } overlapped)
            {
                diagnostics.Add(DiagnosticCatalog.SpoAppArmorReadOverlapsWrite(read.Span, read.Pattern, overlapped.Pattern));
            }
        }
        var map = new YamlMap()
            .Add("readOnlyPaths", readOnly.Count > 0 ? Strings(readOnly) : null)
            .Add("readWritePaths", readWrite.Count > 0 ? Strings(readWrite) : null);
        return map.Entries.Count > 0 ? map : null;
    }

    private static YamlMap Network(PolicyIr policy, List<Diagnostic> diagnostics)
    {
        var summary = NetworkSummary.Of(policy.Network);
        const NetworkAccess tcp = NetworkAccess.Inet4Stream | NetworkAccess.Inet6Stream;
        const NetworkAccess udp = NetworkAccess.Inet4Dgram | NetworkAccess.Inet6Dgram;
        const NetworkAccess raw = NetworkAccess.InetRaw | NetworkAccess.Inet6Raw;
        var at = policy.Network.Families.FirstOrDefault()?.Span ?? policy.Network.None?.Span ?? policy.Span;
        var other = new[] { (NetworkAccess.Unix, "unix"), (NetworkAccess.Netlink, "netlink"), (NetworkAccess.Packet, "packet") }
            .Where(f => summary.AllowsAny(f.Item1)).Select(f => f.Item2).ToList();
        if (other.Count > 0)
        {
            diagnostics.Add(DiagnosticCatalog.SpoAppArmorFamilies(at, string.Join(", ", other)));
        }
        foreach (var kind in new[] { tcp, udp, raw })
        {
            if (!summary.Unrestricted && (summary.Allowed & kind) != 0 && (summary.Allowed & kind) != kind)
            {
                var family = policy.Network.Families.FirstOrDefault(f => f.Allow && (f.Family.Access() & kind) != 0);
                diagnostics.Add(DiagnosticCatalog.SpoAppArmorIpVersion(family?.Span ?? at, family?.Family.Name() ?? "inet"));
                break;
            }
        }
        return new YamlMap()
            .Add("allowRaw", YamlScalar.Bool(summary.AllowsAny(raw)))
            .Add("allowedProtocols", new YamlMap()
                .Add("allowTcp", YamlScalar.Bool(summary.AllowsAny(tcp)))
                .Add("allowUdp", YamlScalar.Bool(summary.AllowsAny(udp))));
    }

    private static string Subtree(string path) => path.TrimEnd('/') + "/**";

    private static List<string> Paths(IEnumerable<PathRuleIr> rules, List<Diagnostic> diagnostics) =>
        Paths(rules.Select(r => (r.Span, r.Pattern)), diagnostics);

    /// <summary>Each pattern's plain paths, in order, once; a pattern that cannot be written is left out (POL2521).</summary>
    private static List<string> Paths(IEnumerable<(SourceSpan Span, string Pattern)> patterns, List<Diagnostic> diagnostics)
    {
        var paths = new List<string>();
        foreach (var (span, pattern) in patterns)
        {
            if (SpoPaths.Expand(pattern) is { } expanded)
            {
                paths.AddRange(expanded.Where(p => !paths.Contains(p)));
            }
            else
            {
                diagnostics.Add(DiagnosticCatalog.SpoAppArmorPathLeftOut(span, pattern));
            }
        }
        return paths;
    }

    private static bool Overlaps(string read, string write) =>
        SpoPaths.Expand(read) is { } reads && SpoPaths.Expand(write) is { } writes && reads.Any(r => writes.Any(w => SpoPaths.Overlap(r, w)));

    private static YamlSeq Strings(IEnumerable<string> items) => new([.. items.Select(i => (YamlNode)YamlScalar.Str(i))]);
}
