using System.Text.Json.Nodes;
using Json.Schema;
using Polc.Tests.Compose;
using Polc.Tests.Support;

namespace Polc.Tests.Kubernetes;

/// <summary>
/// A Security Profiles Operator object's schema: the `openAPIV3Schema` of its CRD version, from
/// ../shared/corpus/schemas/security-profiles-operator, evaluated as JSON schema draft-07 with two changes for what the
/// API server does that JSON schema does not:
/// <list type="bullet">
/// <item>an object schema with `properties` gets `additionalProperties: false`: the server's strict field validation
/// (kubectl's default) rejects unknown fields, where plain JSON schema would let them through;</item>
/// <item>the `x-kubernetes-*` extensions (list types, map keys) are left out; JSON schema ignores unknown keywords anyway,
/// and `uniqueItems` stands for `x-kubernetes-list-type: set`, which the server enforces.</item>
/// </list>
/// `default` values are annotations in both.
/// </summary>
public static class SpoCrdSchema
{
    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["SeccompProfile"] = "seccompprofile.yaml",
        ["AppArmorProfile"] = "apparmorprofile.yaml",
        ["SelinuxProfile"] = "selinuxpolicy.yaml",
        ["RawSelinuxProfile"] = "selinuxpolicy.yaml",
    };

    private static readonly Dictionary<string, JsonSchema> Cache = [];

    public static string Folder()
    {
        Skip.If(RepoPaths.Corpus is null, "../shared/corpus is missing (a clone made elsewhere): the Security Profiles Operator's CRDs live there");
        return Path.Combine(RepoPaths.Corpus!, "schemas", "security-profiles-operator");
    }

    /// <summary>The schema for <paramref name="kind"/> at <paramref name="apiVersion"/> (`group/version`).</summary>
    public static JsonSchema For(string kind, string apiVersion)
    {
        var folder = Folder();
        lock (Cache)
        {
            var key = kind + "@" + apiVersion;
            if (Cache.TryGetValue(key, out var cached))
            {
                return cached;
            }
            var crd = YamlToJson.ConvertAll(File.ReadAllText(Path.Combine(folder, Files[kind])))
                .First(d => d!["spec"]!["names"]!["kind"]!.GetValue<string>() == kind)!;
            var (group, version) = (apiVersion.Split('/')[0], apiVersion.Split('/')[1]);
            Assert.Equal(group, crd["spec"]!["group"]!.GetValue<string>());
            var served = crd["spec"]!["versions"]!.AsArray().FirstOrDefault(v => v!["name"]!.GetValue<string>() == version && v["served"]!.GetValue<bool>());
            Assert.True(served is not null, $"the {kind} CRD serves no version `{version}`");
            var schema = Strict(served!["schema"]!["openAPIV3Schema"]!.DeepClone())!.AsObject();
            schema["$schema"] = "http://json-schema.org/draft-07/schema#";
            return Cache[key] = JsonSchema.FromText(schema.ToJsonString());
        }
    }

    public static IReadOnlyList<string> Errors(JsonNode document)
    {
        var kind = document["kind"]!.GetValue<string>();
        var result = For(kind, document["apiVersion"]!.GetValue<string>()).Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid ? [] : [.. (result.Details ?? []).Where(d => d.HasErrors)
            .SelectMany(d => d.Errors!.Select(e => $"{kind} {d.InstanceLocation}: {e.Value}"))];
    }

    private static JsonNode? Strict(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var key in map.Select(p => p.Key).Where(k => k.StartsWith("x-kubernetes-", StringComparison.Ordinal)).ToList())
                {
                    if (key == "x-kubernetes-list-type" && map[key]!.GetValue<string>() == "set")
                    {
                        map["uniqueItems"] = true;
                    }
                    map.Remove(key);
                }
                foreach (var (_, value) in map.ToList())
                {
                    Strict(value);
                }
                if (map["properties"] is JsonObject && map["additionalProperties"] is null && map["type"] is JsonValue type && type.ToString() == "object")
                {
                    map["additionalProperties"] = false;
                }
                return map;
            case JsonArray list:
                foreach (var item in list)
                {
                    Strict(item);
                }
                return list;
            default:
                return node;
        }
    }
}
