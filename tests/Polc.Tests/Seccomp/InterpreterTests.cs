using Polc.Backends.Seccomp;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Tests.Seccomp.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Seccomp;

/// <summary>Kafel-style behaviour tests: a policy, then what the compiled filter does for given calls,
/// on every architecture the policy lists (where the syscall exists). Each outcome is also checked
/// against the reference semantics computed from the IR.</summary>
public class InterpreterTests
{
    /// <param name="CallArch">made under this architecture (checked on the filters of its kernel family); default: each filter's own.</param>
    private sealed record Call(string Syscall, ulong[] Args, SeccompAction Expected, Arch? CallArch = null);

    private static Call Allows(string syscall, params ulong[] args) => new(syscall, args, SeccompAction.Allow);

    private static Call Errno(int errno, string syscall, params ulong[] args) => new(syscall, args, SeccompAction.Errno((uint)errno));

    private static Call Kills(string syscall, params ulong[] args) => new(syscall, args, SeccompAction.KillProcess);

    private static Call Gives(SeccompAction action, string syscall, params ulong[] args) => new(syscall, args, action);

    private const int EPERM = 1;

    private static void Check(string policy, params Call[] calls) => Check(SeccompKit.Bind(policy), calls);

    private static void Check(PolicyIr ir, params Call[] calls)
    {
        var filters = SeccompKit.Compile(ir);
        foreach (var filter in filters)
        {
            foreach (var call in calls)
            {
                var callArch = call.CallArch ?? filter.Arch;
                if (!filter.Arch.Family().Contains(callArch) || !SyscallTable.TryGetNumber(callArch, call.Syscall, out var nr))
                {
                    continue;
                }
                var result = SeccompKit.Run(filter, callArch.AuditArch(), nr, call.Args);
                var what = $"{call.Syscall}({string.Join(", ", call.Args.Select(a => $"0x{a:x}"))}) made as {callArch.Name()} through the {filter.Arch.Name()} filter";
                Assert.True(call.Expected == result.Action, $"{what}: expected `{call.Expected}`, got `{result.Action}`");
                var reference = ReferenceSemantics.Decide(ir.Syscalls, filter.Arch, callArch.AuditArch(), nr, call.Args);
                Assert.True(reference == result.Action, $"{what}: the reference semantics say `{reference}`, the filter `{result.Action}`");
            }
        }
    }

    [Fact]
    public void Every_action_returns_its_seccomp_value()
    {
        Check("""
            policy p {
                syscalls {
                    allow read
                    errno EACCES write
                    errno 4095 close
                    kill getpid
                    kill-thread getppid
                    trap getuid
                    trace 77 geteuid
                    notify getgid
                    log getegid
                    deny gettid
                }
            }
            """,
            Allows("read"),
            Errno(13, "write"),
            Errno(4095, "close"),
            Kills("getpid"),
            Gives(new SeccompAction(SeccompActionKind.KillThread), "getppid"),
            Gives(new SeccompAction(SeccompActionKind.Trap), "getuid"),
            Gives(new SeccompAction(SeccompActionKind.Trace, 77), "geteuid"),
            Gives(new SeccompAction(SeccompActionKind.Notify), "getgid"),
            Gives(new SeccompAction(SeccompActionKind.Log), "getegid"),
            Errno(EPERM, "gettid"),
            Errno(EPERM, "openat"));
    }

    [Fact]
    public void Deny_takes_the_errno_of_the_default()
    {
        Check("""
            policy p {
                syscalls {
                    default errno EACCES
                    deny mount
                    allow read
                }
            }
            """,
            Errno(13, "mount"), Errno(13, "write"), Allows("read"));
    }

    [Fact]
    public void Default_allow_makes_a_deny_list()
    {
        Check("""
            policy p {
                syscalls {
                    default allow
                    kill ptrace
                    errno ENOSYS clone3
                }
            }
            """,
            Allows("read"), Allows("openat"), Kills("ptrace"), Errno(38, "clone3"));
    }

    [Theory]
    [InlineData("default kill", SeccompActionKind.KillProcess)]
    [InlineData("default kill-thread", SeccompActionKind.KillThread)]
    [InlineData("default trap", SeccompActionKind.Trap)]
    [InlineData("default log", SeccompActionKind.Log)]
    [InlineData("default notify", SeccompActionKind.Notify)]
    public void Every_default_applies_to_unnamed_syscalls(string line, SeccompActionKind kind)
    {
        Check($$"""
            policy p {
                syscalls {
                    {{line}}
                    allow read
                }
            }
            """,
            Allows("read"), Gives(new SeccompAction(kind), "write"), Gives(new SeccompAction(kind), "mount"));
    }

