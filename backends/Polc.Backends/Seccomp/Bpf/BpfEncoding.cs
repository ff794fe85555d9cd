using System.Buffers.Binary;

namespace Polc.Backends.Seccomp.Bpf;

/// <summary>The on-disk form of a filter: the array of `struct sock_filter` as seccomp(2) reads it from
/// memory, so in the target's byte order (little-endian everywhere but s390x), 8 bytes per instruction.</summary>
public static class BpfEncoding
{
    public const int InstructionSize = 8;

    public static byte[] Encode(IReadOnlyList<BpfInstruction> program, bool bigEndian)
    {
        var bytes = new byte[program.Count * InstructionSize];
        for (var i = 0; i < program.Count; i++)
        {
            var slot = bytes.AsSpan(i * InstructionSize, InstructionSize);
            var insn = program[i];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(slot, insn.Code);
                BinaryPrimitives.WriteUInt32BigEndian(slot[4..], insn.K);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(slot, insn.Code);
                BinaryPrimitives.WriteUInt32LittleEndian(slot[4..], insn.K);
            }
            slot[2] = insn.Jt;
            slot[3] = insn.Jf;
        }
        return bytes;
    }

    /// <exception cref="FormatException">the length is not a whole number of instructions.</exception>
    public static BpfInstruction[] Decode(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        if (bytes.Length % InstructionSize != 0)
        {
            throw new FormatException($"{bytes.Length} bytes is not a whole number of 8-byte instructions");
        }
        var program = new BpfInstruction[bytes.Length / InstructionSize];
        for (var i = 0; i < program.Length; i++)
        {
            var slot = bytes.Slice(i * InstructionSize, InstructionSize);
            var code = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(slot) : BinaryPrimitives.ReadUInt16LittleEndian(slot);
            var k = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(slot[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(slot[4..]);
            program[i] = new BpfInstruction(code, slot[2], slot[3], k);
        }
        return program;
    }
}
