using Polc.Backends.Cgroups;
using Polc.Tests.RuntimeConfig;
using Xunit.Abstractions;

namespace Polc.Tests.Cgroups;

/// <summary>
/// The real consumer of the v1 half of NAME.cgroup.json is the kernel: each case makes a fresh cgroup under every
/// v1 controller the plan names, writes every file in plan order, reads it back (the kernel accepts, then normalises:
/// memory limits round down to whole pages) and removes the cgroups again.
/// </summary>
public class CgroupV1KernelTests(ITestOutputHelper output)
{
    private const string Root = "/sys/fs/cgroup";

    [Fact]
    public void Example_plan_is_accepted_and_read_back_by_the_kernel()
    {
        var plan = CgroupPlan.From(Policies.Bind(Policies.Web));
        Assert.Contains(plan.V1, f => f.File == "memory.memsw.limit_in_bytes");
        Assert.Single(plan.Devices);
        Apply(plan);
    }

    [Fact]
    public void Random_plans_are_accepted_and_read_back_by_the_kernel()
    {
        var cpus = Environment.ProcessorCount;
        for (var seed = 1; seed <= 15; seed++)
        {
            var text = new RandomRuntimePolicy(seed).Generate(new RandomRuntimePolicy.Limits(Cpus: cpus));
            output.WriteLine($"seed {seed}");
            Apply(CgroupPlan.From(Policies.Bind(text)));
        }
    }

    private void Apply(CgroupPlan plan)
    {
        Host.RequireRoot("create cgroups");
        var name = $"polc-test-{Guid.NewGuid():N}";
        var created = new Dictionary<string, string>();
        string CgroupOf(string controller)
        {
            if (!created.TryGetValue(controller, out var directory))
            {
                var hierarchy = Path.Combine(Root, controller);
                Assert.True(Directory.Exists(hierarchy), $"the cgroup v1 controller `{controller}` is not mounted at {hierarchy}");
                directory = Path.Combine(hierarchy, name);
                Directory.CreateDirectory(directory);
                created[controller] = directory;
            }
            return directory;
        }
        try
        {
            foreach (var file in plan.V1)
            {
                var path = Path.Combine(CgroupOf(file.Controller), file.File);
                if (file.File == "blkio.weight" && !File.Exists(path))
                {
                    // crun falls back to the BFQ name; with neither, the host has no proportional I/O scheduler to weigh.
                    path = Path.Combine(CgroupOf(file.Controller), "blkio.bfq.weight");
                    if (!File.Exists(path))
                    {
                        output.WriteLine($"not checked: blkio.weight={file.Value} (this kernel offers neither blkio.weight nor blkio.bfq.weight)");
                        continue;
                    }
                }
                Write(path, file.Value);
                Assert.Equal(Normalised(file.File, file.Value), File.ReadAllText(path).Trim());
            }
            foreach (var device in plan.Devices)
            {
                var numbers = BlockDevices.Resolve(device.Device);
                Assert.True(numbers is not null, $"{device.Device} is no block device on this host");
                foreach (var file in device.V1)
                {
                    var path = Path.Combine(CgroupOf(file.Controller), file.File);
                    Write(path, $"{numbers} {file.Value}");
                    Assert.Contains($"{numbers} {file.Value}", File.ReadAllLines(path));
                }
            }
        }
        finally
        {
            foreach (var directory in created.Values)
            {
                Directory.Delete(directory);
            }
        }
    }

    private static void Write(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
        }
        catch (IOException e)
        {
            throw new Xunit.Sdk.XunitException($"the kernel rejected `{value}` for {path}: {e.Message}");
        }
    }

    /// <summary>What the kernel prints back: byte limits are kept in whole pages.</summary>
    private static string Normalised(string file, string value) =>
        file.StartsWith("memory.", StringComparison.Ordinal) && file.EndsWith("_in_bytes", StringComparison.Ordinal)
            ? (ulong.Parse(value) / (ulong)Environment.SystemPageSize * (ulong)Environment.SystemPageSize).ToString()
            : value;
}
