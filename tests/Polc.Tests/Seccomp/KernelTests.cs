using Polc.Backends.Seccomp;
using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Tests.Seccomp.Support;

namespace Polc.Tests.Seccomp;

/// <summary>The compiled filters loaded into the real kernel: a forked child loads the .bpf with seccomp(2)
/// after PR_SET_NO_NEW_PRIVS and makes harmless syscalls; errno, survival, SIGSYS death and traps are
/// checked, and compared with what the simulator predicts.</summary>
public class KernelTests(KernelHarness harness) : IClassFixture<KernelHarness>
{
    /// <summary>Calls with no effect that, whatever their arguments, never return 0 when they run (as root getuid does,
    /// or getsid of a kernel thread), so a return of 0 can only be `errno 0`. getpriority returns 20 - nice, or an errno.</summary>
    private static readonly string[] Harmless = ["getpid", "getppid", "gettid", "getpgrp", "getpriority"];

    private static (SeccompBackend.Filter Filter, byte[] Bytes) Compile(string policy, Arch arch = Arch.X86_64)
    {
        var filter = SeccompKit.Filter(SeccompKit.Compile(SeccompKit.Bind(policy)), arch);
        return (filter, BpfEncoding.Encode(filter.Program, bigEndian: false));
    }

    private static KernelCall Call(string syscall, params ulong[] args)
    {
        Assert.True(SyscallTable.TryGetNumber(Arch.X86_64, syscall, out var nr));
        return new KernelCall(64, nr, args);
    }

    [Fact]
    public void Every_action_does_in_the_kernel_what_the_simulator_says()
    {
        var (filter, bytes) = Compile("""
            policy p {
                syscalls {
                    default errno 1234
                    allow getpid
                    errno 7 getppid
                    errno 0 getpgrp
                    kill getuid
                    kill-thread geteuid
                    trap getgid
                    trace 5 getegid
                    notify gettid
                    log getsid
                    allow exit_group
                }
            }
            """);
        var calls = new[] { "getpid", "getppid", "getpgrp", "getuid", "geteuid", "getgid", "getegid", "gettid", "getsid", "sched_yield" };
        var outcomes = harness.Run(bytes, calls.Select(c => Call(c)).ToList());
        Assert.Equal(
            ["executed", "errno 7", "returned 0", "signal 31", "signal 31", "trap 0", "errno 38", "errno 38", "executed", "errno 1234"],
            outcomes.Select(o => KernelHarness.Fold(o, naturalErrnos: false)));
        for (var i = 0; i < calls.Length; i++)
        {
            Assert.Equal(KernelHarness.Observable(SeccompKit.Run(filter, Arch.X86_64, calls[i]).Action), KernelHarness.Fold(outcomes[i], naturalErrnos: false));
        }
    }

    [Fact]
    public void Argument_checks_see_all_64_bits_in_the_kernel()
    {
        var (_, bytes) = Compile("""
            policy p {
                syscalls {
                    default errno 1000
                    allow getpid if arg0 == 0x1_0000_0002
                    allow getppid if arg1 > 0xffff_ffff && arg2 & 0xf0 == 0x30
                    allow gettid if arg5 < 0x8000_0000_0000_0000 || arg4 in [7, 9]
                    allow exit_group
                }
            }
            """);
        var outcomes = harness.Run(bytes, [
            Call("getpid", 0x1_0000_0002), Call("getpid", 2), Call("getpid", 0x2_0000_0002),
            Call("getppid", 0, 0x1_0000_0000, 0x3f), Call("getppid", 0, 0xffff_ffff, 0x3f), Call("getppid", 0, 0x1_0000_0000, 0x40),
            Call("gettid", 0, 0, 0, 0, 0, 0x7fff_ffff_ffff_ffff), Call("gettid", 0, 0, 0, 0, 9, ulong.MaxValue), Call("gettid", 0, 0, 0, 0, 8, 0x8000_0000_0000_0000),
        ]);
        Assert.Equal(
            ["executed", "errno 1000", "errno 1000", "executed", "errno 1000", "errno 1000", "executed", "executed", "errno 1000"],
            outcomes.Select(o => KernelHarness.Fold(o, naturalErrnos: false)));
    }

    [Fact]
    public void The_x32_bit_is_killed_unless_x32_is_listed()
    {
        const uint x32Getpid = ArchInfo.X32SyscallBit | 39;
        var (_, closed) = Compile("policy p { syscalls { default allow } }");
        var outcomes = harness.Run(closed, [Call("getpid"), new KernelCall(64, x32Getpid), new KernelCall(64, ArchInfo.X32SyscallBit | 110)]);
        Assert.Equal(["executed", "signal 31", "signal 31"], outcomes.Select(o => KernelHarness.Fold(o, naturalErrnos: false)));

        // With x32 listed the filter lets the call through; a kernel built without CONFIG_X86_X32_ABI then answers ENOSYS itself.
        var (_, open) = Compile("policy p { syscalls { arch x86_64, x32; allow getpid, exit_group; errno 9 getppid } }");
        var listed = harness.Run(open, [new KernelCall(64, x32Getpid), new KernelCall(64, ArchInfo.X32SyscallBit | 110)]);
        Assert.Contains(KernelHarness.Fold(listed[0], naturalErrnos: false), new[] { "executed", "errno 38" });
        Assert.Equal("errno 9", listed[1]);
    }

