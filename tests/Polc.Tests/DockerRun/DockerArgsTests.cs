using Polc.Backends;
using Polc.Backends.Cgroups;
using Polc.Backends.DockerRun;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;

namespace Polc.Tests.DockerRun;

public class DockerArgsTests
{
    private static string ValueOf(IReadOnlyList<string> words, string flag) => words[words.ToList().IndexOf(flag) + 1];

    [Fact]
    public void Flags_use_dockers_units()
    {
        var policy = Policies.Bind(Policies.Web);
        var words = DockerArgsBackend.Words(DockerRunSpec.From(policy, DockerArgsBackend.Target));
        var r = policy.Resources;
        Assert.Equal($"{r.Memory!.Value + r.MemorySwap!.Value}", ValueOf(words, "--memory-swap"));
        Assert.Equal($"{r.Memory.Value}", ValueOf(words, "--memory"));
        Assert.Equal($"{CgroupWeights.CpuSharesFromWeight(r.CpuWeight!.Value)}", ValueOf(words, "--cpu-shares"));
        Assert.Equal("1024", ValueOf(words, "--cpu-shares"));
        Assert.Equal("1.5", ValueOf(words, "--cpus"));
        Assert.Equal("seccomp=web.seccomp.json", ValueOf(words, "--security-opt"));
        Assert.Equal("1000:1000", ValueOf(words, "--user"));
        Assert.Equal("/tmp:noexec,size=67108864,mode=1777", ValueOf(words, "--tmpfs"));
        Assert.Equal("/srv/data:/data:ro", ValueOf(words, "-v"));
        Assert.Equal("nofile=1024:4096", ValueOf(words, "--ulimit"));
        Assert.True(words.ToList().IndexOf("--cap-drop") < words.ToList().IndexOf("--cap-add"));
        Assert.Contains("no-new-privileges", words);
    }

    [Fact]
    public void Unlimited_rlimits_become_minus_one_and_as_is_left_out_with_a_warning()
    {
        var spec = DockerRunSpec.From(Policies.Bind("policy p {\n resources {\n rlimit core unlimited\n rlimit as 1GiB\n }\n}"), DockerArgsBackend.Target);
        Assert.Equal("core=-1:-1", ValueOf(DockerArgsBackend.Words(spec), "--ulimit"));
        var warning = Assert.Single(spec.Diagnostics);
        Assert.Equal(("POL2416", 4), (warning.Code, warning.Location!.Line));
    }

    [Theory]
    [InlineData("policy p { resources { memory-swap 1GiB } }", "POL2401")]
    [InlineData("policy p { resources { memory 64MiB; memory-reservation 128MiB } }", "POL2403")]
    [InlineData("policy p { filesystem { root \"/srv/rootfs\" } }", "POL2411")]
    [InlineData("policy p { filesystem { mask \"/proc/kcore\" } }", "POL2412")]
    [InlineData("policy p { network { allow tcp; bind tcp 80 } }", "POL2413")]
    [InlineData("policy p { isolation { namespaces pid, net, mount, ipc, uts, user } }", "POL2414")]
    [InlineData("policy p { isolation { namespaces pid, net, mount, time } }", "POL2415")]
    [InlineData("policy p { isolation { map-users 0 -> 100000 count 65536 } }", "POL2414")]
    [InlineData("policy p { isolation { group 100 } }", "POL2417")]
    [InlineData("policy p { capabilities { allow CHOWN }\n isolation { user 1000 } }", "POL2410")]
    public void What_docker_cannot_say_is_a_warning(string text, string code)
    {
        var output = new DockerArgsBackend().Emit(Policies.Bind(text), BackendOptions.Default);
        Assert.Contains(output.Diagnostics, d => d.Code == code && !d.IsError);
        Assert.Single(output.Artifacts);
    }

    [Fact]
    public void Namespaces_only_ever_add_isolation()
    {
        var words = DockerArgsBackend.Words(DockerRunSpec.From(Policies.Bind("policy p { isolation { namespaces mount, ipc, cgroup } }"), "t"));
        Assert.Equal("private", ValueOf(words, "--ipc"));
        Assert.Equal("private", ValueOf(words, "--cgroupns"));
        Assert.DoesNotContain("host", words);
        var none = DockerArgsBackend.Words(DockerRunSpec.From(Policies.Bind("policy p { network none }"), "t"));
        Assert.Equal("none", ValueOf(none, "--network"));
        Assert.DoesNotContain("host", none);
    }

    /// <summary>The line is meant for a POSIX shell: /bin/sh must split it back into exactly the intended words,
    /// whatever the paths hold (random policies bind paths with spaces, commas and colons).</summary>
    [Fact]
    public void A_shell_splits_the_line_back_into_the_words()
    {
        for (var seed = 1; seed <= 25; seed++)
        {
            var spec = DockerRunSpec.From(Policies.Bind(new RandomRuntimePolicy(seed).Generate()), "t");
            var line = DockerArgsBackend.Line(spec);
            var split = Host.Run("/bin/sh", ["-c", "printf '%s\\0' " + line]);
            Assert.Equal(0, split.ExitCode);
            Assert.Equal(DockerArgsBackend.Words(spec), split.Out.TrimEnd('\0').Split('\0'));
        }
    }

    [Fact]
    public void Bind_paths_with_a_colon_use_mount_syntax()
    {
        var words = DockerArgsBackend.Words(DockerRunSpec.From(Policies.Bind("policy p { filesystem { bind \"/a:b,c\" to \"/d\" readonly } }"), "t"));
        Assert.Equal("type=bind,\"source=/a:b,c\",target=/d,readonly", ValueOf(words, "--mount"));
    }

    [Fact]
    public void Cli_prints_the_artifact_line_and_help_has_examples()
    {
        using var directory = new TempDirectory();
        var file = directory.File("web.pol", Policies.Web);
        var run = CliRunner.Run("docker-args", file);
        Assert.Equal(0, run.ExitCode);
        var artifact = System.Text.Encoding.UTF8.GetString(new DockerArgsBackend().Emit(Policies.Bind(Policies.Web), BackendOptions.Default).Artifacts[0].Content);
        Assert.Equal(artifact, run.Out);
        Assert.Contains("POL2410", run.Err);
        var help = CliRunner.Run("docker-args", "--help");
        Assert.Contains("polc docker-args app.pol", help.Out);
        Assert.Equal(2, CliRunner.Run("docker-args", directory.File("missing.pol")).ExitCode);
    }

    [Fact]
    public void Line_matches_the_reviewed_golden_file()
    {
        var artifact = new DockerArgsBackend().Emit(Policies.Bind(Policies.Web), BackendOptions.Default).Artifacts[0];
        Baseline.Verify("tests/Polc.Tests/DockerRun/Baselines/web.docker-args", System.Text.Encoding.UTF8.GetString(artifact.Content));
    }
}
