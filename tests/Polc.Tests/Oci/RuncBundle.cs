using System.Text.Json.Nodes;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;

namespace Polc.Tests.Oci;

/// <summary>
/// A busybox root filesystem (busybox-static plus one symlink per applet) in a temporary directory, and a way to run
/// a generated NAME.oci.json with `runc run` on it: the test sets `process.args` and `root.path` (the two placeholders
/// a user fills in too), the container gets a unique id and is deleted (`runc delete -f`) whatever happens.
/// </summary>
public sealed class RuncBundle : IDisposable
{
    private readonly TempDirectory _directory = new();

    public RuncBundle()
    {
        Host.RequireRoot("run containers with runc");
        Runc = Host.Require("runc", "runc");
        var busybox = File.Exists("/bin/busybox") ? "/bin/busybox"
            : throw new Xunit.Sdk.XunitException("/bin/busybox is missing; install the Debian package `busybox-static` (listed in tests/install-prerequisites.sh)");
        // A user namespace maps root to an unprivileged host uid, which must reach the root filesystem.
        Host.Run("/bin/chmod", ["0755", _directory.Path]);
        Rootfs = Path.Combine(_directory.Path, "rootfs");
        foreach (var directory in new[] { "bin", "etc", "tmp", "proc", "sys", "dev" })
        {
            Directory.CreateDirectory(Path.Combine(Rootfs, directory));
        }
        File.Copy(busybox, Path.Combine(Rootfs, "bin", "busybox"));
        foreach (var applet in Host.Run(busybox, ["--list"]).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(a => a != "busybox"))
        {
            File.CreateSymbolicLink(Path.Combine(Rootfs, "bin", applet), "busybox");
        }
        File.WriteAllText(Path.Combine(Rootfs, "etc", "passwd"), "root:x:0:0:root:/:/bin/sh\n");
        File.WriteAllText(Path.Combine(Rootfs, "etc", "secret"), "the secret\n");
    }

    public string Runc { get; }

    public string Rootfs { get; }

    /// <summary>Runs <paramref name="script"/> with /bin/sh in a container made from <paramref name="config"/> (NAME.oci.json's text).</summary>
    /// <param name="edit">a last change to the config, e.g. dropping labels this host cannot apply.</param>
    public Host.Outcome Run(string config, string script, Action<JsonObject>? edit = null)
    {
        var node = JsonNode.Parse(config)!.AsObject();
        node["process"]!["args"] = new JsonArray("/bin/sh", "-c", script);
        node["root"]!["path"] = Rootfs;
        edit?.Invoke(node);
        var bundle = Path.Combine(_directory.Path, $"bundle-{Guid.NewGuid():N}");
        Directory.CreateDirectory(bundle);
        File.WriteAllText(Path.Combine(bundle, "config.json"), node.ToJsonString());
        var id = $"polc-oci-{Guid.NewGuid():N}";
        try
        {
            return Host.Run(Runc, ["run", "--bundle", bundle, id], TimeSpan.FromMinutes(2));
        }
        finally
        {
            Host.Run(Runc, ["delete", "--force", id]);
        }
    }

    /// <summary>The host has no AppArmor or SELinux, and runc refuses a config that names their labels there.</summary>
    public static void DropLabels(JsonObject config)
    {
        var process = config["process"]!.AsObject();
        process.Remove("apparmorProfile");
        process.Remove("selinuxLabel");
    }

    public void Dispose() => _directory.Dispose();
}