    [Fact]
    public void Numbers_outside_the_table_get_the_default()
    {
        var filter = SeccompKit.Compile(SeccompKit.Bind("policy p { syscalls { default errno 7; allow read } }")).Single();
        foreach (var nr in new uint[] { 336, 400, 470, 1000, 0x3fff_ffff, uint.MaxValue })
        {
            Assert.Equal(SeccompAction.Errno(7), SeccompKit.Run(filter, Arch.X86_64.AuditArch(), nr).Action);
        }
    }

    [Fact]
    public void The_first_matching_rule_decides()
    {
        Check("""
            policy p {
                syscalls {
                    errno 5 read if arg0 == 1
                    allow read if arg0 < 10
                    errno 6 read
                    allow read
                    allow write
                    errno 9 write
                }
            }
            """,
            Errno(5, "read", 1), Allows("read", 0), Allows("read", 9), Errno(6, "read", 10), Errno(6, "read", 1UL << 32), Allows("write"));
    }

    [Fact]
    public void Equality_compares_all_64_bits()
    {
        Check("""
            policy p {
                syscalls {
                    allow read if arg0 == 0x1_0000_0002
                    allow write if arg1 != 0xffff_ffff
                    allow close if arg2 == 0xffff_ffff_ffff_ffff
                }
            }
            """,
            Allows("read", 0x1_0000_0002), Errno(EPERM, "read", 2), Errno(EPERM, "read", 0x2_0000_0002), Errno(EPERM, "read", 0x1_0000_0003),
            Allows("write", 0, 0), Errno(EPERM, "write", 0, 0xffff_ffff), Allows("write", 0, 0x1_ffff_ffff), Allows("write", 0, 0xffff_ffff_ffff_ffff),
            Allows("close", 0, 0, ulong.MaxValue), Errno(EPERM, "close", 0, 0, 0xffff_ffff), Errno(EPERM, "close", 0, 0, 0xffff_ffff_0000_0000));
    }

    [Fact]
    public void Ordering_compares_the_high_word_first()
    {
        Check("""
            policy p {
                syscalls {
                    allow read if arg0 > 0x1_0000_0005
                    allow write if arg0 >= 0x1_0000_0005
                    allow close if arg0 < 0x1_0000_0005
                    allow lseek if arg0 <= 0x1_0000_0005
                }
            }
            """,
            Allows("read", 0x1_0000_0006), Allows("read", 0x2_0000_0000), Errno(EPERM, "read", 0x1_0000_0005), Errno(EPERM, "read", 0xffff_ffff), Errno(EPERM, "read", 6),
            Allows("write", 0x1_0000_0005), Allows("write", ulong.MaxValue), Errno(EPERM, "write", 0x1_0000_0004), Errno(EPERM, "write", 0x0_ffff_ffff),
            Allows("close", 0x1_0000_0004), Allows("close", 0xffff_ffff), Allows("close", 0), Errno(EPERM, "close", 0x1_0000_0005), Errno(EPERM, "close", 0x2_0000_0000),
            Allows("lseek", 0x1_0000_0005), Allows("lseek", 0x1_0000_0000), Errno(EPERM, "lseek", 0x1_0000_0006), Errno(EPERM, "lseek", 0x1_8000_0000));
    }

    [Fact]
    public void Comparisons_at_the_edges_of_the_range()
    {
        Check("""
            policy p {
                syscalls {
                    allow read if arg0 >= 0
                    allow write if arg0 > 0xffff_ffff_ffff_ffff
                    allow close if arg0 < 0
                    allow lseek if arg0 <= 0xffff_ffff_ffff_ffff
                    allow mmap if arg0 > 0xffff_ffff
                    allow munmap if arg0 < 0x1_0000_0000
                }
            }
            """,
            Allows("read", 0), Allows("read", ulong.MaxValue),
            Errno(EPERM, "write", ulong.MaxValue), Errno(EPERM, "close", 0), Allows("lseek", ulong.MaxValue),
            Allows("mmap", 0x1_0000_0000), Errno(EPERM, "mmap", 0xffff_ffff),
            Allows("munmap", 0xffff_ffff), Errno(EPERM, "munmap", 0x1_0000_0000));
    }

