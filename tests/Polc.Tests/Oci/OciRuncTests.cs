using System.Text.Json.Nodes;
using Polc.Backends.Capabilities;
using Polc.Backends.Cgroups;
using Polc.Backends.Oci;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;

namespace Polc.Tests.Oci;

/// <summary>
/// The real consumer of NAME.oci.json: `runc run` on a busybox root filesystem, with only the two placeholders filled in
/// (`process.args`, `root.path`) and, on this host without AppArmor or SELinux, the two labels dropped (the last test
/// shows runc does read them). The container reports what it got: capabilities, the seccomp errno, hostname, cgroup
/// limits (checked against the cgroup plan polc's own launcher applies, and enforced: a memory hog is killed, forks are
/// refused), rlimits, the read-only root, the tmpfs, the mask.
/// </summary>
public class OciRuncTests(RuncBundle runc) : IClassFixture<RuncBundle>
{
    private const string Probe = """
        grep -E '^(Cap[A-Za-z]+|NoNewPrivs|Seccomp):' /proc/self/status
        for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes memory/memory.soft_limit_in_bytes \
                 cpu/cpu.cfs_period_us cpu/cpu.cfs_quota_us cpu/cpu.shares cpuset/cpuset.cpus pids/pids.max; do
            echo "$f=$(cat /sys/fs/cgroup/$f | head -n 1)"
        done
        echo "hostname=$(hostname)"
        echo "id=$(id -u):$(id -g)"
        echo "nofile=$(ulimit -n):$(ulimit -Hn)"
        echo "mkdir=$(mkdir /tmp/new-dir 2>&1)"
        echo "root=$(touch /root-file 2>&1 && echo writable)"
        echo "tmp=$(echo x > /tmp/file && cat /tmp/file)"
        echo "secret=$(cat /etc/secret)"
        """;

    private const string Box = """
        policy box {
            syscalls {
                default allow
                errno EXDEV mkdir, mkdirat
            }
            capabilities { allow CHOWN, NET_BIND_SERVICE, KILL, SETUID, SETGID }
            filesystem {
                readonly root
                tmpfs "/tmp" size 16MiB
                mask "/etc/secret"
            }
            resources {
                memory 64MiB
                memory-swap 16MiB
                memory-reservation 32MiB
                cpu 0.5
                cpu-weight 100
                cpuset "0"
                pids 32
                rlimit nofile 512 1024
            }
            isolation {
                namespaces pid, net, mount, ipc, uts, cgroup
                hostname "polc-box"
            }
        }
        """;

    private static Dictionary<string, string> Report(Host.Outcome outcome)
    {
        Assert.True(outcome.ExitCode == 0, $"runc run failed ({outcome.ExitCode}):\n{outcome.Err}\n{outcome.Out}");
        return outcome.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Contains(":\t", StringComparison.Ordinal) ? line.Split(':', 2) : line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
    }

    [Fact]
    public void Root_container_gets_what_the_policy_says()
    {
        var output = BackendHarness.Emit(new OciBackend(), Box);
        var report = Report(runc.Run(output.Text, Probe, RuncBundle.DropLabels));
        var policy = output.Policy;

        var expected = CapabilityState.Configured(policy.Capabilities).AfterExecve(root: true, noNewPrivileges: true);
        Assert.Equal(CapabilityState.Hex(expected.Effective), report["CapEff"]);
        Assert.Equal(CapabilityState.Hex(policy.Capabilities.AllowedMask), report["CapEff"]);
        Assert.Equal(CapabilityState.Hex(expected.Bounding), report["CapBnd"]);
        Assert.Equal("1", report["NoNewPrivs"]);
        Assert.Equal("2", report["Seccomp"]);
        Assert.Contains("Invalid cross-device link", report["mkdir"]); // errno EXDEV, as declared
        Assert.Equal("polc-box", report["hostname"]);
        Assert.Equal("0:0", report["id"]);
        Assert.Equal("512:1024", report["nofile"]);
        Assert.Contains("Read-only file system", report["root"]);
        Assert.Equal("x", report["tmp"]);
        Assert.Equal("", report["secret"]);

        // runc wrote the v1 values the cgroup plan (what polc's own launcher writes) says.
        foreach (var file in CgroupPlan.From(policy).V1)
        {
            Assert.Equal(file.Value, report[$"{file.Controller}/{file.File}"]);
        }
    }

    [Fact]
    public void Memory_and_pids_limits_are_enforced()
    {
        var output = BackendHarness.Emit(new OciBackend(), Box);
        const string script = """
            head -c 200m /dev/zero | tail > /dev/null; echo "hog=$?"
            for i in $(seq 40); do sleep 2 & done 2>&1 | grep -c "can't fork" | sed 's/^/refused=/'
            wait
            """;
        var report = Report(runc.Run(output.Text, script, RuncBundle.DropLabels));
        Assert.Equal("137", report["hog"]); // SIGKILL from the memory cgroup's OOM killer
        Assert.NotEqual("0", report["refused"]);
    }

    [Fact]
    public void Non_root_user_in_a_user_namespace_holds_its_ambient_set()
    {
        const string text = """
            policy user {
                syscalls { default allow }
                capabilities {
                    allow NET_BIND_SERVICE, CHOWN
                    ambient NET_BIND_SERVICE
                }
                isolation {
                    namespaces pid, user, mount, uts, ipc
                    user 1000 group 1000
                    map-users 0 -> 200000 count 65536
                    map-groups 0 -> 200000 count 65536
                }
            }
            """;
        var output = BackendHarness.Emit(new OciBackend(), text);
        var report = Report(runc.Run(output.Text, Probe + "\necho \"map=$(cat /proc/self/uid_map | tr -s ' ')\"", RuncBundle.DropLabels));
        var expected = CapabilityState.Configured(output.Policy.Capabilities).AfterExecve(root: false, noNewPrivileges: true);
        Assert.Equal(CapabilityState.Hex(expected.Effective), report["CapEff"]);
        Assert.Equal(CapabilityState.Hex(output.Policy.Capabilities.AmbientMask), report["CapAmb"]);
        Assert.Equal("1000:1000", report["id"]);
        Assert.Equal("0 200000 65536", report["map"]);
    }

    [SkippableFact]
    public void Runc_applies_the_labels_it_is_given()
    {
        Skip.If(Directory.Exists("/sys/kernel/security/apparmor"), "this host has AppArmor; the test shows runc reading the label on a host without it");
        var output = BackendHarness.Emit(new OciBackend(), "policy labelled {\n syscalls { default allow }\n}\n");
        var config = JsonNode.Parse(output.Text)!;
        Assert.Equal("polc-labelled", config["process"]!["apparmorProfile"]!.GetValue<string>());
        var outcome = runc.Run(output.Text, "true", c => c["process"]!.AsObject().Remove("selinuxLabel"));
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("apparmor", outcome.Err, StringComparison.OrdinalIgnoreCase);
    }
}
