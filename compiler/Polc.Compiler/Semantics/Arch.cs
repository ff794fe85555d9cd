namespace Polc.Compiler.Semantics;

/// <summary>The architectures a policy can be compiled for (language spec, section syscalls).</summary>
public enum Arch
{
    X86_64,
    X86,
    X32,
    Aarch64,
    Arm,
    Riscv64,
    Ppc64le,
    S390x,
}

public static class ArchInfo
{
    /// <summary>Set in the syscall number of every x32 ABI call on x86_64.</summary>
    public const uint X32SyscallBit = 0x4000_0000;

    public static readonly IReadOnlyList<Arch> All = Enum.GetValues<Arch>();

    public static string Name(this Arch arch) => arch switch
    {
        Arch.X86_64 => "x86_64",
        Arch.X86 => "x86",
        Arch.X32 => "x32",
        Arch.Aarch64 => "aarch64",
        Arch.Arm => "arm",
        Arch.Riscv64 => "riscv64",
        Arch.Ppc64le => "ppc64le",
        Arch.S390x => "s390x",
        _ => throw new ArgumentOutOfRangeException(nameof(arch)),
    };

    /// <summary>The AUDIT_ARCH_* value the kernel puts in seccomp_data.arch.
    /// x32 shares x86_64's value and is told apart by <see cref="X32SyscallBit"/>.</summary>
    public static uint AuditArch(this Arch arch) => arch switch
    {
        Arch.X86_64 => 0xC000_003E,
        Arch.X32 => 0xC000_003E,
        Arch.X86 => 0x4000_0003,
        Arch.Aarch64 => 0xC000_00B7,
        Arch.Arm => 0x4000_0028,
        Arch.Riscv64 => 0xC000_00F3,
        Arch.Ppc64le => 0xC000_0015,
        Arch.S390x => 0x8000_0016,
        _ => throw new ArgumentOutOfRangeException(nameof(arch)),
    };

    public static bool Is64Bit(this Arch arch) => (arch.AuditArch() & 0x8000_0000) != 0;

    public static bool TryParse(string name, out Arch arch)
    {
        foreach (var candidate in All)
        {
            if (candidate.Name() == name)
            {
                arch = candidate;
                return true;
            }
        }
        arch = default;
        return false;
    }

    public static IEnumerable<string> Names => All.Select(a => a.Name());
}
