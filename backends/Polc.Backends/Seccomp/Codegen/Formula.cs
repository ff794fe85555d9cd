using System.Numerics;
using Polc.Compiler.Ir;

namespace Polc.Backends.Seccomp.Codegen;

/// <summary>A condition rewritten over 32-bit word tests. Instances are compared by reference: the
/// decision builder memoises on them, and <see cref="All"/>/<see cref="Any"/> hand out stable tails.</summary>
public abstract class Formula
{
    public static readonly Formula True = new Constant(true);
    public static readonly Formula False = new Constant(false);

    public sealed class Constant(bool value) : Formula
    {
        public bool Value { get; } = value;
    }

    public sealed class Test(WordTest test) : Formula
    {
        public WordTest WordTest { get; } = test;
    }

    public sealed class Not(Formula operand) : Formula
    {
        public Formula Operand { get; } = operand;
    }

    /// <summary>Operands[Start..] joined by `&amp;&amp;` (<see cref="Conjunction"/>) or `||`; at least two of them.</summary>
    public sealed class Junction : Formula
    {
        private readonly Formula[] _operands;
        private readonly int _start;
        private Formula? _rest;

        internal Junction(Formula[] operands, int start, bool conjunction)
        {
            _operands = operands;
            _start = start;
            Conjunction = conjunction;
        }

        public bool Conjunction { get; }

        public Formula Head => _operands[_start];

        /// <summary>Everything after <see cref="Head"/>, the same instance every time.</summary>
        public Formula Rest => _rest ??= _start + 2 == _operands.Length ? _operands[^1] : new Junction(_operands, _start + 1, Conjunction);
    }

    public static Formula All(IEnumerable<Formula> operands) => Join(operands, conjunction: true);

    public static Formula Any(IEnumerable<Formula> operands) => Join(operands, conjunction: false);

    public static Formula Negate(Formula operand) => operand switch
    {
        Constant c => c.Value ? False : True,
        Not n => n.Operand,
        _ => new Not(operand),
    };

    private static Formula Join(IEnumerable<Formula> operands, bool conjunction)
    {
        var list = new List<Formula>();
        foreach (var operand in operands)
        {
            switch (operand)
            {
                case Constant c when c.Value == conjunction:
                    continue;
                case Constant:
                    return conjunction ? False : True;
                default:
                    list.Add(operand);
                    break;
            }
        }
        return list.Count switch
        {
            0 => conjunction ? True : False,
            1 => list[0],
            _ => new Junction([.. list], 0, conjunction),
        };
    }

    /// <summary>The condition as word tests: a 64-bit comparison splits into the high word, then the low word.</summary>
    public static Formula Lower(ConditionIr condition) => condition switch
    {
        AndConditionIr all => All(all.Operands.Select(Lower)),
        OrConditionIr any => Any(any.Operands.Select(Lower)),
        NotConditionIr not => Negate(Lower(not.Operand)),
        CompareConditionIr compare => Compare(compare.Arg, compare.Mask, compare.Op, compare.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(condition)),
    };

    private static Formula Compare(int arg, ulong mask, CompareOp op, ulong value)
    {
        var high = new Word(WordKind.ArgHigh, arg);
        var low = new Word(WordKind.ArgLow, arg);
        var (maskHigh, maskLow) = ((uint)(mask >> 32), (uint)mask);
        var (valueHigh, valueLow) = ((uint)(value >> 32), (uint)value);
        var highEqual = WordEquals(high, maskHigh, valueHigh);
        var highAbove = WordAbove(high, maskHigh, valueHigh);
        return op switch
        {
            CompareOp.Eq => All([highEqual, WordEquals(low, maskLow, valueLow)]),
            CompareOp.Ne => Negate(All([highEqual, WordEquals(low, maskLow, valueLow)])),
            CompareOp.Gt => Any([highAbove, All([highEqual, WordAbove(low, maskLow, valueLow)])]),
            CompareOp.Ge => Any([highAbove, All([highEqual, WordAtLeast(low, maskLow, valueLow)])]),
            CompareOp.Lt => Negate(Any([highAbove, All([highEqual, WordAtLeast(low, maskLow, valueLow)])])),
            CompareOp.Le => Negate(Any([highAbove, All([highEqual, WordAbove(low, maskLow, valueLow)])])),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    /// <summary>(word &amp; mask) == value in the fewest instructions: `jeq`, `jset` (no `and`), or `and; jeq`.</summary>
    private static Formula WordEquals(Word word, uint mask, uint value)
    {
        if ((value & ~mask) != 0)
        {
            return False;
        }
        if (mask == 0)
        {
            return True;
        }
        if (mask == WordTest.NoMask)
        {
            return new Test(new WordTest(word, WordTest.NoMask, TestOp.Eq, value));
        }
        if (value == 0)
        {
            return Negate(new Test(new WordTest(word, WordTest.NoMask, TestOp.Set, mask)));
        }
        if (value == mask && BitOperations.PopCount(mask) == 1)
        {
            return new Test(new WordTest(word, WordTest.NoMask, TestOp.Set, mask));
        }
        return new Test(new WordTest(word, mask, TestOp.Eq, value));
    }

    private static Formula WordAbove(Word word, uint mask, uint value)
    {
        if (value >= mask)
        {
            return False;
        }
        if (value == 0 && mask != WordTest.NoMask)
        {
            return new Test(new WordTest(word, WordTest.NoMask, TestOp.Set, mask));
        }
        return new Test(new WordTest(word, mask, TestOp.Gt, value));
    }

    private static Formula WordAtLeast(Word word, uint mask, uint value) => value == 0 ? True : WordAbove(word, mask, value - 1);
}
