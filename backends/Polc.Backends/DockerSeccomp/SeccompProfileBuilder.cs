using System.Collections.Immutable;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Backends.DockerSeccomp;

/// <summary>
/// The policy's syscall section as a Docker/OCI seccomp profile with exactly polc's meaning, as runc
/// and libseccomp (2.5) load it:
/// <list type="bullet">
/// <item>each syscall's ordered rules become disjoint entries (<see cref="FirstMatchPartition"/>), since
/// libseccomp has no rule order and refuses or misorders overlapping entries of different actions;</item>
/// <item>an entry compares each argument at most once (libseccomp refuses more; runc then ORs them);</item>
/// <item>entries with the default action are left out (runc skips them anyway);</item>
/// <item>`architectures` lists exactly the policy's architectures (no `archMap`, whose sub-architectures
/// would admit x86 and x32): libseccomp kills the others and the x32 ABI on x86_64;</item>
/// <item>one entry with the default action names the newest syscalls of each architecture, so that
/// runc's stub for "syscalls newer than the profile" (ENOSYS) leaves known syscalls to the default.</item>
/// </list>
/// </summary>
public static class SeccompProfileBuilder
{
    /// <summary>The most entries one syscall may need, and the most cubes the rewrite may hold while working.</summary>
    public const int EntryLimit = 256;

    private const int SentinelCount = 24;

    /// <summary>runc asks for libseccomp's binary-tree layout above this many syscall names.</summary>
    private const int TreeLayoutNames = 32;

    /// <summary>The calls libseccomp also routes through `socketcall` or `ipc` on x86, s390x and ppc64le (syscalls.c).</summary>
    private static readonly string[] SocketcallMultiplexed =
    [
        "socket", "bind", "connect", "listen", "accept", "getsockname", "getpeername", "socketpair", "send", "recv",
        "sendto", "recvfrom", "shutdown", "setsockopt", "getsockopt", "sendmsg", "recvmsg", "accept4", "recvmmsg", "sendmmsg",
    ];

    private static readonly string[] IpcMultiplexed =
    [
        "semop", "semget", "semctl", "semtimedop", "msgsnd", "msgrcv", "msgget", "msgctl", "shmat", "shmdt", "shmget", "shmctl",
    ];

    public sealed record Result(SeccompProfile? Profile, IReadOnlyList<Diagnostic> Diagnostics)
    {
        public bool HasErrors => Diagnostics.Any(d => d.IsError);
    }

