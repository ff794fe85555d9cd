using System.Globalization;
using System.Text;
using Polc.Compiler.Semantics;

namespace Polc.Tests.RuntimeConfig;

/// <summary>
/// Random policy text exercising capabilities, filesystem mounts, resources and isolation, from a seed
/// (a failing case names its seed). <see cref="Limits"/> keeps values inside what the host can apply.
/// </summary>
public sealed class RandomRuntimePolicy(int seed)
{
    public sealed record Limits(int Cpus = 2, string? Device = "/dev/loop0", ulong RlimitCeiling = 4096, IReadOnlyList<Capability>? Capabilities = null, bool Binds = true,
        IReadOnlyList<string>? RlimitNames = null);

    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>Seeds 1..<paramref name="perKind"/> of each generator: runtime settings, LSM rules (paths, sockets,
    /// capabilities) and syscall rules, for backends that read every section.</summary>
    public static IEnumerable<string> OfEveryKind(int perKind) =>
        Enumerable.Range(1, perKind).Select(seed => new RandomRuntimePolicy(seed).Generate())
            .Concat(Enumerable.Range(1, perKind).Select(seed => new Support.RandomLsmPolicy(seed).Source()))
            .Concat(Enumerable.Range(1, perKind).Select(seed => new Support.RandomPolicy(seed).Generate()));

    public string Generate(Limits? limits = null)
    {
        limits ??= new Limits();
        var text = new StringBuilder($"policy random{Seed} {{\n");
        Capabilities(text, limits.Capabilities ?? CapabilityTable.All);
        Filesystem(text, limits.Binds);
        Resources(text, limits);
        Isolation(text);
        return text.Append("}\n").ToString();
    }

    private bool Coin(double probability = 0.5) => _random.NextDouble() < probability;

    private void Capabilities(StringBuilder text, IReadOnlyList<Capability> pool)
    {
        var allowed = pool.Where(_ => Coin(0.3)).ToList();
        if (allowed.Count == 0)
        {
            return;
        }
        text.Append("  capabilities {\n    allow ").AppendJoin(", ", allowed.Select(c => c.ShortName)).Append('\n');
        var ambient = allowed.Where(_ => Coin(0.4)).ToList();
        if (ambient.Count > 0)
        {
            text.Append("    ambient ").AppendJoin(", ", ambient.Select(c => c.ShortName)).Append('\n');
        }
        text.Append("  }\n");
    }

    private void Filesystem(StringBuilder text, bool binds)
    {
        text.Append("  filesystem {\n");
        if (Coin())
        {
            text.Append("    readonly root\n");
        }
        for (var i = _random.Next(3); i > 0; i--)
        {
            text.Append($"    tmpfs \"/scratch{i}\"");
            if (Coin())
            {
                text.Append($" size {_random.Next(1, 64)}MiB");
            }
            if (Coin())
            {
                text.Append(" mode 0o").Append(Convert.ToString(_random.Next(0, 1024) | 448 /* 0o700 */, 8));
            }
            foreach (var flag in new[] { "noexec", "nosuid", "nodev" })
            {
                if (Coin(0.3))
                {
                    text.Append(' ').Append(flag);
                }
            }
            text.Append('\n');
        }
        for (var i = binds ? _random.Next(3) : 0; i > 0; i--)
        {
            text.Append($"    bind \"/srv/data {i}\" to \"/data,{i}:x\"{(Coin() ? " readonly" : "")}\n");
        }
        text.Append("  }\n");
    }

    private void Resources(StringBuilder text, Limits limits)
    {
        text.Append("  resources {\n");
        var memoryMiB = _random.Next(16, 1024);
        if (Coin(0.7))
        {
            text.Append($"    memory {memoryMiB}MiB\n");
            if (Coin())
            {
                text.Append($"    memory-swap {_random.Next(0, 512)}MiB\n");
            }
        }
        if (Coin())
        {
            text.Append($"    memory-reservation {_random.Next(1, memoryMiB)}MiB\n");
        }
        if (Coin())
        {
            text.Append("    cpu ").Append((_random.Next(1, 400) / 100m).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        if (Coin())
        {
            text.Append($"    cpu-weight {_random.Next(1, 10_001)}\n");
        }
        if (Coin())
        {
            var first = _random.Next(limits.Cpus);
            var last = _random.Next(first, limits.Cpus);
            text.Append(first == last ? $"    cpuset \"{first}\"\n" : $"    cpuset \"{first}-{last}\"\n");
        }
        if (Coin())
        {
            text.Append($"    pids {_random.Next(32, 100_000)}\n");
        }
        if (Coin())
        {
            text.Append($"    io-weight {_random.Next(1, 10_001)}\n");
        }
        if (limits.Device is { } device && Coin())
        {
            text.Append($"    io \"{device}\"");
            var any = false;
            foreach (var (key, rate) in new[] { ("read", true), ("write", true), ("read-iops", false), ("write-iops", false) })
            {
                if (Coin() || (!any && key == "write-iops"))
                {
                    any = true;
                    text.Append(' ').Append(key).Append(' ').Append(rate ? $"{_random.Next(1, 500)}MiB/s" : $"{_random.Next(1, 100_000)}");
                }
            }
            text.Append('\n');
        }
        foreach (var name in limits.RlimitNames ?? ["nofile", "nproc", "core", "stack", "memlock"])
        {
            if (Coin(0.3))
            {
                var hard = (ulong)_random.NextInt64(64, (long)limits.RlimitCeiling + 1);
                var soft = (ulong)_random.NextInt64((long)hard / 2, (long)hard + 1);
                text.Append($"    rlimit {name} {soft} {hard}\n");
            }
        }
        text.Append("  }\n");
    }

    private void Isolation(StringBuilder text)
    {
        text.Append("  isolation {\n");
        if (Coin())
        {
            text.Append($"    hostname \"host-{_random.Next(1000)}\"\n");
        }
        if (Coin())
        {
            text.Append($"    user {(Coin() ? 0 : _random.Next(1, 65_535))}");
            if (Coin())
            {
                text.Append($" group {_random.Next(0, 65_535)}");
            }
            text.Append('\n');
        }
        if (Coin(0.2))
        {
            text.Append("    allow-new-privileges\n");
        }
        text.Append("  }\n");
    }
}
