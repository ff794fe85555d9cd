using Polc.Backends.DockerRun;
using Polc.Backends.Support;
using Polc.Compiler.Ir;

namespace Polc.Backends.Compose;

/// <summary>`NAME.compose.yaml`: a Compose service fragment with the same settings as `NAME.docker-args`
/// (docs/compose.md); merge it into a project with `docker compose -f app.yaml -f NAME.compose.yaml`.</summary>
public sealed class ComposeBackend : IBackend
{
    public const string Target = "Compose";

    public string Name => "compose";

    public string Description => "Compose service fragment (NAME.compose.yaml)";

    public bool DefaultOn => true;

    public IrSupport Supports(IrFeature feature) => DockerRunSpec.Supports(feature);

    public BackendOutput Emit(PolicyIr policy, BackendOptions options)
    {
        var spec = DockerRunSpec.From(policy, Target);
        return new BackendOutput([Artifact.Text($"{policy.Name}.compose.yaml", Render(policy.Name, spec))], spec.Diagnostics);
    }

    public static string Render(string serviceName, DockerRunSpec spec)
    {
        var service = Service(spec);
        var root = new YamlMap().Add("services", new YamlMap().Add(YamlScalar.Quote(serviceName), service));
        return $"# polc: security settings of service {YamlScalar.Quote(serviceName)}; merge with `docker compose -f compose.yaml -f {serviceName}.compose.yaml`\n"
            + YamlWriter.Write(root);
    }

    private static YamlMap Service(DockerRunSpec spec)
    {
        var securityOpt = new List<string>
        {
            "seccomp=" + spec.SeccompProfileFile,
            "apparmor=" + spec.AppArmorProfile,
            "label=type:" + spec.SelinuxType,
        };
        if (spec.NoNewPrivileges)
        {
            securityOpt.Add("no-new-privileges:true");
        }
        var service = new YamlMap()
            .Add("security_opt", Strings(securityOpt))
            .Add("cap_drop", Strings(["ALL"]))
            .Add("cap_add", spec.CapAdd.Count > 0 ? Strings(spec.CapAdd) : null)
            .Add("user", Str(spec.User))
            .Add("hostname", Str(spec.Hostname))
            .Add("network_mode", Str(spec.Network))
            .Add("ipc", Str(spec.Ipc))
            .Add("cgroup", Str(spec.Cgroupns))
            .Add("read_only", spec.ReadOnly ? YamlScalar.Bool(true) : null)
            .Add("tmpfs", spec.Tmpfs.Count > 0 ? Strings(spec.Tmpfs.Select(t => t.Options.Length == 0 ? t.Path : $"{t.Path}:{t.Options}")) : null)
            .Add("volumes", spec.Binds.Count > 0 ? new YamlSeq(spec.Binds.Select(b => (YamlNode)Volume(b)).ToList()) : null)
            .Add("mem_limit", UInt(spec.Memory))
            .Add("memswap_limit", UInt(spec.MemorySwap))
            .Add("mem_reservation", UInt(spec.MemoryReservation))
            .Add("cpus", spec.Cpus is { } cpus ? YamlScalar.Dec(cpus) : null)
            .Add("cpu_shares", UInt(spec.CpuShares))
            .Add("cpuset", Str(spec.Cpuset))
            .Add("pids_limit", UInt(spec.PidsLimit))
            .Add("blkio_config", BlkioConfig(spec));
        if (spec.Ulimits.Count > 0)
        {
            var ulimits = new YamlMap();
            foreach (var ulimit in spec.Ulimits)
            {
                ulimits.Add(ulimit.Name, new YamlMap().Add("soft", YamlScalar.Int(ulimit.Soft)).Add("hard", YamlScalar.Int(ulimit.Hard)));
            }
            service.Add("ulimits", ulimits);
        }
        return service;
    }

    private static YamlMap Volume(BindMountIr bind) => new YamlMap()
        .Add("type", YamlScalar.Str("bind"))
        .Add("source", YamlScalar.Str(bind.Source))
        .Add("target", YamlScalar.Str(bind.Target))
        .Add("read_only", bind.ReadOnly ? YamlScalar.Bool(true) : null);

    private static YamlMap? BlkioConfig(DockerRunSpec spec)
    {
        var config = new YamlMap().Add("weight", UInt(spec.BlkioWeight));
        foreach (var (key, rates) in new[]
        {
            ("device_read_bps", spec.DeviceReadBps), ("device_write_bps", spec.DeviceWriteBps),
            ("device_read_iops", spec.DeviceReadIops), ("device_write_iops", spec.DeviceWriteIops),
        })
        {
            if (rates.Count > 0)
            {
                config.Add(key, new YamlSeq(rates.Select(r => (YamlNode)new YamlMap()
                    .Add("path", YamlScalar.Str(r.Device)).Add("rate", YamlScalar.UInt(r.Rate))).ToList()));
            }
        }
        return config.Entries.Count > 0 ? config : null;
    }

    private static YamlSeq Strings(IEnumerable<string> items) => new(items.Select(i => (YamlNode)YamlScalar.Str(i)).ToList());

    private static YamlScalar? Str(string? value) => value is null ? null : YamlScalar.Str(value);

    private static YamlScalar? UInt(ulong? value) => value is { } v ? YamlScalar.UInt(v) : null;
}
