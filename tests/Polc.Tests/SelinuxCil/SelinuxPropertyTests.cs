using System.Collections.Concurrent;
using Polc.Backends.SelinuxCil;
using Polc.Tests.Support;

namespace Polc.Tests.SelinuxCil;

/// <summary>Over random policies (odd names and labels, every capability, families, ports, binds): secilc builds
/// every module with the base policy, dropping no optional block.</summary>
public class SelinuxPropertyTests
{
    private const int Policies = 150;

    [Fact]
    public void Secilc_builds_the_module_of_every_random_policy()
    {
        var backend = new SelinuxCilBackend();
        var failures = new ConcurrentBag<(int Seed, string Message)>();
        Parallel.For(1, Policies + 1, new ParallelOptions { MaxDegreeOfParallelism = 2 }, seed =>
        {
            var source = new RandomLsmPolicy(seed).Source();
            var output = BackendHarness.Emit(backend, source);
            var (result, policy) = SelinuxPolicy.Build(output.Text);
            policy?.Dispose();
            var dropped = SelinuxPolicy.DisabledOptionals(result);
            if (policy is null || dropped.Count > 0)
            {
                var why = policy is null ? SelinuxPolicy.Messages(result) : $"dropped optional blocks: {string.Join(", ", dropped)}";
                failures.Add((seed, $"{why}\n--- module ---\n{output.Text}\n--- policy ---\n{source}"));
            }
        });
        var first = failures.OrderBy(f => f.Seed).FirstOrDefault();
        Assert.True(failures.IsEmpty, $"{failures.Count} of {Policies} modules failed; the first, seed {first.Seed}:\n{first.Message}");
    }
}
