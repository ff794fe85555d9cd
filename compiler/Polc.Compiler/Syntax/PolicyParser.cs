using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Syntax.Generated;
using Polc.Compiler.Text;

namespace Polc.Compiler.Syntax;

/// <summary>Text to syntax records. Never throws on any input; problems become diagnostics.</summary>
public static class PolicyParser
{
    private const int MaxSyntaxErrors = 50;

    public sealed record Result(FileSyntax? File, IReadOnlyList<Diagnostic> Diagnostics)
    {
        public bool HasErrors => Diagnostics.Any(d => d.IsError);
    }

    public static Result Parse(SourceText source)
    {
        var diagnostics = new List<Diagnostic>();
        var tokens = Tokenize(source, diagnostics);
        var tree = ParseTwoStage(source, tokens, diagnostics);
        if (diagnostics.Any(d => d.IsError))
        {
            return new Result(null, diagnostics);
        }
        var builder = new SyntaxBuilder(source, diagnostics);
        var file = builder.BuildFile(tree);
        return new Result(diagnostics.Any(d => d.IsError) ? null : file, diagnostics);
    }

    /// <summary>All tokens of the file including comments; bad characters and unterminated strings
    /// are reported here once and hidden from the parser, so one stray byte costs one diagnostic.</summary>
    public static CommonTokenStream Tokenize(SourceText source, List<Diagnostic> diagnostics)
    {
        var lexer = new PolcLexer(new AntlrInputStream(source.Text));
        lexer.RemoveErrorListeners();
        var stream = new CommonTokenStream(lexer);
        stream.Fill();
        IToken? runStart = null;
        IToken? runEnd = null;
        void FlushRun()
        {
            if (runStart is null || runEnd is null)
            {
                return;
            }
            var span = new SourceSpan(source, TextSpan.FromBounds(runStart.StartIndex, runEnd.StopIndex + 1));
            if (diagnostics.Count < MaxSyntaxErrors)
            {
                diagnostics.Add(DiagnosticCatalog.InvalidCharacter(span, Describe(span.Text)));
            }
            runStart = runEnd = null;
        }
        foreach (var token in stream.GetTokens())
        {
            if (token.Type == PolcLexer.BAD_CHAR)
            {
                runStart ??= token;
                runEnd = token;
                ((CommonToken)token).Channel = Lexer.Hidden;
                continue;
            }
            if (token.Channel == Lexer.DefaultTokenChannel)
            {
                FlushRun();
            }
            if (token.Type == PolcLexer.UNTERMINATED_STRING)
            {
                diagnostics.Add(DiagnosticCatalog.UnterminatedString(new SourceSpan(source, TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1))));
                ((CommonToken)token).Channel = Lexer.Hidden;
            }
        }
        FlushRun();
        stream.Reset();
        return stream;
    }

    private static PolcParser.FileContext ParseTwoStage(SourceText source, CommonTokenStream tokens, List<Diagnostic> diagnostics)
    {
        // SLL with bail-out is enough for nearly every file; fall back to full LL for exact error reports.
        var parser = new PolcParser(tokens) { ErrorHandler = new BailErrorStrategy() };
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        try
        {
            return parser.file();
        }
        catch (ParseCanceledException)
        {
            tokens.Reset();
            parser = new PolcParser(tokens) { ErrorHandler = new LineRecoveryStrategy() };
            parser.RemoveErrorListeners();
            parser.AddErrorListener(new SyntaxErrorListener(source, diagnostics));
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            return parser.file();
        }
    }

    /// <summary>`$`, U+0000, or "bytes that are not UTF-8", with a count when several in a row.</summary>
    internal static string Describe(string text)
    {
        var more = text.Length > 1 ? $" (and {text.Length - 1} more)" : "";
        return text[0] switch
        {
            '\uFFFD' => "bytes that are not valid UTF-8" + more,
            var c when char.IsControl(c) || char.IsWhiteSpace(c) => $"character U+{(int)c:X4}{more}",
            var c => $"character `{c}`{more}",
        };
    }

    private sealed class SyntaxErrorListener(SourceText source, List<Diagnostic> diagnostics) : IAntlrErrorListener<IToken>
    {
        public void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
        {
            if (diagnostics.Count(d => d.IsError) >= MaxSyntaxErrors)
            {
                return;
            }
            var start = Math.Clamp(offendingSymbol.StartIndex, 0, source.Text.Length);
            var end = offendingSymbol.Type == TokenConstants.EOF ? start : Math.Max(start, offendingSymbol.StopIndex + 1);
            var span = new SourceSpan(source, TextSpan.FromBounds(start, Math.Min(end, source.Text.Length)));
            var expected = recognizer is Parser parser ? ExpectedText(parser, e) : "";
            var found = TokenDisplay.Describe(offendingSymbol);
            diagnostics.Add(DiagnosticCatalog.SyntaxError(span, $"unexpected {found}{expected}"));
        }

        private static string ExpectedText(Parser parser, RecognitionException? e)
        {
            IntervalSet? set;
            try
            {
                set = e?.GetExpectedTokens() ?? parser.GetExpectedTokens();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NullReferenceException)
            {
                return "";
            }
            var types = set.ToList().ToList();
            if (types.Contains(PolcLexer.IDENTIFIER))
            {
                // Keywords that double as names are not worth listing beside "a name".
                types.RemoveAll(t => t is PolcLexer.POLICY or PolcLexer.GROUP or PolcLexer.EXTENDS or PolcLexer.IN or PolcLexer.NOT);
            }
            var names = types.Select(TokenDisplay.Expected).Where(n => n is not null).Distinct().ToList();
            if (names.Count is 0 or > 5)
            {
                return "";
            }
            return "; expected " + string.Join(", ", names.Take(names.Count - 1)) + (names.Count > 1 ? " or " : "") + names[^1];
        }
    }
}
