using System.Diagnostics;
using Polc.Backends;
using Polc.Backends.DockerSeccomp;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.DockerSeccomp;

/// <summary>A throw-away Podman store (vfs, runc, cgroupfs) with a busybox image made offline.</summary>
public sealed class PodmanBusybox : IDisposable
{
    private readonly TempDirectory _store = new();

    public PodmanBusybox()
    {
        var missing = new[] { "podman", "runc", "busybox", "tar" }.Where(tool => OnPath(tool) is null).ToList();
        if (Environment.UserName != "root" || missing.Count > 0)
        {
            Problem = $"needs root and podman, runc, busybox-static (missing: {string.Join(", ", missing.DefaultIfEmpty("none"))}; user {Environment.UserName})";
            return;
        }
        var rootfs = Path.Combine(_store.Path, "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        Directory.CreateDirectory(Path.Combine(rootfs, "tmp"));
        File.Copy(OnPath("busybox")!, Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in new[] { "sh", "mkdir", "chmod", "cat", "echo", "hostname" })
        {
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        }
        var tar = Path.Combine(_store.Path, "rootfs.tar");
        var packed = Run(OnPath("tar")!, ["-C", rootfs, "-cf", tar, "."]);
        var imported = Podman(["import", tar, Image]);
        Problem = packed.Code != 0 || imported.Code != 0 ? $"could not build the busybox image: {packed.Err}{imported.Err}" : null;
    }

    public const string Image = "localhost/polc-busybox:test";

    /// <summary>Why the fixture cannot run containers, or null.</summary>
    public string? Problem { get; }

    /// <summary>A directory for profiles, removed with the store.</summary>
    public string Scratch => _store.Path;

    private static string? OnPath(string tool) => (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
        .Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    public (int Code, string Out, string Err) RunContainer(string profile, string script) => Podman(
    [
        "run", "--rm", "--network=none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
        "--security-opt", $"seccomp={profile}", Image, "/bin/sh", "-c", script,
    ]);

    private (int Code, string Out, string Err) Podman(IEnumerable<string> args) => Run(OnPath("podman")!,
    [
        "--root", Path.Combine(_store.Path, "root"), "--runroot", Path.Combine(_store.Path, "run"), "--storage-driver=vfs",
        "--cgroup-manager=cgroupfs", "--runtime", "runc", "--events-backend=file", .. args,
    ]);

    private static (int Code, string Out, string Err) Run(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    public void Dispose() => _store.Dispose();
}

/// <summary>The Docker profile polc writes, run by the real consumer: Podman with runc, in a container.</summary>
public class PodmanTests(PodmanBusybox podman) : IClassFixture<PodmanBusybox>
{
    [Fact]
    public void Container_runs_under_the_profile_with_the_declared_errnos()
    {
        Assert.True(podman.Problem is null, "podman test: " + podman.Problem);
        var profile = Compile("""
            policy pmtest extends docker-default {
                syscalls {
                    default errno EACCES
                    arch x86_64
                    errno ENOSYS mkdir, mkdirat
                    errno EROFS chmod if arg1 == 0o600
                }
            }
            """);
        var run = podman.RunContainer(profile,
            "echo ok > /tmp/f && cat /tmp/f; mkdir /tmp/d; echo mkdir=$?; chmod 600 /tmp/f; echo chmod600=$?; chmod 644 /tmp/f; echo chmod644=$?; hostname foo; echo hostname=$?");
        Assert.True(run.Code == 0, $"podman run failed ({run.Code}): {run.Err}");
        Assert.Equal("ok\nmkdir=1\nchmod600=1\nchmod644=0\nhostname=1\n", run.Out);
        Assert.Contains("mkdir: can't create directory '/tmp/d': Function not implemented", run.Err, StringComparison.Ordinal); // errno ENOSYS
        Assert.Contains("chmod: /tmp/f: Read-only file system", run.Err, StringComparison.Ordinal);                          // errno EROFS, only for mode 0600
        Assert.Contains("hostname: sethostname: Permission denied", run.Err, StringComparison.Ordinal);                     // the default, EACCES
    }

    [Fact]
    public void Bundled_docker_default_refuses_what_docker_refuses()
    {
        Assert.True(podman.Problem is null, "podman test: " + podman.Problem);
        var profile = Compile("policy dd extends docker-default {\n}\n");
        var run = podman.RunContainer(profile, "mkdir /tmp/d && chmod 600 /tmp/d && echo fine; hostname foo; echo hostname=$?");
        Assert.True(run.Code == 0, $"podman run failed ({run.Code}): {run.Err}");
        Assert.Equal("fine\nhostname=1\n", run.Out);
        Assert.Contains("hostname: sethostname: Operation not permitted", run.Err, StringComparison.Ordinal); // EPERM, Docker's default
    }

    private string Compile(string policy)
    {
        var result = CompilationPipeline.Compile(new SourceText("pmtest.pol", policy), [new DockerSeccompBackend()], BackendOptions.Default);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var artifact = Assert.Single(result.Artifacts);
        var path = Path.Combine(podman.Scratch, Guid.NewGuid().ToString("N") + "-" + artifact.FileName);
        File.WriteAllBytes(path, artifact.Content);
        return path;
    }
}
