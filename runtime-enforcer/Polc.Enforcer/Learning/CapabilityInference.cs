using System.Globalization;
using Polc.Compiler.Ir;

namespace Polc.Enforcer.Learning;

/// <summary>
/// Which capabilities a run exercised, inferred from each call before it runs (a seccomp notification comes
/// before the kernel's own checks, so results are not seen): a privileged operation (mount, chroot, raw sockets,
/// a port below <c>ip_unprivileged_port_start</c>, changing to ids the process does not hold, ...), or a file
/// access that the file's mode bits would refuse to the process's file system ids (root without
/// CAP_DAC_OVERRIDE is an ordinary user to the mode bits). What it cannot see is listed in docs/learn.md.
/// </summary>
internal sealed class CapabilityInference(Recording recording, TraceeView tracee)
{
    private const ulong CloneNewMask = 0x6E02_0080; // CLONE_NEW{NS,CGROUP,UTS,IPC,PID,NET,TIME}: every namespace but the user one
    private const ulong CloneNewUser = 0x1000_0000;
    private static readonly int UnprivilegedPortStart = ReadUnprivilegedPortStart();
    private static readonly string[] Unmediated = ["/proc/", "/sys/", "/dev/"];

    private readonly Dictionary<string, (uint Uid, uint Gid, uint Mode)?> _inodes = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Credentials> _credentials = [];

    private sealed record Credentials(uint[] Uids, uint[] Gids, HashSet<uint> Groups)
    {
        public uint FsUid => Uids.Length > 3 ? Uids[3] : 0;

        public uint FsGid => Gids.Length > 3 ? Gids[3] : 0;
    }

    public void Check(Call call)
    {
        switch (call.Name)
        {
            case "setuid" or "setuid32" or "setfsuid" or "setfsuid32":
                ChangeIds(call, "CAP_SETUID", c => c.Uids, call.Args[0]);
                break;
            case "setreuid" or "setreuid32":
                ChangeIds(call, "CAP_SETUID", c => c.Uids, call.Args[0], call.Args[1]);
                break;
            case "setresuid" or "setresuid32":
                ChangeIds(call, "CAP_SETUID", c => c.Uids, call.Args[0], call.Args[1], call.Args[2]);
                break;
            case "setgid" or "setgid32" or "setfsgid" or "setfsgid32":
                ChangeIds(call, "CAP_SETGID", c => c.Gids, call.Args[0]);
                break;
            case "setregid" or "setregid32":
                ChangeIds(call, "CAP_SETGID", c => c.Gids, call.Args[0], call.Args[1]);
                break;
            case "setresgid" or "setresgid32":
                ChangeIds(call, "CAP_SETGID", c => c.Gids, call.Args[0], call.Args[1], call.Args[2]);
                break;
            case "setgroups" or "setgroups32":
                recording.Capability("CAP_SETGID", $"{call.Name}({call.Args[0]} groups)");
                _credentials.Remove(call.Tid);
                break;
            case "chown" or "lchown" or "fchown" or "chown32" or "lchown32" or "fchown32":
                ChangeOwner(call, call.Args[1], call.Args[2]);
                break;
            case "fchownat":
                ChangeOwner(call, call.Args[2], call.Args[3]);
                break;
            case "chroot":
                recording.Capability("CAP_SYS_CHROOT", "chroot");
                break;
            case "mount" or "umount" or "umount2" or "pivot_root" or "sethostname" or "setdomainname" or "swapon" or "swapoff"
                or "quotactl" or "fsopen" or "fsmount" or "fspick" or "open_tree" or "move_mount" or "setns":
                recording.Capability("CAP_SYS_ADMIN", call.Name);
                break;
            case "unshare" or "clone" when Namespaces(call.Args[0]):
                recording.Capability("CAP_SYS_ADMIN", $"{call.Name} into new namespaces (flags 0x{call.Args[0]:x})");
                break;
            case "mknod" or "mknodat":
                var mode = call.Args[call.Name == "mknod" ? 1 : 2] & 0xF000;
                if (mode is 0x2000 or 0x6000)
                {
                    recording.Capability("CAP_MKNOD", $"{call.Name} of a device");
                }
                break;
            case "setpriority" when unchecked((int)(uint)call.Args[2]) < 0:
            case "nice" when unchecked((int)(uint)call.Args[0]) < 0:
                recording.Capability("CAP_SYS_NICE", $"{call.Name} raising the priority");
                break;
            case "sched_setscheduler" when call.Args[1] is 1 or 2:
                recording.Capability("CAP_SYS_NICE", "sched_setscheduler to a real-time policy");
                break;
            case "settimeofday" or "clock_settime" or "stime":
            case "adjtimex" or "clock_adjtime" when Adjusts(call):
                recording.Capability("CAP_SYS_TIME", call.Name);
                break;
            case "reboot":
                recording.Capability("CAP_SYS_BOOT", "reboot");
                break;
            case "init_module" or "finit_module" or "delete_module":
                recording.Capability("CAP_SYS_MODULE", call.Name);
                break;
            case "iopl" or "ioperm":
                recording.Capability("CAP_SYS_RAWIO", call.Name);
                break;
            case "acct":
                recording.Capability("CAP_SYS_PACCT", "acct");
                break;
            case "syslog" when call.Args[0] is not (3 or 10):
                recording.Capability("CAP_SYSLOG", "syslog");
                break;
            case "kill" or "tkill" or "tgkill":
                Signal(call);
                break;
        }
    }

