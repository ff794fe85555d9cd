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
        var lines = new List<OutputLine>();
        var line = new StringBuilder();
        string? trailingComment = null;
        var depth = 0;
        var brackets = 0;
        var lineIsContinuation = false;
        var lineIndent = 0;
        var breakPending = false;
        var blankPending = false;
        var newlinesSinceContent = 0;
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
            var blank = blankPending && wroteAnyLine && !lastLineOpenedBlock && !line.ToString().StartsWith('}');
            blankPending = false;
            lines.Add(new OutputLine(blank, lineIndent, line.ToString(), trailingComment));
            trailingComment = null;
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

        foreach (var token in tokens)
        {
            switch (token.Type)
            {
                case TokenConstants.EOF:
                    continue;
                case PolcLexer.WS:
                case PolcLexer.BAD_CHAR:
                case PolcLexer.UNTERMINATED_STRING:
                    continue;
                case PolcLexer.NEWLINE:
                    newlinesSinceContent++;
                    if (line.Length == 0 && !lineIsContinuation && newlinesSinceContent >= 2)
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
                    newlinesSinceContent = 0;
                    if (line.Length == 0)
                    {
                        StartLineIfNeeded(token);
                        line.Append(token.Text.TrimEnd());
                    }
                    else
                    {
                        trailingComment = token.Text.TrimEnd();
                    }
                    // A comment always ends its line; what follows starts a new one.
                    var keepContinuation = lineIsContinuation;
                    EndLine();
                    lineIsContinuation = keepContinuation && (brackets > 0 || previous?.Type is PolcLexer.COMMA or PolcLexer.OROR or PolcLexer.ANDAND
                        or PolcLexer.ASSIGN or PolcLexer.EXTENDS or PolcLexer.IF or PolcLexer.LPAREN or PolcLexer.LBRACK);
                    continue;
            }

            newlinesSinceContent = 0;
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
        return Render(lines);
    }

    private sealed record OutputLine(bool BlankBefore, int Indent, string Code, string? TrailingComment)
    {
        public int CodeWidth => Indent * PolicyFormatter.Indent.Length + Code.Length;
    }

    /// <summary>Trailing comments on consecutive lines are aligned two spaces past the longest code.</summary>
    private static string Render(List<OutputLine> lines)
    {
        var output = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            var runEnd = i;
            if (lines[i].TrailingComment is not null)
            {
                while (runEnd + 1 < lines.Count && lines[runEnd + 1].TrailingComment is not null && !lines[runEnd + 1].BlankBefore)
                {
                    runEnd++;
                }
            }
            var column = lines.Skip(i).Take(runEnd - i + 1).Max(l => l.CodeWidth) + 2;
            for (var j = i; j <= runEnd; j++)
            {
                var current = lines[j];
                if (current.BlankBefore)
                {
                    output.Append('\n');
                }
                output.Append(string.Concat(Enumerable.Repeat(Indent, current.Indent))).Append(current.Code);
                if (current.TrailingComment is { } comment)
                {
                    output.Append(' ', column - current.CodeWidth).Append(comment);
                }
                output.Append('\n');
            }
            i = runEnd;
        }
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
