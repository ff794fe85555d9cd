using System.Runtime.Versioning;
using Polc.Enforcer.Learning;
using Polc.Enforcer.Plan;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Learning;

/// <summary>The recording plan and the launcher's one recording record, `seccomp-listener FD`, which it refuses
/// rather than hang when nobody supervises.</summary>
[SupportedOSPlatform("linux")]
public class RecordingPlanTests
{
    private static ExternalTool.Result Launch(string plan, params string[] arguments)
    {
        using var directory = new TempDirectory();
        var file = directory.File("learn.plan", plan);
        return ExternalTool.Run(Enforcement.Launcher, [.. arguments.Select(a => a == "PLAN" ? file : a)]);
    }

    [Fact]
    public void The_recording_plan_reports_every_syscall_and_names_its_listener()
    {
        var text = PlanWriter.WriteText(RecordingPlan.Build(privileged: true));
        Assert.Contains("seccomp x86_64 06000000" + "0000c07f\n", text); // ret SECCOMP_RET_USER_NOTIF
        Assert.Contains("\nseccomp-listener 3\n", text);
        Assert.Contains("\nno-new-privs\n", text);
        Assert.DoesNotContain("\nnamespaces ", text);
        Assert.Contains("\ncgroup1 pids pids.max max\n", text);
        Assert.DoesNotContain("cgroup", PlanWriter.WriteText(RecordingPlan.Build(privileged: false)));
        Assert.Contains("plan `learn` is valid", Launch(text, "--check", "PLAN").Out);
    }

    [Fact]
    public void Without_a_supervisor_the_launcher_refuses_instead_of_hanging()
    {
        var text = PlanWriter.WriteText(RecordingPlan.Build(privileged: false));
        var run = Launch(text, "PLAN", "--", "/bin/true");
        Assert.Equal(125, run.ExitCode);
        Assert.Contains("descriptor 3 (`seccomp-listener`) is not open", run.Err);
    }

    [Theory]
    [InlineData("seccomp-listener 3\n", "`seccomp-listener` without a seccomp filter")]
    [InlineData("seccomp x86_64 060000000000c07f\nseccomp-listener 2\n", "needs a descriptor above 2")]
    [InlineData("seccomp x86_64 060000000000c07f\nseccomp-listener three\n", "is not a number")]
    public void Malformed_listener_records_are_refused(string records, string message)
    {
        var run = Launch($"polc-plan 1\nname learn\n{records}end\n", "--check", "PLAN");
        Assert.Equal(125, run.ExitCode);
        Assert.Contains(message, run.Err);
    }
}
