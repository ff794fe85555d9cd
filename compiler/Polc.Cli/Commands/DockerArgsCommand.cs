using System.CommandLine;
using Polc.Backends;
using Polc.Backends.DockerRun;
using Polc.Compiler.Text;

namespace Polc.Cli.Commands;

/// <summary>`polc docker-args FILE`: print the `docker run` flags of a policy on one line.</summary>
public static class DockerArgsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "the policy" };
        var command = new Command("docker-args",
            "Print one line of `docker run` flags for a policy: seccomp, AppArmor and SELinux options,\n" +
            "capabilities, user, limits, mounts. The seccomp option names NAME.seccomp.json, which\n" +
            "`polc compile` writes; run docker from that directory. Warnings (what docker cannot say) go to stderr.\n\n" +
            "Examples:\n" +
            "  polc docker-args app.pol\n" +
            "  polc compile app.pol -o out/ && cd out && eval \"docker run $(polc docker-args ../app.pol) nginx\"\n" +
            "  eval \"podman run $(cat web.docker-args) busybox id\"")
        {
            file,
        };
        command.SetAction(parse => Run(context, parse.GetValue(file)!));
        return command;
    }

    public static int Run(CliContext context, string file)
    {
        if (context.ReadSource(file) is not { } source)
        {
            return ExitCodes.UsageOrIo;
        }
        var result = CompilationPipeline.Compile(source, [new DockerArgsBackend()], BackendOptions.Default);
        DiagnosticPrinter.Print(context, result.Diagnostics);
        if (result.HasErrors || result.Policy is null)
        {
            return ExitCodes.PolicyErrors;
        }
        // The artifact is the line plus a newline.
        context.Out.Write(System.Text.Encoding.UTF8.GetString(result.Artifacts.Single().Content));
        return ExitCodes.Success;
    }
}
