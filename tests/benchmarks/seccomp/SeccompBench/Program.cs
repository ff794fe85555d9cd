using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Polc.Backends;
using Polc.Backends.Seccomp;
using Polc.Backends.Seccomp.Analysis;
using Polc.Backends.Seccomp.Bpf;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Tests.Seccomp.Support;

namespace Polc.Benchmarks.Seccomp;

/// <summary>
/// polc's x86_64 filter for a policy side by side with libseccomp's (levels 1 and 2) for the same policy,
/// or for a Docker/OCI profile claimed equivalent: static figures from the simulator, and in-kernel time.
/// Usage (see run.sh): SeccompBench POLICY.pol [--profile PROFILE.json] [--denied NAME] [--filtered NAME HEXVALUE]...
///                     [--copies K] [--rounds R] [--iterations N] [--repeat M] [--out DIR]
/// </summary>
public static class Program
{
    /// <param name="Filtered">argument-checked calls to time: (syscall, arg0).</param>
    private sealed record Options(string Policy, string? Profile, string Denied, List<(string Name, ulong Arg)> Filtered, int Copies, int Rounds, int Iterations, int Repeat, string Out);

    public static int Main(string[] args)
    {
        if (Parse(args) is not { } options)
        {
            Console.Error.WriteLine("usage: SeccompBench POLICY.pol [--profile PROFILE.json] [--denied NAME] [--filtered NAME VALUE] [--copies K] [--rounds R] [--iterations N] [--repeat M] [--out DIR]");
            return 2;
        }
        var root = FindRoot();
        Directory.CreateDirectory(options.Out);
        var bound = PolicyBinder.BindFile(options.Policy);
        if (bound.Policy is not { } policy)
        {
            bound.Diagnostics.ToList().ForEach(d => Console.Error.WriteLine(d));
            return 1;
        }
        var diagnostics = new List<Polc.Compiler.Diagnostics.Diagnostic>();
        var ours = SeccompBackend.Compile(policy, BackendOptions.Default, diagnostics).SingleOrDefault(f => f.Arch == Arch.X86_64);
        if (ours is null)
        {
            Console.Error.WriteLine("the policy has no x86_64 filter: " + string.Join("; ", diagnostics));
            return 1;
        }
        var filters = new List<(string Name, BpfInstruction[] Program, string Path)> { ("polc", ours.Program, Path.Combine(options.Out, "polc.x86_64.bpf")) };
        File.WriteAllBytes(filters[0].Path, BpfEncoding.Encode(ours.Program, false));
        var jobs = new[] { 1, 2 }.Select(level =>
        {
            var output = Path.Combine(options.Out, $"libseccomp-{level}.x86_64.bpf");
            return options.Profile is { } profile
                ? LibseccompJobs.ProfileJob(Path.GetFullPath(profile), Arch.X86_64, "amd64", level, output)
                : LibseccompJobs.RulesJob(policy, Arch.X86_64, level, output);
        }).ToList();
        var jobFile = Path.Combine(options.Out, "libseccomp-jobs.json");
        File.WriteAllText(jobFile, JsonSerializer.Serialize(jobs));
        var (exit, text) = Run("/usr/bin/python3", [Path.Combine(root, "tests", "Polc.Tests", "Seccomp", "Libseccomp", "libseccomp-export.py"), jobFile]);
        if (exit != 0)
        {
            Console.Error.WriteLine("libseccomp-export.py failed: " + text);
            return 1;
        }
        foreach (var level in new[] { 1, 2 })
        {
            var path = Path.Combine(options.Out, $"libseccomp-{level}.x86_64.bpf");
            filters.Add(($"libseccomp level {level}", BpfEncoding.Decode(File.ReadAllBytes(path), false), path));
        }

        var calls = new List<(string Label, uint Nr, ulong Arg)> { ($"denied `{options.Denied}()`", Number(options.Denied), 0) };
        calls.AddRange(options.Filtered.Select(f => ($"argument-checked `{f.Name}(0x{f.Arg:x})`", Number(f.Name), f.Arg)));
        var mismatches = Disagreements(filters.Select(f => f.Program).ToList(), calls.Select(c => c.Arg));
        foreach (var (name, program, _) in filters)
        {
            var deniedAction = Simulate(program, calls[0].Nr, 0).Action;
            if (deniedAction.Kind != SeccompActionKind.Errno)
            {
                Console.Error.WriteLine($"{name}: `{options.Denied}` must return an errno, not `{deniedAction}`; choose another with --denied");
                return 1;
            }
            foreach (var (label, nr, arg) in calls.Skip(1))
            {
                if (Simulate(program, nr, arg).Action != SeccompAction.Allow || ActionCache.IsConstantAllow(program, Arch.X86_64.AuditArch(), nr))
                {
                    Console.Error.WriteLine($"{name}: the {label} call must be allowed after an argument check; choose another with --filtered");
                    return 1;
                }
            }
        }

        var bench = Path.Combine(options.Out, "seccomp-bench");
        var (gcc, gccOutput) = Run("gcc", ["-O2", "-Wall", "-o", bench, Path.Combine(root, "tests", "benchmarks", "seccomp", "seccomp-bench.c")]);
        if (gcc != 0)
        {
            Console.Error.WriteLine(gccOutput);
            return 1;
        }
        var timings = new Dictionary<(string Filter, string Call, int Copies), double>();
        for (var repeat = 0; repeat < options.Repeat; repeat++)
        {
            foreach (var (name, _, path) in filters)
            {
                foreach (var (call, nr, arg) in calls)
                {
                    foreach (var copies in new[] { 1, 1 + options.Copies })
                    {
                        var (code, output) = Run(bench, [path, $"{copies}", $"{nr}", $"0x{arg:x}", $"{options.Iterations}", $"{options.Rounds}"]);
                        if (code != 0)
                        {
                            Console.Error.WriteLine($"seccomp-bench failed: {output}");
                            return 1;
                        }
                        var min = double.Parse(output.Split(' ')[0], CultureInfo.InvariantCulture);
                        var key = (name, call, copies);
                        timings[key] = timings.TryGetValue(key, out var best) ? Math.Min(best, min) : min;
                    }
                }
            }
        }

        var stats = filters.Select(f => FilterAnalysis.Statistics(f.Program, Arch.X86_64, FrequencyTable.Bundled)).ToList();
        double PerRun(string filter, string call) => (timings[(filter, call, 1 + options.Copies)] - timings[(filter, call, 1)]) / options.Copies;
        string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
        Console.WriteLine($"policy: {options.Policy}; libseccomp built from {(options.Profile is null ? "the same rules" : options.Profile)}; x86_64");
        Console.WriteLine($"decisions compared on x86_64 syscall numbers 0..599 × {calls.Select(c => c.Arg).Concat(new ulong[] { 0, 1, ulong.MaxValue }).Distinct().Count()} first-argument values: {(mismatches.Count == 0 ? "identical" : $"{mismatches.Count} DIFFER, e.g. {mismatches[0]}")}");
        Console.WriteLine();
        Console.WriteLine("| | " + string.Join(" | ", filters.Select(f => f.Name)) + " |");
        Console.WriteLine("|---|" + string.Concat(filters.Select(_ => "---:|")));
        Console.WriteLine("| instructions | " + string.Join(" | ", stats.Select(s => s.Instructions.ToString(CultureInfo.InvariantCulture))) + " |");
        Console.WriteLine("| mean executed per allowed syscall | " + string.Join(" | ", stats.Select(s => s.MeanExecuted.ToString("0.00", CultureInfo.InvariantCulture))) + " |");
        Console.WriteLine("| worst executed per allowed syscall | " + string.Join(" | ", stats.Select(s => s.WorstExecuted.ToString(CultureInfo.InvariantCulture))) + " |");
        Console.WriteLine("| frequency-weighted mean executed | " + string.Join(" | ", stats.Select(s => s.WeightedMeanExecuted.ToString("0.00", CultureInfo.InvariantCulture))) + " |");
        Console.WriteLine("| allowed syscalls the kernel caches | " + string.Join(" | ", stats.Select(s => $"{s.Cacheable} of {s.Allowed}")) + " |");
        foreach (var (label, nr, arg) in calls)
        {
            Console.WriteLine($"| instructions executed, {label} | " + string.Join(" | ", filters.Select(f => Simulate(f.Program, nr, arg).Executed.ToString(CultureInfo.InvariantCulture))) + " |");
        }
        foreach (var (label, _, _) in calls)
        {
            Console.WriteLine($"| ns per filter run, {label} | " + string.Join(" | ", filters.Select(f => F(PerRun(f.Name, label)))) + " |");
        }
        foreach (var (label, _, _) in calls)
        {
            Console.WriteLine($"| ns per call with the filter loaded once, {label} | " + string.Join(" | ", filters.Select(f => F(timings[(f.Name, label, 1)]))) + " |");
        }
        Console.WriteLine();
        Console.WriteLine("polc / libseccomp level 2, ns per filter run: " + string.Join(", ", calls.Select(c => $"{c.Label} {PerRun("polc", c.Label) / PerRun("libseccomp level 2", c.Label):0.00}×")));
        Console.WriteLine($"(ns per filter run = slope between 1 and {1 + options.Copies} stacked copies of the filter; minimum of {options.Repeat} × {options.Rounds} rounds of {options.Iterations} calls)");
        return mismatches.Count == 0 ? 0 : 1;
    }

