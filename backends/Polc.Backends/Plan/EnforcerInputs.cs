using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Enforcer.Plan;

namespace Polc.Backends.Plan;

/// <summary>Where the plan backend gets what other backends compute: BPF per architecture, cgroup file
/// writes (v1 and v2) and capability masks. One implementation; swap it here, nowhere else.</summary>
public interface IEnforcerInputSource
{
    PlanInputs Resolve(PolicyIr policy, BackendOptions options, DiagnosticBag diagnostics);
}

public static class EnforcerInputs
{
    /// <summary>The source the registered plan backend uses.</summary>
    public static IEnforcerInputSource Default { get; } = new BackendEnforcerInputs();
}
