using System.CommandLine;
using Polc.Backends;
using Polc.Compiler.Formatting;
using Polc.Compiler.Text;

namespace Polc.Cli.Commands;

/// <summary>`polc fmt FILE... [--check | --stdout]`.</summary>
public static class FmtCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files") { Arity = ArgumentArity.OneOrMore, Description = "policy files to format" };
        var check = new Option<bool>("--check") { Description = "write nothing; exit 1 when a file is not in canonical layout" };
        var stdout = new Option<bool>("--stdout") { Description = "print the formatted text instead of rewriting the file" };
        var command = new Command("fmt",
            "Rewrite policies in the canonical layout (in place). Comments are kept; meaning never changes;\n" +
            "formatting a formatted file changes nothing.\n\n" +
            "Examples:\n" +
            "  polc fmt app.pol\n" +
            "  polc fmt --check profiles/*.pol\n" +
            "  polc fmt --stdout app.pol | diff app.pol -")
        {
            files, check, stdout,
        };
        command.SetAction(parse => Run(context, parse.GetValue(files)!, parse.GetValue(check), parse.GetValue(stdout)));
        return command;
    }

    public static int Run(CliContext context, IReadOnlyList<string> files, bool check, bool toStdout)
    {
        var exit = ExitCodes.Success;
        foreach (var file in files)
        {
            if (context.ReadSource(file) is not { } source)
            {
                exit = ExitCodes.UsageOrIo;
                continue;
            }
            var result = PolicyFormatter.Format(source);
            if (result.Text is null)
            {
                DiagnosticPrinter.Print(context, result.Diagnostics);
                exit = Math.Max(exit, ExitCodes.PolicyErrors);
                continue;
            }
            if (toStdout)
            {
                context.Out.Write(result.Text);
                continue;
            }
            var changed = result.Text != source.Text;
            if (check)
            {
                if (changed)
                {
                    context.Err.WriteLine($"{file}: not formatted (run `polc fmt {file}`)");
                    exit = Math.Max(exit, ExitCodes.PolicyErrors);
                }
                continue;
            }
            if (changed)
            {
                ArtifactWriter.WriteAtomically(file, new System.Text.UTF8Encoding(false).GetBytes(result.Text));
                context.Out.WriteLine($"formatted {file}");
            }
        }
        return exit;
    }
}
