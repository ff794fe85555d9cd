namespace Polc.Backends.Cgroups;

/// <summary>
/// Conversions between the cgroup v2 weights the policy is written in and the cgroup v1 knobs (and the
/// v1-scaled flags of Docker and OCI). The v1 value is chosen so that a runtime converting it back to v2 with
/// the formula runc (opencontainers/cgroups) and crun use arrives at the weight the policy wrote.
/// </summary>
public static class CgroupWeights
{
    public const uint MinCpuShares = 2;
    public const uint MaxCpuShares = 262_144;
    public const uint MinBlkioWeight = 10;
    public const uint MaxBlkioWeight = 1_000;

    /// <summary>runc's and crun's cpu.shares → cpu.weight: a quadratic in log2(shares) through (2,1), (1024,100), (262144,10000).</summary>
    public static uint CpuWeightFromShares(uint shares)
    {
        if (shares <= MinCpuShares)
        {
            return 1;
        }
        if (shares >= MaxCpuShares)
        {
            return 10_000;
        }
        var l = Math.Log2(shares);
        var exponent = ((l * l) + (125 * l)) / 612.0 - (7.0 / 34.0);
        return (uint)Math.Ceiling(Math.Pow(10, exponent));
    }

    /// <summary>The largest cpu.shares that <see cref="CpuWeightFromShares"/> maps to <paramref name="weight"/>: every weight
    /// 1..10000 is reached, and the largest is the one nearest the exact inverse, so 1, 100 and 10000 give 2, 1024 and 262144.</summary>
    public static uint CpuSharesFromWeight(uint weight) => weight >= 10_000
        ? MaxCpuShares
        : SmallestAtLeast(MinCpuShares, MaxCpuShares, weight + 1, CpuWeightFromShares) - 1;

    /// <summary>runc's and crun's blkio.weight → io.weight: linear from 10..1000 onto 1..10000.</summary>
    public static uint IoWeightFromBlkio(uint blkioWeight)
    {
        var clamped = Math.Clamp(blkioWeight, MinBlkioWeight, MaxBlkioWeight);
        return 1 + ((clamped - 10) * 9999 / 990);
    }

    /// <summary>The blkio.weight whose <see cref="IoWeightFromBlkio"/> image is nearest to <paramref name="weight"/>
    /// (ties go to the lower one). v1 has 991 steps for v2's 10000, so the round trip is within 6 of the weight.</summary>
    public static uint BlkioWeightFromIoWeight(uint weight)
    {
        var above = SmallestAtLeast(MinBlkioWeight, MaxBlkioWeight, weight, IoWeightFromBlkio);
        if (above == MinBlkioWeight)
        {
            return above;
        }
        var below = above - 1;
        return (long)IoWeightFromBlkio(above) - weight < weight - (long)IoWeightFromBlkio(below) ? above : below;
    }

    private static uint SmallestAtLeast(uint low, uint high, uint target, Func<uint, uint> monotonic)
    {
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (monotonic(middle) >= target)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }
        return low;
    }
}
