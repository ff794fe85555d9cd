using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Backends.Seccomp;

/// <summary>Checks `expect` blocks by running each expected call through the compiled filter of every
/// listed architecture (skipping an architecture that lacks the syscall). Runs on every compile,
/// whatever the targets, and by `polc check`; a filter the kernel would refuse (too long) is reported here too.</summary>
public static class ExpectationChecker
{
    public static IEnumerable<Diagnostic> Check(PolicyIr policy, BackendOptions options)
    {
        var expectations = policy.Expectations.OfType<SyscallExpectationIr>().ToList();
        // Weights change the layout, never the decisions, so the bundled table will do (and a bad
        // --frequency file is reported once, by the backend).
        var failures = new List<Diagnostic>();
        var filters = SeccompBackend.Compile(policy, BackendOptions.Default, failures);
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
