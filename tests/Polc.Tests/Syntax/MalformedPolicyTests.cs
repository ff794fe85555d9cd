using System.Text.RegularExpressions;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.Syntax;

/// <summary>
/// Each file in TestData/malformed/ starts with `# expect: CODE LINE:COL` lines; binding it must report
/// exactly those diagnostics (errors and warnings), no more and no fewer, at exactly those places.
/// </summary>
public partial class MalformedPolicyTests
{
    private static string Folder => Path.Combine(RepoPaths.TestData, "malformed");

    public static IEnumerable<object[]> Cases() =>
        Directory.EnumerateFiles(Folder, "*.pol").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [Fact]
    public void There_are_at_least_forty_cases() => Assert.True(Cases().Count() >= 40);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_exactly_the_expected_codes_at_the_expected_places(string file)
    {
        var path = Path.Combine(Folder, file);
        var text = File.ReadAllText(path);
        var expected = Expectation().Matches(text).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}").Order().ToList();
        Assert.NotEmpty(expected);
        var result = PolicyBinder.Bind(new SourceText(file, text, path));
        var actual = result.Diagnostics.Select(d => $"{d.Code} {d.Location?.Line}:{d.Location?.Column}").Order().ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"{file}: expected [{string.Join(", ", expected)}] but got:\n{string.Join("\n", result.Diagnostics)}");
        Assert.Null(result.Policy);
        Assert.All(result.Diagnostics, d => Assert.Matches("^POL[0-9]{4}$", d.Code));
    }

    [GeneratedRegex(@"^# expect: (POL[0-9]{4}) ([0-9]+:[0-9]+)$", RegexOptions.Multiline)]
    private static partial Regex Expectation();
}
