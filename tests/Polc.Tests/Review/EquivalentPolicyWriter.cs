using System.Globalization;
using System.Text;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Tests.Review;

/// <summary>
/// Writes a bound policy back as source that means exactly the same but reads differently: another
/// name, sections in another order, every rule split into one rule per syscall and those rules
/// shuffled wherever that keeps each syscall's own rule order, `deny` for the deny errno, conditions
/// rewritten into equivalent forms (De Morgan, `in [..]`, negated comparisons, shuffled operands),
/// capability, path, family and namespace lists shuffled. A semantic diff against the original must
/// find nothing. Deterministic for a seed.
/// </summary>
internal sealed class EquivalentPolicyWriter(int seed)
{
    private readonly Random _random = new(seed);

    /// <param name="extraRules">rules appended at the end of the syscalls section, as written.</param>
    public string Write(PolicyIr policy, params string[] extraRules)
    {
        var sections = new List<string>
        {
            Syscalls(policy.Syscalls, extraRules),
            Capabilities(policy.Capabilities),
            Filesystem(policy.Filesystem),
            Network(policy.Network),
            Resources(policy.Resources),
            Isolation(policy.Isolation),
        };
        var sb = new StringBuilder($"policy renamed_{seed} {{\n");
        foreach (var section in Shuffle(sections.Where(s => s.Length > 0)))
        {
            sb.Append(section);
        }
        if (policy.Labels.AppArmorSpan is not null)
        {
            sb.Append($"    apparmor {Quote(policy.Labels.AppArmorProfile)}\n");
        }
        if (policy.Labels.SelinuxSpan is not null)
        {
            sb.Append($"    selinux type {Quote(policy.Labels.SelinuxType)}\n");
        }
        return sb.Append("}\n").ToString();
    }

    private List<T> Shuffle<T>(IEnumerable<T> items) => [.. items.OrderBy(_ => _random.Next())];

    private bool Coin() => _random.Next(2) == 0;

    private static string Section(string name, IEnumerable<string> statements)
    {
        var list = statements.ToList();
        return list.Count == 0 ? "" : $"    {name} {{\n" + string.Concat(list.Select(s => $"        {s}\n")) + "    }\n";
    }

    // ---- syscalls ----

    private string Syscalls(SyscallPolicyIr syscalls, string[] extraRules)
    {
        var statements = new List<string>();
        var deny = syscalls.DefaultAction.Kind == SeccompActionKind.Errno ? syscalls.DefaultAction : SeccompAction.Errno(1);
        if (syscalls.DefaultAction != SeccompAction.Errno(1) || Coin())
        {
            statements.Add("default " + syscalls.DefaultAction);
        }
        statements.Add("arch " + string.Join(", ", Shuffle(syscalls.Architectures.Select(a => a.Name()))));
        var entries = syscalls.Rules
            .SelectMany(r => r.Syscalls.Select(s => s.Name).Distinct().Select(name => (Name: name, r.Action, r.Condition)))
            .ToList();
        var ordered = new List<(string Name, SeccompAction Action, ConditionIr? Condition)>();
        var pending = entries.ToList();
        while (pending.Count > 0)
        {
            // Any entry with no earlier pending entry for the same syscall (by name or number) may go next.
            var ready = pending.Where((e, i) => !pending.Take(i).Any(earlier => SameSyscall(earlier.Name, e.Name, syscalls.Architectures))).ToList();
            var next = ready[_random.Next(ready.Count)];
            ordered.Add(next);
            pending.Remove(next);
        }
        foreach (var (name, action, condition) in ordered)
        {
            var written = action == deny && Coin() ? "deny" : action.ToString();
            statements.Add($"{written} {name}" + (condition is null ? "" : " if " + Condition(condition)));
        }
        statements.AddRange(extraRules);
        return Section("syscalls", statements);
    }

    private static bool SameSyscall(string a, string b, IEnumerable<Arch> arches) =>
        a == b || arches.Any(arch => SyscallTable.TryGetNumber(arch, a, out var x) && SyscallTable.TryGetNumber(arch, b, out var y) && x == y);

