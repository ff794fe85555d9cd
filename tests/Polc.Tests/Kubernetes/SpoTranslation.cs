using System.Text;
using System.Text.Json.Nodes;

namespace Polc.Tests.Kubernetes;

/// <summary>
/// What the Security Profiles Operator makes of the two objects whose spec is not a profile itself, modelled on its
/// sources (kubernetes-sigs/security-profiles-operator, Apache-2.0): the AppArmor profile its crd2armor template writes
/// from an AppArmorProfile's abstract (enforce mode), and the CIL its obj2cil translator writes from a SelinuxProfile.
/// The tests hand these to the real consumers, apparmor_parser and secilc. Also SPO's own validation of abstract paths.
/// </summary>
public static class SpoTranslation
{
    /// <summary>crd2armor's path check (SPO 1.0): absolute, and only these characters.</summary>
    public static readonly System.Text.RegularExpressions.Regex PathCheck = new("^/[a-zA-Z0-9_./*?+@{} -]*$");

    public static string AppArmorProfile(string name, JsonNode spec)
    {
        var a = spec["abstract"]!;
        IEnumerable<string> List(JsonNode? node) => node?.AsArray().Select(n => n!.GetValue<string>()) ?? [];
        var capabilities = List(a["capability"]?["allowedCapabilities"]).ToList();
        var mount = capabilities.Contains("sys_rawio");
        var text = new StringBuilder();
        text.Append("#include <tunables/global>\n");
        text.Append($"profile {name} flags=(enforce,attach_disconnected,mediate_deleted) {{\n  #include <abstractions/base>\n");
        foreach (var path in List(a["executable"]?["allowedExecutables"])) text.Append($"  {path} ixr,\n");
        foreach (var path in List(a["executable"]?["allowedLibraries"])) text.Append($"  {path} mr,\n");
        if (mount) text.Append("  /sbin/fsck ixr,\n  /sbin/fsck.ext4 ixr,\n");
        var fs = a["filesystem"];
        foreach (var path in List(fs?["readOnlyPaths"])) text.Append($"  {path} r,\n");
        foreach (var path in List(fs?["readOnlyPaths"])) text.Append($"  deny {path} wlk,\n");
        foreach (var path in List(fs?["writeOnlyPaths"])) text.Append($"  {path} wlk,\n  deny {path} r,\n");
        foreach (var path in List(fs?["readWritePaths"])) text.Append($"  {path} rwlk,\n");
        if (a["network"] is { } network)
        {
            if (network["allowRaw"] is { } raw) text.Append(raw.GetValue<bool>() ? "  network raw,\n" : "  deny network raw,\n");
            if (network["allowedProtocols"]?["allowTcp"]?.GetValue<bool>() == true) text.Append("  network tcp,\n");
            if (network["allowedProtocols"]?["allowUdp"]?.GetValue<bool>() == true) text.Append("  network udp,\n");
        }
        foreach (var capability in capabilities) text.Append($"  capability {capability},\n");
        if (mount) text.Append("  mount,\n  remount,\n  umount,\n");
        text.Append("""
              deny @{PROC}/* w,
              deny @{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9]*}/** w,
              deny @{PROC}/sys/[^k]** w,
              deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w,
              deny @{PROC}/sysrq-trigger rwklx,
              deny @{PROC}/mem rwklx,
              deny @{PROC}/kmem rwklx,
              deny @{PROC}/kcore rwklx,
              deny /sys/firmware/efi/efivars/** rwklx,
            }

            """);
        return text.ToString();
    }

    /// <summary>obj2cil: a block named after the object inheriting `container`, one allow per (type, class), permissions
    /// sorted and unique, `@self` as the block's own process type.</summary>
    public static string SelinuxCil(string name, JsonNode spec)
    {
        var text = new StringBuilder($"(block {name}\n(blockinherit container)\n");
        foreach (var (type, classes) in (spec["allow"]?.AsObject() ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var target = type == "@self" ? name + ".process" : type;
            foreach (var (@class, permissions) in classes!.AsObject().OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var sorted = permissions!.AsArray().Select(p => p!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal);
                text.Append($"(allow process {target} ( {@class} ( {string.Join(' ', sorted)} )))\n");
            }
        }
        return text.Append(")\n").ToString();
    }
}
