using System.CommandLine;
using Polc.Cli.Review;
using Polc.Compiler.Analysis.Review;

namespace Polc.Cli.Commands;

/// <summary>`polc score FILE [--format text|json] [--threshold N]`.</summary>
public static class ScoreCommand
{
    public static readonly string[] Formats = ["text", "json"];

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "the policy: a file, or REV:path read with `git show`" };
        var format = new Option<string>("--format", "-f") { Description = "text (default) or json (every check; docs/review.md)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(Formats);
        var threshold = new Option<double?>("--threshold") { Description = "exit 1 when the score is above this (0..10)" };
        threshold.Validators.Add(result =>
        {
            if (result.GetValue(threshold) is { } t && (t < 0 || t > 10 || double.IsNaN(t)))
            {
                result.AddError("--threshold must be between 0 and 10");
            }
        });
        var command = new Command("score",
            "Rate how exposed a policy leaves the host, 0.0 (locked down) to 10.0 (fully exposed), in the manner of\n" +
            "`systemd-analyze security`: each check has a weight and an exposure between 0 and 1; the checks and\n" +
            "weights are listed in docs/review.md. Granting more never lowers the score.\n" +
            "Exit codes: 0 (or 0 within --threshold), 1 above --threshold, 2 errors.\n\n" +
            "Examples:\n" +
            "  polc score app.pol\n" +
            "  polc score app.pol --threshold 4.5      # CI gate\n" +
            "  polc score origin/main:app.pol --format json")
        {
            file, format, threshold,
        };
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(format)!, parse.GetValue(threshold)));
        return command;
    }

    public static int Run(CliContext context, string file, string format, double? threshold)
    {
        if (PolicyInput.BindOrReport(context, file) is not { } policy)
        {
            return ExitCodes.UsageOrIo;
        }
        var report = ExposureScore.Compute(policy);
        context.Out.Write(format == "json" ? ScoreRenderer.Json(report, threshold) : ScoreRenderer.Text(report, threshold));
        return threshold is { } t && report.Score > t ? ExitCodes.PolicyErrors : ExitCodes.Success;
    }
}
