using Polc.Backends.IrDump;
using Polc.Backends.Seccomp;

namespace Polc.Backends;

/// <summary>Every backend polc has, in the order `polc compile` runs them.</summary>
public static class BackendRegistry
{
    public static IReadOnlyList<IBackend> All { get; } =
    [
        new SeccompBackend(),
        new IrDumpBackend(),
    ];

    public static IBackend? Find(string name) => All.FirstOrDefault(b => b.Name == name);
}
