using Polc.Backends.AppArmor;
using Polc.Backends.Capabilities;
using Polc.Backends.Cgroups;
using Polc.Backends.Compose;
using Polc.Backends.DockerRun;
using Polc.Backends.DockerSeccomp;
using Polc.Backends.IrDump;
using Polc.Backends.Plan;
using Polc.Backends.Seccomp;
using Polc.Backends.SelinuxCil;

namespace Polc.Backends;

/// <summary>Every backend polc has, in the order `polc compile` runs them.</summary>
public static class BackendRegistry
{
    public static IReadOnlyList<IBackend> All { get; } =
    [
        new SeccompBackend(),
        new DockerSeccompBackend(),
        new AppArmorBackend(),
        new SelinuxCilBackend(),
        new CapabilitiesBackend(),
        new CgroupBackend(),
        new DockerArgsBackend(),
        new ComposeBackend(),
        new PlanBackend(),
        new IrDumpBackend(),
    ];

    public static IBackend? Find(string name) => All.FirstOrDefault(b => b.Name == name);
}
