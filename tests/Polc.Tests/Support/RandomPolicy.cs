using System.Globalization;
using System.Text;

namespace Polc.Tests.Support;

/// <summary>
/// Generates random but valid policies covering every section, with random layout
/// (spacing, `;` separators, line breaks after commas) and comments in every legal place.
/// Deterministic for a given seed, so a failure can be replayed.
/// </summary>
public sealed class RandomPolicy(int seed)
{
    private static readonly string[] Syscalls =
        ["read", "write", "openat", "close", "mmap", "socket", "connect", "clone", "personality", "ptrace", "mount", "bpf", "futex", "ioctl", "prctl", "kill", "getpid", "execve", "fstat", "exit_group"];
    private static readonly string[] Groups = ["@basic-io", "@signal", "@timer", "@sync", "@process", "@memory"];
    private static readonly string[] Actions = ["allow", "deny", "kill", "kill-thread", "trap", "log", "notify", "errno EACCES", "errno 13", "errno ENOSYS", "trace 7"];
    private static readonly string[] Constants = ["AF_INET", "AF_INET6", "AF_UNIX", "CLONE_NEWUSER", "O_WRONLY", "PROT_EXEC", "0", "1", "0x8", "0xffffffff", "0x100000000", "0b101", "0o17", "1_000"];
    private static readonly string[] Capabilities = ["NET_BIND_SERVICE", "CHOWN", "CAP_SETUID", "SETGID", "KILL", "SYS_ADMIN", "net_raw", "DAC_OVERRIDE"];
    private static readonly string[] Paths = ["\"/etc/**\"", "\"/usr/lib/*.so\"", "\"/var/{log,cache}/app/**\"", "\"/run/app.pid\"", "\"/tmp/a b\"", "\"/opt/q\\\"uote\""];
    private static readonly string[] Families = ["tcp", "udp", "unix", "raw", "packet", "netlink", "inet", "inet6"];

    private readonly Random _random = new(seed);

    public int Seed => seed;

