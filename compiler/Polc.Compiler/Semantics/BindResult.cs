using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;

namespace Polc.Compiler.Semantics;

/// <summary>The outcome of binding a file: the IR when there were no errors, and every diagnostic found.</summary>
public sealed record BindResult(PolicyIr? Policy, FileSyntax? Syntax, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
