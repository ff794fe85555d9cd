using System.Text;
using Polc.Backends.Support;
using Polc.Compiler.Analysis;
using Polc.Compiler.Analysis.Review;

namespace Polc.Cli.Review;

/// <summary>`polc diff` output: text for terminals, markdown for pull-request comments, JSON for tools (schema in docs/review.md).</summary>
public static class DiffRenderer
{
    public const int JsonVersion = 1;

    /// <summary>The first line of the markdown, so a workflow can find and update its earlier comment.</summary>
    public const string MarkdownMarker = "<!-- polc-review -->";

    public static string Text(PolicyDiffResult diff, string before, string after, bool colour)
    {
        var sb = new StringBuilder();
        sb.Append($"polc diff {before} → {after}: {Summary(diff)}\n");
        foreach (var area in diff.Changes.GroupBy(c => c.Area))
        {
            sb.Append('\n').Append(area.Key.Name()).Append('\n');
            foreach (var (change, text) in Rows(area))
            {
                var label = $"{change.Class.Name(),-8} {change.Risk.Name(),-6}";
                if (colour)
                {
                    var code = change.Class switch
                    {
                        ChangeClass.Widens => change.Risk == RiskLevel.High ? "1;31" : "33",
                        ChangeClass.Narrows => "32",
                        _ => "2",
                    };
                    label = $"\u001b[{code}m{label}\u001b[0m";
                }
                sb.Append("  ").Append(label).Append(' ').Append(text).Append('\n');
            }
        }
        return sb.ToString();
    }

    public static string Markdown(PolicyDiffResult diff, string before, string after)
    {
        var sb = new StringBuilder();
        sb.Append(MarkdownMarker).Append('\n');
        sb.Append("### polc policy review\n\n");
        sb.Append($"`{Cell(before)}` → `{Cell(after)}`: ");
        if (!diff.HasChanges)
        {
            sb.Append("**no semantic change**: both policies allow and deny exactly the same.\n");
            return sb.ToString();
        }
        var highest = diff.Changes.Max(c => c.Risk);
        sb.Append($"**{Count(diff.Changes.Length, "change")}**: {diff.Count(ChangeClass.Widens)} widen, {diff.Count(ChangeClass.Narrows)} narrow, " +
                  $"{diff.Count(ChangeClass.Neutral)} neutral; highest risk **{highest.Name()}**.\n");
        foreach (var area in diff.Changes.GroupBy(c => c.Area))
        {
            sb.Append($"\n#### {Capitalised(area.Key.Name())}\n\n");
            sb.Append("| Risk | Class | Change |\n| --- | --- | --- |\n");
            foreach (var (change, text) in Rows(area))
            {
                var risk = change.Risk == RiskLevel.High ? "**high**" : change.Risk.Name();
                sb.Append($"| {risk} | {change.Class.Name()} | {Cell(text)} |\n");
            }
        }
        sb.Append("\n<sub>Computed by `polc diff` from the compiled behaviour: reordering or regrouping rules changes nothing here.</sub>\n");
        return sb.ToString();
    }

    public static string Json(PolicyDiffResult diff, string before, string after) => JsonArtifact.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("version", JsonVersion);
        foreach (var (key, policy, source) in new[] { ("before", diff.OldName, before), ("after", diff.NewName, after) })
        {
            w.WriteStartObject(key);
            w.WriteString("policy", policy);
            w.WriteString("source", source);
            w.WriteEndObject();
        }
        w.WriteStartObject("summary");
        w.WriteNumber("changes", diff.Changes.Length);
        foreach (var changeClass in Enum.GetValues<ChangeClass>())
        {
            w.WriteNumber(changeClass.Name(), diff.Count(changeClass));
        }
        foreach (var risk in Enum.GetValues<RiskLevel>().Reverse())
        {
            w.WriteNumber(risk.Name(), diff.Count(risk));
        }
        w.WriteEndObject();
        w.WriteStartArray("changes");
        foreach (var change in diff.Changes)
        {
            w.WriteStartObject();
            w.WriteString("area", change.Area.Name());
            w.WriteString("subject", change.Subject);
            w.WriteString("class", change.Class.Name());
            w.WriteString("risk", change.Risk.Name());
            w.WriteString("message", change.Message);
            w.WriteString("before", change.Before);
            w.WriteString("after", change.After);
            w.WriteString("when", change.When);
            w.WriteStringArray("arches", change.Arches);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static string Summary(PolicyDiffResult diff) => !diff.HasChanges
        ? "no semantic change"
        : $"{Count(diff.Changes.Length, "change")} ({diff.Count(ChangeClass.Widens)} widen, {diff.Count(ChangeClass.Narrows)} narrow, " +
          $"{diff.Count(ChangeClass.Neutral)} neutral; {diff.Count(RiskLevel.High)} high risk)";

    /// <summary>One row per change, except that syscall changes identical but for the syscall share a row
    /// (`dup`, `dup3`, `lseek`: errno EPERM → allow), so a regrouping reads as one line.</summary>
    private static IEnumerable<(PolicyChange Change, string Text)> Rows(IEnumerable<PolicyChange> changes)
    {
        foreach (var group in changes.GroupBy(c => c.Area == ReviewArea.Syscalls && c.Before is not null && c.After is not null && !c.Subject.Contains(' ')
            ? (c.Class, c.Risk, c.Before, c.After, c.When, Arches: string.Join(",", c.Arches))
            : (c.Class, c.Risk, c.Message, null, null, Arches: c.Subject)))
        {
            var first = group.First();
            var message = group.Count() == 1 ? first.Message
                : $"{string.Join(", ", group.Select(c => $"`{c.Subject}`"))}: {first.Before} → {first.After}" + (first.When is null ? "" : $" when {first.When}");
            yield return (first, first.Arches.Length == 0 ? message : $"{message} ({string.Join(", ", first.Arches)})");
        }
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Capitalised(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    /// <summary>Table cells cannot hold `|` (not even in code spans) or line breaks.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
