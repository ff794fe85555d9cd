using System.Runtime.Versioning;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Enforcer.Learning;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Learning;

/// <summary>What the recorder sees of real programs on the real kernel: where recording starts, every thread and
/// child, the arguments that matter, canonical paths, sockets and ports, and the capabilities exercised.</summary>
[SupportedOSPlatform("linux")]
public class RecorderTests
{
    private const string Python = "/usr/bin/python3";

    private static LearnOutcome Record(TempDirectory directory, params string[] command)
    {
        Enforcement.RequireRoot();
        var outcome = Recorder.Record(new LearnRequest(command)
        {
            StandardInput = "/dev/null",
            StandardOutput = directory.File("out"),
            StandardError = directory.File("err"),
            Launcher = Enforcement.Launcher,
            Timeout = TimeSpan.FromMinutes(1),
        });
        Assert.True(outcome.Failure is null, $"{outcome.Failure}\n{File.ReadAllText(directory.File("err"))}");
        return outcome;
    }

    private static HashSet<string> Syscalls(Recording recording) => recording.Syscalls.Keys.Select(k => k.Syscall).ToHashSet();

    [Fact]
    public void Recording_starts_at_the_programs_execve_and_leaves_out_the_launcher()
    {
        using var directory = new TempDirectory();
        var outcome = Record(directory, "/bin/true");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(1, outcome.Recording.Syscalls[(Arch.X86_64, "execve")]);
        // The launcher's last steps (no_new_privs, capability sets, the filter itself) come before the execve.
        Assert.DoesNotContain("seccomp", Syscalls(outcome.Recording));
        Assert.DoesNotContain("capset", Syscalls(outcome.Recording));
        Assert.DoesNotContain("prctl", Syscalls(outcome.Recording));
        Assert.Contains("exit_group", Syscalls(outcome.Recording));
        Assert.Equal(["/usr/bin/true"], outcome.Recording.Programs);
        var applets = Record(directory, "/bin/busybox", "sh", "-c", "/proc/self/exe true");
        Assert.Equal(["/usr/bin/busybox"], applets.Recording.Programs); // run through /proc/self/exe: the file itself
        Assert.DoesNotContain(applets.Recording.Paths.Keys, p => p.Contains("ld-linux"));
        Assert.True(outcome.Recording.Paths.GetValueOrDefault("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2").HasFlag(PathUse.Exec),
            "the dynamic loader the kernel maps is recorded as executed");
    }

    [Fact]
    public void Exit_status_passes_through_and_a_missing_program_is_reported()
    {
        using var directory = new TempDirectory();
        Assert.Equal(7, Record(directory, "/bin/sh", "-c", "exit 7").ExitCode);
        var missing = Recorder.Record(new LearnRequest(["no-such-program-polc"]) { Launcher = Enforcement.Launcher });
        Assert.Equal(127, missing.ExitCode);
        Assert.Contains("command not found", missing.Failure);
    }

    [Fact]
    public void Every_thread_and_child_is_followed()
    {
        using var directory = new TempDirectory();
        var file = directory.File("from-thread", "thread\n");
        var outcome = Record(directory, Python, "-c", $$"""
            import subprocess, threading
            t = threading.Thread(target=lambda: open("{{file}}").read())
            t.start(); t.join()
            subprocess.run(["/bin/sh", "-c", "/bin/echo child"], check=True)
            """);
        Assert.Equal(0, outcome.ExitCode);
        var recording = outcome.Recording;
        Assert.True(recording.Processes.Count >= 3, $"python, sh and echo: {recording.Processes.Count} processes");
        Assert.True(recording.Threads.Count > recording.Processes.Count, "python's thread is followed too");
        Assert.Contains("/usr/bin/echo", recording.Programs);
        Assert.Contains("/usr/bin/dash", recording.Programs);
        Assert.Equal(PathUse.Read, recording.Paths[file]);
        Assert.Contains(recording.Syscalls.Keys, k => k.Syscall is "clone" or "clone3");
    }

