using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Enforcer.Learning;

namespace Polc.Tests.Learning;

public class PathGeneralizerTests
{
    private static IReadOnlyList<LearnedPathRule> Generalize(Dictionary<string, PathUse> paths, params string[] directories) =>
        PathGeneralizer.Generalize(paths, p => directories.Contains(p));

    private static Dictionary<string, PathUse> Reads(params string[] paths) => paths.ToDictionary(p => p, _ => PathUse.Read);

    private static string[] Patterns(IEnumerable<LearnedPathRule> rules, PathAccess access) =>
        rules.Where(r => r.Access == access).Select(r => r.Pattern).ToArray();

    [Fact]
    public void Many_libraries_in_one_directory_become_one_glob_that_counts_them()
    {
        var paths = new[] { "libc.so.6", "libm.so.6", "libz.so.1", "libssl.so.3" }
            .ToDictionary(l => "/usr/lib/x86_64-linux-gnu/" + l, _ => PathUse.Exec);
        var rule = Assert.Single(Generalize(paths));
        Assert.Equal(new LearnedPathRule(PathAccess.Exec, "/usr/lib/x86_64-linux-gnu/**", 4), rule);
    }

    [Fact]
    public void Fewer_entries_than_the_threshold_stay_literal()
    {
        var rules = Generalize(Reads("/srv/app/a.conf", "/srv/app/b.conf"));
        Assert.Equal(["/srv/app/a.conf", "/srv/app/b.conf"], Patterns(rules, PathAccess.Read));
    }

    [Fact]
    public void Deep_trees_collapse_from_the_bottom_up_but_never_into_an_anchor()
    {
        var paths = Reads(
            "/usr/lib/python3.11/os.py", "/usr/lib/python3.11/re/__init__.py", "/usr/lib/python3.11/re/_parser.py",
            "/usr/lib/python3.11/re/_compiler.py", "/usr/lib/python3.11/json/__init__.py",
            "/usr/lib/locale/C.utf8/LC_CTYPE", "/usr/lib/os-release", "/usr/lib/mime/packages/x");
        var rules = Generalize(paths);
        Assert.Equal(["/usr/lib/locale/C.utf8/LC_CTYPE", "/usr/lib/mime/packages/x", "/usr/lib/os-release", "/usr/lib/python3.11/**"],
            Patterns(rules, PathAccess.Read));
        Assert.Equal(5, rules.Single(r => r.Pattern == "/usr/lib/python3.11/**").Covers);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("/usr/bin")]
    [InlineData("/etc/ssl")]
    [InlineData("/home/alice")]
    [InlineData("/var/lib")]
    public void Anchors_and_top_level_directories_are_never_widened(string directory)
    {
        var paths = Reads($"{directory}/one", $"{directory}/two", $"{directory}/three", $"{directory}/four");
        Assert.All(Generalize(paths), r => Assert.DoesNotContain("*", r.Pattern));
    }

    [Fact]
    public void Process_ids_vary_so_other_processes_entries_become_a_star()
    {
        var paths = Reads("/proc/1234/stat", "/proc/99/stat", "/proc/self/status", "/proc/self/maps", "/proc/self/fd/3", "/proc/self/task/4321/comm");
        var rules = Generalize(paths);
        Assert.Equal(["/proc/*/stat", "/proc/self/**"], Patterns(rules, PathAccess.Read));
    }

    [Fact]
    public void Reads_covered_by_writes_or_execs_are_dropped_and_directories_get_a_slash()
    {
        var paths = new Dictionary<string, PathUse>
        {
            ["/srv/data/db"] = PathUse.Write,
            ["/srv/data/db-journal"] = PathUse.Write | PathUse.Read,
            ["/srv/data"] = PathUse.Read,
            ["/srv/bin/tool"] = PathUse.Exec | PathUse.Read,
            ["/srv/conf"] = PathUse.Read,
        };
        var rules = Generalize(paths, "/srv/data");
        Assert.Equal(["/srv/bin/tool"], Patterns(rules, PathAccess.Exec));
        Assert.Equal(["/srv/data/db", "/srv/data/db-journal"], Patterns(rules, PathAccess.Write));
        Assert.Equal(["/srv/conf", "/srv/data/"], Patterns(rules, PathAccess.Read));
    }

    [Fact]
    public void Names_holding_glob_characters_match_as_a_star()
    {
        Assert.Equal("/srv/*/x", PathGeneralizer.Normalize("/srv/a{b,c}/x"));
        Assert.Equal("/srv/*", PathGeneralizer.Normalize("/srv/star*"));
    }

    /// <summary>Whatever the input, every recorded path is matched, with its access, by the rules, whose patterns
    /// are valid; and no rule widens a top-level directory or an anchor.</summary>
    [Fact]
    public void Random_path_sets_are_covered_by_valid_rules()
    {
        var random = new Random(7001);
        string[] roots = ["/usr/lib", "/usr/share/doc", "/etc", "/srv/app", "/tmp/work", "/proc/self", "/var/lib/db", "/opt/tool/lib"];
        string[] names = ["a", "b", "c", "d", "lib.so", "conf", "x.py", "data"];
        for (var round = 0; round < 300; round++)
        {
            var paths = new Dictionary<string, PathUse>();
            for (var i = random.Next(1, 25); i > 0; i--)
            {
                var path = roots[random.Next(roots.Length)];
                for (var depth = random.Next(1, 4); depth > 0; depth--)
                {
                    path += "/" + names[random.Next(names.Length)];
                }
                paths[path] = paths.GetValueOrDefault(path) | (PathUse)(1 << random.Next(3));
            }
            var rules = Generalize(paths);
            foreach (var rule in rules)
            {
                Assert.Null(GlobPattern.Validate(rule.Pattern));
                if (rule.Pattern.EndsWith("/**", StringComparison.Ordinal))
                {
                    var directory = rule.Pattern[..^3];
                    Assert.True(directory.Count(c => c == '/') >= 2, $"`{rule.Pattern}` widens a top-level directory");
                    Assert.DoesNotContain(directory, PathGeneralizer.Anchors);
                }
            }
            foreach (var (path, use) in paths)
            {
                bool Covered(PathAccess access) => rules.Any(r => r.Access == access && GlobPattern.Matches(r.Pattern, path));
                if (use.HasFlag(PathUse.Exec)) Assert.True(Covered(PathAccess.Exec), $"{path} (exec) is not covered");
                if (use.HasFlag(PathUse.Write)) Assert.True(Covered(PathAccess.Write), $"{path} (write) is not covered");
                Assert.True(Covered(PathAccess.Read) || Covered(PathAccess.Write) || Covered(PathAccess.Exec), $"{path} (read) is not covered");
            }
        }
    }
}
