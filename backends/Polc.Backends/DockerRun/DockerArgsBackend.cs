using System.Globalization;
using Polc.Compiler.Ir;

namespace Polc.Backends.DockerRun;

/// <summary>`NAME.docker-args`: one line of `docker run` flags, quoted for a POSIX shell (docs/docker-args.md).</summary>
public sealed class DockerArgsBackend : IBackend
{
    public const string Target = "`docker run`";

    public string Name => "docker-args";

    public string Description => "one line of `docker run` flags (NAME.docker-args)";

    public bool DefaultOn => true;

    public IrSupport Supports(IrFeature feature) => DockerRunSpec.Supports(feature);

    public BackendOutput Emit(PolicyIr policy, BackendOptions options)
    {
        var spec = DockerRunSpec.From(policy, Target);
        return new BackendOutput([Artifact.Text($"{policy.Name}.docker-args", Line(spec) + "\n")], spec.Diagnostics);
    }

    public static string Line(DockerRunSpec spec) => ShellWords.Join(Words(spec));

    /// <summary>The flags as separate words, before quoting (what an argv-based launcher would pass).</summary>
    public static IReadOnlyList<string> Words(DockerRunSpec spec)
    {
        var words = new List<string>();
        void Flag(string name, string? value)
        {
            if (value is not null)
            {
                words.Add(name);
                words.Add(value);
            }
        }
        string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

        Flag("--security-opt", "seccomp=" + spec.SeccompProfileFile);
        Flag("--security-opt", "apparmor=" + spec.AppArmorProfile);
        Flag("--security-opt", "label=type:" + spec.SelinuxType);
        if (spec.NoNewPrivileges)
        {
            Flag("--security-opt", "no-new-privileges");
        }
        Flag("--cap-drop", "ALL");
        foreach (var capability in spec.CapAdd)
        {
            Flag("--cap-add", capability);
        }
        Flag("--user", spec.User);
        Flag("--hostname", spec.Hostname);
        Flag("--network", spec.Network);
        Flag("--ipc", spec.Ipc);
        Flag("--cgroupns", spec.Cgroupns);
        if (spec.ReadOnly)
        {
            words.Add("--read-only");
        }
        foreach (var tmpfs in spec.Tmpfs)
        {
            Flag("--tmpfs", tmpfs.Options.Length == 0 ? tmpfs.Path : $"{tmpfs.Path}:{tmpfs.Options}");
        }
        foreach (var bind in spec.Binds)
        {
            AddBind(words, bind);
        }
        Flag("--memory", spec.Memory is { } memory ? Number(memory) : null);
        Flag("--memory-swap", spec.MemorySwap is { } swap ? Number(swap) : null);
        Flag("--memory-reservation", spec.MemoryReservation is { } reservation ? Number(reservation) : null);
        Flag("--cpus", spec.Cpus?.ToString(CultureInfo.InvariantCulture));
        Flag("--cpu-shares", spec.CpuShares?.ToString(CultureInfo.InvariantCulture));
        Flag("--cpuset-cpus", spec.Cpuset);
        Flag("--pids-limit", spec.PidsLimit is { } pids ? Number(pids) : null);
        Flag("--blkio-weight", spec.BlkioWeight?.ToString(CultureInfo.InvariantCulture));
        foreach (var (flag, rates) in new[]
        {
            ("--device-read-bps", spec.DeviceReadBps), ("--device-write-bps", spec.DeviceWriteBps),
            ("--device-read-iops", spec.DeviceReadIops), ("--device-write-iops", spec.DeviceWriteIops),
        })
        {
            foreach (var rate in rates)
            {
                Flag(flag, $"{rate.Device}:{Number(rate.Rate)}");
            }
        }
        foreach (var ulimit in spec.Ulimits)
        {
            Flag("--ulimit", $"{ulimit.Name}={ulimit.Soft}:{ulimit.Hard}");
        }
        return words;
    }

    /// <summary>`-v SRC:DST[:ro]`, or `--mount` when a path holds `:`, which -v would split on.</summary>
    private static void AddBind(List<string> words, BindMountIr bind)
    {
        if (!bind.Source.Contains(':', StringComparison.Ordinal) && !bind.Target.Contains(':', StringComparison.Ordinal))
        {
            words.Add("-v");
            words.Add($"{bind.Source}:{bind.Target}{(bind.ReadOnly ? ":ro" : "")}");
            return;
        }
        // --mount is parsed as CSV: a field holding `,` or `"` is put in double quotes.
        static string Field(string text) => text.Contains(',') || text.Contains('"') ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
        words.Add("--mount");
        words.Add(string.Join(',', new[] { "type=bind", Field("source=" + bind.Source), Field("target=" + bind.Target) }
            .Concat(bind.ReadOnly ? ["readonly"] : [])));
    }
}
