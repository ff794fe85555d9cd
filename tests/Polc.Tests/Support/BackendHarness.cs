using System.Text;
using Polc.Backends;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Text;

namespace Polc.Tests.Support;

/// <summary>Compiles a policy source through the real pipeline with one backend and returns its single artifact.</summary>
public static partial class BackendHarness
{
    public sealed record Output(string Text, IReadOnlyList<Diagnostic> Diagnostics, PolicyIr Policy)
    {
        public IEnumerable<string> Codes => Diagnostics.Select(d => d.Code);
    }

    public static Output Emit(IBackend backend, string source, string path = "test.pol") => Emit(backend, new SourceText(path, source));

    public static Output Emit(IBackend backend, SourceText source)
    {
        var result = CompilationPipeline.Compile(source, [backend], BackendOptions.Default);
        Assert.False(result.HasErrors, $"the policy does not compile:\n{string.Join('\n', result.Diagnostics)}\n--- source ---\n{source.Text}");
        var artifact = Assert.Single(result.Artifacts);
        return new Output(Encoding.UTF8.GetString(artifact.Content), result.Diagnostics, result.Policy!);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*policy\s", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex DeclaresPolicy();

    /// <summary>The policies of the repository's own test data and bundled profiles (files that declare a policy).</summary>
    public static IEnumerable<string> RepositoryPolicies(string testDataFolder) =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.TestData, testDataFolder), "*.pol")
            .Concat(Directory.EnumerateFiles(RepoPaths.Profiles, "*.pol", SearchOption.AllDirectories))
            .Where(f => DeclaresPolicy().IsMatch(File.ReadAllText(f)))
            .Order(StringComparer.Ordinal);
}
