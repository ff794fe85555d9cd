using Polc.Backends.AppArmor;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.AppArmor;

/// <summary>Every generated profile goes through apparmor_parser; what the parser built is then checked against the policy.</summary>
public class AppArmorProfileTests
{
    private static readonly AppArmorBackend Backend = new();

    public static TheoryData<string> RepositoryPolicies() => [.. BackendHarness.RepositoryPolicies("lsm").Select(f => Path.GetRelativePath(RepoPaths.Root, f))];

    [Theory]
    [MemberData(nameof(RepositoryPolicies))]
    public void Profiles_of_the_repository_policies_are_accepted_by_apparmor_parser(string file)
    {
        var output = BackendHarness.Emit(Backend, SourceText.FromFile(Path.Combine(RepoPaths.Root, file)));
        AppArmorParser.AssertAccepts(output.Text, $"\n(from {file})");
    }

    [Theory]
    [InlineData("web")]
    [InlineData("offline-worker")]
    [InlineData("odd-paths")]
    [InlineData("database")]
    public void Profiles_of_the_test_data_match_their_golden_files(string name)
    {
        var output = BackendHarness.Emit(Backend, SourceText.FromFile(Path.Combine(RepoPaths.TestData, "lsm", name + ".pol")));
        Baseline.Verify($"tests/Polc.Tests/AppArmor/Baselines/{name}.apparmor", output.Text);
    }

    [Fact]
    public void The_parser_call_rejects_broken_profiles()
    {
        var good = BackendHarness.Emit(Backend, "policy p {\n    filesystem {\n        read \"/etc/**\"\n        exec \"/bin/true\"\n    }\n}\n").Text;
        AppArmorParser.AssertAccepts(good);
        string[] broken =
        [
            good.Replace("/etc/{,**} r,", "/etc/{,** r,", StringComparison.Ordinal),
            good.Replace("/etc/{,**} r,", "/etc/a b r,", StringComparison.Ordinal),
            good.Replace("# no capabilities", "capability no_such_capability,", StringComparison.Ordinal),
            good.Replace("deny mount,", "deny mount", StringComparison.Ordinal),
            good[..good.LastIndexOf('}')],
            good.Replace("abi <abi/3.0>,", "abi <abi/no-such-abi>,", StringComparison.Ordinal),
            // A path ending in a backslash escaped the usual way: the lexer reads `\\"` as an escaped quote.
            good.Replace("/etc/{,**} r,", "\"/etc/x\\\\\" r,\n  \"/etc/y\" r,", StringComparison.Ordinal),
        ];
        foreach (var profile in broken)
        {
            Assert.NotEqual(good, profile);
            var result = AppArmorParser.Compile(profile);
            Assert.True(result.ExitCode != 0, $"apparmor_parser accepted a broken profile:\n{profile}");
        }
    }

    [Fact]
    public void Capabilities_are_exactly_the_allowed_set()
    {
        var output = BackendHarness.Emit(Backend, "policy p {\n    capabilities {\n        allow NET_BIND_SERVICE, CHOWN, SYS_NICE, AUDIT_READ\n        drop CHOWN\n    }\n}\n");
        var parsed = AppArmorParser.Describe(output.Text);
        Assert.Equal(["audit_read", "net_bind_service", "sys_nice"], parsed.Capabilities.Split(' ').Order(StringComparer.Ordinal));

        var none = AppArmorParser.Describe(BackendHarness.Emit(Backend, "policy p {\n}\n").Text);
        Assert.Equal("", none.Capabilities);
    }