    private static uint Number(string name) =>
        SyscallTable.TryGetNumber(Arch.X86_64, name, out var nr) ? nr : throw new ArgumentException($"unknown x86_64 syscall `{name}`");

    private static SimulationResult Simulate(BpfInstruction[] program, uint nr, ulong arg) => BpfInterpreter.Run(program, SeccompData.Call(Arch.X86_64, nr, arg), false);

    /// <summary>Calls on which the filters do not all decide the same.</summary>
    private static List<string> Disagreements(List<BpfInstruction[]> programs, IEnumerable<ulong> probes)
    {
        var problems = new List<string>();
        var values = probes.Concat(new ulong[] { 0, 1, ulong.MaxValue }).Distinct().ToList();
        for (uint nr = 0; nr < 600; nr++)
        {
            foreach (var value in values)
            {
                var actions = programs.Select(p => Simulate(p, nr, value).Action).Distinct().ToList();
                if (actions.Count > 1)
                {
                    problems.Add($"nr {nr} arg0 0x{value:x}: {string.Join(" / ", actions)}");
                }
            }
        }
        return problems;
    }

    private static Options? Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return null;
        }
        var options = new Options(args[0], null, "mount", [], 32, 31, 20_000, 5, Path.Combine(Path.GetTempPath(), "polc-seccomp-bench"));
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Integer() => int.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--profile" => options with { Profile = Next() },
                "--denied" => options with { Denied = Next() },
                "--filtered" => options with { Filtered = [.. options.Filtered, (Next(), Convert.ToUInt64(Next(), 16))] },
                "--copies" => options with { Copies = Integer() },
                "--rounds" => options with { Rounds = Integer() },
                "--iterations" => options with { Iterations = Integer() },
                "--repeat" => options with { Repeat = Integer() },
                "--out" => options with { Out = Next() },
                _ => null,
            };
            if (options is null)
            {
                return null;
            }
        }
        // clone is the most frequent of Docker's argument-checked syscalls in the bundled table; CLONE_SIGHAND
        // without CLONE_VM passes the filter and fails at once with EINVAL. personality(0xffffffff) only reads.
        return options.Filtered.Count > 0 ? options : options with { Filtered = [("clone", 0x800), ("personality", 0xffff_ffff)] };
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "polc.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("cannot find the repository root (polc.slnx)");
    }

    private static (int Exit, string Output) Run(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, (stdout + stderr.Result).Trim());
    }
}