    public string Generate()
    {
        var sb = new StringBuilder();
        Comment(sb, 0);
        sb.Append("policy p").Append(seed.ToString(CultureInfo.InvariantCulture)).Append(" {");
        Trailing(sb);
        sb.Append('\n');
        var sections = new List<Action<StringBuilder>> { Syscalls_, Caps, Fs, Net, Res, Iso, Expect };
        foreach (var section in sections.OrderBy(_ => _random.Next()))
        {
            if (_random.Next(4) != 0)
            {
                section(sb);
            }
        }
        if (_random.Next(2) == 0)
        {
            sb.Append("    apparmor \"polc-x\"\n");
        }
        if (_random.Next(2) == 0)
        {
            sb.Append("    selinux type \"x_t\"\n");
        }
        sb.Append('}');
        Trailing(sb);
        sb.Append('\n');
        if (_random.Next(3) == 0)
        {
            sb.Append("group @mine = read, write,\n    @signal\n");
        }
        return sb.ToString();
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private void Comment(StringBuilder sb, int indent)
    {
        if (_random.Next(3) == 0)
        {
            sb.Append(' ', indent).Append("# c").Append(_random.Next(1000)).Append(" with `text` and ü\n");
        }
    }

    private void Trailing(StringBuilder sb)
    {
        if (_random.Next(4) == 0)
        {
            sb.Append(new string(' ', 1 + _random.Next(3))).Append("# t").Append(_random.Next(1000));
        }
    }

    private string Space() => _random.Next(5) == 0 ? "  " : " ";

    private string Sep(int indent) => _random.Next(6) == 0 ? "; " : "\n" + new string(' ', indent);

    private void Section(StringBuilder sb, string name, int count, Func<string> statement)
    {
        Comment(sb, 4);
        sb.Append("    ").Append(name).Append(" {");
        Trailing(sb);
        sb.Append('\n');
        for (var i = 0; i < count; i++)
        {
            Comment(sb, 8);
            sb.Append("        ").Append(statement());
            Trailing(sb);
            sb.Append('\n');
            if (_random.Next(6) == 0)
            {
                sb.Append('\n');
            }
        }
        sb.Append("    }\n");
    }

    private string List(IReadOnlyList<string> pool, int max)
    {
        var items = pool.OrderBy(_ => _random.Next()).Take(1 + _random.Next(max)).ToList();
        var sb = new StringBuilder(items[0]);
        foreach (var item in items.Skip(1))
        {
            sb.Append(',');
            sb.Append(_random.Next(5) == 0 ? "\n            " : Space());
            sb.Append(item);
        }
        return sb.ToString();
    }

    private string Condition(int depth)
    {
        var arg = $"arg{_random.Next(6)}";
        switch (depth > 2 ? _random.Next(3) : _random.Next(7))
        {
            case 0:
                return $"{arg}{Space()}=={Space()}{Pick(Constants)}";
            case 1:
                return $"{arg} & {Pick(Constants)} {Pick(new[] { "==", "!=", "<", "<=", ">", ">=" })} {Pick(Constants)}";
            case 2:
                return $"{arg} {(_random.Next(2) == 0 ? "not " : "")}in [{List(Constants, 3)}]";
            case 3:
                return $"{Condition(depth + 1)} || {Condition(depth + 1)}";
            case 4:
                return $"{Condition(depth + 1)} && {Condition(depth + 1)}";
            case 5:
                return $"!{Condition(depth + 1)}";
            default:
                return $"({Condition(depth + 1)})";
        }
    }

    private void Syscalls_(StringBuilder sb)
    {
        var defaultWritten = false;
        string Default()
        {
            defaultWritten = true;
            return "default " + Pick(Actions);
        }
        Section(sb, "syscalls", 1 + _random.Next(6), () => _random.Next(8) switch
        {
            0 when !defaultWritten => Default(),
            1 => "allow " + List(Groups, 2),
            _ => $"{Pick(Actions)} {List(Syscalls, 3)}" + (_random.Next(2) == 0 ? $" if {Condition(0)}" : ""),
        });
    }

    private void Caps(StringBuilder sb) => Section(sb, "capabilities", 1 + _random.Next(3), () =>
        _random.Next(6) == 0 ? "allow all" : $"{Pick(new[] { "allow", "drop" })} {List(Capabilities, 3)}");

    private void Fs(StringBuilder sb) => Section(sb, "filesystem", 1 + _random.Next(5), () =>
        _random.Next(7) switch
        {
            0 => "tmpfs \"/tmp\" size 64MiB",
            1 => "bind \"/srv/data\" to \"/data\" readonly",
            2 => "mask \"/proc/kcore\"",
            _ => $"{Pick(new[] { "read", "write", "exec", "deny" })} {List(Paths, 2)}",
        });

    private void Net(StringBuilder sb) => Section(sb, "network", 1 + _random.Next(3), () =>
        _random.Next(4) switch
        {
            0 => $"bind tcp {1 + _random.Next(1000)}, 8000-8080",
            1 => $"connect udp {1 + _random.Next(65535)}",
            _ => $"{Pick(new[] { "allow", "deny" })} {List(Families, 3)}",
        });

    private void Res(StringBuilder sb) => Section(sb, "resources", 1, () =>
        Pick(new[] { "memory 256MiB", "pids 128", "cpu 1.5", "rlimit nofile 1024 4096", "io \"/dev/vda\" read 50MiB/s write-iops 500", "cpuset \"0-1\"", "memory-swap 0" }));

    private void Iso(StringBuilder sb) => Section(sb, "isolation", 1, () =>
        Pick(new[] { "namespaces pid, net, mount", "hostname \"web01\"", "user 1000 group 1000", "map-users 0 -> 100000 count 65536", "no-new-privileges", "allow-new-privileges" }));

    private void Expect(StringBuilder sb) => Section(sb, "expect", 1, () =>
        Pick(new[] { "capability SYS_ADMIN", "no capability SYS_ADMIN", "allow socket(AF_INET, SOCK_STREAM)", "deny ptrace", "errno EPERM mount, bpf" }));
}
