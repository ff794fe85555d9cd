using Polc.Backends.DockerSeccomp.Import;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.DockerSeccomp;

/// <summary>`polc import` on small profiles: each rule of how Docker, runc and libseccomp read a profile, the
/// errors (with the entry's line), and the command line.</summary>
public class ImportTests
{
    [SkippableFact]
    public void Cli_writes_a_policy_that_passes_check_and_fmt()
    {
        Skip.If(RepoPaths.Corpus is null, "../shared/corpus is missing (a clone made elsewhere): this test imports Docker's profile");
        using var temp = new TempDirectory();
        var output = Path.Combine(temp.Path, "out.pol");
        var import = CliRunner.Run("import", Path.Combine(RepoPaths.Corpus!, "docker-default.seccomp.json"), "-o", output);
        Assert.True(import.ExitCode == 0, import.Err);
        Assert.Contains("policy docker-default {", File.ReadAllText(output), StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("check", output).ExitCode);
        Assert.Equal(0, CliRunner.Run("fmt", "--check", output).ExitCode);
    }

    [Theory]
    [InlineData("--arch", "x86-64", "unknown architecture `x86-64`; did you mean `x86_64`?")]
    [InlineData("--caps", "NET_ADMN", "unknown capability `NET_ADMN`; did you mean `NET_ADMIN`?")]
    [InlineData("--kernel", "five", "`five` is not a kernel version")]
    public void Bad_options_are_usage_errors(string option, string value, string message)
    {
        using var temp = new TempDirectory();
        var profile = temp.File("p.json", """{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []}""");
        var run = CliRunner.Run("import", profile, option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_is_reported_at_its_place()
    {
        var result = Import("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [ {"names": ["read"], "action": } ]}""");
        var error = Assert.Single(result.Diagnostics, d => d.Code == "POL2150");
        Assert.Null(result.Text);
        Assert.Equal(1, error.Location!.Line);
    }

    [Fact]
    public void Comparisons_of_one_argument_in_one_entry_are_alternatives_as_runc_adds_them()
    {
        // runc adds one rule per comparison when an entry compares an argument twice (libseccomp refuses it).
        var policy = Bind(Import("""
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
              {"names": ["mmap"], "action": "SCMP_ACT_ALLOW", "args": [
                {"index": 2, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 2, "value": 4, "op": "SCMP_CMP_EQ"}]}
            ]}
            """));
        Assert.Equal(SeccompAction.Allow, PolicyReference.Decide(policy.Syscalls, "mmap", [0, 0, 1]));
        Assert.Equal(SeccompAction.Allow, PolicyReference.Decide(policy.Syscalls, "mmap", [0, 0, 4]));
        Assert.Equal(SeccompAction.Errno(1), PolicyReference.Decide(policy.Syscalls, "mmap", [0, 0, 5]));
    }

    [Fact]
    public void First_unconditional_entry_wins_and_default_action_entries_are_dropped()
    {
        var result = Import("""
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "syscalls": [
              {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]},
              {"names": ["chmod", "read"], "action": "SCMP_ACT_ALLOW"},
              {"names": ["chmod", "read"], "action": "SCMP_ACT_KILL_PROCESS"},
              {"names": ["write"], "action": "SCMP_ACT_ERRNO"}
            ]}
            """);
        var policy = Bind(result);
        Assert.Equal(SeccompAction.Allow, PolicyReference.Decide(policy.Syscalls, "chmod", [0, 0]));
        Assert.Equal(SeccompAction.Allow, PolicyReference.Decide(policy.Syscalls, "read", [0]));
        Assert.DoesNotContain(" write", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_conditional_entries_with_different_actions_are_an_error()
    {
        var result = Import("""
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
              {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 10, "op": "SCMP_CMP_LT"}]},
              {"names": ["socket"], "action": "SCMP_ACT_KILL_PROCESS", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}
            ]}
            """);
        var error = Assert.Single(result.Diagnostics, d => d.Code == "POL2153");
        Assert.Equal(3, error.Location!.Line);
        Assert.Null(result.Text);
    }

    [Fact]
    public void Capabilities_arches_and_kernel_decide_which_entries_apply()
    {
        const string json = """
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
              {"names": ["chroot"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_CHROOT"]}},
              {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
              {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
              {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]}},
              {"names": ["read"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"]}}
            ]}
            """;
        var defaults = Bind(Import(json));
        Assert.Equal(SeccompAction.Allow, PolicyReference.Decide(defaults.Syscalls, "chroot", []));
        Assert.Equal(SeccompAction.Errno(1), PolicyReference.Decide(defaults.Syscalls, "mount", []));
        Assert.Equal(SeccompAction.Allow, PolicyReference.Decide(defaults.Syscalls, "ptrace", []));
        Assert.Equal(SeccompAction.Allow, PolicyReference.Decide(defaults.Syscalls, "arch_prctl", []));
        Assert.Equal(SeccompAction.Allow, PolicyReference.Decide(defaults.Syscalls, "read", []));

        var admin = Bind(Import(json, caps: "docker-default,SYS_ADMIN", kernel: "4.4"));
        Assert.Equal(SeccompAction.Allow, PolicyReference.Decide(admin.Syscalls, "mount", []));
        Assert.Equal(SeccompAction.Errno(1), PolicyReference.Decide(admin.Syscalls, "ptrace", []));
        Assert.Equal(SeccompAction.Errno(1), PolicyReference.Decide(admin.Syscalls, "read", []));
    }

    [SkippableFact]
    public void An_entry_for_one_architecture_only_cannot_join_a_policy_for_both()
    {
        // Docker's clone rule compares arg0 on most architectures but arg1 on s390x.
        var json = ImportRoundTripTests.CorpusFile("docker-default.seccomp.json");
        var result = Import(json, arches: "x86_64,s390x");
        var error = Assert.Single(result.Diagnostics, d => d.Code == "POL2154" && d.Message.Contains("`clone`", StringComparison.Ordinal));
        Assert.True(error.Location!.Line > 1);
    }

    [Fact]
    public void Unknown_names_are_left_out_with_a_warning_and_a_comment()
    {
        var result = Import("""{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "no_such_call"], "action": "SCMP_ACT_ALLOW"}]}""");
        Assert.Contains(result.Diagnostics, d => d.Code == "POL2157" && !d.IsError);
        Assert.Contains("# Left out, unknown to polc's syscall tables: no_such_call", result.Text, StringComparison.Ordinal);
        Bind(result);
    }

    [Fact]
    public void Architectures_and_arch_map_together_are_refused_as_docker_does()
    {
        var result = Import("""
            {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
             "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}], "syscalls": []}
            """);
        Assert.Contains(result.Diagnostics, d => d.Code == "POL2156");
    }

    [Theory]
    [InlineData("/tmp/docker-default.seccomp.json", "docker-default")]
    [InlineData("profile.json", "profile")]
    [InlineData("my profile (v2).json", "my-profile--v2-")]
    [InlineData("2024.json", "imported-2024")]
    public void Policy_name_comes_from_the_file_name(string path, string name) =>
        Assert.Equal(name, DockerProfileImporter.PolicyNameFor(path));

    private static DockerProfileImporter.Result Import(string json, string arches = "x86_64", string caps = "docker-default", string? kernel = null)
    {
        using var temp = new TempDirectory();
        var file = temp.File("test.json", json);
        var run = CliRunner.Run(["import", file, "--arch", arches, "--caps", caps, .. kernel is null ? Array.Empty<string>() : ["--kernel", kernel]]);
        var (capabilities, label, _) = DockerProfileImporter.ParseCapabilities(caps.Split(',')[0]);
        var extra = caps.Split(',').Skip(1).Select(c => CapabilityTable.TryParse(c, out var cap) ? cap : default);
        var (architectures, _) = DockerProfileImporter.ParseArchitectures(arches);
        var options = new ImportOptions("test", [.. capabilities!.Union(extra)], label, architectures!, DockerProfileImporter.ParseKernel(kernel).Kernel);
        var result = DockerProfileImporter.Import(new SourceText(file, json), options);
        Assert.Equal(result.HasErrors ? 1 : 0, run.ExitCode); // the command line agrees with the library
        return result;
    }

    private static PolicyIr Bind(DockerProfileImporter.Result result)
    {
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var bound = PolicyBinder.Bind(new SourceText("test.pol", result.Text!));
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics) + "\n" + result.Text);
        return bound.Policy!;
    }
}