    [Fact]
    public void Masked_comparisons_across_both_words()
    {
        Check("""
            policy p {
                syscalls {
                    allow read if arg0 & 0xff == 0x12
                    allow write if arg1 & 0xffff_0000_0000_ffff == 0x1234_0000_0000_5678
                    allow close if arg0 & 0x8 == 0
                    allow lseek if arg0 & 0x8 == 0x8
                    allow mmap if arg0 & 0xf0 < 0x30
                    allow munmap if arg0 & 0xff_0000_0000 > 0x10_0000_0000
                    allow brk if arg0 & 0x6 == 0x5
                    allow clone if arg0 & CLONE_NEWUSER == 0
                }
            }
            """,
            Allows("read", 0x12), Allows("read", 0xffff_ff12), Allows("read", 0x5_0000_0012), Errno(EPERM, "read", 0x13),
            Allows("write", 0, 0x1234_abcd_ef01_5678), Errno(EPERM, "write", 0, 0x1235_0000_0000_5678), Errno(EPERM, "write", 0, 0x1234_0000_0000_5679),
            Allows("close", 0), Allows("close", 0xffff_fff7), Errno(EPERM, "close", 0x8), Errno(EPERM, "close", 0xffff_ffff_ffff_ffff),
            Allows("lseek", 0x8), Allows("lseek", 0xff), Errno(EPERM, "lseek", 0x7),
            Allows("mmap", 0x2f), Allows("mmap", 0xffff_ff0f), Errno(EPERM, "mmap", 0x30), Errno(EPERM, "mmap", 0xf0),
            Allows("munmap", 0x11_0000_0000), Errno(EPERM, "munmap", 0x10_ffff_ffff), Errno(EPERM, "munmap", 0x100_0000_0000),
            Errno(EPERM, "brk", 0x5), Errno(EPERM, "brk", 0x7),
            Allows("clone", 0x11), Errno(EPERM, "clone", 0x1000_0000), Allows("clone", 0x1_0000_0000));
    }

    [Fact]
    public void And_or_not_in_and_not_in()
    {
        Check("""
            policy p {
                syscalls {
                    allow socket if arg0 in [AF_INET, AF_INET6, AF_UNIX] && arg1 == SOCK_STREAM
                    allow personality if arg0 == 0 || arg0 == 0x8 || arg0 == 0xffffffff
                    allow read if !(arg0 == 3 || arg1 > 10)
                    allow write if arg0 not in [1, 2] && (arg2 == 7 || !(arg3 < 5))
                }
            }
            """,
            Allows("socket", 2, 1), Allows("socket", 10, 1), Allows("socket", 1, 1), Errno(EPERM, "socket", 2, 2), Errno(EPERM, "socket", 16, 1), Errno(EPERM, "socket", 0x1_0000_0002, 1),
            Allows("personality", 0), Allows("personality", 8), Allows("personality", 0xffff_ffff), Errno(EPERM, "personality", 0x1_0000_0000), Errno(EPERM, "personality", 9),
            Allows("read", 2, 10), Errno(EPERM, "read", 3, 0), Errno(EPERM, "read", 2, 11),
            Allows("write", 3, 0, 7), Allows("write", 3, 0, 0, 5), Errno(EPERM, "write", 3, 0, 0, 4), Errno(EPERM, "write", 1, 0, 7), Errno(EPERM, "write", 2, 0, 0, 9));
    }

    [Fact]
    public void Groups_expand_to_their_members()
    {
        Check("""
            group @mine = read, write, @more
            group @more = close, lseek
            policy p {
                syscalls {
                    errno 7 @more if arg0 == 1
                    allow @mine
                }
            }
            """,
            Allows("read"), Allows("write"), Allows("close", 2), Errno(7, "close", 1), Errno(7, "lseek", 1), Allows("lseek"), Errno(EPERM, "openat"));
    }

    [Fact]
    public void A_policy_rules_come_before_its_bases_rules_and_its_default_wins()
    {
        using var temp = new TempDirectory();
        temp.File("base.pol", """
            policy base {
                syscalls {
                    default kill
                    allow read, write
                    errno 9 close
                }
            }
            """);
        temp.File("second.pol", """
            policy second {
                syscalls {
                    errno 11 lseek, read
                    allow close
                }
            }
            """);
        var path = temp.File("app.pol", """
            policy app extends "base.pol", "second.pol" {
                syscalls {
                    default errno 5
                    errno 4 write if arg0 == 2
                }
            }
            """);
        var ir = PolicyBinder.BindFile(path).Policy;
        Assert.NotNull(ir);
        Check(ir, Allows("read"), Allows("write", 1), Errno(4, "write", 2), Errno(9, "close"), Errno(11, "lseek"), Errno(5, "openat"));
    }

    [Fact]
    public void X32_calls_are_killed_unless_x32_is_listed()
    {
        Check("""
            policy p {
                syscalls {
                    default allow
                }
            }
            """,
            Allows("read"), new Call("read", [], SeccompAction.KillProcess, Arch.X32), new Call("getpid", [], SeccompAction.KillProcess, Arch.X32));
        var filter = SeccompKit.Compile(SeccompKit.Bind("policy p { syscalls { default allow } }")).Single();
        foreach (var nr in new uint[] { 0x4000_0000, 0x4000_0027, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe })
        {
            Assert.Equal(SeccompAction.KillProcess, SeccompKit.Run(filter, Arch.X86_64.AuditArch(), nr).Action);
        }
        // -1 is not an x32 call: it gets the default, as in libseccomp.
        Assert.Equal(SeccompAction.Allow, SeccompKit.Run(filter, Arch.X86_64.AuditArch(), uint.MaxValue).Action);
    }

