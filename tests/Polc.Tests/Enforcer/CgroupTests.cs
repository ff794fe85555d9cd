using System.Runtime.Versioning;
using Polc.Enforcer.Plan;
using Polc.Tests.Enforcer.Support;

namespace Polc.Tests.Enforcer;

/// <summary>Cgroup limits on the real kernel (v1 controllers here; v2 as far as this host offers it), and
/// that no cgroup directory outlives a run however it ends.</summary>
[SupportedOSPlatform("linux")]
public class CgroupTests
{
    /// <summary>`polc-enforcer: cgroup: created DIR (vN)` lines of a --verbose run.</summary>
    private static List<string> CreatedDirectories(string stderr) =>
        stderr.Split('\n').Where(l => l.StartsWith("polc-enforcer: cgroup: created ", StringComparison.Ordinal))
            .Select(l => l["polc-enforcer: cgroup: created ".Length..l.LastIndexOf(" (v", StringComparison.Ordinal)]).ToList();

    private const string ForkCounter = """
        #include <signal.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <unistd.h>
        /* Forks up to N children that wait; prints how many forks succeeded; kills them. */
        int main(int argc, char **argv) {
            int n = atoi(argv[1]), made = 0;
            pid_t children[1024];
            for (int i = 0; i < n && i < 1024; i++) {
                pid_t pid = fork();
                if (pid == 0) { pause(); _exit(0); }
                if (pid < 0) break;
                children[made++] = pid;
            }
            printf("%d\n", made);
            for (int i = 0; i < made; i++) kill(children[i], SIGKILL);
            return 0;
        }
        """;

