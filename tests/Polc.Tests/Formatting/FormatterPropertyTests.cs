using Polc.Compiler.Formatting;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Syntax.Generated;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.Formatting;

/// <summary>fmt is idempotent, loses no comment, and never changes what a policy means.</summary>
public class FormatterPropertyTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 300).Select(i => new object[] { i });

    public static IEnumerable<object[]> RepoPolicies() =>
        Directory.EnumerateFiles(RepoPaths.Profiles, "*.pol", SearchOption.AllDirectories)
            .Concat(Directory.Exists(Path.Combine(RepoPaths.TestData, "valid"))
                ? Directory.EnumerateFiles(Path.Combine(RepoPaths.TestData, "valid"), "*.pol")
                : [])
            .Order(StringComparer.Ordinal)
            .Select(p => new object[] { Path.GetRelativePath(RepoPaths.Root, p) });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_policies_format_idempotently_without_losing_comments_or_meaning(int seed)
    {
        var text = new RandomPolicy(seed).Generate();
        AssertFormattingPreserves($"random-{seed}.pol", text);
    }

    [Theory]
    [MemberData(nameof(RepoPolicies))]
    public void Bundled_and_test_policies_are_already_formatted_and_stable(string relativePath)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, relativePath));
        var formatted = AssertFormattingPreserves(relativePath, text);
        Assert.True(formatted == text, $"{relativePath} is not in canonical layout; run `./polc fmt {relativePath}`:\n{Baseline.Diff(text, formatted)}");
    }

    [Fact]
    public void Semicolons_become_line_breaks_and_blocks_are_indented()
    {
        var formatted = Format("policy p { syscalls { allow read ; allow write } ; capabilities { allow CHOWN } }\n");
        Assert.Equal(
            "policy p {\n    syscalls {\n        allow read\n        allow write\n    }\n    capabilities {\n        allow CHOWN\n    }\n}\n",
            formatted);
    }

    [Fact]
    public void Trailing_comments_on_consecutive_lines_are_aligned()
    {
        var formatted = Format("policy p {\n  syscalls {\n    allow read # r\n    allow openat, close # o\n  }\n}\n");
        Assert.Contains("        allow read           # r\n", formatted);
        Assert.Contains("        allow openat, close  # o\n", formatted);
    }

    [Fact]
    public void A_file_with_syntax_errors_is_refused_not_rewritten()
    {
        var result = PolicyFormatter.Format(new SourceText("bad.pol", "policy p { syscalls { allow read if } }\n"));
        Assert.Null(result.Text);
        Assert.Contains(result.Diagnostics, d => d.Code == "POL0001");
    }

    private static string Format(string text) =>
        PolicyFormatter.Format(new SourceText("t.pol", text)).Text ?? throw new InvalidOperationException("did not format");

    private static string AssertFormattingPreserves(string name, string text)
    {
        var first = PolicyFormatter.Format(new SourceText(name, text));
        Assert.True(first.Text is not null, $"{name} did not format:\n{string.Join("\n", first.Diagnostics)}\n---\n{text}");
        var formatted = first.Text!;
        var second = PolicyFormatter.Format(new SourceText(name, formatted)).Text;
        Assert.True(formatted == second, $"{name}: formatting is not idempotent:\n{Baseline.Diff(formatted, second ?? "")}");
        Assert.Equal(Comments(text), Comments(formatted));
        Assert.Equal(Meaning(name, text), Meaning(name, formatted));
        return formatted;
    }

    private static List<string> Comments(string text) =>
        PolicyParser.Tokenize(new SourceText("c.pol", text), [])
            .GetTokens().Where(t => t.Type == PolcLexer.COMMENT).Select(t => t.Text.TrimEnd()).ToList();

    /// <summary>The IR without spans when the policy binds; otherwise its diagnostics without positions.</summary>
    private static string Meaning(string name, string text)
    {
        var bound = PolicyBinder.Bind(new SourceText(name, text, Path.Combine(RepoPaths.Root, name)));
        return bound.Policy is { } policy
            ? IrPrinter.Print(policy, spans: false)
            : string.Join("\n", bound.Diagnostics.Select(d => $"{d.Code} {System.Text.RegularExpressions.Regex.Replace(d.Message, "line [0-9]+", "line N")}"));
    }
}

public class RandomPolicyGeneratorTests
{
    /// <summary>The property tests above only prove much if most random policies bind to an IR.</summary>
    [Fact]
    public void Most_random_policies_bind_cleanly()
    {
        var clean = Enumerable.Range(1, 300)
            .Count(seed => PolicyBinder.Bind(new SourceText("r.pol", new RandomPolicy(seed).Generate())).Policy is not null);
        Assert.True(clean >= 150, $"only {clean} of 300 random policies bind without errors");
    }
}
