using System.CommandLine;
using System.Globalization;
using Polc.Backends.Seccomp;
using Polc.Backends.Seccomp.Analysis;
using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Cli.Commands;

/// <summary>`polc sim FILE.bpf [--arch A] (--syscall NAME|NR [--args ...] [--trace] | --coverage | --stats)`.</summary>
public static class SimCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "a seccomp filter (.bpf)" };
        var arch = DisasmCommand.ArchOption();
        var syscall = new Option<string?>("--syscall", "-s") { Description = "the call to simulate: a syscall name of the architecture, or a number (0x.. allowed)" };
        var args = new Option<string[]>("--args", "-a")
        {
            Description = "up to six argument values: numbers (decimal, 0x, 0o, 0b, negative) or constants such as AF_INET; missing ones are 0",
            AllowMultipleArgumentsPerToken = true,
        };
        var trace = new Option<bool>("--trace") { Description = "also list the instructions executed" };
        var coverage = new Option<bool>("--coverage") { Description = "list the syscalls the filter can allow and which of them the kernel's action cache covers" };
        var stats = new Option<bool>("--stats") { Description = "print instruction count, instructions executed per allowed syscall (mean, worst, frequency-weighted) and cacheable count" };
        var frequency = new Option<string?>("--frequency") { Description = "frequency table for --stats (default: the bundled one)" };
        var command = new Command("sim",
            "Run a seccomp filter on a simulated call, as the kernel would, and print the action and the\n" +
            "number of instructions executed; or analyse every syscall of the architecture.\n" +
            "Exit codes: 0 done, 1 the kernel would reject the filter, 2 usage or I/O errors.\n\n" +
            "Examples:\n" +
            "  polc sim out/app.x86_64.bpf --syscall getpid\n" +
            "  polc sim out/app.x86_64.bpf --syscall socket --args AF_INET SOCK_STREAM 0\n" +
            "  polc sim out/app.x86_64.bpf --arch x32 --syscall read      # an x32 call (nr | 0x40000000)\n" +
            "  polc sim out/app.x86_64.bpf --syscall 0x40000027 --trace\n" +
            "  polc sim out/app.x86_64.bpf --coverage\n" +
            "  polc sim filter.bpf --arch x86_64 --stats")
        {
            file, arch, syscall, args, trace, coverage, stats, frequency,
        };
        command.SetAction(parse => Run(context, new Request(
            parse.GetValue(file)!, parse.GetValue(arch), parse.GetValue(syscall), parse.GetValue(args) ?? [],
            parse.GetValue(trace), parse.GetValue(coverage), parse.GetValue(stats), parse.GetValue(frequency))));
        return command;
    }

    public sealed record Request(string File, string? Arch, string? Syscall, IReadOnlyList<string> Args, bool Trace, bool Coverage, bool Stats, string? FrequencyFile);

    public static int Run(CliContext context, Request request)
    {
        var modes = (request.Syscall is null ? 0 : 1) + (request.Coverage ? 1 : 0) + (request.Stats ? 1 : 0);
        if (modes != 1)
        {
            context.Err.WriteLine("polc: give exactly one of --syscall, --coverage and --stats (see `polc sim --help`)");
            return ExitCodes.UsageOrIo;
        }
        if (DisasmCommand.Load(context, request.File, request.Arch) is not { } filter)
        {
            return ExitCodes.UsageOrIo;
        }
        if (filter.Problem is not null)
        {
            return DisasmCommand.ReportProblem(context, request.File, filter);
        }
        if (request.Coverage)
        {
            PrintCoverage(context, filter);
            return ExitCodes.Success;
        }
        if (request.Stats)
        {
            return PrintStatistics(context, filter, request.FrequencyFile);
        }
        return Simulate(context, filter, request);
    }

    private static int Simulate(CliContext context, FilterFile filter, Request request)
    {
        if (!TryResolveSyscall(filter.Arch, request.Syscall!, out var nr, out var name))
        {
            var suggestion = SpellChecker.Suggest(request.Syscall!, SyscallTable.Entries(filter.Arch).Select(e => e.Name));
            context.Err.WriteLine($"polc: unknown syscall `{request.Syscall}` on {filter.Arch.Name()}{(suggestion is null ? "" : $"; did you mean `{suggestion}`?")}");
            return ExitCodes.UsageOrIo;
        }
        if (request.Args.Count > 6)
        {
            context.Err.WriteLine("polc: a syscall has at most six arguments");
            return ExitCodes.UsageOrIo;
        }
        var args = new ulong[request.Args.Count];
        for (var i = 0; i < args.Length; i++)
        {
            if (!TryParseValue(request.Args[i], out args[i]))
            {
                context.Err.WriteLine($"polc: `{request.Args[i]}` is not a number or a known constant");
                return ExitCodes.UsageOrIo;
            }
        }
        var trace = request.Trace ? new List<int>() : null;
        var result = BpfInterpreter.Run(filter.Program, SeccompData.Call(filter.Arch, nr, args), filter.Arch.IsBigEndian(), trace);
        if (trace is not null)
        {
            var listing = Disassembler.Disassemble(filter.Program, filter.Arch).Split('\n');
            foreach (var pc in trace)
            {
                context.Out.WriteLine(listing[pc]);
            }
        }
        var shown = string.Join(", ", args.Select(a => a < 10 ? a.ToString(CultureInfo.InvariantCulture) : $"0x{a:x}"));
        context.Out.WriteLine($"{filter.Arch.Name()} {name}({shown}): {result.Action} (ret 0x{result.Return:x8}) after {result.Executed} instructions");
        return ExitCodes.Success;
    }

    private static void PrintCoverage(CliContext context, FilterFile filter)
    {
        var allowed = FilterAnalysis.Coverage(filter.Program, filter.Arch).Where(c => c.CanAllow).ToList();
        var cached = allowed.Where(c => c.Cacheable).ToList();
        var uncached = allowed.Where(c => !c.Cacheable).ToList();
        context.Out.WriteLine($"{filter.Arch.Name()}: {allowed.Count} syscalls can be allowed; the kernel's action cache covers {cached.Count} of them");
        context.Out.WriteLine($"not cached ({uncached.Count}; the filter reads arguments or may return another action on their path):");
        foreach (var c in uncached)
        {
            context.Out.WriteLine($"  {c.Name} ({c.Nr})");
        }
        context.Out.WriteLine($"cached ({cached.Count}; allowed without running the filter, Linux 5.11+):");
        foreach (var c in cached)
        {
            context.Out.WriteLine($"  {c.Name} ({c.Nr})");
        }
    }

    private static int PrintStatistics(CliContext context, FilterFile filter, string? frequencyFile)
    {
        var frequencies = FrequencyTable.Bundled;
        if (frequencyFile is not null)
        {
            var diagnostics = new List<Diagnostic>();
            var loaded = FrequencyTable.Load(frequencyFile, diagnostics);
            DiagnosticPrinter.Print(context, diagnostics);
            if (loaded is null || diagnostics.Any(d => d.IsError))
            {
                return ExitCodes.UsageOrIo;
            }
            frequencies = loaded;
        }
        var s = FilterAnalysis.Statistics(filter.Program, filter.Arch, frequencies);
        context.Out.WriteLine($"instructions: {s.Instructions}");
        context.Out.WriteLine($"allowed syscalls: {s.Allowed}");
        context.Out.WriteLine($"mean executed: {s.MeanExecuted.ToString("0.00", CultureInfo.InvariantCulture)}");
        context.Out.WriteLine($"worst executed: {s.WorstExecuted}");
        context.Out.WriteLine($"weighted mean executed: {s.WeightedMeanExecuted.ToString("0.00", CultureInfo.InvariantCulture)}");
        context.Out.WriteLine($"cacheable: {s.Cacheable}");
        return ExitCodes.Success;
    }

    private static bool TryResolveSyscall(Arch arch, string text, out uint nr, out string name)
    {
        if (SyscallTable.TryGetNumber(arch, text, out nr))
        {
            name = text;
            return true;
        }
        if (TryParseValue(text, out var value) && value <= uint.MaxValue && !ConstantTable.TryGet(text, out _))
        {
            nr = (uint)value;
            name = SyscallTable.TryGetName(arch, nr, out var known) ? known : $"#{nr}";
            return true;
        }
        name = "";
        return false;
    }

    internal static bool TryParseValue(string text, out ulong value)
    {
        if (ConstantTable.TryGet(text, out value))
        {
            return true;
        }
        var clean = text.Replace("_", "", StringComparison.Ordinal);
        var negative = clean.StartsWith('-');
        if (negative)
        {
            clean = clean[1..];
        }
        var (digits, radix) = clean.Length > 2 && clean[0] == '0' ? char.ToLowerInvariant(clean[1]) switch
        {
            'x' => (clean[2..], 16),
            'o' => (clean[2..], 8),
            'b' => (clean[2..], 2),
            _ => (clean, 10),
        } : (clean, 10);
        try
        {
            value = radix == 10 ? ulong.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) : Convert.ToUInt64(digits, radix);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }
        value = negative ? 0 - value : value;
        return digits.Length > 0;
    }
}
