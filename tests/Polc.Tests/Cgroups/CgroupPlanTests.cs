using System.Text.Json;
using System.Text.RegularExpressions;
using Polc.Backends.Cgroups;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;

namespace Polc.Tests.Cgroups;

public class CgroupPlanTests
{
    private static string V1(CgroupPlan plan, string file) => plan.V1.Single(f => f.File == file).Value;

    private static string V2(CgroupPlan plan, string file) => plan.V2.Single(f => f.File == file).Value;

    [Fact]
    public void Swap_is_memory_plus_swap_on_v1_and_swap_alone_on_v2()
    {
        var policy = Policies.Bind(Policies.Web);
        var plan = CgroupPlan.From(policy);
        var memory = policy.Resources.Memory!.Value;
        var swap = policy.Resources.MemorySwap!.Value;
        Assert.Equal($"{memory + swap}", V1(plan, "memory.memsw.limit_in_bytes"));
        Assert.Equal($"{swap}", V2(plan, "memory.swap.max"));
        Assert.Equal($"{memory}", V2(plan, "memory.max"));
        // v1 refuses a memsw limit below the memory limit, so memory.limit_in_bytes must come first.
        var files = plan.V1.Select(f => f.File).ToList();
        Assert.True(files.IndexOf("memory.limit_in_bytes") < files.IndexOf("memory.memsw.limit_in_bytes"));
    }

    [Fact]
    public void No_swap_means_memsw_equal_to_memory_and_a_zero_swap_max()
    {
        var plan = CgroupPlan.From(Policies.Bind("policy p { resources { memory 64MiB; memory-swap 0 } }"));
        Assert.Equal(V1(plan, "memory.limit_in_bytes"), V1(plan, "memory.memsw.limit_in_bytes"));
        Assert.Equal("0", V2(plan, "memory.swap.max"));
        Assert.Empty(plan.Diagnostics);
    }

    [Fact]
    public void Swap_without_memory_is_a_v1_warning_and_still_a_v2_limit()
    {
        var plan = CgroupPlan.From(Policies.Bind("policy p {\n resources { memory-swap 1GiB }\n}"));
        var warning = Assert.Single(plan.Diagnostics);
        Assert.Equal("POL2401", warning.Code);
        Assert.Equal(2, warning.Location!.Line);
        Assert.DoesNotContain(plan.V1, f => f.Controller == "memory");
        Assert.Equal($"{1UL << 30}", V2(plan, "memory.swap.max"));
    }

    [Fact]
    public void A_quota_below_one_millisecond_is_raised_with_a_warning()
    {
        var plan = CgroupPlan.From(Policies.Bind("policy p { resources { cpu 0.001 } }"));
        Assert.Equal("POL2402", Assert.Single(plan.Diagnostics).Code);
        Assert.Equal($"{CgroupPlan.MinCpuQuotaUs}", V1(plan, "cpu.cfs_quota_us"));
        Assert.Equal($"{CgroupPlan.MinCpuQuotaUs} {CgroupPlan.CpuPeriodUs}", V2(plan, "cpu.max"));
    }

    [Fact]
    public void Rlimits_carry_their_setrlimit_numbers_and_unlimited()
    {
        var plan = CgroupPlan.From(Policies.Bind("policy p { resources { rlimit nofile 1024 4096; rlimit core unlimited; rlimit nproc 64 } }"));
        // Numbers from <asm-generic/resource.h>.
        Assert.Equal([("RLIMIT_NOFILE", 7, "1024", "4096"), ("RLIMIT_CORE", 4, "unlimited", "unlimited"), ("RLIMIT_NPROC", 6, "64", "64")],
            plan.Rlimits.Select(r => (r.ResourceName, r.Resource, RlimitEntry.Text(r.Soft), RlimitEntry.Text(r.Hard))).ToArray());
    }

    /// <summary>v2 values in the formats of the kernel's Documentation/admin-guide/cgroup-v2.rst (no v2 controller is
    /// available on the test host, so these cannot be written for real there).</summary>
    [Fact]
    public void V2_values_follow_the_documented_formats()
    {
        var formats = new Dictionary<string, Regex>
        {
            ["memory.max"] = new("^([0-9]+|max)$"),
            ["memory.swap.max"] = new("^([0-9]+|max)$"),
            ["memory.low"] = new("^([0-9]+|max)$"),
            ["cpu.max"] = new("^([0-9]+|max) [0-9]+$"),
            ["cpu.weight"] = new("^[0-9]+$"),
            ["cpuset.cpus"] = new("^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$"),
            ["pids.max"] = new("^([0-9]+|max)$"),
            ["io.weight"] = new("^default [0-9]+$"),
            ["io.max"] = new("^(rbps|wbps|riops|wiops)=([0-9]+|max)( (rbps|wbps|riops|wiops)=([0-9]+|max))*$"),
        };
        for (var seed = 1; seed <= 200; seed++)
        {
            var plan = CgroupPlan.From(Policies.Bind(new RandomRuntimePolicy(seed).Generate()));
            foreach (var file in plan.V2.Concat(plan.Devices.SelectMany(d => d.V2)))
            {
                Assert.True(formats.TryGetValue(file.File, out var format), $"seed {seed}: unexpected v2 file {file.File}");
                Assert.Matches(format, file.Value);
                Assert.Equal(file.File.Split('.')[0], file.Controller);
            }
            Assert.All(plan.V2.Where(f => f.File is "cpu.weight"), f => Assert.InRange(uint.Parse(f.Value), 1u, 10_000u));
            Assert.All(plan.V2.Where(f => f.File is "io.weight"), f => Assert.InRange(uint.Parse(f.Value[8..]), 1u, 10_000u));
            Assert.All(plan.V2.Where(f => f.File is "cpu.max"), f => Assert.InRange(ulong.Parse(f.Value.Split(' ')[0]), CgroupPlan.MinCpuQuotaUs, ulong.MaxValue));
        }
    }

    [Fact]
    public void Json_has_the_shape_the_launcher_reads_and_matches_the_reviewed_golden_file()
    {
        var plan = CgroupPlan.From(Policies.Bind(Policies.Web));
        var text = CgroupBackend.Render(plan);
        var json = JsonDocument.Parse(text).RootElement;
        foreach (var file in plan.V1)
        {
            Assert.Equal(file.Value, json.GetProperty("v1").GetProperty(file.Controller).GetProperty(file.File).GetString());
        }
        foreach (var file in plan.V2)
        {
            Assert.Equal(file.Value, json.GetProperty("v2").GetProperty(file.File).GetString());
        }
        Assert.Equal(plan.V2Controllers, json.GetProperty("v2_controllers").EnumerateArray().Select(e => e.GetString()!).ToList());
        Assert.Equal("/dev/loop0", json.GetProperty("devices")[0].GetProperty("path").GetString());
        Assert.Equal(text, CgroupBackend.Render(CgroupPlan.From(Policies.Bind(Policies.Web))));
        Baseline.Verify("tests/Polc.Tests/Cgroups/Baselines/web.cgroup.json", text);
    }

    [SkippableFact]
    public void Block_devices_resolve_through_sysfs_and_unknown_paths_do_not()
    {
        Skip.IfNot(File.Exists("/sys/class/block/loop0/dev"), "no loop0 block device on this host");
        Assert.Equal(File.ReadAllText("/sys/class/block/loop0/dev").Trim(), BlockDevices.Resolve("/dev/loop0"));
        Assert.Null(BlockDevices.Resolve("/dev/polc-no-such-device"));
    }
}