    [Fact]
    public void Network_none_grants_no_inet_socket()
    {
        var output = BackendHarness.Emit(Backend, "policy p {\n    network none\n}\n");
        var parsed = AppArmorParser.Describe(output.Text);
        Assert.Equal("unix", parsed.Network);
        Assert.Equal(["inet", "inet6"], parsed.DenyNetwork.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Network_rules_follow_the_families_and_ports()
    {
        var unrestricted = AppArmorParser.Describe(BackendHarness.Emit(Backend, "policy p {\n}\n").Text);
        Assert.Equal("<all>", unrestricted.Network);

        var tcpOnly = AppArmorParser.Describe(BackendHarness.Emit(Backend, "policy p {\n    network {\n        allow tcp\n        deny raw\n    }\n}\n").Text);
        Assert.Equal("inet { stream } inet6 { stream }", tcpOnly.Network);
        Assert.Equal("inet { raw } inet6 { raw }", tcpOnly.DenyNetwork);

        var ipv4Ports = BackendHarness.Emit(Backend, "policy p {\n    network {\n        allow inet\n        bind tcp 80\n        connect udp 53\n    }\n}\n");
        Assert.Equal("inet { stream dgram }", AppArmorParser.Describe(ipv4Ports.Text).Network);
        Assert.Contains("POL2201", ipv4Ports.Codes);

        var portsOnly = AppArmorParser.Describe(BackendHarness.Emit(Backend, "policy p {\n    network {\n        bind tcp 8080\n    }\n}\n").Text);
        Assert.Equal("inet { stream } inet6 { stream }", portsOnly.Network);
    }

    [Fact]
    public void Allow_list_grants_what_each_rule_says_and_denies_win()
    {
        var output = BackendHarness.Emit(Backend, """
            policy p {
                filesystem {
                    read "/srv/app/conf/**"
                    write "/srv/app/data/*.db"
                    exec "/srv/app/bin/server"
                    deny "/srv/app/conf/secret/**"
                    tmpfs "/srv/app/tmp"
                    bind "/host/share" to "/srv/app/share" readonly
                    mask "/srv/app/hidden"
                }
            }
            """);
        var dfa = AppArmorParser.Dfa(output.Text);
        dfa.AssertAllows("/srv/app/conf/", AppArmorDfa.Read, "the directory of `/srv/app/conf/**` is readable");
        dfa.AssertAllows("/srv/app/conf/a/b.conf", AppArmorDfa.Read);
        dfa.AssertRefuses("/srv/app/conf/a/b.conf", AppArmorDfa.Write | AppArmorDfa.Exec);
        dfa.AssertAllows("/srv/app/data/x.db", AppArmorDfa.Read | AppArmorDfa.Write | AppArmorDfa.Lock);
        dfa.AssertRefuses("/srv/app/data/x.db", AppArmorDfa.Link | AppArmorDfa.Exec);
        dfa.AssertRefuses("/srv/app/data/sub/x.db", AppArmorDfa.Read);
        dfa.AssertAllows("/srv/app/bin/server", AppArmorDfa.Read | AppArmorDfa.Map | AppArmorDfa.Exec);
        dfa.AssertRefuses("/srv/app/bin/server", AppArmorDfa.Write);
        dfa.AssertRefuses("/srv/app/conf/secret/key", AppArmorDfa.Read | AppArmorDfa.Write | AppArmorDfa.Exec | AppArmorDfa.Map);
        dfa.AssertRefuses("/srv/app/conf/secret/", AppArmorDfa.Read);
        dfa.AssertAllows("/srv/app/tmp/x", AppArmorDfa.Write);
        dfa.AssertAllows("/srv/app/share/x", AppArmorDfa.Read);
        dfa.AssertRefuses("/srv/app/share/x", AppArmorDfa.Write);
        dfa.AssertRefuses("/srv/app/hidden", AppArmorDfa.Read);
        dfa.AssertRefuses("/srv/app/hidden/x", AppArmorDfa.Read);
        dfa.AssertRefuses("/srv/elsewhere/file", AppArmorDfa.Read | AppArmorDfa.Write | AppArmorDfa.Exec);
    }

    [Fact]
    public void Without_allow_rules_every_file_is_allowed_but_the_denied_ones_and_the_kernel_knobs()
    {
        var output = BackendHarness.Emit(Backend, "policy p {\n    filesystem {\n        deny \"/etc/shadow\", \"/root/**\"\n    }\n}\n");
        Assert.DoesNotContain("POL2205", output.Codes);
        var dfa = AppArmorParser.Dfa(output.Text);
        dfa.AssertAllows("/etc/passwd", AppArmorDfa.Read | AppArmorDfa.Write);
        dfa.AssertAllows("/usr/bin/env", AppArmorDfa.Exec | AppArmorDfa.Map);
        dfa.AssertRefuses("/etc/shadow", AppArmorDfa.Read | AppArmorDfa.Write | AppArmorDfa.Exec);
        dfa.AssertRefuses("/root/.bashrc", AppArmorDfa.Read);

        // /proc and /sys, as docker-default guards them.
        dfa.AssertAllows("/proc/1234/comm", AppArmorDfa.Write, "a process's own /proc files stay writable");
        dfa.AssertAllows("/proc/sys/kernel/shmmax", AppArmorDfa.Write, "IPC namespace sysctls stay writable");
        dfa.AssertAllows("/sys/fs/cgroup/memory.max", AppArmorDfa.Write);
        dfa.AssertAllows("/proc/meminfo", AppArmorDfa.Read);
        foreach (var path in new[] { "/proc/sysrq-trigger", "/proc/sys/kernel/sysrq", "/proc/sys/kernel/core_pattern", "/proc/sys/net/ipv4/ip_forward",
                                     "/proc/sys/vm/drop_caches", "/proc/acpi/wakeup", "/proc/irq/1/smp_affinity", "/sys/kernel/mm/ksm/run",
                                     "/sys/module/x/parameters/y", "/sys/fs/ext4/features/z", "/sys/firmware/efi/vars/x" })
        {
            dfa.AssertRefuses(path, AppArmorDfa.Write);
        }
        dfa.AssertRefuses("/proc/kcore", AppArmorDfa.Read);
        dfa.AssertRefuses("/sys/firmware/acpi/tables/DSDT", AppArmorDfa.Read);
        dfa.AssertRefuses("/sys/kernel/security/apparmor/policy", AppArmorDfa.Read);
    }

    [Fact]
    public void Signals_ptrace_and_mounts_are_scoped_to_the_profile()
    {
        var output = BackendHarness.Emit(Backend, "policy p {\n    apparmor \"polc-scoped\"\n}\n");
        var lines = output.Text.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("profile polc-scoped flags=(attach_disconnected,mediate_deleted) {", lines);
        Assert.Contains("signal (send,receive) peer=polc-scoped,", lines);
        Assert.Contains("ptrace (trace,read,tracedby,readby) peer=polc-scoped,", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("signal", StringComparison.Ordinal) && l.Contains("send", StringComparison.Ordinal) && !l.Contains("peer=polc-scoped", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("ptrace", StringComparison.Ordinal) && !l.Contains("peer=polc-scoped", StringComparison.Ordinal));
        Assert.Contains("deny mount,", lines);
        Assert.Contains("abi <abi/3.0>,", lines);
        AppArmorParser.AssertAccepts(output.Text);
    }

    [Fact]
    public void What_apparmor_cannot_express_is_reported()
    {
        Assert.Contains("POL2201", BackendHarness.Emit(Backend, "policy p {\n    network {\n        allow tcp\n        connect tcp 443\n    }\n}\n").Codes);
        Assert.Contains("POL2202", BackendHarness.Emit(Backend, "policy p {\n    capabilities {\n        allow CHECKPOINT_RESTORE\n    }\n}\n").Codes);
        Assert.DoesNotContain("POL2202", BackendHarness.Emit(Backend, "policy p {\n    capabilities {\n        allow BPF, PERFMON\n    }\n}\n").Codes);
        Assert.Contains("POL2203", BackendHarness.Emit(Backend, "policy p {\n    apparmor \"/usr/bin/app\"\n}\n").Codes);
        Assert.Contains("POL2204", BackendHarness.Emit(Backend, "policy p {\n    apparmor \"outer//inner\"\n}\n").Codes);
        Assert.Contains("POL2205", BackendHarness.Emit(Backend, "policy p {\n    filesystem {\n        read \"/etc/**\"\n    }\n}\n").Codes);
        Assert.Contains("POL2206", BackendHarness.Emit(Backend, "policy p {\n    apparmor \"unconfined\"\n}\n").Codes);
        Assert.Empty(BackendHarness.Emit(Backend, "policy p {\n    filesystem {\n        exec \"/bin/app\"\n    }\n}\n").Diagnostics);
    }

    [Fact]
    public void Output_is_deterministic()
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.TestData, "lsm", "odd-paths.pol"));
        Assert.Equal(BackendHarness.Emit(Backend, source).Text, BackendHarness.Emit(Backend, source).Text);
    }
}
