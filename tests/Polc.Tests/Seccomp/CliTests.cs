using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Semantics;
using Polc.Tests.Support;

namespace Polc.Tests.Seccomp;

/// <summary>`polc compile` for seccomp, `polc disasm`, `polc sim`, and `expect` checks, through the CLI entry point.</summary>
public class CliTests
{
    private const string Policy = """
        policy web {
            syscalls {
                arch x86_64, aarch64
                allow read, write, close
                allow socket if arg0 in [AF_INET, AF_INET6] && arg1 == SOCK_STREAM
                errno ENOSYS clone3
                kill ptrace
            }
            expect {
                allow read, write
                allow socket(AF_INET, SOCK_STREAM)
                deny socket(AF_NETLINK)
                errno ENOSYS clone3
                kill ptrace
                deny mount
            }
        }
        """;

    [Fact]
    public void Compile_writes_one_deterministic_filter_per_architecture()
    {
        using var temp = new TempDirectory();
        var file = temp.File("app.pol", Policy);
        var first = CliRunner.Run("compile", file, "-o", temp.File("a"), "--target", "seccomp");
        Assert.True(first.ExitCode == 0, first.Err);
        var second = CliRunner.Run("compile", file, "-o", temp.File("b"), "--target", "seccomp");
        Assert.Equal(0, second.ExitCode);
        foreach (var arch in new[] { "x86_64", "aarch64" })
        {
            var bytes = File.ReadAllBytes(temp.File($"a/web.{arch}.bpf"));
            Assert.Equal(bytes, File.ReadAllBytes(temp.File($"b/web.{arch}.bpf")));
            Assert.Equal(0, bytes.Length % 8);
            Assert.Null(BpfValidator.Check(BpfEncoding.Decode(bytes, bigEndian: false)));
        }
        Assert.Equal(["web.aarch64.bpf", "web.x86_64.bpf"], Directory.GetFiles(temp.File("a")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_failed_expectation_is_an_error_at_its_line_naming_the_action_taken()
    {
        using var temp = new TempDirectory();
        var file = temp.File("app.pol", """
            policy p {
                syscalls {
                    arch x86_64, aarch64
                    allow read
                    errno EACCES write
                }
                expect {
                    allow read
                    errno EPERM write
                    deny read
                    allow open
                }
            }
            """);
        var result = CliRunner.Run("compile", file, "-o", temp.File("out"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("app.pol:9:21: error POL0901: expectation `errno EPERM write` does not hold on x86_64: the filter returns `errno EACCES`", result.Err);
        Assert.Contains("app.pol:9:21: error POL0901: expectation `errno EPERM write` does not hold on aarch64: the filter returns `errno EACCES`", result.Err);
        Assert.Contains("app.pol:10:14: error POL0901: expectation `deny read` does not hold on x86_64: the filter returns `allow`", result.Err);
        // `open` does not exist on aarch64: only x86_64 is checked.
        Assert.Contains("app.pol:11:15: error POL0901: expectation `allow open` does not hold on x86_64: the filter returns `errno EPERM`", result.Err);
        Assert.DoesNotContain("`allow open` does not hold on aarch64", result.Err);
        Assert.DoesNotContain("`allow read` does not hold", result.Err);
        Assert.False(Directory.Exists(temp.File("out")) && Directory.EnumerateFiles(temp.File("out")).Any());
    }

    [Fact]
    public void Expectations_are_checked_whatever_the_targets()
    {
        using var temp = new TempDirectory();
        var file = temp.File("app.pol", "policy p {\n  syscalls { allow read }\n  expect { kill read }\n}\n");
        var result = CliRunner.Run("compile", file, "-o", temp.File("out"), "--emit", "ir");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("app.pol:3:17: error POL0901: expectation `kill read` does not hold on x86_64: the filter returns `allow`", result.Err);
        var passing = CliRunner.Run("compile", temp.File("ok.pol", Policy), "-o", temp.File("out"), "--emit", "ir");
        Assert.True(passing.ExitCode == 0, passing.Err);
    }

    [Fact]
    public void Disasm_lists_instructions_with_names_and_targets()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("compile", temp.File("app.pol", Policy), "-o", temp.Path, "-t", "seccomp").ExitCode);
        var result = CliRunner.Run("disasm", temp.File("web.x86_64.bpf"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("ld   [4]", result.Out);
        Assert.Contains("; x86_64", result.Out);
        Assert.Contains("; A = arg0.lo", result.Out);
        Assert.Contains("; allow", result.Out);
        Assert.Contains("; errno ENOSYS", result.Out);
        Assert.Matches(@"j(eq|ge) +#0x65 +jt \d+ +jf \d+ +; ptrace", result.Out);
        var arm = CliRunner.Run("disasm", temp.File("web.aarch64.bpf"));
        Assert.Contains("; aarch64", arm.Out);
        Assert.Contains("; socket", arm.Out);
    }

    [Fact]
    public void Disasm_and_sim_report_bad_input_with_the_usual_exit_codes()
    {
        using var temp = new TempDirectory();
        Assert.Equal(2, CliRunner.Run("disasm", temp.File("missing.bpf")).ExitCode);
        File.WriteAllBytes(temp.File("odd.bpf"), [1, 2, 3]);
        Assert.Equal(2, CliRunner.Run("disasm", temp.File("odd.bpf")).ExitCode);
        // ld [4]; jeq with a jump past the end: decodable, but the kernel would refuse it.
        File.WriteAllBytes(temp.File("bad.bpf"), BpfEncoding.Encode([BpfInstruction.Load(4), BpfInstruction.Branch(BpfCode.Jeq, 1, 5, 0), BpfInstruction.Return(0)], false));
        var bad = CliRunner.Run("disasm", temp.File("bad.bpf"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("instruction 1: jumps past the end", bad.Err);
        Assert.Equal(1, CliRunner.Run("sim", temp.File("bad.bpf"), "--syscall", "read").ExitCode);
        Assert.Equal(2, CliRunner.Run("disasm", temp.File("bad.bpf"), "--arch", "vax").ExitCode);
    }

    [Fact]
    public void Sim_prints_the_action_and_the_instructions_executed()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("compile", temp.File("app.pol", Policy), "-o", temp.Path, "-t", "seccomp").ExitCode);
        var filter = temp.File("web.x86_64.bpf");
        var program = BpfEncoding.Decode(File.ReadAllBytes(filter), false);
        SyscallTable.TryGetNumber(Arch.X86_64, "socket", out var socket);
        var expected = BpfInterpreter.Run(program, SeccompData.Call(Arch.X86_64, socket, 2, 1), false);
        var allowed = CliRunner.Run("sim", filter, "--syscall", "socket", "--args", "AF_INET", "SOCK_STREAM");
        Assert.Equal(0, allowed.ExitCode);
        Assert.Equal($"x86_64 socket(2, 1): allow (ret 0x7fff0000) after {expected.Executed} instructions\n", allowed.Out);
        Assert.Contains(": errno EPERM (ret 0x00050001)", CliRunner.Run("sim", filter, "--syscall", "socket", "--args", "16").Out);
        Assert.Contains("x86_64 ptrace(): kill (ret 0x80000000)", CliRunner.Run("sim", filter, "-s", "101").Out);
        Assert.Contains("x32 read(): kill", CliRunner.Run("sim", filter, "--arch", "x32", "--syscall", "read").Out);
        Assert.Contains("#1073741824(): kill", CliRunner.Run("sim", filter, "--arch", "x86_64", "--syscall", "0x40000000").Out);
        var traced = CliRunner.Run("sim", filter, "--syscall", "read", "--trace");
        Assert.StartsWith("  0: ld   [4]", traced.Out);
        Assert.Equal(2, CliRunner.Run("sim", filter, "--syscall", "reed").ExitCode);
        Assert.Contains("did you mean `read`?", CliRunner.Run("sim", filter, "--syscall", "reed").Err);
        Assert.Equal(2, CliRunner.Run("sim", filter, "--syscall", "read", "--args", "AF_NOPE").ExitCode);
        Assert.Equal(2, CliRunner.Run("sim", filter).ExitCode);
    }

    [Fact]
    public void Sim_coverage_and_stats_mirror_the_kernel_cache()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run("compile", temp.File("app.pol", Policy), "-o", temp.Path, "-t", "seccomp").ExitCode);
        var coverage = CliRunner.Run("sim", temp.File("web.x86_64.bpf"), "--coverage");
        Assert.Equal(0, coverage.ExitCode);
        Assert.StartsWith("x86_64: 4 syscalls can be allowed; the kernel's action cache covers 3 of them\n", coverage.Out);
        Assert.Contains("not cached (1; the filter reads arguments or may return another action on their path):\n  socket (41)\n", coverage.Out);
        var stats = CliRunner.Run("sim", temp.File("web.x86_64.bpf"), "--stats");
        Assert.Contains("allowed syscalls: 4\n", stats.Out);
        Assert.Contains("cacheable: 3\n", stats.Out);
        // The kernel's bitmaps hold native and compat numbers only: x32 calls always run the filter.
        Assert.Equal(0, CliRunner.Run("compile", temp.File("x32.pol", "policy x { syscalls { arch x86_64, x32; allow read } }"), "-o", temp.Path, "-t", "seccomp").ExitCode);
        Assert.StartsWith("x32: 1 syscalls can be allowed; the kernel's action cache covers 0 of them", CliRunner.Run("sim", temp.File("x.x86_64.bpf"), "--arch", "x32", "--coverage").Out);
        Assert.StartsWith("x86_64: 1 syscalls can be allowed; the kernel's action cache covers 1 of them", CliRunner.Run("sim", temp.File("x.x86_64.bpf"), "--coverage").Out);
    }

    [Fact]
    public void A_frequency_file_is_checked()
    {
        using var temp = new TempDirectory();
        var file = temp.File("app.pol", Policy);
        var good = temp.File("good.tsv", "# mine\nread\t0.5\nwrite 0.5\n");
        Assert.Equal(0, CliRunner.Run("compile", file, "-o", temp.File("out"), "--frequency", good).ExitCode);
        var bad = CliRunner.Run("compile", file, "-o", temp.File("out"), "--frequency", temp.File("bad.tsv", "read\tlots\nwrtie\t0.1\n"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("bad.tsv:1:1: error POL2002: `read\tlots` is not a frequency line", bad.Err);
        Assert.Contains("bad.tsv:2:1: warning POL2003: unknown syscall `wrtie` in the frequency table; it weights nothing; did you mean `write`?", bad.Err);
    }
}
