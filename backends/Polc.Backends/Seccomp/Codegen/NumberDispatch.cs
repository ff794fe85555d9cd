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
/// The tree is also length-limited: the dynamic programme is run for each bound on the longest path
/// (tests above a range plus the longest path through its own handling, e.g. argument checks), and the
/// bound is chosen to minimise the weighted cost plus <see cref="SearchTuning.WorstCaseCost"/> per step
/// of the bound. Each bound costs one cubic pass over the ranges (a few hundred at most).
/// </summary>
public static class NumberDispatch
{
    /// <summary>Above this many ranges only the unbounded tree is built, to keep compile time in check.</summary>
    private const int BoundedLimit = 256;

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

    /// <summary>How an interval of ranges is searched: split before range <see cref="Split"/>+1, or a `jeq` chain over a base node.</summary>
    private readonly record struct Choice(int Split, int Base);

    /// <summary>One pass of the programme under one bound: costs and choices per interval.</summary>
    private sealed record Layer(int Bound, double[,] Cost, Choice[,] Choice, Layer? Below);

    private sealed class Solver
    {
        private readonly DecisionGraph _graph;
        private readonly List<NumberRange> _ranges;
        private readonly SearchTuning _tuning;
        private readonly double[] _weight;
        private readonly double[] _prefix;
        private readonly int[] _extra;

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
        }

        /// <summary>The layer to emit: unbounded when there are many ranges, else the best bound.</summary>
        public Layer Solve()
        {
            var n = _ranges.Count;
            var unbounded = Pass(int.MaxValue, null);
            if (n > BoundedLimit)
            {
                return unbounded;
            }
            var penalty = _tuning.WorstCaseCost * _prefix[n];
            var floor = unbounded.Cost[0, n - 1];
            Layer? best = null;
            var bestScore = double.PositiveInfinity;
            Layer? below = null;
            for (var bound = 0; floor + penalty * bound < bestScore; bound++)
            {
                below = Pass(bound, below);
                var score = below.Cost[0, n - 1] + penalty * bound;
                if (score < bestScore)
                {
                    (best, bestScore) = (below, score);
                }
            }
            return best ?? unbounded;
        }

        /// <summary>Costs of every interval when no range may be more than <paramref name="bound"/> instructions below
        /// the interval's root; <paramref name="below"/> is the pass for bound - 1 (null: bound is 0, or unbounded).</summary>
        private Layer Pass(int bound, Layer? below)
        {
            var n = _ranges.Count;
            var cost = new double[n, n];
            var choice = new Choice[n, n];
            var unbounded = bound == int.MaxValue;
            var children = unbounded ? cost : below?.Cost;
            for (var i = 0; i < n; i++)
            {
                cost[i, i] = _extra[i] <= bound ? 0 : double.PositiveInfinity;
            }
            for (var length = 2; length <= n; length++)
            {
                for (var i = 0; i + length <= n; i++)
                {
                    var j = i + length - 1;
                    var best = double.PositiveInfinity;
                    var how = default(Choice);
                    if (children is not null)
                    {
                        for (var k = i; k < j; k++)
                        {
                            var c = children[i, k] + children[k + 1, j];
                            if (c < best)
                            {
                                (best, how) = (c, new Choice(k, -1));
                            }
                        }
                        best += _prefix[j + 1] - _prefix[i] + _tuning.SizeCost;
                    }
                    if (length <= 2 * _tuning.MaxChain + 1 && BestChain(i, j, bound) is { } chain && chain.Cost < best)
                    {
                        (best, how) = (chain.Cost, new Choice(-1, chain.Base));
                    }
                    cost[i, j] = best;
                    choice[i, j] = how;
                }
            }
            return new Layer(bound, cost, choice, unbounded ? null : below);
        }

        /// <summary>Ranges i..j as a base handling with single-number exceptions tested by `jeq`, heaviest first.</summary>
        private (double Cost, int Base)? BestChain(int i, int j, int bound)
        {
            (double Cost, int Base)? best = null;
            foreach (var baseNode in Enumerable.Range(i, j - i + 1).Select(k => _ranges[k].Node).Distinct())
            {
                var exceptions = Exceptions(i, j, baseNode);
                if (exceptions is null)
                {
                    continue;
                }
                var baseRanges = Enumerable.Range(i, j - i + 1).Where(k => _ranges[k].Node == baseNode).ToList();
                var fits = baseRanges.All(k => exceptions.Count + _extra[k] <= bound)
                    && exceptions.Select((k, p) => p + 1 + _extra[k]).All(d => d <= bound);
                if (!fits)
                {
                    continue;
                }
                var cost = baseRanges.Sum(k => _weight[k]) * exceptions.Count
                    + exceptions.Select((k, p) => _weight[k] * (p + 1)).Sum()
                    + _tuning.SizeCost * exceptions.Count;
                if (best is null || cost < best.Value.Cost)
                {
                    best = (cost, baseNode);
                }
            }
            return best;
        }

        /// <summary>The ranges of i..j not handled by <paramref name="baseNode"/>, heaviest first, or null if they are not all single numbers or too many.</summary>
        private List<int>? Exceptions(int i, int j, int baseNode)
        {
            var exceptions = Enumerable.Range(i, j - i + 1).Where(k => _ranges[k].Node != baseNode).ToList();
            if (exceptions.Count > _tuning.MaxChain || exceptions.Any(k => _ranges[k].First != _ranges[k].Last))
            {
                return null;
            }
            return exceptions.OrderByDescending(k => _weight[k]).ThenBy(k => k).ToList();
        }

        public int Emit(Layer layer, int i, int j)
        {
            if (i == j)
            {
                return _ranges[i].Node;
            }
            var how = layer.Choice[i, j];
            if (how.Split >= 0)
            {
                var next = layer.Below ?? layer;
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
