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

public class ParserStageTests
{
    /// <summary>Well-formed files must parse in the fast SLL stage; falling back to full LL for them would be a grammar regression.</summary>
    [Fact]
    public void Well_formed_policies_never_need_the_full_LL_stage()
    {
        var texts = Enumerable.Range(1, 50).Select(seed => new Support.RandomPolicy(seed).Generate())
            .Append(File.ReadAllText(Path.Combine(Support.RepoPaths.Profiles, "examples", "web.pol")))
            .Append(File.ReadAllText(Path.Combine(Support.RepoPaths.Profiles, "syscall-groups.pol")));
        foreach (var text in texts)
        {
            var tokens = Polc.Compiler.Syntax.PolicyParser.Tokenize(new SourceText("t.pol", text), []);
            var parser = new Polc.Compiler.Syntax.Generated.PolcParser(tokens) { ErrorHandler = new Antlr4.Runtime.BailErrorStrategy() };
            parser.RemoveErrorListeners();
            parser.Interpreter.PredictionMode = Antlr4.Runtime.Atn.PredictionMode.SLL;
            parser.file(); // throws ParseCanceledException if SLL cannot decide
        }
    }
}
