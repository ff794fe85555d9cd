using Polc.Compiler.Ir;

namespace Polc.Backends.DockerSeccomp;

/// <summary>`NAME.seccomp.json`: the Docker/Podman seccomp profile (`--security-opt seccomp=FILE`).</summary>
public sealed class DockerSeccompBackend : IBackend
{
    public string Name => "docker-seccomp";

    public string Description => "Docker/Podman seccomp profile (NAME.seccomp.json)";

    public bool DefaultOn => true;

    public IrSupport Supports(IrFeature feature) => feature switch
    {
        IrFeature.SyscallDefault or IrFeature.SyscallRules or IrFeature.SyscallConditions or IrFeature.Architectures => IrSupport.Handled,
        _ => IrSupport.NotApplicable,
    };

    public BackendOutput Emit(PolicyIr policy, BackendOptions options)
    {
        var built = SeccompProfileBuilder.Build(ContainerRuntimeAllowance.Apply(policy));
        return built.Profile is { } profile
            ? new BackendOutput([Artifact.Text($"{policy.Name}.seccomp.json", SeccompProfileJson.ToDockerProfile(profile))], built.Diagnostics)
            : new BackendOutput([], built.Diagnostics);
    }
}
