using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Tests.Syntax;

public class SmokeTests
{
    [Fact]
    public void Minimal_policy_binds_with_the_spec_defaults()
    {
        var result = PolicyBinder.Bind(new SourceText("t.pol", "policy p {\n}\n"));
        Assert.Empty(result.Diagnostics);
        var policy = Assert.IsType<Polc.Compiler.Ir.PolicyIr>(result.Policy);
        Assert.Equal("errno EPERM", policy.Syscalls.DefaultAction.ToString());
        Assert.Equal([Arch.X86_64], policy.Syscalls.Architectures.ToArray());
        Assert.True(policy.Isolation.NoNewPrivileges.Value);
        Assert.Equal("polc-p", policy.Labels.AppArmorProfile);
    }
}
