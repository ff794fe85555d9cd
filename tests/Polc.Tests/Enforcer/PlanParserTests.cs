using System.Runtime.Versioning;
using System.Diagnostics;
using System.Text;
using Polc.Enforcer.Plan;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Enforcer;

/// <summary>The C parser of the plan: it takes what the writer writes, and refuses anything else cleanly.</summary>
[SupportedOSPlatform("linux")]
public class PlanParserTests
{
    private static (int Exit, string Err) Check(byte[] plan)
    {
        using var temp = new TempDirectory();
        var path = temp.File("p.plan");
        File.WriteAllBytes(path, plan);
        var check = Process.Start(new ProcessStartInfo(Enforcement.Launcher, ["--check", path]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var err = check.StandardError.ReadToEnd();
        check.StandardOutput.ReadToEnd();
        check.WaitForExit();
        return (check.ExitCode, err);
    }

    private static byte[] Sample()
    {
        using var rootfs = new TestRootfs();
        return PlanWriter.Write(Enforcement.Plan($$"""
            policy sample {
                filesystem { root "{{rootfs.Path}}"; readonly root; tmpfs "/tmp" size 1MiB mode 0o1777; bind "/etc" to "/mnt/etc space" readonly; mask "/etc/secret" }
                isolation { namespaces pid, net, mount, ipc, uts, cgroup, time, user; hostname "h"; user 1; group 1
                    map-users 0 -> 100000 count 65536; map-groups 0 -> 100000 count 65536 }
                resources { memory 64MiB; pids 10; rlimit nofile 10 20 }
                capabilities { allow CHOWN; ambient CHOWN }
            }
            """, HandBpf.DenyWithErrno(1, 83)));
    }

    [Fact]
    public void The_launcher_accepts_what_the_writer_writes()
    {
        Assert.True(File.Exists(Enforcement.Launcher), "the build compiles the launcher");
        var (exit, err) = Check(Sample());
        Assert.True(exit == 0, err);
    }

    [Theory]
    [InlineData("polc-plan 2\nname x\nend\n", "plan version `2` is not supported (this launcher reads version 1)")]
    [InlineData("name x\nend\n", "not a polc plan (the first line is not `polc-plan VERSION`)")]
    [InlineData("polc-plan 1\nname x\n", "the plan is truncated (no `end` line)")]
    [InlineData("polc-plan 1\nname x\nfly away\nend\n", "line 3: unknown record `fly`")]
    [InlineData("polc-plan 1\nname x\nhostname h\nend\n", "`hostname` without a uts namespace")]
    [InlineData("polc-plan 1\nname x\nmask /etc\nend\n", "mount steps without a mount namespace")]
    [InlineData("polc-plan 1\nname x\ncap-permitted 0x1\nend\n", "capabilities outside the bounding set")]
    [InlineData("polc-plan 1\nname x\nrlimit nofile -1 2\nend\n", "line 3: `-1` is not a number")]
    [InlineData("polc-plan 1\nname x\nnamespaces mount\nbind relative /x -\nend\n", "line 4: path `relative` is not absolute")]
    [InlineData("polc-plan 1\nname x\nuser 1%0\nend\n", "line 3: bad escape `%0`")]
    [InlineData("polc-plan 1\nname x%+1\nend\n", "line 2: bad escape `%+1`")]
    [InlineData("polc-plan 1\nname x\nseccomp x86_64 +011223344556677\nend\n", "line 3: the seccomp filter is not hexadecimal")]
    [InlineData("polc-plan 1\nname x\nseccomp x86_64 00112233\nend\n", "line 3: the seccomp filter must hold 1..4096 instructions")]
    [InlineData("polc-plan 1\nname x\ncgroup1 memory ../../x 1\nend\n", "line 3: cgroup names hold no `/`")]
    [InlineData("polc-plan 1\nname a/b\nend\n", "the name `a/b` holds a `/`")]
    public void A_malformed_plan_is_refused_with_its_reason(string text, string reason)
    {
        Assert.True(File.Exists(Enforcement.Launcher), "the build compiles the launcher");
        var (exit, err) = Check(Encoding.UTF8.GetBytes(text));
        Assert.Equal(125, exit);
        Assert.Equal($"polc-enforcer: plan: {reason}\n", err);
    }

    [Fact]
    public void Mutated_plans_are_accepted_or_refused_but_never_crash_the_parser()
    {
        Assert.True(File.Exists(Enforcement.Launcher), "the build compiles the launcher");
        var sample = Sample();
        var random = new Random(20240611);
        for (var i = 0; i < 200; i++)
        {
            var mutated = (byte[])sample.Clone();
            switch (i % 4)
            {
                case 0: mutated[random.Next(mutated.Length)] = (byte)random.Next(256); break;
                case 1: mutated = mutated[..random.Next(mutated.Length)]; break;
                case 2: mutated[random.Next(mutated.Length)] = (byte)" %\n0x-"[random.Next(6)]; break;
                default:
                    var at = random.Next(mutated.Length);
                    mutated = [.. mutated[..at], .. mutated[at..].Skip(random.Next(1, 40))];
                    break;
            }
            var (exit, err) = Check(mutated);
            Assert.True(exit == 0 || (exit == 125 && err.StartsWith("polc-enforcer: ", StringComparison.Ordinal)),
                $"mutation {i}: exit {exit}\n{err}\n{Encoding.UTF8.GetString(mutated)}");
        }
    }
}
