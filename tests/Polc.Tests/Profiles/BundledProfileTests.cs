using Polc.Backends;
using Polc.Compiler.Formatting;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;
using Xunit.Abstractions;

namespace Polc.Tests.Profiles;

/// <summary>Every policy shipped in profiles/: clean under `polc check` (expect blocks run through the compiled
/// filters), formatted, with an expect block that pins allows and denies, usable by name with `extends`, and
/// compiling through every backend.</summary>
public class BundledProfileTests(ITestOutputHelper output)
{
    /// <summary>The profiles this suite also runs with their programs (ProfileProgramTests); they must not even warn.</summary>
    public static readonly string[] Tested = ["strict", "web-python", "sqlite", "redis"];

    public static TheoryData<string> All => [.. BundledProfiles.Names];

    private static string FileOf(string name) => Path.Combine(RepoPaths.Profiles, name + ".pol");

    [Fact]
    public void The_tested_profiles_are_bundled()
    {
        Assert.Superset(new HashSet<string>(Tested), new HashSet<string>(BundledProfiles.Names));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Polc_check_finds_nothing_wrong(string name)
    {
        var check = CliRunner.Run("check", FileOf(name));
        Assert.True(check.ExitCode == 0, check.Err);
        if (Tested.Contains(name))
        {
            Assert.True(check.Err.Length == 0, $"{name} should check without a single warning:\n{check.Err}");
        }
        else if (check.Err.Length > 0)
        {
            output.WriteLine(check.Err);
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Is_formatted_and_commented(string name)
    {
        var text = File.ReadAllText(FileOf(name));
        Assert.Equal(text, PolicyFormatter.Format(new SourceText(FileOf(name), text)).Text);
        Assert.StartsWith($"# {name}: ", text);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Has_an_expect_block_that_pins_both_allows_and_denies(string name)
    {
        Bind($"policy probe extends {name} {{ }}"); // usable by name
        var policy = Bind(File.ReadAllText(FileOf(name)));
        var own = policy.Expectations.OfType<SyscallExpectationIr>().ToList();
        Assert.Contains(own, e => e.Outcome.Matches(SeccompAction.Allow));
        Assert.Contains(own, e => !e.Outcome.Matches(SeccompAction.Allow));
        Assert.Contains(policy.Expectations.OfType<CapabilityExpectationIr>(), e => !e.Present);
    }

    /// <summary>The expectations are real: allow, ahead of the profile's rules, a call its expect block wants
    /// refused, and the profile no longer compiles.</summary>
    [Theory]
    [MemberData(nameof(All))]
    public void Breaking_a_rule_breaks_an_expectation(string name)
    {
        var text = File.ReadAllText(FileOf(name));
        var refused = Bind(text).Expectations.OfType<SyscallExpectationIr>()
            .First(e => !e.Outcome.Matches(SeccompAction.Allow) && e.Args.IsEmpty).Syscall;
        var at = text.IndexOf("        default ", StringComparison.Ordinal);
        var broken = text.Insert(at, $"        allow {refused}\n");
        var result = CompilationPipeline.Compile(new SourceText(name + ".pol", broken), [], BackendOptions.Default);
        Assert.Contains(result.Diagnostics, d => d.IsError && d.Code == "POL0901" && d.Message.Contains(refused));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Compiles_through_every_backend(string name)
    {
        var result = CompilationPipeline.Compile(SourceText.FromFile(FileOf(name)), BackendRegistry.All, BackendOptions.Default);
        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        Assert.Contains(result.Artifacts, a => a.FileName == $"{name}.x86_64.bpf");
        Assert.Contains(result.Artifacts, a => a.FileName == $"{name}.plan");
        Assert.All(result.Artifacts, a => Assert.NotEmpty(a.Content));
    }

    private static PolicyIr Bind(string text)
    {
        var bound = PolicyBinder.Bind(new SourceText("probe.pol", text));
        Assert.False(bound.HasErrors, string.Join('\n', bound.Diagnostics));
        return bound.Policy!;
    }
}
