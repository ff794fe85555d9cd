using Polc.Compiler.Semantics;

namespace Polc.Backends.Seccomp.Bpf;

/// <summary>`struct seccomp_data` {int nr; u32 arch; u64 instruction_pointer; u64 args[6];} as a filter
/// sees it: 64 bytes, read one 32-bit word at a time in the target's byte order.</summary>
public sealed record SeccompData(uint Nr, uint Arch, ulong InstructionPointer, IReadOnlyList<ulong> Args)
{
    public const uint NrOffset = 0;
    public const uint ArchOffset = 4;
    public const uint InstructionPointerOffset = 8;
    public const uint ArgsOffset = 16;
    public const uint Size = 64;

    public static SeccompData Call(Arch arch, uint nr, params ulong[] args) => new(nr, arch.AuditArch(), 0, Pad(args));

    /// <summary>The 32-bit word at <paramref name="offset"/> (a multiple of 4 below 64).</summary>
    public uint Word(uint offset, bool bigEndian)
    {
        switch (offset)
        {
            case NrOffset:
                return Nr;
            case ArchOffset:
                return Arch;
        }
        var value = offset < ArgsOffset ? InstructionPointer : Args[(int)(offset - ArgsOffset) / 8];
        var highHalf = (offset % 8 == 0) == bigEndian;
        return highHalf ? (uint)(value >> 32) : (uint)value;
    }

    /// <summary>The offset of the low (<paramref name="high"/> false) or high 32 bits of argument <paramref name="arg"/>.</summary>
    public static uint ArgWordOffset(int arg, bool high, bool bigEndian) => ArgsOffset + (uint)(8 * arg) + (high == bigEndian ? 0u : 4u);

    private static ulong[] Pad(ulong[] args)
    {
        var six = new ulong[6];
        Array.Copy(args, six, Math.Min(args.Length, 6));
        return six;
    }
}
