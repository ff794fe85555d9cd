namespace Polc.Backends.Cgroups;

/// <summary>
/// Resolves a block device path to the `MAJ:MIN` numbers cgroup files expect. The compiler never does this:
/// device numbers belong to the host that applies the plan (they differ between machines and even between boots),
/// so `NAME.cgroup.json` keeps the path and the consumer resolves it when it writes the files.
/// </summary>
public static class BlockDevices
{
    /// <summary>Follows symbolic links (`/dev/disk/by-id/...`, `/dev/mapper/...`) to the kernel's name for the device and
    /// reads its numbers from `/sys/class/block/NAME/dev`; null when the path is no block device on this host.</summary>
    public static string? Resolve(string devicePath, string sysClassBlock = "/sys/class/block")
    {
        var path = devicePath;
        try
        {
            if (File.ResolveLinkTarget(devicePath, returnFinalTarget: true) is { } target)
            {
                path = target.FullName;
            }
        }
        catch (IOException)
        {
            // No such node: the kernel may still know the device by that name (sysfs without devtmpfs).
        }
        var numbers = Path.Combine(sysClassBlock, Path.GetFileName(path), "dev");
        return File.Exists(numbers) ? File.ReadAllText(numbers).Trim() : null;
    }
}
