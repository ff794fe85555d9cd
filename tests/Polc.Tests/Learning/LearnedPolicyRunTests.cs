using System.Runtime.Versioning;
using Polc.Compiler.Formatting;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Enforcer.Learning;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Learning.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Learning;

/// <summary>
/// The promise of `polc learn`, on real programs: the learned policy is clean (`polc check`, formatted), lets
/// the same workload finish under `polc run`, and the kernel refuses a syscall the workload never made.
/// </summary>
[SupportedOSPlatform("linux")]
public class LearnedPolicyRunTests(LearnedWorkloads learned) : IClassFixture<LearnedWorkloads>
{
    public static TheoryData<string> Workloads => [.. Workload.Names];

    public static TheoryData<string> ProbingWorkloads => [.. Workload.Names.Where(n => n != "ls")];

    /// <summary>Calls that succeed with all-zero arguments and that none of these workloads makes.</summary>
    private static readonly string[] ProbeCandidates = ["times", "getpgrp", "getsid", "getpriority", "sched_yield", "getppid", "sysinfo"];

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Learned_policy_checks_clean_is_formatted_and_has_an_expect_block(string name)
    {
        var run = learned.Get(name);
        var check = CliRunner.Run("check", run.Policy);
        Assert.True(check.ExitCode == 0 && !check.Err.Contains(": error "), $"polc check failed:\n{check.Err}\n{run.Text}");
        Assert.Equal(run.Text, PolicyFormatter.Format(new SourceText(run.Policy, run.Text)).Text);
        var policy = Bind(run);
        Assert.NotEmpty(policy.Expectations);
        Assert.Contains(policy.Expectations.OfType<SyscallExpectationIr>(), e => e.Outcome.AnyDeny);
    }

