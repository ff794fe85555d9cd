namespace Polc.Backends.Seccomp.Bpf;

/// <summary>Classic BPF opcode parts (linux/bpf_common.h, linux/filter.h) and the kernel's limits for seccomp.</summary>
public static class BpfCode
{
    public const ushort Ld = 0x00, Ldx = 0x01, St = 0x02, Stx = 0x03, Alu = 0x04, Jmp = 0x05, Ret = 0x06, Misc = 0x07;
    public const ushort W = 0x00, H = 0x08, B = 0x10;
    public const ushort Imm = 0x00, Abs = 0x20, Ind = 0x40, Mem = 0x60, Len = 0x80, Msh = 0xa0;
    public const ushort Add = 0x00, Sub = 0x10, Mul = 0x20, Div = 0x30, Or = 0x40, And = 0x50, Lsh = 0x60, Rsh = 0x70, Neg = 0x80, Mod = 0x90, Xor = 0xa0;
    public const ushort Ja = 0x00, Jeq = 0x10, Jgt = 0x20, Jge = 0x30, Jset = 0x40;
    public const ushort K = 0x00, X = 0x08;
    /// <summary>`ret A` (BPF_RET | BPF_A).</summary>
    public const ushort RetA = 0x10;
    public const ushort Tax = 0x00, Txa = 0x80;

    /// <summary>BPF_MAXINSNS: the longest filter seccomp() accepts.</summary>
    public const int MaxInstructions = 4096;

    /// <summary>BPF_MEMWORDS: scratch memory cells M[0..15].</summary>
    public const int MemoryWords = 16;

    public static ushort Class(ushort code) => (ushort)(code & 0x07);

    public static ushort Op(ushort code) => (ushort)(code & 0xf0);

    public static ushort Source(ushort code) => (ushort)(code & 0x08);

    public static ushort Mode(ushort code) => (ushort)(code & 0xe0);

    public static ushort Size(ushort code) => (ushort)(code & 0x18);
}

/// <summary>One `struct sock_filter`: u16 code, u8 jt, u8 jf, u32 k.</summary>
public readonly record struct BpfInstruction(ushort Code, byte Jt, byte Jf, uint K)
{
    public const ushort LoadWordAbsolute = BpfCode.Ld | BpfCode.W | BpfCode.Abs;
    public const ushort ReturnConstant = BpfCode.Ret | BpfCode.K;
    public const ushort JumpAlways = BpfCode.Jmp | BpfCode.Ja;
    public const ushort AndConstant = BpfCode.Alu | BpfCode.And | BpfCode.K;

    public static BpfInstruction Load(uint offset) => new(LoadWordAbsolute, 0, 0, offset);

    public static BpfInstruction Return(uint value) => new(ReturnConstant, 0, 0, value);

    public static BpfInstruction Jump(uint offset) => new(JumpAlways, 0, 0, offset);

    public static BpfInstruction And(uint mask) => new(AndConstant, 0, 0, mask);

    /// <param name="op">one of <see cref="BpfCode.Jeq"/>, <see cref="BpfCode.Jgt"/>, <see cref="BpfCode.Jge"/>, <see cref="BpfCode.Jset"/>.</param>
    public static BpfInstruction Branch(ushort op, uint k, byte jt, byte jf) => new((ushort)(BpfCode.Jmp | op | BpfCode.K), jt, jf, k);

    public bool IsConditionalJump => BpfCode.Class(Code) == BpfCode.Jmp && BpfCode.Op(Code) != BpfCode.Ja;

    public bool IsReturn => BpfCode.Class(Code) == BpfCode.Ret;
}
