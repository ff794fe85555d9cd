using Polc.Backends.DockerSeccomp;
using Polc.Backends.DockerSeccomp.Import;
using Polc.Compiler.Formatting;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;
using Xunit.Abstractions;

namespace Polc.Tests.DockerSeccomp;

/// <summary>`polc import` of the real Docker and Podman default profiles: the policy must mean what the JSON
/// means once Docker resolves it (default capabilities, per architecture), both by the language's own
/// semantics and through the real consumer (libseccomp loading the JSON polc compiles from the policy).</summary>
public class ImportRoundTripTests(ITestOutputHelper output)
{
    public static readonly TheoryData<string, string> Cases = new()
    {
        { "docker-default.seccomp.json", "x86_64" },
        { "docker-default.seccomp.json", "x86_64,aarch64" },
        { "podman-default.seccomp.json", "x86_64" },
        { "podman-default.seccomp.json", "x86_64,aarch64" },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Imported_profile_means_what_the_json_means(string file, string arches)
    {
        var json = CorpusFile(file);
        var (policy, text) = Import(json, file, arches);
        Assert.Equal(text, PolicyFormatter.Format(new SourceText("x.pol", text)).Text); // `polc fmt --check` holds
        var (checks, mismatches) = CompareWithJson(json, policy);
        output.WriteLine($"{checks} decisions compared");
        Assert.Empty(mismatches);
    }

    /// <summary>Every syscall of every architecture of the policy, under argument vectors drawn from the JSON:
    /// the JSON's meaning (resolved for the host of that architecture and Docker's capabilities) against the
    /// policy's first-match meaning.</summary>
    internal static (int Checks, List<string> Mismatches) CompareWithJson(string json, PolicyIr policy)
    {
        var checks = 0;
        var mismatches = new List<string>();
        foreach (var arch in policy.Syscalls.Architectures)
        {
            var original = new DockerProfileSemantics(json, ProfileResolver.HostArch(arch, policy.Syscalls.Architectures), DockerCapabilities);
            foreach (var (name, _) in SyscallTable.Entries(arch))
            {
                foreach (var args in Vectors(json))
                {
                    checks++;
                    var expected = original.Decide(name, args);
                    var actual = PolicyReference.Decide(policy.Syscalls, name, args);
                    if (expected != actual && mismatches.Count < 10)
                    {
                        mismatches.Add($"{arch.Name()} {name}({string.Join(", ", args.Select(a => $"0x{a:x}"))}): JSON {expected}, policy {actual}");
                    }
                }
            }
        }
        return (checks, mismatches);
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Libseccomp_decides_the_compiled_policy_as_the_original_json(string file, string arches)
    {
        var json = CorpusFile(file);
        var (policy, _) = Import(json, file, arches);
        using var temp = new TempDirectory();
        var compiled = SeccompProfileBuilder.Build(policy);
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var paths = new List<string> { temp.File("polc.json", SeccompProfileJson.ToDockerProfile(compiled.Profile!)) };
        foreach (var arch in policy.Syscalls.Architectures)
        {
            // What Docker hands runc on a host of this architecture (archMap resolved to the one ABI compared).
            var host = ProfileResolver.HostArch(arch, policy.Syscalls.Architectures);
            paths.Add(temp.File($"docker-{arch.Name()}.json", new DockerProfileSemantics(json, host, DockerCapabilities).Resolved([SeccompNames.Architecture(arch)])));
        }
        var loaded = Libseccomp.Load(paths);
        Assert.All(loaded, l => Assert.True(l.Ok, l.Error));
        var checks = 0;
        var mismatches = new List<string>();
        for (var i = 0; i < policy.Syscalls.Architectures.Length; i++)
        {
            var arch = policy.Syscalls.Architectures[i];
            foreach (var (name, nr) in SyscallTable.Entries(arch))
            {
                foreach (var args in Vectors(json))
                {
                    checks++;
                    var expected = loaded[i + 1].Decide(arch, nr, args);
                    var actual = loaded[0].Decide(arch, nr, args);
                    if (expected != actual && mismatches.Count < 10)
                    {
                        mismatches.Add($"{arch.Name()} {name} ({nr}) ({string.Join(", ", args.Select(a => $"0x{a:x}"))}): Docker's JSON {expected}, polc's {actual}");
                    }
                }
            }
        }
        output.WriteLine($"{checks} decisions compared in libseccomp's filters");
        Assert.Empty(mismatches);
    }

    internal static readonly string[] DockerCapabilities = [.. ImportOptions.DockerDefaultCapabilities.Select(c => "CAP_" + c)];

    internal static string CorpusFile(string name)
    {
        Skip.If(RepoPaths.Corpus is null, "../shared/corpus is missing (a clone made elsewhere): the import round trip needs Docker's and Podman's profiles");
        return File.ReadAllText(Path.Combine(RepoPaths.Corpus!, name));
    }

    internal static (PolicyIr Policy, string Text) Import(string json, string file, string arches)
    {
        var (capabilities, label, _) = DockerProfileImporter.ParseCapabilities("docker-default");
        var (architectures, _) = DockerProfileImporter.ParseArchitectures(arches);
        var options = new ImportOptions(DockerProfileImporter.PolicyNameFor(file), capabilities!, label, architectures!, null);
        var result = DockerProfileImporter.Import(new SourceText(file, json), options);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var bound = PolicyBinder.Bind(new SourceText(options.PolicyName + ".pol", result.Text!));
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics) + "\n" + result.Text); // `polc check` holds
        return (bound.Policy!, result.Text!);
    }

    /// <summary>Zero, and every value the profile compares with, its neighbours and its masked forms, on each argument.</summary>
    internal static List<ulong[]> Vectors(string json)
    {
        var values = new SortedSet<ulong> { 0, 1, 0xffff_ffff, 0x1_0000_0000, ulong.MaxValue };
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(json, "\"value(?:Two)?\":\\s*(\\d+)"))
        {
            var v = ulong.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            values.UnionWith([v, v + 1, v - 1, ~v, v | 0x1_0000_0000]);
        }
        var pool = values.ToArray();
        var vectors = new List<ulong[]>();
        for (var arg = 0; arg < 3; arg++)
        {
            vectors.AddRange(pool.Select(v => Enumerable.Range(0, 6).Select(i => i == arg ? v : 0UL).ToArray()));
        }
        vectors.Add([16, 3, 9, 0, 0, 0]);
        vectors.Add([16, 3, 0, 0, 0, 0]);
        return vectors;
    }
}
