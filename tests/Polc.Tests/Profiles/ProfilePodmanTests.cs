using Polc.Backends;
using Polc.Compiler.Text;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;
using Xunit.Abstractions;

namespace Polc.Tests.Profiles;

/// <summary>
/// The strict profile in a container: `polc compile` writes the Docker flags (NAME.docker-args) and the Docker
/// seccomp profile (NAME.seccomp.json), and podman with runc runs busybox with them. The other bundled profiles
/// are for programs the offline busybox image does not hold; they are run under `polc run` (ProfileProgramTests).
/// </summary>
public class ProfilePodmanTests(PodmanBusybox podman, ITestOutputHelper output) : IClassFixture<PodmanBusybox>
{
    [Fact]
    public void Strict_runs_busybox_under_podman_with_its_flags_and_seccomp_profile()
    {
        using var directory = new TempDirectory();
        var result = CompilationPipeline.Compile(SourceText.FromFile(Path.Combine(RepoPaths.Profiles, "strict.pol")), BackendRegistry.All, BackendOptions.Default);
        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        foreach (var artifact in result.Artifacts)
        {
            File.WriteAllBytes(directory.File(artifact.FileName), artifact.Content);
        }
        Assert.True(File.Exists(directory.File("strict.seccomp.json")),
            "polc compile wrote no strict.seccomp.json: the Docker seccomp (JSON) backend is not in this build yet, so podman would " +
            "run the container without the profile's syscall rules; this test runs strict under podman once it is");
        // This host has no AppArmor, and podman refuses a profile it cannot load.
        var line = File.ReadAllText(directory.File("strict.docker-args")).Trim().Replace("--security-opt apparmor=polc-strict", "", StringComparison.Ordinal);
        output.WriteLine(line);
        const string Script = """
            echo 'polc strict profile' > /tmp/in
            cp /tmp/in /tmp/out
            sha256sum /tmp/out
            grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' /proc/self/status
            echo x > /etc/polc-strict-probe || echo root=readonly
            nc 127.0.0.1 9 < /dev/null || echo nc=refused
            """;
        var run = podman.Run(line, Script, directory.Path);
        output.WriteLine(run.Out + run.Err);
        Assert.True(run.ExitCode == 0, $"podman failed ({run.ExitCode}):\n{run.Err}\n{run.Out}");
        var lines = run.Out.Split('\n');
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("polc strict profile\n"u8)) + "  /tmp/out", lines[0]);
        Assert.Contains("Uid:\t65534\t65534\t65534\t65534", lines);
        Assert.Contains("CapEff:\t0000000000000000", lines);
        Assert.Contains("NoNewPrivs:\t1", lines);
        Assert.Contains("Seccomp:\t2", lines);
        Assert.Contains("root=readonly", lines);
        Assert.Contains("nc=refused", lines);
        Assert.Contains("nc: socket: Operation not permitted", run.Err);
    }
}
