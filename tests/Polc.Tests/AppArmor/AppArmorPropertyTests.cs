using System.Text;
using Polc.Backends.AppArmor;
using Polc.Compiler.Semantics;
using Polc.Tests.Support;

namespace Polc.Tests.AppArmor;

/// <summary>Properties over random policies: the parser accepts every profile, and every path rule matches in
/// the parser's automaton exactly the paths polc's own matcher says the pattern covers.</summary>
public class AppArmorPropertyTests
{
    private const int Policies = 60;
    private const int Patterns = 120;

    [Fact]
    public void Apparmor_parser_accepts_the_profile_of_every_random_policy()
    {
        var backend = new AppArmorBackend();
        var failures = new System.Collections.Concurrent.ConcurrentBag<(int Seed, string Message)>();
        Parallel.For(1, Policies + 1, new ParallelOptions { MaxDegreeOfParallelism = 2 }, seed =>
        {
            var source = new RandomLsmPolicy(seed).Source();
            var output = BackendHarness.Emit(backend, source);
            var result = AppArmorParser.Compile(output.Text);
            if (result.ExitCode != 0)
            {
                failures.Add((seed, $"{AppArmorParser.Messages(result)}\n--- profile ---\n{output.Text}\n--- policy ---\n{source}"));
            }
        });
        var first = failures.OrderBy(f => f.Seed).FirstOrDefault();
        Assert.True(failures.IsEmpty, $"apparmor_parser rejected {failures.Count} of {Policies} profiles; the first, seed {first.Seed}:\n{first.Message}");
    }

    [Fact]
    public void Path_rules_match_the_same_paths_as_the_policy_patterns()
    {
        var checkedPaths = 0;
        for (var seed = 1; seed <= Patterns; seed++)
        {
            var random = new Random(seed);
            var pattern = new RandomLsmPolicy(seed).Pattern();
            var rule = AppArmorPattern.Rule(pattern);
            var dfa = AppArmorParser.Dfa($"abi <abi/3.0>,\nprofile t {{\n  {rule} r,\n}}\n");
            foreach (var path in Samples(pattern, random))
            {
                var expected = GlobPattern.Matches(pattern, path);
                var actual = dfa.Allows(path, AppArmorDfa.Read);
                Assert.True(expected == actual,
                    $"pattern {Show(pattern)} (rule {Show(rule)}, seed {seed}): polc says {(expected ? "match" : "no match")} but AppArmor says {(actual ? "match" : "no match")} for {Show(path)}");
                checkedPaths++;
            }
        }
        Assert.True(checkedPaths > Patterns * 5, $"only {checkedPaths} sample paths were checked");
    }

    [Theory]
    [InlineData("/srv/a b/c", "/srv/a b/c", "/srv/a")]
    [InlineData("/srv/what?", "/srv/what?", "/srv/whatx")]
    [InlineData("/srv/[ab]", "/srv/[ab]", "/srv/a")]
    [InlineData("/srv/@{HOME}", "/srv/@HOME", "/srv/@{HOME}")]
    [InlineData("/srv/q\"u\\o", "/srv/q\"u\\o", "/srv/q")]
    [InlineData("/srv/new\nline", "/srv/new\nline", "/srv/new")]
    [InlineData("/srv/dir/*", "/srv/dir/", "/srv/dir/a/b")]
    [InlineData("/srv/dir/**", "/srv/dir/", "/srv/dirx")]
    [InlineData("/srv/{only}/x", "/srv/only/x", "/srv/{only}/x")]
    [InlineData("/srv/{,,a}/y", "/srv/a/y", "/srv/,/y")]
    [InlineData("/srv/{}/z", "/srv//z", "/srv/z")]
    public void Odd_characters_are_literal_and_globs_are_globs(string pattern, string matching, string other)
    {
        Assert.True(GlobPattern.Matches(pattern, matching), "the example itself is wrong");
        Assert.False(GlobPattern.Matches(pattern, other), "the example itself is wrong");
        var dfa = AppArmorParser.Dfa($"abi <abi/3.0>,\nprofile t {{\n  {AppArmorPattern.Rule(pattern)} r,\n}}\n");
        dfa.AssertAllows(matching, AppArmorDfa.Read, $"it matches {Show(pattern)}");
        dfa.AssertRefuses(other, AppArmorDfa.Read, $"it does not match {Show(pattern)}");
    }

    [Fact]
    public void Runs_of_slashes_are_merged_as_the_kernel_merges_them_in_paths()
    {
        Assert.Equal("/srv/z", AppArmorPattern.Rule("/srv//z"));
        Assert.Equal("/srv/{,**}", AppArmorPattern.Rule("///srv///**"));
    }

    /// <summary>Paths the pattern covers (its globs filled in at random) and near misses, all of them real paths
    /// (absolute, without `//`), on which the two matchers must agree.</summary>
    private static IEnumerable<string> Samples(string pattern, Random random)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 12; i++)
        {
            var path = Instantiate(pattern, random);
            paths.Add(path);
            paths.Add(Mutate(path, random));
        }
        return paths.Where(p => p.StartsWith('/') && !p.Contains("//", StringComparison.Ordinal) && !p.Contains('\0', StringComparison.Ordinal)).Order(StringComparer.Ordinal);
    }

    private static string Instantiate(string pattern, Random random)
    {
        var output = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                output.Append(string.Join('/', Enumerable.Range(0, random.Next(0, 3)).Select(_ => Filler(random))));
                i++;
            }
            else if (c == '*')
            {
                output.Append(Filler(random));
            }
            else if (c == '{')
            {
                var close = pattern.IndexOf('}', i);
                var alternatives = pattern[(i + 1)..close].Split(',');
                output.Append(Instantiate(alternatives[random.Next(alternatives.Length)], random));
                i = close;
            }
            else
            {
                output.Append(c);
            }
        }
        return output.ToString();
    }

    private static string Filler(Random random)
    {
        string[] pieces = ["", "a", "x.y", "?", "[", "\n", "é", " ", "*", "{", ",", "\\"];
        return string.Concat(Enumerable.Range(0, random.Next(0, 3)).Select(_ => pieces[random.Next(pieces.Length)]));
    }

    private static string Mutate(string path, Random random)
    {
        if (path.Length < 2)
        {
            return path + "x";
        }
        var at = random.Next(1, path.Length);
        return random.Next(4) switch
        {
            0 => path.Remove(at, 1),
            1 => path.Insert(at, "/"),
            2 => path.Insert(at, "z"),
            _ => path + (random.Next(2) == 0 ? "/x" : "x"),
        };
    }

    private static string Show(string text) => "`" + text.Replace("\n", "\\n").Replace("\t", "\\t") + "`";
}
