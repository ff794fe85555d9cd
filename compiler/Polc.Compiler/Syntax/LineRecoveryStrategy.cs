using Antlr4.Runtime;
using Polc.Compiler.Syntax.Generated;

namespace Polc.Compiler.Syntax;

/// <summary>
/// After a syntax error, skip to the end of the statement (end of line, `;` or `}`) and go on
/// with the next one. Statements are line-based, so this reports each broken line once and
/// at its own place, instead of ANTLR's default resynchronisation that may swallow the next line.
/// </summary>
internal sealed class LineRecoveryStrategy : DefaultErrorStrategy
{
    /// <summary>Never "recover" by deleting a line break: it would glue two statements together.</summary>
    protected override IToken? SingleTokenDeletion(Parser recognizer) =>
        IsTerminator(recognizer.InputStream.LA(1)) ? null : base.SingleTokenDeletion(recognizer);

    public override void Sync(Parser recognizer)
    {
        if (IsTerminator(recognizer.InputStream.LA(1)))
        {
            return;
        }
        base.Sync(recognizer);
    }

    private static bool IsTerminator(int type) => type is PolcLexer.NEWLINE or PolcLexer.SEMI or PolcLexer.RBRACE or TokenConstants.EOF;

    public override void Recover(Parser recognizer, RecognitionException e)
    {
        if (lastErrorIndex == recognizer.InputStream.Index && lastErrorStates != null && lastErrorStates.Contains(recognizer.State))
        {
            // No progress since the last error: consume one token so the parser cannot loop.
            recognizer.Consume();
        }
        lastErrorIndex = recognizer.InputStream.Index;
        lastErrorStates ??= new Antlr4.Runtime.Misc.IntervalSet();
        lastErrorStates.Add(recognizer.State);
        // A stray `{ ... }` block is skipped whole, so its `}` does not close the enclosing block.
        var depth = 0;
        var type = recognizer.InputStream.LA(1);
        while (type != TokenConstants.EOF && (depth > 0 || !IsTerminator(type)))
        {
            depth += type switch { PolcLexer.LBRACE => 1, PolcLexer.RBRACE => -1, _ => 0 };
            recognizer.Consume();
            type = recognizer.InputStream.LA(1);
        }
    }
}