    [Fact]
    public void Listing_x32_applies_the_rules_to_x32_numbers()
    {
        var ir = SeccompKit.Bind("""
            policy p {
                syscalls {
                    arch x86_64, x32
                    allow read
                    errno 3 getpid
                }
            }
            """);
        Check(ir,
            Allows("read"), Errno(3, "getpid"), Errno(EPERM, "write"),
            new Call("read", [], SeccompAction.Allow, Arch.X32), new Call("getpid", [], SeccompAction.Errno(3), Arch.X32), new Call("write", [], SeccompAction.Errno(EPERM), Arch.X32));
        var filters = SeccompKit.Compile(ir);
        Assert.Equal([Arch.X86_64, Arch.X32], filters.Select(f => f.Arch));
        // An x32 number that is not in the x32 table gets the default.
        Assert.Equal(SeccompAction.Errno(EPERM), SeccompKit.Run(filters[0], Arch.X86_64.AuditArch(), 0x4000_0000 + 1000).Action);
    }

    [Fact]
    public void Only_x32_listed_kills_x86_64_calls()
    {
        var ir = SeccompKit.Bind("policy p { syscalls { arch x32; allow read } }");
        var filter = SeccompKit.Compile(ir).Single();
        Assert.Equal(SeccompAction.KillProcess, SeccompKit.Run(filter, Arch.X86_64, "read").Action);
        Assert.Equal(SeccompAction.Allow, SeccompKit.Run(filter, Arch.X32, "read").Action);
    }

    [Fact]
    public void A_foreign_architecture_is_killed()
    {
        var filter = SeccompKit.Compile(SeccompKit.Bind("policy p { syscalls { default allow } }")).Single();
        foreach (var arch in new[] { Arch.X86, Arch.Aarch64, Arch.Arm, Arch.Riscv64, Arch.Ppc64le, Arch.S390x })
        {
            Assert.Equal(SeccompAction.KillProcess, SeccompKit.Run(filter, arch.AuditArch(), 0).Action);
        }
        Assert.Equal(SeccompAction.KillProcess, SeccompKit.Run(filter, 0x1234_5678, 0).Action);
    }

    [Fact]
    public void A_listed_compat_architecture_of_the_same_kernel_follows_its_own_numbers()
    {
        // i386 getpid is 20, x86_64 getpid is 39; int 0x80 from a 64-bit process reaches the x86_64 filter as i386.
        Check("""
            policy p {
                syscalls {
                    arch x86_64, x86, aarch64, arm
                    allow getpid
                    errno 3 read if arg0 == 0x1_0000_0000
                }
            }
            """,
            Allows("getpid"), Errno(EPERM, "write"), Errno(3, "read", 0x1_0000_0000), Errno(EPERM, "read", 0),
            new Call("getpid", [], SeccompAction.Allow, Arch.X86), new Call("write", [], SeccompAction.Errno(EPERM), Arch.X86),
            new Call("getpid", [], SeccompAction.Allow, Arch.Arm), new Call("read", [0x1_0000_0000], SeccompAction.Errno(3), Arch.Arm));
        var filters = SeccompKit.Compile(SeccompKit.Bind("policy p { syscalls { arch x86_64, aarch64, arm; allow getpid } }"));
        var aarch64 = SeccompKit.Filter(filters, Arch.Aarch64);
        Assert.Equal(SeccompAction.Allow, SeccompKit.Run(aarch64, Arch.Arm, "getpid").Action);
        Assert.Equal(SeccompAction.KillProcess, SeccompKit.Run(aarch64, Arch.X86_64, "getpid").Action);
        Assert.Equal(SeccompAction.KillProcess, SeccompKit.Run(SeccompKit.Filter(filters, Arch.X86_64), Arch.X86, "getpid").Action);
    }

    [Fact]
    public void Every_architecture_compiles_and_checks_arguments_in_its_byte_order()
    {
        Check("""
            policy p {
                syscalls {
                    arch x86_64, x86, x32, aarch64, arm, riscv64, ppc64le, s390x
                    allow read if arg0 == 0x1_0000_0002 || arg1 & 0xff00 == 0x100
                    errno 3 write if arg2 > 0xffff_ffff
                    allow close
                }
            }
            """,
            Allows("read", 0x1_0000_0002), Errno(EPERM, "read", 2), Errno(EPERM, "read", 0x2_0000_0001), Allows("read", 0, 0x1ff), Errno(EPERM, "read", 0, 0x1_0000_0000),
            Errno(3, "write", 0, 0, 0x1_0000_0000), Errno(EPERM, "write", 0, 0, 0xffff_ffff), Allows("close"), Errno(EPERM, "openat"));
    }
}
