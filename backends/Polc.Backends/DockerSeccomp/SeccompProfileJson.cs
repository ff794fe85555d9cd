using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Backends.DockerSeccomp;

/// <summary>A <see cref="SeccompProfile"/> in its three JSON homes: the Docker/Podman profile file, the OCI
/// runtime spec's `linux.seccomp` object, and the Security Profiles Operator's `SeccompProfile.spec`.</summary>
public static class SeccompProfileJson
{
    /// <summary>The file for `docker run --security-opt seccomp=FILE` (and Podman), tab-indented like Docker's own.</summary>
    public static string ToDockerProfile(SeccompProfile profile) => Write(Render(profile, comments: true));

    /// <summary>The OCI runtime spec's `linux.seccomp` (defaultAction, defaultErrnoRet, architectures, flags, syscalls).</summary>
    public static JsonObject ToOciSeccomp(SeccompProfile profile)
    {
        var result = Render(profile, comments: false);
        if (!profile.Flags.IsEmpty)
        {
            result.Insert(result.IndexOf("syscalls"), "flags", new JsonArray([.. profile.Flags.Select(f => (JsonNode)f)]));
        }
        return result;
    }

    /// <summary>The `spec` of a Security Profiles Operator `SeccompProfile` (security-profiles-operator.x-k8s.io/v1beta1).
    /// The CRD has no `defaultErrnoRet` and holds values as int64, so those cases are reported as errors.</summary>
    public static (JsonObject Spec, IReadOnlyList<Diagnostic> Diagnostics) ToSecurityProfilesOperatorSpec(SeccompProfile profile)
    {
        var diagnostics = new List<Diagnostic>();
        if (SeccompNames.ReturnValue(profile.DefaultAction) is { } value && value != 1)
        {
            diagnostics.Add(DiagnosticCatalog.SeccompSpoDefaultErrno(profile.DefaultAt, profile.DefaultAction.ToString()));
        }
        foreach (var entry in profile.Syscalls)
        {
            var tooLarge = entry.Args.SelectMany(a => new[] { a.Value, a.ValueTwo }).Where(v => v > long.MaxValue).ToList();
            if (tooLarge.Count > 0)
            {
                diagnostics.Add(DiagnosticCatalog.SeccompSpoValueTooLarge(entry.Rules.FirstOrDefault() ?? profile.DefaultAt, entry.Names[0], tooLarge[0]));
            }
        }
        var spec = ToOciSeccomp(profile);
        spec.Remove("defaultErrnoRet");
        return (spec, diagnostics);
    }

    public static string Write(JsonNode node)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            IndentCharacter = '\t',
            IndentSize = 1,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // readable comments; the file is never embedded in HTML
        }))
        {
            node.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static JsonObject Render(SeccompProfile profile, bool comments)
    {
        var result = new JsonObject { ["defaultAction"] = SeccompNames.Action(profile.DefaultAction) };
        if (SeccompNames.ReturnValue(profile.DefaultAction) is { } value)
        {
            result["defaultErrnoRet"] = value;
        }
        result["architectures"] = new JsonArray([.. profile.Architectures.Select(a => (JsonNode)SeccompNames.Architecture(a))]);
        result["syscalls"] = new JsonArray([.. profile.Syscalls.Select(e => (JsonNode)Render(e, comments))]);
        return result;
    }

    private static JsonObject Render(SeccompEntry entry, bool comments)
    {
        var result = new JsonObject
        {
            ["names"] = new JsonArray([.. entry.Names.Select(n => (JsonNode)n)]),
            ["action"] = SeccompNames.Action(entry.Action),
        };
        if (SeccompNames.ReturnValue(entry.Action) is { } value)
        {
            result["errnoRet"] = value;
        }
        if (entry.IsConditional)
        {
            result["args"] = new JsonArray([.. entry.Args.Select(a => (JsonNode)Render(a))]);
        }
        if (comments && entry.Comment is not null)
        {
            result["comment"] = entry.Comment;
        }
        return result;
    }

    private static JsonObject Render(SeccompArgument arg)
    {
        var result = new JsonObject { ["index"] = arg.Index, ["value"] = arg.Value };
        if (arg.Op == SeccompOperator.MaskedEqual)
        {
            result["valueTwo"] = arg.ValueTwo;
        }
        result["op"] = SeccompNames.Operator(arg.Op);
        return result;
    }
}
