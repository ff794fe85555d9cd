using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Backends.Seccomp.Codegen;

/// <summary>
/// Compiles the syscall section for the processes of one architecture. The filter first tests
/// seccomp_data.arch: each listed architecture of the same kernel family (<see cref="SeccompArch.Family"/>),
/// its own first, gets its search over syscall numbers; any other arch is killed. Under AUDIT_ARCH_X86_64
/// numbers from 0x40000000 up are the x32 ABI: handled by the x32 rules when `x32` is listed, killed
/// otherwise (but for -1). Numbers outside the syscall table get the default. Argument words are loaded only
/// below the number search, in the handling of the syscalls that have conditions.
/// </summary>
public sealed class FilterCompiler
{
    /// <summary>The share of the search-tree weight given to calls of a family member that is not the file's own arch.</summary>
    private const double ForeignShare = 0.01;

    private readonly SyscallPolicyIr _policy;
    private readonly FrequencyTable _frequencies;
    private readonly DecisionGraph _graph = new();
    private readonly RuleChainBuilder _chains;
    private readonly SwitchBalancer _switches;
    private readonly Formula?[] _conditions;
    private readonly HashSet<string>[] _names;
    private readonly Dictionary<string, int> _chainNodes = [];
    private readonly SearchTuning _tuning;

    public FilterCompiler(SyscallPolicyIr policy, FrequencyTable frequencies, SearchTuning? tuning = null)
    {
        _policy = policy;
        _frequencies = frequencies;
        _tuning = tuning ?? SearchTuning.Default;
        _chains = new RuleChainBuilder(_graph);
        _switches = new SwitchBalancer(_graph);
        _conditions = policy.Rules.Select(r => r.Condition is null ? null : Formula.Lower(r.Condition)).ToArray();
        _names = policy.Rules.Select(r => r.Syscalls.Select(s => s.Name).ToHashSet(StringComparer.Ordinal)).ToArray();
    }

    public BpfInstruction[] Compile(Arch arch)
    {
        var listed = _policy.Architectures;
        var members = arch.Family().Where(listed.Contains).OrderBy(m => m == arch ? 0 : 1).ToList();
        var kill = _graph.Return(SeccompAction.RetKillProcess);
        var audits = members.Select(m => m.AuditArch()).Distinct().ToList();
        var root = kill;
        foreach (var audit in Enumerable.Reverse(audits))
        {
            var dispatch = NumberDispatch.Build(_graph, Ranges(audit, members, arch), _tuning);
            root = _graph.Test(new WordTest(Word.Arch, WordTest.NoMask, TestOp.Eq, audit), dispatch, root);
        }
        return BpfLayout.Lay(_graph, root, arch.IsBigEndian());
    }

    /// <summary>The handling of every number 0..2^32-1 under one AUDIT_ARCH value.</summary>
    private List<NumberRange> Ranges(uint audit, List<Arch> members, Arch own)
    {
        var ranges = new List<NumberRange>();
        foreach (var (member, first, last) in Regions(audit))
        {
            if (!members.Contains(member))
            {
                ranges.Add(new NumberRange(first, last, _graph.Return(SeccompAction.RetKillProcess), 0));
                continue;
            }
            var share = member == own ? 1.0 : ForeignShare;
            var defaultNode = _graph.Return(_policy.DefaultAction.SeccompReturn);
            var entries = SyscallTable.Entries(member).Where(e => e.Number >= first && e.Number <= last).ToList();
            var handled = entries.Select(e => (e.Name, e.Number, Node: ChainNode(e.Name))).ToList();
            var permitted = handled.Count(h => Permits(h.Node));
            var totalShare = entries.Sum(e => _frequencies.Share(e.Name));
            var next = first;
            foreach (var (name, number, node) in handled)
            {
                if (number > next)
                {
                    ranges.Add(new NumberRange(next, number - 1, defaultNode, 0));
                }
                var uniform = Permits(node) && permitted > 0 ? 1.0 / permitted : 0;
                var frequency = totalShare > 0 ? _frequencies.Share(name) / totalShare : 0;
                ranges.Add(new NumberRange(number, number, node, share * (_tuning.UniformShare * uniform + (1 - _tuning.UniformShare) * frequency)));
                next = number + 1;
            }
            if (handled.Count == 0 || next - 1 < last)
            {
                ranges.Add(new NumberRange(next, last, defaultNode, 0));
            }
        }
        return ranges;
    }

    /// <summary>Which architecture's rules govern which numbers. Under AUDIT_ARCH_X86_64 the x32 ABI owns
    /// 0x40000000 and up, except -1 (0xffffffff), which is no x32 call (the kernel runs nothing for it) and,
    /// as in libseccomp, is left to the x86_64 rules, where it gets the default.</summary>
    private static IEnumerable<(Arch Member, uint First, uint Last)> Regions(uint audit) =>
        audit == Arch.X86_64.AuditArch()
            ? [(Arch.X86_64, 0, ArchInfo.X32SyscallBit - 1), (Arch.X32, ArchInfo.X32SyscallBit, uint.MaxValue - 1), (Arch.X86_64, uint.MaxValue, uint.MaxValue)]
            : [(ArchInfo.All.First(a => a.AuditArch() == audit), 0, uint.MaxValue)];

    /// <summary>Whether the syscall can be allowed at all: its handling contains an allow or log return.</summary>
    private bool Permits(int node)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>([node]);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!seen.Add(id))
            {
                continue;
            }
            switch (_graph[id])
            {
                case ReturnNode ret when ret.Value is SeccompAction.RetAllow or SeccompAction.RetLog:
                    return true;
                case TestNode test:
                    stack.Push(test.IfTrue);
                    stack.Push(test.IfFalse);
                    break;
            }
        }
        return false;
    }

    /// <summary>The decision node for one syscall: its rules in order up to the first unconditional one, then the default.</summary>
    private int ChainNode(string name)
    {
        var rules = new List<int>();
        for (var i = 0; i < _policy.Rules.Length; i++)
        {
            if (!_names[i].Contains(name))
            {
                continue;
            }
            rules.Add(i);
            if (_conditions[i] is null)
            {
                break;
            }
        }
        var signature = string.Join(',', rules);
        if (!_chainNodes.TryGetValue(signature, out var node))
        {
            var chain = new RuleChain(
                rules.Select(i => (_conditions[i] ?? Formula.True, _policy.Rules[i].Action.SeccompReturn)).ToList(),
                _policy.DefaultAction.SeccompReturn);
            node = _switches.Rebalance(_chains.Build(chain));
            _chainNodes.Add(signature, node);
        }
        return node;
    }
}