    private string Condition(ConditionIr condition)
    {
        switch (condition)
        {
            case AndConditionIr { Operands.Length: 0 }:
                return "arg0 >= 0";
            case OrConditionIr { Operands.Length: 0 }:
                return "arg0 < 0";
            case AndConditionIr all:
                return Coin()
                    ? Join(" && ", Shuffle(all.Operands).Select(Condition))
                    : "!(" + Join(" || ", Shuffle(all.Operands).Select(o => "!(" + Condition(o) + ")")) + ")";
            case OrConditionIr any:
                if (any.Operands.All(o => o is CompareConditionIr { Op: CompareOp.Eq, HasMask: false }) && any.Operands.OfType<CompareConditionIr>().Select(c => c.Arg).Distinct().Count() == 1 && Coin())
                {
                    var compares = any.Operands.Cast<CompareConditionIr>().ToList();
                    return $"arg{compares[0].Arg} in [{string.Join(", ", Shuffle(compares.Select(c => Number(c.Value))))}]";
                }
                return Coin()
                    ? Join(" || ", Shuffle(any.Operands).Select(Condition))
                    : "!(" + Join(" && ", Shuffle(any.Operands).Select(o => "!(" + Condition(o) + ")")) + ")";
            case NotConditionIr negated:
                return negated.Operand is CompareConditionIr inner && Coin()
                    ? Compare(inner with { Op = Negate(inner.Op) })
                    : "!(" + Condition(negated.Operand) + ")";
            case CompareConditionIr compare:
                return Coin() ? Compare(compare) : "!(" + Compare(compare with { Op = Negate(compare.Op) }) + ")";
            default:
                throw new ArgumentOutOfRangeException(nameof(condition));
        }
    }

    private static string Join(string separator, IEnumerable<string> parts) => "(" + string.Join(separator, parts) + ")";

    private static string Compare(CompareConditionIr c) =>
        (c.HasMask ? $"arg{c.Arg} & {Number(c.Mask)}" : $"arg{c.Arg}") + $" {c.Op.Symbol()} {Number(c.Value)}";

