using Polc.Backends;
using Polc.Backends.Capabilities;
using Polc.Backends.Cgroups;
using Polc.Backends.DockerRun;
using Polc.Compiler.Ir;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;
using Xunit.Abstractions;

namespace Polc.Tests.DockerRun;

/// <summary>
/// The real consumer of NAME.docker-args: podman with runc runs a busybox container with the generated line (split by
/// /bin/sh, as a user would paste it), and the container reports what it got: capabilities, cgroup limits, rlimits,
/// hostname, read-only root, tmpfs. The host has no AppArmor, so `apparmor=` is dropped; the seccomp option points at a
/// permissive profile written by the test (the docker-seccomp backend writes the real one).
/// </summary>
public class DockerArgsPodmanTests(PodmanBusybox podman, ITestOutputHelper output) : IClassFixture<PodmanBusybox>
{
    private const string Probe = """
        grep ^Cap /proc/self/status
        for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes memory/memory.soft_limit_in_bytes \
                 cpu/cpu.cfs_period_us cpu/cpu.cfs_quota_us cpu/cpu.shares cpuset/cpuset.cpus pids/pids.max \
                 blkio/blkio.throttle.read_bps_device blkio/blkio.throttle.write_iops_device; do
            echo "$f=$(cat /sys/fs/cgroup/$f | head -n 1)"
        done
        echo "nofile=$(ulimit -n):$(ulimit -Hn)"
        echo "hostname=$(hostname)"
        touch /root-file 2>/dev/null && echo root=writable || echo root=readonly
        touch /scratch/file && echo scratch=writable || echo scratch=readonly
        """;

    [Fact]
    public void Root_container_gets_the_declared_capabilities_limits_and_mounts()
    {
        const string text = """
            policy box {
                capabilities { allow CHOWN, NET_BIND_SERVICE, KILL }
                filesystem {
                    readonly root
                    tmpfs "/scratch" size 1MiB mode 0o1777
                }
                network none
                resources {
                    memory 64MiB
                    memory-swap 16MiB
                    memory-reservation 32MiB
                    cpu 0.5
                    cpu-weight 100
                    cpuset "0"
                    pids 32
                    io "/dev/loop0" read 1MiB/s write-iops 100
                    rlimit nofile 512 1024
                    rlimit nproc 1024
                }
                isolation { hostname "polc-box" }
            }
            """;
        var policy = Policies.Bind(text);
        var (report, diagnostics) = RunProbe(policy, Probe);
        Assert.Empty(diagnostics);

        var expected = CapabilityState.Configured(policy.Capabilities).AfterExecve(root: true, noNewPrivileges: true);
        Assert.Equal(CapabilityState.Hex(expected.Effective), report["CapEff"]);
        Assert.Equal(CapabilityState.Hex(policy.Capabilities.AllowedMask), report["CapEff"]);
        Assert.Equal(CapabilityState.Hex(expected.Bounding), report["CapBnd"]);

        // runc wrote the same v1 values the cgroup backend plans (the plan is what polc's own launcher writes).
        var plan = CgroupPlan.From(policy);
        foreach (var file in plan.V1.Where(f => f.Controller != "blkio"))
        {
            Assert.Equal(file.Value, report[$"{file.Controller}/{file.File}"]);
        }
        var device = BlockDevices.Resolve("/dev/loop0");
        Assert.Equal($"{device} {1 << 20}", report["blkio/blkio.throttle.read_bps_device"]);
        Assert.Equal($"{device} 100", report["blkio/blkio.throttle.write_iops_device"]);
        Assert.Equal("512:1024", report["nofile"]);
        Assert.Equal("polc-box", report["hostname"]);
        Assert.Equal("readonly", report["root"]);
        Assert.Equal("writable", report["scratch"]);
    }

