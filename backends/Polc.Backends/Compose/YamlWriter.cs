using System.Globalization;
using System.Text;

namespace Polc.Backends.Compose;

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

/// <summary>Block-style YAML with two-space indents and `\n` line ends; empty collections are written in flow style.</summary>
public static class YamlWriter
{
    public static string Write(YamlMap root)
    {
        var builder = new StringBuilder();
        WriteMap(builder, root, 0);
        return builder.ToString();
    }

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
