using System.Runtime.Versioning;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Support;
using Polc.Backends;
using Polc.Backends.Plan;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Enforcer.Plan;

namespace Polc.Tests.Enforcer;

/// <summary>The program's own last steps on the real kernel: rlimits, user and group, capabilities,
/// no_new_privs, LSM labels and seccomp.</summary>
[SupportedOSPlatform("linux")]
public class PrivilegeTests
{
    private const uint Mkdir = 83, Mkdirat = 258, Exdev = 18;

    private static string StatusField(string output, string field) =>
        output.Split('\n').Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim();

    [Fact]
    public void CapEff_is_exactly_the_declared_set_and_the_bounding_set_matches()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy caps { capabilities { allow CHOWN, NET_BIND_SERVICE, KILL } }");
        var result = Enforcement.Run(plan, "/bin/cat", "/proc/self/status");
        Assert.True(result.ExitCode == 0, result.ToString());
        const string Declared = "0000000000000421"; // CHOWN (0), KILL (5), NET_BIND_SERVICE (10)
        Assert.Equal(Declared, StatusField(result.Out, "CapEff"));
        Assert.Equal(Declared, StatusField(result.Out, "CapPrm"));
        Assert.Equal(Declared, StatusField(result.Out, "CapBnd"));
        Assert.Equal("0000000000000000", StatusField(result.Out, "CapAmb"));
    }

    [Fact]
    public void A_capability_left_out_is_not_there_when_root_needs_it()
    {
        Enforcement.RequireRoot();
        using var temp = new TempDirectory();
        File.SetUnixFileMode(temp.Path, (UnixFileMode)0b111_101_101);
        var locked = temp.File("locked", "only-with-dac-override\n");
        File.SetUnixFileMode(locked, UnixFileMode.None);
        var without = Enforcement.Run(Enforcement.Plan("policy nodac { capabilities { allow CHOWN } }"), "/bin/cat", locked);
        Assert.True(without.ExitCode == 1 && without.Err.Contains("Permission denied"), without.ToString());
        var with = Enforcement.Run(Enforcement.Plan("policy dac { capabilities { allow DAC_OVERRIDE } }"), "/bin/cat", locked);
        Assert.True(with.ExitCode == 0 && with.Out == "only-with-dac-override\n", with.ToString());
    }

    [Fact]
    public void Ambient_capabilities_reach_a_non_root_program()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy amb { capabilities { allow NET_BIND_SERVICE; ambient NET_BIND_SERVICE }; isolation { user 1000 group 1000 } }");
        var result = Enforcement.Run(plan, "/bin/cat", "/proc/self/status");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0000000000000400", StatusField(result.Out, "CapAmb"));
        Assert.Equal("0000000000000400", StatusField(result.Out, "CapEff"));
        Assert.Equal("1000\t1000\t1000\t1000", StatusField(result.Out, "Uid"));
    }

    [Fact]
    public void User_group_and_supplementary_groups_are_the_policys()
    {
        Enforcement.RequireRoot();
        var result = Enforcement.Run(Enforcement.Plan("policy ids { isolation { user 1234 group 4321 } }"), "/bin/sh", "-c", "id -u; id -g; id -G");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("1234\n4321\n4321\n", result.Out);
    }

    [Fact]
    public void Rlimits_are_set_and_hold()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy limits { resources { rlimit nofile 64 128; rlimit core 0 } }");
        var result = Enforcement.Run(plan, "/bin/sh", "-c", "ulimit -Sn; ulimit -Hn; ulimit -c; ulimit -n 129 2>/dev/null || echo cannot-raise");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("64\n128\n0\ncannot-raise\n", result.Out);
    }

    private const string SetuidProbe = """
        #include <stdio.h>
        #include <string.h>
        #include <unistd.h>
        int main(void) {
            char line[256];
            FILE *status = fopen("/proc/self/status", "r");
            while (fgets(line, sizeof line, status)) if (!strncmp(line, "CapEff:", 7)) fputs(line, stdout);
            printf("euid=%d\n", (int)geteuid());
            return 0;
        }
        """;

    [Fact]
    public void A_setuid_root_binary_gains_nothing_under_no_new_privs_but_does_without_it()
    {
        Enforcement.RequireRoot();
        using var probe = new CProgram("setuid-probe", SetuidProbe);
        File.SetUnixFileMode(probe.Path, (UnixFileMode)0b100_111_101_101); // setuid, owned by root
        var held = Enforcement.Run(Enforcement.Plan("policy nnp { isolation { user 1000 group 1000 } }"), probe.Path);
        Assert.True(held.ExitCode == 0, held.ToString());
        Assert.Equal("CapEff:\t0000000000000000\neuid=1000\n", held.Out);
        // The counter-proof: the same binary does become root when new privileges are allowed.
        var gained = Enforcement.Run(Enforcement.Plan("policy nonnp { isolation { user 1000 group 1000; allow-new-privileges } }"), probe.Path);
        Assert.True(gained.ExitCode == 0, gained.ToString());
        Assert.Equal("CapEff:\t0000000000000000\neuid=0\n", gained.Out); // the empty bounding set still caps what it gets
    }

    [Fact]
    public void A_denied_syscall_returns_its_errno_and_the_rest_run()
    {
        Enforcement.RequireRoot();
        using var temp = new TempDirectory();
        var plan = Enforcement.Plan("policy filtered { }", HandBpf.DenyWithErrno(Exdev, Mkdir, Mkdirat));
        var target = Path.Combine(temp.Path, "made-by-mkdir");
        var result = Enforcement.Run(plan, "/bin/sh", "-c", $"grep ^Seccomp: /proc/self/status; mkdir {target}; echo mkdir-exit=$?; touch {target}-file && echo touch-works");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Seccomp:\t2\nmkdir-exit=1\ntouch-works\n", result.Out);
        Assert.Contains("Invalid cross-device link", result.Err); // EXDEV: the filter's errno, not the kernel's
        Assert.False(Directory.Exists(target));
    }

    /// <summary>The whole path: the policy's own rules, compiled by the seccomp backend into the plan, enforced by the kernel.</summary>
    [Fact]
    public void The_policys_own_compiled_filter_is_enforced()
    {
        Enforcement.RequireRoot();
        using var temp = new TempDirectory();
        var bound = PolicyBinder.Bind(new SourceText("own.pol",
            "policy own { syscalls { default allow; errno EXDEV mkdir, mkdirat; errno ENOTSUP chmod, fchmodat, fchmodat2 if arg2 == 0o777 } }"));
        var built = PlanBuilder.Build(bound.Policy!, EnforcerInputs.Default.Resolve(bound.Policy!, BackendOptions.Default, new DiagnosticBag()));
        Assert.Contains(built.Plan.Seccomp, p => p.Arch == Arch.X86_64);
        var target = Path.Combine(temp.Path, "made");
        var file = Path.Combine(temp.Path, "file");
        var result = Enforcement.Run(built.Plan, "/bin/sh", "-c",
            $"touch {file}; mkdir {target}; echo mkdir-exit=$?; chmod 640 {file} && echo chmod-640-works; chmod 777 {file}; echo chmod-777-exit=$?");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("mkdir-exit=1\nchmod-640-works\nchmod-777-exit=1\n", result.Out);
        Assert.Contains("Invalid cross-device link", result.Err);
        Assert.Contains("Operation not supported", result.Err);
    }

    [Fact]
    public void Without_no_new_privs_the_filter_still_goes_in_and_the_declared_capabilities_stay_exact()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("policy legacy { capabilities { allow CHOWN }; isolation { allow-new-privileges } }",
            HandBpf.DenyWithErrno(Exdev, Mkdir, Mkdirat));
        var result = Enforcement.Run(plan, "/bin/sh", "-c", "grep -E '^(Seccomp|NoNewPrivs|CapEff):' /proc/self/status; mkdir /tmp/polc-never 2>/dev/null || echo denied");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("CapEff:\t0000000000000001\nNoNewPrivs:\t0\nSeccomp:\t2\ndenied\n", result.Out);
    }

    [SkippableFact]
    public void A_required_LSM_the_kernel_lacks_is_refused_unless_lsm_optional()
    {
        Enforcement.RequireRoot();
        Skip.If(File.Exists(Enforcement.AppArmorSwitch), "this host has AppArmor; the refusal is for hosts without it (as CI is)");
        var plan = Enforcement.Plan("""policy labelled { apparmor "polc-labelled" }""");
        var refused = Enforcement.Run(plan, "/bin/true");
        Assert.Equal(125, refused.ExitCode);
        Assert.Equal("polc-enforcer: apparmor: this policy requires AppArmor (exec label `polc-labelled`), which the host kernel lacks; " +
            "run with --lsm-optional to run without it\n", refused.Err);
        var accepted = Enforcement.Run(plan, ["--lsm-optional"], ["/bin/true"]);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        // Path rules need AppArmor too, even with the default label; a plain policy does not.
        Assert.Equal(125, Enforcement.Run(Enforcement.Plan("""policy paths { filesystem { read "/etc/**" } }"""), "/bin/true").ExitCode);
        Assert.Equal(0, Enforcement.Run(Enforcement.Plan("policy plain { }"), "/bin/true").ExitCode);
    }

    [SkippableFact]
    public void The_launcher_names_a_capability_it_does_not_hold_itself()
    {
        Enforcement.RequireRoot();
        var bounding = Convert.ToUInt64(StatusField(File.ReadAllText("/proc/self/status"), "CapBnd"), 16);
        var missing = Enumerable.Range(0, 41).FirstOrDefault(c => (bounding >> c & 1) == 0, -1);
        Skip.If(missing < 0, "the test process holds every capability, so there is none to ask for beyond it");
        var name = Polc.Compiler.Semantics.CapabilityTable.FromNumber(missing).ShortName;
        var result = Enforcement.Run(Enforcement.Plan($"policy more {{ capabilities {{ allow {name} }} }}"), "/bin/true");
        Assert.Equal(125, result.ExitCode);
        Assert.Contains($"(the launcher does not hold CAP_{name})", result.Err);
    }
}
