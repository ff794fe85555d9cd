using Polc.Compiler.Ir;

namespace Polc.Backends.Seccomp.Codegen;

/// <summary>One syscall's handling: the rules that name it, in evaluation order, then the default.</summary>
public sealed record RuleChain(IReadOnlyList<(Formula Condition, uint Return)> Rules, uint Default);

/// <summary>Turns a <see cref="RuleChain"/> into decision nodes: first matching rule wins. Each condition is
/// walked in continuation-passing style (`a &amp;&amp; b`: test a, on true go on to b, on false to the
/// next rule), carrying the <see cref="Facts"/> known on the path so that tests already decided are left
/// out. Memoised on (goal, facts); if a pathological condition makes the fact-carrying walk too big,
/// the chain is rebuilt without facts, which is linear in the size of the conditions.</summary>
public sealed class RuleChainBuilder(DecisionGraph graph)
{
    private const int MemoLimit = 20_000;

    private abstract record Goal;

    private sealed record ReturnGoal(uint Value) : Goal;

    private sealed record RuleGoal(RuleChain Chain, int Index) : Goal;

    private sealed record TestGoal(Formula Formula, Goal IfTrue, Goal IfFalse) : Goal
    {
        // Goals nest as deep as the condition; caching the hash keeps memo lookups from walking them.
        private readonly int _hash = HashCode.Combine(Formula, IfTrue, IfFalse);

        public override int GetHashCode() => _hash;

        public bool Equals(TestGoal? other) =>
            other is not null && _hash == other._hash && ReferenceEquals(Formula, other.Formula) && IfTrue.Equals(other.IfTrue) && IfFalse.Equals(other.IfFalse);
    }

    private readonly Dictionary<(Goal, Facts), int> _memo = [];
    private bool _useFacts;

    public int Build(RuleChain chain)
    {
        _memo.Clear();
        _useFacts = true;
        try
        {
            return Build(new RuleGoal(chain, 0), Facts.None);
        }
        catch (MemoLimitReached)
        {
            _memo.Clear();
            _useFacts = false;
            return Build(new RuleGoal(chain, 0), Facts.None);
        }
    }

    private int Build(Goal goal, Facts facts)
    {
        if (goal is ReturnGoal leaf)
        {
            return graph.Return(leaf.Value);
        }
        var key = (goal, facts);
        if (_memo.TryGetValue(key, out var known))
        {
            return known;
        }
        if (_useFacts && _memo.Count >= MemoLimit)
        {
            throw new MemoLimitReached();
        }
        var node = goal switch
        {
            RuleGoal rule => BuildRule(rule, facts),
            TestGoal test => BuildTest(test, facts),
            _ => throw new ArgumentOutOfRangeException(nameof(goal)),
        };
        _memo[key] = node;
        return node;
    }

    private int BuildRule(RuleGoal goal, Facts facts)
    {
        var rules = goal.Chain.Rules;
        if (goal.Index == rules.Count)
        {
            return graph.Return(goal.Chain.Default);
        }
        var (condition, value) = rules[goal.Index];
        return Build(new TestGoal(condition, new ReturnGoal(value), new RuleGoal(goal.Chain, goal.Index + 1)), facts);
    }

    private int BuildTest(TestGoal goal, Facts facts)
    {
        switch (goal.Formula)
        {
            case Formula.Constant constant:
                return Build(constant.Value ? goal.IfTrue : goal.IfFalse, facts);
            case Formula.Not not:
                return Build(new TestGoal(not.Operand, goal.IfFalse, goal.IfTrue), facts);
            case Formula.Junction { Conjunction: true } all:
                return Build(new TestGoal(all.Head, new TestGoal(all.Rest, goal.IfTrue, goal.IfFalse), goal.IfFalse), facts);
            case Formula.Junction any:
                return Build(new TestGoal(any.Head, goal.IfTrue, new TestGoal(any.Rest, goal.IfTrue, goal.IfFalse)), facts);
            case Formula.Test { WordTest: var test }:
                if (_useFacts && facts.Evaluate(test) is { } decided)
                {
                    return Build(decided ? goal.IfTrue : goal.IfFalse, facts);
                }
                var ifTrue = Build(goal.IfTrue, _useFacts ? facts.With(test, true) : facts);
                var ifFalse = Build(goal.IfFalse, _useFacts ? facts.With(test, false) : facts);
                return graph.Test(test, ifTrue, ifFalse);
            default:
                throw new ArgumentOutOfRangeException(nameof(goal));
        }
    }

    private sealed class MemoLimitReached : Exception;
}
