using Polc.Compiler.Ir;

namespace Polc.Backends.IrDump;

/// <summary>`NAME.ir.txt`: the resolved policy as the compiler understood it, for review and debugging.</summary>
public sealed class IrDumpBackend : IBackend
{
    public string Name => "ir";

    public string Description => "readable dump of the resolved policy (NAME.ir.txt)";

    public bool DefaultOn => false;

    public IrSupport Supports(IrFeature feature) => IrSupport.Handled;

    public BackendOutput Emit(PolicyIr policy, BackendOptions options) =>
        BackendOutput.Of(Artifact.Text($"{policy.Name}.ir.txt", IrPrinter.Print(policy)));
}
