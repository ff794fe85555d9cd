using System.Text.Json;
using System.Text.Json.Nodes;
using Polc.Backends.DockerSeccomp;
using Polc.Compiler.Ir;

namespace Polc.Tests.DockerSeccomp;

/// <summary>
/// What a Docker/OCI seccomp profile decides for one syscall, as Docker/Podman, runc and libseccomp 2.5
/// apply it (studied in their sources: moby profiles/seccomp, runc libcontainer/seccomp, libseccomp db.c):
/// <list type="bullet">
/// <item>`includes`/`excludes` resolved first: arches against the host's libseccomp-style name, `caps`
/// (all included caps needed, any excluded cap removes the entry), `minKernel` against a kernel version;</item>
/// <item>runc skips entries whose action is the default one, and names libseccomp cannot resolve;</item>
/// <item>an entry comparing one argument twice becomes one rule per comparison (runc ORs them);</item>
/// <item>libseccomp keeps the first unconditional rule of a syscall and drops its conditional rules;</item>
/// <item>otherwise any matching rule decides; when matching rules disagree libseccomp either refuses the
/// profile or decides by its internal node order, so the answer is <see cref="Ambiguous"/>.</item>
/// </list>
/// </summary>
public sealed class DockerProfileSemantics
{
    public static readonly SeccompAction Ambiguous = new((SeccompActionKind)(-1));

    private readonly List<(HashSet<string> Names, SeccompAction Action, List<SeccompArgument> Args)> _rules = [];
    private readonly string _json;
    private readonly Func<JsonElement, bool> _applies;

    public SeccompAction Default { get; }

    public IReadOnlyList<string> Architectures { get; }

    /// <param name="hostArch">the host as moby names it (`amd64`, `arm64`, ...), for `includes`/`excludes` arches.</param>
    /// <param name="capabilities">the container's bounding set, `CAP_` names.</param>
    /// <param name="kernel">(major, minor) for `minKernel`.</param>
    public DockerProfileSemantics(string json, string hostArch = "amd64", IReadOnlyCollection<string>? capabilities = null, (int, int)? kernel = null)
    {
        _json = json;
        _applies = entry => Applies(entry, hostArch, capabilities ?? [], kernel ?? (99, 0));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Default = Action(root, "defaultAction", "defaultErrnoRet");
        Architectures = root.TryGetProperty("architectures", out var arches) && arches.ValueKind == JsonValueKind.Array
            ? arches.EnumerateArray().Select(a => a.GetString()!).ToList()
            : [];
        foreach (var entry in root.GetProperty("syscalls").EnumerateArray())
        {
            if (!_applies(entry))
            {
                continue;
            }
            var action = Action(entry, "action", "errnoRet");
            if (action == Default)
            {
                continue;
            }
            var names = entry.TryGetProperty("names", out var n) && n.ValueKind == JsonValueKind.Array
                ? n.EnumerateArray().Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
                : [entry.GetProperty("name").GetString()!];
            var args = entry.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Select(Argument).ToList()
                : [];
            if (args.GroupBy(x => x.Index).Any(g => g.Count() > 1))
            {
                _rules.AddRange(args.Select(x => (names, action, new List<SeccompArgument> { x })));
            }
            else
            {
                _rules.Add((names, action, args));
            }
        }
    }

    public SeccompAction Decide(string syscall, IReadOnlyList<ulong> args)
    {
        var rules = _rules.Where(r => r.Names.Contains(syscall)).ToList();
        if (rules.FirstOrDefault(r => r.Args.Count == 0) is { Names: not null } unconditional)
        {
            return unconditional.Action;
        }
        var actions = rules.Where(r => r.Args.All(x => x.Holds(x.Index < args.Count ? args[x.Index] : 0))).Select(r => r.Action).Distinct().ToList();
        return actions.Count switch
        {
            0 => Default,
            1 => actions[0],
            _ => Ambiguous,
        };
    }

