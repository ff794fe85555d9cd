using System.Text;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Formatting;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Backends.DockerSeccomp.Import;

/// <param name="PolicyName">the imported policy's name (see <see cref="DockerProfileImporter.PolicyNameFor"/>).</param>
/// <param name="Capabilities">the container's capabilities, for `includes`/`excludes` on `caps`.</param>
/// <param name="CapabilitiesLabel">how the header comment names that set (e.g. "Docker's 14 default capabilities").</param>
/// <param name="Architectures">the policy's `arch`, and the hosts `includes`/`excludes` on `arches` are resolved for.</param>
/// <param name="Kernel">the kernel `minKernel` is compared with; null assumes one newer than any the profile names.</param>
public sealed record ImportOptions(
    string PolicyName,
    IReadOnlyList<Capability> Capabilities,
    string CapabilitiesLabel,
    IReadOnlyList<Arch> Architectures,
    (int Major, int Minor)? Kernel)
{
    /// <summary>Docker's default bounding set (moby `oci/caps/defaults.go`), also Podman's.</summary>
    public static IReadOnlyList<string> DockerDefaultCapabilities { get; } =
    [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP",
        "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ];
}

/// <summary>
/// `polc import`: a Docker/Podman/OCI seccomp profile as a readable policy with the same meaning on the chosen
/// architectures and capabilities. The profile is read as it is applied (see <see cref="ProfileResolver"/>);
/// the policy lists each syscall by name, grouped by purpose with the groups' descriptions as comments.
/// </summary>
public static class DockerProfileImporter
{
    private const int Width = 100;

    public sealed record Result(string? Text, IReadOnlyList<Diagnostic> Diagnostics)
    {
        public bool HasErrors => Diagnostics.Any(d => d.IsError);
    }

    /// <summary>The policy name for an input file (spec §4): its name without `.json` and `.seccomp`, made an identifier.</summary>
    public static string PolicyNameFor(string path)
    {
        var name = Path.GetFileName(path);
        foreach (var suffix in new[] { ".json", ".seccomp", ".profile" })
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && name.Length > suffix.Length)
            {
                name = name[..^suffix.Length];
            }
        }
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-').ToArray();
        name = new string(chars);
        return name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') ? name : "imported-" + name;
    }

    public static Result Import(SourceText json, ImportOptions options)
    {
        var (document, parseDiagnostics) = DockerProfileDocument.Parse(json);
        var diagnostics = new DiagnosticBag();
        diagnostics.AddRange(parseDiagnostics);
        if (document is null || diagnostics.HasErrors)
        {
            return new Result(null, diagnostics.Sorted());
        }
        var capabilities = options.Capabilities.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var resolver = new ProfileResolver(document, capabilities, options.Kernel);
        var arches = options.Architectures;
        var hosts = arches.GroupBy(a => ProfileResolver.HostArch(a, arches)).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var decisions = hosts.Keys.ToDictionary(h => h, h => resolver.Decide(h, diagnostics), StringComparer.Ordinal);

        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        var elsewhere = new SortedSet<string>(StringComparer.Ordinal);
        var chosen = new SortedDictionary<string, SyscallDecision>(StringComparer.Ordinal);
        foreach (var name in decisions.Values.SelectMany(d => d.Keys).Distinct())
        {
            if (!SyscallTable.IsKnown(name))
            {
                unknown.Add(name);
                continue;
            }
            var relevant = hosts.Where(h => h.Value.Any(a => SyscallTable.Exists(a, name))).Select(h => h.Key).ToList();
            if (relevant.Count == 0)
            {
                elsewhere.Add(name);
                continue;
            }
            var outcomes = relevant.Select(h => decisions[h].GetValueOrDefault(name)).ToList();
            if (outcomes.Select(o => o?.Key ?? "").Distinct().Count() > 1)
            {
                var at = document.Syscalls.FirstOrDefault(e => e.Names.Contains(name) && (e.Includes.Arches.Count + e.Excludes.Arches.Count) > 0)?.Span
                    ?? document.Syscalls.First(e => e.Names.Contains(name)).Span;
                var included = relevant.Where(h => decisions[h].ContainsKey(name)).SelectMany(h => hosts[h]).Select(a => $"`{a.Name()}`");
                var others = relevant.SelectMany(h => hosts[h]).Where(a => SyscallTable.Exists(a, name)).Select(a => $"`{a.Name()}`");
                diagnostics.Add(DiagnosticCatalog.ImportArchitectureSplit(at, name, string.Join(", ", included.DefaultIfEmpty("no architecture")), string.Join(", ", others)));
                continue;
            }
            if (outcomes[0] is { } decision)
            {
                chosen[name] = decision;
            }
        }
        if (unknown.Count > 0)
        {
            var at = document.Syscalls.First(e => e.Names.Any(unknown.Contains)).Span;
            diagnostics.Add(DiagnosticCatalog.ImportUnknownSyscalls(at, string.Join(", ", unknown.Select(n => $"`{n}`"))));
        }
        if (diagnostics.HasErrors)
        {
            return new Result(null, diagnostics.Sorted());
        }

        var text = Write(json.Path, document, options, chosen, unknown, elsewhere, resolver.KernelDependent);
        var formatted = PolicyFormatter.Format(new SourceText(options.PolicyName + ".pol", text));
        if (formatted.Text is null)
        {
            throw new InvalidOperationException("polc import wrote a policy that does not parse:\n" + string.Join("\n", formatted.Diagnostics) + "\n" + text);
        }
        return new Result(formatted.Text, diagnostics.Sorted());
    }

    private static string Write(string sourcePath, DockerProfileDocument document, ImportOptions options, SortedDictionary<string, SyscallDecision> chosen,
        SortedSet<string> unknown, SortedSet<string> elsewhere, HashSet<DockerProfileEntry> kernelDependent)
    {
        var w = new StringBuilder();
        var file = Path.GetFileName(sourcePath);
        w.Append($"# Imported by `polc import` from {file}, with the meaning Docker/Podman, runc and\n");
        w.Append($"# libseccomp give it, resolved for {options.CapabilitiesLabel} and for {Join(options.Architectures.Select(a => a.Name()))}.\n");
        w.Append("# Entries a profile gives the default action are left out (runc skips them); where libseccomp\n");
        w.Append("# keeps a syscall's first unconditional entry and drops its conditional ones, so does this policy.\n");
        var kernelNames = kernelDependent.SelectMany(e => e.Names.Select(n => (Name: n, Entry: e))).Where(x => chosen.ContainsKey(x.Name) || x.Entry.Excludes.MinKernel is not null).ToList();
        if (kernelNames.Count > 0)
        {
            var versions = string.Join(", ", kernelDependent.Select(e => e.Includes.MinKernel ?? e.Excludes.MinKernel).Distinct().Select(k => $"{k!.Value.Major}.{k.Value.Minor}"));
            var assumed = options.Kernel is { } k ? $"Linux {k.Major}.{k.Minor} (--kernel)" : "a kernel at least that new (no --kernel given)";
            Wrapped(w, $"# `minKernel` {versions}: resolved for {assumed}; it decides ", kernelNames.Select(x => x.Name).Distinct().Order(StringComparer.Ordinal), ".");
        }
        if (unknown.Count > 0)
        {
            Wrapped(w, "# Left out, unknown to polc's syscall tables: ", unknown, "");
        }
        if (elsewhere.Count > 0)
        {
            Wrapped(w, $"# Left out, on none of {Join(options.Architectures.Select(a => a.Name()))}: ", elsewhere, "");
        }
        // Names only some of the listed architectures have go to a group per set of architectures, so the rules read
        // the same everywhere and `polc check` has nothing to warn about.
        var arches = options.Architectures;
        string? OnlyOn(string name) => arches.All(a => SyscallTable.Exists(a, name))
            ? null
            : "@on-" + string.Join("-", arches.Where(a => SyscallTable.Exists(a, name)).Select(a => a.Name()));
        var unconditional = chosen.Where(c => c.Value.Unconditional is not null).GroupBy(c => c.Value.Unconditional!).ToList();
        var groups = unconditional.SelectMany(g => g.Select(c => (Action: g.Key, Name: c.Key, Group: OnlyOn(c.Key))))
            .Where(x => x.Group is not null)
            .GroupBy(x => (x.Group!, x.Action))
            .ToList();
        foreach (var group in groups)
        {
            var name = groups.Count(g => g.Key.Item1 == group.Key.Item1) > 1 ? $"{group.Key.Item1}-{Slug(group.Key.Action)}" : group.Key.Item1;
            var on = group.Key.Item1["@on-".Length..].Replace('-', ' ');
            var missing = arches.Where(a => !group.All(x => SyscallTable.Exists(a, x.Name)) && group.Any(x => !SyscallTable.Exists(a, x.Name))).Select(a => a.Name());
            var what = group.Key.Action.Kind == SeccompActionKind.Allow ? "Allowed" : Explain(group.Key.Action, document.DefaultAction) + ":";
            w.Append('\n');
            Prose(w, $"{what} calls only {on} has{(missing.Any() ? $" ({Join(missing)} has newer or generic forms of them)" : "")}.");
            Wrapped(w, $"group {name} = ", group.Select(x => x.Name), "");
        }
        w.Append($"\npolicy {options.PolicyName} {{\n");
        w.Append("    syscalls {\n");
        w.Append($"        default {document.DefaultAction}\n");
        w.Append($"        arch {string.Join(", ", options.Architectures.Select(a => a.Name()))}\n");

        var categories = SyscallCategories.Bundled;
        foreach (var allowed in unconditional.Where(g => g.Key.Kind == SeccompActionKind.Allow))
        {
            foreach (var category in allowed.Where(c => OnlyOn(c.Key) is null).GroupBy(c => categories.Of(c.Key)).OrderBy(g => categories.Rank(g.First().Key)))
            {
                var comment = category.Key is { } known ? $"{known.Group}: {known.Description}" : "other syscalls";
                w.Append('\n');
                Wrapped(w, $"        # {comment}\n        allow ", category.Select(c => c.Key), "");
            }
        }
        foreach (var other in unconditional.Where(g => g.Key.Kind != SeccompActionKind.Allow).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            if (other.Any(c => OnlyOn(c.Key) is null))
            {
                w.Append('\n');
                Wrapped(w, $"        # {Explain(other.Key, document.DefaultAction)}\n        {other.Key} ", other.Where(c => OnlyOn(c.Key) is null).Select(c => c.Key), "");
            }
        }
        foreach (var group in groups)
        {
            var name = groups.Count(g => g.Key.Item1 == group.Key.Item1) > 1 ? $"{group.Key.Item1}-{Slug(group.Key.Action)}" : group.Key.Item1;
            w.Append($"\n        # Calls only {group.Key.Item1["@on-".Length..].Replace('-', ' ')} has (the group above)\n        {group.Key.Action} {name}\n");
        }
        var conditional = chosen.Where(c => c.Value.Unconditional is null)
            .SelectMany(c => c.Value.Conditional.GroupBy(e => e.Action).Select(g => (Name: c.Key, g.Key, Condition: Condition(c.Key, g.ToList()), Entries: g.ToList())))
            .GroupBy(r => (r.Key, r.Condition))
            .OrderBy(g => categories.Rank(g.First().Name))
            .ThenBy(g => g.First().Name, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Key.Kind == SeccompActionKind.Allow ? 1 : 0);
        var first = true;
        foreach (var rule in conditional)
        {
            if (first)
            {
                w.Append("\n        # Allowed or refused by argument\n");
                first = false;
            }
            foreach (var note in rule.SelectMany(r => r.Entries).Select(e => document.Syscalls.First(d => d.Span == e.At).Comment).Where(c => !string.IsNullOrWhiteSpace(c)).Distinct())
            {
                w.Append($"        # {note}\n");
            }
            w.Append($"        {rule.Key.Key} {string.Join(", ", rule.Select(r => r.Name))} if {rule.Key.Condition}\n");
        }
        w.Append("    }\n");
        if (options.Capabilities.Count > 0)
        {
            w.Append("\n    # The capabilities the profile's `includes`/`excludes` were resolved for.\n");
            w.Append("    capabilities {\n");
            Wrapped(w, "        allow ", options.Capabilities.Select(c => c.ShortName), "");
            w.Append("    }\n");
        }
        w.Append("}\n");
        return w.ToString();
    }

    private static string Slug(SeccompAction action) => action.ToString().Replace(' ', '-').ToLowerInvariant();

    private static string Explain(SeccompAction action, SeccompAction fallback) => action.Kind switch
    {
        SeccompActionKind.Errno when fallback.Kind == SeccompActionKind.Errno => $"Refused with {ErrnoTable.NameOf((int)action.Value)} rather than the default {ErrnoTable.NameOf((int)fallback.Value)}",
        SeccompActionKind.Errno => $"Refused with {ErrnoTable.NameOf((int)action.Value)}",
        SeccompActionKind.KillProcess => "Kill the process",
        SeccompActionKind.KillThread => "Kill the calling thread",
        SeccompActionKind.Trap => "Send SIGSYS",
        SeccompActionKind.Trace => $"Notify a tracer ({action.Value})",
        SeccompActionKind.Notify => "Ask the user-space agent",
        SeccompActionKind.Log => "Allow and log",
        _ => action.ToString(),
    };

    /// <summary>One action's entries for a syscall as a condition: a value list when all compare one argument
    /// for equality or its opposite, else the entries' conjunctions joined by `||`.</summary>
    private static string Condition(string syscall, List<ConditionalEntry> entries)
    {
        if (entries.All(e => e.Args.Count == 1) && entries.Select(e => e.Args[0].Index).Distinct().Count() == 1)
        {
            var index = entries[0].Args[0].Index;
            var sets = new ValueSets();
            var union = entries.Aggregate(ValueSets.Empty, (u, e) =>
            {
                var (mask, op, value) = e.Args[0].ToCompare();
                return sets.Or(u, sets.Compare(mask, op, value));
            });
            if (Points(sets, union) is { } values)
            {
                return $"arg{index} in [{string.Join(", ", values.Select(v => ValueNames.Render(syscall, index, v)))}]";
            }
            if (Points(sets, sets.Not(union)) is { } excluded)
            {
                return $"arg{index} not in [{string.Join(", ", excluded.Select(v => ValueNames.Render(syscall, index, v)))}]";
            }
        }
        var terms = entries.Select(e => string.Join(" && ", e.Args.OrderBy(a => a.Index).Select(a => Comparison(syscall, a)))).ToList();
        return terms.Count == 1 ? terms[0] : string.Join(" || ", terms.Select(t => t.Contains("&&", StringComparison.Ordinal) ? $"({t})" : t));
    }

    /// <summary>The set's values when it holds at most eight, else null.</summary>
    private static List<ulong>? Points(ValueSets sets, int set)
    {
        var intervals = sets.Intervals(set, 8);
        return intervals is not null && intervals.All(i => i.Low == i.High) && intervals.Count > 0 ? intervals.Select(i => i.Low).ToList() : null;
    }

    private static string Comparison(string syscall, SeccompArgument a)
    {
        var (mask, op, value) = a.ToCompare();
        var left = mask == CompareConditionIr.NoMask ? $"arg{a.Index}" : $"arg{a.Index} & {Parenthesised(ValueNames.Render(syscall, a.Index, mask))}";
        return $"{left} {op.Symbol()} {ValueNames.Render(syscall, a.Index, value)}";
    }

    private static string Parenthesised(string value) => value.Contains('|', StringComparison.Ordinal) ? $"({value})" : value;

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1];
    }

    /// <summary>A comment of words, broken before <see cref="Width"/> columns.</summary>
    private static void Prose(StringBuilder w, string text)
    {
        var line = new StringBuilder("#");
        foreach (var word in text.Split(' '))
        {
            if (line.Length + 1 + word.Length > Width)
            {
                w.Append(line).Append('\n');
                line.Clear().Append('#');
            }
            line.Append(' ').Append(word);
        }
        w.Append(line).Append('\n');
    }

    /// <summary>`head item, item, ...` broken after commas before <see cref="Width"/> columns.</summary>
    private static void Wrapped(StringBuilder w, string head, IEnumerable<string> items, string tail)
    {
        var lastLine = head[(head.LastIndexOf('\n') + 1)..];
        var indent = head.StartsWith('#') ? "# " : new string(' ', lastLine.Length - lastLine.TrimStart().Length + 4);
        var column = lastLine.Length;
        w.Append(head);
        var list = items.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i] + (i < list.Count - 1 ? "," : tail);
            if (i > 0 && column + 1 + item.Length > Width)
            {
                w.Append('\n').Append(indent);
                column = indent.Length;
            }
            else if (i > 0)
            {
                w.Append(' ');
                column++;
            }
            w.Append(item);
            column += item.Length;
        }
        w.Append('\n');
    }

    /// <summary>`docker-default`, `none`, `all`, or a comma-separated list (CAP_ optional); null with an error message.</summary>
    public static (IReadOnlyList<Capability>? Capabilities, string Label, string? Error) ParseCapabilities(string text)
    {
        switch (text.Trim())
        {
            case "docker-default":
                return ([.. ImportOptions.DockerDefaultCapabilities.Select(c => CapabilityTable.TryParse(c, out var cap) ? cap : throw new InvalidOperationException(c)).Order()],
                    "Docker's 14 default capabilities", null);
            case "none" or "":
                return ([], "no capabilities", null);
            case "all":
                return ([.. CapabilityTable.All], "every capability", null);
        }
        var result = new SortedSet<Capability>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!CapabilityTable.TryParse(name, out var capability))
            {
                var suggestion = SpellChecker.Suggest(name.ToUpperInvariant().Replace("CAP_", "", StringComparison.Ordinal), CapabilityTable.ShortNames);
                return (null, "", $"unknown capability `{name}`" + (suggestion is null ? "" : $"; did you mean `{suggestion}`?"));
            }
            result.Add(capability);
        }
        return ([.. result], "the capabilities " + string.Join(", ", result.Select(c => c.ShortName)), null);
    }

    /// <summary>A comma-separated architecture list in polc's or Docker's names; null with an error message.</summary>
    public static (IReadOnlyList<Arch>? Architectures, string? Error) ParseArchitectures(string text)
    {
        var result = new List<Arch>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if ((ArchInfo.TryParse(name, out var arch) ? arch : SeccompNames.ParseDockerArchName(name)) is not { } parsed)
            {
                var suggestion = SpellChecker.Suggest(name, ArchInfo.Names);
                return (null, $"unknown architecture `{name}`" + (suggestion is null ? "" : $"; did you mean `{suggestion}`?"));
            }
            if (!result.Contains(parsed))
            {
                result.Add(parsed);
            }
        }
        return result.Count == 0 ? (null, "`--arch` names no architecture") : (result, null);
    }

    /// <summary>`MAJOR.MINOR`; null with an error message.</summary>
    public static ((int, int)? Kernel, string? Error) ParseKernel(string? text) =>
        text is null ? (null, null)
        : DockerProfileDocument.ParseKernel(text) is { } version ? (version, null)
        : (null, $"`{text}` is not a kernel version; write MAJOR.MINOR, e.g. `5.15`");
}
