using Polc.Tests.Support;

namespace Polc.Tests.RuntimeConfig;

public class CompileRuntimeArtifactsTests
{
    [Fact]
    public void Compile_writes_the_runtime_artifacts_named_after_the_policy_and_the_same_bytes_twice()
    {
        using var directory = new TempDirectory();
        var file = directory.File("app.pol", Policies.Web);
        var names = new[] { "web.caps.json", "web.cgroup.json", "web.docker-args", "web.compose.yaml" };
        var first = CliRunner.Run("compile", file, "-o", directory.File("out1"), "--target", "caps,cgroup,docker-args,compose");
        Assert.True(first.ExitCode == 0, first.Err);
        var second = CliRunner.Run("compile", file, "-o", directory.File("out2"));
        Assert.True(second.ExitCode == 0, second.Err);
        foreach (var name in names)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(directory.File("out1"), name)), File.ReadAllBytes(Path.Combine(directory.File("out2"), name)));
        }
        Assert.Equal(names.Order(), Directory.GetFiles(directory.File("out1")).Select(Path.GetFileName).Order());
    }
}
