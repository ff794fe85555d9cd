using System.Text;
using System.Text.RegularExpressions;

namespace Polc.Backends.Kubernetes;

/// <summary>Kubernetes object names. polc writes every name as a DNS label (RFC 1123: at most 63 lowercase letters,
/// digits and `-`, a letter or digit at each end), valid for a Pod, a container, a volume and the cluster-scoped
/// Security Profiles Operator objects, and also a valid CIL block name (SPO uses the SelinuxProfile's name as one).</summary>
public static partial class KubernetesNames
{
    public const int MaxLength = 63;

    /// <summary>The name lowercased, every other character turned into `-`, runs of `-` merged, trimmed, at most 63 long.</summary>
    public static string Label(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            var keep = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '-';
            if (keep != '-' || (builder.Length > 0 && builder[^1] != '-'))
            {
                builder.Append(keep);
            }
        }
        var label = builder.ToString().Trim('-');
        label = label.Length > MaxLength ? label[..MaxLength].TrimEnd('-') : label;
        return label.Length == 0 ? "polc" : label;
    }

    public static bool IsLabel(string name) => name.Length <= MaxLength && DnsLabel().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?\\z")]
    private static partial Regex DnsLabel();
}
