using System.CommandLine;
using Polc.Cli.Commands;

namespace Polc.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args, CliContext.FromConsole());

    /// <summary>The whole CLI, with its I/O injected; tests call this directly.</summary>
    public static int Run(string[] args, CliContext context)
    {
        var root = BuildRootCommand(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !IsHelpRequest(args))
        {
            foreach (var error in parse.Errors)
            {
                context.Err.WriteLine($"polc: {error.Message}");
            }
            context.Err.WriteLine("run `polc --help` for usage");
            return ExitCodes.UsageOrIo;
        }
        return parse.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Err });
    }

    public static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "polc compiles one readable security policy (.pol) into seccomp BPF, Docker/OCI profiles,\n" +
            "AppArmor, SELinux CIL, capability sets and cgroup limits.\n\n" +
            "Examples:\n" +
            "  polc check app.pol\n" +
            "  polc compile app.pol -o out/\n" +
            "  polc fmt --check profiles/*.pol\n" +
            "  polc run app.pol -- /usr/sbin/nginx -g 'daemon off;'\n" +
            "  polc diff origin/main:app.pol app.pol --format markdown\n" +
            "  polc score app.pol --threshold 5\n" +
            "  polc learn -o app.pol -- /usr/bin/python3 -m http.server");
        foreach (var command in Commands(context))
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    private static IEnumerable<Command> Commands(CliContext context) =>
    [
        CheckCommand.Create(context),
        CompileCommand.Create(context),
        FmtCommand.Create(context),
        DockerArgsCommand.Create(context),
        RunCommand.Create(context),
        DisasmCommand.Create(context),
        SimCommand.Create(context),
        DiffCommand.Create(context),
        ScoreCommand.Create(context),
        ImportCommand.Create(context),
        LearnCommand.Create(context),
    ];

    private static bool IsHelpRequest(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");
}
