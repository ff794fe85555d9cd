namespace Polc.Backends.Cgroups;

/// <summary>setrlimit(2) resource numbers. These are the asm-generic values, used by x86_64, x86, aarch64, arm,
/// riscv64, ppc64le and s390x alike (only alpha, mips and sparc differ, and polc compiles for none of them).</summary>
public static class RlimitTable
{
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["cpu"] = 0,
        ["fsize"] = 1,
        ["data"] = 2,
        ["stack"] = 3,
        ["core"] = 4,
        ["rss"] = 5,
        ["nproc"] = 6,
        ["nofile"] = 7,
        ["memlock"] = 8,
        ["as"] = 9,
        ["locks"] = 10,
        ["sigpending"] = 11,
        ["msgqueue"] = 12,
        ["nice"] = 13,
        ["rtprio"] = 14,
        ["rttime"] = 15,
    };

    /// <param name="name">lowercase, without `RLIMIT_`, as the IR keeps it.</param>
    public static int Number(string name) => Numbers.TryGetValue(name, out var number)
        ? number
        : throw new ArgumentOutOfRangeException(nameof(name), name, "not an rlimit the binder accepts");

    public static string ResourceName(string name) => "RLIMIT_" + name.ToUpperInvariant();
}
