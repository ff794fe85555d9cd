using System.Text.Json;
using Polc.Backends.Capabilities;
using Polc.Compiler.Semantics;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;

namespace Polc.Tests.Capabilities;

public class CapabilitiesJsonTests
{
    [Fact]
    public void Every_mask_is_the_union_of_its_names_bits()
    {
        for (var seed = 1; seed <= 30; seed++)
        {
            var json = JsonDocument.Parse(CapabilitiesBackend.Render(Policies.Bind(new RandomRuntimePolicy(seed).Generate()))).RootElement;
            var sets = json.GetProperty("configured").EnumerateObject()
                .Concat(json.GetProperty("after_execve").EnumerateObject().SelectMany(v => v.Value.EnumerateObject()));
            foreach (var set in sets)
            {
                var mask = Convert.ToUInt64(set.Value.GetProperty("mask").GetString(), 16);
                var fromNames = set.Value.GetProperty("names").EnumerateArray()
                    .Aggregate(0UL, (m, n) => CapabilityTable.TryParse(n.GetString()!, out var c) ? m | (1UL << c.Number) : throw new InvalidOperationException(n.GetString()));
                Assert.Equal(fromNames, mask);
                Assert.Equal(16, set.Value.GetProperty("mask").GetString()!.Length);
            }
        }
    }

    [Fact]
    public void A_non_root_program_holds_only_its_ambient_set_and_root_its_whole_bounding_set()
    {
        var policy = Policies.Bind(Policies.Web);
        var json = JsonDocument.Parse(CapabilitiesBackend.Render(policy)).RootElement.GetProperty("after_execve");
        string Mask(string view, string field) => json.GetProperty(view).GetProperty(field).GetProperty("mask").GetString()!;
        Assert.Equal(CapabilityState.Hex(policy.Capabilities.AmbientMask), Mask("for_non_root", "CapEff"));
        Assert.Equal(CapabilityState.Hex(policy.Capabilities.AllowedMask), Mask("for_root", "CapEff"));
        Assert.NotEqual(Mask("for_root", "CapEff"), Mask("for_non_root", "CapEff"));
    }

    [Fact]
    public void Output_is_deterministic_and_matches_the_reviewed_golden_file()
    {
        var policy = Policies.Bind(Policies.Web);
        var first = CapabilitiesBackend.Render(policy);
        Assert.Equal(first, CapabilitiesBackend.Render(Policies.Bind(Policies.Web)));
        Baseline.Verify("tests/Polc.Tests/Capabilities/Baselines/web.caps.json", first);
    }
}
