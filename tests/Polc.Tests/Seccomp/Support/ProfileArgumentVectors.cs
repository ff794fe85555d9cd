using System.Text.Json;

namespace Polc.Tests.Seccomp.Support;

/// <summary>Argument vectors that probe every comparison of a Docker/OCI seccomp profile: each value, its
/// neighbours and its other-half variants in every argument position, plus zeros and all-ones.</summary>
public static class ProfileArgumentVectors
{
    public static List<ulong[]> From(string profilePath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(profilePath));
        var values = document.RootElement.GetProperty("syscalls").EnumerateArray()
            .SelectMany(entry => entry.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array
                ? args.EnumerateArray().Select(a => (a.GetProperty("value").GetUInt64(), a.TryGetProperty("valueTwo", out var two) ? two.GetUInt64() : 0)).ToList()
                : [])
            .SelectMany(a => new[] { a.Item1, a.Item2, a.Item1 & ~a.Item2 })
            .SelectMany(v => new[] { v, v - 1, v + 1, v | 0x1_0000_0000, v ^ 0xffff_ffff_0000_0000 })
            .Append(0UL).Append(ulong.MaxValue).Distinct().ToList();
        var vectors = new List<ulong[]> { new ulong[6] };
        foreach (var value in values)
        {
            for (var arg = 0; arg < 3; arg++)
            {
                var vector = new ulong[6];
                vector[arg] = value;
                vectors.Add(vector);
            }
        }
        return vectors;
    }
}
