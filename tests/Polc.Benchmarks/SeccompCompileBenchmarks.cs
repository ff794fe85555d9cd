using BenchmarkDotNet.Attributes;
using Polc.Backends;
using Polc.Backends.Seccomp;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Benchmarks;

/// <summary>The seccomp code generator on the bundled example (x86_64 and aarch64, over Docker's default as its base):
/// the cost `polc check` and `polc compile` pay per architecture, dominated by the search-tree optimisation.</summary>
[MemoryDiagnoser]
public class SeccompCompileBenchmarks
{
    private PolicyIr _example = null!;

    [GlobalSetup]
    public void Setup()
    {
        var bound = PolicyBinder.Bind(SourceText.FromFile(Path.Combine(FrontEndBenchmarks.FindRoot(), "profiles", "examples", "web.pol")));
        _example = bound.Policy ?? throw new InvalidOperationException("the example must bind cleanly");
    }

    [Benchmark]
    public object ExampleBothArchitectures()
    {
        var diagnostics = new List<Diagnostic>();
        var filters = SeccompBackend.Compile(_example, BackendOptions.Default, diagnostics);
        return filters.Count == 2 ? filters : throw new InvalidOperationException(string.Join("\n", diagnostics));
    }
}
