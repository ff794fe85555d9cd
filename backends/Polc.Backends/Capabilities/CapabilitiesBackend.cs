using System.Text.Json;
using Polc.Backends.Support;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Backends.Capabilities;

/// <summary>`NAME.caps.json`: the five capability sets as configured before execve, and what a root and a
/// non-root program actually hold afterwards, as names and as the masks of /proc/PID/status.</summary>
public sealed class CapabilitiesBackend : IBackend
{
    public string Name => "caps";

    public string Description => "capability sets as names and /proc/PID/status masks (NAME.caps.json)";

    public bool DefaultOn => true;

    public IrSupport Supports(IrFeature feature) => feature switch
    {
        IrFeature.Capabilities or IrFeature.AmbientCapabilities or IrFeature.User or IrFeature.Group => IrSupport.Handled,
        _ => IrSupport.NotApplicable,
    };

    public BackendOutput Emit(PolicyIr policy, BackendOptions options) =>
        BackendOutput.Of(Artifact.Text($"{policy.Name}.caps.json", Render(policy)));

    public static string Render(PolicyIr policy)
    {
        var configured = CapabilityState.Configured(policy.Capabilities);
        var noNewPrivileges = policy.Isolation.NoNewPrivileges.Value;
        var user = policy.Isolation.User?.Value;
        var root = user is null or 0;
        return JsonArtifact.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("policy", policy.Name);
            w.WriteStartObject("runs_as");
            if (user is { } uid)
            {
                w.WriteNumber("user", uid);
            }
            else
            {
                w.WriteNull("user");
            }
            w.WriteBoolean("root", root);
            w.WriteEndObject();
            w.WriteStartObject("configured");
            WriteSet(w, "bounding", configured.Bounding);
            WriteSet(w, "effective", configured.Effective);
            WriteSet(w, "permitted", configured.Permitted);
            WriteSet(w, "inheritable", configured.Inheritable);
            WriteSet(w, "ambient", configured.Ambient);
            w.WriteEndObject();
            w.WriteStartObject("after_execve");
            WriteStatus(w, "for_root", configured.AfterExecve(root: true, noNewPrivileges));
            WriteStatus(w, "for_non_root", configured.AfterExecve(root: false, noNewPrivileges));
            w.WriteEndObject();
            w.WriteString("expected", root ? "for_root" : "for_non_root");
            w.WriteStringArray("notes", Notes(policy, configured, user));
            w.WriteEndObject();
        });
    }

    private static void WriteSet(Utf8JsonWriter w, string name, ulong mask)
    {
        w.WriteStartObject(name);
        w.WriteString("mask", CapabilityState.Hex(mask));
        w.WriteStringArray("names", CapabilityState.Names(mask).Select(c => c.Name));
        w.WriteEndObject();
    }

    private static void WriteStatus(Utf8JsonWriter w, string name, CapabilityState state)
    {
        w.WriteStartObject(name);
        foreach (var (field, mask) in state.StatusFields())
        {
            WriteSet(w, field, mask);
        }
        w.WriteEndObject();
    }

    private static IEnumerable<string> Notes(PolicyIr policy, CapabilityState configured, uint? user)
    {
        yield return "configured: the sets the launcher installs before execve (OCI process.capabilities); " +
            "after_execve: what /proc/PID/status shows once a program without file capabilities or set-user-ID bit has started.";
        yield return "uid 0 regains its whole bounding set at execve; any other uid keeps only its ambient set (capabilities(7)).";
        if (user is null)
        {
            yield return "the policy names no `user`: the program runs as uid 0 unless the runtime or image chooses another user.";
        }
        var boundingOnly = configured.Bounding & ~configured.Ambient;
        if (user is not (null or 0) && boundingOnly != 0)
        {
            var names = string.Join(", ", CapabilityState.Names(boundingOnly).Select(c => c.Name));
            yield return $"as user {user} the program does not hold {names}: they stay in the bounding set, reachable only through " +
                (policy.Isolation.NoNewPrivileges.Value
                    ? "file capabilities or set-user-ID binaries, which no-new-privileges disables."
                    : "file capabilities or set-user-ID binaries; list them under `ambient` to hold them.");
        }
    }
}
