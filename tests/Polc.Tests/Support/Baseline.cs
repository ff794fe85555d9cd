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

    /// <summary>A line diff (longest common subsequence), at most 40 lines of it.</summary>
    public static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var lines = new List<string>();
        int x = 0, y = 0;
        while ((x < a.Length || y < b.Length) && lines.Count < 40)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                lines.Add($"@{y + 1} + {b[y++]}");
            }
            else
            {
                lines.Add($"@{x + 1} - {a[x++]}");
            }
        }
        return string.Join('\n', lines);
    }
}
