using System.CommandLine;
using Polc.Backends;
using Polc.Backends.DockerSeccomp.Import;
using Polc.Compiler.Text;

namespace Polc.Cli.Commands;

/// <summary>`polc import PROFILE.json [--caps ...] [--arch ...] [--kernel X.Y] [-o FILE.pol]`.</summary>
public static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("profile") { Description = "a Docker/Podman/OCI seccomp profile (JSON)" };
        var output = new Option<string?>("--output", "-o") { Description = "the policy file to write (default: print it)" };
        var caps = new Option<string>("--caps")
        {
            Description = "capabilities the profile's includes/excludes are resolved for: docker-default (Docker's 14), none, all, or a list (CHOWN,NET_ADMIN,...)",
            DefaultValueFactory = _ => "docker-default",
        };
        var arch = new Option<string>("--arch") { Description = "architectures, comma-separated; they become the policy's `arch`", DefaultValueFactory = _ => "x86_64" };
        var kernel = new Option<string?>("--kernel") { Description = "kernel version (MAJOR.MINOR) for `minKernel`; default: newer than any the profile names" };
        var name = new Option<string?>("--name") { Description = "the policy's name (default: from the file name, e.g. docker-default)" };
        var command = new Command("import",
            "Turn a Docker/Podman/OCI seccomp profile into a readable policy with the same meaning, as Docker, runc and\n" +
            "libseccomp apply it: includes/excludes resolved for the given capabilities, architectures and kernel.\n\n" +
            "Examples:\n" +
            "  polc import docker-default.seccomp.json -o docker-default.pol\n" +
            "  polc import profile.json --arch x86_64,aarch64 --caps docker-default,NET_ADMIN -o app.pol\n" +
            "  polc import profile.json --caps none --kernel 5.4")
        {
            file, output, caps, arch, kernel, name,
        };
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(output), parse.GetValue(caps)!, parse.GetValue(arch)!,
            parse.GetValue(kernel), parse.GetValue(name)));
        return command;
    }

    public static int Run(CliContext context, string file, string? outputFile, string capsText, string archText, string? kernelText, string? policyName)
    {
        var (capabilities, label, capsError) = ParseCaps(capsText);
        var (arches, archError) = DockerProfileImporter.ParseArchitectures(archText);
        var (kernel, kernelError) = DockerProfileImporter.ParseKernel(kernelText);
        foreach (var error in new[] { capsError, archError, kernelError }.Where(e => e is not null))
        {
            context.Err.WriteLine($"polc: {error}");
        }
        if (capabilities is null || arches is null || kernelError is not null)
        {
            return ExitCodes.UsageOrIo;
        }
        if (context.ReadSource(file) is not { } source)
        {
            return ExitCodes.UsageOrIo;
        }
        var options = new ImportOptions(policyName ?? DockerProfileImporter.PolicyNameFor(file), capabilities, label, arches, kernel);
        var result = DockerProfileImporter.Import(source, options);
        DiagnosticPrinter.Print(context, result.Diagnostics, showSource: false);
        if (result.Text is null)
        {
            context.Err.WriteLine("polc: nothing written (the profile cannot be imported)");
            return ExitCodes.PolicyErrors;
        }
        if (outputFile is null)
        {
            context.Out.Write(result.Text);
            return ExitCodes.Success;
        }
        try
        {
            ArtifactWriter.WriteAtomically(outputFile, new System.Text.UTF8Encoding(false).GetBytes(result.Text));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Err.WriteLine($"{outputFile}: error POL9002: cannot write `{outputFile}`: {e.Message}");
            return ExitCodes.UsageOrIo;
        }
        context.Out.WriteLine($"wrote {outputFile}");
        return ExitCodes.Success;
    }

    /// <summary>`docker-default`, `none`, `all`, a list, or `docker-default,EXTRA,...` (the defaults plus more).</summary>
    private static (IReadOnlyList<Polc.Compiler.Semantics.Capability>?, string, string?) ParseCaps(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length > 1 && parts[0] == "docker-default")
        {
            var (defaults, _, _) = DockerProfileImporter.ParseCapabilities("docker-default");
            var (extra, _, error) = DockerProfileImporter.ParseCapabilities(string.Join(",", parts.Skip(1)));
            return error is not null ? (null, "", error)
                : ([.. defaults!.Union(extra!).Order()], "Docker's 14 default capabilities plus " + string.Join(", ", extra!.Select(c => c.ShortName)), null);
        }
        return DockerProfileImporter.ParseCapabilities(text);
    }
}
