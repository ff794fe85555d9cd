using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

/// <summary>Conditions to IR: `in [..]` expanded, constants folded, and comparisons that can never hold flagged.</summary>
internal sealed partial class ConditionBinder(DiagnosticBag diagnostics, ValueBinder values)
{
    private static readonly string[] ArgumentNames = ["arg0", "arg1", "arg2", "arg3", "arg4", "arg5"];

    public ConditionIr? Bind(ConditionSyntax condition)
    {
        switch (condition)
        {
            case OrConditionSyntax any:
                var anyOf = any.Operands.Select(Bind).ToList();
                return anyOf.Any(c => c is null) ? null : new OrConditionIr([.. anyOf!], any.Span);
            case AndConditionSyntax all:
                var allOf = all.Operands.Select(Bind).ToList();
                return allOf.Any(c => c is null) ? null : new AndConditionIr([.. allOf!], all.Span);
            case NotConditionSyntax negated:
                return Bind(negated.Operand) is { } inner ? new NotConditionIr(inner, negated.Span) : null;
            case CompareConditionSyntax compare:
                return BindCompare(compare.Left, Operator(compare.Operator), compare.Right, compare.Span);
            case MembershipConditionSyntax membership:
                var alternatives = membership.Values
                    .Select(v => BindCompare(membership.Left, membership.Negated ? CompareOp.Ne : CompareOp.Eq, v, v.Span))
                    .ToList();
                if (alternatives.Any(a => a is null))
                {
                    return null;
                }
                ImmutableArray<ConditionIr> operands = [.. alternatives!];
                return membership.Negated ? new AndConditionIr(operands, membership.Span) : new OrConditionIr(operands, membership.Span);
            default:
                throw new ArgumentOutOfRangeException(nameof(condition));
        }
    }

    private CompareConditionIr? BindCompare(OperandSyntax left, CompareOp op, ValueSyntax right, SourceSpan span)
    {
        var argument = ArgumentIndex(left.Argument, right);
        if (argument is null)
        {
            return null;
        }
        var mask = left.Mask is { } m ? values.Constant(m) : CompareConditionIr.NoMask;
        var value = values.Constant(right);
        if (mask is null || value is null)
        {
            return null;
        }
        if (left.Mask is not null && (value.Value & ~mask.Value) != 0 && op == CompareOp.Eq)
        {
            diagnostics.Add(DiagnosticCatalog.ConditionNeverTrue(span, $"`{left.Span.Text}` clears bits that `{right.Span.Text}` sets"));
        }
        return new CompareConditionIr(argument.Value, mask.Value, op, value.Value, span);
    }

    private int? ArgumentIndex(WordSyntax word, ValueSyntax right)
    {
        var index = Array.IndexOf(ArgumentNames, word.Text);
        if (index >= 0)
        {
            return index;
        }
        if (ArgLike().IsMatch(word.Text) || SpellChecker.Suggest(word.Text, ArgumentNames) is not null)
        {
            diagnostics.Add(DiagnosticCatalog.UnknownArgument(word.Span, word.Text, SpellChecker.Suggest(word.Text, ArgumentNames)));
        }
        else
        {
            var reversed = right is NameValueSyntax { Name: var name } && ArgumentNames.Contains(name) ? name : null;
            diagnostics.Add(DiagnosticCatalog.LeftSideNotArgument(word.Span, word.Text, reversed));
        }
        return null;
    }

    private static CompareOp Operator(string text) => text switch
    {
        "==" => CompareOp.Eq,
        "!=" => CompareOp.Ne,
        "<" => CompareOp.Lt,
        "<=" => CompareOp.Le,
        ">" => CompareOp.Gt,
        ">=" => CompareOp.Ge,
        _ => throw new ArgumentOutOfRangeException(nameof(text)),
    };

    [GeneratedRegex("^arg[0-9]+$")]
    private static partial Regex ArgLike();
}
