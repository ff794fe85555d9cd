using System.Runtime.Versioning;
using Polc.Tests.Enforcer.Support;

namespace Polc.Tests.Enforcer;

/// <summary>Each namespace on the real kernel: the program is in a new one, and it holds.</summary>
[SupportedOSPlatform("linux")]
public class NamespaceTests
{
    private static string HostNamespace(string kind) => new FileInfo($"/proc/self/ns/{kind}").LinkTarget!;

    [Fact]
    public void Hostname_is_the_policys_and_the_hosts_is_untouched()
    {
        Enforcement.RequireRoot();
        var hostBefore = File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        var plan = Enforcement.Plan("policy h { isolation { hostname \"polc-test-host\" } }");
        var result = Enforcement.Run(plan, "/bin/sh", "-c", "hostname; hostname evil 2>/dev/null && echo changed-it; hostname");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("polc-test-host\npolc-test-host\n", result.Out);
        Assert.Equal(hostBefore, File.ReadAllText("/proc/sys/kernel/hostname").Trim());
        Assert.NotEqual("polc-test-host", hostBefore);
    }

    [Fact]
    public void Pid_namespace_makes_the_program_the_child_of_a_new_pid_1_that_sees_few_processes()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy p { isolation { namespaces pid } }");
        var result = Enforcement.Run(plan, "/bin/sh", "-c", "readlink /proc/self/ns/pid; echo $$ $PPID; ls /proc | grep -c '^[0-9]'");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n');
        Assert.NotEqual(HostNamespace("pid"), lines[0]);
        Assert.Equal("2 1", lines[1]);
        // init, the shell, ls and grep at most.
        Assert.InRange(int.Parse(lines[2]), 2, 4);
    }

    [Fact]
    public void Net_namespace_holds_only_lo_and_it_is_up()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy n { network none }");
        var result = Enforcement.Run(plan, "/bin/sh", "-c", "readlink /proc/self/ns/net; ip -o link; ls /sys/class/net");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.NotEqual(HostNamespace("net"), lines[0]);
        Assert.Single(lines, l => l.Contains(": <", StringComparison.Ordinal));
        Assert.Matches(@"^1: lo: <LOOPBACK,UP,LOWER_UP>", lines[1]);
        Assert.Equal("lo", lines[2]); // the fresh sysfs shows this namespace's devices only
    }

    [Theory]
    [InlineData("ipc")]
    [InlineData("uts")]
    [InlineData("cgroup")]
    [InlineData("time")]
    [InlineData("mnt")]
    public void Each_requested_namespace_differs_from_the_hosts(string kind)
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan($"policy x {{ isolation {{ namespaces {(kind == "mnt" ? "mount" : kind)} }} }}");
        // A time namespace applies to the children of the process that created it: init forks the program after.
        var result = Enforcement.Run(plan, "/bin/readlink", $"/proc/self/ns/{kind}");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith(kind + ":[", result.Out);
        Assert.NotEqual(HostNamespace(kind), result.Out.TrimEnd());
    }

    [Fact]
    public void Without_namespaces_the_program_shares_the_hosts()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy plain { }");
        var result = Enforcement.Run(plan, "/bin/readlink", "/proc/self/ns/pid", "/proc/self/ns/net", "/proc/self/ns/mnt");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{HostNamespace("pid")}\n{HostNamespace("net")}\n{HostNamespace("mnt")}\n", result.Out);
    }

    [Fact]
    public void Cgroup_namespace_roots_the_program_at_its_own_cgroup()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy cg { isolation { namespaces cgroup }; resources { pids 50 } }");
        var result = Enforcement.Run(plan, "/bin/grep", ":pids:", "/proc/self/cgroup");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith(":pids:/\n", result.Out); // not /polc-cg-PID: the namespace hides where it lives
    }

    [Fact]
    public void User_namespace_applies_the_policys_maps()
    {
        Enforcement.RequireRoot();
        using var rootfs = new TestRootfs();
        var plan = Enforcement.Plan($$"""
            policy u {
                filesystem { root "{{rootfs.Path}}" }
                isolation {
                    namespaces user, pid, mount
                    map-users 0 -> 200000 count 65536
                    map-groups 0 -> 200000 count 65536
                }
            }
            """);
        var result = Enforcement.Run(plan, "/bin/sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /bin/busybox");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(["0 200000 65536", "0 200000 65536", "0", "65534"], lines[..4]); // host root's files are unmapped
    }

    [Fact]
    public void Unprivileged_caller_gets_a_user_namespace_mapping_only_itself()
    {
        Enforcement.RequireRoot();
        using var rootfs = new TestRootfs();
        var launcherCopy = Path.Combine(rootfs.Outside("bin"), "polc-enforcer"); // readable by nobody wherever the build lives
        File.Copy(Enforcement.Launcher, launcherCopy);
        var plan = Enforcement.Plan($$"""
            policy nobody {
                filesystem { root "{{rootfs.Path}}"; readonly root }
                isolation { namespaces pid, mount, net, uts; hostname "rootless" }
            }
            """);
        using var running = Enforcement.Start(plan, [], ["/bin/sh", "-c", "cat /proc/self/uid_map; id -u; hostname; touch /x"],
            launcher: launcherCopy, wrapper: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
        var result = running.Wait();
        Assert.True(result.ExitCode == 1, result.ToString()); // touch fails on the read-only root
        var lines = result.Out.Split('\n');
        Assert.Equal("0 65534 1", string.Join(' ', lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(["0", "rootless"], lines[1..3]);
        Assert.Contains("Read-only file system", result.Err);
    }

    [Fact]
    public void Unprivileged_caller_without_namespaces_in_the_policy_still_gets_the_bounding_set_dropped()
    {
        Enforcement.RequireRoot();
        using var temp = new TestRootfs();
        var launcherCopy = Path.Combine(temp.Outside("bin"), "polc-enforcer");
        File.Copy(Enforcement.Launcher, launcherCopy);
        var plan = Enforcement.Plan("policy plainnobody { capabilities { allow CHOWN } }");
        using var running = Enforcement.Start(plan, [], ["/bin/grep", "^CapBnd:", "/proc/self/status"],
            launcher: launcherCopy, wrapper: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
        var result = running.Wait();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("CapBnd:\t0000000000000001\n", result.Out); // dropping needs the user namespace the launcher adds
    }
}
