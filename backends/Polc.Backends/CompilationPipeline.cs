using Polc.Backends.Seccomp;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Backends;

/// <summary>Source to artifacts in memory: bind, run the chosen backends, check expectations.
/// Nothing here touches the output directory, so a failed compile cannot disturb earlier artifacts.</summary>
public static class CompilationPipeline
{
    public sealed record Result(PolicyIr? Policy, IReadOnlyList<Artifact> Artifacts, IReadOnlyList<Diagnostic> Diagnostics)
    {
        public bool HasErrors => Diagnostics.Any(d => d.IsError);
    }

    public static Result Compile(SourceText source, IReadOnlyList<IBackend> backends, BackendOptions options)
    {
        var bound = PolicyBinder.Bind(source);
        if (bound.Policy is not { } policy)
        {
            return new Result(null, [], bound.Diagnostics);
        }
        var diagnostics = new DiagnosticBag();
        diagnostics.AddRange(bound.Diagnostics);
        var artifacts = new List<Artifact>();
        foreach (var backend in backends)
        {
            var output = backend.Emit(policy, options);
            diagnostics.AddRange(output.Diagnostics);
            artifacts.AddRange(output.Artifacts);
        }
        diagnostics.AddRange(Verify(policy, options));
        return new Result(policy, diagnostics.HasErrors ? [] : artifacts, diagnostics.Sorted());
    }

    /// <summary>What every compile checks whatever the targets, and `polc check` too: `expect` blocks run
    /// through the compiled filters, and the filters themselves within the kernel's limits.</summary>
    public static IEnumerable<Diagnostic> Verify(PolicyIr policy, BackendOptions options) =>
        PostChecks.SelectMany(check => check(policy, options));

    /// <summary>Checks that run on every compile whatever the targets (e.g. `expect` blocks against the compiled filter).</summary>
    private static readonly Func<PolicyIr, BackendOptions, IEnumerable<Diagnostic>>[] PostChecks = [ExpectationChecker.Check];
}
