using Polc.Compiler.Formatting;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Enforcer.Learning;
using Polc.Tests.Learning.Support;

namespace Polc.Tests.Learning;

/// <summary>The policy text a recording becomes, checked through the compiler's own parser, binder and formatter.</summary>
public class LearnedPolicyWriterTests
{
    private static (string Text, PolicyIr Policy) Write(Recording recording, string name = "server")
    {
        var text = LearnedPolicyWriter.Write(recording, new LearnSource(name, ["/usr/sbin/server", "--port", "8080"], 0));
        var bound = PolicyBinder.Bind(new SourceText(name + ".pol", text));
        Assert.False(bound.HasErrors, string.Join('\n', bound.Diagnostics) + "\n" + text);
        return (text, bound.Policy!);
    }

    [Fact]
    public void The_text_is_formatted_and_binds()
    {
        var (text, _) = Write(Recordings.Server());
        Assert.Equal(text, PolicyFormatter.Format(new SourceText("x.pol", text)).Text);
        Assert.StartsWith("# Learned by `polc learn` from: /usr/sbin/server --port 8080\n", text);
    }

    [Fact]
    public void Syscalls_are_filed_under_groups_with_their_counts()
    {
        var (text, _) = Write(Recordings.Server());
        Assert.Contains("# @basic-io, 3 of ", text);
        Assert.Contains("close 9, read 40, write 12", text);
        Assert.Contains("allow close, read, write\n", text);
    }

    [Fact]
    public void A_group_used_whole_is_written_as_the_group()
    {
        var recording = Recordings.Server();
        foreach (var member in SyscallGroups.Members("@sync").Where(m => SyscallTable.Exists(Arch.X86_64, m)))
        {
            recording.Count(Arch.X86_64, member);
        }
        var (text, policy) = Write(recording);
        Assert.Contains("allow @sync\n", text);
        Assert.Equal(SeccompActionKind.Allow, Recordings.Decide(policy, "fdatasync").Kind);
    }

    [Fact]
    public void Waiting_for_a_child_also_allows_suspending_until_it_exits()
    {
        var quiet = Recordings.Server();
        Assert.NotEqual(SeccompActionKind.Allow, Recordings.Decide(Write(quiet).Policy, "rt_sigsuspend").Kind);
        var waiting = Recordings.Server();
        waiting.Count(Arch.X86_64, "wait4");
        var (text, policy) = Write(waiting);
        Assert.Equal(SeccompActionKind.Allow, Recordings.Decide(policy, "rt_sigsuspend").Kind);
        Assert.DoesNotContain("sigsuspend,", text.Replace("rt_sigsuspend", "", StringComparison.Ordinal)); // x86_64 has no sigsuspend
    }

    [Fact]
    public void Arguments_that_matter_become_conditions_with_constant_names()
    {
        var (text, policy) = Write(Recordings.Server());
        Assert.Contains("allow socket if arg0 in [AF_UNIX, AF_INET]", text);
        Assert.Contains("allow ioctl if arg1 in [TCGETS]", text);
        Assert.Contains("allow prctl if arg0 in [PR_SET_NAME]", text);
        Assert.Equal(SeccompAction.Allow, Recordings.Decide(policy, "socket", Recordings.Constant("AF_INET")));
        Assert.NotEqual(SeccompAction.Allow, Recordings.Decide(policy, "socket", Recordings.Constant("AF_NETLINK")));
        Assert.NotEqual(SeccompAction.Allow, Recordings.Decide(policy, "ioctl", 0, Recordings.Constant("TIOCSTI")));
        Assert.NotEqual(SeccompAction.Allow, Recordings.Decide(policy, "prctl", Recordings.Constant("PR_SET_DUMPABLE")));
    }

    [Fact]
    public void Clone_is_allowed_without_new_namespaces_and_clone3_falls_back_to_it()
    {
        var (text, policy) = Write(Recordings.Server());
        Assert.Contains("errno ENOSYS clone3", text);
        var thread = Recordings.Constant("CLONE_VM") | Recordings.Constant("CLONE_THREAD");
        Assert.Equal(SeccompAction.Allow, Recordings.Decide(policy, "clone", thread));
        Assert.NotEqual(SeccompAction.Allow, Recordings.Decide(policy, "clone", thread | Recordings.Constant("CLONE_NEWUSER")));
        Assert.NotEqual(SeccompAction.Allow, Recordings.Decide(policy, "clone", Recordings.Constant("CLONE_NEWNET")));
        Assert.Equal(SeccompAction.Errno(38), Recordings.Decide(policy, "clone3"));
    }

    [Fact]
    public void Paths_network_and_expectations_are_written()
    {
        var recording = Recordings.Server();
        recording.Capability("CAP_NET_BIND_SERVICE", "bind tcp 80");
        var (text, policy) = Write(recording);
        Assert.Contains(policy.Filesystem.Rules, r => r is { Access: PathAccess.Exec, Pattern: "/usr/sbin/server" });
        Assert.Contains(policy.Filesystem.Rules, r => r is { Access: PathAccess.Write, Pattern: "/var/lib/server/state" });
        Assert.True(policy.Network.Allows(NetworkAccess.Inet4Stream | NetworkAccess.Unix));
        Assert.Contains(policy.Network.Binds, b => b.From == 8080);
        Assert.Equal(["CAP_NET_BIND_SERVICE"], policy.Capabilities.Allowed.Select(c => c.Name));
        Assert.Contains("allow NET_BIND_SERVICE  # bind tcp 80", text);
        var expectations = policy.Expectations.Select(IrPrinter.Describe).ToList();
        Assert.Contains("deny ptrace", expectations);
        Assert.Contains("deny socket(0x10)", expectations);
        Assert.Contains("deny clone(0x10000000)", expectations);
        Assert.Contains(policy.Expectations.OfType<CapabilityExpectationIr>(), e => !e.Present && e.Capability.ShortName == "SYS_ADMIN");
        Assert.Contains(policy.Expectations.OfType<CapabilityExpectationIr>(), e => e.Present && e.Capability.ShortName == "NET_BIND_SERVICE");
    }

    [Fact]
    public void A_run_without_sockets_gets_network_none()
    {
        var recording = new Recording();
        recording.Count(Arch.X86_64, "execve");
        recording.Count(Arch.X86_64, "exit_group");
        var (_, policy) = Write(recording, "tiny");
        Assert.True(policy.Network.IsNone);
    }

    [Fact]
    public void Comments_and_names_survive_hostile_command_lines_and_paths()
    {
        var recording = Recordings.Server();
        recording.Path("/srv/odd \"name\"\n\\x", PathUse.Read);
        var text = LearnedPolicyWriter.Write(recording, new LearnSource("odd", ["/bin/sh", "-c", "echo 'a\nb' # }"], 0));
        var bound = PolicyBinder.Bind(new SourceText("odd.pol", text));
        Assert.False(bound.HasErrors, string.Join('\n', bound.Diagnostics) + "\n" + text);
        Assert.Contains(bound.Policy!.Filesystem.Rules, r => r.Pattern == "/srv/odd \"name\"\n\\x");
    }

    [Theory]
    [InlineData("python3.11", "python3.11")]
    [InlineData("/usr/bin/redis-server", "redis-server")]
    [InlineData("7zip", "learned-7zip")]
    [InlineData("my prog", "my-prog")]
    public void Default_names_are_valid_policy_names(string program, string expected) =>
        Assert.Equal(expected, Polc.Cli.Commands.LearnCommand.DefaultName(program));
}
