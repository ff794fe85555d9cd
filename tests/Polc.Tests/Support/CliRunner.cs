using Polc.Cli;

namespace Polc.Tests.Support;

/// <summary>Runs the CLI in-process with captured output.</summary>
public static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Out, string Err);

    public static Outcome Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Program.Run(args, new CliContext(output, error) { ChildTimeout = TimeSpan.FromMinutes(2) });
        return new Outcome(exit, output.ToString(), error.ToString());
    }
}