    [Fact]
    public void Memory_and_pids_limits_are_in_force()
    {
        const string text = """
            policy hog {
                network none
                resources {
                    memory 32MiB
                    memory-swap 0
                    pids 16
                    rlimit nofile 1024
                    rlimit nproc 1024
                }
            }
            """;
        // sort holds its whole input: 96 MiB of one line cannot fit in 32 MiB without swap, so the kernel kills it.
        // Then a subshell starts 30 background sleeps against a limit of 16 tasks and dies when a fork fails; the
        // counters are read with the `read` builtin, as no fork is possible while the sleeps hold every slot.
        const string script = """
            head -c 100663296 /dev/zero | sort >/dev/null; echo "sort=$?"
            while read key value; do [ "$key" = oom_kill ] && echo "oom_kill=$value"; done < /sys/fs/cgroup/memory/memory.oom_control
            ( i=0; while [ $i -lt 30 ]; do i=$((i+1)); sleep 3 & done ) 2>/dev/null
            read running < /sys/fs/cgroup/pids/pids.current; echo "running=$running"
            read max < /sys/fs/cgroup/pids/pids.max; echo "pidsmax=$max"
            read event refused < /sys/fs/cgroup/pids/pids.events; echo "refused=$refused"
            """;
        var (report, _) = RunProbe(Policies.Bind(text), script);
        Assert.Equal("137", report["sort"]);
        Assert.True(long.Parse(report["oom_kill"]) > 0, "the memory cgroup never killed anything");
        Assert.Equal("16", report["pidsmax"]);
        Assert.InRange(int.Parse(report["running"]), 1, 16);
        Assert.True(long.Parse(report["refused"]) > 0, "no fork was refused");
    }

