using System.Globalization;
using System.Text;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Syntax.Generated;
using Polc.Compiler.Text;
using P = Polc.Compiler.Syntax.Generated.PolcParser;

namespace Polc.Compiler.Syntax;

/// <summary>Turns ANTLR's parse tree into immutable syntax records with spans.</summary>
internal sealed class SyntaxBuilder(SourceText source, List<Diagnostic> diagnostics)
{
    public FileSyntax BuildFile(P.FileContext context)
    {
        var policies = new List<PolicySyntax>();
        var groups = new List<GroupDeclarationSyntax>();
        foreach (var top in context.topLevel())
        {
            if (top.policyDecl() is { } policy)
            {
                policies.Add(BuildPolicy(policy));
            }
            else if (top.groupDecl() is { } group)
            {
                groups.Add(BuildGroup(group));
            }
        }
        return new FileSyntax(source, policies, groups, SpanOf(context));
    }

    private PolicySyntax BuildPolicy(P.PolicyDeclContext context)
    {
        var bases = context.baseRef().Select(b => b.STRING() is { } text
            ? new BaseReferenceSyntax(Unquote(text.Symbol), true, SpanOf(b))
            : new BaseReferenceSyntax(b.word().GetText(), false, SpanOf(b))).ToList();
        var sections = new List<SectionSyntax>();
        var statements = new List<StatementSyntax>();
        foreach (var item in context.body().bodyItem())
        {
            if (item.groupDecl() is { } misplaced)
            {
                diagnostics.Add(DiagnosticCatalog.GroupInsidePolicy(SpanOf(misplaced.GROUP().Symbol)));
            }
            else if (item.section() is { } section)
            {
                sections.Add(BuildSection(section));
            }
            else if (item.statement() is { } statement)
            {
                statements.Add(BuildStatement(statement));
            }
        }
        return new PolicySyntax(Word(context.word()), bases, sections, statements, SpanOf(context));
    }

    private SectionSyntax BuildSection(P.SectionContext section)
    {
        var statements = new List<StatementSyntax>();
        foreach (var item in section.sectionBody().sectionItem())
        {
            if (item.section() is { } nested)
            {
                diagnostics.Add(DiagnosticCatalog.NestedSection(SpanOf(nested.word()), nested.word().GetText(), section.word().GetText()));
                continue;
            }
            statements.Add(BuildStatement(item.statement()));
        }
        return new SectionSyntax(Word(section.word()), statements, SpanOf(section));
    }

    private GroupDeclarationSyntax BuildGroup(P.GroupDeclContext context)
    {
        var name = new WordSyntax(context.GROUP_NAME().GetText(), SpanOf(context.GROUP_NAME().Symbol));
        var members = context.groupMember()
            .Select(m => m.GROUP_NAME() is { } g ? new WordSyntax(g.GetText(), SpanOf(g.Symbol)) : Word(m.word()))
            .ToList();
        return new GroupDeclarationSyntax(name, members, SpanOf(context));
    }

    private StatementSyntax BuildStatement(P.StatementContext context)
    {
        var arguments = new List<ArgumentSyntax>();
        var comma = false;
        foreach (var item in context.statementItem())
        {
            if (item.COMMA() is not null)
            {
                comma = true;
                continue;
            }
            arguments.Add(BuildArgument(item.argument(), comma));
            comma = false;
        }
        var condition = context.condition() is { } c ? BuildOr(c.orCondition()) : null;
        return new StatementSyntax(Word(context.word()), arguments, condition, SpanOf(context));
    }

    private ArgumentSyntax BuildArgument(P.ArgumentContext context, bool comma)
    {
        var span = SpanOf(context);
        switch (context)
        {
            case P.CallArgumentContext call:
                return new CallArgument(Word(call.word()), call.valueExpr().Select(BuildValue).ToList(), comma, span);
            case P.WordArgumentContext word:
                return new WordArgument(word.GetText(), comma, span);
            case P.NumberArgumentContext number:
                return new NumberArgument(ParseInteger(number.NUMBER().Symbol), comma, span);
            case P.DecimalArgumentContext dec:
                return new DecimalArgument(ParseDecimal(dec.DECIMAL().Symbol), comma, span);
            case P.SizeArgumentContext size:
                return BuildSize(size.SIZE().Symbol, comma);
            case P.RangeArgumentContext range:
                return BuildRange(range.RANGE().Symbol, comma);
            case P.StringArgumentContext str:
                return new StringArgument(Unquote(str.STRING().Symbol), comma, span);
            case P.GroupArgumentContext group:
                return new GroupArgument(group.GetText(), comma, span);
            case P.ArrowArgumentContext:
                return new ArrowArgument(comma, span);
            case P.ListArgumentContext list:
                return new ListArgument(list.valueList().valueExpr().Select(BuildValue).ToList(), comma, span);
            default:
                throw new InvalidOperationException($"unhandled argument form {context.GetType().Name}");
        }
    }

    private SizeArgument BuildSize(IToken token, bool comma)
    {
        var text = token.Text;
        var isRate = text.EndsWith("/s", StringComparison.Ordinal);
        var body = isRate ? text[..^2] : text;
        var unitStart = 0;
        while (unitStart < body.Length && (char.IsAsciiDigit(body[unitStart]) || body[unitStart] is '.' or '_'))
        {
            unitStart++;
        }
        var magnitude = decimal.TryParse(body[..unitStart].Replace("_", ""), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var m) ? m : 0;
        return new SizeArgument(magnitude, body[unitStart..], isRate, comma, SpanOf(token));
    }

