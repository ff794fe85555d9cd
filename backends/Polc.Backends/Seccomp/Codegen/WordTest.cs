using Polc.Backends.Seccomp.Bpf;

namespace Polc.Backends.Seccomp.Codegen;

public enum WordKind
{
    Nr,
    Arch,
    ArgLow,
    ArgHigh,
}

/// <summary>A 32-bit word of seccomp_data a filter can load.</summary>
public readonly record struct Word(WordKind Kind, int Arg = 0)
{
    public static readonly Word Nr = new(WordKind.Nr);
    public static readonly Word Arch = new(WordKind.Arch);

    public uint Offset(bool bigEndian) => Kind switch
    {
        WordKind.Nr => SeccompData.NrOffset,
        WordKind.Arch => SeccompData.ArchOffset,
        WordKind.ArgLow => SeccompData.ArgWordOffset(Arg, high: false, bigEndian),
        _ => SeccompData.ArgWordOffset(Arg, high: true, bigEndian),
    };

    public override string ToString() => Kind switch
    {
        WordKind.Nr => "nr",
        WordKind.Arch => "arch",
        WordKind.ArgLow => $"arg{Arg}.lo",
        _ => $"arg{Arg}.hi",
    };
}

public enum TestOp
{
    /// <summary>(word &amp; Mask) == K</summary>
    Eq,
    /// <summary>(word &amp; Mask) &gt; K</summary>
    Gt,
    /// <summary>(word &amp; Mask) &gt;= K</summary>
    Ge,
    /// <summary>(word &amp; K) != 0, one `jset` without an `and`; Mask is always <see cref="WordTest.NoMask"/>.</summary>
    Set,
}

/// <summary>One BPF conditional jump on one word, optionally after `and Mask`.</summary>
public readonly record struct WordTest(Word Word, uint Mask, TestOp Op, uint K)
{
    public const uint NoMask = uint.MaxValue;

    public bool HasMask => Mask != NoMask;

    public bool Holds(uint word) => Op switch
    {
        TestOp.Eq => (word & Mask) == K,
        TestOp.Gt => (word & Mask) > K,
        TestOp.Ge => (word & Mask) >= K,
        _ => (word & K) != 0,
    };

    /// <summary>The value the accumulator holds after the test ran: the word, or the word and-ed with the mask.</summary>
    public (Word Word, uint Mask) Accumulator => (Word, Op == TestOp.Set ? NoMask : Mask);

    public ushort JumpOp => Op switch
    {
        TestOp.Eq => BpfCode.Jeq,
        TestOp.Gt => BpfCode.Jgt,
        TestOp.Ge => BpfCode.Jge,
        _ => BpfCode.Jset,
    };

    public override string ToString() => Op switch
    {
        TestOp.Set => $"{Word} & 0x{K:x} != 0",
        _ => (HasMask ? $"{Word} & 0x{Mask:x}" : Word.ToString()) + (Op switch { TestOp.Eq => " == ", TestOp.Gt => " > ", _ => " >= " }) + $"0x{K:x}",
    };
}
