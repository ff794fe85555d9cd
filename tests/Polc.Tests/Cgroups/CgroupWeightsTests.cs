using Polc.Backends.Cgroups;

namespace Polc.Tests.Cgroups;

public class CgroupWeightsTests
{
    [Fact]
    public void Every_cpu_weight_survives_runcs_conversion_back_from_shares()
    {
        for (uint weight = 1; weight <= 10_000; weight++)
        {
            var shares = CgroupWeights.CpuSharesFromWeight(weight);
            Assert.InRange(shares, CgroupWeights.MinCpuShares, CgroupWeights.MaxCpuShares);
            Assert.Equal(weight, CgroupWeights.CpuWeightFromShares(shares));
            // The largest such value: one share more already reads as the next weight.
            if (shares < CgroupWeights.MaxCpuShares)
            {
                Assert.True(CgroupWeights.CpuWeightFromShares(shares + 1) > weight, $"weight {weight}: {shares + 1} shares still map to it");
            }
        }
    }

    [Theory]
    [InlineData(2u, 1u)] // the three points runc's and crun's formula is fitted through (opencontainers/runc#4785)
    [InlineData(1024u, 100u)]
    [InlineData(262_144u, 10_000u)]
    public void Cpu_shares_and_weight_meet_at_the_documented_minimum_default_and_maximum(uint shares, uint weight)
    {
        Assert.Equal(weight, CgroupWeights.CpuWeightFromShares(shares));
        Assert.Equal(shares, CgroupWeights.CpuSharesFromWeight(weight));
    }

    [Fact]
    public void Io_weight_maps_to_the_nearest_blkio_weight_under_runcs_linear_conversion()
    {
        for (uint weight = 1; weight <= 10_000; weight++)
        {
            var blkio = CgroupWeights.BlkioWeightFromIoWeight(weight);
            Assert.InRange(blkio, CgroupWeights.MinBlkioWeight, CgroupWeights.MaxBlkioWeight);
            var distance = Math.Abs((long)CgroupWeights.IoWeightFromBlkio(blkio) - weight);
            for (var other = CgroupWeights.MinBlkioWeight; other <= CgroupWeights.MaxBlkioWeight; other += 37)
            {
                Assert.True(Math.Abs((long)CgroupWeights.IoWeightFromBlkio(other) - weight) >= distance, $"io-weight {weight}: blkio {other} is nearer than {blkio}");
            }
            Assert.True(distance <= 6, $"io-weight {weight} comes back as {CgroupWeights.IoWeightFromBlkio(blkio)}");
        }
        Assert.Equal(1u, CgroupWeights.IoWeightFromBlkio(10));
        Assert.Equal(10_000u, CgroupWeights.IoWeightFromBlkio(1000));
    }
}
