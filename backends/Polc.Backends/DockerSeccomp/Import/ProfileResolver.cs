using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Backends.DockerSeccomp.Import;

/// <summary>What one syscall ends up as once Docker, runc and libseccomp have read a profile: either one
/// unconditional action, or conditional entries that never overlap with different actions.</summary>
public sealed record SyscallDecision(SeccompAction? Unconditional, IReadOnlyList<ConditionalEntry> Conditional)
{
    public string Key => Unconditional is { } action
        ? action.ToString()
        : string.Join("|", Conditional.Select(c => $"{c.Action}:{string.Join(",", c.Args)}").Order(StringComparer.Ordinal));
}

public sealed record ConditionalEntry(SeccompAction Action, IReadOnlyList<SeccompArgument> Args, SourceSpan At);

/// <summary>
/// Resolves a profile the way it is applied, for one host architecture:
/// <list type="bullet">
/// <item>Docker/Podman drop entries by `includes`/`excludes`: arches against the host's name (`amd64`, `arm64`, ...),
/// all included caps must be in the bounding set and no excluded one, `minKernel` against the running kernel;</item>
/// <item>runc skips entries whose action is the default, and turns an entry comparing one argument more than
/// once into one rule per comparison (it ORs them);</item>
/// <item>libseccomp keeps a syscall's first unconditional rule and drops its conditional ones; conditional rules
/// that overlap with different actions are refused or decided by its internal order (an error here).</item>
/// </list>
/// </summary>
public sealed class ProfileResolver(DockerProfileDocument document, IReadOnlyCollection<string> capabilities, (int Major, int Minor)? kernel)
{
    /// <summary>Entries that applied only because of `minKernel` (the kernel being assumed new enough or given).</summary>
    public HashSet<DockerProfileEntry> KernelDependent { get; } = [];

    public bool Applies(DockerProfileEntry entry, string hostArch)
    {
        var (include, exclude) = (entry.Includes, entry.Excludes);
        if (exclude.Arches.Contains(hostArch) || exclude.Caps.Any(capabilities.Contains))
        {
            return false;
        }
        if (include.Arches.Count > 0 && !include.Arches.Contains(hostArch) || !include.Caps.All(capabilities.Contains))
        {
            return false;
        }
        // Without a kernel version, assume one newer than any the profile names: includes hold, excludes drop.
        if (exclude.MinKernel is { } below && (kernel is null || kernel.Value.CompareTo(below) >= 0))
        {
            KernelDependent.Add(entry);
            return false;
        }
        if (include.MinKernel is { } atLeast)
        {
            if (kernel is { } k && k.CompareTo(atLeast) < 0)
            {
                return false;
            }
            KernelDependent.Add(entry);
        }
        return true;
    }

    /// <summary>Each syscall named by an applying entry, with what libseccomp makes of it on this host.</summary>
    public Dictionary<string, SyscallDecision> Decide(string hostArch, DiagnosticBag diagnostics)
    {
        var rules = new Dictionary<string, List<ConditionalEntry>>(StringComparer.Ordinal);
        foreach (var entry in document.Syscalls.Where(e => Applies(e, hostArch) && e.Action != document.DefaultAction))
        {
            var split = entry.Args.GroupBy(a => a.Index).Any(g => g.Count() > 1)
                ? entry.Args.Select(a => (IReadOnlyList<SeccompArgument>)[a]).ToList()
                : [entry.Args];
            foreach (var name in entry.Names.Distinct())
            {
                if (!rules.TryGetValue(name, out var list))
                {
                    rules[name] = list = [];
                }
                list.AddRange(split.Select(args => new ConditionalEntry(entry.Action, args, entry.Span)));
            }
        }
        var result = new Dictionary<string, SyscallDecision>(StringComparer.Ordinal);
        foreach (var (name, list) in rules)
        {
            if (list.FirstOrDefault(r => r.Args.Count == 0) is { } unconditional)
            {
                result[name] = new SyscallDecision(unconditional.Action, []);
                continue;
            }
            CheckOverlaps(name, list, diagnostics);
            result[name] = new SyscallDecision(null, list);
        }
        return result;
    }

    private static void CheckOverlaps(string name, List<ConditionalEntry> list, DiagnosticBag diagnostics)
    {
        var sets = new ValueSets();
        var algebra = new CubeAlgebra(sets, int.MaxValue);
        ArgumentCube Cube(ConditionalEntry e) => e.Args.Aggregate(ArgumentCube.Everything, (cube, a) =>
        {
            var (mask, op, value) = a.ToCompare();
            return cube.With(a.Index, sets.And(cube[a.Index], sets.Compare(mask, op, value)));
        });
        for (var i = 0; i < list.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (list[i].Action == list[j].Action)
                {
                    continue;
                }
                if (!algebra.Intersect(Cube(list[i]), Cube(list[j])).IsEmpty)
                {
                    diagnostics.Add(DiagnosticCatalog.ImportConflictingEntries(list[i].At, name, list[j].Action.ToString(), list[i].Action.ToString()));
                }
            }
        }
    }

    /// <summary>The host whose `includes`/`excludes` decide for an architecture: a 32-bit or x32 ABI listed next to
    /// its 64-bit one runs on that host (Docker's archMap adds x86 and x32 under amd64, arm under arm64).</summary>
    public static string HostArch(Arch arch, IReadOnlyCollection<Arch> listed) => arch switch
    {
        Arch.X86 or Arch.X32 when listed.Contains(Arch.X86_64) => SeccompNames.DockerArchName(Arch.X86_64),
        Arch.X32 => SeccompNames.DockerArchName(Arch.X86_64),
        Arch.Arm when listed.Contains(Arch.Aarch64) => SeccompNames.DockerArchName(Arch.Aarch64),
        _ => SeccompNames.DockerArchName(arch),
    };
}
