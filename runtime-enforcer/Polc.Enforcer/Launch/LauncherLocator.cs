namespace Polc.Enforcer.Launch;

/// <summary>Finds the C launcher: `POLC_ENFORCER` when set, else `polc-enforcer` next to the running assembly
/// (the build puts it in every output and publish directory that references Polc.Enforcer).</summary>
public static class LauncherLocator
{
    public const string FileName = "polc-enforcer";

    public const string EnvironmentVariable = "POLC_ENFORCER";

    public static IReadOnlyList<string> Candidates()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrEmpty(fromEnvironment)
            ? [Path.Combine(AppContext.BaseDirectory, FileName)]
            : [fromEnvironment];
    }

    /// <returns>the launcher's full path, or null when it is missing or not executable.</returns>
    public static string? Find() => Candidates().FirstOrDefault(IsExecutable);

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
