using Polc.Tests.Support;

namespace Polc.Tests.AppArmor;

/// <summary>
/// The real consumer of NAME.apparmor: `apparmor_parser -Q -K` (skip the kernel load and the cache) compiles a
/// profile all the way to the binary policy without an AppArmor kernel. `-o FILE` keeps the binary out of stdout;
/// `-d` prints the capabilities and network rules as the parser understood them; `-D dfa-states` prints the file
/// rules' automaton, which <see cref="AppArmorDfa"/> runs on paths. Includes resolve against /etc/apparmor.d, as on a host.
/// </summary>
internal static class AppArmorParser
{
    public static ExternalTool.Result Compile(string profile, params string[] options)
    {
        var parser = ExternalTool.Require("apparmor_parser", "apparmor");
        foreach (var include in new[] { "/etc/apparmor.d/tunables/global", "/etc/apparmor.d/abstractions/base", "/etc/apparmor.d/abi/3.0" })
        {
            Assert.True(File.Exists(include), $"{include} is missing: the apparmor package installs it (`apt-get install apparmor`)");
        }
        using var directory = new TempDirectory();
        var file = directory.File("profile", profile);
        return ExternalTool.Run(parser, ["-Q", "-K", "-o", Path.Combine(directory.Path, "policy.bin"), .. options, file]);
    }

    public static void AssertAccepts(string profile, string context = "")
    {
        var result = Compile(profile);
        Assert.True(result.ExitCode == 0, $"apparmor_parser rejected the profile (exit {result.ExitCode}):\n{Messages(result)}\n--- profile ---\n{Numbered(profile)}{context}");
    }

    /// <summary>The parser's own account of the profile's capabilities and network rules (`-d`).</summary>
    public static Summary Describe(string profile)
    {
        var result = Compile(profile, "-d");
        Assert.True(result.ExitCode == 0, Messages(result));
        string Field(string name) => result.Out.Split('\n').FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim() ?? "";
        return new Summary(Field("Capabilities"), Field("Network"), Field("Deny Net"));
    }

    public static AppArmorDfa Dfa(string profile)
    {
        var result = Compile(profile, "-D", "dfa-states");
        Assert.True(result.ExitCode == 0, Messages(result));
        return AppArmorDfa.Parse(result.Err);
    }

    private static string Numbered(string text) => string.Join('\n', text.Split('\n').Select((line, i) => $"{i + 1,4}  {line}"));

    /// <summary>The parser's messages without its note that no kernel cache is available.</summary>
    public static string Messages(ExternalTool.Result result) =>
        string.Join('\n', result.Output.Split('\n').Where(l => !l.StartsWith("Cache read/write disabled", StringComparison.Ordinal))).Trim();

    public sealed record Summary(string Capabilities, string Network, string DenyNetwork);
}
