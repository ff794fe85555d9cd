using System.Buffers.Binary;

namespace Polc.Tests.DockerSeccomp;

/// <summary>A small interpreter of seccomp's classic BPF (as libseccomp exports it), to read the decisions
/// out of the filter libseccomp built from a profile.</summary>
public sealed class ClassicBpf
{
    private readonly (ushort Code, byte Jt, byte Jf, uint K)[] _program;

    public ClassicBpf(byte[] raw)
    {
        if (raw.Length % 8 != 0 || raw.Length == 0)
        {
            throw new ArgumentException($"a BPF program is a non-empty array of 8-byte instructions, not {raw.Length} bytes");
        }
        _program = new (ushort, byte, byte, uint)[raw.Length / 8];
        for (var i = 0; i < _program.Length; i++)
        {
            var at = raw.AsSpan(i * 8);
            _program[i] = (BinaryPrimitives.ReadUInt16LittleEndian(at), at[2], at[3], BinaryPrimitives.ReadUInt32LittleEndian(at[4..]));
        }
    }

    public int Length => _program.Length;

    /// <summary>Runs the filter on `struct seccomp_data` {nr, arch, instruction_pointer, args[6]} and returns its value.</summary>
    public uint Run(uint nr, uint arch, IReadOnlyList<ulong> args)
    {
        var data = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(data, nr);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), arch);
        for (var i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16 + 8 * i), i < args.Count ? args[i] : 0);
        }
        uint a = 0, x = 0;
        var scratch = new uint[16];
        for (var pc = 0; pc < _program.Length; pc++)
        {
            var (code, jt, jf, k) = _program[pc];
            switch (code)
            {
                case 0x20: a = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)k)); break; // ld [k]
                case 0x00: a = k; break;                                                              // ld #k
                case 0x01: x = k; break;                                                              // ldx #k
                case 0x60: a = scratch[k]; break;                                                     // ld M[k]
                case 0x61: x = scratch[k]; break;                                                     // ldx M[k]
                case 0x02: scratch[k] = a; break;                                                     // st M[k]
                case 0x03: scratch[k] = x; break;                                                     // stx M[k]
                case 0x54: a &= k; break;                                                             // and #k
                case 0x44: a |= k; break;                                                             // or #k
                case 0x07: x = a; break;                                                              // tax
                case 0x87: a = x; break;                                                              // txa
                case 0x05: pc += (int)k; break;                                                       // ja
                case 0x15: pc += a == k ? jt : jf; break;                                             // jeq #k
                case 0x25: pc += a > k ? jt : jf; break;                                              // jgt #k
                case 0x35: pc += a >= k ? jt : jf; break;                                             // jge #k
                case 0x45: pc += (a & k) != 0 ? jt : jf; break;                                       // jset #k
                case 0x06: return k;                                                                  // ret #k
                case 0x16: return a;                                                                  // ret a
                default: throw new InvalidOperationException($"unsupported BPF instruction 0x{code:x2} at {pc}");
            }
        }
        throw new InvalidOperationException("the filter ran off its end");
    }
}
