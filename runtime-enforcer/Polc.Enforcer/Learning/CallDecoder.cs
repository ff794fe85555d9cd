using System.Buffers.Binary;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Enforcer.Learning;

/// <summary>One syscall as the filter reported it, stopped before it runs.</summary>
internal readonly record struct Call(int Tid, Arch Arch, string Name, ulong[] Args)
{
    public int IntArg(int index) => unchecked((int)(uint)Args[index]);
}

/// <summary>
/// Turns each reported syscall into facts of a <see cref="Recording"/>: the call itself, the argument values
/// policies condition on, the paths it opens, runs, maps executable or changes, the sockets, ports and unix
/// socket paths it uses, and the capabilities it exercises. Only the calls that carry such facts cost more than
/// a dictionary update.
/// </summary>
internal sealed class CallDecoder(Recording recording, TraceeView tracee)
{
    private const ulong ProtExec = 0x4, MapAnonymous = 0x20, AtEmptyPath = 0x1000;
    private const int OAccMode = 3, OPath = 0x200000;
    private const ushort AfUnix = 1, AfInet = 2, AfInet6 = 10, AfPacket = 17;
    private const int SockDgram = 2;

    private readonly CapabilityInference _capabilities = new(recording, tracee);

    public void Decode(Call call)
    {
        recording.Count(call.Arch, call.Name);
        recording.Threads.Add(call.Tid);
        recording.Processes.Add(tracee.Tgid(call.Tid));
        if (ArgumentTable.For(call.Name) is { } entry)
        {
            recording.Value(call.Arch, call.Name, call.Args[entry.Arg]);
        }
        switch (call.Name)
        {
            case "open":
                Open(call, Native.AtFdCwd, call.Args[0], call.Args[1]);
                break;
            case "openat":
                Open(call, call.IntArg(0), call.Args[1], call.Args[2]);
                break;
            case "openat2":
                Open(call, call.IntArg(0), call.Args[1], tracee.ReadUInt64(call.Tid, call.Args[2]) ?? 0);
                break;
            case "creat":
                PathAt(call, Native.AtFdCwd, call.Args[0], PathUse.Write);
                break;
            case "execve":
                Exec(call, Native.AtFdCwd, call.Args[0], 0);
                break;
            case "execveat":
                Exec(call, call.IntArg(0), call.Args[1], call.Args[4]);
                break;
            case "mmap" or "mmap2" when (call.Args[2] & ProtExec) != 0 && (call.Args[3] & MapAnonymous) == 0:
                if (tracee.DescriptorPath(call.Tid, call.IntArg(4)) is { } mapped)
                {
                    recording.Path(mapped, PathUse.Exec);
                }
                break;
            case "mkdir" or "rmdir" or "unlink" or "truncate" or "mknod" or "chmod" or "chown" or "lchown"
                or "utime" or "utimes" or "setxattr" or "lsetxattr" or "removexattr" or "lremovexattr":
                ChangePath(call, Native.AtFdCwd, call.Args[0]);
                break;
            case "mkdirat" or "unlinkat" or "mknodat" or "fchmodat" or "fchmodat2" or "fchownat" or "futimesat":
                ChangePath(call, call.IntArg(0), call.Args[1]);
                break;
            case "utimensat" when call.Args[1] != 0:
                ChangePath(call, call.IntArg(0), call.Args[1]);
                break;
            case "rename":
                ChangePath(call, Native.AtFdCwd, call.Args[0]);
                ChangePath(call, Native.AtFdCwd, call.Args[1]);
                break;
            case "renameat" or "renameat2":
                ChangePath(call, call.IntArg(0), call.Args[1]);
                ChangePath(call, call.IntArg(2), call.Args[3]);
                break;
            case "link" or "symlink":
                ChangePath(call, Native.AtFdCwd, call.Args[1]);
                break;
            case "linkat":
                ChangePath(call, call.IntArg(2), call.Args[3]);
                break;
            case "symlinkat":
                ChangePath(call, call.IntArg(1), call.Args[2]);
                break;
            case "socket" or "socketpair":
                Socket(call, (ushort)call.Args[0], (int)(call.Args[1] & 0xf));
                break;
            case "bind" or "connect":
                Address(call, call.IntArg(0), call.Args[1], call.Args[2], call.Name == "bind");
                break;
            case "sendto" when call.Args[4] != 0:
                Address(call, call.IntArg(0), call.Args[4], call.Args[5], bind: false);
                break;
            case "clone":
                CloneFlags(call.Arch, call.Args[call.Arch == Arch.S390x ? 1 : 0]);
                break;
            case "clone3":
                CloneFlags(call.Arch, tracee.ReadUInt64(call.Tid, call.Args[0]) ?? 0);
                break;
        }
        _capabilities.Check(call);
    }

    private void Open(Call call, int dirFd, ulong pathAddress, ulong flags)
    {
        if (((int)flags & OPath) != 0)
        {
            return; // O_PATH opens neither read nor write: only a handle for *at calls
        }
        var writes = ((int)flags & OAccMode) != 0 || ((int)flags & (Native.OCreat | Native.OTrunc)) != 0;
        PathAt(call, dirFd, pathAddress, writes ? PathUse.Write : PathUse.Read);
    }

    private void Exec(Call call, int dirFd, ulong pathAddress, ulong flags)
    {
        var path = (flags & AtEmptyPath) != 0 ? tracee.DescriptorPath(call.Tid, dirFd) : ResolveAt(call, dirFd, pathAddress);
        if (path is null)
        {
            return;
        }
        recording.Path(path, PathUse.Exec);
        recording.Program(path);
        if (Interpreter(path) is { } interpreter)
        {
            // The kernel itself opens a script's `#!` interpreter and a program's ELF interpreter (the dynamic
            // loader): no syscall shows them, but they are executed all the same.
            recording.Path(tracee.Canonical(interpreter, tracee.Tgid(call.Tid), call.Tid), PathUse.Exec);
        }
    }

