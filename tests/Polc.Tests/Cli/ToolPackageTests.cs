using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;

namespace Polc.Tests.Cli;

/// <summary>polc as a `dotnet tool`: packed from a copy of the sources, installed into a tool path, and used from
/// there: the bundled profiles travel inside it, and so does the C launcher that `polc run` needs.</summary>
public class ToolPackageTests
{
    [Fact]
    public void The_packed_tool_checks_and_runs_a_bundled_profile()
    {
        using var directory = new TempDirectory();
        var dotnet = Host.Require("dotnet", "dotnet-sdk-10.0");
        // A copy of the sources without build output, so that packing cannot touch what this test run is using.
        var sources = Path.Combine(directory.Path, "src");
        Directory.CreateDirectory(sources);
        var copy = Host.Run("/bin/sh", ["-c",
            $"tar -C '{RepoPaths.Root}' --exclude=bin --exclude=obj -cf - Directory.Build.props global.json grammar compiler backends runtime-enforcer profiles | tar -C '{sources}' -xf -"]);
        Assert.True(copy.ExitCode == 0, copy.Err);
        var project = Path.Combine(sources, "compiler", "Polc.Cli", "Polc.Cli.csproj");
        var packages = Path.Combine(directory.Path, "packages");
        var pack = Host.Run(dotnet, ["pack", project, "-c", "Release", "-o", packages, "-nologo"], TimeSpan.FromMinutes(8));
        Assert.True(pack.ExitCode == 0, pack.Out + pack.Err);
        var tools = Path.Combine(directory.Path, "tools");
        var install = Host.Run(dotnet, ["tool", "install", "polc", "--tool-path", tools, "--add-source", packages, "--prerelease"], TimeSpan.FromMinutes(3));
        Assert.True(install.ExitCode == 0, install.Out + install.Err);
        var polc = Path.Combine(tools, "polc");

        // Outside the repository, so nothing can be found next to the sources: `extends docker-default` must resolve
        // from inside the package.
        File.WriteAllText(Path.Combine(directory.Path, "app.pol"), "policy app extends docker-default {\n    syscalls {\n        kill ptrace\n    }\n}\n");
        var check = Host.Run(polc, ["check", "app.pol"], TimeSpan.FromMinutes(1), directory.Path);
        Assert.True(check.ExitCode == 0, check.Out + check.Err);

        if (!Host.IsRoot)
        {
            Assert.Fail("polc run from the installed tool needs root to create namespaces (CI runs as root); the check above passed");
        }
        var run = Host.Run(polc, ["run", "--lsm-optional", Path.Combine(RepoPaths.Profiles, "strict.pol"), "--", "/bin/busybox", "sh", "-c", "grep Seccomp: /proc/self/status"],
            TimeSpan.FromMinutes(1), directory.Path);
        Assert.True(run.ExitCode == 0, run.Out + run.Err);
        Assert.Equal("Seccomp:\t2\n", run.Out);
    }
}
