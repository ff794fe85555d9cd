using Polc.Backends.DockerSeccomp.Import;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Tests.Support;
using Xunit.Abstractions;

namespace Polc.Tests.DockerSeccomp;

/// <summary>profiles/docker-default.pol and profiles/podman-default.pol: the hand-commented policies must
/// behave exactly as Docker's and Podman's JSON with the default capabilities on x86_64 and aarch64, and
/// their `expect` blocks must hold (of the policy and of the original JSON alike).</summary>
public class BundledProfileTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("docker-default")]
    [InlineData("podman-default")]
    public void Bundled_profile_behaves_as_the_original_json(string name)
    {
        var json = ImportRoundTripTests.CorpusFile(name + ".seccomp.json");
        var policy = BindBundled(name);
        Assert.Equal([Arch.X86_64, Arch.Aarch64], policy.Syscalls.Architectures.ToArray());
        var (checks, mismatches) = ImportRoundTripTests.CompareWithJson(json, policy);
        output.WriteLine($"{checks} decisions compared");
        Assert.Empty(mismatches);
        Assert.Equal(ImportRoundTripTests.DockerCapabilities.Order(), policy.Capabilities.Allowed.Select(c => c.Name).Order());
    }

    [SkippableTheory]
    [InlineData("docker-default")]
    [InlineData("podman-default")]
    public void Expectations_hold_for_the_profile_and_the_json(string name)
    {
        var json = ImportRoundTripTests.CorpusFile(name + ".seccomp.json");
        var policy = BindBundled(name);
        var failures = new List<string>();
        var calls = policy.Expectations.OfType<SyscallExpectationIr>().ToList();
        Assert.True(calls.Count >= 20, "the expect block should exercise the profile");
        foreach (var arch in policy.Syscalls.Architectures)
        {
            var original = new DockerProfileSemantics(json, ProfileResolver.HostArch(arch, policy.Syscalls.Architectures), ImportRoundTripTests.DockerCapabilities);
            foreach (var expectation in calls)
            {
                Assert.True(SyscallTable.Exists(arch, expectation.Syscall), $"`{expectation.Syscall}` does not exist on {arch.Name()}; expectations are checked on every architecture");
                var args = expectation.Args.ToArray();
                foreach (var (who, actual) in new[] { ("policy", PolicyReference.Decide(policy.Syscalls, expectation.Syscall, args)), ("JSON", original.Decide(expectation.Syscall, args)) })
                {
                    if (!expectation.Outcome.Matches(actual))
                    {
                        failures.Add($"line {expectation.Span.Line}: {IrPrinter.Describe(expectation)} on {arch.Name()}: the {who} says {actual}");
                    }
                }
            }
        }
        foreach (var expectation in policy.Expectations.OfType<CapabilityExpectationIr>())
        {
            Assert.True(policy.Capabilities.Has(expectation.Capability) == expectation.Present, IrPrinter.Describe(expectation));
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void Bundled_profiles_are_in_canonical_layout_and_usable_as_bases()
    {
        foreach (var name in new[] { "docker-default", "podman-default" })
        {
            var path = Path.Combine(RepoPaths.Profiles, name + ".pol");
            Assert.Equal(0, CliRunner.Run("fmt", "--check", path).ExitCode);
            var child = PolicyBinder.Bind(new Compiler.Text.SourceText("app.pol", $"policy app extends {name} {{\n    syscalls {{\n        errno EACCES mkdirat\n    }}\n}}\n"));
            Assert.False(child.HasErrors, string.Join("\n", child.Diagnostics));
            Assert.Empty(child.Diagnostics);
            Assert.Equal(SeccompAction.Errno(13), PolicyReference.Decide(child.Policy!.Syscalls, "mkdirat", [0, 0, 0]));
            Assert.Equal(SeccompAction.Allow, PolicyReference.Decide(child.Policy.Syscalls, "read", [0, 0, 0]));
        }
    }

    private static PolicyIr BindBundled(string name)
    {
        var bound = PolicyBinder.BindFile(Path.Combine(RepoPaths.Profiles, name + ".pol"));
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        Assert.DoesNotContain(bound.Diagnostics, d => d.Code == "POL0202");
        return bound.Policy!;
    }
}
