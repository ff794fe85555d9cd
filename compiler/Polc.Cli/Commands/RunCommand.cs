using System.CommandLine;
using Polc.Backends;
using Polc.Backends.Plan;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Text;
using Polc.Enforcer.Launch;

namespace Polc.Cli.Commands;

/// <summary>`polc run FILE [--verbose] [--lsm-optional] [--plan-out FILE] -- COMMAND [ARG...]`: compile the
/// policy's launch plan in memory and hand it to the C launcher, which replaces this process.</summary>
public static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "the policy to run under" };
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore, Description = "the program and its arguments, after `--`" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "print each step the launcher takes (to standard error)" };
        var lsmOptional = new Option<bool>("--lsm-optional") { Description = "run even when the host lacks an LSM (AppArmor, SELinux) the policy requires" };
        var planOut = new Option<string?>("--plan-out") { Description = "also write the launch plan to this file (with no command: only write it)" };
        var run = new Command("run",
            "Run a program confined by a policy: namespaces, mounts, cgroups, rlimits, user and group,\n" +
            "capabilities, no_new_privs, LSM exec labels and the seccomp filter, applied by the kernel.\n" +
            "The program's exit status is passed through (killed by signal N: 128+N); a launcher failure\n" +
            "exits 125 and names the step. `polc compile` writes the same plan as NAME.plan, which\n" +
            "`polc-enforcer NAME.plan -- COMMAND` runs directly, without starting .NET.\n\n" +
            "Examples:\n" +
            "  polc run app.pol -- /bin/sh -c 'id; hostname'\n" +
            "  polc run --verbose app.pol -- /usr/sbin/nginx -g 'daemon off;'\n" +
            "  polc run app.pol --plan-out app.plan       # write the plan only\n" +
            "  polc-enforcer app.plan -- /bin/true        # run a compiled plan")
        {
            file, command, verbose, lsmOptional, planOut,
        };
        run.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(command) ?? [],
            parse.GetValue(verbose), parse.GetValue(lsmOptional), parse.GetValue(planOut)));
        return run;
    }

    public static int Run(CliContext context, string file, IReadOnlyList<string> command, bool verbose, bool lsmOptional, string? planOut)
    {
        if (command.Count == 0 && planOut is null)
        {
            context.Err.WriteLine("polc: `polc run` needs a command after `--`, e.g. `polc run app.pol -- /bin/true`");
            return ExitCodes.UsageOrIo;
        }
        SourceText source;
        try
        {
            source = SourceText.FromFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DiagnosticPrinter.Print(context, [DiagnosticCatalog.CannotRead(file, e.Message)]);
            return ExitCodes.UsageOrIo;
        }
        var result = CompilationPipeline.Compile(source, [BackendRegistry.All.OfType<PlanBackend>().Single()], BackendOptions.Default);
        DiagnosticPrinter.Print(context, result.Diagnostics);
        if (result.HasErrors)
        {
            context.Err.WriteLine("polc: not run (the policy has errors)");
            return ExitCodes.PolicyErrors;
        }
        var plan = result.Artifacts.Single().Content;
        if (planOut is not null)
        {
            try
            {
                ArtifactWriter.WriteAtomically(planOut, plan);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                DiagnosticPrinter.Print(context, [DiagnosticCatalog.CannotWrite(planOut, e.Message)]);
                return ExitCodes.UsageOrIo;
            }
            if (command.Count == 0)
            {
                context.Out.WriteLine($"wrote {planOut}");
                return ExitCodes.Success;
            }
        }
        if (LauncherLocator.Find() is not { } launcher)
        {
            DiagnosticPrinter.Print(context, [DiagnosticCatalog.EnforcerLauncherNotFound(string.Join(", ", LauncherLocator.Candidates()))]);
            return ExitCodes.UsageOrIo;
        }
        var flags = new List<string>();
        if (verbose) flags.Add("--verbose");
        if (lsmOptional) flags.Add("--lsm-optional");
        var request = new LaunchRequest(launcher, plan, flags, command);
        if (!context.ReplaceProcessOnRun)
        {
            return LauncherProcess.RunChild(request, context.Out, context.Err, context.ChildTimeout);
        }
        context.Out.Flush();
        context.Err.Flush();
        var failure = LauncherProcess.ExecReplacing(request);
        DiagnosticPrinter.Print(context, [DiagnosticCatalog.EnforcerCannotLaunch(launcher, failure)]);
        return ExitCodes.UsageOrIo;
    }
}
