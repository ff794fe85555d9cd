using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Polc.Backends.Support;

/// <summary>Writes a JSON artifact deterministically: two-space indent, `\n` line ends, a final newline,
/// keys in the order the writer emits them, and no escaping of `+`, `&lt;` or non-ASCII text.</summary>
public static class JsonArtifact
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static void WriteStringArray(this Utf8JsonWriter writer, string name, IEnumerable<string> items)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStringValue(item);
        }
        writer.WriteEndArray();
    }

    public static void WriteStringMap(this Utf8JsonWriter writer, string name, IEnumerable<(string Key, string Value)> entries)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in entries)
        {
            writer.WriteString(key, value);
        }
        writer.WriteEndObject();
    }
}