    public void CheckBind(PortProtocol protocol, ushort port)
    {
        if (port < UnprivilegedPortStart)
        {
            recording.Capability("CAP_NET_BIND_SERVICE", $"bind {protocol.ToString().ToLowerInvariant()} {port}");
        }
    }

    public void Raw(Call call) => recording.Capability("CAP_NET_RAW", $"{call.Name} of a raw or packet socket");

    /// <summary>Would the mode bits allow this access to the process's file system ids? If not, it passed
    /// only with CAP_DAC_OVERRIDE (writing, running) or CAP_DAC_READ_SEARCH (reading, searching).</summary>
    public void CheckAccess(Call call, string path, PathUse use)
    {
        if (Unmediated.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
        {
            return;
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var directory = "";
        for (var i = 0; i < parts.Length - 1; i++)
        {
            directory += "/" + parts[i];
            if (Inode(directory) is { } dir && !Allows(call.Tid, dir, 1))
            {
                recording.Capability("CAP_DAC_READ_SEARCH", $"search {directory} (owner {dir.Uid}, mode {Octal(dir.Mode)})");
                return;
            }
        }
        var file = Inode(path);
        var want = use.HasFlag(PathUse.Write) ? 2u : 4u;
        if (file is null && use.HasFlag(PathUse.Write))
        {
            var parent = directory.Length == 0 ? "/" : directory;
            if (Inode(parent) is { } dir && !Allows(call.Tid, dir, 3))
            {
                recording.Capability("CAP_DAC_OVERRIDE", $"create in {parent} (owner {dir.Uid}, mode {Octal(dir.Mode)})");
            }
            return;
        }
        if (file is { } f && !Allows(call.Tid, f, want))
        {
            recording.Capability(want == 4 ? "CAP_DAC_READ_SEARCH" : "CAP_DAC_OVERRIDE",
                $"{(want == 4 ? "read" : "write")} {path} (owner {f.Uid}, mode {Octal(f.Mode)})");
        }
    }

    private bool Allows(int tid, (uint Uid, uint Gid, uint Mode) inode, uint want)
    {
        if ((inode.Mode & want) == want)
        {
            return true; // the `other` bits grant it to everyone
        }
        var credentials = CredentialsOf(tid);
        var bits = inode.Uid == credentials.FsUid ? inode.Mode >> 6
            : inode.Gid == credentials.FsGid || credentials.Groups.Contains(inode.Gid) ? inode.Mode >> 3
            : inode.Mode;
        return (bits & want) == want;
    }

    private (uint Uid, uint Gid, uint Mode)? Inode(string path)
    {
        if (_inodes.TryGetValue(path, out var known))
        {
            return known;
        }
        unsafe
        {
            Native.StatX stat;
            known = Native.Statx(Native.AtFdCwd, path, 0, Native.StatxBasicStats, &stat) == 0 ? (stat.Uid, stat.Gid, stat.Mode & 0x1FF) : null;
        }
        return _inodes[path] = known;
    }

    private Credentials CredentialsOf(int tid)
    {
        if (!_credentials.TryGetValue(tid, out var credentials))
        {
            static uint[] Ids(string[] fields) => fields.Select(f => uint.TryParse(f, CultureInfo.InvariantCulture, out var v) ? v : 0).ToArray();
            credentials = new Credentials(Ids(tracee.Status(tid, "Uid")), Ids(tracee.Status(tid, "Gid")), [.. Ids(tracee.Status(tid, "Groups"))]);
            _credentials[tid] = credentials;
        }
        return credentials;
    }

    /// <summary>Changing to an id the process holds in none of its real, effective and saved ids needs the capability.</summary>
    private void ChangeIds(Call call, string capability, Func<Credentials, uint[]> held, params ulong[] wanted)
    {
        var ids = held(CredentialsOf(call.Tid)).Take(3).ToHashSet();
        var foreign = wanted.Select(w => (uint)w).Where(w => w != uint.MaxValue && !ids.Contains(w)).ToList();
        if (foreign.Count > 0)
        {
            recording.Capability(capability, $"{call.Name}({string.Join(", ", foreign)})");
        }
        _credentials.Remove(call.Tid); // the ids change once the call runs
    }

    private void ChangeOwner(Call call, ulong uid, ulong gid)
    {
        var credentials = CredentialsOf(call.Tid);
        var newUid = (uint)uid;
        var newGid = (uint)gid;
        if ((newUid != uint.MaxValue && newUid != credentials.FsUid)
            || (newGid != uint.MaxValue && newGid != credentials.FsGid && !credentials.Groups.Contains(newGid)))
        {
            recording.Capability("CAP_CHOWN", $"{call.Name} to {(newUid == uint.MaxValue ? "-" : newUid)}:{(newGid == uint.MaxValue ? "-" : newGid)}");
        }
    }

    private void Signal(Call call)
    {
        var target = call.Name == "tgkill" ? call.IntArg(1) : call.IntArg(0);
        if (target <= 0 || call.Args[call.Name == "tgkill" ? 2 : 1] == 0)
        {
            return; // process groups and existence probes are left out
        }
        var theirs = tracee.Status(target, "Uid").Take(3).ToArray();
        var mine = CredentialsOf(call.Tid).Uids.Take(2).Select(u => u.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        if (theirs.Length == 3 && !mine.Contains(theirs[0]) && !mine.Contains(theirs[2]))
        {
            recording.Capability("CAP_KILL", $"{call.Name} to a process of uid {theirs[0]}");
        }
    }

    private static bool Namespaces(ulong flags) => (flags & CloneNewMask) != 0 && (flags & CloneNewUser) == 0;

    /// <summary>adjtimex and clock_adjtime only read the clock when `modes` (the first field) is 0.</summary>
    private bool Adjusts(Call call) => (tracee.ReadBytes(call.Tid, call.Args[call.Name == "adjtimex" ? 0 : 1], 4) is not { } modes || BitConverter.ToUInt32(modes) != 0);

    private static string Octal(uint mode) => "0" + Convert.ToString(mode, 8);

    private static int ReadUnprivilegedPortStart()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return 1024;
        }
    }
}
