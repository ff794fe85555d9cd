using System.Text.Json.Nodes;
using Json.Schema;
using Polc.Backends;
using Polc.Backends.Compose;
using Polc.Backends.DockerRun;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;

namespace Polc.Tests.Compose;

/// <summary>The consumer of NAME.compose.yaml is Compose: the fragment is read with a YAML parser and checked against
/// the Compose specification's JSON schema (../shared/corpus/schemas/compose-spec/compose-spec.json).</summary>
public class ComposeTests
{
    private static readonly Lazy<JsonSchema?> Schema = new(() =>
    {
        if (RepoPaths.Corpus is not { } corpus)
        {
            return null;
        }
        var path = Path.Combine(corpus, "schemas", "compose-spec", "compose-spec.json");
        if (!File.Exists(path))
        {
            return null;
        }
        // The file names its dialect `https://json-schema.org/draft-07/schema`, which is not draft-07's registered id
        // (`http://json-schema.org/draft-07/schema#`); JsonSchema.Net only knows the latter.
        var document = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        document["$schema"] = "http://json-schema.org/draft-07/schema#";
        return JsonSchema.FromText(document.ToJsonString());
    });

    private static JsonSchema RequireSchema()
    {
        Skip.If(Schema.Value is null, "../shared/corpus/schemas/compose-spec/compose-spec.json is absent (a clone outside the workplace); the Compose schema tests cannot run");
        return Schema.Value!;
    }

    private static void AssertValid(JsonSchema schema, string yaml, string what)
    {
        var result = schema.Evaluate(YamlToJson.Convert(yaml), new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"));
        Assert.True(result.IsValid, $"{what} is not a valid Compose file:\n{string.Join("\n", errors)}\n{yaml}");
    }

    [SkippableFact]
    public void Example_fragment_is_valid_compose()
    {
        var yaml = ComposeBackend.Render("web", DockerRunSpec.From(Policies.Bind(Policies.Web), ComposeBackend.Target));
        AssertValid(RequireSchema(), yaml, "web.compose.yaml");
    }

    [SkippableFact]
    public void Random_fragments_are_valid_compose()
    {
        var schema = RequireSchema();
        for (var seed = 1; seed <= 150; seed++)
        {
            var policy = Policies.Bind(new RandomRuntimePolicy(seed).Generate());
            var yaml = System.Text.Encoding.UTF8.GetString(new ComposeBackend().Emit(policy, BackendOptions.Default).Artifacts[0].Content);
            AssertValid(schema, yaml, $"seed {seed}");
        }
    }

    [SkippableFact]
    public void The_schema_check_catches_a_broken_fragment()
    {
        var schema = RequireSchema();
        var yaml = ComposeBackend.Render("web", DockerRunSpec.From(Policies.Bind(Policies.Web), ComposeBackend.Target));
        var broken = yaml.Replace("read_only: true\n    tmpfs", "read_only: true\n    no_such_key: 1\n    tmpfs", StringComparison.Ordinal);
        Assert.NotEqual(yaml, broken);
        Assert.False(schema.Evaluate(YamlToJson.Convert(broken)).IsValid);
    }

    [Fact]
    public void Fragment_says_what_docker_args_says()
    {
        var spec = DockerRunSpec.From(Policies.Bind(Policies.Web), ComposeBackend.Target);
        var service = YamlToJson.Convert(ComposeBackend.Render("web", spec))!["services"]!["web"]!;
        Assert.Equal(spec.CapAdd, service["cap_add"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["ALL"], service["cap_drop"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal((long)spec.MemorySwap!.Value, service["memswap_limit"]!.GetValue<long>());
        Assert.Equal((long)spec.CpuShares!.Value, service["cpu_shares"]!.GetValue<long>());
        Assert.Equal(spec.Cpus!.Value, service["cpus"]!.GetValue<decimal>());
        Assert.Equal(spec.User, service["user"]!.GetValue<string>());
        Assert.Contains("no-new-privileges:true", service["security_opt"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(1024, service["ulimits"]!["nofile"]!["soft"]!.GetValue<long>());
        Assert.True(service["volumes"]![0]!["read_only"]!.GetValue<bool>());
    }

    [Fact]
    public void Strings_that_look_like_other_types_stay_strings()
    {
        var spec = DockerRunSpec.From(Policies.Bind("policy p { resources { cpuset \"1\" }\n isolation { hostname \"true\"; user 1000 } }"), ComposeBackend.Target);
        var service = YamlToJson.Convert(ComposeBackend.Render("p", spec))!["services"]!["p"]!;
        Assert.Equal("1", service["cpuset"]!.GetValue<string>());
        Assert.Equal("true", service["hostname"]!.GetValue<string>());
        Assert.Equal("1000", service["user"]!.GetValue<string>());
    }

    [Fact]
    public void Fragment_matches_the_reviewed_golden_file()
    {
        var output = new ComposeBackend().Emit(Policies.Bind(Policies.Web), BackendOptions.Default);
        var text = System.Text.Encoding.UTF8.GetString(output.Artifacts[0].Content);
        Assert.Equal(text, System.Text.Encoding.UTF8.GetString(new ComposeBackend().Emit(Policies.Bind(Policies.Web), BackendOptions.Default).Artifacts[0].Content));
        Baseline.Verify("tests/Polc.Tests/Compose/Baselines/web.compose.yaml", text);
    }
}
