using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Backends.Seccomp.Analysis;

/// <summary>The kernel's seccomp action cache (Linux 5.11+, kernel/seccomp.c seccomp_is_const_allow): when a
/// filter is attached, each syscall number of the native and compat architecture is run through the filter
/// with only nr and arch known. If that path reaches `ret ALLOW` using nothing but `ld nr`, `ld arch`,
/// `jeq/jgt/jge/jset K`, `ja`, `and K` and `ret K`, the call is allowed from then on without running the
/// filter at all. Any other instruction on the path (an argument or instruction-pointer load, X-register
/// operations, `ret A`, ...) or any other return value makes the call uncacheable.</summary>
public static class ActionCache
{
    /// <summary>Whether the kernel would allow a call of <paramref name="arch"/> without running the filter. Its
    /// bitmaps span the native and compat syscall numbers (0 to NR_syscalls - 1, a few hundred), so x32 calls
    /// (0x40000000 and up) and the ARM private calls (0xf0000 and up) are never cached.</summary>
    public static bool IsCached(IReadOnlyList<BpfInstruction> program, Arch arch, uint nr) =>
        arch != Arch.X32 && nr < BitmapBound && IsConstantAllow(program, arch.AuditArch(), nr);

    /// <summary>Above every NR_syscalls (x86_64 has about 470), below the ARM private range.</summary>
    private const uint BitmapBound = 0x1000;

    /// <summary>Whether the kernel would cache <paramref name="nr"/> under <paramref name="auditArch"/> as always allowed.</summary>
    public static bool IsConstantAllow(IReadOnlyList<BpfInstruction> program, uint auditArch, uint nr)
    {
        uint value = 0;
        for (var pc = 0; pc < program.Count; pc++)
        {
            var insn = program[pc];
            switch (insn.Code)
            {
                case BpfInstruction.LoadWordAbsolute:
                    switch (insn.K)
                    {
                        case SeccompData.NrOffset:
                            value = nr;
                            break;
                        case SeccompData.ArchOffset:
                            value = auditArch;
                            break;
                        default:
                            return false;
                    }
                    break;
                case BpfInstruction.ReturnConstant:
                    return insn.K == SeccompAction.RetAllow;
                case BpfInstruction.JumpAlways:
                    pc += (int)insn.K;
                    break;
                case BpfCode.Jmp | BpfCode.Jeq | BpfCode.K:
                case BpfCode.Jmp | BpfCode.Jge | BpfCode.K:
                case BpfCode.Jmp | BpfCode.Jgt | BpfCode.K:
                case BpfCode.Jmp | BpfCode.Jset | BpfCode.K:
                    var taken = BpfCode.Op(insn.Code) switch
                    {
                        BpfCode.Jeq => value == insn.K,
                        BpfCode.Jge => value >= insn.K,
                        BpfCode.Jgt => value > insn.K,
                        _ => (value & insn.K) != 0,
                    };
                    pc += taken ? insn.Jt : insn.Jf;
                    break;
                case BpfInstruction.AndConstant:
                    value &= insn.K;
                    break;
                default:
                    return false;
            }
        }
        return false;
    }
}
