namespace Polc.Tests.Support;

/// <summary>Locates the repository (and the shared corpus beside it) from the test binary.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Profiles => Path.Combine(Root, "profiles");

    public static string TestData => Path.Combine(Root, "tests", "Polc.Tests", "TestData");

    /// <summary>`../shared/corpus` next to the clone, or null when the clone was made elsewhere.</summary>
    public static string? Corpus
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus"));
            return Directory.Exists(path) ? path : null;
        }
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "polc.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("cannot find the repository root (polc.slnx) above " + AppContext.BaseDirectory);
    }
}
