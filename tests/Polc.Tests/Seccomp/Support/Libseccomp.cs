using System.Text.Json;
using Polc.Backends.Seccomp;
using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Semantics;
using Polc.Tests.Support;

namespace Polc.Tests.Seccomp.Support;

/// <summary>Builds the libseccomp filter for a policy (or a Docker/OCI profile) through
/// Libseccomp/libseccomp-export.py and Debian's python3-seccomp, and reads back its BPF.</summary>
public static class Libseccomp
{
    public const string Python = "/usr/bin/python3";

    public static string Script => Path.Combine(RepoPaths.Root, "tests", "Polc.Tests", "Seccomp", "Libseccomp", "libseccomp-export.py");

    public static void Require()
    {
        var (exit, output) = ProcessRunner.Run(Python, ["-c", "import seccomp; print(seccomp.get_api())"]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"the libseccomp differential tests need python3-seccomp for {Python} (.ci/run installs it): {output}");
        }
    }

    /// <summary>Runs the script on every job at once.</summary>
    public static void Export(IEnumerable<Dictionary<string, object>> jobs, string directory)
    {
        var path = Path.Combine(directory, $"jobs-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(jobs));
        var (exit, output) = ProcessRunner.Run(Python, [Script, path]);
        Assert.True(exit == 0, "libseccomp-export.py failed:\n" + output);
    }

    public static BpfInstruction[] Read(string path, Arch arch) => BpfEncoding.Decode(File.ReadAllBytes(path), arch.IsBigEndian());
}
