using Polc.Backends.DockerSeccomp;
using Polc.Backends.IrDump;

namespace Polc.Backends;

/// <summary>Every backend polc has, in the order `polc compile` runs them.</summary>
public static class BackendRegistry
{
    public static IReadOnlyList<IBackend> All { get; } =
    [
        new IrDumpBackend(),
        new DockerSeccompBackend(),
    ];

    public static IBackend? Find(string name) => All.FirstOrDefault(b => b.Name == name);
}
