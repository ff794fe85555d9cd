using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Learning.Support;

/// <summary>
/// A real program run the same way every time, so that what one run needs is what the next run makes: fixed
/// inputs in a private directory, readiness waited for on a FIFO (never by polling, whose retries would vary),
/// servers on loopback at a port found free for this test. Scripts end with `exec PROBE "$@"`: with no argument
/// the probe only says it is ready; with a syscall number it makes that call and reports the errno, which is how
/// tests show that a call the workload never made is refused.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class Workload : IDisposable
{
    private readonly Action _reset;

    private Workload(string name, TempDirectory directory, string[] command, string[] expected, Action? reset)
    {
        Name = name;
        Directory = directory;
        Command = command;
        Expected = expected;
        _reset = reset ?? (() => { });
    }

    public string Name { get; }

    public TempDirectory Directory { get; }

    /// <summary>The command as learned (no probe argument).</summary>
    public string[] Command { get; }

    /// <summary>Lines the run must print, in order (other lines may come between).</summary>
    public string[] Expected { get; }

    /// <summary>Whether the command ends in the probe (it takes a syscall number as its last argument).</summary>
    public bool Probes => Command[0] == "/bin/sh";

    /// <summary>Puts the inputs back as the first run found them (a fresh database, a fresh FIFO).</summary>
    public void Reset() => _reset();

    public string[] WithProbe(uint syscall) => [.. Command, syscall.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    public override string ToString() => Name;

    public void Dispose() => Directory.Dispose();

    public static readonly string[] Names = ["ls", "pipeline", "sqlite", "python-http", "redis"];

    public static Workload Create(string name, string probe) => name switch
    {
        "ls" => Ls(),
        "pipeline" => Script("pipeline", probe, _ => """
            printf 'banana\napple\ncherry\n' | sort | tr a-z A-Z | head -n 2
            """, ["APPLE", "BANANA"]),
        "sqlite" => Sqlite(probe),
        "python-http" => PythonHttp(probe),
        "redis" => Redis(probe),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>`/bin/ls` itself, learned and run without a shell.</summary>
    private static Workload Ls()
    {
        var directory = Open();
        foreach (var file in new[] { "alpha.txt", "beta.txt", "gamma.txt" })
        {
            directory.File($"data/{file}", file + "\n");
        }
        return new Workload("ls", directory, ["/bin/ls", "-1", directory.File("data")], ["alpha.txt", "beta.txt", "gamma.txt"], null);
    }

    private static Workload Sqlite(string probe) =>
        Script("sqlite", probe, d => $"""
            /usr/bin/sqlite3 {d}/app.db 'create table t(x integer); insert into t values (1), (2), (39); select sum(x) from t;'
            """, ["42"], d =>
            {
                foreach (var file in System.IO.Directory.GetFiles(d, "app.db*"))
                {
                    File.Delete(file);
                }
            });

    private static Workload PythonHttp(string probe)
    {
        var port = FreePort();
        return Script("python-http", probe, d => $"""
            cd {d}/www
            /usr/bin/python3 -u -m http.server --bind 127.0.0.1 {port} > {d}/ready 2>/dev/null &
            server=$!
            read -r line < {d}/ready
            /usr/bin/python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:{port}/hello.txt").read().decode().strip())'
            kill $server
            wait $server || true
            """, ["served by python"], d =>
            {
                System.IO.Directory.CreateDirectory(Path.Combine(d, "www"));
                File.WriteAllText(Path.Combine(d, "www", "hello.txt"), "served by python\n");
                Fifo(Path.Combine(d, "ready"));
            });
    }

    private static Workload Redis(string probe)
    {
        var port = FreePort();
        return Script("redis", probe, d => $"""
            /usr/bin/redis-server --port {port} --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir {d} --logfile '' > {d}/ready &
            server=$!
            exec 3< {d}/ready
            while read -r line <&3; do case "$line" in *"Ready to accept connections"*) break ;; esac; done
            /usr/bin/redis-cli -p {port} set greeting hello
            /usr/bin/redis-cli -p {port} get greeting
            /usr/bin/redis-cli -p {port} shutdown nosave || true
            wait $server || true
            """, ["OK", "hello"], d => Fifo(Path.Combine(d, "ready")));
    }

    private static Workload Script(string name, string probe, Func<string, string> body, string[] expected, Action<string>? reset = null)
    {
        var directory = Open();
        var script = directory.File("workload.sh", $"set -e\n{body(directory.Path)}\nexec {probe} \"$@\"\n");
        expected = [.. expected, "probe: ready"];
        var workload = new Workload(name, directory, ["/bin/sh", script], expected, reset is null ? null : () => reset(directory.Path));
        workload.Reset();
        return workload;
    }

    private static TempDirectory Open()
    {
        var directory = new TempDirectory();
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);
        return directory;
    }

    private static void Fifo(string path)
    {
        File.Delete(path);
        var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.True(mkfifo.ExitCode == 0, $"mkfifo {path} failed");
    }

    /// <summary>A loopback port nothing listens on now (the kernel's choice for port 0).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Checks that the output holds the expected lines in order.</summary>
    public void AssertOutput(string output, string context)
    {
        var lines = output.Split('\n');
        var at = 0;
        foreach (var expected in Expected)
        {
            var found = Array.IndexOf(lines, expected, at);
            Assert.True(found >= 0, $"{Name}: expected the line `{expected}` in the output\n{context}\n--- output\n{output}");
            at = found + 1;
        }
    }

    /// <summary>The probe: a static program that makes syscall N (all arguments 0) and reports the errno.</summary>
    public static CProgram BuildProbe() => new("probe", """
        #include <errno.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            printf("probe: ready\n");
            fflush(stdout);
            if (argc < 2) return 0;
            long nr = strtol(argv[1], NULL, 10);
            errno = 0;
            long result = syscall(nr, 0, 0, 0, 0, 0, 0);
            if (result < 0) { printf("probe: syscall %ld: errno %d\n", nr, errno); return 3; }
            printf("probe: syscall %ld: ok\n", nr);
            return 0;
        }
        """);
}
