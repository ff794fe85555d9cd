using System.Globalization;
using System.Runtime.InteropServices;
using Polc.Compiler.Ir;
using Polc.Tests.Support;

namespace Polc.Tests.Seccomp.Support;

/// <summary>One call for the kernel harness: ABI 64 (`syscall`, x86_64 or x32 numbers) or 32 (`int $0x80`, i386).</summary>
public sealed record KernelCall(int Abi, uint Nr, params ulong[] Args)
{
    public string Line => $"{Abi} 0x{Nr:x} " + string.Join(" ", Enumerable.Range(0, 6).Select(i => "0x" + (i < Args.Length ? Args[i] : 0).ToString("x", CultureInfo.InvariantCulture)));
}

/// <summary>Compiles tests/Polc.Tests/Seccomp/Kernel/seccomp-run.c with gcc once, then runs calls in forked
/// children that load a filter with seccomp(2). Outcomes: `returned V`, `errno E`, `trap D`, `signal S`.</summary>
public sealed class KernelHarness : IDisposable
{
    private readonly TempDirectory _temp = new();

    public KernelHarness()
    {
        Require(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.OSArchitecture == Architecture.X64,
            "the live seccomp tests run on x86_64 Linux");
        Require(File.Exists("/proc/sys/kernel/seccomp/actions_avail"), "the kernel has no seccomp filters (CONFIG_SECCOMP_FILTER)");
        var actions = File.ReadAllText("/proc/sys/kernel/seccomp/actions_avail");
        foreach (var action in new[] { "kill_process", "kill_thread", "trap", "errno", "user_notif", "trace", "log", "allow" })
        {
            Require(actions.Contains(action, StringComparison.Ordinal), $"the kernel lacks the seccomp action `{action}` (actions_avail: {actions.Trim()})");
        }
        Executable = Path.Combine(_temp.Path, "seccomp-run");
        var source = Path.Combine(RepoPaths.Root, "tests", "Polc.Tests", "Seccomp", "Kernel", "seccomp-run.c");
        var (exit, output) = ProcessRunner.Run("gcc", ["-O2", "-Wall", "-Werror", "-o", Executable, source], null);
        Require(exit == 0, $"gcc could not build the kernel harness (install gcc; .ci/run lists it):\n{output}");
    }

    public string Executable { get; }

    /// <summary>Runs each call in a fresh child with <paramref name="filter"/> loaded (null: no filter).</summary>
    public IReadOnlyList<string> Run(byte[]? filter, IReadOnlyList<KernelCall> calls)
    {
        var path = "-";
        if (filter is not null)
        {
            path = Path.Combine(_temp.Path, $"filter-{Guid.NewGuid():N}.bpf");
            File.WriteAllBytes(path, filter);
        }
        var (exit, output) = ProcessRunner.Run(Executable, [path], string.Join("\n", calls.Select(c => c.Line)) + "\n");
        Assert.True(exit == 0, $"seccomp-run failed: {output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == calls.Count, $"seccomp-run answered {lines.Length} of {calls.Count} calls:\n{output}");
        Assert.DoesNotContain(lines, l => l.StartsWith("error", StringComparison.Ordinal));
        return lines;
    }

    /// <summary>What the kernel shows for an action taken on a call that, when run, returns normally:
    /// `executed` for allow and log; ENOSYS for trace and notify with no tracer or listener.</summary>
    public static string Observable(SeccompAction action) => action.Kind switch
    {
        SeccompActionKind.Allow or SeccompActionKind.Log => "executed",
        SeccompActionKind.Errno when action.Value == 0 => "returned 0",
        SeccompActionKind.Errno => $"errno {action.Value}",
        SeccompActionKind.KillProcess or SeccompActionKind.KillThread => "signal 31",
        SeccompActionKind.Trap => "trap 0",
        _ => "errno 38",
    };

    /// <summary>An outcome line with normal returns folded into `executed` (errno values below 1000 count as the syscall's own).</summary>
    public static string Fold(string outcome, bool naturalErrnos)
    {
        if (outcome.StartsWith("returned ", StringComparison.Ordinal) && outcome != "returned 0")
        {
            return "executed";
        }
        if (naturalErrnos && outcome.StartsWith("errno ", StringComparison.Ordinal) && int.Parse(outcome[6..], CultureInfo.InvariantCulture) is < 1000 and not 38)
        {
            return "executed";
        }
        return outcome;
    }

    public void Dispose() => _temp.Dispose();

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("cannot run the live seccomp tests: " + message);
        }
    }
}
