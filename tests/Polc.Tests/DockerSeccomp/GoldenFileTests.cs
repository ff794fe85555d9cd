using Polc.Backends.DockerSeccomp;
using Polc.Backends.DockerSeccomp.Import;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.DockerSeccomp;

/// <summary>Golden files for review (refresh with POLC_UPDATE_BASELINES=1); the proof is in the other tests.</summary>
public class GoldenFileTests
{
    private const string Folder = "tests/Polc.Tests/DockerSeccomp/Golden";

    [Fact]
    public void Small_policy_as_docker_profile()
    {
        const string policy = """
            policy small {
                syscalls {
                    default errno EPERM
                    arch x86_64, aarch64
                    allow read, write, close, exit_group
                    errno ENOSYS clone3
                    kill ptrace
                    errno EINVAL socket if arg0 == AF_NETLINK && arg2 == NETLINK_AUDIT
                    allow socket if arg0 in [AF_UNIX, AF_INET, AF_INET6, AF_NETLINK]
                    allow clone if arg0 & CLONE_NEWUSER == 0
                    allow mmap if arg2 & PROT_EXEC == 0 || arg3 & MAP_ANONYMOUS == 0
                }
            }
            """;
        var built = SeccompProfileBuilder.Build(FirstMatchRewriteTests.Bind(policy));
        Assert.False(built.HasErrors, string.Join("\n", built.Diagnostics));
        Baseline.Verify($"{Folder}/small.seccomp.json", SeccompProfileJson.ToDockerProfile(built.Profile!));
    }

    [SkippableFact]
    public void Docker_default_imported()
    {
        var json = ImportRoundTripTests.CorpusFile("docker-default.seccomp.json");
        var (capabilities, label, _) = DockerProfileImporter.ParseCapabilities("docker-default");
        var options = new ImportOptions("docker-default", capabilities!, label, [Compiler.Semantics.Arch.X86_64], null);
        var result = DockerProfileImporter.Import(new SourceText("docker-default.seccomp.json", json), options);
        Assert.False(result.HasErrors);
        Baseline.Verify($"{Folder}/docker-default.imported.pol", result.Text!);
    }
}