    public static Result Build(PolicyIr policy)
    {
        var syscalls = policy.Syscalls;
        var diagnostics = new DiagnosticBag();
        var arches = syscalls.Architectures;
        var defaultAt = syscalls.DefaultSpan ?? policy.Span;
        if (syscalls.DefaultAction.Kind == SeccompActionKind.Notify)
        {
            diagnostics.Add(DiagnosticCatalog.SeccompJsonNotifyDefault(defaultAt));
        }
        if (arches.Contains(Arch.S390x) && arches.Length > 1)
        {
            diagnostics.Add(DiagnosticCatalog.SeccompJsonEndianness(syscalls.ArchitecturesSpan ?? policy.Span, Arch.S390x.Name(), arches.First(a => a != Arch.S390x).Name()));
        }
        if (IsErrno4095(syscalls.DefaultAction))
        {
            diagnostics.Add(DiagnosticCatalog.SeccompJsonErrno4095(defaultAt));
        }
        foreach (var rule in syscalls.Rules.Where(r => IsErrno4095(r.Action)))
        {
            diagnostics.Add(DiagnosticCatalog.SeccompJsonErrno4095(rule.Span));
        }

        var has64 = arches.Any(a => a.Is64Bit() && a != Arch.X32);
        var narrow = arches.Where(a => !a.Is64Bit()).ToList();
        var sets = new ValueSets();
        var only32Bit = !has64 && !arches.Contains(Arch.X32);
        var writer = new ComparisonWriter(sets, only32Bit);
        var algebra = new CubeAlgebra(sets, EntryLimit);

        var unconditional = new List<(string Name, SeccompAction Action, List<SourceSpan> Rules)>();
        var conditional = new List<(string Name, SeccompAction Action, ImmutableArray<SeccompArgument> Args, List<SourceSpan> Rules)>();
        var multiplexed = new List<(string Name, SourceSpan At)>();
        foreach (var (name, rules) in RulesBySyscall(syscalls))
        {
            if (!arches.Any(a => SyscallTable.Exists(a, name)))
            {
                continue; // the binder warned; no listed architecture has it
            }
            List<ActionRegion> regions = [];
            List<EntryPlanner.Entry>? planned;
            try
            {
                regions = FirstMatchPartition.Partition(algebra, rules, syscalls.DefaultAction);
                var cover = regions.SelectMany(r => r.Cubes.Select(c => (Cube: only32Bit ? LowerWord(sets, c) : c, r.Action))).Where(c => !c.Cube.IsEmpty).ToList();
                planned = EntryPlanner.Plan(writer, ArgumentDiagram.Build(sets, cover), syscalls.DefaultAction, EntryLimit);
            }
            catch (FirstMatchPartition.TooLargeForRuleException e)
            {
                diagnostics.Add(DiagnosticCatalog.SeccompJsonTooLarge(e.Rule, name, EntryLimit));
                continue;
            }
            catch (ArgumentDiagram.TooLargeException)
            {
                planned = null;
            }
            if (planned is null)
            {
                diagnostics.Add(DiagnosticCatalog.SeccompJsonTooLarge(rules[^1].Span, name, EntryLimit));
                continue;
            }
            regions.RemoveAll(r => r.Action == syscalls.DefaultAction);
            if (narrow.Count > 0 && planned.FirstOrDefault(e => e.Args.Length > 1) is { } wide)
            {
                diagnostics.Add(DiagnosticCatalog.SeccompJsonNarrowMultiArgument(regions.First(r => r.Action == wide.Action).Rules[0], name, narrow[0].Name()));
                continue;
            }
            foreach (var entry in planned)
            {
                var region = regions.First(r => r.Action == entry.Action);
                if (entry.Action.Kind == SeccompActionKind.Notify && name == "write")
                {
                    diagnostics.Add(DiagnosticCatalog.SeccompJsonNotifyWrite(region.Rules[0]));
                }
                if (entry.Args.IsEmpty)
                {
                    unconditional.Add((name, entry.Action, region.Rules));
                    continue;
                }
                CheckWordSize(diagnostics, arches, has64, narrow, name, entry.Args, region.Rules[0]);
                conditional.Add((name, entry.Action, entry.Args, region.Rules));
            }
            if (planned.Count > 0 && Multiplexer(name) is { } multiplexer && arches.FirstOrDefault(IsMultiplexing) is var muxArch && IsMultiplexing(muxArch))
            {
                if (planned.Any(e => !e.Args.IsEmpty))
                {
                    var at = regions.First(r => planned.Any(e => !e.Args.IsEmpty && e.Action == r.Action)).Rules[0];
                    diagnostics.Add(DiagnosticCatalog.SeccompJsonMultiplexedCondition(at, name, muxArch.Name(), multiplexer));
                }
                else
                {
                    multiplexed.Add((name, regions[0].Rules[0]));
                }
            }
        }
        if (multiplexed.Count > 0)
        {
            diagnostics.Add(DiagnosticCatalog.SeccompJsonMultiplexed(multiplexed[0].At, arches.First(IsMultiplexing).Name(),
                string.Join(", ", multiplexed.Select(m => $"`{m.Name}`"))));
        }

        var entries = new List<SeccompEntry>();
        foreach (var group in unconditional.GroupBy(u => u.Action).OrderBy(g => ActionOrder(g.Key)))
        {
            entries.Add(new SeccompEntry([.. group.Select(u => u.Name).Order(StringComparer.Ordinal)], group.Key, [], null,
                [.. group.SelectMany(u => u.Rules).Distinct()]));
        }
        // One order for all conditional entries, libseccomp's own (see EntryPlanner), so each syscall's entries come in it.
        var ordered = conditional.GroupBy(c => (c.Action, Key: ArgsKey(c.Args)))
            .OrderBy(g => g.First().Args, EntryPlanner.OrderKey)
            .ThenBy(g => ActionOrder(g.Key.Action))
            .ThenBy(g => g.Min(c => c.Name), StringComparer.Ordinal);
        foreach (var group in ordered)
        {
            var first = group.First();
            var rules = group.SelectMany(c => c.Rules).Distinct().OrderBy(s => s.Path, StringComparer.Ordinal).ThenBy(s => s.Span.Start).ToImmutableArray();
            entries.Add(new SeccompEntry([.. group.Select(c => c.Name).Distinct().Order(StringComparer.Ordinal)], first.Action, first.Args,
                "from " + string.Join(", ", rules.Select(Where)), rules));
        }
        if (Sentinel(syscalls, entries) is { } sentinel)
        {
            entries.Add(sentinel);
        }
        var profile = new SeccompProfile(syscalls.DefaultAction, defaultAt, arches, [], [.. entries]);
        return new Result(diagnostics.HasErrors ? null : profile, diagnostics.Sorted());
    }

