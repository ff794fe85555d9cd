using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Polc.Cli;
using Polc.Compiler.Analysis.Lint;
using Polc.Tests.Support;

namespace Polc.Tests.Review;

/// <summary>`polc check --format json|github|sarif`, and lint through `check` and `compile`.</summary>
public class CheckFormatTests
{
    // Line 3 allows ptrace (POL3001 at 3:21); no resources (POL3020/POL3021 at the policy name, 1:8).
    private const string Risky = "policy risky {\n    syscalls {\n        allow read, ptrace\n        default errno ENOSYS\n    }\n}\n";
    private const string Broken = "policy broken {\n    syscalls {\n        allow opnat\n    }\n}\n";

    private static JsonSchema SarifSchema() =>
        JsonSchema.FromFile(Path.Combine(RepoPaths.Root, "tests/Polc.Tests/Review/TestData/sarif-2.1.0-subset.schema.json"));

    private static void AssertValidSarif(string text)
    {
        var result = SarifSchema().Evaluate(JsonNode.Parse(text), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"));
        Assert.True(result.IsValid, "not valid SARIF 2.1.0:\n" + string.Join("\n", errors) + "\n" + text);
    }

    [Fact]
    public void Sarif_output_is_valid_and_points_at_the_offending_name()
    {
        using var directory = new TempDirectory();
        var risky = directory.File("risky.pol", Risky);
        var broken = directory.File("broken.pol", Broken);
        var outcome = CliRunner.Run("check", risky, broken, "--format", "sarif");
        Assert.Equal(ExitCodes.PolicyErrors, outcome.ExitCode);
        AssertValidSarif(outcome.Out);

        using var document = JsonDocument.Parse(outcome.Out);
        var run = document.RootElement.GetProperty("runs")[0];
        Assert.Equal("2.1.0", document.RootElement.GetProperty("version").GetString());
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        foreach (var lint in LintCatalogue.All)
        {
            Assert.Contains(lint.Code, rules);
        }
        var results = run.GetProperty("results").EnumerateArray().ToList();
        foreach (var result in results)
        {
            Assert.Equal(result.GetProperty("ruleId").GetString(), rules[result.GetProperty("ruleIndex").GetInt32()]);
        }
        var ptrace = results.Single(r => r.GetProperty("ruleId").GetString() == "POL3001");
        var location = ptrace.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal(SarifUri(risky), location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        var region = location.GetProperty("region");
        Assert.Equal((3, 21, 3, 27), (region.GetProperty("startLine").GetInt32(), region.GetProperty("startColumn").GetInt32(),
            region.GetProperty("endLine").GetInt32(), region.GetProperty("endColumn").GetInt32()));
        Assert.Equal("warning", ptrace.GetProperty("level").GetString());
        var error = results.Single(r => r.GetProperty("ruleId").GetString() == "POL0201");
        Assert.Equal("error", error.GetProperty("level").GetString());
        Assert.Contains("did you mean `openat`?", error.GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private static string SarifUri(string path) => "file://" + path;

    [Fact]
    public void The_sarif_check_catches_a_broken_log()
    {
        using var directory = new TempDirectory();
        var sarif = CliRunner.Run("check", directory.File("risky.pol", Risky), "--format", "sarif").Out;
        var node = JsonNode.Parse(sarif)!;
        node["runs"]![0]!["results"]![0]!["locations"]![0]!["physicalLocation"]!["region"]!["startLine"] = 0;
        node["runs"]![0]!["tool"]!["driver"]!.AsObject().Remove("name");
        var result = SarifSchema().Evaluate(node, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.False(result.IsValid);
    }

    [Fact]
    public void A_relative_path_stays_a_relative_uri()
    {
        Assert.Equal("policies/my%20app.pol", Polc.Cli.Formats.SarifWriter.Uri("policies/my app.pol"));
        Assert.Equal("file:///srv/a.pol", Polc.Cli.Formats.SarifWriter.Uri("/srv/a.pol"));
    }

    [Fact]
    public void Github_format_prints_one_annotation_per_diagnostic()
    {
        using var directory = new TempDirectory();
        var risky = directory.File("risky,1.pol", Risky);
        var outcome = CliRunner.Run("check", risky, "--format", "github");
        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        var lines = outcome.Out.TrimEnd('\n').Split('\n');
        var escapedPath = risky.Replace(",", "%2C", StringComparison.Ordinal);
        Assert.Contains($"::warning file={escapedPath},line=3,col=21,endLine=3,endColumn=27,title=POL3001::`ptrace` is allowed without an argument filter", outcome.Out, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Matches(@"^::(warning|error) file=[^:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=POL\d{4}::\S", l));
        Assert.Equal(3, lines.Length); // POL3001, POL3020, POL3021
        Assert.Empty(outcome.Err);
    }

    [Fact]
    public void Json_format_lists_files_diagnostics_and_counts()
    {
        using var directory = new TempDirectory();
        var risky = directory.File("risky.pol", Risky);
        var broken = directory.File("broken.pol", Broken);
        var outcome = CliRunner.Run("check", risky, broken, "--format", "json");
        using var document = JsonDocument.Parse(outcome.Out);
        var root = document.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(["risky", null], root.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("policy").GetString()));
        var diagnostics = root.GetProperty("diagnostics").EnumerateArray().ToList();
        var first = diagnostics.First(d => d.GetProperty("code").GetString() == "POL3001");
        Assert.Equal((risky, 3, 21, 3, 27, "warning", true), (first.GetProperty("file").GetString(), first.GetProperty("line").GetInt32(), first.GetProperty("column").GetInt32(),
            first.GetProperty("endLine").GetInt32(), first.GetProperty("endColumn").GetInt32(), first.GetProperty("severity").GetString(), first.GetProperty("lint").GetBoolean()));
        Assert.Equal(1, root.GetProperty("summary").GetProperty("errors").GetInt32());
        Assert.Equal(diagnostics.Count - 1, root.GetProperty("summary").GetProperty("warnings").GetInt32());
    }

    [Fact]
    public void Disable_removes_a_lint_code_and_rejects_codes_that_are_not_lint_rules()
    {
        using var directory = new TempDirectory();
        var risky = directory.File("risky.pol", Risky);
        var all = CliRunner.Run("check", risky);
        Assert.Contains("POL3020", all.Err, StringComparison.Ordinal);
        var some = CliRunner.Run("check", risky, "--disable", "POL3020,pol3021", "--disable", "POL3001");
        Assert.Equal(ExitCodes.Success, some.ExitCode);
        Assert.Equal("", some.Err);

        var unknown = CliRunner.Run("check", risky, "--disable", "POL3201");
        Assert.Equal(ExitCodes.UsageOrIo, unknown.ExitCode);
        Assert.Contains("error POL3102: `POL3201` is not a lint rule", unknown.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("check", risky, "--disable", "POL0201").ExitCode);
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("check", risky, "--format", "xml").ExitCode);
    }

    [Fact]
    public void Compile_reports_lint_warnings_and_still_writes()
    {
        using var directory = new TempDirectory();
        var risky = directory.File("risky.pol", Risky);
        var outcome = CliRunner.Run("compile", risky, "-o", directory.File("out"), "--emit", "ir", "--disable", "POL3021");
        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("warning POL3001", outcome.Err, StringComparison.Ordinal);
        Assert.Contains("warning POL3020", outcome.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("POL3021", outcome.Err, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(directory.Path, "out", "risky.ir.txt")));
    }

    [Fact]
    public void Every_command_of_this_area_has_help_with_examples()
    {
        foreach (var command in new[] { "diff", "score", "check" })
        {
            var help = CliRunner.Run(command, "--help");
            Assert.Equal(ExitCodes.Success, help.ExitCode);
            Assert.Contains("Examples:", help.Out, StringComparison.Ordinal);
            Assert.Contains($"polc {command} ", help.Out, StringComparison.Ordinal);
        }
        Assert.Contains("--fail-on", CliRunner.Run("diff", "--help").Out, StringComparison.Ordinal);
        Assert.Contains("--threshold", CliRunner.Run("score", "--help").Out, StringComparison.Ordinal);
        Assert.Contains("sarif", CliRunner.Run("check", "--help").Out, StringComparison.Ordinal);
    }
}
