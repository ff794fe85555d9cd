namespace Polc.Backends.Seccomp.Bpf;

/// <summary>The checks seccomp(SECCOMP_SET_MODE_FILTER) makes before it accepts a filter
/// (kernel/seccomp.c seccomp_check_filter, net/core/filter.c bpf_check_classic): length 1..4096,
/// only the instructions seccomp allows, word loads inside seccomp_data, jumps inside the program,
/// no constant division by zero or oversized shift, scratch memory written before it is read on
/// every path, and a ret last.</summary>
public static class BpfValidator
{
    /// <returns>null when the kernel would accept the filter, else why not (with the instruction index).</returns>
    public static string? Check(IReadOnlyList<BpfInstruction> program)
    {
        var length = program.Count;
        if (length == 0 || length > BpfCode.MaxInstructions)
        {
            return $"the filter has {length} instructions; the kernel accepts 1..{BpfCode.MaxInstructions}";
        }
        for (var pc = 0; pc < length; pc++)
        {
            if (CheckInstruction(program[pc], pc, length) is { } problem)
            {
                return $"instruction {pc}: {problem}";
            }
        }
        if (!program[length - 1].IsReturn)
        {
            return $"instruction {length - 1}: the last instruction must be a ret";
        }
        return CheckMemoryInitialised(program);
    }

    private static string? CheckInstruction(BpfInstruction insn, int pc, int length)
    {
        var code = insn.Code;
        switch (code)
        {
            case BpfInstruction.LoadWordAbsolute:
                return insn.K >= SeccompData.Size || insn.K % 4 != 0 ? $"load offset {insn.K} is not an aligned word of seccomp_data" : null;
            case BpfCode.Ld | BpfCode.W | BpfCode.Len:
            case BpfCode.Ldx | BpfCode.W | BpfCode.Len:
            case BpfCode.Ld | BpfCode.Imm:
            case BpfCode.Ldx | BpfCode.Imm:
            case BpfCode.Ret | BpfCode.K:
            case BpfCode.Ret | BpfCode.RetA:
            case BpfCode.Misc | BpfCode.Tax:
            case BpfCode.Misc | BpfCode.Txa:
            case BpfCode.Alu | BpfCode.Neg:
                return null;
            case BpfCode.Ld | BpfCode.Mem:
            case BpfCode.Ldx | BpfCode.Mem:
            case BpfCode.St:
            case BpfCode.Stx:
                return insn.K >= BpfCode.MemoryWords ? $"scratch memory cell {insn.K} does not exist" : null;
            case BpfInstruction.JumpAlways:
                return insn.K >= (uint)(length - pc - 1) ? "jumps past the end" : null;
        }
        var op = BpfCode.Op(code);
        switch (BpfCode.Class(code))
        {
            case BpfCode.Alu when op is BpfCode.Add or BpfCode.Sub or BpfCode.Mul or BpfCode.Div or BpfCode.And or BpfCode.Or or BpfCode.Xor or BpfCode.Lsh or BpfCode.Rsh:
                if (BpfCode.Source(code) == BpfCode.K && op == BpfCode.Div && insn.K == 0)
                {
                    return "divides by the constant 0";
                }
                if (BpfCode.Source(code) == BpfCode.K && op is BpfCode.Lsh or BpfCode.Rsh && insn.K >= 32)
                {
                    return $"shifts by {insn.K}";
                }
                return (code & ~(BpfCode.X | 0xf0 | 0x07)) == 0 ? null : $"unknown code 0x{code:x4}";
            case BpfCode.Jmp when op is BpfCode.Jeq or BpfCode.Jgt or BpfCode.Jge or BpfCode.Jset:
                if ((code & ~(BpfCode.X | 0xf0 | 0x07)) != 0)
                {
                    return $"unknown code 0x{code:x4}";
                }
                return pc + insn.Jt + 1 >= length || pc + insn.Jf + 1 >= length ? "jumps past the end" : null;
        }
        return $"code 0x{code:x4} is not allowed in a seccomp filter";
    }

    private static string? CheckMemoryInitialised(IReadOnlyList<BpfInstruction> program)
    {
        var masks = new ushort[program.Count];
        Array.Fill(masks, ushort.MaxValue);
        ushort valid = 0;
        for (var pc = 0; pc < program.Count; pc++)
        {
            valid &= masks[pc];
            var insn = program[pc];
            switch (insn.Code)
            {
                case BpfCode.St:
                case BpfCode.Stx:
                    valid |= (ushort)(1 << (int)insn.K);
                    break;
                case BpfCode.Ld | BpfCode.Mem:
                case BpfCode.Ldx | BpfCode.Mem:
                    if ((valid & (1 << (int)insn.K)) == 0)
                    {
                        return $"instruction {pc}: reads scratch memory cell {insn.K} before any write";
                    }
                    break;
                case BpfInstruction.JumpAlways:
                    masks[pc + 1 + (int)insn.K] &= valid;
                    valid = ushort.MaxValue;
                    break;
                default:
                    if (insn.IsConditionalJump)
                    {
                        masks[pc + 1 + insn.Jt] &= valid;
                        masks[pc + 1 + insn.Jf] &= valid;
                        valid = ushort.MaxValue;
                    }
                    break;
            }
        }
        return null;
    }
}
