using System.Text.Json.Nodes;
using Json.Schema;
using Polc.Backends.DockerSeccomp;
using Polc.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Polc.Tests.DockerSeccomp;

/// <summary>The model rendered for the OCI runtime spec (`linux.seccomp`) and for the Security Profiles Operator
/// (`SeccompProfile.spec`), checked against those projects' own schemas from ../shared/corpus/schemas.</summary>
public class SeccompSchemaTests
{
    private const string Rich = """
        policy rich {
            syscalls {
                default errno EPERM
                arch x86_64, aarch64
                allow read, write
                errno ENOSYS clone3
                kill ptrace
                kill-thread bpf
                trap uselib
                trace 7 mount
                log chroot
                notify mkdirat
                allow clone if arg0 & (CLONE_NEWUSER | CLONE_NEWNS) == 0
                allow socket if arg0 not in [AF_VSOCK, AF_ALG] && arg1 != SOCK_RAW
                errno EACCES openat if arg2 & O_CREAT == O_CREAT
            }
        }
        """;

    [SkippableFact]
    public void Oci_seccomp_object_satisfies_the_runtime_spec_schema()
    {
        var schema = OciSchema();
        // Through text, as a runtime reads it (the validator cannot take unsigned 64-bit values in nodes).
        var seccomp = JsonNode.Parse(SeccompProfileJson.ToOciSeccomp(Build(Rich)).ToJsonString())!.AsObject();
        var config = new JsonObject
        {
            ["ociVersion"] = "1.2.0",
            ["root"] = new JsonObject { ["path"] = "rootfs" },
            ["linux"] = new JsonObject { ["seccomp"] = seccomp },
        };
        var result = schema.Evaluate(config, new EvaluationOptions { OutputFormat = OutputFormat.List, EvaluateAs = SpecVersion.Draft7 });
        Assert.True(result.IsValid, Errors(result));
        Assert.Null(seccomp["syscalls"]!.AsArray().Select(e => e!["comment"]).FirstOrDefault(c => c is not null)); // not an OCI field

        // The check can fail: an action the spec does not know.
        seccomp["syscalls"]![0]!["action"] = "SCMP_ACT_MAYBE";
        Assert.False(schema.Evaluate(config, new EvaluationOptions { EvaluateAs = SpecVersion.Draft7 }).IsValid);
    }

    [SkippableFact]
    public void Security_profiles_operator_spec_satisfies_the_crd_schema()
    {
        var schema = SpoSchema();
        // One-argument conditions only: the masks polc writes for some multi-argument ones need 64 bits (POL2108).
        var policy = Rich.Replace(" && arg1 != SOCK_RAW", "", StringComparison.Ordinal);
        var (built, diagnostics) = SeccompProfileJson.ToSecurityProfilesOperatorSpec(Build(policy));
        Assert.Empty(diagnostics);
        Assert.Null(built["defaultErrnoRet"]);
        var spec = JsonNode.Parse(built.ToJsonString())!.AsObject();
        var result = schema.Evaluate(spec, new EvaluationOptions { OutputFormat = OutputFormat.List, EvaluateAs = SpecVersion.Draft7 });
        Assert.True(result.IsValid, Errors(result));
        spec["syscalls"]![0]!["args"] = new JsonArray(new JsonObject { ["index"] = -1, ["op"] = "SCMP_CMP_EQ" });
        Assert.False(schema.Evaluate(spec, new EvaluationOptions { EvaluateAs = SpecVersion.Draft7 }).IsValid);
    }

    [Fact]
    public void What_a_seccomp_profile_custom_resource_cannot_hold_is_an_error()
    {
        var (_, errno) = SeccompProfileJson.ToSecurityProfilesOperatorSpec(Build("policy p {\n syscalls {\n default errno ENOSYS\n allow read\n }\n}\n"));
        Assert.Equal(3, Assert.Single(errno, d => d.Code == "POL2107").Location!.Line);
        var (_, large) = SeccompProfileJson.ToSecurityProfilesOperatorSpec(Build("policy p {\n syscalls {\n allow read\n allow mmap if arg1 == 0xffffffffffff0000\n }\n}\n"));
        Assert.Equal(4, Assert.Single(large, d => d.Code == "POL2108").Location!.Line);
    }

    private static SeccompProfile Build(string policy)
    {
        var built = SeccompProfileBuilder.Build(FirstMatchRewriteTests.Bind(policy));
        Assert.False(built.HasErrors, string.Join("\n", built.Diagnostics));
        return built.Profile!;
    }

    private static string Errors(EvaluationResults result) => string.Join("\n",
        (result.Details ?? []).Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}")));

    /// <summary>The OCI schema files (draft-04, evaluated as draft-07, which these files read the same under),
    /// each given an `$id` so their relative `$ref`s resolve among them.</summary>
    private static JsonSchema OciSchema()
    {
        SchemaFolder("oci-runtime-spec");
        return LoadedOci.Value;
    }

    private static readonly Lazy<JsonSchema> LoadedOci = new(() =>
    {
        var folder = Path.Combine(RepoPaths.Corpus!, "schemas", "oci-runtime-spec");
        JsonSchema? root = null;
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            node["$schema"] = "http://json-schema.org/draft-07/schema#";
            node["$id"] = $"https://polc.test/oci/{Path.GetFileName(file)}";
            var schema = JsonSchema.FromText(node.ToJsonString());
            SchemaRegistry.Global.Register(schema);
            if (Path.GetFileName(file) == "config-schema.json")
            {
                root = schema;
            }
        }
        return root!;
    });

    /// <summary>The `spec` part of the SeccompProfile CRD's openAPIV3Schema.</summary>
    private static JsonSchema SpoSchema()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(SchemaFolder("security-profiles-operator"), "seccompprofile.yaml")))
        {
            yaml.Load(reader);
        }
        var crd = ToJson(yaml.Documents[0].RootNode)!;
        var version = crd["spec"]!["versions"]!.AsArray().First(v => v!["storage"]?.GetValue<bool>() == true)!;
        var spec = version["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!.AsObject();
        spec["$schema"] = "http://json-schema.org/draft-07/schema#";
        return JsonSchema.FromText(spec.ToJsonString());
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.Plain } text => JsonValue.Create(text.Value),
        YamlScalarNode scalar when long.TryParse(scalar.Value, out var number) => JsonValue.Create(number),
        YamlScalarNode scalar when bool.TryParse(scalar.Value, out var flag) => JsonValue.Create(flag),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static string SchemaFolder(string name)
    {
        Skip.If(RepoPaths.Corpus is null, "../shared/corpus is missing (a clone made elsewhere): the OCI and SPO schemas live there");
        return Path.Combine(RepoPaths.Corpus!, "schemas", name);
    }
}
