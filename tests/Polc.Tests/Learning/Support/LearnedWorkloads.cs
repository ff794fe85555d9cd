using System.Collections.Concurrent;
using System.Runtime.Versioning;
using Polc.Enforcer.Learning;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Learning.Support;

/// <param name="Policy">the learned policy's file (in the workload's directory).</param>
public sealed record Learned(Workload Workload, Recording Recording, string Policy, string Text, LearnOutcome Outcome);

/// <summary>Learns each workload once per test class (a run takes seconds) and shares the result.</summary>
[SupportedOSPlatform("linux")]
public sealed class LearnedWorkloads : IDisposable
{
    private readonly Lazy<CProgram> _probe = new(Workload.BuildProbe);
    private readonly ConcurrentDictionary<string, Lazy<Learned>> _learned = new();

    public string Probe => _probe.Value.Path;

    public Learned Get(string name)
    {
        Enforcement.RequireRoot();
        return _learned.GetOrAdd(name, n => new Lazy<Learned>(() => Learn(Workload.Create(n, Probe)))).Value;
    }

    public static Learned Learn(Workload workload)
    {
        workload.Reset();
        var output = workload.Directory.File("learn.out");
        var error = workload.Directory.File("learn.err");
        var outcome = Recorder.Record(new LearnRequest(workload.Command)
        {
            StandardInput = "/dev/null",
            StandardOutput = output,
            StandardError = error,
            Launcher = Enforcement.Launcher,
            Timeout = TimeSpan.FromMinutes(2),
        });
        var context = $"learning {workload.Name}: {outcome.Failure ?? "recorded"}, exit {outcome.ExitCode}\n--- stderr\n{File.ReadAllText(error)}";
        Assert.True(outcome.Failure is null && outcome.ExitCode == 0, context);
        workload.AssertOutput(File.ReadAllText(output), context);
        var text = LearnedPolicyWriter.Write(outcome.Recording, new LearnSource(workload.Name, workload.Command, outcome.ExitCode));
        var policy = workload.Directory.File(workload.Name + ".pol", text);
        return new Learned(workload, outcome.Recording, policy, text, outcome);
    }

    public void Dispose()
    {
        foreach (var learned in _learned.Values.Where(l => l.IsValueCreated))
        {
            learned.Value.Workload.Dispose();
        }
        if (_probe.IsValueCreated)
        {
            _probe.Value.Dispose();
        }
    }
}

/// <summary>Whether `polc run` enforces syscall rules at all.</summary>
public static class EnforcedFilter
{
    /// <summary>Until the seccomp backend is wired into the plan (backends/Polc.Backends/Plan/BackendEnforcerInputs.cs),
    /// `polc run` enforces no syscall rules at all: say so, rather than pass or skip.</summary>
    public static void AssertPlanCarriesAFilter(string policyFile)
    {
        using var directory = new TempDirectory();
        var planFile = directory.File("learned.plan");
        var written = CliRunner.Run("run", policyFile, "--plan-out", planFile);
        Assert.True(written.ExitCode == 0, written.Err);
        Assert.True(File.ReadAllLines(planFile).Any(l => l.StartsWith("seccomp x86_64 ", StringComparison.Ordinal)),
            "the launch plan carries no seccomp filter, so no syscall rule is enforced: the seccomp backend is not wired into " +
            "the plan yet (BackendEnforcerInputs, warning POL2602); this test proves refusal once it is");
    }
}
