using Polc.Backends;
using Polc.Backends.DockerSeccomp;
using Polc.Compiler.Ir;

namespace Polc.Tests.DockerSeccomp;

/// <summary>The calls runc needs after loading a profile are allowed in the profiles written for container runtimes,
/// after every rule of the policy, and nowhere else (the strict profile under podman, ProfilePodmanTests, is the
/// end-to-end proof that runc needs them).</summary>
public class ContainerRuntimeAllowanceTests
{
    private const string Policy = """
        policy p {
            syscalls {
                default errno EPERM
                errno EAGAIN futex if arg1 == 0
                allow read, write, exit_group
            }
        }
        """;

    private static DockerProfileSemantics DockerJson(string text)
    {
        var output = new DockerSeccompBackend().Emit(FirstMatchRewriteTests.Bind(text), BackendOptions.Default);
        return new DockerProfileSemantics(System.Text.Encoding.UTF8.GetString(Assert.Single(output.Artifacts).Content));
    }

    [Fact]
    public void Runtime_calls_the_policy_leaves_to_its_default_are_allowed()
    {
        var json = DockerJson(Policy);
        foreach (var name in ContainerRuntimeAllowance.Syscalls.Where(n => n != "futex"))
        {
            Assert.Equal(SeccompAction.Allow, json.Decide(name, [0, 0, 0, 0, 0, 0]));
        }
        Assert.Equal(SeccompAction.Errno(1), json.Decide("ptrace", [0, 0, 0, 0, 0, 0]));
    }

    [Fact]
    public void A_rule_of_the_policy_still_decides_a_runtime_call()
    {
        var json = DockerJson(Policy);
        Assert.Equal(SeccompAction.Errno(11), json.Decide("futex", [0, 0, 0, 0, 0, 0]));
        Assert.Equal(SeccompAction.Allow, json.Decide("futex", [0, 1, 0, 0, 0, 0]));
    }

    [Fact]
    public void Polcs_own_filter_does_not_get_them()
    {
        var filter = Seccomp.Support.SeccompKit.Filter(Seccomp.Support.SeccompKit.Compile(Seccomp.Support.SeccompKit.Bind(Policy)), Polc.Compiler.Semantics.Arch.X86_64);
        Assert.Equal(SeccompAction.Errno(1), Seccomp.Support.SeccompKit.Run(filter, Polc.Compiler.Semantics.Arch.X86_64, "fstatfs").Action);
    }

    [Fact]
    public void An_allow_default_is_left_alone()
    {
        var policy = FirstMatchRewriteTests.Bind("policy p {\n    syscalls {\n        default allow\n        errno EPERM ptrace\n    }\n}\n");
        Assert.Same(policy, ContainerRuntimeAllowance.Apply(policy));
    }
}
