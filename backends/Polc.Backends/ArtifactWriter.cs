namespace Polc.Backends;

/// <summary>Writes artifacts so that a reader never sees a half-written file: each goes to a
/// temporary name in the same directory and is renamed into place.</summary>
public static class ArtifactWriter
{
    public static IReadOnlyList<string> WriteAll(string directory, IEnumerable<Artifact> artifacts)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var artifact in artifacts)
        {
            var path = Path.Combine(directory, artifact.FileName);
            WriteAtomically(path, artifact.Content);
            written.Add(path);
        }
        return written;
    }

    public static void WriteAtomically(string path, byte[] content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
