using System.Text.RegularExpressions;
using Polc.Backends.SelinuxCil;
using Polc.Compiler.Ir;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.SelinuxCil;

/// <summary>Every generated module is built by secilc with the stand-in base policy; the built policy is then
/// queried with setools to check that it grants what the policy says, and no more.</summary>
public partial class SelinuxModuleTests
{
    private static readonly SelinuxCilBackend Backend = new();

    public static TheoryData<string> RepositoryPolicies() => [.. BackendHarness.RepositoryPolicies("lsm").Select(f => Path.GetRelativePath(RepoPaths.Root, f))];

    [Fact]
    public void The_base_policy_builds_alone()
    {
        var (result, policy) = SelinuxPolicy.Build();
        using (policy)
        {
            Assert.True(policy is not null, SelinuxPolicy.Messages(result));
        }
    }

    [Fact]
    public void The_base_policy_declares_every_type_the_module_can_name_and_labels_ports_as_the_backend_assumes()
    {
        var text = File.ReadAllText(SelinuxPolicy.BasePath);
        var global = text[..text.IndexOf("(block container", StringComparison.Ordinal)];
        var declared = Declaration().Matches(global).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var named = SelinuxPortTypes.AllTypes.Concat(SelinuxFileTypes.AllTypes).Append("port_type").Append("node_type");
        var missing = named.Where(t => !declared.Contains(t)).ToList();
        Assert.True(missing.Count == 0, $"the module can name types the base does not declare: {string.Join(", ", missing)}");
        var unknownToBackend = declared.Where(t => !CilNames.HostTypes.Contains(t)).ToList();
        Assert.True(unknownToBackend.Count == 0, $"the base declares types the backend does not know are taken: {string.Join(", ", unknownToBackend)}");

        var portcons = Portcon().Matches(text).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}-{(m.Groups[3].Success ? m.Groups[3].Value : m.Groups[2].Value)} {m.Groups[4].Value}").Order(StringComparer.Ordinal);
        var expected = SelinuxPortTypes.Contexts.Select(c => $"{c.Protocol.ToString().ToLowerInvariant()} {c.From}-{c.To} {c.Type}").Order(StringComparer.Ordinal);
        Assert.Equal(expected, portcons);
    }

    [Theory]
    [MemberData(nameof(RepositoryPolicies))]
    public void Modules_of_the_repository_policies_build_with_the_base_policy(string file)
    {
        var output = BackendHarness.Emit(Backend, SourceText.FromFile(Path.Combine(RepoPaths.Root, file)));
        using var policy = SelinuxPolicy.BuildOrFail(output.Text, $"\n(from {file})");
    }

    [Theory]
    [InlineData("web")]
    [InlineData("offline-worker")]
    [InlineData("odd-paths")]
    [InlineData("database")]
    public void Modules_of_the_test_data_match_their_golden_files(string name)
    {
        var output = BackendHarness.Emit(Backend, SourceText.FromFile(Path.Combine(RepoPaths.TestData, "lsm", name + ".pol")));
        Baseline.Verify($"tests/Polc.Tests/SelinuxCil/Baselines/{name}.cil", output.Text);
    }

    [Fact]
    public void Secilc_rejects_broken_modules()
    {
        var good = BackendHarness.Emit(Backend, "policy p {\n    capabilities {\n        allow CHOWN\n    }\n    network {\n        allow tcp\n    }\n}\n").Text;
        using (SelinuxPolicy.BuildOrFail(good))
        {
        }
        string[] broken =
        [
            good.Replace("(capability (chown))", "(capability (no_such_permission))", StringComparison.Ordinal),
            good.Replace("(capability (chown))", "(no_such_class (chown))", StringComparison.Ordinal),
            good.Replace("(capability (chown))", "(capability2 (chown))", StringComparison.Ordinal),
            good.Replace("(blockinherit container)", "(blockinherit container)\n    (allow process no_such_t (file (read)))", StringComparison.Ordinal),
            good.Replace("(blockinherit container)", "(blockinherit no_such_template)", StringComparison.Ordinal),
            good.Replace("(block p\n", "(block container\n", StringComparison.Ordinal),
            good[..good.LastIndexOf(')')],
        ];
        foreach (var module in broken)
        {
            Assert.NotEqual(good, module);
            var (result, policy) = SelinuxPolicy.Build(module);
            policy?.Dispose();
            Assert.True(policy is null, $"secilc accepted a broken module:\n{module}");
        }
        // A missing type inside an optional block is not an error for secilc, but the tests catch it.
        var dropped = good.Replace("(optional uses_port_type", "(optional uses_port_type\n        (allow process no_such_port_t (tcp_socket (name_bind)))", StringComparison.Ordinal);
        Assert.NotEqual(good, dropped);
        var (droppedResult, droppedPolicy) = SelinuxPolicy.Build(dropped);
        droppedPolicy?.Dispose();
        Assert.Equal(["uses_port_type"], SelinuxPolicy.DisabledOptionals(droppedResult));
    }

    [Fact]
    public void Capabilities_are_exactly_the_allowed_set_in_capability_and_capability2()
    {
        var output = BackendHarness.Emit(Backend, "policy p {\n    capabilities {\n        allow CHOWN, NET_BIND_SERVICE, SETFCAP, MAC_ADMIN, BPF, CHECKPOINT_RESTORE\n        drop CHOWN\n    }\n}\n");
        using var policy = SelinuxPolicy.BuildOrFail(output.Text);
        Assert.Equal(["net_bind_service", "setfcap"], policy.Permissions("p.process", "p.process", "capability").Order(StringComparer.Ordinal));
        Assert.Equal(["bpf", "checkpoint_restore", "mac_admin"], policy.Permissions("p.process", "p.process", "capability2").Order(StringComparer.Ordinal));
        Assert.Empty(policy.Permissions("p.process", "p.process", "cap_userns"));

        var userns = BackendHarness.Emit(Backend, "policy q {\n    capabilities {\n        allow SETUID, BPF\n    }\n    isolation {\n        namespaces user\n    }\n}\n");
        using var usernsPolicy = SelinuxPolicy.BuildOrFail(userns.Text);
        Assert.Equal(["setuid"], usernsPolicy.Permissions("q.process", "q.process", "cap_userns"));
        Assert.Equal(["bpf"], usernsPolicy.Permissions("q.process", "q.process", "cap2_userns"));
    }

    [Fact]
    public void Network_none_grants_no_inet_socket()
    {
        using var policy = SelinuxPolicy.BuildOrFail(BackendHarness.Emit(Backend, "policy p {\n    network none\n}\n").Text);
        var classes = policy.Classes("p.process");
        Assert.Contains("unix_stream_socket", classes);
        Assert.DoesNotContain(classes, c => c is "tcp_socket" or "udp_socket" or "rawip_socket" or "packet_socket" or "icmp_socket" || c.StartsWith("netlink", StringComparison.Ordinal));
    }

    [Fact]
    public void Ports_are_granted_by_the_types_that_label_them()
    {
        var output = BackendHarness.Emit(Backend, """
            policy web {
                network {
                    allow tcp, udp
                    bind tcp 80, 443, 9000-9010
                    connect tcp 5432
                }
            }
            """);
        using var policy = SelinuxPolicy.BuildOrFail(output.Text);
        bool MayBind(int port) => policy.Allows("web.process", policy.PortType("tcp", port), "tcp_socket", "name_bind");
        bool MayConnect(int port) => policy.Allows("web.process", policy.PortType("tcp", port), "tcp_socket", "name_connect");
        Assert.True(MayBind(80) && MayBind(443) && MayBind(9000) && MayBind(9005) && MayBind(9010));
        Assert.False(MayBind(22), "no bind rule names port 22");
        Assert.False(MayBind(8080), "no bind rule names port 8080");
        Assert.True(MayConnect(5432));
        Assert.False(MayConnect(3306), "no connect rule names port 3306");
        Assert.True(policy.Allows("web.process", "node_t", "tcp_socket", "node_bind"));
        Assert.True(policy.Allows("web.process", policy.PortType("udp", 53), "udp_socket", "name_bind"), "udp has no bind rule, so every udp port");
        Assert.True(policy.Allows("web.process", "web.process", "tcp_socket", "listen"));

        using var open = SelinuxPolicy.BuildOrFail(BackendHarness.Emit(Backend, "policy p {\n    network {\n        allow tcp\n    }\n}\n").Text);
        Assert.True(open.Allows("p.process", open.PortType("tcp", 22), "tcp_socket", "name_connect"), "without connect rules every port");
        Assert.Empty(open.Permissions("p.process", "p.process", "udp_socket"));
    }

    [Fact]
    public void Files_are_granted_on_their_labels()
    {
        var output = BackendHarness.Emit(Backend, """
            policy app {
                filesystem {
                    read "/etc/app/**"
                    exec "/usr/bin/app"
                    exec "/data/bin/tool"
                    bind "/var/lib/app" to "/data"
                    bind "/etc/ssl" to "/ssl" readonly
                }
            }
            """);
        using var policy = SelinuxPolicy.BuildOrFail(output.Text);
        var containerFiles = policy.Permissions("app.process", "container_file_t", "file");
        Assert.All(new[] { "read", "open", "getattr", "execute", "execute_no_trans", "map" }, p => Assert.Contains(p, containerFiles));
        Assert.DoesNotContain("write", policy.Permissions("app.process", "container_file_t", "file"));
        Assert.Contains("write", policy.Permissions("app.process", "var_lib_t", "file"));
        Assert.Contains("execute", policy.Permissions("app.process", "var_lib_t", "file"));
        Assert.Contains("add_name", policy.Permissions("app.process", "var_lib_t", "dir"));
        Assert.Contains("read", policy.Permissions("app.process", "etc_t", "file"));
        Assert.DoesNotContain("write", policy.Permissions("app.process", "etc_t", "file"));
        Assert.DoesNotContain("link", policy.Permissions("app.process", "var_lib_t", "file"));
        Assert.Empty(policy.Permissions("app.process", "user_home_t", "file"));
        Assert.Contains("POL2302", output.Codes);
    }

    [Fact]
    public void The_selinux_type_is_an_alias_of_the_domain()
    {
        var output = BackendHarness.Emit(Backend, "policy web {\n    selinux type \"web_container_t\"\n}\n");
        using var policy = SelinuxPolicy.BuildOrFail(output.Text);
        Assert.Matches(@"type web\.process alias web_container_t", policy.TypeInfo("web_container_t"));
        Assert.Contains("container_domain", policy.TypeInfo("web.process"));

        var own = BackendHarness.Emit(Backend, "policy web {\n    selinux type \"web.process\"\n}\n");
        Assert.DoesNotContain("typealias", own.Text);
        Assert.Empty(own.Diagnostics);
    }

    [Theory]
    [InlineData("container", "container_policy")]
    [InlineData("_private", "polc__private")]
    [InlineData("web.v2", "web_v2")]
    [InlineData("x-y", "x-y")]
    public void Block_names_are_valid_cil_names_that_do_not_collide_with_templates(string policyName, string block)
    {
        var output = BackendHarness.Emit(Backend, $"policy {policyName} {{\n    selinux type \"fresh_t\"\n}}\n");
        Assert.StartsWith($"(block {block}\n", output.Text.Split("\n\n", 2)[1], StringComparison.Ordinal);
        using var policy = SelinuxPolicy.BuildOrFail(output.Text);
        Assert.Matches($@"type {Regex.Escape(block)}\.process alias fresh_t", policy.TypeInfo("fresh_t"));
    }

    [Fact]
    public void What_selinux_cannot_express_is_reported()
    {
        Assert.Contains("POL2301", BackendHarness.Emit(Backend, "policy p {\n    filesystem {\n        deny \"/etc/shadow\"\n    }\n}\n").Codes);
        Assert.Contains("POL2302", BackendHarness.Emit(Backend, "policy p {\n    filesystem {\n        write \"/var/log/**\"\n    }\n}\n").Codes);
        Assert.Contains("POL2303", BackendHarness.Emit(Backend, "policy p {\n    network {\n        allow udp\n        connect udp 53\n    }\n}\n").Codes);
        Assert.Contains("POL2304", BackendHarness.Emit(Backend, "policy p {\n    network {\n        allow inet\n    }\n}\n").Codes);
        Assert.DoesNotContain("POL2304", BackendHarness.Emit(Backend, "policy p {\n    network {\n        allow tcp, udp\n    }\n}\n").Codes);

        var undeclarable = BackendHarness.Emit(Backend, "policy p {\n    selinux type \"app.v2_t\"\n}\n");
        Assert.Contains("POL2305", undeclarable.Codes);
        Assert.DoesNotContain("typealias", undeclarable.Text);
        var taken = BackendHarness.Emit(Backend, "policy p {\n    selinux type \"container_t\"\n}\n");
        Assert.Contains("POL2306", taken.Codes);
        Assert.DoesNotContain("typealias", taken.Text);
        using (SelinuxPolicy.BuildOrFail(taken.Text))
        {
        }
    }

    [Fact]
    public void Output_is_deterministic()
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.TestData, "lsm", "database.pol"));
        Assert.Equal(BackendHarness.Emit(Backend, source).Text, BackendHarness.Emit(Backend, source).Text);
    }

    [GeneratedRegex(@"\((?:type|typeattribute) (\w+)\)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\(portcon (tcp|udp) \(?(\d+)(?: (\d+)\))? \(system_u object_r (\w+)")]
    private static partial Regex Portcon();
}
