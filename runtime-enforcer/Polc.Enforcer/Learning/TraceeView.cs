using System.Text;

namespace Polc.Enforcer.Learning;

/// <summary>
/// The recorded program as the supervisor sees it while one of its threads waits in a notification: its memory
/// (process_vm_readv), its working directory and descriptors (/proc/TID), and its paths resolved to the canonical
/// form AppArmor mediates (symlinks followed, `/proc/self` taken as the program's own process, not ours).
/// </summary>
internal sealed unsafe class TraceeView : IDisposable
{
    private const int PathMax = 4096;
    private readonly Dictionary<int, int> _tgids = [];
    private readonly Dictionary<string, string?> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _pidfds = [];

    public byte[]? ReadBytes(int tid, ulong address, int length)
    {
        if (address == 0 || length <= 0)
        {
            return null;
        }
        var buffer = new byte[length];
        fixed (byte* local = buffer)
        {
            var localVector = new Native.IoVec { Base = local, Length = (nuint)length };
            var remoteVector = new Native.IoVec { Base = (void*)address, Length = (nuint)length };
            var read = Native.ProcessVmReadv(tid, &localVector, 1, &remoteVector, 1, 0);
            return read == length ? buffer : null;
        }
    }

    public ulong? ReadUInt64(int tid, ulong address) => ReadBytes(tid, address, 8) is { } bytes ? BitConverter.ToUInt64(bytes) : null;

    /// <summary>A NUL-terminated string, read a page at a time so that a string near the end of a mapping reads.</summary>
    public string? ReadString(int tid, ulong address)
    {
        if (address == 0)
        {
            return null;
        }
        var bytes = new List<byte>();
        var at = address;
        while (bytes.Count < PathMax)
        {
            var chunk = (int)Math.Min(4096 - (at & 4095), (ulong)(PathMax - bytes.Count));
            var data = ReadBytes(tid, at, chunk);
            if (data is null)
            {
                return null;
            }
            var end = Array.IndexOf(data, (byte)0);
            if (end >= 0)
            {
                bytes.AddRange(data.AsSpan(0, end).ToArray());
                return Encoding.UTF8.GetString([.. bytes]);
            }
            bytes.AddRange(data);
            at += (ulong)chunk;
        }
        return null;
    }