    /// <summary>The reference semantics first: every call the run made, with its recorded argument values, is
    /// allowed by the policy's rules; the dangerous calls it did not make are not.</summary>
    [Theory]
    [MemberData(nameof(Workloads))]
    public void Every_recorded_call_is_allowed_and_unmade_dangerous_calls_are_not(string name)
    {
        var run = learned.Get(name);
        var policy = Bind(run);
        foreach (var ((arch, syscall), _) in run.Recording.Syscalls)
        {
            var values = run.Recording.ArgumentValues.GetValueOrDefault((arch, syscall));
            var entry = ArgumentTable.For(syscall);
            foreach (var value in values is null || entry is null ? [0UL] : values.AsEnumerable())
            {
                var args = new ulong[6];
                if (entry is not null)
                {
                    args[entry.Arg] = value;
                }
                if (syscall == "clone")
                {
                    args[0] = run.Recording.CloneFlags.GetValueOrDefault(arch);
                }
                var (action, _) = LearnedPolicyMerger.Evaluate(policy.Syscalls, syscall, args);
                Assert.True(action.Kind == SeccompActionKind.Allow || (syscall == "clone3" && action == SeccompAction.Errno(38)),
                    $"{syscall}({string.Join(", ", args)}) was made but gets `{action}`\n{run.Text}");
            }
        }
        var made = run.Recording.Syscalls.Keys.Select(k => k.Syscall).ToHashSet();
        foreach (var dangerous in LearnedPolicyWriter.Dangerous.Where(d => !made.Contains(d)))
        {
            Assert.NotEqual(SeccompActionKind.Allow, LearnedPolicyMerger.Evaluate(policy.Syscalls, dangerous, new ulong[6]).Action.Kind);
        }
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void The_learned_policy_lets_the_same_workload_finish_under_polc_run(string name)
    {
        var run = learned.Get(name);
        run.Workload.Reset();
        var outcome = CliRunner.Run(["run", "--lsm-optional", run.Policy, "--", .. run.Workload.Command]);
        var context = $"polc run {name}: exit {outcome.ExitCode}\n--- stderr\n{outcome.Err}\n--- policy\n{run.Text}";
        Assert.True(outcome.ExitCode == 0, context);
        run.Workload.AssertOutput(outcome.Out, context);
    }

    [Theory]
    [MemberData(nameof(ProbingWorkloads))]
    public void A_syscall_the_workload_never_made_is_refused_by_the_kernel(string name)
    {
        var run = learned.Get(name);
        EnforcedFilter.AssertPlanCarriesAFilter(run.Policy);
        var policy = Bind(run);
        var probe = ProbeCandidates.FirstOrDefault(c => LearnedPolicyMerger.Evaluate(policy.Syscalls, c, new ulong[6]).Action.Kind != SeccompActionKind.Allow);
        Assert.True(probe is not null, $"every probe candidate is allowed by the learned policy of {name}; add another candidate");
        Assert.True(SyscallTable.TryGetNumber(Arch.X86_64, probe, out var number));

        // Unconfined, the call succeeds: what refuses it below is the policy.
        var plain = Enforcement.Run(Enforcement.Plan("policy plain { syscalls { default allow } }"), learned.Probe, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"probe: syscall {number}: ok", plain.Out);

        run.Workload.Reset();
        var outcome = CliRunner.Run(["run", "--lsm-optional", run.Policy, "--", .. run.Workload.WithProbe(number)]);
        var context = $"{probe} ({number}) under the policy learned from {name}: exit {outcome.ExitCode}\n--- stdout\n{outcome.Out}--- stderr\n{outcome.Err}";
        Assert.True(outcome.ExitCode == 3, context);
        Assert.Contains($"probe: syscall {number}: errno 1", outcome.Out);
    }

    /// <summary>The same proof at its smallest: a static program learned alone, then asked for one more call.</summary>
    [Fact]
    public void A_program_learned_alone_gets_EPERM_for_the_one_call_it_did_not_make()
    {
        Enforcement.RequireRoot();
        using var directory = new TempDirectory();
        var outcome = Recorder.Record(new LearnRequest([learned.Probe]) { StandardOutput = directory.File("out"), Launcher = Enforcement.Launcher });
        Assert.True(outcome.Failure is null && outcome.ExitCode == 0, outcome.Failure);
        var file = directory.File("probe.pol", LearnedPolicyWriter.Write(outcome.Recording, new LearnSource("probe", [learned.Probe], 0)));
        EnforcedFilter.AssertPlanCarriesAFilter(file);
        Assert.True(SyscallTable.TryGetNumber(Arch.X86_64, "getppid", out var number));
        var run = CliRunner.Run("run", "--lsm-optional", file, "--", learned.Probe, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(run.ExitCode == 3, run.Out + run.Err + File.ReadAllText(file));
        Assert.Contains($"probe: syscall {number}: errno 1", run.Out);
    }

    /// <summary>Capabilities inferred from the run are the ones it needs: with them the workload runs as root
    /// without any other capability; with the section removed, it fails.</summary>
    [Fact]
    public void Learned_capabilities_are_the_ones_the_workload_needs()
    {
        Enforcement.RequireRoot();
        using var directory = new TempDirectory();
        var secret = directory.File("secret", "s\n");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var chown = System.Diagnostics.Process.Start("chown", ["1000:1000", secret])!;
        chown.WaitForExit();
        var mine = directory.File("mine", "m\n");
        string[] command = ["/usr/bin/python3", "-c", $$"""
            import os
            open("{{secret}}").read()
            os.chown("{{mine}}", 1000, 1000)
            print("privileged work done")
            """];
        var outcome = Recorder.Record(new LearnRequest(command) { StandardOutput = directory.File("out"), Launcher = Enforcement.Launcher });
        Assert.True(outcome.Failure is null && outcome.ExitCode == 0, outcome.Failure);
        var text = LearnedPolicyWriter.Write(outcome.Recording, new LearnSource("privileged", command, 0));
        Assert.Contains("allow DAC_READ_SEARCH", text);
        Assert.Contains("allow CHOWN", text);
        var file = directory.File("privileged.pol", text);
        var run = CliRunner.Run(["run", "--lsm-optional", file, "--", .. command]);
        Assert.True(run.ExitCode == 0 && run.Out.Contains("privileged work done"), run.Err + text);

        var start = text.IndexOf("    # capabilities the run exercised", StringComparison.Ordinal);
        var end = text.IndexOf("    }\n", start, StringComparison.Ordinal) + 6;
        var without = directory.File("unprivileged.pol", text.Remove(start, end - start).Replace("        capability DAC_READ_SEARCH\n", "").Replace("        capability CHOWN\n", ""));
        var refused = CliRunner.Run(["run", "--lsm-optional", without, "--", .. command]);
        Assert.True(refused.ExitCode != 0 && refused.Err.Contains("PermissionError"), refused.Out + refused.Err + File.ReadAllText(without));
    }

    private static PolicyIr Bind(Learned run)
    {
        var bound = PolicyBinder.Bind(new SourceText(run.Policy, run.Text));
        Assert.False(bound.HasErrors, string.Join('\n', bound.Diagnostics) + "\n" + run.Text);
        return bound.Policy!;
    }
}
