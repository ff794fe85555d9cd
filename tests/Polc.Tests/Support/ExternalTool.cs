using System.Diagnostics;

namespace Polc.Tests.Support;

/// <summary>Runs a program the tests check artifacts with (apparmor_parser, secilc, sesearch...).
/// A missing program fails the test with the package to install: CI installs them all (.ci/run).</summary>
public static class ExternalTool
{
    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public string Output => Out + Err;
    }

    public static string Require(string command, string package)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
        if (found is null)
        {
            Assert.Fail($"`{command}` is not installed; these tests check artifacts with it: `apt-get install {package}` (listed in .ci/run)");
        }
        return found!;
    }

    public static Result Run(string program, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{program} {string.Join(' ', start.ArgumentList)}` did not finish in time");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
