using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Analysis.Lint;

/// <param name="Disabled">codes turned off (`--disable`).</param>
/// <param name="LintBases">also report what the policy's bases contain (`--lint-bases`).</param>
public sealed record LintOptions(IReadOnlySet<string> Disabled, bool LintBases = false)
{
    public static LintOptions Default { get; } = new(new HashSet<string>());
}

/// <summary>
/// Runs every lint rule over a bound policy and applies `# polc: allow` directives and `--disable`.
/// Lint is a separate step after binding (not part of <see cref="Semantics.PolicyBinder"/>): it takes
/// options, it costs more than binding, and the other consumers of the IR (backends, diff, score)
/// must not receive its warnings. `polc check` and `polc compile` both call it.
/// </summary>
public static class Linter
{
    /// <param name="root">the policy file as bound (the same <see cref="SourceText"/> instance, so rules
    /// written in it can be told apart from rules of its bases).</param>
    public static IReadOnlyList<Diagnostic> Run(PolicyIr policy, SourceText root, LintOptions options)
    {
        var context = new LintContext(policy, root, options.LintBases);
        var findings = new DiagnosticBag();
        findings.AddRange(SyscallLints.Run(context));
        findings.AddRange(ConfigurationLints.Run(context));
        var enabled = findings.Where(d => !options.Disabled.Contains(d.Code)).ToList();
        var result = new DiagnosticBag();
        var sources = enabled.Select(d => d.Location?.Source).OfType<SourceText>().Append(root).Distinct();
        foreach (var source in sources)
        {
            var directives = Suppressions.Read(source, context.SyntaxOf(source));
            var inFile = enabled.Where(d => ReferenceEquals(d.Location?.Source, source)).ToList();
            result.AddRange(directives.Apply(inFile, options.Disabled));
        }
        result.AddRange(enabled.Where(d => d.Location is null));
        return result.Sorted();
    }
}

/// <summary>What every lint rule needs: the policy, which file is "the policy itself", and syntax for exact locations.</summary>
internal sealed class LintContext(PolicyIr policy, SourceText root, bool lintBases)
{
    private readonly Dictionary<SourceText, FileSyntax?> _syntax = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SourceText, Dictionary<SourceSpan, StatementSyntax>> _statements = new(ReferenceEqualityComparer.Instance);

    public PolicyIr Policy { get; } = policy;

    public SourceText Root { get; } = root;

    /// <summary>Whether a finding at this place is reported: the policy's own file always, bases only with --lint-bases.</summary>
    public bool InScope(SourceSpan? span) => span is not null && (lintBases || ReferenceEquals(span.Source, Root));

    public FileSyntax? SyntaxOf(SourceText source)
    {
        if (!_syntax.TryGetValue(source, out var file))
        {
            file = PolicyParser.Parse(source).File;
            _syntax[source] = file;
        }
        return file;
    }

    /// <summary>The statement written at exactly this span (IR nodes keep their statement's span).</summary>
    public StatementSyntax? Statement(SourceSpan span)
    {
        if (!_statements.TryGetValue(span.Source, out var index))
        {
            index = [];
            foreach (var policy in SyntaxOf(span.Source)?.Policies ?? [])
            {
                foreach (var statement in policy.Sections.SelectMany(s => s.Statements).Concat(policy.Statements))
                {
                    index.TryAdd(statement.Span, statement);
                }
            }
            _statements[span.Source] = index;
        }
        return index.GetValueOrDefault(span);
    }

    /// <summary>The head word of the statement at a span (`allow` in `allow read`), or the span itself.</summary>
    public SourceSpan HeadOf(SourceSpan statementSpan) => Statement(statementSpan)?.Head.Span ?? statementSpan;

    /// <summary>The `NAME` word of a section of the root policy, else the policy's name.</summary>
    public SourceSpan SectionOrPolicyName(string section)
    {
        var policy = SyntaxOf(Root)?.Policies.FirstOrDefault();
        return policy?.Sections.FirstOrDefault(s => s.Name.Text == section)?.Name.Span ?? policy?.Name.Span ?? Policy.Span;
    }
}