    [Fact]
    public void A_memory_hog_over_the_limit_is_killed_and_a_small_one_is_not()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy mem { isolation { namespaces pid }; resources { memory 32MiB } }");
        var small = Enforcement.Run(plan, "/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=8M", "count=1");
        Assert.True(small.ExitCode == 0, small.ToString());
        var hog = Enforcement.Run(plan, "/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1");
        Assert.True(hog.ExitCode == 137, "a 64MiB buffer under a 32MiB limit must be killed by the OOM killer (SIGKILL)\n" + hog);
    }

    [Fact]
    public void A_bounded_fork_loop_is_held_by_the_pids_limit()
    {
        Enforcement.RequireRoot();
        using var forker = new CProgram("forker", ForkCounter);
        var held = Enforcement.Run(Enforcement.Plan("policy few { isolation { namespaces pid }; resources { pids 16 } }"), forker.Path, "40");
        Assert.True(held.ExitCode == 0, held.ToString());
        Assert.InRange(int.Parse(held.Out), 1, 14); // init and the forker count too
        var free = Enforcement.Run(Enforcement.Plan("policy many { isolation { namespaces pid }; resources { pids 64 } }"), forker.Path, "40");
        Assert.True(free.ExitCode == 0, free.ToString());
        Assert.Equal("40\n", free.Out);
    }

    [Fact]
    public void The_cgroup_directories_are_gone_after_the_program_exits()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy gone { resources { memory 64MiB; pids 32 } }");
        var result = Enforcement.Run(plan, ["--verbose"], ["/bin/sh", "-c", "exit 3"]);
        Assert.True(result.ExitCode == 3, result.ToString());
        var created = CreatedDirectories(result.Err);
        Assert.Equal(2, created.Count);
        Assert.All(created, d => Assert.False(Directory.Exists(d), $"{d} is left behind"));
    }

    [Fact]
    public void The_cgroup_directories_are_gone_after_the_program_is_killed_with_children_left_over()
    {
        Enforcement.RequireRoot();
        // No pid namespace: the kernel does not kill the leftovers for us; the launcher must.
        var plan = Enforcement.Plan("policy killed { resources { pids 32 } }");
        var result = Enforcement.Run(plan, ["--verbose"], ["/bin/sh", "-c", "sleep 60 & sleep 61 & kill -9 $$"]);
        Assert.True(result.ExitCode == 137, result.ToString());
        var created = Assert.Single(CreatedDirectories(result.Err));
        Assert.False(Directory.Exists(created), $"{created} is left behind");
    }

    [Fact]
    public void The_cgroup_directories_are_gone_and_the_program_dead_after_the_launcher_is_killed()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy orphan { resources { pids 32 } }");
        using var running = Enforcement.Start(plan, ["--verbose"], ["/bin/sh", "-c", "sleep 120 & echo started; wait"]);
        running.WaitForLine(l => l == "started");
        var directory = Assert.Single(CreatedDirectories(running.Err));
        var members = File.ReadAllLines(Path.Combine(directory, "cgroup.procs")).Select(int.Parse).ToList();
        Assert.Equal(3, members.Count); // init, the shell, sleep
        Enforcement.Signal(running.Process.Id, 9);
        var until = DateTime.UtcNow.AddSeconds(10);
        while ((Directory.Exists(directory) || members.Any(p => Directory.Exists($"/proc/{p}"))) && DateTime.UtcNow < until)
        {
            Thread.Sleep(20);
        }
        Assert.False(Directory.Exists(directory), $"{directory} is left behind after SIGKILL of the launcher");
        Assert.All(members, p => Assert.False(Directory.Exists($"/proc/{p}"), $"process {p} survived the launcher"));
    }

    [Fact]
    public void A_v1_cpuset_cgroup_pins_the_program_to_its_cpus()
    {
        Enforcement.RequireRoot();
        Assert.True(Environment.ProcessorCount >= 2, "pinning is only visible with two CPUs or more");
        var plan = Enforcement.Plan("policy pinned { resources { pids 10 } }",
            inputs: i => i with { CgroupV1 = [.. i.CgroupV1, new CgroupWrite(1, "cpuset", "cpuset.cpus", "1")] });
        var pinned = Enforcement.Run(plan, "/bin/grep", "^Cpus_allowed_list:", "/proc/self/status");
        Assert.True(pinned.ExitCode == 0, pinned.ToString());
        Assert.Equal("Cpus_allowed_list:\t1\n", pinned.Out);
    }

    [Fact]
    public void A_missing_v1_controller_fails_naming_the_step_and_leaves_nothing()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy nocontroller { resources { pids 10 } }",
            inputs: i => i with { CgroupV1 = [.. i.CgroupV1, new CgroupWrite(1, "nosuch", "nosuch.max", "1")] });
        var result = Enforcement.Run(plan, "/bin/true");
        Assert.Equal(125, result.ExitCode);
        Assert.Equal("polc-enforcer: cgroup: nosuch controller not available (no cgroup v1 hierarchy at /sys/fs/cgroup/nosuch)\n", result.Err);
        Assert.Empty(Directory.GetDirectories("/sys/fs/cgroup/pids", "polc-nocontroller-*"));
    }

    [Fact]
    public void Cgroup_v2_creates_joins_writes_and_removes_on_the_real_unified_hierarchy()
    {
        Enforcement.RequireRoot();
        // This host's v2 hierarchy has no controllers (they are all on v1), so the write is to a core file.
        var plan = Enforcement.Plan("policy unified { }",
            inputs: i => i with { CgroupV2 = [new CgroupWrite(2, "-", "cgroup.max.descendants", "0")] });
        var result = Enforcement.Run(plan, ["--verbose", "--cgroup=v2"], ["/bin/sh", "-c", "grep ^0:: /proc/self/cgroup"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var directory = Assert.Single(CreatedDirectories(result.Err));
        Assert.Matches(@"^/sys/fs/cgroup(/unified)?/.*polc-unified-\d+$", directory);
        Assert.EndsWith("/polc-unified-" + directory.Split('-')[^1] + "\n", result.Out); // the program was in it
        Assert.Contains($"{directory}/cgroup.max.descendants = 0", result.Err);
        Assert.False(Directory.Exists(directory), $"{directory} is left behind");
    }

    [Fact]
    public void Cgroup_v2_is_detected_on_a_unified_mount_and_a_missing_controller_is_named()
    {
        Enforcement.RequireRoot();
        // A private mount namespace with cgroup2 on /sys/fs/cgroup looks like a v2-only host to the launcher.
        var plan = Enforcement.Plan("policy v2only { resources { memory 32MiB } }");
        using var running = Enforcement.Start(plan, ["--verbose"], ["/bin/true"],
            wrapper: ["unshare", "--mount", "--propagation", "private", "sh", "-c", "mount -t cgroup2 none /sys/fs/cgroup && exec \"$@\"", "sh"]);
        var result = running.Wait();
        Assert.Equal(125, result.ExitCode);
        Assert.Matches(@"polc-enforcer: cgroup: memory controller not available \(not in /sys/fs/cgroup/?.*cgroup.controllers\)", result.Err);
        Assert.Empty(Directory.GetDirectories("/sys/fs/cgroup/unified", "polc-v2only-*"));
    }
}
