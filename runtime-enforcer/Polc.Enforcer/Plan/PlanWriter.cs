using System.Globalization;
using System.Text;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Enforcer.Plan;

/// <summary>
/// The on-disk plan (docs/enforcer.md): UTF-8 lines `KEYWORD FIELD...`, one space between fields, every byte
/// outside 0x21..0x7e and `%` written as `%XX`, first line `polc-plan 1`, last line `end`. Deterministic:
/// the same plan gives the same bytes.
/// </summary>
public static class PlanWriter
{
    public const int Version = 1;

    public static byte[] Write(EnforcerPlan plan) => new UTF8Encoding(false).GetBytes(WriteText(plan));

    public static string WriteText(EnforcerPlan plan)
    {
        var w = new StringBuilder();
        void Line(params string[] fields) => w.Append(string.Join(' ', fields.Select(Escape))).Append('\n');
        w.Append($"polc-plan {Version}\n");
        w.Append($"# enforcer plan for policy {Escape(plan.Name)}: run it with `polc-enforcer FILE -- COMMAND [ARG...]`\n");
        Line("name", plan.Name);
        if (plan.Namespaces.Length > 0)
        {
            Line(["namespaces", .. plan.Namespaces.Select(n => n.ToString().ToLowerInvariant())]);
        }
        foreach (var map in plan.UidMaps) Line("uid-map", Number(map.Inside), Number(map.Outside), Number(map.Count));
        foreach (var map in plan.GidMaps) Line("gid-map", Number(map.Inside), Number(map.Outside), Number(map.Count));
        if (plan.Hostname is { } hostname) Line("hostname", hostname);
        if (plan.Root is { } root) Line("root", root);
        foreach (var step in plan.Mounts)
        {
            switch (step)
            {
                case ReadOnlyRootStep:
                    Line("readonly-root");
                    break;
                case FileSystemMountStep fs:
                    Line("mount", fs.FileSystem, fs.Target, Flags(fs.Flags, fs.Create), fs.Data ?? "-");
                    break;
                case BindMountStep bind:
                    Line("bind", bind.Source, bind.Target, Flags(bind.Flags, bind.Create));
                    break;
                case SymlinkStep link:
                    Line("symlink", link.LinkContent, link.Path);
                    break;
                case MaskStep mask:
                    Line("mask", mask.Path);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(plan), step, "unknown mount step");
            }
        }
        foreach (var write in plan.Cgroups) Line($"cgroup{write.Version}", write.Controller, write.File, write.Value);
        foreach (var rlimit in plan.Rlimits) Line("rlimit", rlimit.Name, Limit(rlimit.Soft), Limit(rlimit.Hard));
        if (plan.User is { } user) Line("user", Number(user));
        if (plan.Group is { } group) Line("group", Number(group));
        var caps = plan.Capabilities;
        Line("cap-bounding", Mask(caps.Bounding));
        Line("cap-permitted", Mask(caps.Permitted));
        Line("cap-effective", Mask(caps.Effective));
        Line("cap-inheritable", Mask(caps.Inheritable));
        Line("cap-ambient", Mask(caps.Ambient));
        if (plan.NoNewPrivileges) Line("no-new-privs");
        if (plan.AppArmor is { } apparmor) Line("apparmor", apparmor.Value, apparmor.Required ? "required" : "optional");
        if (plan.Selinux is { } selinux) Line("selinux", selinux.Value, selinux.Required ? "required" : "optional");
        foreach (var program in plan.Seccomp) Line("seccomp", program.Arch.Name(), Convert.ToHexStringLower(program.Bpf));
        if (plan.SeccompListener is { } listener) Line("seccomp-listener", Number((ulong)listener));
        w.Append("end\n");
        return w.ToString();
    }

    /// <summary>%XX for every byte the launcher's parser would not take raw.</summary>
    public static string Escape(string field)
    {
        var bytes = Encoding.UTF8.GetBytes(field);
        var result = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is > 0x20 and < 0x7f and not (byte)'%')
            {
                result.Append((char)b);
            }
            else
            {
                result.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return result.ToString();
    }

    private static string Flags(MountFlags flags, bool create)
    {
        var names = new List<string>();
        if (flags.HasFlag(MountFlags.ReadOnly)) names.Add("ro");
        if (flags.HasFlag(MountFlags.NoSuid)) names.Add("nosuid");
        if (flags.HasFlag(MountFlags.NoDev)) names.Add("nodev");
        if (flags.HasFlag(MountFlags.NoExec)) names.Add("noexec");
        if (create) names.Add("create");
        return names.Count == 0 ? "-" : string.Join(',', names);
    }

    private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Mask(ulong value) => $"0x{value:x}";

    private static string Limit(ulong value) => value == RlimitIr.Unlimited ? "unlimited" : Number(value);
}
