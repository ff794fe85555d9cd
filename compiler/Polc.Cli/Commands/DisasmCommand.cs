using System.CommandLine;
using Polc.Backends.Seccomp;
using Polc.Backends.Seccomp.Analysis;
using Polc.Compiler.Semantics;

namespace Polc.Cli.Commands;

/// <summary>`polc disasm FILE.bpf [--arch A]`.</summary>
public static class DisasmCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "a seccomp filter (.bpf: struct sock_filter[], as `polc compile` or seccomp_export_bpf write it)" };
        var arch = ArchOption();
        var command = new Command("disasm",
            "List a seccomp BPF filter instruction by instruction, with jump targets, syscall and\n" +
            "architecture names and the action of each return. Exit codes: 0 listed, 1 the kernel would\n" +
            "reject the filter (listed anyway when it can be decoded), 2 usage or I/O errors.\n\n" +
            "Examples:\n" +
            "  polc disasm out/app.x86_64.bpf\n" +
            "  polc disasm filter.bpf --arch aarch64")
        {
            file, arch,
        };
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(arch)));
        return command;
    }

    internal static Option<string?> ArchOption() => new("--arch")
    {
        Description = "the filter's architecture (byte order, syscall names): " + string.Join(", ", ArchInfo.Names) + "; default: from a NAME.ARCH.bpf file name, else x86_64",
    };

    public static int Run(CliContext context, string file, string? archName)
    {
        if (Load(context, file, archName) is not { } filter)
        {
            return ExitCodes.UsageOrIo;
        }
        context.Out.WriteLine($"; {file}: {filter.Program.Length} instructions, {filter.Arch.Name()}");
        context.Out.Write(Disassembler.Disassemble(filter.Program, filter.Arch));
        return ReportProblem(context, file, filter);
    }

    /// <summary>Reads a filter for a command; reports and returns null on usage or I/O errors.</summary>
    internal static FilterFile? Load(CliContext context, string file, string? archName)
    {
        Arch? arch = null;
        if (archName is not null)
        {
            if (!ArchInfo.TryParse(archName, out var parsed))
            {
                context.Err.WriteLine($"polc: unknown architecture `{archName}` (architectures: {string.Join(", ", ArchInfo.Names)})");
                return null;
            }
            arch = parsed;
        }
        try
        {
            return FilterFile.Read(file, arch);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Err.WriteLine($"{file}: error POL9001: cannot read `{file}`: {e.Message}");
        }
        catch (FormatException e)
        {
            context.Err.WriteLine($"{file}: error POL9001: cannot read `{file}` as a seccomp filter: {e.Message}");
        }
        return null;
    }

    internal static int ReportProblem(CliContext context, string file, FilterFile filter)
    {
        if (filter.Problem is null)
        {
            return ExitCodes.Success;
        }
        context.Err.WriteLine($"{file}: the kernel would reject this filter: {filter.Problem}");
        return ExitCodes.PolicyErrors;
    }
}
