using System.Text;
using System.Text.Json.Nodes;
using Polc.Backends;
using Polc.Backends.Capabilities;
using Polc.Backends.Cgroups;
using Polc.Backends.Oci;
using Polc.Compiler.Text;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;

namespace Polc.Tests.Oci;

/// <summary>NAME.oci.json against the runtime spec's own JSON schema (TestData/oci-runtime-spec), on an example, on
/// random policies of three generators, and the mapping of each setting (the numbers the other backends share).</summary>
public class OciConfigTests
{
    /// <summary>The runtime-configuration example plus syscalls, masks, namespaces and labels.</summary>
    private static readonly string Web = Policies.Web.Replace("policy web {", """
        policy web {
            syscalls {
                default errno ENOSYS
                allow read, write, close, openat, mmap, execve, exit_group
                errno EXDEV mkdir
                allow socket if arg0 in [AF_INET, AF_INET6, AF_UNIX]
            }
            apparmor "polc-web"
            selinux type "web_container_t"
        """, StringComparison.Ordinal).Replace("readonly root", "readonly root\n        mask \"/etc/secret\"", StringComparison.Ordinal)
        .Replace("hostname \"web01\"", "namespaces pid, net, ipc, uts, cgroup\n        hostname \"web01\"", StringComparison.Ordinal);

    private static JsonNode Config(string source, out BackendHarness.Output output)
    {
        output = BackendHarness.Emit(new OciBackend(), source);
        return JsonNode.Parse(output.Text)!;
    }

    [Fact]
    public void Example_config_is_valid_and_reviewed()
    {
        var output = BackendHarness.Emit(new OciBackend(), Web);
        Assert.Empty(OciSchema.Errors(output.Text));
        Assert.Equal(output.Text, BackendHarness.Emit(new OciBackend(), Web).Text); // deterministic
        Baseline.Verify("tests/Polc.Tests/Oci/Baselines/web.oci.json", output.Text);
    }

