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
}