    private RangeArgument BuildRange(IToken token, bool comma)
    {
        var parts = token.Text.Split('-');
        var from = ParseDigits(parts[0], 10, token) ?? 0;
        var to = ParseDigits(parts[1], 10, token) ?? 0;
        return new RangeArgument(from, to, comma, SpanOf(token));
    }

    // ---- conditions ----

    private ConditionSyntax BuildOr(P.OrConditionContext context)
    {
        var operands = context.andCondition().Select(BuildAnd).ToList();
        return operands.Count == 1 ? operands[0] : new OrConditionSyntax(operands, SpanOf(context));
    }

    private ConditionSyntax BuildAnd(P.AndConditionContext context)
    {
        var operands = context.notCondition().Select(BuildNot).ToList();
        return operands.Count == 1 ? operands[0] : new AndConditionSyntax(operands, SpanOf(context));
    }

    private ConditionSyntax BuildNot(P.NotConditionContext context) => context switch
    {
        P.NegationContext negation => new NotConditionSyntax(BuildNot(negation.notCondition()), SpanOf(context)),
        P.ParenthesizedContext paren => BuildOr(paren.orCondition()),
        P.ComparisonConditionContext comparison => BuildComparison(comparison.comparison()),
        _ => throw new InvalidOperationException($"unhandled condition form {context.GetType().Name}"),
    };

    private ConditionSyntax BuildComparison(P.ComparisonContext context)
    {
        switch (context)
        {
            case P.CompareContext compare:
                return new CompareConditionSyntax(BuildOperand(compare.operand()), compare.compareOp().GetText(), BuildValue(compare.valueExpr()), SpanOf(context));
            case P.MembershipContext membership:
                return new MembershipConditionSyntax(
                    BuildOperand(membership.operand()),
                    membership.NOT() is not null,
                    membership.valueList().valueExpr().Select(BuildValue).ToList(),
                    SpanOf(context));
            default:
                throw new InvalidOperationException($"unhandled comparison form {context.GetType().Name}");
        }
    }

    private OperandSyntax BuildOperand(P.OperandContext context) =>
        new(Word(context.word()), context.valueTerm() is { } mask ? BuildTerm(mask) : null, SpanOf(context));

    private ValueSyntax BuildValue(P.ValueExprContext context)
    {
        var terms = context.valueTerm().Select(BuildTerm).ToList();
        return terms.Count == 1 ? terms[0] : new BitOrValueSyntax(terms, SpanOf(context));
    }

    private ValueSyntax BuildTerm(P.ValueTermContext context)
    {
        if (context.NUMBER() is { } number)
        {
            return new NumberValueSyntax(ParseInteger(number.Symbol), SpanOf(context));
        }
        if (context.word() is { } word)
        {
            return new NameValueSyntax(word.GetText(), SpanOf(context));
        }
        return BuildValue(context.valueExpr());
    }

    // ---- literals ----

    private ulong? ParseInteger(IToken token)
    {
        var text = token.Text;
        if (text.Length > 2 && text[0] == '0' && char.IsAsciiLetter(text[1]))
        {
            var radix = char.ToLowerInvariant(text[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            return ParseDigits(text[2..], radix, token);
        }
        return ParseDigits(text, 10, token);
    }

    private ulong? ParseDigits(string digits, int radix, IToken token)
    {
        var clean = digits.Replace("_", "");
        if (clean.Length == 0)
        {
            diagnostics.Add(DiagnosticCatalog.InvalidNumber(SpanOf(token), token.Text, "it has no digits"));
            return null;
        }
        ulong value = 0;
        foreach (var c in clean)
        {
            var digit = (ulong)Convert.ToInt32(c.ToString(), 16);
            var next = value * (ulong)radix + digit;
            if (value > (ulong.MaxValue - digit) / (ulong)radix)
            {
                diagnostics.Add(DiagnosticCatalog.NumberTooLarge(SpanOf(token), token.Text));
                return null;
            }
            value = next;
        }
        return value;
    }

    private static decimal ParseDecimal(IToken token) =>
        decimal.TryParse(token.Text.Replace("_", ""), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private string Unquote(IToken token)
    {
        var text = token.Text;
        var builder = new StringBuilder(text.Length);
        for (var i = 1; i < text.Length - 1; i++)
        {
            var c = text[i];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }
            var next = text[++i];
            switch (next)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                default:
                    var at = new SourceSpan(source, new TextSpan(token.StartIndex + i - 1, 2));
                    diagnostics.Add(DiagnosticCatalog.InvalidEscape(at, "\\" + next));
                    builder.Append(next);
                    break;
            }
        }
        return builder.ToString();
    }

    // ---- spans ----

    private WordSyntax Word(P.WordContext context) => new(context.GetText(), SpanOf(context));

    private SourceSpan SpanOf(ParserRuleContext context)
    {
        var start = context.Start.StartIndex;
        var stop = context.Stop is { } s && s.StopIndex >= start ? s.StopIndex + 1 : start;
        return new SourceSpan(source, TextSpan.FromBounds(start, stop));
    }

    private SourceSpan SpanOf(IToken token) => new(source, TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1));
}
