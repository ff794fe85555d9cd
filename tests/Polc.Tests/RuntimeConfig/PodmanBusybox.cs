using Polc.Tests.Support;

namespace Polc.Tests.RuntimeConfig;

/// <summary>
/// A busybox image built offline (busybox-static plus one symlink per applet, `podman import`ed under a unique tag)
/// and a way to run containers from it with podman and runc, as the test host allows (cgroupfs, vfs storage).
/// Removed again when the test class is done.
/// </summary>
public sealed class PodmanBusybox : IDisposable
{
    public static readonly string[] GlobalOptions = ["--cgroup-manager=cgroupfs", "--storage-driver=vfs", "--runtime", "runc"];

    private readonly TempDirectory _build = new();

    public PodmanBusybox()
    {
        Host.RequireRoot("run podman containers");
        Podman = Host.Require("podman", "podman");
        Host.Require("runc", "runc");
        var busybox = File.Exists("/bin/busybox") ? "/bin/busybox"
            : throw new Xunit.Sdk.XunitException("/bin/busybox is missing; install the Debian package `busybox-static` (listed in .ci/run)");
        Image = $"localhost/polc-runtimecfg-busybox:{Guid.NewGuid():N}";
        var root = Path.Combine(_build.Path, "rootfs");
        foreach (var directory in new[] { "bin", "tmp", "etc", "proc", "sys", "dev", "srv" })
        {
            Directory.CreateDirectory(Path.Combine(root, directory));
        }
        // As in every real image: podman copies the image's /tmp mode up onto a `--tmpfs /tmp` (tmpcopyup).
        Check(Host.Run("/bin/chmod", ["1777", Path.Combine(root, "tmp")]), "chmod");
        File.Copy(busybox, Path.Combine(root, "bin", "busybox"));
        var applets = Host.Run(busybox, ["--list"]).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var applet in applets.Where(a => a != "busybox"))
        {
            File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "busybox");
        }
        File.WriteAllText(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/:/bin/sh\n");
        var tar = Path.Combine(_build.Path, "rootfs.tar");
        Check(Host.Run("/bin/tar", ["-C", root, "-cf", tar, "."]), "tar");
        Check(Host.Run(Podman, [.. GlobalOptions, "import", tar, Image]), "podman import");
    }

    public string Podman { get; }

    public string Image { get; }

    /// <summary>Runs `podman run` through /bin/sh, so that <paramref name="quotedFlags"/> (a shell-quoted line, as in
    /// NAME.docker-args) is split by a real shell, then <paramref name="script"/> inside the container.</summary>
    public Host.Outcome Run(string quotedFlags, string script, string workingDirectory)
    {
        var name = $"polc-runtimecfg-{Guid.NewGuid():N}";
        // runc as root cannot raise nofile and nproc to podman's defaults for root on this host (DEVELOPERS.md), so the
        // limits that work here go first, unless the policy's flags set their own.
        var ulimits = string.Join(' ', new[] { "nofile", "nproc" }
            .Where(limit => !quotedFlags.Contains($"--ulimit {limit}=", StringComparison.Ordinal))
            .Select(limit => $"--ulimit {limit}=1024:1024"));
        var command = $"exec {Podman} {string.Join(' ', GlobalOptions)} run --rm --name {name} {ulimits} {quotedFlags} {Image} /bin/sh -c {DockerRunQuote(script)}";
        try
        {
            return Host.Run("/bin/sh", ["-c", command], TimeSpan.FromMinutes(2), workingDirectory);
        }
        finally
        {
            Host.Run(Podman, [.. GlobalOptions, "rm", "--force", "--ignore", name]);
        }
    }

    private static string DockerRunQuote(string text) => Polc.Backends.DockerRun.ShellWords.Quote(text);

    private static void Check(Host.Outcome outcome, string what)
    {
        if (outcome.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"{what} failed ({outcome.ExitCode}): {outcome.Err}");
        }
    }

    public void Dispose()
    {
        Host.Run(Podman, [.. GlobalOptions, "rmi", "--force", Image]);
        _build.Dispose();
    }
}
