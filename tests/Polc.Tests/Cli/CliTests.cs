using Polc.Cli;
using Polc.Tests.Support;

namespace Polc.Tests.Cli;

public class CliTests
{
    private const string Valid = "policy demo {\n    syscalls {\n        allow read, write\n    }\n}\n";
    private const string Broken = "policy demo {\n    syscalls {\n        allow opnat\n    }\n}\n";

    [Fact]
    public void Check_reports_file_line_column_code_and_suggestion_and_exits_1()
    {
        using var dir = new TempDirectory();
        var file = dir.File("bad.pol", Broken);
        var outcome = CliRunner.Run("check", file);
        Assert.Equal(ExitCodes.PolicyErrors, outcome.ExitCode);
        Assert.Contains($"{file}:3:15: error POL0201: unknown syscall `opnat`; did you mean `openat`?", outcome.Err);
    }

    [Fact]
    public void Check_exits_0_on_a_clean_policy_even_with_warnings()
    {
        using var dir = new TempDirectory();
        var file = dir.File("warn.pol", "policy w {\n    syscalls {\n        arch x86_64, aarch64\n        allow open\n    }\n}\n");
        var outcome = CliRunner.Run("check", file);
        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("warning POL0202", outcome.Err);
    }

    [Fact]
    public void Check_exits_2_on_a_missing_file_and_on_bad_usage()
    {
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("check", "/nonexistent/x.pol").ExitCode);
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("check").ExitCode);
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("check", "--no-such-option", "x.pol").ExitCode);
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("frobnicate").ExitCode);
    }

    [Fact]
    public void Check_reports_several_errors_in_one_run()
    {
        using var dir = new TempDirectory();
        var file = dir.File("many.pol", "policy m {\n    syscalls {\n        allow opnat\n        alow read\n    }\n    capabilities {\n        allow SYS_ADMN\n    }\n}\n");
        var outcome = CliRunner.Run("check", file);
        Assert.Contains("POL0201", outcome.Err);
        Assert.Contains("POL0204", outcome.Err);
        Assert.Contains("POL0301", outcome.Err);
    }

    [Fact]
    public void Compile_writes_the_ir_dump_named_after_the_policy()
    {
        using var dir = new TempDirectory();
        var file = dir.File("some-file.pol", Valid);
        var output = Path.Combine(dir.Path, "out");
        var outcome = CliRunner.Run("compile", file, "-o", output, "--emit", "ir");
        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        var dump = File.ReadAllText(Path.Combine(output, "demo.ir.txt"));
        Assert.Contains("allow read, write", dump);
        Assert.Empty(Directory.EnumerateFiles(output, ".*tmp"));
    }

    [Fact]
    public void A_failed_compile_writes_nothing_and_leaves_earlier_artifacts_intact()
    {
        using var dir = new TempDirectory();
        var file = dir.File("demo.pol", Valid);
        var output = Path.Combine(dir.Path, "out");
        Assert.Equal(ExitCodes.Success, CliRunner.Run("compile", file, "-o", output, "--emit", "ir").ExitCode);
        var artifact = Path.Combine(output, "demo.ir.txt");
        var before = File.ReadAllBytes(artifact);

        File.WriteAllText(file, Broken);
        var failed = CliRunner.Run("compile", file, "-o", output, "--emit", "ir");
        Assert.Equal(ExitCodes.PolicyErrors, failed.ExitCode);
        Assert.Contains("nothing written", failed.Err);
        Assert.Equal(before, File.ReadAllBytes(artifact));
        Assert.Single(Directory.EnumerateFiles(output));
    }

    [Fact]
    public void Compile_rejects_an_unknown_target_with_a_suggestion()
    {
        using var dir = new TempDirectory();
        var outcome = CliRunner.Run("compile", dir.File("demo.pol", Valid), "--target", "irr");
        Assert.Equal(ExitCodes.UsageOrIo, outcome.ExitCode);
        Assert.Contains("did you mean `ir`", outcome.Err);
    }

    [Fact]
    public void Compile_output_is_deterministic()
    {
        using var dir = new TempDirectory();
        var file = dir.File("demo.pol", File.ReadAllText(Path.Combine(RepoPaths.Profiles, "examples", "web.pol")));
        CliRunner.Run("compile", file, "-o", Path.Combine(dir.Path, "a"), "--target", "all");
        CliRunner.Run("compile", file, "-o", Path.Combine(dir.Path, "b"), "--target", "all");
        var a = Directory.EnumerateFiles(Path.Combine(dir.Path, "a")).Order().ToList();
        var b = Directory.EnumerateFiles(Path.Combine(dir.Path, "b")).Order().ToList();
        Assert.NotEmpty(a);
        Assert.Equal(a.Select(Path.GetFileName), b.Select(Path.GetFileName));
        foreach (var (left, right) in a.Zip(b))
        {
            Assert.True(File.ReadAllBytes(left).AsSpan().SequenceEqual(File.ReadAllBytes(right)), $"{Path.GetFileName(left)} differs between runs");
        }
    }

    [Fact]
    public void Fmt_check_exits_1_on_an_unformatted_file_and_fmt_fixes_it_in_place()
    {
        using var dir = new TempDirectory();
        var file = dir.File("messy.pol", "policy   m{syscalls{allow read;allow write # keep me\n}}\n");
        Assert.Equal(ExitCodes.PolicyErrors, CliRunner.Run("fmt", "--check", file).ExitCode);
        Assert.Equal(ExitCodes.Success, CliRunner.Run("fmt", file).ExitCode);
        Assert.Equal(ExitCodes.Success, CliRunner.Run("fmt", "--check", file).ExitCode);
        Assert.Contains("# keep me", File.ReadAllText(file));
        var stdout = CliRunner.Run("fmt", "--stdout", file);
        Assert.Equal(File.ReadAllText(file), stdout.Out);
    }

    [Fact]
    public void Fmt_refuses_a_file_with_syntax_errors_and_leaves_it_alone()
    {
        using var dir = new TempDirectory();
        const string text = "policy p { syscalls { allow read if } }\n";
        var file = dir.File("broken.pol", text);
        var outcome = CliRunner.Run("fmt", file);
        Assert.Equal(ExitCodes.PolicyErrors, outcome.ExitCode);
        Assert.Equal(text, File.ReadAllText(file));
    }

    public static IEnumerable<object[]> Commands() =>
        Program.BuildRootCommand(new CliContext(TextWriter.Null, TextWriter.Null)).Subcommands.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_has_help_with_examples(string command)
    {
        var outcome = CliRunner.Run(command, "--help");
        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("Examples:", outcome.Out);
        Assert.Contains($"polc {command}", outcome.Out);
    }
}
