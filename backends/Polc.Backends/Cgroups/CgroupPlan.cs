using System.Globalization;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;

namespace Polc.Backends.Cgroups;

/// <summary>One write: <see cref="Value"/> into the file <see cref="File"/> of a cgroup of controller <see cref="Controller"/>.</summary>
public sealed record CgroupFile(string Controller, string File, string Value);

/// <summary>Throttles of one block device. Every value is written as `MAJ:MIN VALUE`, with the numbers of
/// <see cref="Device"/> resolved on the host that applies the plan (see <see cref="BlockDevices"/>).</summary>
public sealed record CgroupDeviceLimit(string Device, IReadOnlyList<CgroupFile> V1, IReadOnlyList<CgroupFile> V2);

/// <summary>One setrlimit(2) call. <see cref="RlimitIr.Unlimited"/> stands for RLIM_INFINITY.</summary>
public sealed record RlimitEntry(string Name, int Resource, ulong Soft, ulong Hard)
{
    public string ResourceName => RlimitTable.ResourceName(Name);

    public static string Text(ulong value) => value == RlimitIr.Unlimited ? "unlimited" : value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The cgroup files to write for a policy, for v1 and for v2, in the order they must be written, plus its rlimits.
/// Shared by the `cgroup` backend and by the launcher, so both apply exactly the same numbers.
/// </summary>
public sealed record CgroupPlan(
    string Policy,
    IReadOnlyList<CgroupFile> V1,
    IReadOnlyList<CgroupFile> V2,
    IReadOnlyList<CgroupDeviceLimit> Devices,
    IReadOnlyList<RlimitEntry> Rlimits,
    IReadOnlyList<Diagnostic> Diagnostics)
{
    public const ulong CpuPeriodUs = 100_000;

    /// <summary>The kernel rejects a CFS quota below 1ms.</summary>
    public const ulong MinCpuQuotaUs = 1_000;

    /// <summary>The v2 controllers the plan uses, to enable in the parent's cgroup.subtree_control.</summary>
    public IReadOnlyList<string> V2Controllers =>
        V2.Concat(Devices.SelectMany(d => d.V2)).Select(f => f.Controller).Distinct().Order(StringComparer.Ordinal).ToList();

    public static CgroupPlan From(PolicyIr policy)
    {
        var r = policy.Resources;
        var diagnostics = new List<Diagnostic>();
        var v1 = new List<CgroupFile>();
        var v2 = new List<CgroupFile>();

        if (r.Memory is { } memory)
        {
            // v1: memory.limit_in_bytes before memory.memsw.limit_in_bytes, which may never be below it.
            v1.Add(new("memory", "memory.limit_in_bytes", Number(memory.Value)));
            v2.Add(new("memory", "memory.max", Number(memory.Value)));
        }
        if (r.MemorySwap is { } swap)
        {
            if (r.Memory is { } limit)
            {
                v1.Add(new("memory", "memory.memsw.limit_in_bytes", Number(limit.Value + swap.Value)));
            }
            else
            {
                diagnostics.Add(DiagnosticCatalog.SwapWithoutMemory(swap.Span, "cgroup v1"));
            }
            v2.Add(new("memory", "memory.swap.max", Number(swap.Value)));
        }
        if (r.MemoryReservation is { } reservation)
        {
            v1.Add(new("memory", "memory.soft_limit_in_bytes", Number(reservation.Value)));
            v2.Add(new("memory", "memory.low", Number(reservation.Value)));
        }

        if (r.Cpus is { } cpus)
        {
            var quota = CpuQuotaUs(cpus.Value);
            if (quota != RawQuota(cpus.Value))
            {
                diagnostics.Add(DiagnosticCatalog.CpuQuotaTooSmall(cpus.Span, cpus.Value.ToString(CultureInfo.InvariantCulture)));
            }
            v1.Add(new("cpu", "cpu.cfs_period_us", Number(CpuPeriodUs)));
            v1.Add(new("cpu", "cpu.cfs_quota_us", Number(quota)));
            v2.Add(new("cpu", "cpu.max", $"{quota} {CpuPeriodUs}"));
        }
        if (r.CpuWeight is { } cpuWeight)
        {
            v1.Add(new("cpu", "cpu.shares", Number(CgroupWeights.CpuSharesFromWeight(cpuWeight.Value))));
            v2.Add(new("cpu", "cpu.weight", Number(cpuWeight.Value)));
        }
        if (r.Cpuset is { } cpuset)
        {
            v1.Add(new("cpuset", "cpuset.cpus", cpuset.Value));
            v2.Add(new("cpuset", "cpuset.cpus", cpuset.Value));
        }
        if (r.Pids is { } pids)
        {
            v1.Add(new("pids", "pids.max", Number(pids.Value)));
            v2.Add(new("pids", "pids.max", Number(pids.Value)));
        }
        if (r.IoWeight is { } ioWeight)
        {
            v1.Add(new("blkio", "blkio.weight", Number(CgroupWeights.BlkioWeightFromIoWeight(ioWeight.Value))));
            v2.Add(new("io", "io.weight", $"default {ioWeight.Value}"));
        }

        var devices = r.Io.Select(DeviceLimit).ToList();
        var rlimits = r.Rlimits.Select(l => new RlimitEntry(l.Name, RlimitTable.Number(l.Name), l.Soft, l.Hard)).ToList();
        return new CgroupPlan(policy.Name, v1, v2, devices, rlimits, diagnostics);
    }

    /// <summary>The CFS quota per <see cref="CpuPeriodUs"/> for a number of CPUs, truncated as runc does for Docker's --cpus,
    /// and raised to the kernel's 1ms minimum.</summary>
    public static ulong CpuQuotaUs(decimal cpus) => Math.Max(MinCpuQuotaUs, RawQuota(cpus));

    /// <summary>The number of CPUs that <see cref="CpuQuotaUs"/> really grants.</summary>
    public static decimal EffectiveCpus(decimal cpus) => Math.Max(cpus, (decimal)MinCpuQuotaUs / CpuPeriodUs);

    private static ulong RawQuota(decimal cpus) => (ulong)decimal.Truncate(cpus * CpuPeriodUs);

    private static CgroupDeviceLimit DeviceLimit(IoLimitIr io)
    {
        var v1 = new List<CgroupFile>();
        var v2Keys = new List<string>();
        void Add(ulong? value, string v1File, string v2Key)
        {
            if (value is { } v)
            {
                v1.Add(new("blkio", v1File, Number(v)));
                v2Keys.Add($"{v2Key}={v}");
            }
        }
        Add(io.ReadBps, "blkio.throttle.read_bps_device", "rbps");
        Add(io.WriteBps, "blkio.throttle.write_bps_device", "wbps");
        Add(io.ReadIops, "blkio.throttle.read_iops_device", "riops");
        Add(io.WriteIops, "blkio.throttle.write_iops_device", "wiops");
        return new CgroupDeviceLimit(io.Device, v1, [new("io", "io.max", string.Join(' ', v2Keys))]);
    }

    private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
