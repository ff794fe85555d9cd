using Polc.Compiler.Analysis;
using Polc.Compiler.Semantics;

namespace Polc.Enforcer.Learning;

/// <summary>A syscall rule of a learned policy, as text: `allow NAME if CONDITION`, and why it is there.</summary>
public sealed record LearnedRule(string Syscall, string Action, string? Condition, string Comment)
{
    public string Text => $"{Action} {Syscall}" + (Condition is null ? "" : $" if {Condition}");
}

/// <summary>
/// The syscall rules a recording calls for: syscalls seen, each allowed outright unless it is one whose
/// arguments policies condition on (<see cref="ArgumentTable"/>: then allowed for the values seen), `clone` for
/// the namespaces it made (none, usually), and clone3 refused with ENOSYS so that libc falls back to clone,
/// whose flags a filter can read (clone3 passes them in memory).
/// </summary>
public sealed class LearnedRules
{
    /// <summary>CLONE_NEW{NS,CGROUP,UTS,IPC,USER,PID,NET}: the namespace bits clone(2) accepts.</summary>
    public static readonly IReadOnlyList<string> CloneNamespaces =
        ["CLONE_NEWNS", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWUSER", "CLONE_NEWPID", "CLONE_NEWNET"];

    /// <summary>Calls a program needs whether or not one run showed them: the return from a signal handler (a run
    /// ended by a signal never returns from one), a sleep restarted after a stop, the end of a thread or process.</summary>
    public static readonly IReadOnlyList<string> Implicit = ["rt_sigreturn", "sigreturn", "restart_syscall", "exit", "exit_group"];

    /// <summary>Calls whose appearance depends on timing, allowed with the call that needs them: a shell waits for a
    /// child that has not exited yet by suspending until SIGCHLD (dash's `wait`), and reaps it with wait4 at once
    /// when it already has, so a run that saw only wait4 may next time need rt_sigsuspend.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> TimingCompanions = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["wait4"] = ["rt_sigsuspend", "sigsuspend"],
        ["waitid"] = ["rt_sigsuspend", "sigsuspend"],
        ["waitpid"] = ["rt_sigsuspend", "sigsuspend"],
    };

    public LearnedRules(Recording recording)
    {
        var arches = recording.Architectures.ToList();
        var seen = recording.Syscalls.Keys.Select(k => k.Syscall).ToHashSet(StringComparer.Ordinal);
        var used = seen
            .Concat(Implicit.Concat(seen.SelectMany(s => TimingCompanions.GetValueOrDefault(s, [])))
                .Where(i => arches.Any(a => SyscallTable.Exists(a, i))))
            .ToHashSet(StringComparer.Ordinal);
        var conditioned = new List<LearnedRule>();
        foreach (var entry in ArgumentTable.Entries.Where(e => used.Contains(e.Syscall)))
        {
            var values = recording.ArgumentValues.Where(v => v.Key.Syscall == entry.Syscall).SelectMany(v => v.Value).ToHashSet();
            var names = values.Order().Select(v => entry.Bits ? ConstantNames.Flags(v, entry.Prefixes) : ConstantNames.Name(v, entry.Prefixes));
            var calls = recording.Syscalls.Where(s => s.Key.Syscall == entry.Syscall).Sum(s => s.Value);
            conditioned.Add(new LearnedRule(entry.Syscall, "allow", $"arg{entry.Arg} in [{string.Join(", ", names)}]",
                $"{entry.Syscall}: the {entry.What} seen ({Calls(calls)})"));
        }
        if (used.Contains("clone") || used.Contains("clone3"))
        {
            conditioned.Add(CloneRule(recording));
        }
        if (used.Contains("clone3"))
        {
            conditioned.Add(new LearnedRule("clone3", "errno ENOSYS", null,
                "clone3 passes its flags in memory, out of seccomp's sight: refused, libc falls back to clone"));
        }
        Conditioned = conditioned;
        var special = conditioned.Select(c => c.Syscall).ToHashSet(StringComparer.Ordinal);
        Plain = [.. used.Where(s => !special.Contains(s)).Order(StringComparer.Ordinal)];
        Fallbacks = [.. RiskCatalog.FallbackProbes.Where(p => !used.Contains(p) && arches.Any(a => SyscallTable.Exists(a, p)))];
    }

    /// <summary>Newer syscalls the run did not make that libc tries first and gives up on only at ENOSYS: refused
    /// with ENOSYS, so that another libc, or another path through this one, falls back to what the run used.</summary>
    public IReadOnlyList<string> Fallbacks { get; }

    /// <summary>Syscalls allowed whatever their arguments, sorted.</summary>
    public IReadOnlyList<string> Plain { get; }

    /// <summary>Rules with a condition (or another action than allow), in table order.</summary>
    public IReadOnlyList<LearnedRule> Conditioned { get; }

    private static LearnedRule CloneRule(Recording recording)
    {
        var flags = recording.CloneFlags.Values.Aggregate(0UL, (a, b) => a | b);
        var unseen = CloneNamespaces.Where(n => ConstantTable.TryGet(n, out var bit) && (flags & bit) == 0).ToList();
        var seen = CloneNamespaces.Except(unseen).ToList();
        var comment = seen.Count == 0
            ? "clone: threads and processes, never a new namespace"
            : $"clone: new namespaces seen: {string.Join(", ", seen)}";
        return unseen.Count == 0
            ? new LearnedRule("clone", "allow", null, comment)
            : new LearnedRule("clone", "allow", $"arg0 & ({string.Join(" | ", unseen)}) == 0", comment);
    }

    private static string Calls(long count) => count == 1 ? "1 call" : $"{count} calls";
}
