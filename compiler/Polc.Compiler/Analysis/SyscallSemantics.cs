using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Compiler.Analysis;

/// <summary>One rule's mention of a syscall; a chain lists them in evaluation order.</summary>
public sealed record ChainEntry(int RuleIndex, SyscallRuleIr Rule, SyscallRefIr Reference);

/// <summary>
/// The meaning of syscall rules as decision diagrams: for one architecture and syscall number, the
/// first-match chain of (condition, action) with the default last becomes one diagram whose leaves
/// are actions. Diagrams built by one instance share nodes, so equal behaviour means equal node ids.
/// </summary>
public sealed class SyscallSemantics
{
    private const int FirstActionLeaf = 2;

    private readonly Dictionary<SeccompAction, int> _leafOf = [];
    private readonly List<SeccompAction> _actions = [];
    private readonly Dictionary<ConditionIr, int> _conditions = new(ReferenceEqualityComparer.Instance);

    public DecisionDiagram Diagram { get; } = new();

    /// <summary>The rules naming each syscall number of <paramref name="arch"/>, in evaluation order.
    /// Names unknown on the architecture are skipped (as the compiled filter skips them); a syscall
    /// listed twice in one rule counts once.</summary>
    public static SortedDictionary<uint, List<ChainEntry>> Chains(SyscallPolicyIr syscalls, Arch arch)
    {
        var chains = new SortedDictionary<uint, List<ChainEntry>>();
        for (var i = 0; i < syscalls.Rules.Length; i++)
        {
            var rule = syscalls.Rules[i];
            var seen = new HashSet<uint>();
            foreach (var reference in rule.Syscalls)
            {
                if (!SyscallTable.TryGetNumber(arch, reference.Name, out var number) || !seen.Add(number))
                {
                    continue;
                }
                if (!chains.TryGetValue(number, out var chain))
                {
                    chains[number] = chain = [];
                }
                chain.Add(new ChainEntry(i, rule, reference));
            }
        }
        return chains;
    }

    /// <summary>The condition of a rule as a boolean diagram; no condition is true.</summary>
    public int Condition(ConditionIr? condition)
    {
        if (condition is null)
        {
            return Diagram.True;
        }
        if (_conditions.TryGetValue(condition, out var cached))
        {
            return cached;
        }
        var result = condition switch
        {
            AndConditionIr all => all.Operands.Aggregate(Diagram.True, (acc, o) => Diagram.And(acc, Condition(o))),
            OrConditionIr any => any.Operands.Aggregate(Diagram.False, (acc, o) => Diagram.Or(acc, Condition(o))),
            NotConditionIr negated => Diagram.Not(Condition(negated.Operand)),
            CompareConditionIr compare => Diagram.Compare(compare.Arg, compare.Mask, compare.Op, compare.Value),
            _ => throw new ArgumentOutOfRangeException(nameof(condition)),
        };
        _conditions[condition] = result;
        return result;
    }

    public int ActionLeaf(SeccompAction action)
    {
        if (!_leafOf.TryGetValue(action, out var index))
        {
            index = _actions.Count;
            _actions.Add(action);
            _leafOf[action] = index;
        }
        return Diagram.Leaf(FirstActionLeaf + index);
    }

    public SeccompAction ActionOf(int leafValue) => _actions[leafValue - FirstActionLeaf];

    /// <summary>The whole decision for one syscall: the first rule whose condition holds, else the default.</summary>
    public int Decision(IReadOnlyList<ChainEntry> chain, SeccompAction defaultAction)
    {
        var decision = ActionLeaf(defaultAction);
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            decision = Diagram.Ite(Condition(chain[i].Rule.Condition), ActionLeaf(chain[i].Rule.Action), decision);
        }
        return decision;
    }

    /// <summary>Where a decision runs the syscall in the kernel (allow or log), as a condition.</summary>
    public int Executes(int decision) =>
        Diagram.Where(decision, leaf => leaf >= FirstActionLeaf && ActionOf(leaf).Kind is SeccompActionKind.Allow or SeccompActionKind.Log);
}