    [Fact]
    public void Paths_are_canonical_as_AppArmor_sees_them()
    {
        using var directory = new TempDirectory();
        var real = directory.File("real/data.txt", "x\n");
        var viaDescriptor = directory.File("real/via-fd.txt", "y\n");
        File.CreateSymbolicLink(directory.File("link"), Path.Combine(directory.Path, "real"));
        var outcome = Record(directory, Python, "-c", $$"""
            import os
            os.chdir("{{directory.Path}}")
            open("link/data.txt").read()                       # through a symlink, relative to the cwd
            d = os.open("real", os.O_RDONLY | os.O_DIRECTORY)
            os.close(os.open("new.txt", os.O_WRONLY | os.O_CREAT, dir_fd=d))  # relative to a directory descriptor
            open("/proc/self/status").read()
            handle = os.open("{{viaDescriptor}}", os.O_PATH)
            open(f"/proc/self/fd/{handle}").read()             # a magic link: the kernel opens the file itself
            os.open("{{directory.Path}}", os.O_PATH)          # O_PATH opens nothing
            """);
        var paths = outcome.Recording.Paths;
        Assert.Equal(PathUse.Read, paths[real]);
        Assert.Equal(PathUse.Write, paths[Path.Combine(directory.Path, "real", "new.txt")]);
        Assert.Equal(PathUse.Read, paths["/proc/self/status"]);
        Assert.Equal(PathUse.Read, paths[viaDescriptor]);
        Assert.DoesNotContain(paths.Keys, p => p.StartsWith("/proc/self/fd/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths.Keys, p => p.Contains("/link"));
        Assert.False(paths.ContainsKey(directory.Path), "an O_PATH open is no access");
    }

    [Fact]
    public void Sockets_ports_and_families_are_recorded()
    {
        using var directory = new TempDirectory();
        var outcome = Record(directory, Python, "-c", """
            import socket
            server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            server.bind(("127.0.0.1", 0)); server.listen()
            port = server.getsockname()[1]
            client = socket.create_connection(("127.0.0.1", port))
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.sendto(b"x", ("127.0.0.1", 9))
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
            print(port)
            """);
        var port = int.Parse(File.ReadAllText(directory.File("out")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var recording = outcome.Recording;
        Assert.Contains(new PortUse(PortProtocol.Tcp, (ushort)port, Bind: false), recording.Ports);
        Assert.Contains(new PortUse(PortProtocol.Udp, 9, Bind: false), recording.Ports);
        Assert.DoesNotContain(recording.Ports, p => p.Bind); // port 0: the kernel's choice, nothing to allow
        Assert.True(recording.Sockets.HasFlag(NetworkAccess.Inet4Stream | NetworkAccess.Inet4Dgram | NetworkAccess.Unix), recording.Sockets.ToString());
        Assert.True(ConstantTable.TryGet("AF_UNIX", out var unix));
        Assert.True(ConstantTable.TryGet("AF_INET", out var inet));
        Assert.Superset(new SortedSet<ulong> { unix, inet }, recording.ArgumentValues[(Arch.X86_64, "socket")]);
    }

    [Fact]
    public void Capabilities_exercised_are_inferred_with_the_call_that_needed_them()
    {
        using var directory = new TempDirectory();
        var secret = directory.File("secret", "s\n");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Chown(secret, 1000);
        var mine = directory.File("mine", "m\n");
        var outcome = Record(directory, Python, "-c", $$"""
            import os, socket
            open("{{secret}}").read()                      # owner 1000, mode 0600: root reads it through DAC_READ_SEARCH
            os.chown("{{mine}}", 1000, 1000)               # CHOWN
            s = socket.socket()
            for port in range(1000, 1024):                 # below ip_unprivileged_port_start: NET_BIND_SERVICE
                try:
                    s.bind(("127.0.0.1", port)); break
                except OSError:
                    pass
            """);
        Assert.Equal(0, outcome.ExitCode);
        var found = outcome.Recording.Capabilities.ToDictionary(c => c.Key.ShortName, c => c.Value);
        Assert.Contains("DAC_READ_SEARCH", found.Keys);
        Assert.Contains(secret, found["DAC_READ_SEARCH"]);
        Assert.Contains("CHOWN", found.Keys);
        Assert.StartsWith("bind tcp 10", found["NET_BIND_SERVICE"]);
        Assert.DoesNotContain("SYS_ADMIN", found.Keys);
    }

    [Fact]
    public void Namespace_flags_and_privileged_calls_are_recorded()
    {
        using var directory = new TempDirectory();
        var outcome = Record(directory, "/usr/bin/unshare", "--uts", "/bin/true");
        Assert.Equal(0, outcome.ExitCode);
        Assert.True(ConstantTable.TryGet("CLONE_NEWUTS", out var uts));
        Assert.Contains(uts, outcome.Recording.ArgumentValues[(Arch.X86_64, "unshare")]);
        Assert.Contains(outcome.Recording.Capabilities.Keys, c => c.ShortName == "SYS_ADMIN");
        var text = LearnedPolicyWriter.Write(outcome.Recording, new LearnSource("unshare", ["unshare"], 0));
        Assert.Contains("allow unshare if arg0 in [CLONE_NEWUTS]", text);
    }

    [Fact]
    public void A_program_that_runs_too_long_is_killed_at_the_timeout()
    {
        Enforcement.RequireRoot();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var outcome = Recorder.Record(new LearnRequest(["/bin/sleep", "60"]) { Launcher = Enforcement.Launcher, Timeout = TimeSpan.FromSeconds(1) });
        Assert.Contains("did not finish", outcome.Failure);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    private static void Chown(string path, int uid)
    {
        var chown = System.Diagnostics.Process.Start("chown", [$"{uid}:{uid}", path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
