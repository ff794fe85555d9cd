namespace Polc.Backends.SelinuxCil;

/// <summary>
/// Which SELinux type labels a host directory. udica reads the label of each mount source on the host;
/// polc compiles without a host, so it carries the default labels of Fedora's and RHEL's policy for the usual
/// top-level directories (longest prefix wins). Files the container engine puts in the container, its own
/// tree and its tmpfs mounts, are all `container_file_t`.
/// </summary>
public static class SelinuxFileTypes
{
    public const string ContainerFile = "container_file_t";

    private static readonly (string Prefix, string Type)[] Table =
    [
        ("/", "root_t"),
        ("/bin", "bin_t"), ("/sbin", "bin_t"), ("/usr/bin", "bin_t"), ("/usr/sbin", "bin_t"), ("/usr/libexec", "bin_t"),
        ("/usr/local/bin", "bin_t"), ("/usr/local/sbin", "bin_t"),
        ("/lib", "lib_t"), ("/lib64", "lib_t"), ("/usr/lib", "lib_t"), ("/usr/lib64", "lib_t"), ("/usr/local/lib", "lib_t"),
        ("/usr", "usr_t"), ("/usr/share", "usr_t"), ("/usr/local", "usr_t"), ("/opt", "usr_t"),
        ("/etc", "etc_t"),
        ("/var", "var_t"), ("/srv", "var_t"), ("/var/lib", "var_lib_t"), ("/var/log", "var_log_t"), ("/var/spool", "var_spool_t"),
        ("/run", "var_run_t"), ("/var/run", "var_run_t"),
        ("/tmp", "tmp_t"), ("/var/tmp", "tmp_t"),
        ("/home", "home_root_t"), ("/root", "admin_home_t"),
        ("/dev", "device_t"), ("/proc", "proc_t"), ("/sys", "sysfs_t"),
        ("/mnt", "mnt_t"), ("/media", "mnt_t"),
    ];

    /// <summary>Every type this table can name, for the stand-in base policy and name checks.</summary>
    public static IEnumerable<string> AllTypes =>
        Table.Select(t => t.Type).Concat(["default_t", "user_home_dir_t", "user_home_t", ContainerFile]).Distinct();

    /// <summary>The label of a host path: the entry with the longest matching prefix; below /home, a user's home
    /// directory and its contents; paths no entry covers are `default_t`, as on Fedora.</summary>
    public static string TypeOf(string hostPath)
    {
        var path = "/" + string.Join('/', hostPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 2 && segments[0] == "home")
        {
            return segments.Length == 2 ? "user_home_dir_t" : "user_home_t";
        }
        if (path == "/")
        {
            return "root_t";
        }
        return Table.Where(t => t.Prefix != "/" && IsUnder(path, t.Prefix)).OrderByDescending(t => t.Prefix.Length).Select(t => t.Type).FirstOrDefault() ?? "default_t";
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="directory"/> or lies below it, segment-wise.</summary>
    public static bool IsUnder(string path, string directory)
    {
        var trimmed = directory.TrimEnd('/');
        return trimmed.Length == 0 || path == trimmed || path.StartsWith(trimmed + "/", StringComparison.Ordinal);
    }
}
