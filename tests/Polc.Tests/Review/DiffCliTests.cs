using System.Diagnostics;
using System.Text.Json;
using Polc.Cli;
using Polc.Cli.Review;
using Polc.Compiler.Semantics;
using Polc.Tests.Support;

namespace Polc.Tests.Review;

/// <summary>`polc diff` on the command line: exit codes, --fail-on gates, formats, and `REV:path` read from git.</summary>
public class DiffCliTests
{
    private const string Base = "policy app {\n    syscalls {\n        allow read, write\n        kill ptrace\n    }\n}\n";
    private const string Reordered = "policy app2 {\n    syscalls {\n        kill ptrace\n        allow write\n        allow read\n    }\n}\n";
    private const string Narrower = "policy app {\n    syscalls {\n        allow read\n        kill ptrace\n    }\n}\n";
    private const string LowWider = "policy app {\n    syscalls {\n        allow read, write, close\n        kill ptrace\n    }\n}\n";
    private const string HighWider = "policy app {\n    syscalls {\n        allow read, write, ptrace\n    }\n}\n";

    [Fact]
    public void Exit_codes_follow_the_changes_and_the_gate()
    {
        using var directory = new TempDirectory();
        var (base_, reordered, narrower, low, high) = (directory.File("a.pol", Base), directory.File("b.pol", Reordered),
            directory.File("c.pol", Narrower), directory.File("d.pol", LowWider), directory.File("e.pol", HighWider));

        var same = CliRunner.Run("diff", base_, reordered);
        Assert.Equal(ExitCodes.Success, same.ExitCode);
        Assert.Contains("no semantic change", same.Out, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.PolicyErrors, CliRunner.Run("diff", base_, narrower).ExitCode);
        Assert.Equal(ExitCodes.Success, CliRunner.Run("diff", base_, narrower, "--fail-on", "widen").ExitCode);
        Assert.Equal(ExitCodes.PolicyErrors, CliRunner.Run("diff", base_, low, "--fail-on", "widen").ExitCode);
        Assert.Equal(ExitCodes.Success, CliRunner.Run("diff", base_, low, "--fail-on", "high").ExitCode);
        Assert.Equal(ExitCodes.Success, CliRunner.Run("diff", base_, low, "--fail-on", "medium").ExitCode);
        Assert.Equal(ExitCodes.PolicyErrors, CliRunner.Run("diff", base_, high, "--fail-on", "high").ExitCode);
        Assert.Equal(ExitCodes.PolicyErrors, CliRunner.Run("diff", base_, high, "--fail-on", "medium").ExitCode);

        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("diff", base_, directory.File("missing.pol")).ExitCode);
        var broken = CliRunner.Run("diff", base_, directory.File("broken.pol", "policy x { syscalls { allow opnat } }"));
        Assert.Equal(ExitCodes.UsageOrIo, broken.ExitCode);
        Assert.Contains("POL0201", broken.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("diff", base_, high, "--fail-on", "everything").ExitCode);
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("diff", base_).ExitCode);
    }

    [Fact]
    public void Json_and_markdown_say_the_same()
    {
        using var directory = new TempDirectory();
        var (before, after) = (directory.File("a.pol", Base), directory.File("e.pol", HighWider));
        var json = CliRunner.Run("diff", before, after, "--format", "json");
        Assert.Equal(ExitCodes.PolicyErrors, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        var change = Assert.Single(document.RootElement.GetProperty("changes").EnumerateArray());
        Assert.Equal(("ptrace", "widens", "high", "kill", "allow"), (change.GetProperty("subject").GetString(), change.GetProperty("class").GetString(),
            change.GetProperty("risk").GetString(), change.GetProperty("before").GetString(), change.GetProperty("after").GetString()));
        Assert.Equal(JsonValueKind.Null, change.GetProperty("when").ValueKind);
        var markdown = CliRunner.Run("diff", before, after, "--format", "markdown").Out;
        Assert.StartsWith(DiffRenderer.MarkdownMarker, markdown, StringComparison.Ordinal);
        Assert.Contains("| **high** | widens | `ptrace`: kill → allow (x86_64) |", markdown, StringComparison.Ordinal);
    }

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "polc tests";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "tests@polc.invalid";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(" ", args)}: {error}");
    }

    [Fact]
    public void A_revision_is_read_from_git_with_the_bases_it_extends_at_that_revision()
    {
        using var directory = new TempDirectory();
        var repository = directory.Path;
        Git(repository, "init", "-q", "-b", "main");
        directory.File("policies/base.pol", "policy base {\n    syscalls {\n        kill ptrace\n    }\n}\n");
        var app = directory.File("policies/app.pol", "policy app extends \"base.pol\" {\n    syscalls {\n        allow read\n    }\n}\n");
        Git(repository, "add", "-A");
        Git(repository, "commit", "-q", "-m", "first");
        // The working tree's base now allows ptrace: comparing the committed app with the working one must see it.
        File.WriteAllText(Path.Combine(repository, "policies/base.pol"), "policy base {\n    syscalls {\n        allow ptrace\n    }\n}\n");

        var (old, error) = PolicyInput.Load("HEAD:policies/app.pol", repository);
        Assert.Null(error);
        using (old)
        {
            Assert.Equal("HEAD:policies/app.pol", old!.Source.Path);
            var committed = PolicyBinder.Bind(old.Source).Policy!;
            var current = PolicyBinder.BindFile(app).Policy!;
            var diff = Compiler.Analysis.Review.PolicyDiff.Compare(committed, current);
            var change = Assert.Single(diff.Changes);
            Assert.Equal("`ptrace`: kill → allow", change.Message);
        }
        var (fromSubdirectory, _) = PolicyInput.Load("HEAD:./app.pol", Path.Combine(repository, "policies"));
        using (fromSubdirectory)
        {
            Assert.Equal("HEAD:policies/app.pol", fromSubdirectory!.Source.Path);
        }

        var (missing, missingError) = PolicyInput.Load("HEAD:policies/none.pol", repository);
        Assert.Null(missing);
        Assert.Equal("POL3101", missingError!.Code);
        var (outside, outsideError) = PolicyInput.Load("HEAD:app.pol", Path.GetTempPath());
        Assert.Null(outside);
        Assert.Contains("not inside a git repository", outsideError!.Message, StringComparison.Ordinal);
    }
}
