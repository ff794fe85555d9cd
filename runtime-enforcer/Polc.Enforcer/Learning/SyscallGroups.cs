using Polc.Compiler.Semantics;
using Polc.Compiler.Syntax;

namespace Polc.Enforcer.Learning;

/// <summary>The bundled syscall groups (profiles/syscall-groups.pol), expanded, in the order a learned policy
/// files syscalls under them: small, specific groups first, the catch-all ones last.</summary>
public static class SyscallGroups
{
    public static readonly IReadOnlyList<string> Order =
    [
        "@default", "@basic-io", "@file-system", "@io-event", "@signal", "@memory", "@process", "@network-io", "@ipc",
        "@timer", "@sync", "@resources", "@setuid", "@chown", "@aio", "@keyring", "@memlock", "@pkey", "@sandbox",
        "@clock", "@debug", "@module", "@mount", "@obsolete", "@raw-io", "@reboot", "@swap", "@cpu-emulation",
        "@privileged", "@system-service",
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<string>>> Library = new(Load);

    /// <summary>Members of a group, nested groups expanded.</summary>
    public static IReadOnlyList<string> Members(string group) => Library.Value.TryGetValue(group, out var members) ? members : [];

    /// <summary>The first group in <see cref="Order"/> that holds the syscall, or null.</summary>
    public static string? GroupOf(string syscall) => Order.FirstOrDefault(g => Members(g).Contains(syscall));

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Load()
    {
        var source = BundledProfiles.TryLoad(BundledProfiles.GroupLibraryName)
            ?? throw new InvalidOperationException("the bundled group library is missing from the build");
        var declarations = PolicyParser.Parse(source).File?.Groups.ToDictionary(g => g.Name.Text, g => g.Members.Select(m => m.Text).ToList())
            ?? throw new InvalidOperationException("the bundled group library does not parse");
        var expanded = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        IReadOnlyList<string> Expand(string name)
        {
            if (expanded.TryGetValue(name, out var done))
            {
                return done;
            }
            var members = new List<string>();
            foreach (var member in declarations.GetValueOrDefault(name) ?? [])
            {
                members.AddRange(member.StartsWith('@') ? Expand(member) : [member]);
            }
            return expanded[name] = members.Distinct().ToList();
        }
        foreach (var name in declarations.Keys)
        {
            Expand(name);
        }
        return expanded;
    }
}