    [Fact]
    public void The_schema_check_catches_a_broken_config()
    {
        var config = Config(Web, out _);
        config["linux"]!["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "nosuchns" });
        config["process"]!["capabilities"]!["bounding"]!.AsArray().Add(42);
        var errors = OciSchema.Errors(config.ToJsonString());
        Assert.Contains(errors, e => e.Contains("/linux/namespaces", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/process/capabilities/bounding", StringComparison.Ordinal));
    }

    [Fact]
    public void Random_policies_give_valid_configs()
    {
        var compiled = 0;
        foreach (var source in RandomRuntimePolicy.OfEveryKind(60))
        {
            var result = CompilationPipeline.Compile(new SourceText("random.pol", source), [new OciBackend()], BackendOptions.Default);
            if (result.HasErrors)
            {
                continue; // a policy the seccomp JSON model refuses (POL21xx) or an expectation that fails
            }
            compiled++;
            var text = Encoding.UTF8.GetString(Assert.Single(result.Artifacts).Content);
            var errors = OciSchema.Errors(text);
            Assert.True(errors.Count == 0, $"invalid config for\n{source}\n{string.Join("\n", errors)}");
        }
        Assert.True(compiled >= 150, $"only {compiled} of 180 random policies compiled");
    }

    [Fact]
    public void Settings_map_to_the_spec_units()
    {
        var config = Config(Web, out var output);
        var policy = output.Policy;
        var process = config["process"]!;
        var sets = CapabilityState.Configured(policy.Capabilities);
        string[] Names(string set) => [.. process["capabilities"]![set]!.AsArray().Select(n => n!.GetValue<string>())];
        Assert.Equal(CapabilityState.Names(sets.Bounding).Select(c => c.Name), Names("bounding"));
        Assert.Equal(CapabilityState.Names(sets.Effective).Select(c => c.Name), Names("effective"));
        Assert.Equal(["CAP_NET_BIND_SERVICE"], Names("ambient"));
        Assert.Equal(["CAP_NET_BIND_SERVICE"], Names("inheritable"));
        Assert.Equal(1000, process["user"]!["uid"]!.GetValue<int>());
        Assert.True(process["noNewPrivileges"]!.GetValue<bool>());
        Assert.Equal("polc-web", process["apparmorProfile"]!.GetValue<string>());
        Assert.Equal("system_u:system_r:web_container_t:s0", process["selinuxLabel"]!.GetValue<string>());
        var rlimit = process["rlimits"]!.AsArray().Single(r => r!["type"]!.GetValue<string>() == "RLIMIT_NOFILE")!;
        Assert.Equal((1024, 4096), (rlimit["soft"]!.GetValue<int>(), rlimit["hard"]!.GetValue<int>()));

        Assert.True(config["root"]!["readonly"]!.GetValue<bool>());
        Assert.Equal("rootfs", config["root"]!["path"]!.GetValue<string>());
        Assert.Equal("web01", config["hostname"]!.GetValue<string>());

        var resources = config["linux"]!["resources"]!;
        var mib = 1UL << 20;
        Assert.Equal(256 * mib, resources["memory"]!["limit"]!.GetValue<ulong>());
        Assert.Equal((256 + 64) * mib, resources["memory"]!["swap"]!.GetValue<ulong>()); // the spec's swap is memory + swap
        Assert.Equal(128 * mib, resources["memory"]!["reservation"]!.GetValue<ulong>());
        Assert.Equal(CgroupPlan.CpuQuotaUs(1.5m), resources["cpu"]!["quota"]!.GetValue<ulong>());
        Assert.Equal(CgroupPlan.CpuPeriodUs, resources["cpu"]!["period"]!.GetValue<ulong>());
        Assert.Equal(CgroupWeights.CpuSharesFromWeight(100), resources["cpu"]!["shares"]!.GetValue<uint>());
        Assert.Equal("0-1", resources["cpu"]!["cpus"]!.GetValue<string>());
        Assert.Equal(128, resources["pids"]!["limit"]!.GetValue<int>());
        Assert.Equal(CgroupWeights.BlkioWeightFromIoWeight(100), resources["blockIO"]!["weight"]!.GetValue<uint>());
        Assert.Null(resources["blockIO"]!["throttleReadBpsDevice"]);
        Assert.Contains("POL2501", output.Codes); // device numbers belong to the host that runs the container

        var linux = config["linux"]!;
        Assert.Equal(["pid", "network", "mount", "ipc", "uts", "cgroup"], linux["namespaces"]!.AsArray().Select(n => n!["type"]!.GetValue<string>()));
        Assert.Equal("SCMP_ACT_ERRNO", linux["seccomp"]!["defaultAction"]!.GetValue<string>());
        Assert.Equal(38, linux["seccomp"]!["defaultErrnoRet"]!.GetValue<int>()); // ENOSYS
        var masked = linux["maskedPaths"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Assert.Superset(OciMounts.DefaultMaskedPaths.ToHashSet(), masked.ToHashSet());
        Assert.Contains("/etc/secret", masked);

        var mounts = config["mounts"]!.AsArray();
        var tmp = mounts.Single(m => m!["destination"]!.GetValue<string>() == "/tmp")!;
        Assert.Equal(["nosuid", "nodev", "noexec", $"size={64 * mib}", "mode=1777"], tmp["options"]!.AsArray().Select(o => o!.GetValue<string>()));
        var data = mounts.Single(m => m!["destination"]!.GetValue<string>() == "/data")!;
        Assert.Equal(("bind", "/srv/data"), (data["type"]!.GetValue<string>(), data["source"]!.GetValue<string>()));
        Assert.Equal(["rbind", "ro"], data["options"]!.AsArray().Select(o => o!.GetValue<string>()));
    }

    [Fact]
    public void Namespaces_decide_the_default_mounts()
    {
        // No pid or net namespace: the host's /proc and /sys are bound (a new instance would show the host's anyway,
        // and cannot be made at all from a user namespace); no ipc namespace: no mqueue; a mount namespace always.
        var config = Config("policy bare {\n isolation { namespaces user }\n}\n", out _);
        var mounts = config["mounts"]!.AsArray().ToDictionary(m => m!["destination"]!.GetValue<string>(), m => m!);
        Assert.Equal("bind", mounts["/proc"]["type"]!.GetValue<string>());
        Assert.Equal("bind", mounts["/sys"]["type"]!.GetValue<string>());
        Assert.False(mounts.ContainsKey("/dev/mqueue"));
        Assert.DoesNotContain("gid=5", mounts["/dev/pts"]["options"]!.AsArray().Select(o => o!.GetValue<string>())); // group 5 unmapped
        var linux = config["linux"]!;
        Assert.Equal(["mount", "user"], linux["namespaces"]!.AsArray().Select(n => n!["type"]!.GetValue<string>()));
        // Without maps, root alone maps to root, as the launcher maps root to its caller.
        var map = linux["uidMappings"]!.AsArray().Single()!;
        Assert.Equal((0, 0, 1), (map["containerID"]!.GetValue<int>(), map["hostID"]!.GetValue<int>(), map["size"]!.GetValue<int>()));
    }

    [Fact]
    public void What_the_config_cannot_say_is_a_warning()
    {
        var output = BackendHarness.Emit(new OciBackend(), "policy p {\n network { bind tcp 80 }\n resources {\n  memory-swap 1MiB\n  io \"/dev/sda\" read 1MiB/s\n }\n}\n");
        Assert.Equal(["POL2401", "POL2413", "POL2501"], output.Codes.Order());
    }
}
