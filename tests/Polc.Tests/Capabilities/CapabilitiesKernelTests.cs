using System.Text.Json;
using Polc.Backends.Capabilities;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Tests.RuntimeConfig;
using Xunit.Abstractions;

namespace Polc.Tests.Capabilities;

/// <summary>
/// The real consumer of NAME.caps.json is the kernel: each case installs the `configured` sets with setpriv(1)
/// (as root or as another uid), lets the kernel execve `cat /proc/self/status`, and compares the five Cap* lines
/// with the `after_execve` view the file predicts for that uid.
/// </summary>
public class CapabilitiesKernelTests(ITestOutputHelper output)
{
    [Fact]
    public void Example_policy_holds_exactly_the_predicted_sets_as_root_and_as_non_root()
    {
        var policy = Policies.Bind(Policies.Web);
        var json = JsonDocument.Parse(CapabilitiesBackend.Render(policy)).RootElement;
        Assert.Equal("for_non_root", json.GetProperty("expected").GetString());
        CheckAgainstKernel(policy, json, uid: null);
        CheckAgainstKernel(policy, json, uid: 1000);
    }

    [Fact]
    public void Random_capability_sets_hold_as_predicted()
    {
        // Only capabilities this process still has can be handed on (the sandbox may lack some, e.g. SYS_RESOURCE).
        var hostBounding = Convert.ToUInt64(Host.StatusFields(File.ReadAllText("/proc/self/status"))["CapBnd"], 16);
        var pool = CapabilityTable.All.Where(c => (hostBounding & (1UL << c.Number)) != 0).ToList();
        for (var seed = 1; seed <= 12; seed++)
        {
            var text = new RandomRuntimePolicy(seed).Generate(new RandomRuntimePolicy.Limits(Capabilities: pool));
            var policy = Policies.Bind(text);
            var json = JsonDocument.Parse(CapabilitiesBackend.Render(policy)).RootElement;
            output.WriteLine($"seed {seed}: allowed {CapabilityState.Hex(policy.Capabilities.AllowedMask)} ambient {CapabilityState.Hex(policy.Capabilities.AmbientMask)}");
            CheckAgainstKernel(policy, json, uid: null);
            CheckAgainstKernel(policy, json, uid: 1000 + (uint)seed);
        }
    }

    private static void CheckAgainstKernel(PolicyIr policy, JsonElement json, uint? uid)
    {
        Host.RequireRoot("hand capability sets to another uid");
        var setpriv = Host.Require("setpriv", "util-linux");
        var configured = json.GetProperty("configured");
        string Caps(string set) => "-all" + string.Concat(configured.GetProperty(set).GetProperty("names").EnumerateArray()
            .Select(n => ",+" + n.GetString()![4..].ToLowerInvariant()));
        var arguments = new List<string>();
        if (uid is { } u)
        {
            arguments.AddRange(["--reuid", $"{u}", "--regid", $"{u}", "--clear-groups"]);
        }
        if (policy.Isolation.NoNewPrivileges.Value)
        {
            arguments.Add("--nnp");
        }
        arguments.AddRange([
            "--inh-caps", Caps("inheritable"),
            "--ambient-caps", Caps("ambient"),
            "--bounding-set", Caps("bounding"),
            "--", "/bin/cat", "/proc/self/status",
        ]);
        var run = Host.Run(setpriv, arguments);
        Assert.True(run.ExitCode == 0, $"setpriv {string.Join(' ', arguments)} failed: {run.Err}");
        var status = Host.StatusFields(run.Out);
        var view = json.GetProperty("after_execve").GetProperty(uid is null ? "for_root" : "for_non_root");
        foreach (var field in new[] { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" })
        {
            Assert.True(view.GetProperty(field).GetProperty("mask").GetString() == status[field],
                $"{field} as {(uid is null ? "root" : $"uid {uid}")}: kernel shows {status[field]}, caps.json predicts {view.GetProperty(field).GetProperty("mask").GetString()}\npolicy:\n{policy.Name}");
        }
    }
}
