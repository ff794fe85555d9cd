using System.Net;
using System.Runtime.Versioning;
using Polc.Backends;
using Polc.Backends.Plan;
using Polc.Compiler.Text;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Learning.Support;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;

namespace Polc.Tests.Profiles;

/// <summary>
/// Each bundled profile with the program it was written for, under `polc run` on the real kernel: the seccomp
/// filter, namespaces, user, read-only root and mounts all in force (AppArmor is not in this kernel, hence
/// `--lsm-optional`). Profiles are used as users are told to: as they are, or extended with their own paths.
/// </summary>
[SupportedOSPlatform("linux")]
public class ProfileProgramTests
{
    private static string Profile(string name) => Path.Combine(RepoPaths.Profiles, name + ".pol");

    [Fact]
    public void Strict_runs_busybox_file_io_as_nobody_with_nothing_else()
    {
        Enforcement.RequireRoot();
        EnforcedFilter.AssertPlanCarriesAFilter(Profile("strict"));
        const string Script = """
            echo 'polc strict profile' > /tmp/in
            cp /tmp/in /tmp/out
            sha256sum /tmp/out
            cat /tmp/out
            ls /tmp
            grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' /proc/self/status
            hostname
            grep -o '^ *[a-z0-9]*:' /proc/net/dev
            echo x > /etc/polc-strict-probe || echo root=readonly
            nc 127.0.0.1 9 < /dev/null || echo nc=refused
            """;
        var run = CliRunner.Run("run", "--lsm-optional", Profile("strict"), "--", "/bin/busybox", "sh", "-c", Script);
        Assert.True(run.ExitCode == 0, run.Out + run.Err);
        var lines = run.Out.Split('\n');
        Assert.Equal(Sha256("polc strict profile\n") + "  /tmp/out", lines[0]);
        Assert.Equal(["polc strict profile", "in", "out"], lines[1..4]);
        Assert.Contains("Uid:\t65534\t65534\t65534\t65534", lines);
        Assert.Contains("CapEff:\t0000000000000000", lines);
        Assert.Contains("NoNewPrivs:\t1", lines);
        Assert.Contains("Seccomp:\t2", lines);
        Assert.Contains("strict", lines);
        Assert.Equal(["    lo:"], lines.Where(l => l.EndsWith(':')).ToArray()); // a network namespace with loopback only
        Assert.Contains("root=readonly", lines);
        Assert.Contains("nc=refused", lines);
        Assert.Contains("nc: socket: Operation not permitted", run.Err); // the filter, not a missing network
    }

    /// <summary>Docker's and Podman's defaults as bases are used as they are: a shell works, the 14 default capabilities
    /// (Docker's, which Podman's profile assumes: 0xa80425fb) are the effective set, sethostname is refused without
    /// CAP_SYS_ADMIN, and unshare is refused by Docker's filter but left to the kernel by Podman's.</summary>
    [Theory]
    [InlineData("docker-default", "unshare=1")]
    [InlineData("podman-default", "unshare=0")]
    public void Docker_and_podman_defaults_run_a_shell(string name, string unshare)
    {
        Enforcement.RequireRoot();
        EnforcedFilter.AssertPlanCarriesAFilter(Profile(name));
        const string Script = """
            mkdir -p /tmp/polc-defaults && echo fine > /tmp/polc-defaults/f && cat /tmp/polc-defaults/f
            grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status
            hostname polc-probe; echo hostname=$?
            busybox unshare -U true; echo unshare=$?
            rm -r /tmp/polc-defaults
            """;
        var run = CliRunner.Run("run", "--lsm-optional", Profile(name), "--", "/bin/busybox", "sh", "-c", Script);
        Assert.True(run.ExitCode == 0, run.Out + run.Err);
        var lines = run.Out.Split('\n');
        Assert.Equal("fine", lines[0]);
        Assert.Contains("CapEff:\t00000000a80425fb", lines);
        Assert.Contains("NoNewPrivs:\t1", lines);
        Assert.Contains("Seccomp:\t2", lines);
        Assert.Contains("hostname=1", lines);
        Assert.Contains("sethostname: Operation not permitted", run.Err);
        Assert.Contains(unshare, lines);
    }

