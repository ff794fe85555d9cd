using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Enforcer.Learning;

/// <summary>How a path was used. Write and exec imply read, as in the policy language.</summary>
[Flags]
public enum PathUse
{
    None = 0,
    Read = 1,
    Write = 2,
    Exec = 4,
}

/// <summary>A port a socket was bound or connected to.</summary>
public sealed record PortUse(PortProtocol Protocol, ushort Port, bool Bind);

/// <summary>
/// What one or more recorded runs did, before any generalisation: every syscall per architecture with its
/// count, the argument values that policies condition on, the paths opened, executed, mapped executable or
/// changed (canonical host paths), the socket kinds, ports and unix socket paths, and the capabilities the
/// calls exercised (with the first call that showed it). Deterministic to print: everything is sorted.
/// </summary>
public sealed class Recording
{
    public SortedDictionary<(Arch Arch, string Syscall), long> Syscalls { get; } = [];

    /// <summary>Values of the arguments in <see cref="ArgumentTable"/>, per architecture and syscall.</summary>
    public SortedDictionary<(Arch Arch, string Syscall), SortedSet<ulong>> ArgumentValues { get; } = [];

    /// <summary>Bits of `clone` and `clone3` flags seen (namespaces among them), per architecture.</summary>
    public SortedDictionary<Arch, ulong> CloneFlags { get; } = [];

    public SortedDictionary<string, PathUse> Paths { get; } = new(StringComparer.Ordinal);

    public NetworkAccess Sockets { get; set; }

    public SortedSet<PortUse> Ports { get; } = new(Comparer<PortUse>.Create((a, b) =>
        (a.Bind, a.Protocol, a.Port).CompareTo((b.Bind, b.Protocol, b.Port))));

    /// <summary>Each capability the run exercised, with the first call that needed it.</summary>
    public SortedDictionary<Capability, string> Capabilities { get; } = [];

    /// <summary>Programs executed, in the order first seen.</summary>
    public List<string> Programs { get; } = [];

    public HashSet<int> Processes { get; } = [];

    public HashSet<int> Threads { get; } = [];

    public long Calls { get; set; }

    public void Count(Arch arch, string syscall)
    {
        Calls++;
        Syscalls[(arch, syscall)] = Syscalls.GetValueOrDefault((arch, syscall)) + 1;
    }

    public void Value(Arch arch, string syscall, ulong value)
    {
        if (!ArgumentValues.TryGetValue((arch, syscall), out var values))
        {
            ArgumentValues[(arch, syscall)] = values = [];
        }
        values.Add(value);
    }

    public void Path(string path, PathUse use) => Paths[path] = Paths.GetValueOrDefault(path) | use;

    public void Capability(string name, string reason)
    {
        if (CapabilityTable.TryParse(name, out var capability))
        {
            Capabilities.TryAdd(capability, reason);
        }
    }

    public void Program(string path)
    {
        if (!Programs.Contains(path))
        {
            Programs.Add(path);
        }
    }

    public IEnumerable<Arch> Architectures => Syscalls.Keys.Select(k => k.Arch).Distinct();
}
