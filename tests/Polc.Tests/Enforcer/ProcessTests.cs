using System.Runtime.Versioning;
using Polc.Tests.Enforcer.Support;

namespace Polc.Tests.Enforcer;

/// <summary>What the caller sees: exit statuses, signals, standard streams.</summary>
[SupportedOSPlatform("linux")]
public class ProcessTests
{
    private static readonly string Isolated = "policy proc { isolation { namespaces pid, mount, ipc, uts; hostname \"p\" }; resources { pids 32 } }";

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 7", 7)]
    [InlineData("exit 255", 255)]
    [InlineData("kill -9 $$", 137)]
    [InlineData("kill -15 $$", 143)]
    [InlineData("kill -11 $$", 139)]
    public void The_programs_exit_status_passes_through(string script, int expected)
    {
        Enforcement.RequireRoot();
        var result = Enforcement.Run(Enforcement.Plan(Isolated), "/bin/sh", "-c", script);
        Assert.True(result.ExitCode == expected, result.ToString());
    }

    [Fact]
    public void A_command_that_does_not_exist_exits_127_and_says_so()
    {
        Enforcement.RequireRoot();
        var result = Enforcement.Run(Enforcement.Plan(Isolated), "/no/such/program");
        Assert.Equal(127, result.ExitCode);
        Assert.Equal("polc-enforcer: exec: /no/such/program: No such file or directory\n", result.Err);
    }

    [Fact]
    public void SIGTERM_to_the_launcher_reaches_the_program_through_init()
    {
        Enforcement.RequireRoot();
        using var running = Enforcement.Start(Enforcement.Plan(Isolated), [],
            ["/bin/sh", "-c", "trap 'echo got-TERM; exit 42' TERM; echo ready; while :; do sleep 0.05; done"]);
        running.WaitForLine(l => l == "ready");
        Enforcement.Signal(running.Process.Id, 15);
        var result = running.Wait();
        Assert.True(result.ExitCode == 42, result.ToString());
        Assert.Equal("ready\ngot-TERM\n", result.Out);
    }

    [Fact]
    public void Standard_streams_pass_through()
    {
        Enforcement.RequireRoot();
        using var running = Enforcement.Start(Enforcement.Plan(Isolated), [], ["/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2"]);
        var result = running.Wait();
        Assert.Equal("to-stdout\n", result.Out);
        Assert.Equal("to-stderr\n", result.Err);
    }

    [Fact]
    public void Verbose_names_every_step_in_the_order_the_kernel_needs_them()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy steps { isolation { namespaces pid, net, uts; hostname \"s\"; user 1000 }; resources { pids 10; rlimit nofile 100 } }",
            HandBpf.DenyWithErrno(1, 83));
        var result = Enforcement.Run(plan, ["--verbose"], ["/bin/true"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var steps = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[1].Trim()).Distinct().ToList();
        // The LSM check comes first: a host without a required LSM is refused before anything is created.
        Assert.Equal(["apparmor", "selinux", "cgroup", "net", "uts", "mount", "rlimit", "user", "capabilities", "no_new_privs", "seccomp", "exec"], steps);
    }

    private static int OnlyChild(int pid)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        string children;
        while ((children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Trim()).Length == 0 && DateTime.UtcNow < until)
        {
            Thread.Sleep(10);
        }
        return int.Parse(children);
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z'; // a zombie is dead, waiting for its reaper
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("isolation { namespaces user, pid; map-users 0 -> 100000 count 65536; map-groups 0 -> 100000 count 65536; user 1000 }")]
    [InlineData("isolation { user 1000 group 1000 }")]
    public void Init_and_the_program_die_with_a_killed_launcher_even_after_their_ids_changed(string isolation)
    {
        Enforcement.RequireRoot();
        // Changing ids clears the parent-death signal; the launcher must set it again after each change.
        using var running = Enforcement.Start(Enforcement.Plan($"policy orphans {{ {isolation} }}"), [], ["/bin/sleep", "120"]);
        var init = OnlyChild(running.Process.Id);
        var program = OnlyChild(init);
        var started = DateTime.UtcNow.AddSeconds(20);
        while (!File.ReadAllText($"/proc/{program}/cmdline").StartsWith("/bin/sleep", StringComparison.Ordinal) && DateTime.UtcNow < started)
        {
            Thread.Sleep(10); // until the program has gone through every step and exec'd
        }
        Enforcement.Signal(running.Process.Id, 9);
        var until = DateTime.UtcNow.AddSeconds(10);
        while ((Alive(init) || Alive(program)) && DateTime.UtcNow < until)
        {
            Thread.Sleep(20);
        }
        Assert.False(Alive(init), "init outlived the launcher");
        Assert.False(Alive(program), "the program outlived the launcher");
    }
}
