using System.Text;
using BenchmarkDotNet.Attributes;
using Polc.Compiler.Formatting;
using Polc.Compiler.Semantics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Benchmarks;

/// <summary>Parse + bind (the whole front end, bases included) of a bundled policy and of a generated 2,000-rule policy.</summary>
[MemoryDiagnoser]
public class FrontEndBenchmarks
{
    private SourceText _bundled = null!;
    private SourceText _large = null!;

    [GlobalSetup]
    public void Setup()
    {
        var root = FindRoot();
        var bundled = Path.Combine(root, "profiles", "docker-default.pol");
        if (!File.Exists(bundled))
        {
            bundled = Path.Combine(root, "profiles", "examples", "web.pol");
        }
        _bundled = SourceText.FromFile(bundled);
        _large = new SourceText("large.pol", GenerateLargePolicy(2000));
        if (PolicyBinder.Bind(_large).HasErrors || PolicyBinder.Bind(_bundled).HasErrors)
        {
            throw new InvalidOperationException("benchmark inputs must bind cleanly");
        }
    }

    [Benchmark]
    public object BundledParseAndBind() => PolicyBinder.Bind(_bundled);

    [Benchmark]
    public object Generated2000RulesParseOnly() => PolicyParser.Parse(_large);

    [Benchmark]
    public object Generated2000RulesParseAndBind() => PolicyBinder.Bind(_large);

    [Benchmark]
    public object Generated2000RulesFormat() => PolicyFormatter.Format(_large);

    /// <summary>2,000 rules over real syscall names: a mix of plain lists, groups and conditions.</summary>
    public static string GenerateLargePolicy(int rules)
    {
        var names = SyscallTable.Entries(Arch.X86_64).Select(e => e.Name).ToArray();
        var actions = new[] { "allow", "deny", "errno EACCES", "kill", "log", "trap" };
        var random = new Random(2000);
        var sb = new StringBuilder("# generated: 2,000 rules\npolicy large {\n    syscalls {\n        default errno EPERM\n        arch x86_64, aarch64\n");
        for (var i = 0; i < rules; i++)
        {
            sb.Append("        ").Append(actions[random.Next(actions.Length)]).Append(' ');
            var count = 1 + random.Next(4);
            sb.Append(string.Join(", ", Enumerable.Range(0, count).Select(_ => names[random.Next(names.Length)])));
            switch (random.Next(4))
            {
                case 0: sb.Append($" if arg{random.Next(6)} == {random.Next(100)}"); break;
                case 1: sb.Append($" if arg0 in [AF_INET, AF_UNIX, {random.Next(50)}] && arg1 & 0x{random.Next(255):x} == 0"); break;
                case 2: sb.Append(" # a comment"); break;
            }
            sb.Append('\n');
        }
        sb.Append("    }\n}\n");
        return sb.ToString();
    }

    internal static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "polc.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