    private static CompareOp Negate(CompareOp op) => op switch
    {
        CompareOp.Eq => CompareOp.Ne,
        CompareOp.Ne => CompareOp.Eq,
        CompareOp.Lt => CompareOp.Ge,
        CompareOp.Ge => CompareOp.Lt,
        CompareOp.Le => CompareOp.Gt,
        CompareOp.Gt => CompareOp.Le,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static string Number(ulong value) => $"0x{value:x}";

    // ---- the other sections ----

    private string Capabilities(CapabilityPolicyIr capabilities)
    {
        var statements = new List<string>();
        string Name(Capability c) => _random.Next(3) switch { 0 => c.Name, 1 => c.ShortName, _ => c.ShortName.ToLowerInvariant() };
        var allowed = Shuffle(capabilities.Allowed);
        while (allowed.Count > 0)
        {
            var take = 1 + _random.Next(allowed.Count);
            statements.Add("allow " + string.Join(", ", allowed.Take(take).Select(Name)));
            allowed = allowed.Skip(take).ToList();
        }
        // An allow undone by a later drop changes nothing.
        if (CapabilityTable.All.FirstOrDefault(c => !capabilities.Has(c) && _random.Next(4) == 0) is { Name: not null } extra)
        {
            statements.Insert(0, "allow " + Name(extra));
            statements.Add("drop " + Name(extra));
        }
        if (capabilities.Ambient.Length > 0)
        {
            statements.Add("ambient " + string.Join(", ", Shuffle(capabilities.Ambient).Select(Name)));
        }
        return Section("capabilities", statements);
    }

    private string Filesystem(FilesystemPolicyIr fs)
    {
        var statements = new List<string>();
        if (fs.Root is not null)
        {
            statements.Add("root " + Quote(fs.Root.Value));
        }
        if (fs.IsReadOnlyRoot)
        {
            statements.Add("readonly root");
        }
        statements.AddRange(fs.Rules.Select(r => $"{r.Access.ToString().ToLowerInvariant()} {Quote(r.Pattern)}"));
        statements.AddRange(fs.Tmpfs.Select(t => $"tmpfs {Quote(t.Path)}" + (t.SizeBytes is { } s ? $" size {s}B" : "")
            + (t.Mode is { } m ? $" mode 0o{Convert.ToString(m, 8)}" : "") + string.Concat(t.Options.Select(o => " " + o))));
        statements.AddRange(fs.Binds.Select(b => $"bind {Quote(b.Source)} to {Quote(b.Target)}" + (b.ReadOnly ? " readonly" : "")));
        statements.AddRange(fs.Masks.Select(m => "mask " + Quote(m.Value)));
        return Section("filesystem", Shuffle(statements));
    }

    private string Network(NetworkPolicyIr network)
    {
        if (network.IsNone)
        {
            return "    network none\n";
        }
        var statements = network.Families.Select(f => $"{(f.Allow ? "allow" : "deny")} {f.Family.Name()}")
            .Concat(network.Binds.Select(p => "bind " + Port(p)))
            .Concat(network.Connects.Select(p => "connect " + Port(p)));
        return Section("network", Shuffle(statements));
    }

    private static string Port(PortRuleIr port) =>
        $"{port.Protocol.ToString().ToLowerInvariant()} " + (port.From == port.To ? $"{port.From}" : $"{port.From}-{port.To}");

    private string Resources(ResourcePolicyIr r)
    {
        var statements = new List<string>();
        void Add<T>(string name, Setting<T>? setting, Func<T, string> show)
        {
            if (setting is not null)
            {
                statements.Add($"{name} {show(setting.Value)}");
            }
        }
        static string Bytes(ulong b) => $"{b}B";
        static string Plain<T>(T v) where T : IFormattable => v.ToString(null, CultureInfo.InvariantCulture);
        Add("memory", r.Memory, Bytes);
        Add("memory-swap", r.MemorySwap, Bytes);
        Add("memory-reservation", r.MemoryReservation, Bytes);
        Add("cpu", r.Cpus, c => c == decimal.Truncate(c) ? Plain(c) : Plain(c));
        Add("cpu-weight", r.CpuWeight, Plain);
        Add("cpuset", r.Cpuset, Quote);
        Add("pids", r.Pids, Plain);
        Add("io-weight", r.IoWeight, Plain);
        foreach (var io in r.Io)
        {
            var parts = new List<string>();
            if (io.ReadBps is { } rb) parts.Add($"read {rb}B/s");
            if (io.WriteBps is { } wb) parts.Add($"write {wb}B/s");
            if (io.ReadIops is { } ri) parts.Add($"read-iops {ri}");
            if (io.WriteIops is { } wi) parts.Add($"write-iops {wi}");
            statements.Add($"io {Quote(io.Device)} {string.Join(" ", Shuffle(parts))}");
        }
        static string Limit(ulong v) => v == RlimitIr.Unlimited ? "unlimited" : v.ToString(CultureInfo.InvariantCulture);
        statements.AddRange(r.Rlimits.Select(l => $"rlimit {l.Name} {Limit(l.Soft)} {Limit(l.Hard)}"));
        return Section("resources", Shuffle(statements));
    }

    private string Isolation(IsolationPolicyIr isolation)
    {
        var statements = new List<string>();
        if (isolation.Namespaces.Length > 0)
        {
            statements.Add("namespaces " + string.Join(", ", Shuffle(isolation.Namespaces.Select(n => n.Value.ToString().ToLowerInvariant()))));
        }
        if (isolation.Hostname is not null)
        {
            statements.Add("hostname " + Quote(isolation.Hostname.Value));
        }
        if (isolation.User is not null)
        {
            statements.Add($"user {isolation.User.Value}");
        }
        if (isolation.Group is not null)
        {
            statements.Add($"group {isolation.Group.Value}");
        }
        statements.AddRange(isolation.UidMaps.Select(m => $"map-users {m.Inside} -> {m.Outside} count {m.Count}"));
        statements.AddRange(isolation.GidMaps.Select(m => $"map-groups {m.Inside} -> {m.Outside} count {m.Count}"));
        if (!isolation.NoNewPrivileges.Value)
        {
            statements.Add("allow-new-privileges");
        }
        else if (Coin())
        {
            statements.Add("no-new-privileges");
        }
        return Section("isolation", Shuffle(statements));
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
