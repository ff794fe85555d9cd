using System.Text;
using Polc.Backends;
using Polc.Backends.Seccomp;
using Polc.Backends.Seccomp.Analysis;
using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Tests.Seccomp.Support;

namespace Polc.Tests.Seccomp;

/// <summary>Properties of the generated code: kernel limits, trampolines, jset folding, shared tests,
/// and the action cache staying usable for every unconditionally allowed syscall.</summary>
public class CodegenTests
{
    /// <summary>A policy with a distinct argument check on each of many syscalls, so no two handlings can share code.</summary>
    private static string ManyChecks(int syscalls, int alternatives)
    {
        var text = new StringBuilder("policy big {\n  syscalls {\n");
        var names = SyscallTable.Entries(Arch.X86_64).Take(syscalls).Select(e => e.Name).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var values = Enumerable.Range(0, alternatives).Select(k => (i * 100 + k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            text.Append($"    allow {names[i]} if arg0 in [{string.Join(", ", values)}]\n");
        }
        return text.Append("  }\n}\n").ToString();
    }

    [Fact]
    public void Far_jumps_get_trampolines_and_the_filter_stays_exact()
    {
        var ir = SeccompKit.Bind(ManyChecks(syscalls: 120, alternatives: 3));
        var filter = SeccompKit.Compile(ir).Single();
        Assert.True(filter.Program.Length > 600, $"{filter.Program.Length} instructions: too few to need trampolines");
        Assert.Null(BpfValidator.Check(filter.Program));
        var returns = filter.Program.Count(i => i.IsReturn);
        var trampolines = filter.Program.Count(i => i.Code == BpfInstruction.JumpAlways);
        Assert.True(returns + trampolines > 3, "no far return was reached through a copy or a `ja`");
        foreach (var (name, nr) in SyscallTable.Entries(Arch.X86_64).Take(130))
        {
            foreach (var value in new ulong[] { 0, 1, 2, 3, 101, 4001, 11_903, 0x1_0000_0001 })
            {
                var expected = ReferenceSemantics.Decide(ir.Syscalls, Arch.X86_64, Arch.X86_64.AuditArch(), nr, [value]);
                Assert.Equal(expected, SeccompKit.Run(filter, Arch.X86_64.AuditArch(), nr, value).Action);
            }
        }
    }

    [Fact]
    public void A_filter_past_4096_instructions_is_an_error_with_a_code()
    {
        var ir = SeccompKit.Bind(ManyChecks(syscalls: 330, alternatives: 12), "big.pol");
        var diagnostics = new List<Diagnostic>();
        var filters = SeccompBackend.Compile(ir, BackendOptions.Default, diagnostics);
        Assert.Empty(filters);
        var error = Assert.Single(diagnostics);
        Assert.Equal("POL2001", error.Code);
        Assert.Matches(@"^the seccomp filter for `x86_64` needs \d+ instructions, more than the kernel's limit of 4096", error.Message);
        Assert.True(error.IsError);
    }

    [Fact]
    public void A_condition_twenty_thousand_values_long_is_reported_not_a_crash()
    {
        // Conditions are walked recursively; this one is deeper than a default thread stack allows.
        var values = string.Join(", ", Enumerable.Range(0, 20_000).Select(i => (i * 7 + 3).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var ir = SeccompKit.Bind($"policy p {{ syscalls {{ allow ioctl if arg1 in [{values}] }} }}");
        var diagnostics = new List<Diagnostic>();
        Assert.Empty(SeccompBackend.Compile(ir, BackendOptions.Default, diagnostics));
        Assert.Equal("POL2001", Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void Masks_fold_to_jset_and_shared_words_load_once()
    {
        var filter = SeccompKit.Compile(SeccompKit.Bind("""
            policy p {
                syscalls {
                    allow clone if arg0 & CLONE_NEWUSER == 0
                    allow personality if arg0 == 0 || arg0 == 8 || arg0 == 0x20000 || arg0 == 0xffffffff
                }
            }
            """)).Single();
        var program = filter.Program;
        Assert.Contains(program, i => i.Code == (BpfCode.Jmp | BpfCode.Jset | BpfCode.K) && i.K == 0x1000_0000);
        Assert.DoesNotContain(program, i => i.Code == BpfInstruction.AndConstant);
        var arg0High = SeccompData.ArgWordOffset(0, high: true, bigEndian: false);
        Assert.Equal(1, program.Count(i => i.Code == BpfInstruction.LoadWordAbsolute && i.K == arg0High));
        Assert.Equal(1, program.Count(i => i.Code == BpfInstruction.LoadWordAbsolute && i.K == SeccompData.NrOffset));
        Assert.Equal(program.Count(i => i.IsReturn), program.Where(i => i.IsReturn).Distinct().Count());
    }

    /// <summary>Sound: what the kernel would cache is allowed for every argument vector tried (reference semantics).
    /// Complete: a syscall whose rules allow it unconditionally (argument loads only below the number search) is cached.</summary>
    [Fact]
    public void The_kernel_caches_exactly_the_syscalls_allowed_whatever_their_arguments()
    {
        for (var seed = 0; seed < 120; seed++)
        {
            var generator = new RandomSyscallPolicy(40_000 + seed);
            var text = generator.Any("x86_64, x86");
            var ir = SeccompKit.Bind(text);
            var vectors = generator.ArgumentVectors(mixtures: 10);
            foreach (var filter in SeccompKit.Compile(ir))
            {
                foreach (var arch in new[] { Arch.X86_64, Arch.X86 })
                {
                    foreach (var (name, nr) in SyscallTable.Entries(arch))
                    {
                        var where = $"seed {40_000 + seed}, {filter.Arch.Name()} filter, {arch.Name()} {name}";
                        if (ActionCache.IsConstantAllow(filter.Program, arch.AuditArch(), nr))
                        {
                            var denied = vectors.FirstOrDefault(v => ReferenceSemantics.Decide(ir.Syscalls, filter.Arch, arch.AuditArch(), nr, v) != SeccompAction.Allow);
                            Assert.True(denied is null, $"{where}: cached as allowed, yet not allowed for [{string.Join(", ", (denied ?? []).Select(RandomSyscallPolicy.Hex))}]\n{text}");
                        }
                        else
                        {
                            Assert.False(UnconditionallyAllowed(ir.Syscalls, name), $"{where}: allowed unconditionally, yet not cached\n{text}");
                        }
                    }
                }
            }
        }
    }

    /// <summary>From the IR: every rule naming the syscall up to the first unconditional one allows (or none does and the default allows).</summary>
    private static bool UnconditionallyAllowed(SyscallPolicyIr policy, string name)
    {
        var rules = policy.Rules.Where(r => r.Syscalls.Any(s => s.Name == name)).ToList();
        var decisive = rules.FindIndex(r => r.Condition is null);
        var considered = decisive < 0 ? rules : rules.Take(decisive + 1).ToList();
        return considered.All(r => r.Action == SeccompAction.Allow) && (decisive >= 0 || policy.DefaultAction == SeccompAction.Allow);
    }

    [Fact]
    public void A_long_list_of_values_is_searched_not_scanned()
    {
        var values = Enumerable.Range(0, 32).Select(i => 0x5400UL + (ulong)(i * 3)).ToList();
        var ir = SeccompKit.Bind($"policy p {{ syscalls {{ allow ioctl if arg1 in [{string.Join(", ", values)}] }} }}");
        var filter = SeccompKit.Compile(ir).Single();
        var baseline = SeccompKit.Run(filter, Arch.X86_64, "ioctl", 0, values[0]).Executed;
        foreach (var value in values.Concat(values.Select(v => v + 1)).Append(0UL).Append(0x1_0000_5400UL))
        {
            var result = SeccompKit.Run(filter, Arch.X86_64, "ioctl", 0, value);
            Assert.Equal(values.Contains(value) ? SeccompAction.Allow : SeccompAction.Errno(1), result.Action);
            // 32 cases: a scan would take up to 32 jumps; the search about log2(32) + 1.
            Assert.True(result.Executed <= baseline + 4, $"ioctl(0, 0x{value:x}) ran {result.Executed} instructions, the first case {baseline}");
        }
    }

    [Fact]
    public void The_frequency_table_changes_the_layout_but_never_the_decisions()
    {
        var ir = SeccompKit.Bind(new RandomSyscallPolicy(7).Any());
        using var temp = new Polc.Tests.Support.TempDirectory();
        var skewed = temp.File("skewed.tsv", string.Join("\n", SyscallTable.Entries(Arch.X86_64).Select((e, i) => $"{e.Name}\t{(i % 7 == 0 ? 1.0 : 0.0)}")));
        var bundled = SeccompBackend.Compile(ir, BackendOptions.Default, []).Single();
        var other = SeccompBackend.Compile(ir, new BackendOptions(skewed), []).Single();
        foreach (var (_, nr) in SyscallTable.Entries(Arch.X86_64))
        {
            Assert.Equal(SeccompKit.Run(bundled, Arch.X86_64.AuditArch(), nr, 5).Action, SeccompKit.Run(other, Arch.X86_64.AuditArch(), nr, 5).Action);
        }
    }
}
