using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Polc.Compiler.Semantics;
using Polc.Enforcer.Launch;
using Polc.Enforcer.Plan;

namespace Polc.Enforcer.Learning;

/// <param name="Command">the program and its arguments; a name without `/` is looked up in PATH.</param>
/// <param name="StandardInput">a file for the program's standard input, or null to share ours (and so for the others).</param>
public sealed record LearnRequest(IReadOnlyList<string> Command)
{
    public string? StandardInput { get; init; }

    public string? StandardOutput { get; init; }

    public string? StandardError { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>The launcher to use; null: <see cref="LauncherLocator.Find"/>.</summary>
    public string? Launcher { get; init; }

    /// <summary>Kill the program (and its launcher) after this long; null: wait for it however long it takes.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Pass SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to this process on to the program instead of dying
    /// of them, so that a server being learned can be stopped (Ctrl-C) and its policy still written.</summary>
    public bool ForwardSignals { get; init; }
}

/// <param name="ExitCode">the program's exit status as the launcher reports it (signal N: 128+N).</param>
/// <param name="Failure">why nothing was recorded, or null.</param>
public sealed record LearnOutcome(Recording Recording, int ExitCode, string? Failure, TimeSpan Elapsed);

/// <summary>
/// Runs a program under the launcher with the <see cref="RecordingPlan"/> and supervises it: every syscall of
/// every thread and child stops in the kernel (SECCOMP_RET_USER_NOTIF), is decoded here, and is let go
/// unchanged (SECCOMP_USER_NOTIF_FLAG_CONTINUE). Recording starts at the program's first execve, so nothing
/// the launcher does is counted. See docs/learn.md for why user notification rather than ptrace.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static unsafe class Recorder
{
    private const int F_DupFdCloexec = 1030, MfdCloexec = 1;
    private static readonly TimeSpan GraceAfterExit = TimeSpan.FromSeconds(1);

    public static LearnOutcome Record(LearnRequest request)
    {
        var watch = Stopwatch.StartNew();
        var recording = new Recording();
        LearnOutcome Fail(string why, int exit = 125) => new(recording, exit, why, watch.Elapsed);

        if (request.Command.Count == 0)
        {
            return Fail("no command to record");
        }
        if ((request.Launcher ?? LauncherLocator.Find()) is not { } launcher || !File.Exists(launcher))
        {
            return Fail($"the launcher `{LauncherLocator.FileName}` is missing (looked for {string.Join(", ", LauncherLocator.Candidates())})");
        }
        if (ResolveProgram(request.Command[0]) is not { } program)
        {
            return Fail($"`{request.Command[0]}`: command not found", 127);
        }
        var plan = PlanWriter.Write(RecordingPlan.Build(Environment.IsPrivilegedProcess));
        var pair = stackalloc int[2];
        if (Native.SocketPair(Native.AfUnix, Native.SockStream | Native.SockCloexec, 0, pair) != 0)
        {
            return Fail("socketpair: " + Native.ErrorText);
        }
        var one = 1;
        Native.SetSockOpt(pair[0], Native.SolSocket, Native.SoPasscred, &one, sizeof(int));
        int launcherPid;
        try
        {
            launcherPid = Spawn(launcher, plan, pair[1], [program, .. request.Command.Skip(1)], request);
        }
        catch (IOException e)
        {
            Native.Close(pair[0]);
            return Fail(e.Message);
        }
        finally
        {
            Native.Close(pair[1]);
        }
        using var forwarding = request.ForwardSignals ? new SignalForwarding(launcherPid) : null;
        using var tracee = new TraceeView();
        var deadline = request.Timeout is { } timeout ? DateTime.UtcNow + timeout : DateTime.MaxValue;
        var session = new Session(launcherPid, pair[0], tracee, recording, deadline);
        try
        {
            if (session.Attach() is { } problem)
            {
                var status = session.WaitLauncher();
                return Fail(problem, status);
            }
            if (!session.Supervise())
            {
                Native.Kill(launcherPid, 9); // its init and the program die with it, its guard removes the cgroup
                return Fail($"the program did not finish within {request.Timeout!.Value.TotalSeconds:0} s; it was killed", session.WaitLauncher());
            }
            return new LearnOutcome(recording, session.WaitLauncher(), null, watch.Elapsed);
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>As execvp would find it, so that the launcher makes exactly one execve.</summary>
    private static string? ResolveProgram(string name)
    {
        if (name.Contains('/'))
        {
            return Path.GetFullPath(name);
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin").Split(':'))
        {
            var candidate = Path.Combine(directory.Length == 0 ? "." : directory, name);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return Path.GetFullPath(candidate);
            }
        }
        return null;
    }

    /// <summary>posix_spawn of `launcher --plan-fd 4 -- PROGRAM ARGS` with the supervisor's socket as descriptor 3
    /// and the plan (a memory file) as 4, SIGPIPE back to its default and no signal blocked, as from a shell.</summary>
    private static int Spawn(string launcher, byte[] plan, int socket, IReadOnlyList<string> command, LearnRequest request)
    {
        var memfd = Native.MemfdCreate("polc-learn-plan", MfdCloexec);
        if (memfd < 0)
        {
            throw new IOException("memfd_create: " + Native.ErrorText);
        }
        var actions = NativeMemory.AllocZeroed(512);
        var attributes = NativeMemory.AllocZeroed(512);
        var signals = NativeMemory.AllocZeroed(256);
        var strings = new List<nint>();
        // Above 10, so that placing them at 3 and 4 cannot overwrite one with the other.
        var socketHigh = Native.Fcntl(socket, F_DupFdCloexec, 10);
        var planHigh = Native.Fcntl(memfd, F_DupFdCloexec, 10);
        try
        {
            using (var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(memfd, ownsHandle: false))
            {
                RandomAccess.Write(handle, plan, 0);
            }
            Native.FileActionsInit(actions);
            Native.FileActionsAddDup2(actions, socketHigh, RecordingPlan.ListenerDescriptor);
            Native.FileActionsAddDup2(actions, planHigh, RecordingPlan.PlanDescriptor);
            if (request.StandardInput is { } input) Native.FileActionsAddOpen(actions, 0, input, Native.ORdonly, 0);
            if (request.StandardOutput is { } output) Native.FileActionsAddOpen(actions, 1, output, Native.OWronly | Native.OCreat | Native.OTrunc, 0x1A4);
            if (request.StandardError is { } error) Native.FileActionsAddOpen(actions, 2, error, Native.OWronly | Native.OCreat | Native.OTrunc, 0x1A4);
            if (request.WorkingDirectory is { } directory) Native.FileActionsAddChdir(actions, directory);
            Native.AttrInit(attributes);
            Native.SigEmptySet(signals);
            Native.AttrSetSigMask(attributes, signals);
            Native.SigAddSet(signals, Native.SigPipe);
            Native.AttrSetSigDefault(attributes, signals);
            Native.AttrSetFlags(attributes, Native.PosixSpawnSetSigDef | Native.PosixSpawnSetSigMask);

            string[] argv = [launcher, "--plan-fd", RecordingPlan.PlanDescriptor.ToString(CultureInfo.InvariantCulture), "--", .. command];
            var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
                .Select(e => $"{e.Key}={e.Value}").Order(StringComparer.Ordinal).ToArray();
            var argvPointers = Pointers(argv, strings);
            var envPointers = Pointers(environment, strings);
            int pid;
            fixed (nint* args = argvPointers, env = envPointers)
            {
                var result = Native.PosixSpawn(&pid, launcher, actions, attributes, args, env);
                if (result != 0)
                {
                    throw new IOException($"cannot start the launcher {launcher}: {Marshal.GetPInvokeErrorMessage(result)}");
                }
            }
            return pid;
        }
        finally
        {
            Native.FileActionsDestroy(actions);
            Native.AttrDestroy(attributes);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            strings.ForEach(Marshal.FreeCoTaskMem);
            Native.Close(socketHigh);
            Native.Close(planHigh);
            Native.Close(memfd);
        }
    }

    private static nint[] Pointers(string[] values, List<nint> owned)
    {
        var pointers = new nint[values.Length + 1];
        for (var i = 0; i < values.Length; i++)
        {
            pointers[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
            owned.Add(pointers[i]);
        }
        return pointers;
    }

    /// <summary>Signals for this process go to the launcher, which passes them to init and so to the program.</summary>
    private sealed class SignalForwarding : IDisposable
    {
        private readonly PosixSignalRegistration[] _registrations;

        public SignalForwarding(int launcherPid)
        {
            (PosixSignal Signal, int Number)[] forwarded = [(PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3)];
            _registrations = [.. forwarded.Select(f => PosixSignalRegistration.Create(f.Signal, context =>
            {
                context.Cancel = true;
                Native.Kill(launcherPid, f.Number);
            }))];
        }

        public void Dispose()
        {
            foreach (var registration in _registrations)
            {
                registration.Dispose();
            }
        }
    }

    /// <summary>One recorded run: the launcher's process, the program's announcement, the listener, the loop.</summary>
    private sealed class Session(int launcherPid, int socket, TraceeView tracee, Recording recording, DateTime deadline) : IDisposable
    {
        private readonly CallDecoder _decoder = new(recording, tracee);
        private int _listener = -1;
        private int _programPid;
        private int? _launcherStatus;
        private bool _started;

        /// <summary>Waits for the program's announcement (its pid comes with it, from the kernel), then takes its
        /// listener descriptor with pidfd_getfd once the filter is in. Returns the problem, or null.</summary>
        public string? Attach()
        {
            while (true)
            {
                var poll = new Native.PollFd { Fd = socket, Events = Native.PollIn };
                var ready = Native.Poll(&poll, 1, 100);
                if (ready > 0 && (poll.Revents & Native.PollIn) != 0)
                {
                    break;
                }
                if (LauncherExited())
                {
                    return "the launcher stopped before the program started (its message above says why)";
                }
            }
            _programPid = ReceiveAnnouncement();
            if (_programPid <= 0)
            {
                return LauncherExited() || WaitLauncherBriefly()
                    ? "the launcher stopped before the program started (its message above says why)"
                    : "the program's announcement carried no process id";
            }
            var pidfd = (int)Native.Syscall(Native.SysPidfdOpen, _programPid, 0, 0);
            if (pidfd < 0)
            {
                return "pidfd_open: " + Native.ErrorText;
            }
            try
            {
                var filterDeadline = DateTime.UtcNow.AddSeconds(30);
                while (DateTime.UtcNow < filterDeadline)
                {
                    if (FindListener(_programPid) is { } fd)
                    {
                        _listener = (int)Native.Syscall(Native.SysPidfdGetfd, pidfd, fd, 0);
                        return _listener < 0 ? "pidfd_getfd: " + Native.ErrorText + " (the supervisor needs ptrace access to the program)" : null;
                    }
                    if (LauncherExited())
                    {
                        return "the launcher stopped before the filter was installed";
                    }
                    Thread.Sleep(1);
                }
                return "the program did not install its filter within 30 s";
            }
            finally
            {
                Native.Close(pidfd);
            }
        }

        /// <summary>Answers notifications until no process holds the filter; false when the deadline passed first.
        /// A receiving thread takes every notification off the listener at once, and this thread decodes and answers
        /// them: a call the supervisor has received waits for its answer untouched by signals (the launcher asks for
        /// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV), while one still queued in the kernel is cut short by any signal.
        /// A shell's fork interrupted by the SIGCHLD of the previous command fails ("Cannot fork") instead of being
        /// restarted, so nothing may stay queued while a slow call is decoded.</summary>
        public bool Supervise()
        {
            using var received = new System.Collections.Concurrent.BlockingCollection<Native.SeccompNotif>();
            using var stop = new CancellationTokenSource();
            var receiver = new Thread(() => Receive(received, stop.Token)) { IsBackground = true, Name = "polc learn: receive" };
            receiver.Start();
            try
            {
                var idleSince = (DateTime?)null;
                while (DateTime.UtcNow < deadline)
                {
                    if (received.TryTake(out var notification, 100))
                    {
                        Answer(notification);
                        continue;
                    }
                    if (received.IsCompleted)
                    {
                        return true; // no process holds the filter any more
                    }
                    // Whatever outlives the launcher (only without a cgroup, i.e. without root) is not the workload.
                    if (LauncherExited() && (idleSince ??= DateTime.UtcNow) + GraceAfterExit < DateTime.UtcNow)
                    {
                        return true;
                    }
                }
                return false;
            }
            finally
            {
                stop.Cancel();
                receiver.Join();
            }
        }

        private void Receive(System.Collections.Concurrent.BlockingCollection<Native.SeccompNotif> received, CancellationToken stop)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var poll = new Native.PollFd { Fd = _listener, Events = Native.PollIn };
                    var ready = Native.Poll(&poll, 1, 100);
                    if (ready > 0 && (poll.Revents & Native.PollIn) != 0)
                    {
                        Native.SeccompNotif notification = default;
                        if (Native.Ioctl(_listener, Native.NotifRecv, &notification) == 0)
                        {
                            received.Add(notification);
                        }
                        // otherwise the thread was interrupted or died meanwhile
                        continue;
                    }
                    if (ready > 0 && (poll.Revents & (Native.PollHup | Native.PollErr | Native.PollNval)) != 0)
                    {
                        return;
                    }
                }
            }
            finally
            {
                received.CompleteAdding();
            }
        }

        private void Answer(Native.SeccompNotif notification)
        {
            if (SyscallName(notification.Arch, notification.Nr) is { } call)
            {
                var args = new ulong[6];
                for (var i = 0; i < 6; i++)
                {
                    args[i] = notification.Args[i];
                }
                var tid = (int)notification.Pid;
                _started |= call.Name is "execve" or "execveat" && tid == _programPid;
                if (_started && tid != 0)
                {
                    _decoder.Decode(new Call(tid, call.Arch, call.Name, args));
                }
            }
            var response = new Native.SeccompNotifResp { Id = notification.Id, Flags = Native.NotifFlagContinue };
            Native.Ioctl(_listener, Native.NotifSend, &response);
        }

        /// <summary>x32 calls come with x86_64's audit value and bit 30 set in the number, as the x32 table has them.</summary>
        private static (Arch Arch, string Name)? SyscallName(uint auditArch, int nr)
        {
            var number = (uint)nr;
            var arch = ArchInfo.All.FirstOrDefault(a => a != Arch.X32 && a.AuditArch() == auditArch, (Arch)(-1));
            if (arch == Arch.X86_64 && (number & ArchInfo.X32SyscallBit) != 0)
            {
                arch = Arch.X32;
            }
            return ArchInfo.All.Contains(arch) && SyscallTable.TryGetName(arch, number, out var name) ? (arch, name) : null;
        }

        private int ReceiveAnnouncement()
        {
            byte data;
            var control = stackalloc byte[64];
            var vector = new Native.IoVec { Base = &data, Length = 1 };
            var message = new Native.MsgHdr { Iov = &vector, IovLength = 1, Control = control, ControlLength = 64 };
            if (Native.RecvMsg(socket, &message, 0) != 1 || message.ControlLength < 16 + 12)
            {
                return -1;
            }
            // struct cmsghdr { size_t len; int level; int type; } then struct ucred { pid, uid, gid }.
            var level = *(int*)(control + 8);
            var type = *(int*)(control + 12);
            return level == Native.SolSocket && type == Native.ScmCredentials ? *(int*)(control + 16) : -1;
        }

        /// <summary>The descriptor the kernel names `anon_inode:seccomp notify` in /proc/PID/fd, once it is there.</summary>
        private static int? FindListener(int pid)
        {
            try
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                {
                    if (new FileInfo(entry).LinkTarget == "anon_inode:seccomp notify")
                    {
                        return int.Parse(Path.GetFileName(entry), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            return null;
        }

        private bool WaitLauncherBriefly()
        {
            for (var i = 0; i < 50 && !LauncherExited(); i++)
            {
                Thread.Sleep(10);
            }
            return LauncherExited();
        }

        private bool LauncherExited()
        {
            if (_launcherStatus is not null)
            {
                return true;
            }
            int status;
            if (Native.WaitPid(launcherPid, &status, Native.Wnohang) == launcherPid)
            {
                _launcherStatus = ExitCode(status);
            }
            return _launcherStatus is not null;
        }

        public int WaitLauncher()
        {
            if (_launcherStatus is { } known)
            {
                return known;
            }
            int status;
            while (Native.WaitPid(launcherPid, &status, 0) < 0 && Native.Errno == Native.Eintr)
            {
            }
            _launcherStatus = ExitCode(status);
            return _launcherStatus.Value;
        }

        private static int ExitCode(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

        public void Dispose()
        {
            if (_listener >= 0)
            {
                Native.Close(_listener); // anything still held in a notification now gets ENOSYS
            }
            Native.Close(socket);
            if (_launcherStatus is null)
            {
                Native.Kill(launcherPid, 9);
                WaitLauncher();
            }
        }
    }
}