    private void ChangePath(Call call, int dirFd, ulong pathAddress) => PathAt(call, dirFd, pathAddress, PathUse.Write);

    private void PathAt(Call call, int dirFd, ulong pathAddress, PathUse use)
    {
        if (ResolveAt(call, dirFd, pathAddress) is { } path)
        {
            recording.Path(path, use);
            _capabilities.CheckAccess(call, path, use);
        }
    }

    private string? ResolveAt(Call call, int dirFd, ulong pathAddress) =>
        tracee.ReadString(call.Tid, pathAddress) is { } path ? tracee.Resolve(call.Tid, dirFd, path) : null;

    private void Socket(Call call, ushort family, int type)
    {
        recording.Sockets |= Access(family, type);
        // Raw IP and packet sockets need CAP_NET_RAW; netlink sockets are SOCK_RAW too, but need nothing.
        if ((type == 3 && family is AfInet or AfInet6) || family == AfPacket)
        {
            _capabilities.Raw(call);
        }
    }

    private static NetworkAccess Access(ushort family, int type) => (family, type) switch
    {
        (AfUnix, _) => NetworkAccess.Unix,
        (AfInet, 1) => NetworkAccess.Inet4Stream,
        (AfInet, 2) => NetworkAccess.Inet4Dgram,
        (AfInet, 3) => NetworkAccess.InetRaw,
        (AfInet6, 1) => NetworkAccess.Inet6Stream,
        (AfInet6, 2) => NetworkAccess.Inet6Dgram,
        (AfInet6, 3) => NetworkAccess.Inet6Raw,
        (AfPacket, _) => NetworkAccess.Packet,
        (16, _) => NetworkAccess.Netlink,
        _ => NetworkAccess.None,
    };

    private void Address(Call call, int fd, ulong address, ulong length, bool bind)
    {
        if (length < 2 || length > 128 || tracee.ReadBytes(call.Tid, address, (int)length) is not { } bytes)
        {
            return;
        }
        var family = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        if (family == AfUnix)
        {
            // A named unix socket is a file (binding creates it, connecting writes to it); abstract ones start with NUL.
            if (bytes.Length > 2 && bytes[2] != 0)
            {
                var end = Array.IndexOf(bytes, (byte)0, 2);
                var name = System.Text.Encoding.UTF8.GetString(bytes, 2, (end < 0 ? bytes.Length : end) - 2);
                if (tracee.Resolve(call.Tid, Native.AtFdCwd, name) is { } path)
                {
                    recording.Path(path, PathUse.Write);
                }
            }
            return;
        }
        if (family is not (AfInet or AfInet6) || bytes.Length < 4)
        {
            return;
        }
        var port = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2));
        var protocol = tracee.SocketType(call.Tid, fd) == SockDgram ? PortProtocol.Udp : PortProtocol.Tcp;
        if (port != 0)
        {
            recording.Ports.Add(new PortUse(protocol, port, bind));
            if (bind)
            {
                _capabilities.CheckBind(protocol, port);
            }
        }
    }

    private void CloneFlags(Arch arch, ulong flags) => recording.CloneFlags[arch] = recording.CloneFlags.GetValueOrDefault(arch) | (flags & ~0xffUL);

    /// <summary>The interpreter the kernel loads for a file: a script's `#!` program, or an ELF file's PT_INTERP.</summary>
    private static string? Interpreter(string path)
    {
        try
        {
            var head = new byte[4096];
            int read;
            using (var file = File.OpenRead(path))
            {
                read = file.Read(head);
            }
            if (read >= 3 && head[0] == '#' && head[1] == '!')
            {
                var line = System.Text.Encoding.UTF8.GetString(head, 2, read - 2).Split('\n')[0].Trim();
                var interpreter = line.Split([' ', '\t'], 2)[0];
                return interpreter.StartsWith('/') ? interpreter : null;
            }
            return read >= 64 && head.AsSpan(0, 4).SequenceEqual((ReadOnlySpan<byte>)[0x7F, (byte)'E', (byte)'L', (byte)'F']) ? ElfInterpreter(path, head) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>PT_INTERP of a little-endian ELF file (32 or 64 bit), read from its program headers.</summary>
    private static string? ElfInterpreter(string path, byte[] head)
    {
        var is64 = head[4] == 2;
        if (head[5] != 1)
        {
            return null;
        }
        var table = is64 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(0x20)) : BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(0x1C));
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(is64 ? 0x36 : 0x2A));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(is64 ? 0x38 : 0x2C));
        using var file = File.OpenRead(path);
        var entry = new byte[Math.Max((int)entrySize, 56)];
        for (var i = 0; i < count && i < 64; i++)
        {
            file.Position = table + (long)i * entrySize;
            if (file.Read(entry, 0, entrySize) != entrySize || BinaryPrimitives.ReadUInt32LittleEndian(entry) != 3)
            {
                continue;
            }
            var offset = is64 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(8)) : BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(4));
            var size = is64 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(32)) : BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(16));
            if (size is <= 1 or > 4096)
            {
                return null;
            }
            var name = new byte[size];
            file.Position = offset;
            return file.Read(name) == size ? System.Text.Encoding.UTF8.GetString(name, 0, (int)size - 1) : null;
        }
        return null;
    }
}
