using System.Runtime.Versioning;
using Polc.Backends.AppArmor;
using Polc.Enforcer.Learning;
using Polc.Tests.AppArmor;
using Polc.Tests.Learning.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Learning;

/// <summary>
/// Learned paths, checked by the consumer that enforces them: the AppArmor profile compiled from a learned policy
/// is accepted by apparmor_parser, and its automaton grants every path the run used with the access it used it
/// for (as the kernel names the path: a directory with its `/`, the program's own /proc entries by number).
/// </summary>
[SupportedOSPlatform("linux")]
public class LearnedAppArmorTests(LearnedWorkloads learned) : IClassFixture<LearnedWorkloads>
{
    public static TheoryData<string> Workloads => [.. Workload.Names];

    [Theory]
    [MemberData(nameof(Workloads))]
    public void The_compiled_profile_grants_every_path_the_run_used(string name)
    {
        var run = learned.Get(name);
        var profile = BackendHarness.Emit(new AppArmorBackend(), run.Text, run.Policy).Text;
        AppArmorParser.AssertAccepts(profile);
        var dfa = AppArmorParser.Dfa(profile);
        foreach (var (path, use) in run.Recording.Paths)
        {
            var asSeen = (path.StartsWith("/proc/self/", StringComparison.Ordinal) ? "/proc/4242/" + path[11..] : path)
                + (Directory.Exists(path) && !path.EndsWith('/') ? "/" : "");
            var bits = (use.HasFlag(PathUse.Exec) ? AppArmorDfa.Exec | AppArmorDfa.Map : 0)
                | (use.HasFlag(PathUse.Write) ? AppArmorDfa.Write : 0)
                | AppArmorDfa.Read;
            dfa.AssertAllows(asSeen, bits, $"{use} by the {name} workload");
        }
        dfa.AssertRefuses("/etc/shadow", AppArmorDfa.Read, "never read by any workload");
    }
}
