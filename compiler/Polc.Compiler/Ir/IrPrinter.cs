using System.Globalization;
using System.Text;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Compiler.Ir;

/// <summary>A readable, deterministic dump of the IR (`polc compile --emit ir`), one fact per line.
/// With <c>spans: false</c> the dump is independent of layout, which the formatter tests rely on.</summary>
public static class IrPrinter
{
    public static string Print(PolicyIr policy, bool spans = true)
    {
        var w = new Writer(spans);
        w.Line($"policy {policy.Name}", policy.Span);
        if (policy.Bases.Length > 0)
        {
            w.Line($"  bases (in rule order): {string.Join(", ", policy.Bases)}", null);
        }
        PrintSyscalls(w, policy.Syscalls);
        PrintCapabilities(w, policy.Capabilities);
        PrintFilesystem(w, policy.Filesystem);
        PrintNetwork(w, policy.Network);
        PrintResources(w, policy.Resources);
        PrintIsolation(w, policy.Isolation);
        w.Line("labels", null);
        w.Line($"  apparmor {Quote(policy.Labels.AppArmorProfile)}{(policy.Labels.AppArmorSpan is null ? " (default)" : "")}", policy.Labels.AppArmorSpan);
        w.Line($"  selinux type {Quote(policy.Labels.SelinuxType)}{(policy.Labels.SelinuxSpan is null ? " (default)" : "")}", policy.Labels.SelinuxSpan);
        if (policy.Expectations.Length > 0)
        {
            w.Line("expect", null);
            foreach (var expectation in policy.Expectations)
            {
                w.Line("  " + Describe(expectation), expectation.Span);
            }
        }
        return w.ToString();
    }

    public static string Describe(ExpectationIr expectation) => expectation switch
    {
        SyscallExpectationIr call => $"{call.Outcome} {call.Syscall}" + (call.Args.Length > 0 ? $"({string.Join(", ", call.Args.Select(Hex))})" : ""),
        CapabilityExpectationIr cap => (cap.Present ? "capability " : "no capability ") + cap.Capability.Name,
        _ => expectation.ToString(),
    };

    public static string Describe(ConditionIr condition) => condition switch
    {
        AndConditionIr { Operands.Length: 0 } => "true",
        OrConditionIr { Operands.Length: 0 } => "false",
        AndConditionIr all => string.Join(" && ", all.Operands.Select(o => o is OrConditionIr ? $"({Describe(o)})" : Describe(o))),
        OrConditionIr any => string.Join(" || ", any.Operands.Select(Describe)),
        NotConditionIr negated => $"!({Describe(negated.Operand)})",
        CompareConditionIr c => (c.HasMask ? $"arg{c.Arg} & {Hex(c.Mask)}" : $"arg{c.Arg}") + $" {c.Op.Symbol()} {Hex(c.Value)}",
        _ => condition.ToString(),
    };

    private static void PrintSyscalls(Writer w, SyscallPolicyIr syscalls)
    {
        w.Line("syscalls", null);
        w.Line($"  default {syscalls.DefaultAction}", syscalls.DefaultSpan);
        w.Line($"  arch {string.Join(", ", syscalls.Architectures.Select(a => a.Name()))}", syscalls.ArchitecturesSpan);
        var index = 1;
        foreach (var rule in syscalls.Rules)
        {
            var names = rule.Syscalls
                .GroupBy(s => s.ViaGroup ?? s.Name)
                .Select(g => g.Key.StartsWith('@') ? $"{g.Key}[{string.Join(" ", g.Select(s => s.Name))}]" : g.Key);
            var condition = rule.Condition is null ? "" : " if " + Describe(rule.Condition);
            w.Line($"  rule {index++} ({rule.Origin}): {rule.Action} {string.Join(", ", names)}{condition}", rule.Span);
        }
    }

    private static void PrintCapabilities(Writer w, CapabilityPolicyIr capabilities)
    {
        w.Line("capabilities", null);
        w.Line($"  bounding, permitted, effective: {List(capabilities.Allowed.Select(c => c.Name))}", null);
        w.Line($"  ambient, inheritable: {List(capabilities.Ambient.Select(c => c.Name))}", null);
        w.Line($"  mask 0x{capabilities.AllowedMask:x16}", null);
    }

    private static void PrintFilesystem(Writer w, FilesystemPolicyIr fs)
    {
        w.Line("filesystem", null);
        w.Line($"  root {(fs.Root is null ? "(host)" : Quote(fs.Root.Value))}{(fs.IsReadOnlyRoot ? " readonly" : "")}", fs.Root?.Span ?? fs.ReadOnlyRoot?.Span);
        foreach (var rule in fs.Rules)
        {
            w.Line($"  {rule.Access.ToString().ToLowerInvariant()} {Quote(rule.Pattern)} ({rule.Origin})", rule.Span);
        }
        foreach (var tmpfs in fs.Tmpfs)
        {
            var size = tmpfs.SizeBytes is { } s ? $" size {s}" : "";
            var mode = tmpfs.Mode is { } m ? $" mode 0o{Convert.ToString(m, 8)}" : "";
            w.Line($"  tmpfs {Quote(tmpfs.Path)}{size}{mode}{string.Concat(tmpfs.Options.Select(o => " " + o))}", tmpfs.Span);
        }
        foreach (var bind in fs.Binds)
        {
            w.Line($"  bind {Quote(bind.Source)} to {Quote(bind.Target)}{(bind.ReadOnly ? " readonly" : "")}", bind.Span);
        }
        foreach (var mask in fs.Masks)
        {
            w.Line($"  mask {Quote(mask.Value)}", mask.Span);
        }
    }

