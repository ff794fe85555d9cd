using System.Collections.Immutable;
using Polc.Compiler.Text;

namespace Polc.Compiler.Ir;

public sealed record IsolationPolicyIr(
    ImmutableArray<Setting<NamespaceKind>> Namespaces,
    Setting<string>? Hostname,
    Setting<uint>? User,
    Setting<uint>? Group,
    ImmutableArray<IdMapIr> UidMaps,
    ImmutableArray<IdMapIr> GidMaps,
    Setting<bool> NoNewPrivileges)
{
    public bool Has(NamespaceKind kind) => Namespaces.Any(n => n.Value == kind);
}

public enum NamespaceKind
{
    Pid,
    Net,
    Mount,
    Ipc,
    Uts,
    Cgroup,
    User,
    Time,
}

/// <summary>`map-users INSIDE -> OUTSIDE count N`.</summary>
public sealed record IdMapIr(uint Inside, uint Outside, uint Count, SourceSpan Span);
