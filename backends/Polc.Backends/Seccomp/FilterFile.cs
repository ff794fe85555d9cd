using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Semantics;

namespace Polc.Backends.Seccomp;

/// <summary>A `.bpf` file read back for the disassembler and simulator.</summary>
/// <param name="Problem">why the kernel would reject the filter, or null.</param>
public sealed record FilterFile(BpfInstruction[] Program, Arch Arch, string? Problem)
{
    /// <param name="arch">the target; when null, taken from a `NAME.ARCH.bpf` file name, else x86_64.
    /// It sets the byte order and which syscall table names numbers.</param>
    /// <exception cref="IOException">unreadable.</exception>
    /// <exception cref="FormatException">not a whole number of instructions.</exception>
    public static FilterFile Read(string path, Arch? arch)
    {
        var target = arch ?? (SeccompArch.TryParseFileName(path, out var named) ? named : Arch.X86_64);
        var program = BpfEncoding.Decode(File.ReadAllBytes(path), target.IsBigEndian());
        return new FilterFile(program, target, BpfValidator.Check(program));
    }
}
