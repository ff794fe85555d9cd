using Polc.Compiler.Ir;

namespace Polc.Backends.Seccomp.Bpf;

/// <summary>The outcome of running a filter on one call: the raw return value, the action the kernel
/// takes for it, and how many instructions ran (the ret included).</summary>
public sealed record SimulationResult(uint Return, int Executed)
{
    /// <summary>The action as the kernel reads the return value: unknown actions kill the process, errno data is capped at 4095.</summary>
    public SeccompAction Action
    {
        get
        {
            var action = SeccompAction.FromReturn(Return);
            return action.Kind == SeccompActionKind.Errno && action.Value > MaxErrno ? SeccompAction.Errno(MaxErrno) : action;
        }
    }

    public const uint MaxErrno = 4095;
}

/// <summary>A classic-BPF interpreter with the kernel's semantics for seccomp filters: A, X and M[0..15]
/// start at zero, loads read <see cref="SeccompData"/>, division by a zero X returns 0 (kill-thread).
/// Run only programs that <see cref="BpfValidator"/> accepts.</summary>
public static class BpfInterpreter
{
    public static SimulationResult Run(IReadOnlyList<BpfInstruction> program, SeccompData data, bool bigEndian, List<int>? trace = null)
    {
        uint a = 0, x = 0;
        Span<uint> memory = stackalloc uint[BpfCode.MemoryWords];
        var executed = 0;
        var pc = 0;
        while (true)
        {
            if (pc < 0 || pc >= program.Count)
            {
                throw new InvalidOperationException($"the filter runs off its end at {pc}; validate it first");
            }
            var insn = program[pc];
            trace?.Add(pc);
            executed++;
            pc++;
            var code = insn.Code;
            switch (BpfCode.Class(code))
            {
                case BpfCode.Ld:
                    a = Load(insn, data, bigEndian, memory);
                    break;
                case BpfCode.Ldx:
                    x = Load(insn, data, bigEndian, memory);
                    break;
                case BpfCode.St:
                    memory[(int)insn.K] = a;
                    break;
                case BpfCode.Stx:
                    memory[(int)insn.K] = x;
                    break;
                case BpfCode.Alu:
                    var operand = BpfCode.Source(code) == BpfCode.X ? x : insn.K;
                    if (Arithmetic(code, a, operand) is not { } result)
                    {
                        return new SimulationResult(0, executed);
                    }
                    a = result;
                    break;
                case BpfCode.Jmp:
                    var jumpOp = BpfCode.Op(code);
                    if (jumpOp == BpfCode.Ja)
                    {
                        pc += (int)insn.K;
                        break;
                    }
                    var k = BpfCode.Source(code) == BpfCode.X ? x : insn.K;
                    var taken = jumpOp switch
                    {
                        BpfCode.Jeq => a == k,
                        BpfCode.Jgt => a > k,
                        BpfCode.Jge => a >= k,
                        BpfCode.Jset => (a & k) != 0,
                        _ => throw new InvalidOperationException($"unknown jump 0x{code:x2}"),
                    };
                    pc += taken ? insn.Jt : insn.Jf;
                    break;
                case BpfCode.Ret:
                    return new SimulationResult(BpfCode.Op(code) == BpfCode.RetA ? a : insn.K, executed);
                case BpfCode.Misc:
                    if (BpfCode.Op(code) == BpfCode.Txa) a = x; else x = a;
                    break;
            }
        }
    }

    /// <summary>A BPF_ALU operation on A; null for a division by zero, which ends the filter with 0.</summary>
    public static uint? Arithmetic(ushort code, uint a, uint operand) => BpfCode.Op(code) switch
    {
        BpfCode.Div or BpfCode.Mod when operand == 0 => null,
        BpfCode.Add => a + operand,
        BpfCode.Sub => a - operand,
        BpfCode.Mul => a * operand,
        BpfCode.Div => a / operand,
        BpfCode.Mod => a % operand,
        BpfCode.Or => a | operand,
        BpfCode.And => a & operand,
        BpfCode.Xor => a ^ operand,
        BpfCode.Lsh => a << (int)(operand & 31),
        BpfCode.Rsh => a >> (int)(operand & 31),
        BpfCode.Neg => 0 - a,
        _ => throw new InvalidOperationException($"unknown ALU operation 0x{code:x2}"),
    };

    private static uint Load(BpfInstruction insn, SeccompData data, bool bigEndian, Span<uint> memory) => BpfCode.Mode(insn.Code) switch
    {
        BpfCode.Abs => data.Word(insn.K, bigEndian),
        BpfCode.Imm => insn.K,
        BpfCode.Mem => memory[(int)insn.K],
        BpfCode.Len => SeccompData.Size,
        _ => throw new InvalidOperationException($"load mode 0x{insn.Code:x2} is not allowed in seccomp filters"),
    };
}
