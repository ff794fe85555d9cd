using Polc.Compiler.Semantics;

namespace Polc.Backends.Seccomp;

/// <summary>What the seccomp backend needs to know about an architecture beyond <see cref="ArchInfo"/>.</summary>
public static class SeccompArch
{
    /// <summary>seccomp_data and struct sock_filter are in the target's byte order; s390x is the only big-endian target.</summary>
    public static bool IsBigEndian(this Arch arch) => arch == Arch.S390x;

    /// <summary>The architectures one kernel can report for the calls of one process: an x86-64 kernel reports
    /// x86_64 and x32 (same AUDIT_ARCH, told apart by the x32 bit) and i386 (int 0x80); an arm64 kernel reports
    /// aarch64 and arm (compat). A filter handles every listed member of its family and kills the rest.</summary>
    public static IReadOnlyList<Arch> Family(this Arch arch) => arch switch
    {
        Arch.X86_64 or Arch.X32 or Arch.X86 => [Arch.X86_64, Arch.X32, Arch.X86],
        Arch.Aarch64 or Arch.Arm => [Arch.Aarch64, Arch.Arm],
        _ => [arch],
    };

    /// <summary>The file-name suffix and `--arch` spelling: `x86_64`, `aarch64`, ...</summary>
    public static bool TryParseFileName(string path, out Arch arch)
    {
        var name = Path.GetFileName(path);
        foreach (var candidate in ArchInfo.All)
        {
            if (name.EndsWith("." + candidate.Name() + ".bpf", StringComparison.Ordinal))
            {
                arch = candidate;
                return true;
            }
        }
        arch = Arch.X86_64;
        return false;
    }
}
