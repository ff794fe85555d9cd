using System.Collections.Immutable;
using Polc.Compiler.Text;

namespace Polc.Compiler.Ir;

/// <summary>A condition over the six 64-bit syscall arguments. `in [..]` is already
/// expanded into `==` alternatives and named constants into numbers.</summary>
public abstract record ConditionIr(SourceSpan Span);

public sealed record AndConditionIr(ImmutableArray<ConditionIr> Operands, SourceSpan Span) : ConditionIr(Span);

public sealed record OrConditionIr(ImmutableArray<ConditionIr> Operands, SourceSpan Span) : ConditionIr(Span);

public sealed record NotConditionIr(ConditionIr Operand, SourceSpan Span) : ConditionIr(Span);

/// <summary>`(arg[Arg] &amp; Mask) OP Value`; Mask is all ones when none was written.</summary>
public sealed record CompareConditionIr(int Arg, ulong Mask, CompareOp Op, ulong Value, SourceSpan Span) : ConditionIr(Span)
{
    public const ulong NoMask = ulong.MaxValue;

    public bool HasMask => Mask != NoMask;

    public bool Holds(ulong argument)
    {
        var left = argument & Mask;
        return Op switch
        {
            CompareOp.Eq => left == Value,
            CompareOp.Ne => left != Value,
            CompareOp.Lt => left < Value,
            CompareOp.Le => left <= Value,
            CompareOp.Gt => left > Value,
            CompareOp.Ge => left >= Value,
            _ => throw new ArgumentOutOfRangeException(nameof(Op)),
        };
    }
}

public enum CompareOp
{
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

public static class ConditionEvaluator
{
    /// <summary>The reference semantics of a condition, used to check every compiled form against.</summary>
    public static bool Holds(this ConditionIr condition, IReadOnlyList<ulong> args) => condition switch
    {
        AndConditionIr all => all.Operands.All(o => o.Holds(args)),
        OrConditionIr any => any.Operands.Any(o => o.Holds(args)),
        NotConditionIr negated => !negated.Operand.Holds(args),
        CompareConditionIr compare => compare.Holds(compare.Arg < args.Count ? args[compare.Arg] : 0),
        _ => throw new ArgumentOutOfRangeException(nameof(condition)),
    };

    public static string Symbol(this CompareOp op) => op switch
    {
        CompareOp.Eq => "==",
        CompareOp.Ne => "!=",
        CompareOp.Lt => "<",
        CompareOp.Le => "<=",
        CompareOp.Gt => ">",
        CompareOp.Ge => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };
}
