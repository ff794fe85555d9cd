using Polc.Compiler.Text;

namespace Polc.Compiler.Syntax;

/// <summary>Base of every syntax record: each one knows exactly where it came from.</summary>
public abstract record SyntaxNode(SourceSpan Span);

public sealed record FileSyntax(
    SourceText Source,
    IReadOnlyList<PolicySyntax> Policies,
    IReadOnlyList<GroupDeclarationSyntax> Groups,
    SourceSpan Span) : SyntaxNode(Span);

/// <summary>An identifier-shaped word (statement heads, names, constants, keywords used as names).</summary>
public sealed record WordSyntax(string Text, SourceSpan Span) : SyntaxNode(Span);

public sealed record PolicySyntax(
    WordSyntax Name,
    IReadOnlyList<BaseReferenceSyntax> Bases,
    IReadOnlyList<SectionSyntax> Sections,
    IReadOnlyList<StatementSyntax> Statements,
    SourceSpan Span) : SyntaxNode(Span);

/// <summary>`extends NAME` (bundled profile) or `extends "path"` (relative to the file).</summary>
public sealed record BaseReferenceSyntax(string Text, bool IsPath, SourceSpan Span) : SyntaxNode(Span);

public sealed record GroupDeclarationSyntax(
    WordSyntax Name,
    IReadOnlyList<WordSyntax> Members,
    SourceSpan Span) : SyntaxNode(Span);

public sealed record SectionSyntax(WordSyntax Name, IReadOnlyList<StatementSyntax> Statements, SourceSpan Span) : SyntaxNode(Span);

/// <summary>`HEAD argument... [if CONDITION]`; the binder gives each head its meaning.</summary>
public sealed record StatementSyntax(
    WordSyntax Head,
    IReadOnlyList<ArgumentSyntax> Arguments,
    ConditionSyntax? Condition,
    SourceSpan Span) : SyntaxNode(Span);

/// <summary>One argument of a statement. <paramref name="CommaBefore"/> tells list items apart from positional words.</summary>
public abstract record ArgumentSyntax(bool CommaBefore, SourceSpan Span) : SyntaxNode(Span)
{
    public string Text => Span.Text;
}

public sealed record WordArgument(string Word, bool CommaBefore, SourceSpan Span) : ArgumentSyntax(CommaBefore, Span);

/// <summary>`@name`, with the `@` kept in <paramref name="Name"/>.</summary>
public sealed record GroupArgument(string Name, bool CommaBefore, SourceSpan Span) : ArgumentSyntax(CommaBefore, Span);

/// <summary>An integer literal, with its value already parsed (null when malformed; the builder reported it).</summary>
public sealed record NumberArgument(ulong? Value, bool CommaBefore, SourceSpan Span) : ArgumentSyntax(CommaBefore, Span);

public sealed record DecimalArgument(decimal Value, bool CommaBefore, SourceSpan Span) : ArgumentSyntax(CommaBefore, Span);

/// <summary>`64MiB` or `50MiB/s`: magnitude and unit as written; the binder checks the unit.</summary>
public sealed record SizeArgument(decimal Magnitude, string Unit, bool IsRate, bool CommaBefore, SourceSpan Span) : ArgumentSyntax(CommaBefore, Span);

public sealed record RangeArgument(ulong From, ulong To, bool CommaBefore, SourceSpan Span) : ArgumentSyntax(CommaBefore, Span);

public sealed record StringArgument(string Value, bool CommaBefore, SourceSpan Span) : ArgumentSyntax(CommaBefore, Span);

public sealed record ArrowArgument(bool CommaBefore, SourceSpan Span) : ArgumentSyntax(CommaBefore, Span);

public sealed record ListArgument(IReadOnlyList<ValueSyntax> Items, bool CommaBefore, SourceSpan Span) : ArgumentSyntax(CommaBefore, Span);

/// <summary>`socket(AF_INET, SOCK_STREAM)` in an expect block.</summary>
public sealed record CallArgument(WordSyntax Name, IReadOnlyList<ValueSyntax> Arguments, bool CommaBefore, SourceSpan Span) : ArgumentSyntax(CommaBefore, Span);

// ---- conditions ----

public abstract record ConditionSyntax(SourceSpan Span) : SyntaxNode(Span);

public sealed record OrConditionSyntax(IReadOnlyList<ConditionSyntax> Operands, SourceSpan Span) : ConditionSyntax(Span);

public sealed record AndConditionSyntax(IReadOnlyList<ConditionSyntax> Operands, SourceSpan Span) : ConditionSyntax(Span);

public sealed record NotConditionSyntax(ConditionSyntax Operand, SourceSpan Span) : ConditionSyntax(Span);

public sealed record CompareConditionSyntax(OperandSyntax Left, string Operator, ValueSyntax Right, SourceSpan Span) : ConditionSyntax(Span);

public sealed record MembershipConditionSyntax(OperandSyntax Left, bool Negated, IReadOnlyList<ValueSyntax> Values, SourceSpan Span) : ConditionSyntax(Span);

/// <summary>`argN` or `argN & MASK`.</summary>
public sealed record OperandSyntax(WordSyntax Argument, ValueSyntax? Mask, SourceSpan Span) : SyntaxNode(Span);

// ---- values (integers, named constants, `A | B`) ----

public abstract record ValueSyntax(SourceSpan Span) : SyntaxNode(Span);

public sealed record NumberValueSyntax(ulong? Value, SourceSpan Span) : ValueSyntax(Span);

public sealed record NameValueSyntax(string Name, SourceSpan Span) : ValueSyntax(Span);

public sealed record BitOrValueSyntax(IReadOnlyList<ValueSyntax> Operands, SourceSpan Span) : ValueSyntax(Span);
