using System.Collections.Immutable;

namespace Polc.Compiler.Analysis.Review;

/// <summary>What a change does to the program's freedom: more (widens), less (narrows), or neither.</summary>
public enum ChangeClass
{
    Widens,
    Narrows,
    Neutral,
}

/// <summary>The parts of a policy a change belongs to, in the order reports list them.</summary>
public enum ReviewArea
{
    Syscalls,
    Capabilities,
    Filesystem,
    Network,
    Resources,
    Isolation,
    Labels,
}

/// <summary>
/// One semantic difference between two policies.
/// </summary>
/// <param name="Subject">what changed: a syscall, capability, path, limit, namespace... (no backticks).</param>
/// <param name="Message">the change for people, with names in backticks, without the architectures.</param>
/// <param name="Before">the old value or action, when the change has one.</param>
/// <param name="When">for syscalls: the argument values the change applies to, in policy syntax; null = every call.</param>
/// <param name="Arches">for syscalls: the architectures where it applies.</param>
public sealed record PolicyChange(
    ReviewArea Area,
    string Subject,
    ChangeClass Class,
    RiskLevel Risk,
    string Message,
    string? Before = null,
    string? After = null,
    string? When = null)
{
    public ImmutableArray<string> Arches { get; init; } = [];
}

/// <summary>Every change between two policies, sorted by area, then risk (highest first), then subject.</summary>
public sealed record PolicyDiffResult(string OldName, string NewName, ImmutableArray<PolicyChange> Changes)
{
    public bool HasChanges => Changes.Length > 0;

    public int Count(ChangeClass changeClass) => Changes.Count(c => c.Class == changeClass);

    public int Count(RiskLevel risk) => Changes.Count(c => c.Risk == risk);
}

public static class ReviewNames
{
    public static string Name(this ChangeClass changeClass) => changeClass switch
    {
        ChangeClass.Widens => "widens",
        ChangeClass.Narrows => "narrows",
        _ => "neutral",
    };

    public static string Name(this RiskLevel risk) => risk.ToString().ToLowerInvariant();

    public static string Name(this ReviewArea area) => area.ToString().ToLowerInvariant();
}
