using System.Globalization;
using System.Text;
using Polc.Backends.Support;
using Polc.Compiler.Analysis.Review;

namespace Polc.Cli.Review;

/// <summary>`polc score` output: a table of the checks that contribute, or JSON with every check.</summary>
public static class ScoreRenderer
{
    public const int JsonVersion = 1;

    public static string Text(ExposureReport report, double? threshold)
    {
        var sb = new StringBuilder();
        var contributing = report.Checks.Where(c => c.Exposure > 0)
            .OrderByDescending(c => c.Contribution).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
        sb.Append($"{"CHECK",-32} {"WEIGHT",6} {"EXPOSURE",8}  DETAIL\n");
        foreach (var check in contributing)
        {
            sb.Append($"{check.Id,-32} {Number(check.Weight),6} {Number(check.Exposure),8}  {check.Detail}\n");
        }
        var passing = report.Checks.Length - contributing.Count;
        sb.Append($"({passing} other checks pass; `--format json` lists every check with its description)\n\n");
        sb.Append($"→ exposure of `{report.Policy}`: {Number(report.Score)}/10 {report.Rating.ToUpperInvariant()}");
        if (threshold is { } t)
        {
            sb.Append(report.Score > t ? $" (above the threshold {Number(t)})" : $" (within the threshold {Number(t)})");
        }
        return sb.Append('\n').ToString();
    }

    public static string Json(ExposureReport report, double? threshold) => JsonArtifact.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("version", JsonVersion);
        w.WriteString("policy", report.Policy);
        w.WriteNumber("score", report.Score);
        w.WriteString("rating", report.Rating);
        if (threshold is { } t)
        {
            w.WriteNumber("threshold", t);
            w.WriteBoolean("aboveThreshold", report.Score > t);
        }
        else
        {
            w.WriteNull("threshold");
            w.WriteBoolean("aboveThreshold", false);
        }
        w.WriteStartArray("checks");
        foreach (var check in report.Checks)
        {
            w.WriteStartObject();
            w.WriteString("id", check.Id);
            w.WriteString("description", check.Description);
            w.WriteNumber("weight", check.Weight);
            w.WriteNumber("exposure", check.Exposure);
            w.WriteNumber("contribution", Math.Round(check.Contribution, 2));
            w.WriteString("detail", check.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static string Number(double value) => value.ToString("0.0#", CultureInfo.InvariantCulture);
}
