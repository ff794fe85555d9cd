namespace Polc.Backends.Seccomp.Codegen;

/// <summary>A run of syscall numbers [First, Last] that all lead to <see cref="Node"/>.</summary>
public sealed record NumberRange(uint First, uint Last, int Node, double Weight);

/// <summary>How the search over syscall numbers is shaped.</summary>
/// <param name="UniformShare">the weight of "every syscall that can be allowed counts the same" against the frequency table's weight.</param>
/// <param name="FloorShare">added to every range's weight, as a share of the total, so that rarely used ranges do not sink too deep.</param>
/// <param name="MaxChain">the most single numbers one `jeq` chain may peel off.</param>
/// <param name="SizeCost">the cost of one instruction in the filter, in units of executed instructions (a tie-breaker towards shorter filters).</param>
/// <param name="WorstCaseCost">what shortening the longest path by one instruction is worth, in executed instructions on average.</param>
public sealed record SearchTuning(double UniformShare = 0.3, double FloorShare = 0.1, int MaxChain = 4, double SizeCost = 0.001, double WorstCaseCost = 0.05)
{
    public static SearchTuning Default { get; } = new();
}

/// <summary>
/// The search over syscall numbers. Numbers with the same handling are merged into ranges; the ranges
/// are then split by an optimal weighted binary search tree (`jge K` nodes, cost = Σ weight × depth),
/// where an interval may instead be a short chain of `jeq K` tests peeling off single numbers from one
/// common handling (one denied syscall amid allowed ones costs one `jeq` instead of two splits).
/// The tree is also length-limited: for each bound on the longest path (tests above a range plus the
/// longest path through its own handling, e.g. argument checks) the cheapest tree within it is found
/// (memoised, and falling back to the unbounded optimum wherever the bound does not bind), and the bound
/// is chosen to minimise the weighted cost plus <see cref="SearchTuning.WorstCaseCost"/> per step.
/// </summary>
public static class NumberDispatch
{
    /// <summary>Above this many ranges only the unbounded tree is built, to keep compile time in check.</summary>
    private const int BoundedLimit = 128;

    /// <param name="ranges">sorted, contiguous, covering 0..uint.MaxValue.</param>
    /// <returns>the root node of the search.</returns>
    public static int Build(DecisionGraph graph, IReadOnlyList<NumberRange> ranges, SearchTuning tuning)
    {
        var merged = Merge(ranges);
        var solver = new Solver(graph, merged, tuning);
        return solver.Emit(solver.Solve(), 0, merged.Count - 1);
    }

    private static List<NumberRange> Merge(IReadOnlyList<NumberRange> ranges)
    {
        var merged = new List<NumberRange>();
        foreach (var range in ranges)
        {
            if (merged.Count > 0 && merged[^1].Node == range.Node && merged[^1].Last + 1 == range.First)
            {
                merged[^1] = merged[^1] with { Last = range.Last, Weight = merged[^1].Weight + range.Weight };
            }
            else
            {
                merged.Add(range);
            }
        }
        return merged;
    }

    /// <summary>How an interval of ranges is searched: split before range <see cref="Split"/>+1, or a `jeq` chain
    /// over <see cref="Base"/> (then <see cref="Split"/> is -1).</summary>
    private readonly record struct Choice(int Split, int Base);

    /// <summary>A `jeq` chain for an interval: its cost and the bound it needs.</summary>
    private readonly record struct Chain(double Cost, int Base, int Needs);

    private sealed class Solver
    {
        private readonly DecisionGraph _graph;
        private readonly List<NumberRange> _ranges;
        private readonly SearchTuning _tuning;
        private readonly double[] _weight;
        private readonly double[] _prefix;
        private readonly int[] _extra;
        private readonly Chain[]?[,] _chains;
        private readonly double[,] _freeCost;
        private readonly Choice[,] _freeChoice;
        private readonly int[,] _freeDepth;
        private readonly (double Cost, Choice Choice)?[,][] _bounded;

