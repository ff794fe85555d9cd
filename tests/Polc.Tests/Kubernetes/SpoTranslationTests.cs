using Polc.Backends.Kubernetes;
using Polc.Compiler.Semantics;
using Polc.Tests.AppArmor;
using Polc.Tests.SelinuxCil;
using Polc.Tests.Support;

namespace Polc.Tests.Kubernetes;

/// <summary>
/// The AppArmorProfile and SelinuxProfile carry no profile text: the Security Profiles Operator writes it. These tests
/// take the text SPO would write (<see cref="SpoTranslation"/>) to the real consumers: apparmor_parser compiles the
/// AppArmor profile and its automaton is asked what each path gets; secilc builds the SELinux module with the stand-in
/// host policy (tests/selinux/base.cil) and sesearch reads the rules back.
/// </summary>
public class SpoTranslationTests
{
    [SkippableFact]
    public void AppArmor_profile_written_from_the_abstract_grants_what_the_policy_says()
    {
        var manifest = KubernetesManifestTests.Emit(KubernetesManifestTests.Web);
        var profile = manifest.Kind("AppArmorProfile")!;
        var text = SpoTranslation.AppArmorProfile(profile["metadata"]!["name"]!.GetValue<string>(), profile["spec"]!);
        AppArmorParser.AssertAccepts(text);
        var dfa = AppArmorParser.Dfa(text);
        dfa.AssertAllows("/etc/nginx/", AppArmorDfa.Read, "the directory of `/etc/nginx/**` is readable, as polc's `**` includes it");
        dfa.AssertAllows("/etc/nginx/conf.d/site.conf", AppArmorDfa.Read);
        dfa.AssertRefuses("/etc/nginx/conf.d/site.conf", AppArmorDfa.Write);
        dfa.AssertAllows("/usr/lib/x86_64-linux-gnu/libc.so.6", AppArmorDfa.Read, "`{lib,share}` expanded");
        dfa.AssertAllows("/usr/share/nginx/index.html", AppArmorDfa.Read);
        dfa.AssertAllows("/var/log/nginx/access.log", AppArmorDfa.Read | AppArmorDfa.Write | AppArmorDfa.Lock);
        dfa.AssertAllows("/usr/sbin/nginx", AppArmorDfa.Read | AppArmorDfa.Map | AppArmorDfa.Exec);
        dfa.AssertRefuses("/usr/sbin/nginx", AppArmorDfa.Write);
        dfa.AssertAllows("/tmp/upload", AppArmorDfa.Write, "the tmpfs is writable");
        dfa.AssertAllows("/data/file", AppArmorDfa.Read, "the read-only bind is readable");
        dfa.AssertRefuses("/data/file", AppArmorDfa.Write);
        dfa.AssertRefuses("/srv/elsewhere", AppArmorDfa.Read | AppArmorDfa.Write | AppArmorDfa.Exec);
        var parsed = AppArmorParser.Describe(text);
        Assert.Contains("net_bind_service", parsed.Capabilities, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sys_admin", parsed.Capabilities, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public void Random_abstracts_pass_the_operator_and_the_parser_and_match_polc_paths()
    {
        for (var seed = 1; seed <= 60; seed++)
        {
            var source = new RandomLsmPolicy(seed).Source();
            var manifest = KubernetesManifestTests.Emit(source);
            var profile = manifest.Kind("AppArmorProfile")!;
            var abstract_ = profile["spec"]!["abstract"]!;
            var paths = new[] { abstract_["executable"]?["allowedExecutables"], abstract_["filesystem"]?["readOnlyPaths"], abstract_["filesystem"]?["readWritePaths"] }
                .SelectMany(list => list?.AsArray().Select(p => p!.GetValue<string>()) ?? []).ToList();
            Assert.All(paths, p => Assert.Matches(SpoTranslation.PathCheck, p)); // SPO's own check
            var text = SpoTranslation.AppArmorProfile(profile["metadata"]!["name"]!.GetValue<string>(), profile["spec"]!);
            AppArmorParser.AssertAccepts(text, $"\n--- seed {seed} ---\n{source}");

            // Each written read pattern: a path polc's matcher says it covers is readable under SPO's profile.
            var dfa = AppArmorParser.Dfa(text);
            foreach (var rule in manifest.Output.Policy.Filesystem.Rules.Where(r => r.Access == Compiler.Ir.PathAccess.Read && SpoPaths.Expand(r.Pattern) is not null))
            {
                var sample = Sample(rule.Pattern);
                Assert.True(GlobPattern.Matches(rule.Pattern, sample), $"the sample `{sample}` misses `{rule.Pattern}`");
                dfa.AssertAllows(sample, AppArmorDfa.Read, $"seed {seed}: `read \"{rule.Pattern}\"`");
            }
        }
    }

    /// <summary>A path the pattern matches: first alternatives, globs as one `x` (`**` as `x/x`).</summary>
    private static string Sample(string pattern)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{([^,}]*)[^}]*\\}", "$1");
        return text.Replace("**", "x/x", StringComparison.Ordinal).Replace("*", "x", StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_are_expanded_to_what_the_operator_can_write()
    {
        Assert.Equal(["/etc/nginx/", "/etc/nginx/**"], SpoPaths.Expand("/etc/nginx/**"));
        Assert.Equal(["/usr/lib/", "/usr/lib/**", "/usr/share/", "/usr/share/**"], SpoPaths.Expand("/usr/{lib,share}/**"));
        Assert.Equal(["/var/log/.log", "/var/log/*.log"], SpoPaths.Expand("/var/log/*.log")); // polc's `*` may match nothing
        Assert.Equal(["/a/b"], SpoPaths.Expand("/a//b"));
        Assert.Equal(["/a/**/b"], SpoPaths.Expand("/a/**/b"));
        Assert.Null(SpoPaths.Expand("/a b"));
        Assert.Null(SpoPaths.Expand("/a?"));
        Assert.Null(SpoPaths.Expand("/a,b"));
    }

    [Theory]
    [InlineData("/etc/**", "/etc/app.conf", true)]
    [InlineData("/etc/*", "/etc/a/b", false)]
    [InlineData("/etc/**", "/etc/a/b", true)]
    [InlineData("/var/*.log", "/var/x*", true)]
    [InlineData("/var/*.log", "/var/x*.txt", false)]
    [InlineData("/a/*/c", "/a/b/**", true)]
    [InlineData("/a", "/b", false)]
    public void Overlap_of_plain_paths(string a, string b, bool overlap)
    {
        Assert.Equal(overlap, SpoPaths.Overlap(a, b));
        Assert.Equal(overlap, SpoPaths.Overlap(b, a));
    }

    [Fact]
    public void SELinux_module_written_from_the_profile_builds_with_the_host_policy()
    {
        var manifest = KubernetesManifestTests.Emit(KubernetesManifestTests.Web);
        var profile = manifest.Kind("SelinuxProfile")!;
        var name = profile["metadata"]!["name"]!.GetValue<string>();
        using var policy = SelinuxPolicy.BuildOrFail(SpoTranslation.SelinuxCil(name, profile["spec"]!));
        var domain = name + ".process";
        Assert.True(policy.Allows(domain, domain, "tcp_socket", "listen"));
        Assert.True(policy.Allows(domain, "http_port_t", "tcp_socket", "name_bind"), "bind tcp 80, 443");
        Assert.True(policy.Allows(domain, "container_file_t", "file", "write"));
        Assert.False(policy.Allows(domain, domain, "udp_socket", "create"), "the policy allows no udp");
        Assert.DoesNotContain("capability", policy.Classes(domain)); // the operator refuses the class (POL2530)
    }

    [Fact]
    public void Random_selinux_profiles_build_with_the_host_policy()
    {
        for (var seed = 1; seed <= 25; seed++)
        {
            var source = new RandomLsmPolicy(seed).Source();
            var profile = KubernetesManifestTests.Emit(source).Kind("SelinuxProfile")!;
            using var policy = SelinuxPolicy.BuildOrFail(SpoTranslation.SelinuxCil(profile["metadata"]!["name"]!.GetValue<string>(), profile["spec"]!), $"\n--- seed {seed} ---\n{source}");
        }
    }
}
