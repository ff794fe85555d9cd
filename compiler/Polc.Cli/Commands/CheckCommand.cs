using System.CommandLine;
using Polc.Backends;
using Polc.Cli.Formats;
using Polc.Cli.Review;
using Polc.Compiler.Analysis.Lint;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Semantics;

namespace Polc.Cli.Commands;

/// <summary>`polc check FILE... [--format text|json|github|sarif] [--disable CODE] [--lint-bases]`: diagnostics only.</summary>
public static class CheckCommand
{
    public static readonly string[] Formats = ["text", "json", "github", "sarif"];

    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("files") { Arity = ArgumentArity.OneOrMore, Description = "policy files to check" };
        var format = new Option<string>("--format", "-f")
        {
            Description = "text (to stderr, default), json (docs/review.md), github (workflow annotations) or sarif (SARIF 2.1.0); all but text go to stdout",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong(Formats);
        var lint = new LintSwitches();
        var command = new Command("check",
            "Report every error and warning in one or more policies, lint warnings included (POL3001..POL3099,\n" +
            "catalogue in docs/review.md); write nothing. Silence one finding in the file with\n" +
            "`# polc: allow POL3001 because REASON` on the line above or at the end of the line.\n" +
            "Exit codes: 0 clean (warnings allowed), 1 policy errors, 2 usage or I/O errors.\n\n" +
            "Examples:\n" +
            "  polc check app.pol\n" +
            "  polc check profiles/*.pol --disable POL3020,POL3021\n" +
            "  polc check app.pol --format github          # annotations in a GitHub Actions log\n" +
            "  polc check app.pol --format sarif > polc.sarif")
        {
            files, format,
        };
        lint.AddTo(command);
        command.SetAction(parse => lint.Read(parse, context) is { } options
            ? Run(context, parse.GetValue(files)!, parse.GetValue(format)!, options)
            : ExitCodes.UsageOrIo);
        return command;
    }

    public static int Run(CliContext context, IReadOnlyList<string> files) => Run(context, files, "text", LintOptions.Default);

    public static int Run(CliContext context, IReadOnlyList<string> files, string format, LintOptions lint)
    {
        var exit = ExitCodes.Success;
        var reports = new List<FileDiagnostics>();
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                reports.Add(new FileDiagnostics(file, null, [DiagnosticCatalog.CannotRead(file, "no such file")]));
                context.Err.WriteLine($"{file}: error POL9001: cannot read `{file}`: no such file");
                exit = ExitCodes.UsageOrIo;
                continue;
            }
            var result = PolicyBinder.BindFile(file);
            var diagnostics = new DiagnosticBag();
            diagnostics.AddRange(result.Diagnostics);
            if (result.Policy is { } policy && result.Syntax is { } syntax)
            {
                diagnostics.AddRange(Linter.Run(policy, syntax.Source, lint));
                diagnostics.AddRange(CompilationPipeline.Verify(policy, BackendOptions.Default));
            }
            var sorted = diagnostics.Sorted();
            reports.Add(new FileDiagnostics(file, result.Policy?.Name, sorted));
            if (format == "text")
            {
                DiagnosticPrinter.Print(context, sorted);
            }
            if (sorted.Any(d => d.Code == "POL9001"))
            {
                exit = ExitCodes.UsageOrIo;
            }
            else if (diagnostics.HasErrors && exit == ExitCodes.Success)
            {
                exit = ExitCodes.PolicyErrors;
            }
        }
        switch (format)
        {
            case "json":
                context.Out.Write(CheckFormats.Json(reports));
                break;
            case "github":
                context.Out.Write(CheckFormats.GitHub(reports));
                break;
            case "sarif":
                context.Out.Write(SarifWriter.Write(reports, ToolVersion));
                break;
        }
        return exit;
    }

    public static string ToolVersion => typeof(CheckCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
