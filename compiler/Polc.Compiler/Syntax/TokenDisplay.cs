using Antlr4.Runtime;
using Polc.Compiler.Syntax.Generated;

namespace Polc.Compiler.Syntax;

/// <summary>How tokens are named in syntax errors: by what the user sees, not by grammar names.</summary>
internal static class TokenDisplay
{
    public static string Describe(IToken token) => token.Type switch
    {
        TokenConstants.EOF => "end of file",
        PolcLexer.NEWLINE => "end of line",
        PolcLexer.STRING => $"string {Shorten(token.Text)}",
        _ => $"`{Shorten(token.Text)}`",
    };

    public static string? Expected(int type) => type switch
    {
        TokenConstants.EOF => "end of file",
        PolcLexer.NEWLINE => "end of line",
        PolcLexer.SEMI => null,
        PolcLexer.IDENTIFIER => "a name",
        PolcLexer.NUMBER => "a number",
        PolcLexer.STRING => "a string",
        PolcLexer.GROUP_NAME => "a `@group`",
        PolcLexer.SIZE => "a size",
        PolcLexer.DECIMAL or PolcLexer.RANGE => null,
        PolcLexer.POLICY => "`policy`",
        PolcLexer.GROUP => "`group`",
        PolcLexer.EXTENDS or PolcLexer.IN or PolcLexer.NOT => null,
        _ => PolcLexer.DefaultVocabulary.GetLiteralName(type) is { } literal ? $"`{literal.Trim('\'')}`" : null,
    };

    private static string Shorten(string text) => text.Length > 40 ? text[..37] + "..." : text;
}
