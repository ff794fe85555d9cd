using System.Text.RegularExpressions;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Compiler.Analysis;

/// <summary>
/// The constant names a policy author used for argument values (`AF_NETLINK` rather than 16),
/// recovered from the source text of the conditions, so descriptions of a region speak the same
/// language as the policy. A value is named only when the text names exactly that value.
/// </summary>
public sealed partial class ValueNames
{
    private readonly Dictionary<(int Arg, ulong Value), string> _names = [];

    public void AddFrom(ConditionIr? condition)
    {
        switch (condition)
        {
            case AndConditionIr all:
                all.Operands.ToList().ForEach(AddFrom);
                break;
            case OrConditionIr any:
                any.Operands.ToList().ForEach(AddFrom);
                break;
            case NotConditionIr negated:
                AddFrom(negated.Operand);
                break;
            case CompareConditionIr compare:
                AddCompare(compare);
                break;
        }
    }

    private void AddCompare(CompareConditionIr compare)
    {
        var text = compare.Span.Text.Trim();
        // `in [..]` items carry the span of the value alone.
        if (Identifier().IsMatch(text))
        {
            Remember(compare.Arg, compare.Value, text);
            return;
        }
        var match = Comparison().Match(text);
        if (!match.Success)
        {
            return;
        }
        if (match.Groups["mask"].Success)
        {
            Remember(compare.Arg, compare.Mask, match.Groups["mask"].Value);
        }
        Remember(compare.Arg, compare.Value, match.Groups["value"].Value);
    }

    private void Remember(int arg, ulong value, string name)
    {
        if (ConstantTable.TryGet(name, out var constant) && constant == value)
        {
            _names.TryAdd((arg, value), name);
        }
    }

    /// <summary>The name for a value of an argument, else the number: bit patterns (masks and what is
    /// compared under them) in hex, plain values in decimal up to 65535.</summary>
    public string Format(int arg, ulong value, bool bits = false) =>
        _names.TryGetValue((arg, value), out var name) ? name : Number(value, bits);

    public static string Number(ulong value, bool bits) =>
        value < (bits ? 10UL : 65536UL) ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"0x{value:x}";

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^arg\d\s*(?:&\s*(?<mask>\w+)\s*)?(?:==|!=|<=|>=|<|>)\s*(?<value>\w+)$")]
    private static partial Regex Comparison();
}
