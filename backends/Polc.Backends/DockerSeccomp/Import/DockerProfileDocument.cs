using System.Globalization;
using System.Text;
using System.Text.Json;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Text;

namespace Polc.Backends.DockerSeccomp.Import;

/// <summary>A Docker/Podman/OCI seccomp profile as written: `defaultAction` (+ `defaultErrnoRet`, Podman's
/// `defaultErrno`), `architectures` or `archMap`, and `syscalls[]` with `names` (or the old `name`),
/// `action` (+ `errnoRet`, Podman's `errno`), `args`, `includes`/`excludes` and `comment`.</summary>
public sealed record DockerProfileDocument(
    SeccompAction DefaultAction,
    IReadOnlyList<string> Architectures,
    bool HasArchMap,
    IReadOnlyList<DockerProfileEntry> Syscalls)
{
    public static (DockerProfileDocument? Document, IReadOnlyList<Diagnostic> Diagnostics) Parse(SourceText source)
    {
        var diagnostics = new List<Diagnostic>();
        var whole = new SourceSpan(source, new TextSpan(0, 0));
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(source.Text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var at = e.LineNumber is { } line ? new SourceSpan(source, new TextSpan(source.GetLineStart((int)line + 1) + (int)(e.BytePositionInLine ?? 0), 1)) : whole;
            diagnostics.Add(DiagnosticCatalog.ImportInvalidProfile(at, "it is not valid JSON: " + e.Message.Split(" LineNumber")[0]));
            return (null, diagnostics);
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("defaultAction", out var defaultAction) || defaultAction.ValueKind != JsonValueKind.String)
            {
                diagnostics.Add(DiagnosticCatalog.ImportInvalidProfile(whole, "it has no `defaultAction`"));
                return (null, diagnostics);
            }
            var offsets = EntryOffsets(source.Text);
            var reader = new Reader(diagnostics);
            var fallback = reader.Action(root, "defaultAction", "defaultErrnoRet", "defaultErrno", whole);
            var arches = root.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                : [];
            var hasArchMap = root.TryGetProperty("archMap", out var map) && map.ValueKind == JsonValueKind.Array && map.GetArrayLength() > 0;
            if (arches.Count > 0 && hasArchMap)
            {
                diagnostics.Add(DiagnosticCatalog.ImportArchitecturesAndArchMap(whole));
            }
            var entries = new List<DockerProfileEntry>();
            if (root.TryGetProperty("syscalls", out var syscalls) && syscalls.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var entry in syscalls.EnumerateArray())
                {
                    var at = new SourceSpan(source, new TextSpan(index < offsets.Count ? offsets[index] : 0, 1));
                    index++;
                    if (reader.Entry(entry, at) is { } parsed)
                    {
                        entries.Add(parsed);
                    }
                }
            }
            return (fallback is null ? null : new DockerProfileDocument(fallback, arches, hasArchMap, entries), diagnostics);
        }
    }

    /// <summary>Character offsets of the objects in the top-level `syscalls` array, so diagnostics point at the entry.</summary>
    private static List<int> EntryOffsets(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var offsets = new List<int>();
        var inSyscalls = false;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
            {
                inSyscalls = reader.ValueTextEquals("syscalls");
            }
            else if (inSyscalls && reader.CurrentDepth == 2 && reader.TokenType == JsonTokenType.StartObject)
            {
                offsets.Add(Encoding.UTF8.GetCharCount(bytes, 0, (int)reader.TokenStartIndex));
            }
        }
        return offsets;
    }

    private sealed class Reader(List<Diagnostic> diagnostics)
    {
        public SeccompAction? Action(JsonElement element, string actionName, string returnName, string errnoName, SourceSpan at)
        {
            var name = element.TryGetProperty(actionName, out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
            uint? value = element.TryGetProperty(returnName, out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetUInt32(out var v) ? v : null;
            if (value is null && element.TryGetProperty(errnoName, out var e) && e.ValueKind == JsonValueKind.String
                && Compiler.Semantics.ErrnoTable.TryGet(e.GetString()!, out var number))
            {
                value = (uint)number;
            }
            var action = SeccompNames.ParseAction(name, value);
            if (action is null)
            {
                diagnostics.Add(DiagnosticCatalog.ImportUnknownAction(at, name));
            }
            return action;
        }

        public DockerProfileEntry? Entry(JsonElement entry, SourceSpan at)
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                diagnostics.Add(DiagnosticCatalog.ImportInvalidProfile(at, "a `syscalls` item is not an object"));
                return null;
            }
            var names = entry.TryGetProperty("names", out var n) && n.ValueKind == JsonValueKind.Array
                ? n.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                : entry.TryGetProperty("name", out var single) && single.ValueKind == JsonValueKind.String ? [single.GetString()!] : [];
            var action = Action(entry, "action", "errnoRet", "errno", at);
            var args = new List<SeccompArgument>();
            if (entry.TryGetProperty("args", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var arg in list.EnumerateArray())
                {
                    if (Argument(arg, at) is { } parsed)
                    {
                        args.Add(parsed);
                    }
                    else
                    {
                        return null;
                    }
                }
            }
            var comment = entry.TryGetProperty("comment", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            return action is null ? null : new DockerProfileEntry(names, action, args, Filter(entry, "includes", at), Filter(entry, "excludes", at), comment, at);
        }

        private SeccompArgument? Argument(JsonElement arg, SourceSpan at)
        {
            var op = arg.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "";
            if (SeccompNames.ParseOperator(op) is not { } parsed)
            {
                diagnostics.Add(DiagnosticCatalog.ImportUnknownOperator(at, op));
                return null;
            }
            if (!arg.TryGetProperty("index", out var i) || !i.TryGetInt32(out var index) || index is < 0 or > 5)
            {
                diagnostics.Add(DiagnosticCatalog.ImportBadArgument(at, "`index` must be an argument number 0..5"));
                return null;
            }
            ulong Value(string name) => arg.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out var x) ? x : 0;
            return new SeccompArgument(index, parsed, Value("value"), Value("valueTwo"));
        }

        private DockerProfileFilter Filter(JsonElement entry, string name, SourceSpan at)
        {
            if (!entry.TryGetProperty(name, out var filter) || filter.ValueKind != JsonValueKind.Object)
            {
                return DockerProfileFilter.None;
            }
            List<string> Strings(string property) => filter.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                : [];
            (int, int)? kernel = null;
            if (filter.TryGetProperty("minKernel", out var k) && k.ValueKind == JsonValueKind.String)
            {
                kernel = ParseKernel(k.GetString()!);
                if (kernel is null)
                {
                    diagnostics.Add(DiagnosticCatalog.ImportInvalidKernelVersion(at, k.GetString()!));
                }
            }
            return new DockerProfileFilter(Strings("caps"), Strings("arches"), kernel);
        }
    }

    /// <summary>`MAJOR.MINOR` (a patch part is ignored, as moby does).</summary>
    public static (int Major, int Minor)? ParseKernel(string text)
    {
        var parts = text.Split('.');
        return parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? (major, minor)
            : null;
    }
}

public sealed record DockerProfileEntry(
    IReadOnlyList<string> Names,
    SeccompAction Action,
    IReadOnlyList<SeccompArgument> Args,
    DockerProfileFilter Includes,
    DockerProfileFilter Excludes,
    string? Comment,
    SourceSpan Span);

/// <summary>`includes`/`excludes`: capabilities (`CAP_` names), architectures (libseccomp names such as `amd64`)
/// and `minKernel`.</summary>
public sealed record DockerProfileFilter(IReadOnlyList<string> Caps, IReadOnlyList<string> Arches, (int Major, int Minor)? MinKernel)
{
    public static DockerProfileFilter None { get; } = new([], [], null);

    public bool IsEmpty => Caps.Count == 0 && Arches.Count == 0 && MinKernel is null;
}
