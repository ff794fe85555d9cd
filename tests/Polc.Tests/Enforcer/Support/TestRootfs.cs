using System.Runtime.Versioning;
using System.Diagnostics;
using Polc.Tests.Support;

namespace Polc.Tests.Enforcer.Support;

/// <summary>A minimal root file system for pivot_root tests: busybox-static and its applets, plus the
/// directories a new root needs (/proc, /sys, /dev, /tmp). Removed when disposed.</summary>
[SupportedOSPlatform("linux")]
public sealed class TestRootfs : IDisposable
{
    private const string Busybox = "/bin/busybox";
    private static readonly string[] Applets = ["sh", "cat", "ls", "touch", "mkdir", "echo", "id", "hostname", "grep", "wc", "sleep", "stat", "readlink", "ps"];

    private readonly TempDirectory _directory = new();

    public TestRootfs()
    {
        Assert.True(File.Exists(Busybox), "pivot_root tests build a root from busybox-static (apt-get install busybox-static)");
        File.SetUnixFileMode(_directory.Path, (UnixFileMode)0b111_101_101);
        Path = System.IO.Path.Combine(_directory.Path, "root");
        foreach (var directory in new[] { "bin", "proc", "sys", "dev", "tmp", "etc", "data" })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(Path, directory));
        }
        File.Copy(Busybox, System.IO.Path.Combine(Path, "bin", "busybox"));
        foreach (var applet in Applets)
        {
            File.CreateSymbolicLink(System.IO.Path.Combine(Path, "bin", applet), "busybox");
        }
        File.WriteAllText(System.IO.Path.Combine(Path, "etc", "secret"), "the-secret\n");
    }

    public string Path { get; }

    /// <summary>A directory beside the root, for bind-mount sources.</summary>
    public string Outside(string name)
    {
        var path = System.IO.Path.Combine(_directory.Path, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose() => _directory.Dispose();
}

/// <summary>Small C programs for tests, compiled statically with gcc into a temporary directory.</summary>
[SupportedOSPlatform("linux")]
public sealed class CProgram : IDisposable
{
    private readonly TempDirectory _directory = new();

    public CProgram(string name, string source)
    {
        File.SetUnixFileMode(_directory.Path, (UnixFileMode)0b111_101_101);
        var sourcePath = _directory.File(name + ".c", source);
        Path = _directory.File(name);
        var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O1", "-static", "-o", Path, sourcePath]) { RedirectStandardError = true })!;
        var errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, $"gcc failed on the test helper {name}:\n{errors}");
    }

    public string Path { get; }

    public void Dispose() => _directory.Dispose();
}
