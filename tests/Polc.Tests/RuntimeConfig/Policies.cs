using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Tests.RuntimeConfig;

/// <summary>Binds policy text for the runtime-configuration tests and fails loudly on any error.</summary>
public static class Policies
{
    public static PolicyIr Bind(string text, string path = "test.pol")
    {
        var result = PolicyBinder.Bind(new SourceText(path, text));
        Assert.False(result.HasErrors, "the test policy has errors:\n" + string.Join("\n", result.Diagnostics) + "\n" + text);
        return result.Policy!;
    }

    /// <summary>A policy that uses every setting these backends read (the device is /dev/loop0, present on the test hosts).</summary>
    public const string Web = """
        policy web {
            capabilities {
                allow NET_BIND_SERVICE, CHOWN, SETUID, SETGID
                ambient NET_BIND_SERVICE
            }
            filesystem {
                readonly root
                tmpfs "/tmp" size 64MiB mode 0o1777 noexec
                bind "/srv/data" to "/data" readonly
            }
            resources {
                memory 256MiB
                memory-swap 64MiB
                memory-reservation 128MiB
                cpu 1.5
                cpu-weight 100
                cpuset "0-1"
                pids 128
                io-weight 100
                io "/dev/loop0" read 50MiB/s write 20MiB/s read-iops 1000 write-iops 500
                rlimit nofile 1024 4096
                rlimit core 0
            }
            isolation {
                hostname "web01"
                user 1000 group 1000
            }
        }
        """;
}
