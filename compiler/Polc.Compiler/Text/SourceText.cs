namespace Polc.Compiler.Text;

/// <summary>The text of one policy file and where its lines start.</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string path, string text, string? fullPath = null)
    {
        Path = path;
        FullPath = fullPath ?? System.IO.Path.GetFullPath(path);
        Text = text;
        _lineStarts = ComputeLineStarts(text);
    }

    /// <summary>The path as the user gave it (used verbatim in diagnostics).</summary>
    public string Path { get; }

    /// <summary>Where the file really is, for resolving relative `extends "..."` paths.</summary>
    public string FullPath { get; }

    public string Text { get; }

    public int LineCount => _lineStarts.Length;

    /// <summary>Reads a file as UTF-8; invalid byte sequences become U+FFFD so that any input can be diagnosed.</summary>
    public static SourceText FromFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return FromBytes(path, bytes);
    }

    public static SourceText FromBytes(string path, byte[] bytes, string? fullPath = null)
    {
        var encoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
        var text = encoding.GetString(bytes);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }
        return new SourceText(path, text, fullPath);
    }

    /// <summary>1-based line and column of an offset; columns count UTF-16 code units, tabs as one.</summary>
    public (int Line, int Column) GetLineColumn(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }
        return (line + 1, offset - _lineStarts[line] + 1);
    }

    /// <summary>The text of a 1-based line without its line break.</summary>
    public string GetLine(int line)
    {
        var start = _lineStarts[line - 1];
        var end = line < _lineStarts.Length ? _lineStarts[line] : Text.Length;
        return Text[start..end].TrimEnd('\r', '\n');
    }

    public int GetLineStart(int line) => _lineStarts[line - 1];

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue;
            }
            if (c == '\n' || c == '\r')
            {
                starts.Add(i + 1);
            }
        }
        return starts.ToArray();
    }
}
