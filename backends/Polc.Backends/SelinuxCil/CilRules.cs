using System.Text;

namespace Polc.Backends.SelinuxCil;

/// <summary>Allow rules from the block's `process` domain, merged per (target, class), in the order first added.
/// Rules on types the module does not declare go inside an `optional` per type, so that a host policy without
/// that type still loads the rest of the module (the rule is dropped: less access, never more).</summary>
internal sealed class CilRules
{
    public const string Self = "process";
    private readonly List<(string Target, string Class)> _order = [];
    private readonly Dictionary<(string Target, string Class), List<string>> _permissions = [];

    public bool IsEmpty => _order.Count == 0;

    /// <summary>The rules as (target type, class, permissions), in the order first added; <see cref="Self"/> is the domain itself.</summary>
    public IEnumerable<(string Target, string Class, IReadOnlyList<string> Permissions)> Entries =>
        _order.Select(k => (k.Target, k.Class, (IReadOnlyList<string>)_permissions[k]));

    public void Allow(string target, string @class, IEnumerable<string> permissions)
    {
        var key = (target, @class);
        if (!_permissions.TryGetValue(key, out var list))
        {
            _order.Add(key);
            _permissions[key] = list = [];
        }
        list.AddRange(permissions.Where(p => !list.Contains(p)));
    }

    public void Render(StringBuilder output, string indent)
    {
        foreach (var target in _order.Select(k => k.Target).Distinct())
        {
            var rules = _order.Where(k => k.Target == target).Select(k => $"(allow {Self} {target} ({k.Class} ({string.Join(' ', _permissions[k])})))");
            if (target == Self)
            {
                foreach (var rule in rules)
                {
                    output.Append(indent).Append(rule).Append('\n');
                }
                continue;
            }
            output.Append(indent).Append($"(optional uses_{target}\n");
            foreach (var rule in rules)
            {
                output.Append(indent).Append("    ").Append(rule).Append('\n');
            }
            output.Append(indent).Append(")\n");
        }
    }
}
