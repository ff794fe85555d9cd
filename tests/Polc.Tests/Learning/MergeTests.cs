using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Enforcer.Learning;
using Polc.Tests.Learning.Support;

namespace Polc.Tests.Learning;

/// <summary>`polc learn --merge`: what a new run adds to a policy, and what it must leave alone.</summary>
public class MergeTests
{
    private static readonly LearnSource Run2 = new("server", ["/usr/sbin/server", "--second-run"], 0);

    private static MergeResult Merge(string text, Recording recording)
    {
        var source = new SourceText("existing.pol", text);
        var bound = PolicyBinder.Bind(source);
        Assert.False(bound.HasErrors, string.Join('\n', bound.Diagnostics));
        return LearnedPolicyMerger.Merge(source, bound.Policy!, bound.Syntax!, recording, Run2);
    }

    private static PolicyIr Bind(string text)
    {
        var bound = PolicyBinder.Bind(new SourceText("merged.pol", text));
        Assert.False(bound.HasErrors, string.Join('\n', bound.Diagnostics) + "\n" + text);
        return bound.Policy!;
    }

    [Fact]
    public void Merging_a_run_into_its_own_policy_adds_nothing()
    {
        var learned = LearnedPolicyWriter.Write(Recordings.Server(), new LearnSource("server", ["/usr/sbin/server"], 0));
        var merged = Merge(learned, Recordings.Server());
        Assert.Equal(0, merged.Added);
        Assert.Empty(merged.Notes);
        var added = merged.Text.Split('\n').Except(learned.Split('\n')).ToList();
        Assert.Equal("# Merged with `polc learn`:", Assert.Single(added)[..27]);
    }

    [Fact]
    public void A_new_run_adds_what_it_did_and_keeps_the_policy_text_and_comments()
    {
        var learned = LearnedPolicyWriter.Write(Recordings.Server(), new LearnSource("server", ["/usr/sbin/server"], 0))
            .Replace("    syscalls {\n", "    # reviewed by hand: keep this comment\n    syscalls {\n");
        var second = Recordings.Server();
        second.Count(Arch.X86_64, "sendfile");
        second.Value(Arch.X86_64, "socket", Recordings.Constant("AF_INET6"));
        second.Sockets |= NetworkAccess.Inet6Stream | NetworkAccess.Inet4Dgram;
        second.Ports.Add(new PortUse(PortProtocol.Tcp, 8443, Bind: true));
        second.Path("/var/www/index.html", PathUse.Read);
        second.Capability("CAP_CHOWN", "chown to 33:33");
        var merged = Merge(learned, second);
        Assert.Contains("# reviewed by hand: keep this comment", merged.Text);
        var policy = Bind(merged.Text);
        Assert.Equal(SeccompActionKind.Allow, Recordings.Decide(policy, "sendfile").Kind);
        Assert.Equal(SeccompActionKind.Allow, Recordings.Decide(policy, "socket", Recordings.Constant("AF_INET6")).Kind);
        Assert.Equal(SeccompActionKind.Allow, Recordings.Decide(policy, "socket", Recordings.Constant("AF_INET")).Kind);
        Assert.NotEqual(SeccompActionKind.Allow, Recordings.Decide(policy, "socket", Recordings.Constant("AF_NETLINK")).Kind);
        Assert.Contains(policy.Filesystem.Rules, r => r.Pattern == "/var/www/index.html");
        Assert.Contains(policy.Filesystem.Rules, r => r.Pattern == "/var/lib/server/state");
        Assert.Contains(policy.Network.Binds, b => b.From == 8443);
        Assert.True(policy.Network.Allows(NetworkAccess.Inet4Dgram));
        Assert.Contains(policy.Capabilities.Allowed, c => c.ShortName == "CHOWN");
        Assert.Contains("# learned from: /usr/sbin/server --second-run", merged.Text);
        Assert.True(merged.Added >= 6, $"{merged.Added} additions");
    }

    [Fact]
    public void What_the_policy_refuses_on_purpose_is_left_alone_and_reported()
    {
        const string Policy = """
            policy strictish {
                syscalls {
                    allow read, write, exit_group
                    deny ptrace                      # never, whatever a run does
                }
                capabilities { drop NET_RAW }
                filesystem {
                    read "/etc/**"
                    deny "/etc/shadow"
                }
                network none
                expect { deny socket(AF_NETLINK) }
            }
            """;
        var run = new Recording();
        foreach (var syscall in new[] { "read", "ptrace", "socket", "openat" })
        {
            run.Count(Arch.X86_64, syscall);
        }
        run.Value(Arch.X86_64, "socket", Recordings.Constant("AF_NETLINK"));
        run.Capability("CAP_NET_RAW", "socket of a raw or packet socket");
        run.Path("/etc/shadow", PathUse.Read);
        run.Sockets = NetworkAccess.Inet4Stream;
        var merged = Merge(Policy, run);
        var policy = Bind(merged.Text);
        Assert.NotEqual(SeccompActionKind.Allow, Recordings.Decide(policy, "ptrace").Kind);
        Assert.NotEqual(SeccompActionKind.Allow, Recordings.Decide(policy, "socket", Recordings.Constant("AF_NETLINK")).Kind);
        Assert.Equal(SeccompActionKind.Allow, Recordings.Decide(policy, "openat").Kind);
        Assert.DoesNotContain(policy.Capabilities.Allowed, c => c.ShortName == "NET_RAW");
        Assert.True(policy.Network.IsNone);
        Assert.Contains("# never, whatever a run does", merged.Text);
        Assert.Contains(merged.Notes, n => n.Contains("`ptrace`") && n.Contains("existing.pol:4:"));
        Assert.Contains(merged.Notes, n => n.Contains("socket(arg0 = AF_NETLINK)") && n.Contains("expectation"));
        Assert.Contains(merged.Notes, n => n.Contains("CAP_NET_RAW") && n.Contains("drops"));
        Assert.Contains(merged.Notes, n => n.Contains("/etc/shadow"));
        Assert.Contains(merged.Notes, n => n.Contains("network none"));
    }

    [Fact]
    public void A_policy_that_lists_no_paths_gets_none_and_new_sections_are_created()
    {
        var run = Recordings.Server();
        run.Capability("CAP_CHOWN", "chown to 33:33");
        var merged = Merge("policy open { syscalls { default allow } }", run);
        var policy = Bind(merged.Text);
        Assert.Empty(policy.Filesystem.Rules);
        Assert.Contains(merged.Notes, n => n.Contains("allows every file"));
        Assert.Equal(["CAP_CHOWN"], policy.Capabilities.Allowed.Select(c => c.Name));
        Assert.Contains("capabilities {", merged.Text);
        Assert.Equal(1, merged.Added); // the syscalls are all allowed already, the network is unrestricted
    }

    [Fact]
    public void Architectures_seen_in_a_new_run_are_added_to_the_arch_list()
    {
        var run = new Recording();
        run.Count(Arch.X86_64, "read");
        run.Count(Arch.X86, "read");
        var merged = Merge("policy two {\n    syscalls {\n        arch x86_64\n        allow read\n    }\n}\n", run);
        Assert.Equal([Arch.X86_64, Arch.X86], Bind(merged.Text).Syscalls.Architectures.ToArray());
    }
}
