namespace Polc.Tests.Support;

/// <summary>
/// Golden files for review. `POLC_UPDATE_BASELINES=1 dotnet test` rewrites them; otherwise a
/// mismatch fails with a unified-style diff of the first differing lines.
/// </summary>
public static class Baseline
{
    public static bool Updating => Environment.GetEnvironmentVariable("POLC_UPDATE_BASELINES") == "1";

    /// <param name="path">the golden file, absolute or relative to the repository root.</param>
    public static void Verify(string path, string actual)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(RepoPaths.Root, path);
        actual = actual.Replace("\r\n", "\n");
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (!File.Exists(full) || File.ReadAllText(full) != actual)
            {
                File.WriteAllText(full, actual);
            }
            return;
        }
        if (!File.Exists(full))
        {
            Assert.Fail($"baseline {path} does not exist; run `POLC_UPDATE_BASELINES=1 dotnet test` and review the new file");
        }
        var expected = File.ReadAllText(full).Replace("\r\n", "\n");
        if (expected != actual)
        {
            Assert.Fail($"baseline {path} differs (refresh with POLC_UPDATE_BASELINES=1 after review):\n{Diff(expected, actual)}");
        }
    }

    public static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lines = new List<string>();
        var max = Math.Max(a.Length, b.Length);
        for (var i = 0; i < max && lines.Count < 40; i++)
        {
            var left = i < a.Length ? a[i] : null;
            var right = i < b.Length ? b[i] : null;
            if (left == right)
            {
                continue;
            }
            if (left is not null)
            {
                lines.Add($"@{i + 1} - {left}");
            }
            if (right is not null)
            {
                lines.Add($"@{i + 1} + {right}");
            }
        }
        return string.Join('\n', lines);
    }
}