    [Fact]
    public void Non_root_container_holds_its_ambient_capabilities()
    {
        const string text = """
            policy amb {
                capabilities {
                    allow NET_BIND_SERVICE, NET_RAW
                    ambient NET_BIND_SERVICE, NET_RAW
                }
                network none
                resources { rlimit nofile 1024; rlimit nproc 1024 }
                isolation { user 1000 group 1000 }
            }
            """;
        var policy = Policies.Bind(text);
        var (report, diagnostics) = RunProbe(policy, "grep ^Cap /proc/self/status; echo \"id=$(id -u):$(id -g)\"");
        // Podman raises every --cap-add as ambient for a non-root user, which here is exactly the policy's set...
        var expected = CapabilityState.Configured(policy.Capabilities).AfterExecve(root: false, noNewPrivileges: true);
        Assert.Equal(CapabilityState.Hex(expected.Effective), report["CapEff"]);
        Assert.Equal(CapabilityState.Hex(expected.Ambient), report["CapAmb"]);
        Assert.Equal("1000:1000", report["id"]);
        // ...but Docker would leave it empty, which the warning says.
        Assert.Equal("POL2410", Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void Non_root_warning_is_right_that_podman_raises_bounding_only_capabilities_too()
    {
        const string text = """
            policy partial {
                capabilities {
                    allow NET_BIND_SERVICE, CHOWN
                    ambient NET_BIND_SERVICE
                }
                network none
                resources { rlimit nofile 1024; rlimit nproc 1024 }
                isolation { user 1000 }
            }
            """;
        var policy = Policies.Bind(text);
        var (report, diagnostics) = RunProbe(policy, "grep ^Cap /proc/self/status");
        Assert.Equal("POL2410", Assert.Single(diagnostics).Code);
        var predicted = CapabilityState.Configured(policy.Capabilities).AfterExecve(root: false, noNewPrivileges: true);
        Assert.NotEqual(CapabilityState.Hex(predicted.Effective), report["CapEff"]);
        Assert.Equal(CapabilityState.Hex(policy.Capabilities.AllowedMask), report["CapEff"]);
    }

    [Fact]
    public void Random_policies_run_and_report_their_flags()
    {
        var cpus = Environment.ProcessorCount;
        var hardNofile = ulong.Parse(Host.Run("/bin/sh", ["-c", "ulimit -Hn"]).Out.Trim());
        // Capabilities this sandbox lacks cannot be handed to a container; RLIMIT_NPROC counts every uid-0 process of
        // the host and a small RLIMIT_STACK breaks execve, so neither is drawn.
        var hostBounding = Convert.ToUInt64(Host.StatusFields(File.ReadAllText("/proc/self/status"))["CapBnd"], 16);
        var pool = Polc.Compiler.Semantics.CapabilityTable.All.Where(c => (hostBounding & (1UL << c.Number)) != 0).ToList();
        for (var seed = 1; seed <= 4; seed++)
        {
            var text = new RandomRuntimePolicy(seed).Generate(new RandomRuntimePolicy.Limits(Cpus: cpus, RlimitCeiling: Math.Min(hardNofile, 4096), Capabilities: pool, Binds: false, RlimitNames: ["nofile", "core", "memlock"]));
            var policy = Policies.Bind(text);
            output.WriteLine($"seed {seed}");
            var (report, _) = RunProbe(policy, "grep ^Cap /proc/self/status; echo \"hostname=$(hostname)\"; echo \"pids=$(cat /sys/fs/cgroup/pids/pids.max)\"");
            var root = policy.Isolation.User?.Value is null or 0;
            var expected = CapabilityState.Configured(policy.Capabilities).AfterExecve(root, policy.Isolation.NoNewPrivileges.Value);
            if (root)
            {
                Assert.Equal(CapabilityState.Hex(expected.Effective), report["CapEff"]);
            }
            Assert.Equal(CapabilityState.Hex(expected.Bounding), report["CapBnd"]);
            if (policy.Resources.Pids is { } pids)
            {
                Assert.Equal($"{pids.Value}", report["pids"]);
            }
            if (policy.Isolation.Hostname is { } hostname)
            {
                Assert.Equal(hostname.Value, report["hostname"]);
            }
        }
    }

    /// <summary>Compiles with the docker-args backend, runs <paramref name="script"/> in a container with the line,
    /// and returns the `key=value` and `Key:\tvalue` lines it printed.</summary>
    private (Dictionary<string, string> Report, IReadOnlyList<Polc.Compiler.Diagnostics.Diagnostic> Diagnostics) RunProbe(PolicyIr policy, string script)
    {
        var emitted = new DockerArgsBackend().Emit(policy, BackendOptions.Default);
        var line = System.Text.Encoding.UTF8.GetString(emitted.Artifacts.Single().Content).TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        using var directory = new TempDirectory();
        // A permissive profile under the name the line refers to, to exercise the flag until the real one is wired in.
        File.WriteAllText(directory.File($"{policy.Name}.seccomp.json"), """{"defaultAction": "SCMP_ACT_ALLOW"}""");
        var hostLine = HostAdjusted(line, policy);
        output.WriteLine(hostLine);
        var run = podman.Run(hostLine, script, directory.Path);
        output.WriteLine(run.Out);
        Assert.True(run.ExitCode == 0, $"podman failed ({run.ExitCode}):\n{run.Err}\n{run.Out}");
        var report = new Dictionary<string, string>();
        foreach (var row in run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = row.StartsWith("Cap", StringComparison.Ordinal) ? row.IndexOf(':') : row.IndexOf('=');
            if (separator > 0)
            {
                report[row[..separator]] = row[(separator + 1)..].Trim();
            }
        }
        return (report, emitted.Diagnostics);
    }

    /// <summary>What this host cannot honour: no AppArmor (podman refuses the option), no network set up for
    /// containers, and podman's default rlimits above the hard limits this sandbox may raise to.</summary>
    private static string HostAdjusted(string line, PolicyIr policy)
    {
        var adjusted = line.Replace($"--security-opt apparmor={policy.Labels.AppArmorProfile}", "", StringComparison.Ordinal);
        Assert.NotEqual(line, adjusted);
        if (!adjusted.Contains("--network ", StringComparison.Ordinal))
        {
            adjusted += " --network none";
        }
        foreach (var name in new[] { "nofile", "nproc" })
        {
            if (!policy.Resources.Rlimits.Any(r => r.Name == name))
            {
                adjusted += $" --ulimit {name}=1024:1024";
            }
        }
        return adjusted;
    }
}
