using System.Diagnostics;
using Polc.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Polc.Tests.Review;

/// <summary>
/// The GitHub Actions workflow in docs/: it parses, the docs embed it verbatim, and its shell steps
/// (the part GitHub does not provide) work: they run under bash, as GitHub runs them, in a scratch
/// repository with a base branch, with this build's `polc` on PATH.
/// </summary>
public class WorkflowTests
{
    private static readonly string WorkflowPath = Path.Combine(RepoPaths.Root, "docs/github-workflow.yml");

    private static Dictionary<string, string> RunSteps()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(WorkflowPath)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var steps = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)root["jobs"])["review"])["steps"];
        return steps.Cast<YamlMappingNode>()
            .Where(s => s.Children.ContainsKey("run"))
            .ToDictionary(s => ((YamlScalarNode)s["name"]).Value!, s => ((YamlScalarNode)s["run"]).Value!);
    }

    [Fact]
    public void The_workflow_parses_and_the_docs_show_it_verbatim()
    {
        var steps = RunSteps();
        Assert.Contains("Check (annotations)", steps.Keys);
        Assert.Contains("polc check --format github", steps["Check (annotations)"], StringComparison.Ordinal);
        Assert.Contains("polc score", steps["Score"], StringComparison.Ordinal);
        Assert.Contains("polc diff", steps["Diff against the base branch"], StringComparison.Ordinal);
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs/review.md"));
        Assert.Contains("```yaml\n" + File.ReadAllText(WorkflowPath) + "```", docs, StringComparison.Ordinal);
    }

    private static (int Exit, string Out, string Err) Run(string directory, string file, string arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, Arguments = arguments };
        start.Environment["PATH"] = AppContext.BaseDirectory + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "polc tests";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "tests@polc.invalid";
        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    [Fact]
    public void The_shell_steps_check_score_and_diff_a_pull_request()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "polc")), "the polc executable is not next to the tests");
        using var directory = new TempDirectory();
        var repo = directory.Path;
        void Git(string arguments) => Assert.Equal(0, Run(repo, "git", arguments).Exit);
        Git("init -q -b main");
        directory.File("policies/app.pol", "policy app {\n    syscalls {\n        default errno ENOSYS\n        allow read, write\n    }\n    resources {\n        memory 64MiB\n        pids 16\n    }\n}\n");
        directory.File("README", "not a policy\n");
        Git("add -A");
        Git("commit -q -m base");
        Git("update-ref refs/remotes/origin/main HEAD");
        Git("checkout -q -b feature");
        directory.File("policies/app.pol", "policy app {\n    syscalls {\n        default errno ENOSYS\n        allow read, write, ptrace\n    }\n    resources {\n        memory 64MiB\n        pids 16\n    }\n}\n");
        directory.File("policies/new.pol", "policy fresh {\n    syscalls {\n        allow read\n    }\n}\n");
        Git("add -A");
        Git("commit -q -m change");

        var output = directory.File("github-output", "");
        var environment = new Dictionary<string, string> { ["GITHUB_BASE_REF"] = "main", ["GITHUB_OUTPUT"] = output, ["SCORE_THRESHOLD"] = "5" };
        (int Exit, string Out, string Err) Step(string name)
        {
            var script = directory.File($"step-{name.Replace(' ', '-').Replace("(", "").Replace(")", "")}.sh", RunSteps()[name]);
            // As GitHub runs a `run:` block: bash --noprofile --norc -eo pipefail {0}
            return Run(repo, "bash", $"--noprofile --norc -eo pipefail {script}", environment);
        }

        var changed = Step("Find changed policies");
        Assert.Equal(0, changed.Exit);
        Assert.Equal(["policies/app.pol", "policies/new.pol"], File.ReadAllLines(Path.Combine(repo, "changed.txt")));

        var check = Step("Check (annotations)");
        Assert.True(check.Exit == 0, check.Err);
        Assert.Contains("::warning file=policies/app.pol,line=4,col=28,endLine=4,endColumn=34,title=POL3001::", check.Out, StringComparison.Ordinal);

        var sarif = Step("Check (SARIF)");
        Assert.Equal(0, sarif.Exit);
        Assert.Contains("\"ruleId\": \"POL3001\"", File.ReadAllText(Path.Combine(repo, "polc.sarif")), StringComparison.Ordinal);

        var score = Step("Score");
        Assert.Equal(0, score.Exit);
        Assert.Contains("exposure of `app`", score.Out, StringComparison.Ordinal);

        var diff = Step("Diff against the base branch");
        Assert.True(diff.Exit == 0, diff.Err);
        var review = File.ReadAllText(Path.Combine(repo, "review.md"));
        Assert.StartsWith("<!-- polc-review -->\n", review, StringComparison.Ordinal);
        Assert.Equal(1, review.Split("<!-- polc-review -->").Length - 1);
        Assert.Contains("| **high** | widens | `ptrace`: errno ENOSYS → allow (x86_64) |", review, StringComparison.Ordinal);
        Assert.Contains("**`policies/new.pol`**\n\nNew policy.", review, StringComparison.Ordinal);
        Assert.Contains("high=1", File.ReadAllText(output), StringComparison.Ordinal);
    }
}
