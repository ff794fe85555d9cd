using System.CommandLine;
using Polc.Compiler.Semantics;

namespace Polc.Cli.Commands;

/// <summary>`polc check FILE...`: diagnostics only.</summary>
public static class CheckCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files") { Arity = ArgumentArity.OneOrMore, Description = "policy files to check" };
        var command = new Command("check",
            "Report every error and warning in one or more policies; write nothing.\n" +
            "Exit codes: 0 clean (warnings allowed), 1 policy errors, 2 usage or I/O errors.\n\n" +
            "Examples:\n" +
            "  polc check app.pol\n" +
            "  polc check profiles/*.pol")
        {
            files,
        };
        command.SetAction(parse => Run(context, parse.GetValue(files)!));
        return command;
    }

    public static int Run(CliContext context, IReadOnlyList<string> files)
    {
        var exit = ExitCodes.Success;
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                context.Err.WriteLine($"{file}: error POL9001: cannot read `{file}`: no such file");
                exit = ExitCodes.UsageOrIo;
                continue;
            }
            var result = PolicyBinder.BindFile(file);
            DiagnosticPrinter.Print(context, result.Diagnostics);
            if (result.Diagnostics.Any(d => d.Code == "POL9001"))
            {
                exit = ExitCodes.UsageOrIo;
            }
            else if (result.HasErrors && exit == ExitCodes.Success)
            {
                exit = ExitCodes.PolicyErrors;
            }
        }
        return exit;
    }
}
