namespace Polc.Cli;

/// <summary>What a command may touch of the outside world, injected so tests can capture it.</summary>
public sealed class CliContext(TextWriter output, TextWriter error, TextReader? input = null)
{
    public TextWriter Out { get; } = output;

    public TextWriter Err { get; } = error;

    public TextReader In { get; } = input ?? TextReader.Null;

    /// <summary>Colour only when writing to a terminal and NO_COLOR is unset.</summary>
    public bool Colour { get; init; }

    /// <summary>`polc run` may replace this process with the launcher (true for the real CLI). When false it runs
    /// the launcher as a child with its output copied to <see cref="Out"/> and <see cref="Err"/> (tests).</summary>
    public bool ReplaceProcessOnRun { get; init; }

    /// <summary>When `polc run` runs the launcher as a child: how long before the launcher and everything below it
    /// are killed, so that a program stuck under a too-narrow policy cannot hang a test run.</summary>
    public TimeSpan ChildTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Reads an input file, or reports `FILE: error POL9001: cannot read ...` and returns null.</summary>
    public Polc.Compiler.Text.SourceText? ReadSource(string file)
    {
        try
        {
            return Polc.Compiler.Text.SourceText.FromFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Err.WriteLine($"{file}: error POL9001: cannot read `{file}`: {e.Message}");
            return null;
        }
    }

    public static CliContext FromConsole() => new(Console.Out, Console.Error, Console.In)
    {
        Colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null,
        ReplaceProcessOnRun = true,
    };
}

/// <summary>Exit codes shared by every command.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The policy has errors (or, for `fmt --check` and `diff`, the answer is "yes, different").</summary>
    public const int PolicyErrors = 1;

    /// <summary>Bad command line, unreadable input, unwritable output.</summary>
    public const int UsageOrIo = 2;
}
