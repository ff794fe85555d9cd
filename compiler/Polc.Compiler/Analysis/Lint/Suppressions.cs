using System.Text.RegularExpressions;
using Antlr4.Runtime;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Syntax.Generated;
using Polc.Compiler.Text;

namespace Polc.Compiler.Analysis.Lint;

/// <summary>
/// `# polc: allow POL3001[, POL3010] because REASON` comments. Comments are not part of the grammar
/// (they live on their own token channel), so directives cost the language nothing. A directive at
/// the end of a line covers that line; one on a line of its own covers the next line holding code.
/// Either way, when a statement starts on the covered line, the whole statement is covered (a list
/// may continue over several lines). Without a reason a directive silences nothing.
/// </summary>
internal sealed partial class Suppressions
{
    private sealed record Directive(IReadOnlyList<(string Code, SourceSpan Span)> Codes, int FirstLine, int LastLine, bool HasReason);

    private readonly List<Directive> _directives = [];
    private readonly List<Diagnostic> _problems = [];

    public static Suppressions Read(SourceText source, FileSyntax? syntax)
    {
        var result = new Suppressions();
        var tokens = PolicyParser.Tokenize(source, []);
        var all = tokens.GetTokens();
        var codeLines = all.Where(t => t.Channel == Lexer.DefaultTokenChannel && t.Type is not (PolcLexer.NEWLINE or TokenConstants.EOF))
            .Select(t => t.Line).ToHashSet();
        var statementEnds = StatementEnds(syntax);
        foreach (var comment in all.Where(t => t.Type == PolcLexer.COMMENT))
        {
            var match = DirectiveStart().Match(comment.Text);
            if (!match.Success)
            {
                continue;
            }
            var span = new SourceSpan(source, TextSpan.FromBounds(comment.StartIndex, comment.StopIndex + 1));
            var standalone = !all.Any(t => t.Line == comment.Line && t.Channel == Lexer.DefaultTokenChannel && t.StartIndex < comment.StartIndex && t.Type != PolcLexer.NEWLINE);
            var line = standalone ? codeLines.Where(l => l > comment.Line).DefaultIfEmpty(comment.Line).Min() : comment.Line;
            var directive = result.Parse(span, comment.StartIndex + match.Groups["body"].Index, match.Groups["body"].Value, line, statementEnds.GetValueOrDefault(line, line));
            if (directive is not null)
            {
                result._directives.Add(directive);
            }
        }
        return result;
    }

    private static Dictionary<int, int> StatementEnds(FileSyntax? syntax)
    {
        var ends = new Dictionary<int, int>();
        foreach (var policy in syntax?.Policies ?? [])
        {
            foreach (var statement in policy.Sections.SelectMany(s => s.Statements).Concat(policy.Statements))
            {
                var span = statement.Span;
                var last = span.Source.GetLineColumn(Math.Max(span.Span.Start, span.Span.End - 1)).Line;
                ends[span.Line] = Math.Max(ends.GetValueOrDefault(span.Line, span.Line), last);
            }
        }
        return ends;
    }

    private Directive? Parse(SourceSpan comment, int bodyStart, string body, int firstLine, int lastLine)
    {
        var verb = Verb().Match(body);
        if (!verb.Success)
        {
            _problems.Add(DiagnosticCatalog.SuppressionMalformed(comment, "does not start with `allow`"));
            return null;
        }
        var rest = body[verb.Length..];
        var because = Because().Match(rest);
        var codesText = because.Success ? rest[..because.Index] : rest;
        var reason = because.Success ? rest[(because.Index + because.Length)..].Trim() : "";
        var codes = new List<(string, SourceSpan)>();
        foreach (Match code in Word().Matches(codesText))
        {
            var at = new SourceSpan(comment.Source, new TextSpan(bodyStart + verb.Length + code.Index, code.Length));
            if (LintCatalogue.IsLintCode(code.Value))
            {
                codes.Add((code.Value, at));
            }
            else
            {
                var suggestion = Text.SpellChecker.Suggest(code.Value.ToUpperInvariant(), LintCatalogue.All.Select(r => r.Code));
                _problems.Add(DiagnosticCatalog.SuppressionUnknownCode(at, code.Value, suggestion));
            }
        }
        if (Word().Matches(codesText).Count == 0)
        {
            _problems.Add(DiagnosticCatalog.SuppressionMalformed(comment, "names no code"));
            return null;
        }
        if (reason.Length == 0)
        {
            _problems.Add(DiagnosticCatalog.SuppressionMalformed(comment, "gives no reason"));
        }
        return new Directive(codes, firstLine, lastLine, reason.Length > 0);
    }

    /// <summary>The diagnostics left after silencing, plus what is wrong with the directives themselves.</summary>
    public IEnumerable<Diagnostic> Apply(IReadOnlyList<Diagnostic> diagnostics, IReadOnlySet<string> disabled)
    {
        var used = new HashSet<(Directive, string)>();
        foreach (var diagnostic in diagnostics)
        {
            var line = diagnostic.Location!.Line;
            var silencer = _directives.FirstOrDefault(d => d.HasReason && line >= d.FirstLine && line <= d.LastLine && d.Codes.Any(c => c.Code == diagnostic.Code));
            if (silencer is null)
            {
                yield return diagnostic;
                continue;
            }
            used.Add((silencer, diagnostic.Code));
        }
        foreach (var problem in _problems.Where(p => !disabled.Contains(p.Code)))
        {
            yield return problem;
        }
        foreach (var directive in _directives.Where(d => d.HasReason))
        {
            foreach (var (code, span) in directive.Codes.Where(c => !used.Contains((directive, c.Code)) && !disabled.Contains(c.Code)))
            {
                if (!disabled.Contains("POL3092"))
                {
                    yield return DiagnosticCatalog.SuppressionUnused(span, code);
                }
            }
        }
    }

    [GeneratedRegex(@"^#\s*polc\s*:(?<body>.*)$")]
    private static partial Regex DirectiveStart();

    [GeneratedRegex(@"^\s*allow\b")]
    private static partial Regex Verb();

    [GeneratedRegex(@"\bbecause\b")]
    private static partial Regex Because();

    [GeneratedRegex(@"[^\s,]+")]
    private static partial Regex Word();
}
