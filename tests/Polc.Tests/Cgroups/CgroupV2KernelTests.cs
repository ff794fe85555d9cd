using Polc.Backends.Cgroups;
using Polc.Tests.RuntimeConfig;

namespace Polc.Tests.Cgroups;

/// <summary>
/// Writes the v2 half of a plan into a real cgroup v2 hierarchy, where the host has one whose root offers the
/// controllers. The polc test machines do not: every controller there is bound to a v1 hierarchy, and a private
/// cgroup2 mount shows the same controller-less hierarchy, so this test skips there, saying why.
/// </summary>
public class CgroupV2KernelTests
{
    [SkippableFact]
    public void Example_plan_is_accepted_by_a_v2_hierarchy()
    {
        Host.RequireRoot("create cgroups");
        var plan = CgroupPlan.From(Policies.Bind(Policies.Web));
        var mount = File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(fields => fields.SkipWhile(f => f != "-").Skip(1).FirstOrDefault() == "cgroup2")
            .Select(fields => fields[4])
            .FirstOrDefault();
        Skip.If(mount is null, "no cgroup2 hierarchy is mounted; v2 values are checked only against their documented formats");
        var offered = File.ReadAllText(Path.Combine(mount!, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var enabled = File.ReadAllText(Path.Combine(mount!, "cgroup.subtree_control")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var missing = plan.V2Controllers.Except(enabled).ToList();
        Skip.If(missing.Count > 0,
            $"the cgroup2 hierarchy at {mount} does not enable {string.Join(", ", missing)} for its children (it offers: {string.Join(", ", offered)}); " +
            "on this host those controllers are bound to cgroup v1");

        var directory = Path.Combine(mount!, $"polc-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            foreach (var file in plan.V2)
            {
                File.WriteAllText(Path.Combine(directory, file.File), file.Value);
                var back = File.ReadAllText(Path.Combine(directory, file.File)).Trim();
                var expected = file.File is "memory.max" or "memory.swap.max" or "memory.low"
                    ? (ulong.Parse(file.Value) / (ulong)Environment.SystemPageSize * (ulong)Environment.SystemPageSize).ToString()
                    : file.Value;
                Assert.Equal(expected, back);
            }
            foreach (var device in plan.Devices)
            {
                var numbers = BlockDevices.Resolve(device.Device);
                Assert.True(numbers is not null, $"{device.Device} is no block device on this host");
                foreach (var file in device.V2)
                {
                    File.WriteAllText(Path.Combine(directory, file.File), $"{numbers} {file.Value}");
                    var line = File.ReadAllLines(Path.Combine(directory, file.File)).Single(l => l.StartsWith(numbers + " ", StringComparison.Ordinal));
                    Assert.All(file.Value.Split(' '), setting => Assert.Contains(setting, line.Split(' ')));
                }
            }
        }
        finally
        {
            Directory.Delete(directory);
        }
    }
}
