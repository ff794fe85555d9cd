using System.Runtime.Versioning;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Polc.Backends;
using Polc.Backends.Plan;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Enforcer.Plan;
using Polc.Tests.Support;

namespace Polc.Tests.Enforcer.Support;

public sealed record LaunchResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Err}";
}

/// <summary>Builds plans from policy text and runs them with the real launcher on the real kernel.</summary>
[SupportedOSPlatform("linux")]
public static partial class Enforcement
{
    public static string Launcher => Path.Combine(AppContext.BaseDirectory, "polc-enforcer");

    /// <summary>Present when the kernel runs AppArmor (the file the launcher checks).</summary>
    public const string AppArmorSwitch = "/sys/module/apparmor/parameters/enabled";

    /// <summary>Kernel tests create namespaces, mounts and cgroups: they need root, as CI has.</summary>
    public static void RequireRoot()
    {
        Assert.True(Environment.IsPrivilegedProcess,
            "this test runs the enforcer on the real kernel (namespaces, mounts, cgroups) and needs root; CI runs as root");
        Assert.True(File.Exists(Launcher), $"the launcher is missing at {Launcher}; the build compiles it with gcc");
    }

    /// <summary>The plan `polc` would compile, with other inputs swapped in where given. The seccomp filter is
    /// the test's own (`bpf`) or none: these tests are about the launcher, so a policy's syscall rules (a
    /// policy without any denies everything) never decide whether the test's shell can run.</summary>
    public static EnforcerPlan Plan(string policySource, byte[]? bpf = null, Func<PlanInputs, PlanInputs>? inputs = null)
    {
        var bound = PolicyBinder.Bind(new SourceText("test.pol", policySource));
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        var policy = bound.Policy!;
        var resolved = EnforcerInputs.Default.Resolve(policy, BackendOptions.Default, new DiagnosticBag()) with
        {
            Seccomp = bpf is null ? [] : [new SeccompProgram(Arch.X86_64, bpf)],
        };
        if (inputs is not null)
        {
            resolved = inputs(resolved);
        }
        var built = PlanBuilder.Build(policy, resolved);
        Assert.DoesNotContain(built.Diagnostics, d => d.IsError);
        return built.Plan;
    }

    public static LaunchResult Run(EnforcerPlan plan, params string[] command) => Run(plan, [], command);

    public static LaunchResult Run(EnforcerPlan plan, string[] flags, string[] command)
    {
        using var running = Start(plan, flags, command);
        return running.Wait();
    }

    public static Running Start(EnforcerPlan plan, string[] flags, string[] command, string? launcher = null, string[]? wrapper = null) =>
        new(PlanWriter.Write(plan), flags, command, launcher ?? Launcher, wrapper ?? []);

    public static void Signal(int pid, int signal) => Assert.Equal(0, Kill(pid, signal));

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>A launcher started in the background; its output is collected line by line.</summary>
    public sealed class Running : IDisposable
    {
        private readonly TempDirectory _directory = new();
        private readonly ConcurrentQueue<string> _out = new();
        private readonly ConcurrentQueue<string> _err = new();

        internal Running(byte[] plan, string[] flags, string[] command, string launcher, string[] wrapper)
        {
            PlanPath = _directory.File("test.plan");
            File.WriteAllBytes(PlanPath, plan);
            // Readable by anyone: some tests run the launcher as an unprivileged user.
            File.SetUnixFileMode(_directory.Path, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(PlanPath, (UnixFileMode)0b110_100_100);
            string[] argv = [.. wrapper, launcher, .. flags, PlanPath, "--", .. command];
            var start = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var argument in argv.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }
            Process = Process.Start(start)!;
            Process.StandardInput.Close();
            Process.OutputDataReceived += (_, e) => { if (e.Data is not null) _out.Enqueue(e.Data); };
            Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _err.Enqueue(e.Data); };
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string PlanPath { get; }

        public string Out => string.Concat(_out.Select(l => l + "\n"));

        public string Err => string.Concat(_err.Select(l => l + "\n"));

        /// <summary>Waits until a line of standard output or error satisfies the predicate; returns it.</summary>
        public string WaitForLine(Func<string, bool> predicate, bool stderr = false, int seconds = 20)
        {
            var until = DateTime.UtcNow.AddSeconds(seconds);
            while (DateTime.UtcNow < until)
            {
                if ((stderr ? _err : _out).FirstOrDefault(predicate) is { } line)
                {
                    return line;
                }
                Thread.Sleep(10);
            }
            Assert.Fail($"no matching line within {seconds}s\n--- stdout\n{Out}--- stderr\n{Err}");
            return "";
        }

        public LaunchResult Wait(int seconds = 60)
        {
            if (!Process.WaitForExit(TimeSpan.FromSeconds(seconds)))
            {
                Process.Kill(entireProcessTree: true);
                Assert.Fail($"the launcher did not finish within {seconds}s\n--- stdout\n{Out}--- stderr\n{Err}");
            }
            Process.WaitForExit(); // drains the output events
            return new LaunchResult(Process.ExitCode, Out, Err);
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
            Process.Dispose();
            _directory.Dispose();
        }
    }
}