    /// <summary>The profile as Docker hands it to runc: `includes`/`excludes` resolved, `archMap` replaced by
    /// <paramref name="architectures"/>, and only the fields runc reads.</summary>
    public string Resolved(IEnumerable<string> architectures)
    {
        var root = JsonNode.Parse(_json)!.AsObject();
        var result = new JsonObject { ["defaultAction"] = root["defaultAction"]!.DeepClone() };
        if (root["defaultErrnoRet"] is { } ret)
        {
            result["defaultErrnoRet"] = ret.DeepClone();
        }
        result["architectures"] = new JsonArray([.. architectures.Select(a => (JsonNode)a)]);
        using var document = JsonDocument.Parse(_json);
        var kept = new JsonArray();
        var index = 0;
        foreach (var entry in document.RootElement.GetProperty("syscalls").EnumerateArray())
        {
            var node = root["syscalls"]![index++]!;
            if (_applies(entry))
            {
                var copy = new JsonObject { ["names"] = (node["names"] ?? new JsonArray(node["name"]!.DeepClone())).DeepClone(), ["action"] = node["action"]!.DeepClone() };
                foreach (var field in new[] { "errnoRet", "args" })
                {
                    if (node[field] is { } value)
                    {
                        copy[field] = value.DeepClone();
                    }
                }
                kept.Add(copy);
            }
        }
        result["syscalls"] = kept;
        return result.ToJsonString();
    }

    /// <summary>Every syscall name some rule (after resolution) mentions.</summary>
    public IEnumerable<string> Names => _rules.SelectMany(r => r.Names).Distinct();

    private static SeccompAction Action(JsonElement element, string actionProperty, string returnProperty)
    {
        uint? ret = element.TryGetProperty(returnProperty, out var r) && r.ValueKind == JsonValueKind.Number ? r.GetUInt32() : null;
        var name = element.GetProperty(actionProperty).GetString()!;
        return SeccompNames.ParseAction(name, ret) ?? throw new InvalidDataException($"unknown action {name}");
    }

    private static SeccompArgument Argument(JsonElement arg)
    {
        var op = SeccompNames.ParseOperator(arg.GetProperty("op").GetString()!) ?? throw new InvalidDataException("unknown op");
        var valueTwo = arg.TryGetProperty("valueTwo", out var v2) ? v2.GetUInt64() : 0;
        return new SeccompArgument(arg.GetProperty("index").GetInt32(), op, arg.GetProperty("value").GetUInt64(), valueTwo);
    }

    private static bool Applies(JsonElement entry, string hostArch, IReadOnlyCollection<string> capabilities, (int, int) kernel)
    {
        static List<string> Strings(JsonElement filter, string name) =>
            filter.ValueKind == JsonValueKind.Object && filter.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(x => x.GetString()!).ToList()
                : [];
        static (int, int)? Kernel(JsonElement filter) =>
            filter.ValueKind == JsonValueKind.Object && filter.TryGetProperty("minKernel", out var k) && k.ValueKind == JsonValueKind.String
                ? (int.Parse(k.GetString()!.Split('.')[0]), int.Parse(k.GetString()!.Split('.')[1]))
                : null;
        var excludes = entry.TryGetProperty("excludes", out var e) ? e : default;
        var includes = entry.TryGetProperty("includes", out var i) ? i : default;
        if (Strings(excludes, "arches").Contains(hostArch) || Strings(excludes, "caps").Any(capabilities.Contains)
            || (Kernel(excludes) is { } below && kernel.CompareTo(below) >= 0))
        {
            return false;
        }
        var arches = Strings(includes, "arches");
        return (arches.Count == 0 || arches.Contains(hostArch))
            && Strings(includes, "caps").All(capabilities.Contains)
            && (Kernel(includes) is not { } atLeast || kernel.CompareTo(atLeast) >= 0);
    }
}
