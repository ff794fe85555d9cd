using System.Runtime.Versioning;
using System.Diagnostics;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Enforcer;

/// <summary>`polc run` and the `plan` artifact of `polc compile`, end to end.</summary>
[SupportedOSPlatform("linux")]
public class RunCommandTests
{
    // `default allow`: these run a shell through the whole pipeline, whatever filter the seccomp backend makes.
    private const string Policy = """
        policy runme {
            syscalls { default allow }
            isolation { namespaces pid, uts; hostname "run-host" }
            capabilities { allow CHOWN }
        }
        """;

    [Fact]
    public void Polc_run_compiles_in_memory_and_runs_the_program_under_the_policy()
    {
        Enforcement.RequireRoot();
        using var temp = new TempDirectory();
        var file = temp.File("app.pol", Policy);
        var outcome = CliRunner.Run("run", file, "--", "/bin/sh", "-c", "hostname; grep CapEff /proc/self/status; exit 7");
        Assert.True(outcome.ExitCode == 7, outcome.Out + outcome.Err);
        Assert.Equal("run-host\nCapEff:\t0000000000000001\n", outcome.Out);
    }

    [Fact]
    public void Polc_run_replaces_itself_with_the_launcher_which_forwards_signals()
    {
        Enforcement.RequireRoot();
        using var temp = new TempDirectory();
        var file = temp.File("app.pol", Policy);
        var polc = Path.Combine(AppContext.BaseDirectory, "polc.dll");
        var start = new ProcessStartInfo("dotnet", [polc, "run", file, "--", "/bin/sh", "-c",
            "grep -E '^Sig(Blk|Ign):' /proc/self/status; echo ready; while :; do sleep 0.05; done"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        // Nothing of .NET's signal set-up (it ignores SIGPIPE) reaches the program.
        Assert.Equal("SigBlk:\t0000000000000000", process.StandardOutput.ReadLine());
        Assert.Equal("SigIgn:\t0000000000000000", process.StandardOutput.ReadLine());
        Assert.Equal("ready", process.StandardOutput.ReadLine());
        // The process `dotnet polc.dll` started is now the launcher: no .NET runtime stays behind.
        Assert.Equal(Enforcement.Launcher, File.ResolveLinkTarget($"/proc/{process.Id}/exe", false)!.FullName);
        Enforcement.Signal(process.Id, 15);
        Assert.True(process.WaitForExit(20_000), "polc run did not end after SIGTERM");
        Assert.Equal(143, process.ExitCode);
    }

    [Fact]
    public void Plan_out_writes_the_same_plan_polc_compile_writes_which_the_launcher_runs_directly()
    {
        Enforcement.RequireRoot();
        using var temp = new TempDirectory();
        var file = temp.File("app.pol", Policy);
        var planOut = temp.File("from-run.plan");
        Assert.Equal(0, CliRunner.Run("run", file, "--plan-out", planOut).ExitCode);
        var compiled = CliRunner.Run("compile", file, "-o", temp.Path, "--target", "plan");
        Assert.True(compiled.ExitCode == 0, compiled.Err);
        var artifact = Path.Combine(temp.Path, "runme.plan");
        Assert.Equal(File.ReadAllBytes(artifact), File.ReadAllBytes(planOut));
        var launcher = Process.Start(new ProcessStartInfo(Enforcement.Launcher, [artifact, "--", "/bin/hostname"]) { RedirectStandardOutput = true })!;
        Assert.Equal("run-host\n", launcher.StandardOutput.ReadToEnd());
        launcher.WaitForExit();
        Assert.Equal(0, launcher.ExitCode);
    }

    [Fact]
    public void Polc_run_without_a_command_or_with_policy_errors_runs_nothing()
    {
        using var temp = new TempDirectory();
        var file = temp.File("app.pol", Policy);
        var noCommand = CliRunner.Run("run", file);
        Assert.Equal(2, noCommand.ExitCode);
        Assert.Contains("`polc run` needs a command after `--`", noCommand.Err);
        var broken = temp.File("broken.pol", "policy broken { isolation { user 1000; map-users 0 -> 100000 count 10 } }");
        var refused = CliRunner.Run("run", broken, "--", "/bin/true");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error POL2601", refused.Err);
        Assert.Contains("polc: not run (the policy has errors)", refused.Err);
    }

    [SkippableFact]
    public void Polc_run_passes_verbose_and_lsm_optional_to_the_launcher()
    {
        Enforcement.RequireRoot();
        Skip.If(File.Exists(Enforcement.AppArmorSwitch), "this host has AppArmor; the refusal is for hosts without it (as CI is)");
        using var temp = new TempDirectory();
        var file = temp.File("app.pol", """policy lsm { apparmor "polc-lsm"; syscalls { default allow } }""");
        var refused = CliRunner.Run("run", file, "--", "/bin/true");
        Assert.Equal(125, refused.ExitCode);
        var accepted = CliRunner.Run("run", "--verbose", "--lsm-optional", file, "--", "/bin/true");
        Assert.True(accepted.ExitCode == 0, accepted.Err);
        Assert.Contains("polc-enforcer: apparmor: not in this kernel; exec label `polc-lsm` skipped", accepted.Err);
        Assert.Contains("polc-enforcer: exec: /bin/true", accepted.Err);
    }
}
