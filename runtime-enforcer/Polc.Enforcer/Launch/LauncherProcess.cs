using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Polc.Enforcer.Launch;

/// <param name="Flags">launcher options such as `--verbose` and `--lsm-optional`.</param>
public sealed record LaunchRequest(string LauncherPath, byte[] Plan, IReadOnlyList<string> Flags, IReadOnlyList<string> Command);

/// <summary>Hands a compiled plan to the C launcher.</summary>
public static partial class LauncherProcess
{
    /// <summary>
    /// Replaces this process with the launcher (execv), so that signals, standard streams and the exit
    /// status belong to the launcher alone and no .NET runtime stays behind. The plan travels in an
    /// anonymous memory file inherited as `--plan-fd N`; the launcher reads it and closes it.
    /// Returns only on failure, with the reason.
    /// </summary>
    public static string ExecReplacing(LaunchRequest request)
    {
        var fd = MemfdCreate("polc-plan", 0); // without MFD_CLOEXEC: the launcher must inherit it
        if (fd < 0)
        {
            return "memfd_create: " + Marshal.GetLastPInvokeErrorMessage();
        }
        using (var handle = new SafeFileHandle(fd, ownsHandle: false))
        {
            RandomAccess.Write(handle, request.Plan, 0); // pwrite: the file offset stays at 0 for the launcher
        }
        string[] argv = [request.LauncherPath, .. request.Flags, "--plan-fd", fd.ToString(CultureInfo.InvariantCulture), "--", .. request.Command];
        var pointers = new nint[argv.Length + 1];
        try
        {
            for (var i = 0; i < argv.Length; i++)
            {
                pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            }
            // The .NET runtime ignores SIGPIPE, and an ignored signal stays ignored across execve: give the
            // launcher, and so the program, the default disposition and an empty signal mask, as a shell would.
            Signal(SigPipe, SigDefault);
            PthreadSigmask(SigSetMask, new byte[128], null);
            Execv(request.LauncherPath, pointers);
            return Marshal.GetLastPInvokeErrorMessage();
        }
        finally
        {
            foreach (var pointer in pointers)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
            Close(fd);
        }
    }

    /// <summary>What <see cref="RunChild"/> returns when it had to kill the launcher, as timeout(1) does.</summary>
    public const int TimedOut = 124;

    /// <summary>Runs the launcher as a child process with its output captured (for hosts that must not be
    /// replaced, such as a test run). The plan goes through a private temporary file, removed afterwards.
    /// After <paramref name="timeout"/> the launcher and every process below it are killed.</summary>
    public static int RunChild(LaunchRequest request, TextWriter output, TextWriter error, TimeSpan timeout)
    {
        var planFile = Path.Combine(Path.GetTempPath(), $"polc-plan-{Environment.ProcessId}-{Guid.NewGuid():N}.plan");
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(planFile, create))
            {
                stream.Write(request.Plan);
            }
            var start = new ProcessStartInfo(request.LauncherPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])[.. request.Flags, planFile, "--", .. request.Command])
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var finished = process.WaitForExit(timeout);
            if (!finished)
            {
                process.Kill(entireProcessTree: true);
            }
            process.WaitForExit();
            output.Write(stdout.Result);
            error.Write(stderr.Result);
            if (!finished)
            {
                error.WriteLine($"polc: the program did not finish within {timeout.TotalSeconds:0} s; it was killed with everything it started");
                return TimedOut;
            }
            return process.ExitCode;
        }
        finally
        {
            File.Delete(planFile);
        }
    }

    private const int SigPipe = 13, SigSetMask = 2;
    private const nint SigDefault = 0;

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    private static partial int PthreadSigmask(int how, byte[] set, byte[]? old);

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execv(string path, nint[] argv);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
