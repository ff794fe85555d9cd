using System.Runtime.Versioning;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Enforcer;

/// <summary>Bind sources are host paths, taken before any mount step: a tmpfs over /tmp must not hide a source
/// below /tmp (the bundled profiles mount one and users bind their data from wherever it is).</summary>
[SupportedOSPlatform("linux")]
public class BindSourceTests
{
    [Fact]
    public void A_source_below_a_tmpfs_target_is_still_the_hosts()
    {
        Enforcement.RequireRoot();
        using var directory = new TempDirectory();
        var source = directory.File("data");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "marker"), "from the host\n");
        Assert.StartsWith("/tmp/", source);
        var plan = Enforcement.Plan($$"""
            policy binds {
                filesystem {
                    readonly root
                    tmpfs "/tmp" size 1MiB
                    bind "{{source}}" to "/tmp/data"
                }
            }
            """);
        var run = Enforcement.Run(plan, "/bin/sh", "-c", "cat /tmp/data/marker; echo written > /tmp/data/new; ls /tmp");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("from the host\ndata\n", run.Out);
        Assert.Equal("written\n", File.ReadAllText(Path.Combine(source, "new")));
    }
}
