using System.Runtime.Versioning;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Learning.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Learning;

/// <summary>`polc learn` on the command line: writing, merging across runs, and its usage errors.</summary>
[SupportedOSPlatform("linux")]
public class LearnCliTests
{
    // Two runs that need different things: the first reads a file with cat, the second lists a directory with ls.
    private static readonly string[] First = ["/bin/sh", "-c", "/bin/cat /etc/hostname > /dev/null"];
    private static readonly string[] Second = ["/bin/sh", "-c", "/bin/ls -l / > /dev/null"];

    [Fact]
    public void Learn_writes_a_policy_that_checks_clean_and_says_what_it_learned()
    {
        Enforcement.RequireRoot();
        using var directory = new TempDirectory();
        var file = directory.File("true.pol");
        var learn = CliRunner.Run("learn", "-o", file, "--", "/bin/true");
        Assert.True(learn.ExitCode == 0, learn.Err);
        Assert.Matches(@"polc: learned \d+ calls of \d+ syscalls on x86_64, 1 process, 1 thread in [0-9.]+ s; wrote ", learn.Err);
        Assert.StartsWith("# Learned by `polc learn` from: /bin/true\n", File.ReadAllText(file));
        Assert.Contains("policy true {", File.ReadAllText(file));
        Assert.Equal(0, CliRunner.Run("check", file).ExitCode);
        Assert.Equal(0, CliRunner.Run("fmt", "--check", file).ExitCode);

        var toStdout = CliRunner.Run("learn", "--name", "custom", "--", "/bin/true");
        Assert.Equal(0, toStdout.ExitCode);
        Assert.Contains("policy custom {", toStdout.Out);
    }

    [Fact]
    public void Merge_unions_runs_and_the_merged_policy_runs_both()
    {
        Enforcement.RequireRoot();
        using var directory = new TempDirectory();
        var file = directory.File("shell.pol");
        Assert.Equal(0, CliRunner.Run(["learn", "--name", "shell", "-o", file, "--", .. First]).ExitCode);
        File.WriteAllText(file, File.ReadAllText(file).Replace("policy shell {", "# my note, kept across merges\npolicy shell {"));
        var merge = CliRunner.Run(["learn", "--merge", file, "-o", file, "--", .. Second]);
        Assert.True(merge.ExitCode == 0, merge.Err);
        var merged = File.ReadAllText(file);
        Assert.Contains("# my note, kept across merges", merged);
        Assert.Contains("# learned from: /bin/sh -c '/bin/ls -l / > /dev/null'", merged);
        Assert.Contains("/usr/bin/ls", merged);
        Assert.Equal(0, CliRunner.Run("check", file).ExitCode);
        foreach (var run in new[] { First, Second })
        {
            var outcome = CliRunner.Run(["run", "--lsm-optional", file, "--", .. run]);
            Assert.True(outcome.ExitCode == 0, $"{string.Join(' ', run)} under the merged policy: {outcome.Err}\n{merged}");
        }

        // A second merge of the same run finds nothing new.
        var again = CliRunner.Run(["learn", "--merge", file, "--", .. Second]);
        Assert.Contains("POL2706", again.Err);
    }

    /// <summary>The union is needed: the first run's policy alone refuses the second run (once the kernel enforces it).</summary>
    [Fact]
    public void A_policy_learned_from_one_run_refuses_what_only_the_other_run_does()
    {
        Enforcement.RequireRoot();
        using var directory = new TempDirectory();
        var file = directory.File("first.pol");
        Assert.Equal(0, CliRunner.Run(["learn", "-o", file, "--", .. First]).ExitCode);
        EnforcedFilter.AssertPlanCarriesAFilter(file);
        var outcome = CliRunner.Run(["run", "--lsm-optional", file, "--", .. Second]);
        Assert.True(outcome.ExitCode != 0, $"ls ran under the policy learned from cat:\n{File.ReadAllText(file)}");
    }

    [Fact]
    public void Usage_errors_are_reported_before_anything_runs()
    {
        var none = CliRunner.Run("learn");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("error POL2701", none.Err);

        var badName = CliRunner.Run("learn", "--name", "9lives", "--", "/bin/true");
        Assert.Equal(2, badName.ExitCode);
        Assert.Contains("error POL2705", badName.Err);

        var missing = CliRunner.Run("learn", "--merge", "/nonexistent/policy.pol", "--", "/bin/true");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("POL9001", missing.Err);

        using var directory = new TempDirectory();
        var broken = directory.File("broken.pol", "policy broken { syscalls { allow nosuchcall } }\n");
        var invalid = CliRunner.Run("learn", "--merge", broken, "--", "/bin/true");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("nosuchcall", invalid.Err);
    }

    [Fact]
    public void A_failing_program_is_learned_with_a_warning()
    {
        Enforcement.RequireRoot();
        var outcome = CliRunner.Run("learn", "--", "/bin/sh", "-c", "exit 3");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("warning POL2703: the program exited with status 3", outcome.Err);
        Assert.Contains("exit status 3", outcome.Out);
    }
}
