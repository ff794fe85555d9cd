using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Backends.Seccomp.Analysis;

/// <summary>How a filter treats one syscall of an architecture.</summary>
/// <param name="CanAllow">some argument values make the filter return allow or log.</param>
/// <param name="Cacheable">the kernel's action cache allows it without running the filter (<see cref="ActionCache"/>).</param>
/// <param name="Executed">instructions run for the call with all arguments zero.</param>
/// <param name="Action">the action for the call with all arguments zero.</param>
public sealed record SyscallCoverage(string Name, uint Nr, bool CanAllow, bool Cacheable, int Executed, SeccompAction Action);

/// <summary>The figures the benchmark compares filters by. Means and worst are over the syscalls that
/// can be allowed, each called with zero arguments; the weighted mean weights them by a frequency table.</summary>
public sealed record FilterStatistics(int Instructions, int Allowed, double MeanExecuted, int WorstExecuted, double WeightedMeanExecuted, int Cacheable);

public static class FilterAnalysis
{
    public static IReadOnlyList<SyscallCoverage> Coverage(IReadOnlyList<BpfInstruction> program, Arch arch)
    {
        var bigEndian = arch.IsBigEndian();
        var audit = arch.AuditArch();
        return SyscallTable.Entries(arch).Select(entry =>
        {
            var run = BpfInterpreter.Run(program, SeccompData.Call(arch, entry.Number), bigEndian);
            var canAllow = PossibleReturns(program, audit, entry.Number).Any(r => r is null or SeccompAction.RetAllow or SeccompAction.RetLog);
            return new SyscallCoverage(entry.Name, entry.Number, canAllow, ActionCache.IsCached(program, arch, entry.Number), run.Executed, run.Action);
        }).ToList();
    }

    public static FilterStatistics Statistics(IReadOnlyList<BpfInstruction> program, Arch arch, FrequencyTable frequencies)
    {
        var allowed = Coverage(program, arch).Where(c => c.CanAllow).ToList();
        if (allowed.Count == 0)
        {
            return new FilterStatistics(program.Count, 0, 0, 0, 0, 0);
        }
        var totalShare = allowed.Sum(c => frequencies.Share(c.Name));
        var weighted = totalShare > 0 ? allowed.Sum(c => c.Executed * frequencies.Share(c.Name)) / totalShare : 0;
        return new FilterStatistics(program.Count, allowed.Count, allowed.Average(c => c.Executed), allowed.Max(c => c.Executed), weighted, allowed.Count(c => c.Cacheable));
    }

    /// <summary>Every value the filter can return for this arch and number, whatever the arguments and
    /// instruction pointer; null stands for a `ret A` whose value depends on them.</summary>
    public static IReadOnlySet<uint?> PossibleReturns(IReadOnlyList<BpfInstruction> program, uint audit, uint nr)
    {
        var results = new HashSet<uint?>();
        var seen = new HashSet<string>();
        var stack = new Stack<Abstract>();
        stack.Push(new Abstract(0, 0, 0, new uint?[BpfCode.MemoryWords]));
        while (stack.Count > 0)
        {
            var state = stack.Pop();
            if (!seen.Add(state.Key))
            {
                continue;
            }
            var insn = program[state.Pc];
            var next = state with { Pc = state.Pc + 1 };
            switch (BpfCode.Class(insn.Code))
            {
                case BpfCode.Ret:
                    results.Add(BpfCode.Op(insn.Code) == BpfCode.RetA ? state.A : insn.K);
                    continue;
                case BpfCode.Ld:
                    stack.Push(next with { A = Load(insn, state, audit, nr) });
                    continue;
                case BpfCode.Ldx:
                    stack.Push(next with { X = Load(insn, state, audit, nr) });
                    continue;
                case BpfCode.St or BpfCode.Stx:
                    var memory = (uint?[])state.Memory.Clone();
                    memory[insn.K] = BpfCode.Class(insn.Code) == BpfCode.St ? state.A : state.X;
                    stack.Push(next with { Memory = memory });
                    continue;
                case BpfCode.Misc:
                    stack.Push(BpfCode.Op(insn.Code) == BpfCode.Txa ? next with { A = state.X } : next with { X = state.A });
                    continue;
                case BpfCode.Alu:
                    var operand = BpfCode.Source(insn.Code) == BpfCode.X ? state.X : insn.K;
                    if (state.A is { } a && operand is { } o && BpfInterpreter.Arithmetic(insn.Code, a, o) is null)
                    {
                        results.Add(0);
                        continue;
                    }
                    uint? value = state.A is { } known && operand is { } constant ? BpfInterpreter.Arithmetic(insn.Code, known, constant)
                        : BpfCode.Op(insn.Code) == BpfCode.And && operand == 0 ? 0 : null;
                    stack.Push(next with { A = value });
                    continue;
            }
            if (BpfCode.Op(insn.Code) == BpfCode.Ja)
            {
                stack.Push(state with { Pc = state.Pc + 1 + (int)insn.K });
                continue;
            }
            var k = BpfCode.Source(insn.Code) == BpfCode.X ? state.X : insn.K;
            bool? taken = state.A is { } left && k is { } right
                ? BpfCode.Op(insn.Code) switch
                {
                    BpfCode.Jeq => left == right,
                    BpfCode.Jgt => left > right,
                    BpfCode.Jge => left >= right,
                    _ => (left & right) != 0,
                }
                : null;
            if (taken != false)
            {
                stack.Push(state with { Pc = state.Pc + 1 + insn.Jt });
            }
            if (taken != true)
            {
                stack.Push(state with { Pc = state.Pc + 1 + insn.Jf });
            }
        }
        return results;
    }

    private static uint? Load(BpfInstruction insn, Abstract state, uint audit, uint nr) => BpfCode.Mode(insn.Code) switch
    {
        BpfCode.Abs => insn.K switch
        {
            SeccompData.NrOffset => nr,
            SeccompData.ArchOffset => audit,
            _ => null,
        },
        BpfCode.Imm => insn.K,
        BpfCode.Len => SeccompData.Size,
        BpfCode.Mem => state.Memory[insn.K],
        _ => null,
    };

    private sealed record Abstract(int Pc, uint? A, uint? X, uint?[] Memory)
    {
        public string Key => $"{Pc}:{A}:{X}:{string.Join(',', Memory)}";
    }
}
