using System.Text.RegularExpressions;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.Syntax;

/// <summary>Every example block of the language spec (../shared/spec/language.md) parses and binds.</summary>
public partial class LanguageSpecExampleTests
{
    private static string? SpecPath
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "spec", "language.md"));
            return File.Exists(path) ? path : null;
        }
    }

    [SkippableFact]
    public void Every_section_example_binds_without_errors()
    {
        Skip.If(SpecPath is null, "../shared/spec/language.md is not next to this clone; the same examples are covered by TestData/baselines/0*-spec-*");
        var blocks = CodeBlock().Matches(File.ReadAllText(SpecPath!)).Select(m => m.Groups[1].Value).ToList();
        var checkedBlocks = 0;
        foreach (var block in blocks)
        {
            if (block.Contains("NAME", StringComparison.Ordinal))
            {
                continue; // the grammar sketch `policy NAME [extends BASE, ...]` is notation, not policy text
            }
            var text = $"policy spec {{\n{block}\n}}\n";
            var result = PolicyBinder.Bind(new SourceText("spec.pol", text));
            // The `expect` example alone states expectations about a policy it is not part of: those may fail, nothing else may.
            var errors = result.Diagnostics.Where(d => d.IsError && d.Code is not ("POL0901" or "POL0902")).ToList();
            Assert.True(errors.Count == 0, $"spec example does not bind:\n{block}\n---\n{string.Join("\n", errors)}");
            checkedBlocks++;
        }
        Assert.True(checkedBlocks >= 8, $"only {checkedBlocks} example blocks found in the spec");
    }

    [GeneratedRegex("```\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
