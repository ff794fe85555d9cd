using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Enforcer.Plan;

namespace Polc.Backends.Plan;

/// <summary>`NAME.plan`: what the bundled enforcer does to launch a program under the policy
/// (`polc-enforcer NAME.plan -- COMMAND`, or `polc run`). The BPF, cgroup files and capability
/// masks come from the sibling backends through <see cref="IEnforcerInputSource"/>.</summary>
public sealed class PlanBackend(IEnforcerInputSource inputs) : IBackend
{
    public PlanBackend()
        : this(EnforcerInputs.Default)
    {
    }

    public string Name => "plan";

    public string Description => "launch plan for the bundled enforcer, `polc-enforcer NAME.plan -- COMMAND` (NAME.plan)";

    public bool DefaultOn => true;

    // `expect` blocks are checked at compile time, not carried into the plan.
    public IrSupport Supports(IrFeature feature) => feature == IrFeature.Expectations ? IrSupport.NotApplicable : IrSupport.Handled;

    public BackendOutput Emit(PolicyIr policy, BackendOptions options)
    {
        var diagnostics = new DiagnosticBag();
        var planInputs = inputs.Resolve(policy, options, diagnostics);
        var built = PlanBuilder.Build(policy, planInputs);
        diagnostics.AddRange(built.Diagnostics);
        return new BackendOutput([new Artifact($"{policy.Name}.plan", PlanWriter.Write(built.Plan))], diagnostics.Sorted());
    }
}
