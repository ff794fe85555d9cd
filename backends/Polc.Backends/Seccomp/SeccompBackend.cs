using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Polc.Backends.Seccomp.Bpf;
using Polc.Backends.Seccomp.Codegen;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Backends.Seccomp;

/// <summary>`NAME.ARCH.bpf` for each listed architecture: the raw seccomp filter, an array of
/// `struct sock_filter` in the target's byte order, loadable as is with seccomp(SECCOMP_SET_MODE_FILTER).</summary>
public sealed class SeccompBackend : IBackend
{
    public string Name => "seccomp";

    public string Description => "seccomp BPF filters, one per architecture (NAME.ARCH.bpf)";

    public bool DefaultOn => true;

    public IrSupport Supports(IrFeature feature) => feature switch
    {
        IrFeature.SyscallDefault or IrFeature.SyscallRules or IrFeature.SyscallConditions or IrFeature.Architectures => IrSupport.Handled,
        _ => IrSupport.NotApplicable,
    };

    public BackendOutput Emit(PolicyIr policy, BackendOptions options)
    {
        var diagnostics = new List<Diagnostic>();
        var filters = Compile(policy, options, diagnostics);
        var artifacts = filters
            .Select(f => new Artifact($"{policy.Name}.{f.Arch.Name()}.bpf", BpfEncoding.Encode(f.Program, f.Arch.IsBigEndian())))
            .ToList();
        return new BackendOutput(artifacts, diagnostics);
    }

    public sealed record Filter(Arch Arch, BpfInstruction[] Program);

    private sealed record Compiled(Filter[] Filters, Diagnostic[] Diagnostics);

    /// <summary>A compile needs one IR's filters up to three times (the `expect` check, the .bpf files, the enforcer
    /// plan); with the bundled weights they are made once per IR object.</summary>
    private static readonly ConditionalWeakTable<PolicyIr, Compiled> WithBundledWeights = new();

    /// <summary>The filter of every listed architecture, checked against the kernel's limits; filters that break
    /// them are reported and left out.</summary>
    public static IReadOnlyList<Filter> Compile(PolicyIr policy, BackendOptions options, List<Diagnostic> diagnostics)
    {
        if (options.FrequencyFile is not null)
        {
            return CompileNow(policy, options, diagnostics);
        }
        var compiled = WithBundledWeights.GetValue(policy, ir =>
        {
            var found = new List<Diagnostic>();
            return new Compiled([.. CompileNow(ir, options, found)], [.. found]);
        });
        diagnostics.AddRange(compiled.Diagnostics);
        return compiled.Filters;
    }

    private static List<Filter> CompileNow(PolicyIr policy, BackendOptions options, List<Diagnostic> diagnostics)
    {
        var frequencies = LoadFrequencies(options, diagnostics);
        var compiler = new FilterCompiler(policy.Syscalls, frequencies);
        var filters = new List<Filter>();
        var at = policy.Syscalls.ArchitecturesSpan ?? policy.Span;
        foreach (var arch in policy.Syscalls.Architectures)
        {
            var program = WithLargeStack(() => compiler.Compile(arch));
            if (program.Length > BpfCode.MaxInstructions)
            {
                diagnostics.Add(DiagnosticCatalog.SeccompFilterTooLong(at, arch.Name(), program.Length));
                continue;
            }
            if (BpfValidator.Check(program) is { } problem)
            {
                diagnostics.Add(DiagnosticCatalog.SeccompFilterInvalid(at, arch.Name(), problem));
                continue;
            }
            filters.Add(new Filter(arch, program));
        }
        return filters;
    }

    /// <summary>Conditions are walked recursively, as deep as they are long (an `in` list of 20 000 values is
    /// 20 000 levels), so the compiler runs on a thread whose stack can take that.</summary>
    private static T WithLargeStack<T>(Func<T> work)
    {
        const int stackBytes = 512 << 20;
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, stackBytes);
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    private static FrequencyTable LoadFrequencies(BackendOptions options, List<Diagnostic> diagnostics) =>
        options.FrequencyFile is { } path ? FrequencyTable.Load(path, diagnostics) ?? FrequencyTable.Bundled : FrequencyTable.Bundled;
}
