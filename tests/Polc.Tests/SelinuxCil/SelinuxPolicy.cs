using System.Text.RegularExpressions;
using Polc.Tests.Support;

namespace Polc.Tests.SelinuxCil;

/// <summary>
/// The real consumer of NAME.cil: `secilc` builds a kernel binary policy from tests/selinux/base.cil (a stand-in for a
/// container host's policy) plus the module, as `semodule` would on a host. `-v -v` makes it say when it drops an
/// `optional` because something in it does not resolve, which the tests treat as a failure (the base must provide
/// everything the module names). The built policy is then queried with setools (`sesearch`, `seinfo`).
/// </summary>
internal sealed partial class SelinuxPolicy : IDisposable
{
    private readonly TempDirectory _directory;

    private SelinuxPolicy(TempDirectory directory, string path)
    {
        _directory = directory;
        PolicyPath = path;
    }

    public string PolicyPath { get; }

    public static string BasePath => Path.Combine(RepoPaths.Root, "tests", "selinux", "base.cil");

    /// <summary>Runs secilc on the base and the modules; the policy is null when secilc fails.</summary>
    public static (ExternalTool.Result Result, SelinuxPolicy? Policy) Build(params string[] modules)
    {
        var secilc = ExternalTool.Require("secilc", "secilc");
        var directory = new TempDirectory();
        var files = modules.Select((text, i) => directory.File($"module{i}.cil", text)).ToList();
        var output = Path.Combine(directory.Path, "policy.33");
        var result = ExternalTool.Run(secilc, ["-v", "-v", "-o", output, "-f", Path.Combine(directory.Path, "file_contexts"), BasePath, .. files]);
        if (result.ExitCode != 0)
        {
            directory.Dispose();
            return (result, null);
        }
        return (result, new SelinuxPolicy(directory, output));
    }

    /// <summary>Builds the policy and fails unless secilc accepts it whole, every optional block included.</summary>
    public static SelinuxPolicy BuildOrFail(string module, string context = "")
    {
        var (result, policy) = Build(module);
        Assert.True(policy is not null, $"secilc rejected the module (exit {result.ExitCode}):\n{Messages(result)}\n--- module ---\n{module}{context}");
        var dropped = DisabledOptionals(result);
        if (dropped.Count > 0)
        {
            policy!.Dispose();
            Assert.Fail($"secilc dropped optional blocks ({string.Join(", ", dropped)}): the module names something the base policy lacks\n--- module ---\n{module}{context}");
        }
        return policy!;
    }

    public static IReadOnlyList<string> DisabledOptionals(ExternalTool.Result result) =>
        [.. DisabledOptional().Matches(result.Output).Select(m => m.Groups[1].Value)];

    public static string Messages(ExternalTool.Result result) =>
        string.Join('\n', result.Output.Split('\n').Where(l => !ProgressLine().IsMatch(l))).Trim();

    /// <summary>The permissions the policy grants <paramref name="source"/> on <paramref name="target"/> for a class,
    /// through any attribute either belongs to.</summary>
    public IReadOnlySet<string> Permissions(string source, string target, string @class)
    {
        var permissions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in Rules.Where(r => r.Class == @class && Covers(r.Source, source) && Covers(r.Target, target)))
        {
            permissions.UnionWith(rule.Permissions);
        }
        return permissions;
    }

    public bool Allows(string source, string target, string @class, string permission) => Permissions(source, target, @class).Contains(permission);

    /// <summary>The classes <paramref name="source"/> has any allow rule for.</summary>
    public IReadOnlySet<string> Classes(string source) =>
        Rules.Where(r => Covers(r.Source, source)).Select(r => r.Class).ToHashSet(StringComparer.Ordinal);

    /// <summary>The type that labels a port in the built policy: the most specific `portcon`, as the kernel picks it.</summary>
    public string PortType(string protocol, int port)
    {
        var entries = Portcons.Where(e => e.Protocol == protocol && port >= e.From && port <= e.To).OrderBy(e => e.To - e.From).ToList();
        Assert.True(entries.Count > 0, $"no portcon for {protocol} {port}");
        return entries[0].Type;
    }

    private sealed record AllowRule(string Source, string Target, string Class, string[] Permissions);

    private List<AllowRule>? _rules;
    private Dictionary<string, HashSet<string>>? _attributes;
    private List<(string Protocol, int From, int To, string Type)>? _portcons;

    /// <summary>Every allow rule of the policy (`sesearch -A`), read once.</summary>
    private List<AllowRule> Rules => _rules ??= [.. AllowLine().Matches(Query("sesearch", "-A", PolicyPath)).Select(m => new AllowRule(
        m.Groups["source"].Value, m.Groups["target"].Value, m.Groups["class"].Value,
        m.Groups["permissions"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p is not "{" and not "}").ToArray()))];

    /// <summary>Each type attribute with its member types (`seinfo -a -x`), read once.</summary>
    private Dictionary<string, HashSet<string>> Attributes
    {
        get
        {
            if (_attributes is null)
            {
                _attributes = [];
                HashSet<string>? current = null;
                foreach (var line in Query("seinfo", PolicyPath, "-a", "-x").Split('\n'))
                {
                    if (AttributeLine().Match(line) is { Success: true } attribute)
                    {
                        _attributes[attribute.Groups[1].Value] = current = [];
                    }
                    else if (current is not null && line.StartsWith('\t'))
                    {
                        current.Add(line.Trim());
                    }
                }
            }
            return _attributes;
        }
    }

    private List<(string Protocol, int From, int To, string Type)> Portcons => _portcons ??= [.. PortconLine().Matches(Query("seinfo", PolicyPath, "--portcon")).Select(m =>
    {
        var from = int.Parse(m.Groups["from"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var to = m.Groups["to"].Success ? int.Parse(m.Groups["to"].Value, System.Globalization.CultureInfo.InvariantCulture) : from;
        return (m.Groups["protocol"].Value, from, to, m.Groups["type"].Value);
    })];

    private bool Covers(string ruleSide, string type) => ruleSide == type || (Attributes.TryGetValue(ruleSide, out var members) && members.Contains(type));

    private static string Query(string tool, params string[] arguments)
    {
        var result = ExternalTool.Run(ExternalTool.Require(tool, "setools"), arguments);
        Assert.True(result.ExitCode == 0, $"{tool} failed: {result.Output}");
        return result.Out;
    }

    /// <summary>`seinfo -t NAME -x`: the type's line, which names its aliases and attributes.</summary>
    public string TypeInfo(string name) => Query("seinfo", PolicyPath, "-t", name, "-x");

    public void Dispose() => _directory.Dispose();

    [GeneratedRegex(@"Disabling optional '([^']+)'")]
    private static partial Regex DisabledOptional();

    [GeneratedRegex(@"^(Parsing|Building|Destroying|Resolving|Qualifying|Compile|Checking|Disabling|No context assigned)")]
    private static partial Regex ProgressLine();

    [GeneratedRegex(@"allow (?<source>\S+) (?<target>\S+):(?<class>\w+) (?<permissions>\{[^}]*\}|\w+);")]
    private static partial Regex AllowLine();

    [GeneratedRegex(@"^\s+attribute (\S+);")]
    private static partial Regex AttributeLine();

    [GeneratedRegex(@"portcon (?<protocol>tcp|udp) (?<from>\d+)(?:-(?<to>\d+))? \w+:\w+:(?<type>\w+)")]
    private static partial Regex PortconLine();
}
