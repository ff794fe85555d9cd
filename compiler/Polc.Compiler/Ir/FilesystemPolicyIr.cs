using System.Collections.Immutable;
using Polc.Compiler.Text;

namespace Polc.Compiler.Ir;

public sealed record FilesystemPolicyIr(
    Setting<string>? Root,
    Setting<bool>? ReadOnlyRoot,
    ImmutableArray<PathRuleIr> Rules,
    ImmutableArray<TmpfsMountIr> Tmpfs,
    ImmutableArray<BindMountIr> Binds,
    ImmutableArray<Setting<string>> Masks)
{
    public bool IsReadOnlyRoot => ReadOnlyRoot?.Value ?? false;
}

public enum PathAccess
{
    Read,
    Write,
    Exec,
    Deny,
}

/// <summary>`read|write|exec|deny PATTERN`. Write implies read; exec implies read and mmap; deny wins.</summary>
public sealed record PathRuleIr(PathAccess Access, string Pattern, SourceSpan Span, string Origin);

/// <param name="Options">mount flags such as `noexec`, `nosuid`, `nodev`, in source order.</param>
public sealed record TmpfsMountIr(string Path, ulong? SizeBytes, uint? Mode, ImmutableArray<string> Options, SourceSpan Span);

public sealed record BindMountIr(string Source, string Target, bool ReadOnly, SourceSpan Span);
