using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Polc.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project tests/Polc.Benchmarks -- --filter '*'` (add `--quick` for a short run).
/// Benchmarks run in-process: BenchmarkDotNet's generated project would rebuild the compiler under a
/// nested output path that the ANTLR build task does not support.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var job = args.Contains("--quick") ? Job.ShortRun : Job.Default;
        var config = DefaultConfig.Instance.AddJob(job.WithToolchain(InProcessEmitToolchain.Instance));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Where(a => a != "--quick").ToArray(), config);
    }
}
