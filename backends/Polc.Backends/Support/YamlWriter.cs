using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Polc.Backends.Support;

/// <summary>A YAML value: a mapping (keys in insertion order), a sequence, or a scalar.</summary>
public abstract record YamlNode;

public sealed record YamlMap(List<(string Key, YamlNode Value)> Entries) : YamlNode
{
    public YamlMap() : this([])
    {
    }

    public YamlMap Add(string key, YamlNode? value)
    {
        if (value is not null)
        {
            Entries.Add((key, value));
        }
        return this;
    }
}

public sealed record YamlSeq(List<YamlNode> Items) : YamlNode;

/// <summary>A scalar already in YAML syntax (<see cref="Text"/> is written as is).</summary>
public sealed record YamlScalar(string Text) : YamlNode
{
    /// <summary>Always double-quoted, so no string is ever read back as a number, boolean or null.</summary>
    public static YamlScalar Str(string value) => new(Quote(value));

    public static YamlScalar Int(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    public static YamlScalar UInt(ulong value) => new(value.ToString(CultureInfo.InvariantCulture));

    public static YamlScalar Dec(decimal value) => new(value.ToString(CultureInfo.InvariantCulture));

    public static YamlScalar Bool(bool value) => new(value ? "true" : "false");

    /// <summary>A mapping key: plain when it is an identifier no YAML reader takes for anything but a string, quoted otherwise.</summary>
    public static string Key(string key) =>
        key.Length > 0 && (char.IsAsciiLetter(key[0]) || key[0] == '_') && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            && !PlainKeywords.Contains(key.ToLowerInvariant())
            ? key
            : Quote(key);

    private static readonly HashSet<string> PlainKeywords = ["true", "false", "null", "yes", "no", "on", "off", "y", "n"];

    public static string Quote(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return builder.Append('"').ToString();
    }
}

/// <summary>Block-style YAML with two-space indents and `\n` line ends; empty collections are written in flow style.
/// Shared by the Compose and Kubernetes backends.</summary>
public static class YamlWriter
{
    public static string Write(YamlMap root)
    {
        var builder = new StringBuilder();
        WriteMap(builder, root, 0);
        return builder.ToString();
    }

    /// <summary>A stream of several documents, each started by `---`.</summary>
    public static string WriteDocuments(IEnumerable<YamlMap> documents) => string.Concat(documents.Select(d => "---\n" + Write(d)));

    /// <summary>JSON as YAML, keys in their order: strings quoted, numbers and booleans plain (JSON is YAML's subset, so the
    /// values read back the same).</summary>
    public static YamlNode FromJson(JsonNode? node) => node switch
    {
        JsonObject map => new YamlMap([.. map.Select(p => (YamlScalar.Key(p.Key), FromJson(p.Value)))]),
        JsonArray list => new YamlSeq([.. list.Select(FromJson)]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => YamlScalar.Str(value.GetValue<string>()),
        JsonValue value => new YamlScalar(value.ToJsonString()),
        _ => new YamlScalar("null"),
    };

    private static void WriteMap(StringBuilder builder, YamlMap map, int indent, bool firstInline = false)
    {
        var first = true;
        foreach (var (key, value) in map.Entries)
        {
            if (!(first && firstInline))
            {
                builder.Append(' ', indent);
            }
            first = false;
            builder.Append(key).Append(':');
            WriteValue(builder, value, indent);
        }
    }

    private static void WriteValue(StringBuilder builder, YamlNode value, int indent)
    {
        switch (value)
        {
            case YamlScalar scalar:
                builder.Append(' ').Append(scalar.Text).Append('\n');
                break;
            case YamlMap { Entries.Count: 0 }:
                builder.Append(" {}\n");
                break;
            case YamlSeq { Items.Count: 0 }:
                builder.Append(" []\n");
                break;
            case YamlMap map:
                builder.Append('\n');
                WriteMap(builder, map, indent + 2);
                break;
            case YamlSeq seq:
                builder.Append('\n');
                foreach (var item in seq.Items)
                {
                    builder.Append(' ', indent + 2).Append('-');
                    if (item is YamlMap { Entries.Count: > 0 } itemMap)
                    {
                        builder.Append(' ');
                        WriteMap(builder, itemMap, indent + 4, firstInline: true);
                    }
                    else
                    {
                        WriteValue(builder, item, indent + 2);
                    }
                }
                break;
        }
    }
}
