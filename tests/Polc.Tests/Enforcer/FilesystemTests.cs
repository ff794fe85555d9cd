using System.Runtime.Versioning;
using Polc.Tests.Enforcer.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Enforcer;

/// <summary>The mount phase on the real kernel: pivot_root into a busybox root, a read-only root,
/// tmpfs, binds and masks.</summary>
[SupportedOSPlatform("linux")]
public class FilesystemTests
{
    [Fact]
    public void Pivot_root_into_a_read_only_root_where_only_the_tmpfs_is_writable()
    {
        Enforcement.RequireRoot();
        using var rootfs = new TestRootfs();
        var plan = Enforcement.Plan($$"""
            policy ro {
                filesystem { root "{{rootfs.Path}}"; readonly root; tmpfs "/tmp" size 1MiB }
                isolation { namespaces pid, mount }
            }
            """);
        var result = Enforcement.Run(plan, "/bin/sh", "-c",
            "ls /; echo data > /tmp/file && cat /tmp/file; touch /new-file || echo root-is-read-only; ls /work 2>&1 || true");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("data\n", result.Out);
        Assert.Contains("root-is-read-only", result.Out);
        Assert.Contains("Read-only file system", result.Err);
        Assert.Contains("No such file or directory", result.Out); // the host's tree is gone
        Assert.False(File.Exists(Path.Combine(rootfs.Path, "new-file")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(rootfs.Path, "tmp"))); // the tmpfs never touched the disk
    }

    [Fact]
    public void New_root_gets_its_own_proc_and_a_minimal_dev()
    {
        Enforcement.RequireRoot();
        using var rootfs = new TestRootfs();
        var plan = Enforcement.Plan($$"""
            policy dev {
                filesystem { root "{{rootfs.Path}}"; readonly root }
                isolation { namespaces pid, mount }
            }
            """);
        var result = Enforcement.Run(plan, "/bin/sh", "-c", "ls /dev; echo x > /dev/null && echo null-works; readlink /proc/self/exe && echo proc-works");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("fd full null random shm stderr stdin stdout tty urandom zero null-works /bin/busybox proc-works",
            string.Join(' ', result.Out.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void A_read_only_bind_can_be_read_but_not_written_and_a_writable_one_can_be_written()
    {
        Enforcement.RequireRoot();
        using var rootfs = new TestRootfs();
        var readOnly = rootfs.Outside("ro-data");
        var writable = rootfs.Outside("rw-data");
        File.WriteAllText(Path.Combine(readOnly, "f"), "from-the-host\n");
        var plan = Enforcement.Plan($$"""
            policy binds {
                filesystem {
                    root "{{rootfs.Path}}"
                    readonly root
                    tmpfs "/tmp"
                    bind "{{readOnly}}" to "/data" readonly
                    bind "{{writable}}" to "/tmp/out"
                }
                isolation { namespaces mount }
            }
            """);
        var result = Enforcement.Run(plan, "/bin/sh", "-c", "cat /data/f; touch /data/g || echo ro-holds; echo written > /tmp/out/w");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("from-the-host\nro-holds\n", result.Out);
        Assert.False(File.Exists(Path.Combine(readOnly, "g")));
        Assert.Equal("written\n", File.ReadAllText(Path.Combine(writable, "w"))); // /tmp/out was created inside the tmpfs
    }

    [Fact]
    public void Masked_paths_cannot_be_read_while_their_neighbours_can()
    {
        Enforcement.RequireRoot();
        using var temp = new TempDirectory();
        File.SetUnixFileMode(temp.Path, (UnixFileMode)0b111_101_101);
        var secret = temp.File("secret.txt", "the-secret-file\n");
        var visible = temp.File("visible.txt", "the-visible-file\n");
        var secretDir = temp.File("secret-dir/inner.txt", "the-secret-dir\n");
        var plan = Enforcement.Plan($$"""
            policy masks {
                filesystem { mask "{{secret}}", "{{Path.GetDirectoryName(secretDir)}}", "/no/such/path" }
            }
            """);
        var result = Enforcement.Run(plan, "/bin/sh", "-c",
            $"cat {secret}; cat {visible}; cat {secretDir} || echo dir-hidden; echo overwritten > {secret}");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("the-visible-file\ndir-hidden\n", result.Out);
        Assert.DoesNotContain("the-secret", result.Out);
        Assert.Equal("the-secret-file\n", File.ReadAllText(secret)); // untouched on the host
    }

    [Fact]
    public void A_missing_bind_source_fails_naming_the_step()
    {
        Enforcement.RequireRoot();
        var plan = Enforcement.Plan("""policy missing { filesystem { bind "/no/such/source" to "/mnt" } }""");
        var result = Enforcement.Run(plan, "/bin/true");
        Assert.Equal(125, result.ExitCode);
        Assert.Equal("polc-enforcer: mount: bind /no/such/source: No such file or directory\n", result.Err);
    }
}
