using System.Runtime.InteropServices;

namespace Polc.Enforcer.Learning;

/// <summary>The libc and kernel interfaces the recorder needs: seccomp user notification, pidfd, reading another
/// process's memory, and spawning the launcher with chosen descriptors. Linux only; numbers are the same on
/// x86_64, aarch64 and riscv64 (asm-generic ioctl encoding, unified numbers for syscalls since 5.1).</summary>
internal static unsafe partial class Native
{
    public const int AfUnix = 1, SockStream = 1, SockCloexec = 0x80000;
    public const int SolSocket = 1, SoType = 3, SoPasscred = 16, ScmCredentials = 2;
    public const short PollIn = 0x1, PollHup = 0x10, PollErr = 0x8, PollNval = 0x20;
    public const int Eintr = 4, Enoent = 2, Eagain = 11, Esrch = 3;
    public const int Wnohang = 1;
    public const long SysPidfdOpen = 434, SysPidfdGetfd = 438;
    public const ulong NotifRecv = 0xC050_2100, NotifSend = 0xC018_2101, NotifIdValid = 0x4008_2102;
    public const uint NotifFlagContinue = 1;
    public const int ODirectory = 0x10000, ORdonly = 0, OWronly = 1, OCreat = 0x40, OTrunc = 0x200, OCloexec = 0x80000;
    public const int SigPipe = 13;
    public const short PosixSpawnSetSigDef = 0x4, PosixSpawnSetSigMask = 0x8;

    [StructLayout(LayoutKind.Sequential)]
    public struct SeccompNotif
    {
        public ulong Id;
        public uint Pid;
        public uint Flags;
        public int Nr;
        public uint Arch;
        public ulong InstructionPointer;
        public fixed ulong Args[6];
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct SeccompNotifResp
    {
        public ulong Id;
        public long Val;
        public int Error;
        public uint Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct statx, the same on every architecture: uid at 20, gid at 24, mode at 28.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatX
    {
        public fixed byte Raw[256];

        public readonly uint Uid => BitConverter.ToUInt32(Bytes(), 20);

        public readonly uint Gid => BitConverter.ToUInt32(Bytes(), 24);

        public readonly uint Mode => BitConverter.ToUInt16(Bytes(), 28);

        private readonly byte[] Bytes()
        {
            var copy = new byte[32];
            for (var i = 0; i < copy.Length; i++)
            {
                copy[i] = Raw[i];
            }
            return copy;
        }
    }

    public const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
    public const uint StatxBasicStats = 0x7ff;

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string ErrorText => Marshal.GetLastPInvokeErrorMessage();

    [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    public static partial int SocketPair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, int* value, uint length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, int* value, uint* length);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint RecvMsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, void* argument);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, long a, long b, long c);

    [LibraryImport("libc", EntryPoint = "process_vm_readv", SetLastError = true)]
    public static partial nint ProcessVmReadv(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "posix_spawn", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PosixSpawn(int* pid, string path, void* fileActions, void* attributes, nint* argv, nint* envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddOpen(void* actions, int fd, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FileActionsAddChdir(void* actions, string path);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int AttrInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttrDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttrSetFlags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttrSetSigDefault(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttrSetSigMask(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    public static partial int SigEmptySet(void* set);

    [LibraryImport("libc", EntryPoint = "sigaddset")]
    public static partial int SigAddSet(void* set, int signal);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, StatX* result);
}
