using System.CommandLine;
using System.Text.RegularExpressions;
using Polc.Backends;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Enforcer.Learning;

namespace Polc.Cli.Commands;

/// <summary>`polc learn [-o FILE] [--merge FILE] [--name NAME] -- COMMAND [ARG...]`: record a program under the
/// enforcer and write the policy it needs (docs/learn.md).</summary>
public static partial class LearnCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore, Description = "the program and its arguments, after `--`" };
        var output = new Option<string?>("--output", "-o") { Description = "write the policy to this file (default: standard output)" };
        var merge = new Option<string?>("--merge") { Description = "add what this run did to an existing policy (its text and comments are kept)" };
        var name = new Option<string?>("--name") { Description = "the policy's name (default: the program's file name, or the merged policy's name)" };
        var learn = new Command("learn",
            "Run a program, record every syscall of every thread and child (with the arguments that matter),\n" +
            "the files it opens, runs and writes, its sockets and ports, and the capabilities it exercises;\n" +
            "then write a readable, formatted policy that allows that and denies the rest, with an `expect`\n" +
            "block. Review it before use: one run sees one path through a program. The program runs\n" +
            "unconfined but for no_new_privs, with your capabilities.\n\n" +
            "Examples:\n" +
            "  polc learn -o ls.pol -- ls -l /srv\n" +
            "  polc learn --merge web.pol -o web.pol -- ./smoke-test.sh\n" +
            "  polc check ls.pol && polc run ls.pol -- ls -l /srv")
        {
            command, output, merge, name,
        };
        learn.SetAction(parse => Run(context, parse.GetValue(command) ?? [], parse.GetValue(output), parse.GetValue(merge), parse.GetValue(name)));
        return learn;
    }

    public static int Run(CliContext context, IReadOnlyList<string> command, string? output, string? merge, string? name)
    {
        if (command.Count == 0)
        {
            DiagnosticPrinter.Print(context, [DiagnosticCatalog.LearnNoCommand()]);
            return ExitCodes.UsageOrIo;
        }
        if (name is not null && !PolicyName().IsMatch(name))
        {
            DiagnosticPrinter.Print(context, [DiagnosticCatalog.LearnBadName(name)]);
            return ExitCodes.UsageOrIo;
        }
        // The policy to merge into must be sound before the program runs.
        BindResult? existing = null;
        if (merge is not null)
        {
            existing = PolicyBinder.BindFile(merge);
            if (existing.HasErrors || existing.Syntax is null)
            {
                DiagnosticPrinter.Print(context, existing.Diagnostics);
                return existing.Diagnostics.Any(d => d.Code == "POL9001") ? ExitCodes.UsageOrIo : ExitCodes.PolicyErrors;
            }
        }
        if (!OperatingSystem.IsLinux())
        {
            DiagnosticPrinter.Print(context, [DiagnosticCatalog.LearnCannotRecord("recording needs Linux (seccomp user notification)")]);
            return ExitCodes.UsageOrIo;
        }
        var outcome = Recorder.Record(new LearnRequest(command) { ForwardSignals = true });
        if (outcome.Failure is { } failure)
        {
            DiagnosticPrinter.Print(context, [DiagnosticCatalog.LearnCannotRecord(failure)]);
            return ExitCodes.UsageOrIo;
        }
        var diagnostics = new List<Diagnostic>();
        if (outcome.ExitCode != 0)
        {
            diagnostics.Add(DiagnosticCatalog.LearnProgramFailed(outcome.ExitCode));
        }
        string text;
        try
        {
            if (existing is { Policy: { } policy, Syntax: { } syntax })
            {
                var source = new LearnSource(policy.Name, command, outcome.ExitCode);
                var merged = LearnedPolicyMerger.Merge(syntax.Source, policy, syntax, outcome.Recording, source);
                diagnostics.AddRange(merged.Notes.Select(DiagnosticCatalog.LearnMergeLeftAsIs));
                if (merged.Added == 0)
                {
                    diagnostics.Add(DiagnosticCatalog.LearnMergeNothingNew(merge!));
                }
                text = merged.Text;
            }
            else
            {
                text = LearnedPolicyWriter.Write(outcome.Recording, new LearnSource(name ?? DefaultName(command[0]), command, outcome.ExitCode));
            }
            // The same checks as `polc check`: the expect block runs through the compiled filters.
            var bound = PolicyBinder.Bind(new SourceText(output ?? "learned.pol", text));
            var failed = CompilationPipeline.Verify(bound.Policy!, BackendOptions.Default).Where(d => d.IsError).ToList();
            if (failed.Count > 0)
            {
                throw new InvalidOperationException(string.Join("; ", failed));
            }
        }
        catch (InvalidOperationException e)
        {
            DiagnosticPrinter.Print(context, [.. diagnostics, DiagnosticCatalog.LearnWroteInvalidPolicy(string.Join(' ', e.Message.Split('\n').Take(2)))]);
            return ExitCodes.UsageOrIo;
        }
        DiagnosticPrinter.Print(context, diagnostics);
        if (output is null)
        {
            context.Out.Write(text);
        }
        else
        {
            try
            {
                ArtifactWriter.WriteAtomically(output, new System.Text.UTF8Encoding(false).GetBytes(text));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                DiagnosticPrinter.Print(context, [DiagnosticCatalog.CannotWrite(output, e.Message)]);
                return ExitCodes.UsageOrIo;
            }
        }
        context.Err.WriteLine($"polc: learned {LearnedPolicyWriter.Describe(outcome.Recording)} in {outcome.Elapsed.TotalSeconds:0.00} s" +
            (output is null ? "" : $"; wrote {output}"));
        return ExitCodes.Success;
    }

    /// <summary>The program's file name, made a valid policy name.</summary>
    public static string DefaultName(string program)
    {
        var name = InvalidNameCharacters().Replace(Path.GetFileName(program), "-");
        return name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') ? "learned-" + name.TrimStart('-') : name;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex PolicyName();

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex InvalidNameCharacters();
}
