using System.Globalization;
using System.Text;
using System.Text.Json;
using Polc.Compiler.Semantics;

namespace Polc.Tests.Seccomp.Support;

/// <summary>
/// A stand-in for `polc import` (built by another part of the project): turns a Docker/OCI seccomp profile
/// into a policy for one architecture, resolving `includes`/`excludes` for Docker's default capabilities as
/// container runtimes do, one rule per profile entry in file order (libseccomp lets the first unconditional
/// rule for a syscall win, which is first match). Only for the differential tests; once `polc import` is
/// merged the tests should compare its output instead.
/// </summary>
public static class DockerProfileStandIn
{
    private static readonly Dictionary<string, string> Operators = new()
    {
        ["SCMP_CMP_EQ"] = "==", ["SCMP_CMP_NE"] = "!=", ["SCMP_CMP_LT"] = "<", ["SCMP_CMP_LE"] = "<=", ["SCMP_CMP_GT"] = ">", ["SCMP_CMP_GE"] = ">=",
    };

    public static string Convert(string profilePath, Arch arch, string ociArch)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(profilePath));
        var root = document.RootElement;
        var defaultErrno = root.TryGetProperty("defaultErrnoRet", out var e) ? e.GetInt32() : 1;
        var text = new StringBuilder("policy profile {\n  syscalls {\n");
        text.Append($"    default {Action(root.GetProperty("defaultAction").GetString()!, null, defaultErrno)}\n");
        text.Append($"    arch {arch.Name()}\n");
        foreach (var entry in root.GetProperty("syscalls").EnumerateArray())
        {
            if (!Applies(entry, ociArch))
            {
                continue;
            }
            var names = entry.GetProperty("names").EnumerateArray().Select(n => n.GetString()!).Where(n => SyscallTable.Exists(arch, n)).ToList();
            if (names.Count == 0)
            {
                continue;
            }
            int? errnoRet = entry.TryGetProperty("errnoRet", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : null;
            text.Append($"    {Action(entry.GetProperty("action").GetString()!, errnoRet, defaultErrno)} {string.Join(", ", names)}");
            var conditions = Arguments(entry).Select(a => a.Op == "SCMP_CMP_MASKED_EQ"
                ? $"arg{a.Index} & {a.Value} == {a.ValueTwo}"
                : $"arg{a.Index} {Operators[a.Op]} {a.Value}").ToList();
            if (conditions.Count > 0)
            {
                text.Append(" if ").Append(string.Join(" && ", conditions));
            }
            text.Append('\n');
        }
        return text.Append("  }\n}\n").ToString();
    }

    /// <summary>Argument vectors that probe every comparison of the profile: each value, its neighbours and
    /// its other-half variants in every argument position, plus zeros and all-ones.</summary>
    public static List<ulong[]> ArgumentVectors(string profilePath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(profilePath));
        var values = document.RootElement.GetProperty("syscalls").EnumerateArray()
            .SelectMany(Arguments)
            .SelectMany(a => new[] { a.Value, a.ValueTwo, a.Value & ~a.ValueTwo })
            .SelectMany(v => new[] { v, v - 1, v + 1, v | 0x1_0000_0000, v ^ 0xffff_ffff_0000_0000 })
            .Append(0UL).Append(ulong.MaxValue).Distinct().ToList();
        var vectors = new List<ulong[]> { new ulong[6] };
        foreach (var value in values)
        {
            for (var arg = 0; arg < 3; arg++)
            {
                var vector = new ulong[6];
                vector[arg] = value;
                vectors.Add(vector);
            }
        }
        return vectors;
    }

    private static bool Applies(JsonElement entry, string ociArch)
    {
        var caps = LibseccompJobs.DockerDefaultCaps.ToHashSet();
        var includes = Section(entry, "includes");
        var excludes = Section(entry, "excludes");
        return !(includes.Caps.Count > 0 && !includes.Caps.All(caps.Contains))
            && !(includes.Arches.Count > 0 && !includes.Arches.Contains(ociArch))
            && !excludes.Caps.Any(caps.Contains)
            && !excludes.Arches.Contains(ociArch);
    }

    private static (List<string> Caps, List<string> Arches) Section(JsonElement entry, string name)
    {
        if (!entry.TryGetProperty(name, out var section) || section.ValueKind != JsonValueKind.Object)
        {
            return ([], []);
        }
        List<string> Strings(string key) => section.TryGetProperty(key, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(x => x.GetString()!).ToList()
            : [];
        return (Strings("caps"), Strings("arches"));
    }

    private static IEnumerable<(int Index, ulong Value, ulong ValueTwo, string Op)> Arguments(JsonElement entry) =>
        entry.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array
            ? args.EnumerateArray().Select(a => (
                a.GetProperty("index").GetInt32(),
                a.GetProperty("value").GetUInt64(),
                a.TryGetProperty("valueTwo", out var two) ? two.GetUInt64() : 0,
                a.GetProperty("op").GetString()!)).ToList()
            : [];

    private static string Action(string name, int? errnoRet, int defaultErrno) => name switch
    {
        "SCMP_ACT_ALLOW" => "allow",
        "SCMP_ACT_LOG" => "log",
        "SCMP_ACT_ERRNO" => "errno " + (errnoRet ?? defaultErrno).ToString(CultureInfo.InvariantCulture),
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => "kill-thread",
        "SCMP_ACT_KILL_PROCESS" => "kill",
        "SCMP_ACT_TRAP" => "trap",
        "SCMP_ACT_NOTIFY" => "notify",
        "SCMP_ACT_TRACE" => "trace " + (errnoRet ?? 0).ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"unknown profile action `{name}`"),
    };
}
