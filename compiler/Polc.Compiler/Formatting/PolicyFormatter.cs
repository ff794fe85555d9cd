using System.Text;
using Antlr4.Runtime;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Syntax.Generated;
using Polc.Compiler.Text;

namespace Polc.Compiler.Formatting;

/// <summary>
/// Rewrites a policy into the canonical layout by re-spacing its token stream:
/// one statement per line, four spaces per block, single spaces between tokens,
/// at most one blank line, user line breaks inside lists kept as continuation lines.
/// Working on tokens (not the tree) means no comment can be lost and the meaning
/// cannot change: the only token ever dropped is `;`, replaced by a line break.
/// </summary>
public static class PolicyFormatter
{
    private const string Indent = "    ";

    public sealed record Result(string? Text, IReadOnlyList<Diagnostic> Diagnostics);

    public static Result Format(SourceText source)
    {
        var parsed = PolicyParser.Parse(source);
        if (parsed.HasErrors)
        {
            return new Result(null, parsed.Diagnostics);
        }
        var tokens = PolicyParser.Tokenize(source, []);
        return new Result(Layout(tokens.GetTokens()), parsed.Diagnostics);
    }

    private static string Layout(IList<IToken> tokens)
    {
        var output = new StringBuilder();
        var line = new StringBuilder();
        var depth = 0;
        var brackets = 0;
        var lineIsContinuation = false;
        var lineIndent = 0;
        var breakPending = false;
        var blankPending = false;
        IToken? previous = null; // last significant token written
        var wroteAnyLine = false;
        var lastLineOpenedBlock = false;
        var lineOpensBlock = false;

        void EndLine()
        {
            if (line.Length == 0)
            {
                return;
            }
            if (blankPending && wroteAnyLine && !lastLineOpenedBlock && !line.ToString().StartsWith('}'))
            {
                output.Append('\n');
            }
            blankPending = false;
            output.Append(string.Concat(Enumerable.Repeat(Indent, lineIndent))).Append(line).Append('\n');
            lastLineOpenedBlock = lineOpensBlock;
            lineOpensBlock = false;
            line.Clear();
            wroteAnyLine = true;
            breakPending = false;
        }

        void StartLineIfNeeded(IToken token)
        {
            if (line.Length > 0)
            {
                return;
            }
            var closes = token.Type is PolcLexer.RBRACK or PolcLexer.RPAREN;
            lineIndent = lineIsContinuation
                ? depth + (closes ? Math.Max(0, brackets - 1) : Math.Max(1, brackets))
                : depth;
        }

        var commentEndedLine = false;
        foreach (var token in tokens)
        {
            var afterComment = commentEndedLine;
            commentEndedLine = false;
            switch (token.Type)
            {
                case TokenConstants.EOF:
                    continue;
                case PolcLexer.WS:
                case PolcLexer.BAD_CHAR:
                case PolcLexer.UNTERMINATED_STRING:
                    continue;
                case PolcLexer.NEWLINE:
                    // After a comment the line is already ended: this line break is the comment's own, not a blank line.
                    if (line.Length == 0 && !lineIsContinuation && !afterComment)
                    {
                        blankPending = wroteAnyLine;
                    }
                    var continues = brackets > 0 || previous?.Type is PolcLexer.COMMA or PolcLexer.OROR or PolcLexer.ANDAND
                        or PolcLexer.ASSIGN or PolcLexer.EXTENDS or PolcLexer.IF or PolcLexer.LPAREN or PolcLexer.LBRACK;
                    EndLine();
                    if (!continues && lineIsContinuation)
                    {
                        lineIsContinuation = false;
                    }
                    if (continues)
                    {
                        lineIsContinuation = true;
                        blankPending = false;
                    }
                    continue;
                case PolcLexer.SEMI:
                    EndLine();
                    lineIsContinuation = false;
                    previous = token;
                    continue;
                case PolcLexer.COMMENT:
                    if (line.Length == 0)
                    {
                        StartLineIfNeeded(token);
                        line.Append(token.Text.TrimEnd());
                    }
                    else
                    {
                        line.Append("  ").Append(token.Text.TrimEnd());
                    }
                    // A comment always ends its line; what follows starts a new one.
                    var keepContinuation = lineIsContinuation;
                    EndLine();
                    commentEndedLine = true;
                    lineIsContinuation = keepContinuation && (brackets > 0 || previous?.Type is PolcLexer.COMMA or PolcLexer.OROR or PolcLexer.ANDAND
                        or PolcLexer.ASSIGN or PolcLexer.EXTENDS or PolcLexer.IF or PolcLexer.LPAREN or PolcLexer.LBRACK);
                    continue;
            }

            if (breakPending)
            {
                EndLine();
            }
            if (token.Type == PolcLexer.RBRACE)
            {
                EndLine();
                depth = Math.Max(0, depth - 1);
                lineIsContinuation = false;
                blankPending = false;
            }
            StartLineIfNeeded(token);
            if (line.Length > 0 && NeedsSpace(previous!, token))
            {
                line.Append(' ');
            }
            line.Append(token.Text);
            switch (token.Type)
            {
                case PolcLexer.LBRACE:
                    depth++;
                    lineOpensBlock = true;
                    breakPending = true;
                    lineIsContinuation = false;
                    break;
                case PolcLexer.RBRACE:
                    breakPending = true;
                    break;
                case PolcLexer.LBRACK or PolcLexer.LPAREN:
                    brackets++;
                    break;
                case PolcLexer.RBRACK or PolcLexer.RPAREN:
                    brackets = Math.Max(0, brackets - 1);
                    break;
            }
            previous = token;
        }
        EndLine();
        return output.ToString();
    }

    private static bool NeedsSpace(IToken previous, IToken next)
    {
        if (next.Type is PolcLexer.COMMA or PolcLexer.RPAREN or PolcLexer.RBRACK)
        {
            return false;
        }
        if (previous.Type is PolcLexer.LPAREN or PolcLexer.LBRACK or PolcLexer.BANG)
        {
            return false;
        }
        if (next.Type == PolcLexer.LPAREN && IsWord(previous))
        {
            return false; // a call: `socket(AF_INET)`
        }
        return true;
    }

    private static bool IsWord(IToken token) => token.Type is PolcLexer.IDENTIFIER or PolcLexer.POLICY or PolcLexer.EXTENDS
        or PolcLexer.GROUP or PolcLexer.IN or PolcLexer.NOT;
}
