using System.CommandLine;
using Polc.Backends;
using Polc.Cli.Review;
using Polc.Compiler.Analysis.Lint;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Text;

namespace Polc.Cli.Commands;

/// <summary>`polc compile FILE [-o DIR] [--target LIST]`.</summary>
public static class CompileCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "the policy to compile" };
        var output = new Option<string>("--output", "-o") { Description = "directory for the artifacts (default: the current directory)", DefaultValueFactory = _ => "." };
        var targets = new Option<string[]>("--target", "--emit", "-t")
        {
            Description = "backends to run, comma-separated (default: every default backend): " + string.Join(", ", BackendRegistry.All.Select(b => b.Name)),
            AllowMultipleArgumentsPerToken = true,
        };
        var frequency = new Option<string?>("--frequency") { Description = "syscall frequency table (name<TAB>share) to weight the seccomp search tree" };
        var command = new Command("compile",
            "Compile a policy into its artifacts, named after the policy: NAME.x86_64.bpf, NAME.seccomp.json, ...\n" +
            "Every file is written to a temporary name and renamed; on any error nothing is written.\n\n" +
            "Examples:\n" +
            "  polc compile app.pol -o out/\n" +
            "  polc compile app.pol --emit ir\n" +
            "  polc compile app.pol -o out/ --target seccomp,apparmor\n" +
            "  polc compile app.pol -o out/ --disable POL3021")
        {
            file, output, targets, frequency,
        };
        var lint = new LintSwitches();
        lint.AddTo(command);
        command.SetAction(parse => lint.Read(parse, context) is { } options
            ? Run(context, parse.GetValue(file)!, parse.GetValue(output)!, parse.GetValue(targets) ?? [], parse.GetValue(frequency), options)
            : ExitCodes.UsageOrIo);
        return command;
    }

    public static int Run(CliContext context, string file, string outputDirectory, IReadOnlyList<string> targetNames, string? frequencyFile, LintOptions? lint = null)
    {
        var backends = SelectBackends(context, targetNames);
        if (backends is null)
        {
            return ExitCodes.UsageOrIo;
        }
        if (context.ReadSource(file) is not { } source)
        {
            return ExitCodes.UsageOrIo;
        }
        if (frequencyFile is not null && !File.Exists(frequencyFile))
        {
            context.Err.WriteLine($"{frequencyFile}: error POL9001: cannot read `{frequencyFile}`: no such file");
            return ExitCodes.UsageOrIo;
        }
        var result = CompilationPipeline.Compile(source, backends, new BackendOptions(frequencyFile));
        var diagnostics = new DiagnosticBag();
        diagnostics.AddRange(result.Diagnostics);
        if (result.Policy is { } policy)
        {
            diagnostics.AddRange(Linter.Run(policy, source, lint ?? LintOptions.Default));
        }
        DiagnosticPrinter.Print(context, diagnostics.Sorted());
        if (result.HasErrors)
        {
            context.Err.WriteLine("polc: nothing written (the policy has errors)");
            return ExitCodes.PolicyErrors;
        }
        try
        {
            foreach (var path in ArtifactWriter.WriteAll(outputDirectory, result.Artifacts))
            {
                context.Out.WriteLine($"wrote {path}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Err.WriteLine($"{outputDirectory}: error POL9002: cannot write `{outputDirectory}`: {e.Message}");
            return ExitCodes.UsageOrIo;
        }
        return ExitCodes.Success;
    }

    internal static IReadOnlyList<IBackend>? SelectBackends(CliContext context, IReadOnlyList<string> targetNames)
    {
        var names = targetNames.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (names.Count == 0)
        {
            return BackendRegistry.All.Where(b => b.DefaultOn).ToList();
        }
        if (names.Contains("all"))
        {
            return BackendRegistry.All;
        }
        var selected = new List<IBackend>();
        foreach (var name in names.Distinct())
        {
            if (BackendRegistry.Find(name) is not { } backend)
            {
                var suggestion = SpellChecker.Suggest(name, BackendRegistry.All.Select(b => b.Name));
                context.Err.WriteLine($"polc: unknown target `{name}`{(suggestion is null ? "" : $"; did you mean `{suggestion}`?")} (targets: {string.Join(", ", BackendRegistry.All.Select(b => b.Name))}, all)");
                return null;
            }
            selected.Add(backend);
        }
        // Run in registry order whatever order they were asked in, so output is deterministic.
        return BackendRegistry.All.Where(selected.Contains).ToList();
    }
}
