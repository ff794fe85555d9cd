using System.Globalization;
using System.Text;
using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Backends.Seccomp.Analysis;

/// <summary>A readable listing of a seccomp filter: one instruction per line with absolute jump targets,
/// and comments naming what the accumulator holds, the architecture or syscall a constant stands for
/// (following which arch the path has checked), and the action of each return.</summary>
public static class Disassembler
{
    /// <param name="arch">the architecture assumed where the filter has not checked one yet.</param>
    public static string Disassemble(IReadOnlyList<BpfInstruction> program, Arch arch)
    {
        var states = Flow(program, arch);
        var text = new StringBuilder();
        var width = Math.Max(3, (program.Count - 1).ToString(CultureInfo.InvariantCulture).Length);
        for (var pc = 0; pc < program.Count; pc++)
        {
            var (body, comment) = Describe(program[pc], pc, states[pc], arch);
            var line = $"{pc.ToString(CultureInfo.InvariantCulture).PadLeft(width)}: {body}";
            text.Append(comment is null ? line : line.PadRight(width + 36) + "; " + comment).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>What the accumulator holds before an instruction, as far as every path agrees.</summary>
    private sealed record State(uint? Offset, uint Mask, uint? Audit)
    {
        public static readonly State Unknown = new(null, uint.MaxValue, null);

        public State Merge(State other) => new(Offset == other.Offset && Mask == other.Mask ? Offset : null, Mask == other.Mask ? Mask : uint.MaxValue, Audit == other.Audit ? Audit : null);
    }

    private static State?[] Flow(IReadOnlyList<BpfInstruction> program, Arch arch)
    {
        var states = new State?[program.Count + 1];
        states[0] = State.Unknown;
        for (var pc = 0; pc < program.Count; pc++)
        {
            if (states[pc] is not { } state)
            {
                continue;
            }
            var insn = program[pc];
            void Flow(int target, State next)
            {
                if (target <= program.Count)
                {
                    states[target] = states[target] is { } existing ? existing.Merge(next) : next;
                }
            }
            switch (BpfCode.Class(insn.Code))
            {
                case BpfCode.Ret:
                    break;
                case BpfCode.Jmp when BpfCode.Op(insn.Code) == BpfCode.Ja:
                    Flow(pc + 1 + (int)insn.K, state);
                    break;
                case BpfCode.Jmp:
                    var archKnown = state.Offset == SeccompData.ArchOffset && state.Mask == uint.MaxValue
                        && BpfCode.Op(insn.Code) == BpfCode.Jeq && BpfCode.Source(insn.Code) == BpfCode.K;
                    Flow(pc + 1 + insn.Jt, archKnown ? state with { Audit = insn.K } : state);
                    Flow(pc + 1 + insn.Jf, state);
                    break;
                case BpfCode.Ld when insn.Code == BpfInstruction.LoadWordAbsolute:
                    Flow(pc + 1, state with { Offset = insn.K, Mask = uint.MaxValue });
                    break;
                case BpfCode.Alu when insn.Code == BpfInstruction.AndConstant:
                    Flow(pc + 1, state with { Mask = state.Mask & insn.K });
                    break;
                case BpfCode.Ld or BpfCode.Alu or BpfCode.Misc:
                    Flow(pc + 1, state with { Offset = null, Mask = uint.MaxValue });
                    break;
                default:
                    Flow(pc + 1, state);
                    break;
            }
        }
        return states;
    }

    private static (string Body, string? Comment) Describe(BpfInstruction insn, int pc, State? state, Arch arch)
    {
        var code = insn.Code;
        var op = BpfCode.Op(code);
        var k = $"#0x{insn.K:x}";
        switch (BpfCode.Class(code))
        {
            case BpfCode.Ld when BpfCode.Mode(code) == BpfCode.Abs && BpfCode.Size(code) == BpfCode.W:
                return ($"ld   [{insn.K}]", "A = " + FieldName(insn.K, arch));
            case BpfCode.Ld or BpfCode.Ldx:
                var register = BpfCode.Class(code) == BpfCode.Ld ? "ld " : "ldx";
                return BpfCode.Mode(code) switch
                {
                    BpfCode.Imm => ($"{register}  {k}", null),
                    BpfCode.Mem => ($"{register}  M[{insn.K}]", null),
                    BpfCode.Len => ($"{register}  #len", "64, the size of seccomp_data"),
                    _ => ($".word 0x{code:x4} 0x{insn.Jt:x2} 0x{insn.Jf:x2} 0x{insn.K:x8}", "not a seccomp instruction"),
                };
            case BpfCode.St:
                return ($"st   M[{insn.K}]", null);
            case BpfCode.Stx:
                return ($"stx  M[{insn.K}]", null);
            case BpfCode.Alu:
                var name = op switch
                {
                    BpfCode.Add => "add", BpfCode.Sub => "sub", BpfCode.Mul => "mul", BpfCode.Div => "div", BpfCode.Mod => "mod",
                    BpfCode.Or => "or", BpfCode.And => "and", BpfCode.Xor => "xor", BpfCode.Lsh => "lsh", BpfCode.Rsh => "rsh", _ => "neg",
                };
                return op == BpfCode.Neg ? ("neg", null) : ($"{name,-4} {(BpfCode.Source(code) == BpfCode.X ? "x" : k)}", null);
            case BpfCode.Jmp when op == BpfCode.Ja:
                return ($"ja   {pc + 1 + (int)insn.K}", null);
            case BpfCode.Jmp:
                var jump = op switch { BpfCode.Jeq => "jeq", BpfCode.Jgt => "jgt", BpfCode.Jge => "jge", _ => "jset" };
                var operand = BpfCode.Source(code) == BpfCode.X ? "x" : k;
                return ($"{jump,-4} {operand,-12} jt {pc + 1 + insn.Jt,-5} jf {pc + 1 + insn.Jf}", BpfCode.Source(code) == BpfCode.K ? ConstantMeaning(insn.K, state, arch) : null);
            case BpfCode.Ret:
                return BpfCode.Op(code) == BpfCode.RetA ? ("ret  a", null) : ($"ret  {k}", SeccompAction.FromReturn(insn.K).ToString());
            case BpfCode.Misc:
                return (op == BpfCode.Txa ? "txa" : "tax", null);
            default:
                return ($".word 0x{code:x4} 0x{insn.Jt:x2} 0x{insn.Jf:x2} 0x{insn.K:x8}", "not a seccomp instruction");
        }
    }

    private static string FieldName(uint offset, Arch arch) => offset switch
    {
        SeccompData.NrOffset => "nr",
        SeccompData.ArchOffset => "arch",
        < SeccompData.ArgsOffset => (offset % 8 == 0) == arch.IsBigEndian() ? "instruction_pointer.hi" : "instruction_pointer.lo",
        < SeccompData.Size => $"arg{(offset - SeccompData.ArgsOffset) / 8}.{((offset % 8 == 0) == arch.IsBigEndian() ? "hi" : "lo")}",
        _ => $"[{offset}] (outside seccomp_data)",
    };

    private static string? ConstantMeaning(uint k, State? state, Arch fallback)
    {
        if (state is not { Offset: { } offset, Mask: uint.MaxValue })
        {
            return null;
        }
        if (offset == SeccompData.ArchOffset)
        {
            var names = ArchInfo.All.Where(a => a.AuditArch() == k && a != Arch.X32).Select(a => a.Name()).ToList();
            return names.Count > 0 ? string.Join("/", names) : "unknown arch";
        }
        if (offset != SeccompData.NrOffset)
        {
            return null;
        }
        var arch = state.Audit is { } audit ? ArchInfo.All.FirstOrDefault(a => a.AuditArch() == audit && a != Arch.X32, fallback) : fallback;
        if (arch == Arch.X86_64 && (k & ArchInfo.X32SyscallBit) != 0)
        {
            arch = Arch.X32;
        }
        if (!SyscallTable.TryGetName(arch, k, out var name))
        {
            return null;
        }
        return arch == Arch.X32 ? "x32 " + name : name;
    }
}
