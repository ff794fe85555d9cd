using System.Diagnostics;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Cli.Review;

/// <summary>
/// A policy named on the command line: a file, or `REV:path` read from the git repository of the
/// current directory (as `git show REV:path` reads it: the path is relative to the repository's
/// top, or to the current directory when it starts with `./` or `../`). A policy read from git is
/// copied with the bases it extends by relative path (read from the same revision) into a temporary
/// directory, so `extends "../base.pol"` means what it meant at that revision.
/// </summary>
public sealed class PolicyInput : IDisposable
{
    private readonly string? _temporary;

    private PolicyInput(SourceText source, string? temporary)
    {
        Source = source;
        _temporary = temporary;
    }

    public SourceText Source { get; }

    /// <summary>Reads and binds a policy for `diff` and `score`; on failure prints why (errors only: warnings
    /// are `check`'s business) and returns null.</summary>
    public static PolicyIr? BindOrReport(CliContext context, string spec)
    {
        var (input, error) = Load(spec);
        if (input is null)
        {
            context.Err.WriteLine($"{spec}: error {error!.Code}: {error.Message}");
            return null;
        }
        using (input)
        {
            var result = PolicyBinder.Bind(input.Source);
            if (result.Policy is null)
            {
                DiagnosticPrinter.Print(context, result.Diagnostics.Where(d => d.IsError));
                context.Err.WriteLine($"polc: `{spec}` has errors");
            }
            return result.Policy;
        }
    }

    /// <summary>The source, or a diagnostic saying why it cannot be read.</summary>
    /// <param name="workingDirectory">where git runs (default: the current directory).</param>
    public static (PolicyInput? Input, Diagnostic? Error) Load(string spec, string? workingDirectory = null)
    {
        if (File.Exists(spec) || !TrySplitRevision(spec, out var revision, out var path))
        {
            try
            {
                return (new PolicyInput(SourceText.FromFile(spec), null), null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message;
                return (null, DiagnosticCatalog.CannotRead(spec, reason));
            }
        }
        return FromGit(spec, revision, path, workingDirectory ?? Environment.CurrentDirectory);
    }

    private static bool TrySplitRevision(string spec, out string revision, out string path)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        revision = colon > 0 ? spec[..colon] : "";
        path = colon > 0 ? spec[(colon + 1)..] : "";
        return colon > 0 && path.Length > 0;
    }

    private static (PolicyInput?, Diagnostic?) FromGit(string spec, string revision, string path, string workingDirectory)
    {
        var (inRepository, prefix) = Git(workingDirectory, "rev-parse", "--show-prefix");
        if (!inRepository)
        {
            return (null, DiagnosticCatalog.RevisionUnreadable(spec, "the current directory is not inside a git repository"));
        }
        var relative = path.StartsWith("./", StringComparison.Ordinal) || path.StartsWith("../", StringComparison.Ordinal)
            ? PolicyBinder.NormalizeRelative(prefix.Trim() + path)
            : PolicyBinder.NormalizeRelative(path);
        var temporary = Directory.CreateTempSubdirectory("polc-rev-").FullName;
        var (bytes, error) = Show(workingDirectory, revision, relative);
        if (bytes is null)
        {
            Directory.Delete(temporary, recursive: true);
            return (null, DiagnosticCatalog.RevisionUnreadable(spec, error!));
        }
        var fullPath = Path.Combine(temporary, relative);
        Write(fullPath, bytes);
        var source = SourceText.FromBytes($"{revision}:{relative}", bytes, fullPath);
        CopyRelativeBases(source, workingDirectory, revision, relative, temporary, []);
        return (new PolicyInput(source, temporary), null);
    }

    /// <summary>Fetches `extends "relative/path.pol"` bases from the same revision, recursively. A base
    /// that cannot be read is left out: the binder then reports it like any missing base.</summary>
    private static void CopyRelativeBases(SourceText source, string workingDirectory, string revision, string relative, string temporary, HashSet<string> done)
    {
        if (!done.Add(relative))
        {
            return;
        }
        var directory = Path.GetDirectoryName(relative) ?? "";
        foreach (var reference in PolicyParser.Parse(source).File?.Policies.SelectMany(p => p.Bases) ?? [])
        {
            if (!reference.IsPath || Path.IsPathRooted(reference.Text))
            {
                continue;
            }
            var baseRelative = PolicyBinder.NormalizeRelative(Path.Combine(directory, reference.Text));
            if (baseRelative.StartsWith("../", StringComparison.Ordinal) || Show(workingDirectory, revision, baseRelative).Bytes is not { } bytes)
            {
                continue;
            }
            var fullPath = Path.Combine(temporary, baseRelative);
            Write(fullPath, bytes);
            CopyRelativeBases(SourceText.FromBytes($"{revision}:{baseRelative}", bytes, fullPath), workingDirectory, revision, baseRelative, temporary, done);
        }
    }

    private static void Write(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private static (byte[]? Bytes, string? Error) Show(string workingDirectory, string revision, string relative)
    {
        var start = GitStart(workingDirectory, "show", $"{revision}:{relative}");
        try
        {
            using var process = Process.Start(start)!;
            using var buffer = new MemoryStream();
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(buffer);
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var message = error.Result.Trim().Split('\n')[0];
                return (null, message.StartsWith("fatal: ", StringComparison.Ordinal) ? message[7..] : message);
            }
            return (buffer.ToArray(), null);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, "cannot run git: " + e.Message);
        }
    }

    private static ProcessStartInfo GitStart(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }

    private static (bool Ok, string Output) Git(string workingDirectory, params string[] args)
    {
        var start = GitStart(workingDirectory, args);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode == 0, output.TrimEnd('\n'));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, "");
        }
    }

    public void Dispose()
    {
        if (_temporary is not null && Directory.Exists(_temporary))
        {
            Directory.Delete(_temporary, recursive: true);
        }
    }
}
