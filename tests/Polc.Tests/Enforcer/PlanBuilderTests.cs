using System.Runtime.Versioning;
using Polc.Backends;
using Polc.Backends.Plan;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Enforcer.Plan;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Enforcer;

/// <summary>The decisions the C# side takes for the launcher, checked on the plan (no kernel needed).</summary>
[SupportedOSPlatform("linux")]
public class PlanBuilderTests
{
    private static (EnforcerPlan Plan, IReadOnlyList<Diagnostic> Diagnostics) Build(string source)
    {
        var policy = PolicyBinder.Bind(new SourceText("t.pol", source)).Policy!;
        var inputs = EnforcerInputs.Default.Resolve(policy, BackendOptions.Default, new DiagnosticBag());
        var result = PlanBuilder.Build(policy, inputs);
        return (result.Plan, result.Diagnostics);
    }

    private static string[] Lines(EnforcerPlan plan) => PlanWriter.WriteText(plan).Split('\n');

    [Fact]
    public void A_pid_or_net_namespace_brings_a_mount_namespace_with_a_fresh_proc_or_sysfs()
    {
        var (pid, _) = Build("policy p { isolation { namespaces pid } }");
        Assert.Equal([Polc.Compiler.Ir.NamespaceKind.Pid, Polc.Compiler.Ir.NamespaceKind.Mount], pid.Namespaces.ToArray());
        Assert.Contains("mount proc /proc nosuid,nodev,noexec -", Lines(pid));
        var (net, _) = Build("policy n { network none }");
        Assert.Contains("namespaces net mount", Lines(net));
        Assert.Contains("mount sysfs /sys ro,nosuid,nodev,noexec -", Lines(net));
        var (plain, _) = Build("policy plain { }");
        Assert.Empty(plain.Namespaces);
        Assert.Empty(plain.Mounts);
    }

    [Fact]
    public void Mounts_go_parents_first_and_targets_inside_a_planned_tmpfs_are_created()
    {
        var (plan, _) = Build("""
            policy order {
                filesystem {
                    readonly root
                    bind "/srv/a" to "/scratch/deep/a"
                    tmpfs "/scratch" size 1KiB mode 0o700 noexec
                    bind "/srv/b" to "/b" readonly
                    mask "/proc/keys"
                }
            }
            """);
        var mountLines = Lines(plan).Where(l => l.Split(' ')[0] is "readonly-root" or "mount" or "bind" or "mask").ToArray();
        Assert.Equal([
            "readonly-root",
            "mount tmpfs /scratch nosuid,nodev,noexec size=1024,mode=700",
            "bind /srv/b /b ro",
            "bind /srv/a /scratch/deep/a create",
            "mask /proc/keys",
        ], mountLines);
    }

    [Fact]
    public void A_new_root_gets_proc_a_minimal_dev_and_the_hosts_sys_read_only()
    {
        var (plan, _) = Build("""policy r { filesystem { root "/srv/root" }; isolation { namespaces pid } }""");
        var lines = Lines(plan);
        Assert.Contains("root /srv/root", lines);
        Assert.Contains("mount tmpfs /dev nosuid,noexec mode=755,size=65536", lines);
        Assert.All(PlanBuilder.Devices, d => Assert.Contains($"bind /dev/{d} /dev/{d} nosuid,noexec,create", lines));
        Assert.Contains("symlink /proc/self/fd /dev/fd", lines);
        Assert.Contains("bind /sys /sys ro,nosuid,nodev,noexec", lines);
    }

    [Fact]
    public void An_lsm_is_required_when_the_policy_names_a_label_or_has_path_rules()
    {
        Assert.Contains("apparmor polc-a optional", Lines(Build("policy a { }").Plan));
        Assert.Contains("apparmor custom required", Lines(Build("""policy a { apparmor "custom" }""").Plan));
        Assert.Contains("apparmor polc-a required", Lines(Build("""policy a { filesystem { deny "/secret/**" } }""").Plan));
        Assert.Contains("selinux system_u:system_r:web_t:s0 required", Lines(Build("""policy a { selinux type "web_t" }""").Plan));
    }

    [Fact]
    public void A_user_outside_the_maps_is_an_error_at_its_line()
    {
        var (_, diagnostics) = Build("""
            policy m {
                isolation {
                    map-users 0 -> 100000 count 1000
                    user 1000
                }
            }
            """);
        var error = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal("t.pol:4:9: error POL2601: `user 1000` is not covered by `map-users`, so the program cannot switch to it inside the user namespace; add a map that covers 1000", error.ToString());
        Assert.DoesNotContain(Build("policy ok { isolation { map-users 0 -> 100000 count 2000; user 1000 } }").Diagnostics, d => d.IsError);
    }