    private static void PrintNetwork(Writer w, NetworkPolicyIr network)
    {
        w.Line("network", null);
        if (network.IsNone)
        {
            w.Line("  none", network.None!.Span);
        }
        foreach (var rule in network.Families)
        {
            w.Line($"  {(rule.Allow ? "allow" : "deny")} {rule.Family.Name()} ({rule.Origin})", rule.Span);
        }
        w.Line($"  effective: {(network.Effective == NetworkAccess.None ? "nothing" : network.Effective.ToString())}", null);
        foreach (var (kind, ports) in new[] { ("bind", network.Binds), ("connect", network.Connects) })
        {
            foreach (var port in ports)
            {
                w.Line($"  {kind} {port.Protocol.ToString().ToLowerInvariant()} {(port.From == port.To ? $"{port.From}" : $"{port.From}-{port.To}")}", port.Span);
            }
        }
    }

    private static void PrintResources(Writer w, ResourcePolicyIr r)
    {
        w.Line("resources", null);
        void Setting<T>(string name, Setting<T>? setting, Func<T, string> show)
        {
            if (setting is not null)
            {
                w.Line($"  {name} {show(setting.Value)}", setting.Span);
            }
        }
        Setting("memory", r.Memory, Bytes);
        Setting("memory-swap", r.MemorySwap, Bytes);
        Setting("memory-reservation", r.MemoryReservation, Bytes);
        Setting("cpu", r.Cpus, c => c.ToString(CultureInfo.InvariantCulture));
        Setting("cpu-weight", r.CpuWeight, v => v.ToString(CultureInfo.InvariantCulture));
        Setting("cpuset", r.Cpuset, Quote);
        Setting("pids", r.Pids, v => v.ToString(CultureInfo.InvariantCulture));
        Setting("io-weight", r.IoWeight, v => v.ToString(CultureInfo.InvariantCulture));
        foreach (var io in r.Io)
        {
            var parts = new List<string>();
            if (io.ReadBps is { } rb) parts.Add($"read {rb} B/s");
            if (io.WriteBps is { } wb) parts.Add($"write {wb} B/s");
            if (io.ReadIops is { } ri) parts.Add($"read-iops {ri}");
            if (io.WriteIops is { } wi) parts.Add($"write-iops {wi}");
            w.Line($"  io {Quote(io.Device)} {string.Join(" ", parts)}", io.Span);
        }
        foreach (var rlimit in r.Rlimits)
        {
            w.Line($"  rlimit {rlimit.Name} soft {Limit(rlimit.Soft)} hard {Limit(rlimit.Hard)}", rlimit.Span);
        }
    }

    private static void PrintIsolation(Writer w, IsolationPolicyIr isolation)
    {
        w.Line("isolation", null);
        w.Line($"  namespaces {List(isolation.Namespaces.Select(n => n.Value.ToString().ToLowerInvariant()))}", null);
        if (isolation.Hostname is { } hostname) w.Line($"  hostname {Quote(hostname.Value)}", hostname.Span);
        if (isolation.User is { } user) w.Line($"  user {user.Value}", user.Span);
        if (isolation.Group is { } group) w.Line($"  group {group.Value}", group.Span);
        foreach (var map in isolation.UidMaps) w.Line($"  map-users {map.Inside} -> {map.Outside} count {map.Count}", map.Span);
        foreach (var map in isolation.GidMaps) w.Line($"  map-groups {map.Inside} -> {map.Outside} count {map.Count}", map.Span);
        w.Line($"  no-new-privileges {(isolation.NoNewPrivileges.Value ? "on" : "off")}", null);
    }

    private static string List(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }

    private static string Hex(ulong value) => value < 10 ? value.ToString(CultureInfo.InvariantCulture) : $"0x{value:x}";

    private static string Bytes(ulong value) => $"{value} B";

    private static string Limit(ulong value) => value == RlimitIr.Unlimited ? "unlimited" : value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private sealed class Writer(bool spans)
    {
        private readonly StringBuilder _builder = new();

        public void Line(string text, SourceSpan? span)
        {
            _builder.Append(text);
            if (spans && span is not null)
            {
                _builder.Append("    @ ").Append(span.Path).Append(':').Append(span.Line).Append(':').Append(span.Column);
            }
            _builder.Append('\n');
        }

        public override string ToString() => _builder.ToString();
    }
}