    /// <summary>Each syscall named by some rule, in order of first mention, with the rules naming it in evaluation order.</summary>
    private static IEnumerable<(string Name, List<FirstMatchPartition.Rule> Rules)> RulesBySyscall(SyscallPolicyIr syscalls)
    {
        var byName = new Dictionary<string, List<FirstMatchPartition.Rule>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var rule in syscalls.Rules)
        {
            foreach (var name in rule.Syscalls.Select(s => s.Name).Distinct())
            {
                if (!byName.TryGetValue(name, out var list))
                {
                    byName[name] = list = [];
                    order.Add(name);
                }
                list.Add(new FirstMatchPartition.Rule(rule.Action, rule.Condition, rule.Span));
            }
        }
        return order.Select(n => (n, byName[n]));
    }

    /// <summary>libseccomp compares only the lower 32 bits of arguments on 32-bit ABIs (and on x32, whose kernel
    /// arguments are 64-bit), so a comparison must mean the same there as on the 64-bit ABIs the profile shares.</summary>
    private static void CheckWordSize(DiagnosticBag diagnostics, ImmutableArray<Arch> arches, bool has64, List<Arch> narrow,
        string name, ImmutableArray<SeccompArgument> args, SourceSpan at)
    {
        foreach (var arg in args)
        {
            if (has64 && narrow.Count > 0 && !ComparisonWriter.FitsLowerWord(arg))
            {
                var datum = arg.Op == SeccompOperator.MaskedEqual ? arg.ValueTwo & arg.Value : arg.Value;
                diagnostics.Add(DiagnosticCatalog.SeccompJsonHighWordOn32Bit(at, name, narrow[0].Name(), datum));
            }
            if (arches.Contains(Arch.X32) && !(arg.Op == SeccompOperator.MaskedEqual && arg.Value >> 32 == 0))
            {
                diagnostics.Add(DiagnosticCatalog.SeccompJsonX32Condition(at, name));
            }
        }
    }

    /// <summary>
    /// One entry with the default action, for runc's sake (runc skips it when adding rules, as its action is the default):
    /// <list type="bullet">
    /// <item>runc loads a stub before the filter that answers ENOSYS to every syscall numbered above the highest one
    /// the profile names (so that new syscalls look unimplemented), unless the default lets calls through. Naming the
    /// newest syscalls of each architecture keeps the default for every syscall the runtime knows. Even a default of
    /// ENOSYS needs it: libseccomp numbers `socket` as `socketcall` (102) on x86, so a profile naming only low numbers
    /// would see the stub answer the direct `socket` (359) whatever its entry says;</item>
    /// <item>runc asks libseccomp for its binary-tree layout when the profile names more than 32 syscalls; the linear
    /// layout of libseccomp 2.5 loses the syscall-number load on architectures other than x86_64 when the first
    /// syscall it sorts does not exist there, so the entry names enough syscalls to get the tree.</item>
    /// </list>
    /// </summary>
    private static SeccompEntry? Sentinel(SyscallPolicyIr syscalls, List<SeccompEntry> entries)
    {
        var named = entries.SelectMany(e => e.Names).ToHashSet(StringComparer.Ordinal);
        var stub = syscalls.DefaultAction.Kind is not (SeccompActionKind.Allow or SeccompActionKind.Log or SeccompActionKind.Trace);
        var newest = syscalls.Architectures
            .Select(a => SyscallTable.Entries(a).OrderByDescending(e => e.Number).Select(e => e.Name).Where(n => !named.Contains(n)).ToList())
            .ToList();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        for (var rank = 0; (stub && rank < SentinelCount) || entries.Sum(e => e.Names.Length) + names.Count <= TreeLayoutNames; rank++)
        {
            var before = names.Count;
            foreach (var list in newest.Where(l => rank < l.Count))
            {
                names.Add(list[rank]);
            }
            if (names.Count == before && newest.All(l => rank >= l.Count))
            {
                break;
            }
        }
        return names.Count == 0 ? null : new SeccompEntry([.. names], syscalls.DefaultAction, [],
            "runc skips this entry (its action is the default); it is here so that runc's ENOSYS stub for syscalls newer than the profile starts above these, and so that runc builds libseccomp's binary-tree filter", []);
    }

    /// <summary>A cube as 32-bit ABIs see it: the kernel passes arguments below 2^32 only (every argument is
    /// limited, so no diagram class is made of values that cannot occur; the writer frees them again).</summary>
    private static ArgumentCube LowerWord(ValueSets sets, ArgumentCube cube)
    {
        var low = sets.Range(0, 0xFFFF_FFFF);
        for (var index = 0; index < ArgumentCube.Arity; index++)
        {
            cube = cube.With(index, sets.And(cube[index], low));
        }
        return cube;
    }

    private static bool IsMultiplexing(Arch arch) => arch is Arch.X86 or Arch.S390x or Arch.Ppc64le;

    private static string? Multiplexer(string name) =>
        SocketcallMultiplexed.Contains(name) ? "socketcall" : IpcMultiplexed.Contains(name) ? "ipc" : null;

    private static bool IsErrno4095(SeccompAction action) => action.Kind == SeccompActionKind.Errno && action.Value >= 4095;

    private static int ActionOrder(SeccompAction action) => action.Kind switch
    {
        SeccompActionKind.Allow => 0,
        SeccompActionKind.Log => 1,
        SeccompActionKind.Errno => 2 + (int)action.Value,
        SeccompActionKind.Trace => 10_000 + (int)action.Value,
        SeccompActionKind.Trap => 100_000,
        SeccompActionKind.Notify => 100_001,
        SeccompActionKind.KillThread => 100_002,
        _ => 100_003,
    };

    private static string ArgsKey(ImmutableArray<SeccompArgument> args) => string.Join(";", args.Select(a => $"{a.Index},{a.Op},{a.Value},{a.ValueTwo}"));

    private static string Where(SourceSpan span) => $"{Path.GetFileName(span.Path)}:{span.Line}";
}
