using System.Collections.Frozen;
using Polc.Compiler.Semantics.Tables;

namespace Polc.Compiler.Semantics;

/// <summary>Syscall name ↔ number per architecture (generated tables in Tables/, see its README).</summary>
public static class SyscallTable
{
    private static readonly FrozenDictionary<Arch, FrozenDictionary<string, uint>> ByName =
        ArchInfo.All.ToFrozenDictionary(a => a, a => Entries(a).ToFrozenDictionary(e => e.Name, e => e.Number, StringComparer.Ordinal));

    private static readonly FrozenDictionary<Arch, FrozenDictionary<uint, string>> ByNumber =
        ArchInfo.All.ToFrozenDictionary(a => a, a => Entries(a).GroupBy(e => e.Number).ToFrozenDictionary(g => g.Key, g => g.First().Name));

    private static readonly Lazy<string[]> AllNamesLazy = new(() =>
        ArchInfo.All.SelectMany(a => ByName[a].Keys).Distinct().Order(StringComparer.Ordinal).ToArray());

    /// <summary>Every name known on at least one architecture, sorted.</summary>
    public static IReadOnlyList<string> AllNames => AllNamesLazy.Value;

    public static bool TryGetNumber(Arch arch, string name, out uint number) => ByName[arch].TryGetValue(name, out number);

    public static bool TryGetName(Arch arch, uint number, out string name)
    {
        if (ByNumber[arch].TryGetValue(number, out var found))
        {
            name = found;
            return true;
        }
        name = "";
        return false;
    }

    public static bool Exists(Arch arch, string name) => ByName[arch].ContainsKey(name);

    public static bool IsKnown(string name) => ArchInfo.All.Any(a => ByName[a].ContainsKey(name));

    /// <summary>All (name, number) pairs of an architecture, sorted by number.</summary>
    public static IReadOnlyList<(string Name, uint Number)> Entries(Arch arch) => arch switch
    {
        Arch.X86_64 => SyscallNumbers.X86_64,
        Arch.X86 => SyscallNumbers.X86,
        Arch.X32 => SyscallNumbers.X32,
        Arch.Aarch64 => SyscallNumbers.Aarch64,
        Arch.Arm => SyscallNumbers.Arm,
        Arch.Riscv64 => SyscallNumbers.Riscv64,
        Arch.Ppc64le => SyscallNumbers.Ppc64le,
        Arch.S390x => SyscallNumbers.S390x,
        _ => throw new ArgumentOutOfRangeException(nameof(arch)),
    };
}
