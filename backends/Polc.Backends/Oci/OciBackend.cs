using Polc.Backends.DockerSeccomp;
using Polc.Backends.Support;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Backends.Oci;

/// <summary>`NAME.oci.json`: a complete OCI runtime `config.json` for runc, crun and the like (docs/oci.md).
/// `process.args` is a placeholder (`/bin/sh`) and `root.path` is `rootfs` unless the policy names a root.</summary>
public sealed class OciBackend : IBackend
{
    public const string Target = "the OCI runtime config";

    public string Name => "oci";

    public string Description => "OCI runtime config.json for runc/crun (NAME.oci.json)";

    public bool DefaultOn => true;

    /// <summary>Path rules and socket families live in the AppArmor profile the config names (NAME.apparmor).</summary>
    public IrSupport Supports(IrFeature feature) => feature switch
    {
        IrFeature.IoLimits or IrFeature.PortRules => IrSupport.Unsupported,
        IrFeature.PathRules or IrFeature.NetworkFamilies or IrFeature.Expectations => IrSupport.NotApplicable,
        _ => IrSupport.Handled,
    };

    public BackendOutput Emit(PolicyIr policy, BackendOptions options)
    {
        var built = SeccompProfileBuilder.Build(ContainerRuntimeAllowance.Apply(policy));
        if (built.Profile is not { } seccomp)
        {
            return new BackendOutput([], built.Diagnostics);
        }
        var diagnostics = new List<Diagnostic>(built.Diagnostics);
        var config = OciConfig.Build(policy, SeccompProfileJson.ToOciSeccomp(seccomp), diagnostics);
        return new BackendOutput([Artifact.Text($"{policy.Name}.oci.json", JsonArtifact.Write(w => config.WriteTo(w)))], diagnostics);
    }
}
