using System.Diagnostics;
using System.Text.Json;
using Polc.Backends.DockerSeccomp;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Tests.Support;

namespace Polc.Tests.DockerSeccomp;

/// <summary>The real consumer of a Docker profile: libseccomp (2.5, through Debian's python3-seccomp), fed
/// the way runc feeds it (load_docker_profile.py), then asked for decisions by running the BPF it exports.</summary>
public static class Libseccomp
{
    public const string Python = "/usr/bin/python3";

    public sealed record Loaded(bool Ok, string? Error, ClassicBpf? Filter, IReadOnlyDictionary<string, uint> LastSyscall, bool EnosysStub)
    {
        /// <summary>The decision for a call, including runc's ENOSYS stub (for syscalls numbered above every name
        /// the profile lists), which runs before the filter.</summary>
        public SeccompAction Decide(Arch arch, uint nr, IReadOnlyList<ulong> args) =>
            StubAnswers(arch, nr) ? SeccompAction.Errno(38) : SeccompAction.FromReturn(Filter!.Run(nr, arch.AuditArch(), args));

        /// <summary>Whether runc's stub, not the filter, answers this call: a number above the profile's newest
        /// syscall of that architecture (x32 calls under x86_64 go on to the filter, which refuses them).</summary>
        public bool StubAnswers(Arch arch, uint nr) =>
            EnosysStub && LastSyscall.TryGetValue(SeccompNames.Architecture(arch), out var last) && nr > last
            && !(arch == Arch.X86_64 && (nr & ArchInfo.X32SyscallBit) != 0);
    }

    public static void RequirePython()
    {
        if (!File.Exists(Python) || Run("-c", "import seccomp").ExitCode != 0)
        {
            Assert.Fail($"{Python} with the `seccomp` module is required (Debian package python3-seccomp); the python3 on PATH may lack it");
        }
    }

    /// <summary>Loads each profile file into libseccomp as runc does, in one Python process.</summary>
    public static List<Loaded> Load(IReadOnlyList<string> profiles)
    {
        RequirePython();
        var script = Path.Combine(RepoPaths.Root, "tests", "Polc.Tests", "DockerSeccomp", "load_docker_profile.py");
        var arguments = new List<string> { script };
        foreach (var profile in profiles)
        {
            arguments.Add(profile);
            arguments.Add(profile + ".bpf");
        }
        var run = Run([.. arguments]);
        Assert.True(run.ExitCode == 0, $"load_docker_profile.py failed: {run.Error}");
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(profiles.Count, lines.Length);
        var result = new List<Loaded>();
        for (var i = 0; i < profiles.Count; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var root = json.RootElement;
            if (!root.GetProperty("ok").GetBoolean())
            {
                result.Add(new Loaded(false, root.GetProperty("error").GetString(), null, new Dictionary<string, uint>(), false));
                continue;
            }
            var last = root.GetProperty("last").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetUInt32());
            result.Add(new Loaded(true, null, new ClassicBpf(File.ReadAllBytes(profiles[i] + ".bpf")), last, root.GetProperty("stub").GetBoolean()));
        }
        return result;
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }
}
