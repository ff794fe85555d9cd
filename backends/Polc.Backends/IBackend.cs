using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Backends;

/// <summary>One compilation target. A backend reads only the IR, is deterministic (same IR, same bytes),
/// and reports what it cannot express as a diagnostic with a code.</summary>
public interface IBackend
{
    /// <summary>The name used with `--target`, e.g. `seccomp`.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>Whether a plain `polc compile` runs it.</summary>
    bool DefaultOn { get; }

    BackendOutput Emit(PolicyIr policy, BackendOptions options);

    /// <summary>What this backend does with each kind of IR fact; checked by a test against its real output.</summary>
    IrSupport Supports(IrFeature feature);
}

/// <summary>A file to write, named relative to the output directory.</summary>
public sealed record Artifact(string FileName, byte[] Content)
{
    public static Artifact Text(string fileName, string content) => new(fileName, new System.Text.UTF8Encoding(false).GetBytes(content));
}

public sealed record BackendOutput(IReadOnlyList<Artifact> Artifacts, IReadOnlyList<Diagnostic> Diagnostics)
{
    public static BackendOutput Of(params Artifact[] artifacts) => new(artifacts, []);
}

/// <summary>Knobs shared by backends; each backend ignores what it does not use.</summary>
/// <param name="FrequencyFile">a syscall frequency table (name, share) to weight the seccomp search tree, or null for the bundled one.</param>
public sealed record BackendOptions(string? FrequencyFile = null)
{
    public static BackendOptions Default { get; } = new();
}
