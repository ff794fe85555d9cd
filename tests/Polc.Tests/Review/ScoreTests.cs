using System.Text.Json;
using Polc.Cli;
using Polc.Compiler.Analysis;
using Polc.Compiler.Analysis.Review;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.Review;

public class ScoreTests
{
    private const string LockedDown = """
        policy tight {
            syscalls {
                default errno ENOSYS
                allow read, write, close, exit_group, futex, mmap, munmap, brk
                allow clone if arg0 & CLONE_NEWUSER == 0
            }
            filesystem {
                root "/srv/app/rootfs"
                readonly root
                write "/var/lib/app/**"
            }
            network none
            resources {
                memory 256MiB
                pids 64
                cpu 1
                rlimit nofile 1024
            }
            isolation {
                namespaces pid, mount, ipc, uts, cgroup, user
                user 1000 group 1000
                map-users 0 -> 100000 count 65536
            }
        }
        """;

    private const string WideOpen = """
        policy open {
            syscalls {
                default allow
            }
            capabilities {
                allow all
            }
            network {
                allow tcp, udp, raw, packet, netlink, unix
            }
            filesystem {
                write "/**"
                bind "/var/run/docker.sock" to "/var/run/docker.sock"
            }
            isolation {
                allow-new-privileges
            }
        }
        """;

    private static PolicyIr Bind(string text)
    {
        var result = PolicyBinder.Bind(new SourceText("p.pol", text));
        Assert.True(result.Policy is not null, string.Join("\n", result.Diagnostics));
        return result.Policy!;
    }

    [Fact]
    public void A_locked_down_policy_scores_low_and_a_wide_open_one_high()
    {
        var tight = ExposureScore.Compute(Bind(LockedDown));
        var open = ExposureScore.Compute(Bind(WideOpen));
        Assert.True(tight.Score <= 1.0, $"locked down scored {tight.Score}: {string.Join(", ", tight.Checks.Where(c => c.Exposure > 0).Select(c => c.Id))}");
        Assert.Equal("ok", tight.Rating);
        Assert.True(open.Score >= 8.0, $"wide open scored {open.Score}");
        Assert.Equal("unsafe", open.Rating);
    }

    [Fact]
    public void Every_check_is_in_the_documented_table_with_its_weight()
    {
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs/review.md"));
        foreach (var (id, weight, _) in ExposureScore.Checks)
        {
            Assert.Contains($"| `{id}` | {weight.ToString(System.Globalization.CultureInfo.InvariantCulture)} |", docs, StringComparison.Ordinal);
        }
        Assert.Equal(ExposureScore.Checks.Count, ExposureScore.Checks.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void Adding_a_capability_never_lowers_the_score()
    {
        var policies = Enumerable.Range(0, 80)
            .Select(seed => PolicyBinder.Bind(new SourceText("r.pol", new RandomPolicy(seed).Generate())).Policy)
            .OfType<PolicyIr>()
            .Prepend(Bind(LockedDown))
            .ToList();
        var raised = 0;
        foreach (var policy in policies)
        {
            var before = ExposureScore.Compute(policy);
            foreach (var capability in CapabilityTable.All.Where(c => !policy.Capabilities.Has(c)))
            {
                var allowed = policy.Capabilities.Allowed.Add(capability).Sort();
                var widened = policy with { Capabilities = policy.Capabilities with { Allowed = allowed } };
                var after = ExposureScore.Compute(widened);
                Assert.True(after.Score >= before.Score, $"{policy.Name} + {capability.Name}: {before.Score} → {after.Score}");
                if (after.Score > before.Score && RiskCatalog.Capability(capability).Risk == RiskLevel.High)
                {
                    raised++;
                }
            }
        }
        Assert.True(raised > 100, "dangerous capabilities should raise the score");
    }

    [Fact]
    public void Allowing_a_dangerous_syscall_raises_the_score_and_a_filter_halves_its_share()
    {
        var basePolicy = "policy p {\n    syscalls {\n        default errno ENOSYS\n        allow read\n%RULE%\n    }\n}\n";
        var none = ExposureScore.Compute(Bind(basePolicy.Replace("%RULE%", "")));
        var filtered = ExposureScore.Compute(Bind(basePolicy.Replace("%RULE%", "        allow ptrace if arg0 == 0")));
        var open = ExposureScore.Compute(Bind(basePolicy.Replace("%RULE%", "        allow ptrace")));
        double Debug(ExposureReport r) => r.Checks.Single(c => c.Id == "syscalls.debug").Exposure;
        Assert.Equal([0, 0.5, 1], new[] { Debug(none), Debug(filtered), Debug(open) });
        Assert.True(none.Score < filtered.Score && filtered.Score < open.Score, $"{none.Score} {filtered.Score} {open.Score}");
    }

    [Fact]
    public void The_score_command_prints_the_contributing_checks_and_gates_on_the_threshold()
    {
        using var directory = new TempDirectory();
        var tight = directory.File("tight.pol", LockedDown);
        var open = directory.File("open.pol", WideOpen);

        var text = CliRunner.Run("score", open);
        Assert.Equal(ExitCodes.Success, text.ExitCode);
        Assert.Contains("capabilities.sys-admin", text.Out, StringComparison.Ordinal);
        Assert.Contains("/10 UNSAFE", text.Out, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.PolicyErrors, CliRunner.Run("score", open, "--threshold", "5").ExitCode);
        Assert.Equal(ExitCodes.Success, CliRunner.Run("score", tight, "--threshold", "5").ExitCode);
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("score", tight, "--threshold", "11").ExitCode);
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("score", directory.File("missing.pol")).ExitCode);
        Assert.Equal(ExitCodes.UsageOrIo, CliRunner.Run("score", directory.File("broken.pol", "policy { }")).ExitCode);

        var json = CliRunner.Run("score", tight, "--format", "json", "--threshold", "2");
        using var document = JsonDocument.Parse(json.Out);
        var root = document.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("tight", root.GetProperty("policy").GetString());
        Assert.False(root.GetProperty("aboveThreshold").GetBoolean());
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(ExposureScore.Checks.Count, checks.Count);
        var sum = checks.Sum(c => c.GetProperty("weight").GetDouble() * c.GetProperty("exposure").GetDouble());
        var total = checks.Sum(c => c.GetProperty("weight").GetDouble());
        Assert.Equal(Math.Round(10 * sum / total, 1), root.GetProperty("score").GetDouble());
    }
}
