using System.Diagnostics;

namespace Polc.Tests.RuntimeConfig;

/// <summary>What the real-consumer tests need from the machine, and a way to run its tools.</summary>
public static class Host
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Fails (never skips) when not root: CI runs as root, so a missing privilege is a broken setup.</summary>
    public static void RequireRoot(string why) =>
        Assert.True(IsRoot, $"this test needs root to {why}; run the suite as root (CI does)");

    public static string? Which(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Concat(["/usr/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);

    /// <summary>Fails with the apt package to install when <paramref name="command"/> is missing.</summary>
    public static string Require(string command, string package) =>
        Which(command) ?? throw new Xunit.Sdk.XunitException($"`{command}` is missing; install the Debian package `{package}` (listed in .ci/run)");

    public sealed record Outcome(int ExitCode, string Out, string Err);

    public static Outcome Run(string file, IEnumerable<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"`{file} {string.Join(' ', arguments)}` timed out");
        }
        return new Outcome(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The fields of /proc/PID/status text (`CapEff` → `00000000a80425fb`).</summary>
    public static Dictionary<string, string> StatusFields(string statusText) =>
        statusText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
}
