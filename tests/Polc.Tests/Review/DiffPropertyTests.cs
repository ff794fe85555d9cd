using Polc.Compiler.Analysis.Review;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;
using Xunit.Abstractions;

namespace Polc.Tests.Review;

/// <summary>
/// Properties of `polc diff` over random valid policies: a policy rewritten into an equivalent one
/// (renamed, regrouped, reordered, conditions rewritten) shows no change; the same plus one `allow`
/// of a syscall the policy does not name shows exactly one change, which widens.
/// </summary>
public class DiffPropertyTests(ITestOutputHelper output)
{
    private const int Seeds = 300;

    // Syscalls RandomPolicy never names directly and its groups do not hold; present on every architecture.
    private static readonly string[] Unnamed = ["getcwd", "uname", "sysinfo", "getrandom", "flock", "chdir", "fchdir", "umask"];

    private static PolicyIr? Bind(string text, string name)
    {
        var result = PolicyBinder.Bind(new SourceText(name, text));
        return result.Policy;
    }

    private static IEnumerable<(int Seed, PolicyIr Policy)> RandomPolicies()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            if (Bind(new RandomPolicy(seed).Generate(), $"random{seed}.pol") is { } policy)
            {
                yield return (seed, policy);
            }
        }
    }

    [Fact]
    public void An_equivalent_rewrite_of_a_random_policy_shows_no_change()
    {
        var checkedCount = 0;
        foreach (var (seed, policy) in RandomPolicies())
        {
            var text = new EquivalentPolicyWriter(seed).Write(policy);
            var rewritten = PolicyBinder.Bind(new SourceText($"rewritten{seed}.pol", text));
            Assert.True(rewritten.Policy is not null, $"seed {seed}: the rewrite does not bind:\n{text}\n{string.Join("\n", rewritten.Diagnostics)}");
            var diff = PolicyDiff.Compare(policy, rewritten.Policy!);
            Assert.True(!diff.HasChanges, $"seed {seed}: an equivalent rewrite shows changes:\n{string.Join("\n", diff.Changes.Select(c => c.Message))}\n--- rewrite:\n{text}");
            Assert.Empty(PolicyDiff.Compare(rewritten.Policy!, policy).Changes);
            checkedCount++;
        }
        output.WriteLine($"{checkedCount} of {Seeds} random policies were valid and checked");
        Assert.True(checkedCount >= Seeds / 5, $"only {checkedCount} random policies were valid; the property is barely tested");
    }

    [Fact]
    public void One_extra_allow_shows_exactly_one_widening()
    {
        var checkedCount = 0;
        foreach (var (seed, policy) in RandomPolicies())
        {
            if (RiskCatalog(policy.Syscalls.DefaultAction) == 0)
            {
                continue; // under a default that already allows, one more allow changes nothing
            }
            var named = policy.Syscalls.Rules.SelectMany(r => r.Syscalls).Select(s => s.Name).ToHashSet();
            var extra = Unnamed.Where(n => !named.Contains(n) && policy.Syscalls.Architectures.All(a => SyscallTable.Exists(a, n))).ToList();
            Assert.NotEmpty(extra);
            var syscall = extra[seed % extra.Count];
            var text = new EquivalentPolicyWriter(seed).Write(policy, $"allow {syscall}");
            var widened = Bind(text, $"widened{seed}.pol");
            Assert.True(widened is not null, $"seed {seed}: does not bind:\n{text}");
            var diff = PolicyDiff.Compare(policy, widened!);
            var change = Assert.Single(diff.Changes);
            Assert.Equal(ReviewArea.Syscalls, change.Area);
            Assert.Equal(syscall, change.Subject);
            Assert.Equal(ChangeClass.Widens, change.Class);
            Assert.Null(change.When);
            Assert.Equal(policy.Syscalls.Architectures.Select(a => a.Name()).Order(), change.Arches.Order());
            checkedCount++;
        }
        output.WriteLine($"{checkedCount} random policies checked");
        Assert.True(checkedCount >= Seeds / 10, $"only {checkedCount} random policies were checked");
    }

    private static int RiskCatalog(SeccompAction action) => Compiler.Analysis.RiskCatalog.Strictness(action);
}
