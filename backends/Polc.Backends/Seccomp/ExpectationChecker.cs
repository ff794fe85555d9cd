using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Backends.Seccomp;

/// <summary>Checks `expect` blocks by running each expected call through the compiled filter of every
/// listed architecture (skipping an architecture that lacks the syscall). Runs on every compile,
/// whatever the targets.</summary>
public static class ExpectationChecker
{
    public static IEnumerable<Diagnostic> Check(PolicyIr policy, BackendOptions options)
    {
        var expectations = policy.Expectations.OfType<SyscallExpectationIr>().ToList();
        if (expectations.Count == 0)
        {
            return [];
        }
        // Weights change the layout, never the decisions, so the bundled table will do (and a bad
        // --frequency file is reported once, by the backend).
        var filters = SeccompBackend.Compile(policy, BackendOptions.Default, []);
        var failures = new List<Diagnostic>();
        foreach (var expectation in expectations)
        {
            foreach (var filter in filters)
            {
                if (!SyscallTable.TryGetNumber(filter.Arch, expectation.Syscall, out var nr))
                {
                    continue;
                }
                var call = SeccompData.Call(filter.Arch, nr, [.. expectation.Args]);
                var actual = BpfInterpreter.Run(filter.Program, call, filter.Arch.IsBigEndian()).Action;
                if (!expectation.Outcome.Matches(actual))
                {
                    failures.Add(DiagnosticCatalog.ExpectationFailed(expectation.Span, IrPrinter.Describe(expectation), filter.Arch.Name(), actual.ToString()));
                }
            }
        }
        return failures;
    }
}