    [Fact]
    public void I386_calls_from_a_64_bit_process_are_a_foreign_arch_unless_x86_is_listed()
    {
        const uint i386Getpid = 20, i386Getppid = 64;
        var probe = harness.Run(null, [new KernelCall(32, i386Getpid)]);
        Assert.True(probe[0].StartsWith("returned ", StringComparison.Ordinal),
            $"this kernel cannot run i386 calls from a 64-bit process (CONFIG_IA32_EMULATION, ia32_emulation=): int $0x80 getpid gave `{probe[0]}`");
        var (_, closed) = Compile("policy p { syscalls { default allow } }");
        Assert.Equal(["signal 31"], harness.Run(closed, [new KernelCall(32, i386Getpid)]));
        var (filter, open) = Compile("policy p { syscalls { arch x86_64, x86; allow getpid, exit_group, exit; errno 9 getppid } }");
        var outcomes = harness.Run(open, [new KernelCall(32, i386Getpid), new KernelCall(32, i386Getppid), new KernelCall(64, 39)]);
        Assert.Equal(["executed", "errno 9", "executed"], outcomes.Select(o => KernelHarness.Fold(o, naturalErrnos: false)));
        Assert.Equal(SeccompAction.Errno(9), SeccompKit.Run(filter, Arch.X86, "getppid").Action);
    }

    [Fact]
    public void A_long_filter_with_trampolines_loads_and_decides_as_simulated()
    {
        var text = new System.Text.StringBuilder("policy big {\n  syscalls {\n    default errno 1111\n    allow exit_group\n");
        foreach (var (name, index) in SyscallTable.Entries(Arch.X86_64).Where(e => !Harmless.Contains(e.Name) && e.Name != "exit_group").Take(150).Select((e, i) => (e.Name, i)))
        {
            text.Append($"    allow {name} if arg0 in [{index * 10 + 1}, {index * 10 + 2}, {index * 10 + 3}]\n");
        }
        text.Append("    allow getpid if arg1 in [5, 0x1_0000_0005]\n    errno 2222 gettid if arg0 > 7\n  }\n}\n");
        var (filter, bytes) = Compile(text.ToString());
        // Four distinct returns; more return or `ja` instructions than that are trampolines.
        var farReaches = filter.Program.Count(i => i.Code == BpfInstruction.JumpAlways || i.IsReturn);
        Assert.True(filter.Program.Length > 512 && farReaches > 4, $"{filter.Program.Length} instructions, {farReaches} returns and jumps");
        var calls = new[] { Call("getpid", 0, 5), Call("getpid", 0, 0x1_0000_0005), Call("getpid", 0, 6), Call("gettid", 8), Call("gettid", 7), Call("getppid") };
        var outcomes = harness.Run(bytes, calls);
        Assert.Equal(["executed", "executed", "errno 1111", "errno 2222", "errno 1111", "errno 1111"], outcomes.Select(o => KernelHarness.Fold(o, naturalErrnos: false)));
        for (var i = 0; i < calls.Length; i++)
        {
            Assert.Equal(KernelHarness.Observable(SeccompKit.Run(filter, Arch.X86_64.AuditArch(), calls[i].Nr, calls[i].Args).Action), KernelHarness.Fold(outcomes[i], naturalErrnos: false));
        }
    }

    [Fact]
    public void The_simulator_agrees_with_the_kernel_on_random_policies()
    {
        string[] actions = ["allow", "errno 1001", "errno 2002", "kill", "kill-thread", "trap", "trace 9", "notify", "log"];
        var compared = 0;
        for (var seed = 0; seed < 40; seed++)
        {
            var generator = new RandomSyscallPolicy(5000 + seed, Harmless, actions);
            var text = generator.Any().Replace("  }\n}", "    allow exit_group\n  }\n}", StringComparison.Ordinal);
            var (filter, bytes) = Compile(text);
            var vectors = generator.ArgumentVectors(mixtures: 4);
            var random = new Random(seed);
            var calls = Harmless.SelectMany(name => vectors.OrderBy(_ => random.Next()).Take(4).Select(args => Call(name, args))).ToList();
            var outcomes = harness.Run(bytes, calls);
            for (var i = 0; i < calls.Count; i++)
            {
                var predicted = KernelHarness.Observable(SeccompKit.Run(filter, Arch.X86_64.AuditArch(), calls[i].Nr, calls[i].Args).Action);
                var observed = KernelHarness.Fold(outcomes[i], naturalErrnos: true);
                Assert.True(predicted == observed, $"seed {5000 + seed}, call `{calls[i].Line}`: simulator `{predicted}`, kernel `{outcomes[i]}`\n{text}");
                compared++;
            }
        }
        Assert.True(compared >= 40 * Harmless.Length * 2);
    }
}
