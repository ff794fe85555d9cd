using System.Text;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Formatting;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.Syntax;

/// <summary>Random token soup and random mutations of valid policies: no exception may escape,
/// and every diagnostic must have a stable code and a position inside the file.</summary>
public class FuzzTests
{
    private static readonly string[] Vocabulary =
    [
        "policy", "extends", "group", "if", "in", "not", "syscalls", "capabilities", "filesystem", "network", "resources",
        "isolation", "expect", "allow", "deny", "errno", "kill", "trace", "default", "arch", "x86_64", "read", "@basic-io",
        "arg0", "arg9", "AF_INET", "==", "!=", "<", "<=", "&&", "||", "!", "&", "|", "(", ")", "[", "]", "{", "}", ",", ";",
        "=", "->", "\n", "\n", "\n", " ", "\t", "0", "0x", "0xffffffffffffffffff", "1.5", "64MiB", "50MiB/s", "8000-8080",
        "\"/etc/**\"", "\"unterminated", "# comment", "\\", "$", "\0", "\u00e9", "\uFFFD", "memory", "tmpfs", "size", "map-users",
        "count", "none", "docker-default", "\"../x.pol\"", "\"\\q\"", "@", "allow-new-privileges", "capability", "no",
    ];

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 40).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_token_soup_never_throws(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 50; round++)
        {
            var sb = new StringBuilder();
            if (random.Next(2) == 0)
            {
                sb.Append("policy fuzz {\n");
            }
            var length = random.Next(1, 80);
            for (var i = 0; i < length; i++)
            {
                sb.Append(Vocabulary[random.Next(Vocabulary.Length)]).Append(random.Next(3) == 0 ? "" : " ");
            }
            AssertSurvives(sb.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mutated_valid_policies_never_throw(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 50; round++)
        {
            var text = new StringBuilder(new RandomPolicy(seed * 100 + round).Generate());
            var mutations = random.Next(1, 6);
            for (var m = 0; m < mutations && text.Length > 0; m++)
            {
                var at = random.Next(text.Length);
                switch (random.Next(5))
                {
                    case 0: text.Remove(at, Math.Min(text.Length - at, random.Next(1, 12))); break;
                    case 1: text.Insert(at, Vocabulary[random.Next(Vocabulary.Length)]); break;
                    case 2: text.Insert(at, (char)random.Next(0, 0x3000)); break;
                    case 3:
                        var from = random.Next(text.Length);
                        var count = Math.Min(text.Length - from, random.Next(1, 30));
                        text.Insert(at, text.ToString(from, count));
                        break;
                    default: text[at] = (char)random.Next(32, 127); break;
                }
            }
            AssertSurvives(text.ToString());
        }
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            AssertSurvives(SourceText.FromBytes("bytes.pol", bytes));
        }
    }

    [Fact]
    public void Deep_nesting_and_long_lines_do_not_overflow()
    {
        AssertSurvives("policy p { syscalls { allow read if " + new string('(', 2000) + "arg0 == 1" + new string(')', 2000) + " } }\n");
        AssertSurvives("policy p { syscalls { allow read if " + string.Join(" || ", Enumerable.Repeat("arg0 == 1", 3000)) + " } }\n");
        AssertSurvives("policy p { syscalls { allow " + string.Join(", ", Enumerable.Repeat("read", 20000)) + " } }\n");
    }

    private static void AssertSurvives(string text) => AssertSurvives(new SourceText("fuzz.pol", text, "/nonexistent/fuzz.pol"));

    private static void AssertSurvives(SourceText source)
    {
        BindResult bound;
        PolicyFormatter.Result formatted;
        try
        {
            bound = PolicyBinder.Bind(source);
            formatted = PolicyFormatter.Format(source);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"exception escaped for input:\n{source.Text}\n---\n{e}");
        }
        foreach (var diagnostic in bound.Diagnostics.Concat(formatted.Diagnostics))
        {
            Assert.Matches("^POL[0-9]{4}$", diagnostic.Code);
            if (diagnostic.Location is { } location && location.Path == source.Path)
            {
                Assert.InRange(location.Span.Start, 0, source.Text.Length);
                Assert.InRange(location.Span.End, location.Span.Start, source.Text.Length);
            }
        }
        Assert.True(bound.Policy is not null || bound.HasErrors, "no IR and no error");
        _ = bound.Diagnostics.Select(d => d.ToString()).ToList();
    }
}
