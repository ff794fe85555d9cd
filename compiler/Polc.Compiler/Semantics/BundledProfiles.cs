using System.Reflection;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

/// <summary>The policies shipped in `profiles/`, embedded in the compiler so `extends docker-default` works anywhere.</summary>
public static class BundledProfiles
{
    private const string Prefix = "profiles/";
    private static readonly Assembly Assembly = typeof(BundledProfiles).Assembly;

    /// <summary>Names usable after `extends` (file names without `.pol`), excluding the group library.</summary>
    public static IReadOnlyList<string> Names { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".pol", StringComparison.Ordinal) && !n.Contains("/examples/", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^4])
        .Where(n => n != GroupLibraryName && !n.Contains('/'))
        .Order(StringComparer.Ordinal)
        .ToArray();

    public const string GroupLibraryName = "syscall-groups";

    public static SourceText? TryLoad(string name)
    {
        using var stream = Assembly.GetManifestResourceStream(Prefix + name + ".pol");
        if (stream is null)
        {
            return null;
        }
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return SourceText.FromBytes(Prefix + name + ".pol", memory.ToArray());
    }
}