    public int Tgid(int tid)
    {
        if (_tgids.TryGetValue(tid, out var tgid))
        {
            return tgid;
        }
        try
        {
            var line = File.ReadLines($"/proc/{tid}/status").FirstOrDefault(l => l.StartsWith("Tgid:", StringComparison.Ordinal));
            tgid = line is null ? tid : int.Parse(line[5..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            tgid = tid;
        }
        return _tgids[tid] = tgid;
    }

    /// <summary>Fields of /proc/TID/status such as `Uid` or `Groups` (the values after the colon).</summary>
    public string[] Status(int tid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{tid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? [] : line[(field.Length + 1)..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>SOCK_STREAM, SOCK_DGRAM, ... of a socket the program holds, asked of a duplicate taken with
    /// pidfd_getfd; null when it cannot be taken.</summary>
    public int? SocketType(int tid, int fd)
    {
        var tgid = Tgid(tid);
        if (!_pidfds.TryGetValue(tgid, out var pidfd))
        {
            _pidfds[tgid] = pidfd = (int)Native.Syscall(Native.SysPidfdOpen, tgid, 0, 0);
        }
        var copy = pidfd < 0 ? -1 : (int)Native.Syscall(Native.SysPidfdGetfd, pidfd, fd, 0);
        if (copy < 0)
        {
            return null;
        }
        int type = 0;
        var length = (uint)sizeof(int);
        var ok = Native.GetSockOpt(copy, Native.SolSocket, Native.SoType, &type, &length) == 0;
        Native.Close(copy);
        return ok ? type : null;
    }

    public void Dispose()
    {
        foreach (var pidfd in _pidfds.Values.Where(p => p >= 0))
        {
            Native.Close(pidfd);
        }
        _pidfds.Clear();
    }

    /// <summary>What descriptor <paramref name="fd"/> of the thread refers to: a path, or null for pipes,
    /// sockets, anonymous inodes and memfds.</summary>
    public string? DescriptorPath(int tid, int fd)
    {
        var target = ReadLink($"/proc/{tid}/fd/{fd}");
        if (target is null || !target.StartsWith('/') || target.StartsWith("/memfd:", StringComparison.Ordinal))
        {
            return null;
        }
        return target.EndsWith(" (deleted)", StringComparison.Ordinal) ? target[..^10] : target;
    }

    /// <summary>The absolute, canonical path a `*at` call names: relative paths start at the working directory
    /// (<paramref name="dirFd"/> AT_FDCWD) or at the directory <paramref name="dirFd"/> refers to.</summary>
    public string? Resolve(int tid, int dirFd, string path)
    {
        string absolute;
        if (path.StartsWith('/'))
        {
            absolute = path;
        }
        else
        {
            var start = dirFd == Native.AtFdCwd ? ReadLink($"/proc/{tid}/cwd") : DescriptorPath(tid, dirFd);
            if (start is null)
            {
                return null;
            }
            absolute = path.Length == 0 ? start : start.TrimEnd('/') + "/" + path;
        }
        return Canonical(absolute, Tgid(tid), tid);
    }

    /// <summary>
    /// Follows symlinks component by component, as the kernel does, but reads `/proc/self` and
    /// `/proc/thread-self` as the recorded thread's, and follows the magic links inside `/proc/PID` (fd/N, exe,
    /// cwd, root) to the file they stand for, as the kernel does when it opens or runs through them.
    /// Components that do not exist are kept as written. The program's own /proc entries come out as `/proc/self/...`.
    /// </summary>
    public string Canonical(string path, int tgid, int tid)
    {
        var queue = new LinkedList<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var result = new List<string>();
        var hops = 0;
        while (queue.First is { } node)
        {
            var component = node.Value;
            queue.RemoveFirst();
            if (component == ".")
            {
                continue;
            }
            if (component == "..")
            {
                if (result.Count > 0)
                {
                    result.RemoveAt(result.Count - 1);
                }
                continue;
            }
            if (result is ["proc"] && component is "self" or "thread-self")
            {
                result.Add(tgid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (component == "thread-self")
                {
                    result.Add("task");
                    result.Add(tid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                continue;
            }
            var candidate = "/" + string.Join('/', result.Append(component));
            if (hops < 40 && (MagicLink([.. result, component]) ? FileTarget(candidate) : InProcess(result) ? null : ReadLinkCached(candidate)) is { } target)
            {
                hops++;
                if (target.StartsWith('/'))
                {
                    result.Clear();
                }
                foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    queue.AddFirst(part);
                }
                continue;
            }
            result.Add(component);
        }
        if (result.Count >= 2 && result[0] == "proc" && result[1] == tgid.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            result[1] = "self";
        }
        return "/" + string.Join('/', result);
    }

    private static bool InProcess(List<string> parts) => parts.Count >= 2 && parts[0] == "proc" && parts[1].All(char.IsAsciiDigit);

    /// <summary>/proc/PID/{exe,cwd,root,fd/N} (and the same under task/TID): links that lead to the file itself,
    /// which is what the kernel opens and AppArmor names.</summary>
    private static bool MagicLink(List<string> parts)
    {
        if (!InProcess(parts))
        {
            return false;
        }
        var tail = parts.Skip(2).ToList();
        if (tail is ["task", _, .. var rest])
        {
            tail = rest;
        }
        return tail is ["exe"] or ["cwd"] or ["root"] or ["fd", _];
    }

    /// <summary>A magic link's target when it is a file (not a pipe, socket or anonymous inode).</summary>
    private static string? FileTarget(string link)
    {
        var target = ReadLink(link);
        if (target is null || !target.StartsWith('/'))
        {
            return null;
        }
        return target.EndsWith(" (deleted)", StringComparison.Ordinal) ? target[..^10] : target;
    }

    /// <summary>Symlinks outside /proc rarely change while a program runs; their targets are cached.</summary>
    private string? ReadLinkCached(string path)
    {
        if (path.StartsWith("/proc/", StringComparison.Ordinal))
        {
            return ReadLink(path);
        }
        if (!_links.TryGetValue(path, out var target))
        {
            _links[path] = target = ReadLink(path);
        }
        return target;
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