    [Fact]
    public void Cgroup_writes_for_v1_and_v2_follow_the_kernels_file_names()
    {
        var (plan, _) = Build("policy c { resources { memory 64MiB; memory-swap 16MiB; memory-reservation 32MiB; cpu 1.5; pids 100 } }");
        Assert.Equal([
            "cgroup1 memory memory.limit_in_bytes 67108864",
            "cgroup1 memory memory.memsw.limit_in_bytes 83886080", // v1 counts memory and swap together
            "cgroup1 memory memory.soft_limit_in_bytes 33554432",
            "cgroup1 cpu cpu.cfs_period_us 100000",
            "cgroup1 cpu cpu.cfs_quota_us 150000",
            "cgroup1 pids pids.max 100",
            "cgroup2 memory memory.max 67108864",
            "cgroup2 memory memory.swap.max 16777216",
            "cgroup2 memory memory.low 33554432",
            "cgroup2 cpu cpu.max 150000%20100000",
            "cgroup2 pids pids.max 100",
        ], Lines(plan).Where(l => l.StartsWith("cgroup", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public void Fields_with_spaces_percent_or_newlines_are_escaped()
    {
        Assert.Equal("/a%20b%25c%0Ad%C3%A9", PlanWriter.Escape("/a b%c\nd\u00e9"));
        var (plan, _) = Build("""policy e { filesystem { bind "/srv/my data" to "/data" } }""");
        Assert.Contains("bind /srv/my%20data /data -", Lines(plan));
    }

    [Fact]
    public void The_plan_artifact_is_deterministic_and_matches_its_reviewed_baseline()
    {
        const string Source = """
            policy web {
                filesystem { root "/srv/web/rootfs"; readonly root; tmpfs "/tmp" size 64MiB; bind "/srv/data" to "/data" readonly; mask "/proc/keys" }
                isolation { namespaces pid, net, ipc, uts, cgroup; hostname "web01"; user 1000 group 1000 }
                resources { memory 256MiB; pids 128; rlimit nofile 4096 }
                capabilities { allow NET_BIND_SERVICE; ambient NET_BIND_SERVICE }
            }
            """;
        var backend = new PlanBackend();
        var policy = PolicyBinder.Bind(new SourceText("web.pol", Source)).Policy!;
        var first = backend.Emit(policy, BackendOptions.Default).Artifacts.Single();
        var second = backend.Emit(PolicyBinder.Bind(new SourceText("web.pol", Source)).Policy!, BackendOptions.Default).Artifacts.Single();
        Assert.Equal("web.plan", first.FileName);
        Assert.Equal(first.Content, second.Content);
        Baseline.Verify("tests/Polc.Tests/Enforcer/Baselines/web.plan", System.Text.Encoding.UTF8.GetString(first.Content));
    }

    /// <summary>The plan applies exactly the cgroup writes and capability sets of the `cgroup` and `caps` backends.</summary>
    [Fact]
    public void Plan_inputs_come_from_the_cgroup_and_capability_backends()
    {
        var policy = PolicyBinder.Bind(new SourceText("t.pol",
            "policy w { resources { cpuset \"0\"; io-weight 100; memory 64MiB; memory-swap 0 }; capabilities { allow CHOWN, KILL; ambient KILL } }")).Policy!;
        var inputs = new BackendEnforcerInputs().Resolve(policy, BackendOptions.Default, new Polc.Compiler.Diagnostics.DiagnosticBag());
        var cgroups = Polc.Backends.Cgroups.CgroupPlan.From(policy);
        Assert.Equal(cgroups.V1.Select(f => (f.Controller, f.File, f.Value)), inputs.CgroupV1.Select(w => (w.Controller, w.File, w.Value)));
        Assert.Equal(cgroups.V2.Select(f => (f.Controller, f.File, f.Value)), inputs.CgroupV2.Select(w => (w.Controller, w.File, w.Value)));
        Assert.Contains(inputs.CgroupV1, w => w.File == "cpuset.cpus" && w.Value == "0");
        var memoryFirst = inputs.CgroupV1.ToList().FindIndex(w => w.File == "memory.limit_in_bytes");
        var swapAfter = inputs.CgroupV1.ToList().FindIndex(w => w.File == "memory.memsw.limit_in_bytes");
        Assert.InRange(memoryFirst, 0, swapAfter - 1);
        Assert.Equal((1UL << 0) | (1UL << 5), inputs.Capabilities.Bounding);
        Assert.Equal(1UL << 5, inputs.Capabilities.Ambient);
    }
}
