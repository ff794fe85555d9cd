using System.Text.RegularExpressions;
using Polc.Compiler.Semantics;
using Polc.Compiler.Syntax;

namespace Polc.Backends.DockerSeccomp.Import;

/// <summary>Sorts syscalls by purpose for an imported policy's layout, using the bundled syscall groups
/// (profiles/syscall-groups.pol) and their descriptions. The groups only shape the layout: imported rules
/// name every syscall, so the policy does not change when the group library is regenerated.</summary>
public sealed partial class SyscallCategories
{
    /// <summary>Most specific purposes first; a syscall goes to the first group listing it.</summary>
    private static readonly string[] Order =
    [
        "@default", "@basic-io", "@file-system", "@io-event", "@network-io", "@ipc", "@process", "@signal", "@timer",
        "@memory", "@sync", "@aio", "@chown", "@setuid", "@resources", "@keyring", "@memlock", "@pkey", "@sandbox",
        "@debug", "@mount", "@clock", "@raw-io", "@reboot", "@swap", "@module", "@cpu-emulation", "@obsolete",
        "@privileged", "@system-service",
    ];

    private readonly List<(string Group, string Description, HashSet<string> Members)> _groups = [];

    public static SyscallCategories Bundled { get; } = Load();

    /// <summary>The category of a syscall: its group and description, or null when no group lists it.</summary>
    public (string Group, string Description)? Of(string syscall) =>
        _groups.FirstOrDefault(g => g.Members.Contains(syscall)) is { Members: not null } found ? (found.Group, found.Description) : null;

    /// <summary>Categories in layout order (uncategorised last), for sorting.</summary>
    public int Rank(string syscall) => _groups.FindIndex(g => g.Members.Contains(syscall)) is var i and >= 0 ? i : int.MaxValue;

    private static SyscallCategories Load()
    {
        var result = new SyscallCategories();
        if (BundledProfiles.TryLoad(BundledProfiles.GroupLibraryName) is not { } source || PolicyParser.Parse(source).File is not { } file)
        {
            return result;
        }
        var descriptions = Description().Matches(source.Text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim(), StringComparer.Ordinal);
        var declarations = file.Groups.ToDictionary(g => g.Name.Text, StringComparer.Ordinal);
        HashSet<string> Expand(string group, HashSet<string> seen)
        {
            var members = new HashSet<string>(StringComparer.Ordinal);
            if (!seen.Add(group) || !declarations.TryGetValue(group, out var declaration))
            {
                return members;
            }
            foreach (var member in declaration.Members)
            {
                members.UnionWith(member.Text.StartsWith('@') ? Expand(member.Text, seen) : [member.Text]);
            }
            return members;
        }
        foreach (var group in Order.Where(declarations.ContainsKey))
        {
            result._groups.Add((group, descriptions.GetValueOrDefault(group, group), Expand(group, [])));
        }
        return result;
    }

    [GeneratedRegex(@"^# (@[A-Za-z0-9_.-]+): (.*?)(?:  \(.*\))?$", RegexOptions.Multiline)]
    private static partial Regex Description();
}
