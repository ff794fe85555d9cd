using System.CommandLine;
using Polc.Compiler.Analysis.Lint;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Text;

namespace Polc.Cli.Review;

/// <summary>`--disable CODE` (repeatable, comma-separated) and `--lint-bases`, shared by `check` and `compile`.</summary>
public sealed class LintSwitches
{
    public Option<string[]> Disable { get; } = new("--disable")
    {
        Description = "turn a lint warning off, e.g. `--disable POL3021` (repeatable, or comma-separated); see docs/review.md",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> LintBases { get; } = new("--lint-bases")
    {
        Description = "also lint the bases the policy extends (by default only the file itself is linted)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Disable);
        command.Options.Add(LintBases);
    }

    /// <summary>The options, or null after printing a usage error for a code that is not a lint rule.</summary>
    public LintOptions? Read(ParseResult parse, CliContext context)
    {
        var codes = (parse.GetValue(Disable) ?? [])
            .SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(c => c.ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);
        foreach (var code in codes.Where(c => !LintCatalogue.IsLintCode(c)).Order(StringComparer.Ordinal))
        {
            var suggestion = SpellChecker.Suggest(code, LintCatalogue.All.Select(r => r.Code));
            context.Err.WriteLine(DiagnosticCatalog.UnknownLintCode(code, suggestion));
            return null;
        }
        return new LintOptions(codes, parse.GetValue(LintBases));
    }
}
