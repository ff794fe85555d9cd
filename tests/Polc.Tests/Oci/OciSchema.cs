using System.Text.Json.Nodes;
using Json.Schema;
using Polc.Tests.Support;

namespace Polc.Tests.Oci;

/// <summary>
/// The runtime spec's `config.json` schema, from the copy in TestData/oci-runtime-spec (README there: source, licence).
/// The files are draft-04; they read the same under draft-07, which JsonSchema.Net evaluates. Each gets an `$id` in a
/// registry of its own, so the relative `$ref`s between them resolve there and nowhere else.
/// </summary>
public static class OciSchema
{
    private static readonly Lazy<(JsonSchema Root, List<JsonSchema> All)> Loaded = new(() =>
    {
        var all = new List<JsonSchema>();
        JsonSchema? root = null;
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.TestData, "oci-runtime-spec"), "*.json").Order(StringComparer.Ordinal))
        {
            var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            node["$schema"] = "http://json-schema.org/draft-07/schema#";
            node["$id"] = $"https://polc.test/oci-runtime-spec/{Path.GetFileName(file)}";
            var schema = JsonSchema.FromText(node.ToJsonString());
            all.Add(schema);
            if (Path.GetFileName(file) == "config-schema.json")
            {
                root = schema;
            }
        }
        return (root ?? throw new InvalidOperationException("TestData/oci-runtime-spec/config-schema.json is missing"), all);
    });

    /// <summary>The schema's errors for a config read from its text (as a runtime reads it), or none.</summary>
    public static IReadOnlyList<string> Errors(string configText)
    {
        var (root, all) = Loaded.Value;
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, EvaluateAs = SpecVersion.Draft7 };
        foreach (var schema in all)
        {
            options.SchemaRegistry.Register(schema);
        }
        var result = root.Evaluate(JsonNode.Parse(configText), options);
        return result.IsValid ? [] : [.. (result.Details ?? []).Where(d => d.HasErrors)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))];
    }
}
