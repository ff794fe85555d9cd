using System.CommandLine;
using Polc.Cli.Review;
using Polc.Compiler.Analysis;
using Polc.Compiler.Analysis.Review;

namespace Polc.Cli.Commands;

/// <summary>`polc diff OLD NEW [--format text|markdown|json] [--fail-on any|widen|medium|high]`.</summary>
public static class DiffCommand
{
    public static readonly string[] Formats = ["text", "markdown", "json"];
    public static readonly string[] Gates = ["any", "widen", "medium", "high"];

    public static Command Create(CliContext context)
    {
        var before = new Argument<string>("old") { Description = "the policy before: a file, or REV:path read with `git show` (e.g. origin/main:app.pol)" };
        var after = new Argument<string>("new") { Description = "the policy after: a file, or REV:path" };
        var format = new Option<string>("--format", "-f") { Description = "text (default; coloured on a terminal), markdown (a PR comment) or json (docs/review.md)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(Formats);
        var failOn = new Option<string>("--fail-on")
        {
            Description = "which changes make the exit code 1: any (default), widen (a change that widens), medium (risk medium or high), high (risk high)",
            DefaultValueFactory = _ => "any",
        };
        failOn.AcceptOnlyFromAmong(Gates);
        var command = new Command("diff",
            "Show what a policy change does, not which lines moved: syscalls are compared by their compiled behaviour\n" +
            "per architecture and argument value, everything else by resolved value. Each change is classified as\n" +
            "widens, narrows or neutral, with a risk (low, medium, high). See docs/review.md.\n" +
            "Exit codes: 0 no semantic change (or none that --fail-on selects), 1 changes, 2 errors.\n\n" +
            "Examples:\n" +
            "  polc diff old.pol new.pol\n" +
            "  polc diff origin/main:policies/app.pol policies/app.pol --format markdown > review.md\n" +
            "  polc diff HEAD~1:app.pol app.pol --fail-on high   # CI gate: fail only on high-risk changes")
        {
            before, after, format, failOn,
        };
        command.SetAction(parse => Run(context, parse.GetValue(before)!, parse.GetValue(after)!, parse.GetValue(format)!, parse.GetValue(failOn)!));
        return command;
    }

    public static int Run(CliContext context, string before, string after, string format, string failOn)
    {
        var old = PolicyInput.BindOrReport(context, before);
        var @new = PolicyInput.BindOrReport(context, after);
        if (old is null || @new is null)
        {
            return ExitCodes.UsageOrIo;
        }
        var diff = PolicyDiff.Compare(old, @new);
        context.Out.Write(format switch
        {
            "markdown" => DiffRenderer.Markdown(diff, before, after),
            "json" => DiffRenderer.Json(diff, before, after),
            _ => DiffRenderer.Text(diff, before, after, context.Colour),
        });
        var gated = failOn switch
        {
            "widen" => diff.Changes.Any(c => c.Class == ChangeClass.Widens),
            "medium" => diff.Changes.Any(c => c.Risk >= RiskLevel.Medium),
            "high" => diff.Changes.Any(c => c.Risk == RiskLevel.High),
            _ => diff.HasChanges,
        };
        return gated ? ExitCodes.PolicyErrors : ExitCodes.Success;
    }
}