        public Solver(DecisionGraph graph, List<NumberRange> ranges, SearchTuning tuning)
        {
            _graph = graph;
            _ranges = ranges;
            _tuning = tuning;
            var n = ranges.Count;
            var total = ranges.Sum(r => r.Weight);
            var floor = total > 0 ? tuning.FloorShare * total / n : 1.0 / n;
            _weight = ranges.Select(r => r.Weight + floor).ToArray();
            _prefix = new double[n + 1];
            for (var i = 0; i < n; i++)
            {
                _prefix[i + 1] = _prefix[i] + _weight[i];
            }
            var depths = new Dictionary<(int, Word, uint), int>();
            _extra = ranges.Select(r => HandlingDepth(r.Node, Word.Nr, WordTest.NoMask, depths)).ToArray();
            _chains = new Chain[]?[n, n];
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n && j - i <= 2 * tuning.MaxChain; j++)
                {
                    _chains[i, j] = Chains(i, j);
                }
            }
            (_freeCost, _freeChoice, _freeDepth) = SolveUnbounded();
            _bounded = new (double, Choice)?[n, n][];
        }

        /// <summary>The bound on the longest path to emit with: the one minimising cost plus
        /// <see cref="SearchTuning.WorstCaseCost"/> per step; null (unbounded) for many ranges.</summary>
        public int? Solve()
        {
            var n = _ranges.Count;
            if (n > BoundedLimit)
            {
                return null;
            }
            var penalty = _tuning.WorstCaseCost * _prefix[n];
            var lowest = _extra.Max();
            int? best = null;
            var bestScore = double.PositiveInfinity;
            // Tighter bounds only cost more, and no bound scores below cost + penalty × lowest, so walking down
            // from the unbounded tree's longest path can stop as soon as that floor reaches the best score.
            for (var bound = _freeDepth[0, n - 1]; bound >= lowest; bound--)
            {
                var cost = Cost(0, n - 1, bound).Cost;
                if (cost + penalty * lowest >= bestScore)
                {
                    break;
                }
                if (cost + penalty * bound < bestScore)
                {
                    (best, bestScore) = (bound, cost + penalty * bound);
                }
            }
            return best;
        }

        /// <summary>The optimal tree without a bound, by the classic cubic programme; also the longest path of each interval's tree.</summary>
        private (double[,] Cost, Choice[,] Choice, int[,] Depth) SolveUnbounded()
        {
            var n = _ranges.Count;
            var cost = new double[n, n];
            var choice = new Choice[n, n];
            var depth = new int[n, n];
            for (var i = 0; i < n; i++)
            {
                depth[i, i] = _extra[i];
            }
            for (var length = 2; length <= n; length++)
            {
                for (var i = 0; i + length <= n; i++)
                {
                    var j = i + length - 1;
                    var best = double.PositiveInfinity;
                    var how = default(Choice);
                    for (var k = i; k < j; k++)
                    {
                        var c = cost[i, k] + cost[k + 1, j];
                        if (c < best)
                        {
                            (best, how) = (c, new Choice(k, -1));
                        }
                    }
                    best += _prefix[j + 1] - _prefix[i] + _tuning.SizeCost;
                    var longest = 1 + Math.Max(depth[i, how.Split], depth[how.Split + 1, j]);
                    foreach (var chain in _chains[i, j] ?? [])
                    {
                        if (chain.Cost < best)
                        {
                            (best, how, longest) = (chain.Cost, new Choice(-1, chain.Base), chain.Needs);
                        }
                    }
                    (cost[i, j], choice[i, j], depth[i, j]) = (best, how, longest);
                }
            }
            return (cost, choice, depth);
        }

        /// <summary>The cheapest tree for ranges i..j whose longest path is at most <paramref name="bound"/>; memoised, and
        /// the unbounded optimum wherever the bound does not bind.</summary>
        private (double Cost, Choice Choice) Cost(int i, int j, int bound)
        {
            if (bound >= _freeDepth[i, j])
            {
                return (_freeCost[i, j], _freeChoice[i, j]);
            }
            if (i == j || bound <= 0)
            {
                return (double.PositiveInfinity, default);
            }
            var memo = _bounded[i, j] ??= new (double, Choice)?[_freeDepth[i, j]];
            if (memo[bound] is { } known)
            {
                return known;
            }
            var best = double.PositiveInfinity;
            var how = default(Choice);
            for (var k = i; k < j; k++)
            {
                // A bounded tree never costs less than the unbounded one, so a split whose left side plus the right
                // side's unbounded cost already reaches the best cannot win: skipping it changes nothing but time.
                if (_freeCost[i, k] + _freeCost[k + 1, j] >= best)
                {
                    continue;
                }
                var left = Cost(i, k, bound - 1).Cost;
                if (left + _freeCost[k + 1, j] >= best)
                {
                    continue;
                }
                var c = left + Cost(k + 1, j, bound - 1).Cost;
                if (c < best)
                {
                    (best, how) = (c, new Choice(k, -1));
                }
            }
            best += _prefix[j + 1] - _prefix[i] + _tuning.SizeCost;
            foreach (var chain in _chains[i, j] ?? [])
            {
                if (chain.Needs <= bound && chain.Cost < best)
                {
                    (best, how) = (chain.Cost, new Choice(-1, chain.Base));
                }
            }
            memo[bound] = (best, how);
            return (best, how);
        }

        /// <summary>Every way to search ranges i..j as one base handling with single-number exceptions tested by `jeq`, heaviest first.</summary>
        private Chain[]? Chains(int i, int j)
        {
            List<Chain>? chains = null;
            for (var b = i; b <= j; b++)
            {
                var baseNode = _ranges[b].Node;
                var seenBefore = false;
                for (var k = i; k < b && !seenBefore; k++)
                {
                    seenBefore = _ranges[k].Node == baseNode;
                }
                if (seenBefore || Exceptions(i, j, baseNode) is not { } exceptions)
                {
                    continue;
                }
                double baseWeight = 0, cost = 0;
                var needs = 0;
                for (var k = i; k <= j; k++)
                {
                    if (_ranges[k].Node == baseNode)
                    {
                        baseWeight += _weight[k];
                        needs = Math.Max(needs, exceptions.Count + _extra[k]);
                    }
                }
                for (var p = 0; p < exceptions.Count; p++)
                {
                    cost += _weight[exceptions[p]] * (p + 1);
                    needs = Math.Max(needs, p + 1 + _extra[exceptions[p]]);
                }
                cost += (baseWeight + _tuning.SizeCost) * exceptions.Count;
                (chains ??= []).Add(new Chain(cost, baseNode, needs));
            }
            return chains?.ToArray();
        }

        /// <summary>The ranges of i..j not handled by <paramref name="baseNode"/>, heaviest first, or null if they are not all single numbers or too many.</summary>
        private List<int>? Exceptions(int i, int j, int baseNode)
        {
            var exceptions = new List<int>();
            for (var k = i; k <= j; k++)
            {
                if (_ranges[k].Node == baseNode)
                {
                    continue;
                }
                if (exceptions.Count == _tuning.MaxChain || _ranges[k].First != _ranges[k].Last)
                {
                    return null;
                }
                exceptions.Add(k);
            }
            exceptions.Sort((a, b) => _weight[a] != _weight[b] ? _weight[b].CompareTo(_weight[a]) : a.CompareTo(b));
            return exceptions.Count == 0 ? null : exceptions;
        }

        /// <summary>The search for ranges i..j as decision nodes, within <paramref name="bound"/> (null: unbounded).</summary>
        public int Emit(int? bound, int i, int j)
        {
            if (i == j)
            {
                return _ranges[i].Node;
            }
            var how = bound is { } b ? Cost(i, j, b).Choice : _freeChoice[i, j];
            if (how.Split >= 0)
            {
                var next = bound - 1;
                var below = Emit(next, i, how.Split);
                var above = Emit(next, how.Split + 1, j);
                return _graph.Test(new WordTest(Word.Nr, WordTest.NoMask, TestOp.Ge, _ranges[how.Split + 1].First), above, below);
            }
            var exceptions = Exceptions(i, j, how.Base)!;
            var node = how.Base;
            for (var e = exceptions.Count - 1; e >= 0; e--)
            {
                var range = _ranges[exceptions[e]];
                node = _graph.Test(new WordTest(Word.Nr, WordTest.NoMask, TestOp.Eq, range.First), range.Node, node);
            }
            return node;
        }

        /// <summary>The longest path, in instructions, through a syscall's own handling (argument loads, `and`s and tests), entered with <paramref name="word"/>&amp;<paramref name="mask"/> in A.</summary>
        private int HandlingDepth(int node, Word word, uint mask, Dictionary<(int, Word, uint), int> memo)
        {
            if (_graph[node] is not TestNode test)
            {
                return 0;
            }
            if (memo.TryGetValue((node, word, mask), out var known))
            {
                return known;
            }
            var (heldWord, heldMask) = test.Test.Accumulator;
            var setup = word != test.Test.Word ? (test.Test.HasMask ? 2 : 1)
                : mask == heldMask ? 0
                : mask == WordTest.NoMask ? 1 : 2;
            var depth = 1 + setup + Math.Max(HandlingDepth(test.IfTrue, heldWord, heldMask, memo), HandlingDepth(test.IfFalse, heldWord, heldMask, memo));
            memo[(node, word, mask)] = depth;
            return depth;
        }
    }
}