    [Fact]
    public void Sqlite_writes_a_database_in_a_directory_bound_into_the_sandbox()
    {
        Enforcement.RequireRoot();
        using var directory = new TempDirectory();
        var data = directory.File("db");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111); // nobody writes there
        var policy = directory.File("books.pol", $$"""
            policy books extends sqlite {
                filesystem {
                    bind "{{data}}" to "/tmp/db"
                    write "/tmp/db/**"
                }
            }
            """);
        EnforcedFilter.AssertPlanCarriesAFilter(policy);
        const string Sql = "create table t(x integer); insert into t values (1), (2); begin; update t set x = x * 2; commit; " +
            "insert into t values (36); pragma journal_mode=wal; vacuum; select sum(x) from t;";
        var run = CliRunner.Run("run", "--lsm-optional", policy, "--", "/usr/bin/sqlite3", "/tmp/db/books.db", Sql);
        Assert.True(run.ExitCode == 0, run.Out + run.Err);
        Assert.Equal("wal\n42\n", run.Out);
        Assert.True(File.Exists(Path.Combine(data, "books.db")), "the database is on the host, in the bound directory");

        // The shell's escape hatch needs a child process, which the profile does not allow.
        var shell = CliRunner.Run("run", "--lsm-optional", policy, "--", "/usr/bin/sqlite3", "/tmp/db/books.db", ".shell id", "select count(*) from t;");
        Assert.DoesNotContain("uid=", shell.Out);
        Assert.EndsWith("3\n", shell.Out);
    }

    [Fact]
    public async Task Web_python_serves_files_over_loopback_and_stops_cleanly_on_ctrl_c()
    {
        Enforcement.RequireRoot();
        using var directory = new TempDirectory();
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);
        var www = directory.File("www");
        Directory.CreateDirectory(www);
        File.WriteAllText(Path.Combine(www, "hello.txt"), "served by polc's web-python profile\n");
        var port = Workload.FreePort();
        var plan = Plan($$"""
            policy site extends web-python {
                filesystem { read "{{www}}/**" }
                network { bind tcp {{port}} }
            }
            """);
        using var server = new Enforcement.Running(plan, ["--lsm-optional"], ["/usr/bin/python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", $"{port}", "--directory", www], Enforcement.Launcher, []);
        server.WaitForLine(l => l.StartsWith("Serving HTTP on 127.0.0.1", StringComparison.Ordinal));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        Assert.Equal("served by polc's web-python profile\n", await client.GetStringAsync($"http://127.0.0.1:{port}/hello.txt"));
        Assert.Contains("hello.txt", await client.GetStringAsync($"http://127.0.0.1:{port}/"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"http://127.0.0.1:{port}/missing")).StatusCode);
        Enforcement.Signal(server.Process.Id, 2); // SIGINT: KeyboardInterrupt, raised from a signal handler
        var result = server.Wait();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Keyboard interrupt received, exiting.", result.Out);
    }

    [Fact]
    public void Redis_serves_clients_saves_in_the_background_and_shuts_down_on_sigterm()
    {
        Enforcement.RequireRoot();
        var cli = Host.Require("redis-cli", "redis-tools");
        using var directory = new TempDirectory();
        var data = directory.File("data");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);
        var port = Workload.FreePort();
        var plan = Plan($$"""
            policy cache extends redis {
                filesystem {
                    bind "{{data}}" to "{{data}}"
                    write "{{data}}/**"
                }
                network { bind tcp {{port}} }
            }
            """);
        using var server = new Enforcement.Running(plan, ["--lsm-optional"],
            ["/usr/bin/redis-server", "--port", $"{port}", "--bind", "127.0.0.1", "--appendonly", "yes", "--dir", data], Enforcement.Launcher, []);
        server.WaitForLine(l => l.Contains("Ready to accept connections", StringComparison.Ordinal));
        string Cli(params string[] args) => Host.Run(cli, ["-p", $"{port}", .. args]).Out.Trim();
        Assert.Equal("OK", Cli("set", "greeting", "hello"));
        Assert.Equal("hello", Cli("get", "greeting"));
        Assert.Equal("Background saving started", Cli("bgsave"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Cli("info", "persistence").Contains("rdb_bgsave_in_progress:0") && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
        Assert.Contains("rdb_last_bgsave_status:ok", Cli("info", "persistence")); // the forked child wrote and renamed it
        Enforcement.Signal(server.Process.Id, 15); // SIGTERM: Redis saves and exits from its handler
        var result = server.Wait();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Redis is now ready to exit, bye bye", result.Out);
        Assert.True(File.Exists(Path.Combine(data, "dump.rdb")));
        Assert.True(Directory.Exists(Path.Combine(data, "appendonlydir")));
    }

    /// <summary>The plan `polc run` would launch, with the seccomp filter it must carry.</summary>
    private static byte[] Plan(string policy)
    {
        var result = CompilationPipeline.Compile(new SourceText("extended.pol", policy), [BackendRegistry.All.OfType<PlanBackend>().Single()], BackendOptions.Default);
        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        var plan = Assert.Single(result.Artifacts).Content;
        Assert.Contains("\nseccomp x86_64 ", System.Text.Encoding.UTF8.GetString(plan));
        return plan;
    }

    private static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
