using Polc.Compiler.Diagnostics;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

/// <summary>Numbers, sizes, rates and named constants, folded to integers.</summary>
internal sealed class ValueBinder(DiagnosticBag diagnostics)
{
    private static readonly (string Unit, ulong Factor)[] Units =
    [
        ("B", 1), ("KiB", 1UL << 10), ("MiB", 1UL << 20), ("GiB", 1UL << 30), ("TiB", 1UL << 40),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
    ];

    /// <summary>A size in bytes: `64MiB`, or a bare integer meaning bytes. Rates are rejected unless <paramref name="rate"/>.</summary>
    public ulong? Size(ArgumentSyntax? argument, string statement, bool rate = false)
    {
        switch (argument)
        {
            case NumberArgument { Value: { } bytes } when !rate:
                return bytes;
            case SizeArgument size when size.IsRate == rate:
                var unit = Units.FirstOrDefault(u => u.Unit == size.Unit);
                if (unit.Unit is null)
                {
                    var suggestion = SpellChecker.Suggest(size.Unit, Units.Select(u => u.Unit));
                    diagnostics.Add(DiagnosticCatalog.InvalidSize(size.Span, size.Text, suggestion is null ? null : size.Text.Replace(size.Unit, suggestion, StringComparison.Ordinal)));
                    return null;
                }
                var value = size.Magnitude * unit.Factor;
                if (value > ulong.MaxValue || value != decimal.Truncate(value))
                {
                    diagnostics.Add(DiagnosticCatalog.InvalidSize(size.Span, size.Text, null));
                    return null;
                }
                return (ulong)value;
            case SizeArgument wrongKind when rate:
                diagnostics.Add(DiagnosticCatalog.RateExpected(wrongKind.Span, wrongKind.Text));
                return null;
            case NumberArgument number when rate:
                diagnostics.Add(DiagnosticCatalog.RateExpected(number.Span, number.Text));
                return null;
            case SizeArgument rateGiven:
                diagnostics.Add(DiagnosticCatalog.ExpectedArgument(rateGiven.Span, statement, "a size, not a rate"));
                return null;
            case NumberArgument { Value: null }:
                return null; // already reported by the parser
            case null:
                return null;
            default:
                diagnostics.Add(DiagnosticCatalog.ExpectedArgument(argument.Span, statement, rate ? "a rate such as `50MiB/s`" : "a size such as `256MiB`"));
                return null;
        }
    }

    /// <summary>A plain integer within [min, max].</summary>
    public ulong? Integer(ArgumentSyntax? argument, string statement, ulong min, ulong max, SourceSpan missingAt)
    {
        if (argument is null)
        {
            diagnostics.Add(DiagnosticCatalog.ExpectedArgument(missingAt, statement, "a number"));
            return null;
        }
        if (argument is not NumberArgument number)
        {
            diagnostics.Add(DiagnosticCatalog.ExpectedArgument(argument.Span, statement, "a number"));
            return null;
        }
        if (number.Value is not { } value)
        {
            return null;
        }
        if (value < min || value > max)
        {
            diagnostics.Add(DiagnosticCatalog.ValueOutOfRange(argument.Span, statement, argument.Text, $"between {min} and {max}"));
            return null;
        }
        return value;
    }

    /// <summary>An integer literal, a named constant, or several OR-ed together.</summary>
    public ulong? Constant(ValueSyntax value) => value switch
    {
        NumberValueSyntax number => number.Value,
        NameValueSyntax name => NamedConstant(name.Name, name.Span),
        BitOrValueSyntax bits => bits.Operands.Select(Constant).Aggregate((ulong?)0, (acc, v) => acc is null || v is null ? null : acc | v),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    private ulong? NamedConstant(string name, SourceSpan span)
    {
        if (ConstantTable.TryGet(name, out var value))
        {
            return value;
        }
        if (ErrnoTable.TryGet(name, out var errno))
        {
            return (ulong)errno;
        }
        diagnostics.Add(DiagnosticCatalog.UnknownConstant(span, name, SpellChecker.Suggest(name, ConstantTable.Names)));
        return null;
    }

    /// <summary>An errno given by name (`EPERM`) or number (0..4095).</summary>
    public uint? Errno(ArgumentSyntax? argument, string statement, SourceSpan missingAt)
    {
        switch (argument)
        {
            case WordArgument word:
                if (ErrnoTable.TryGet(word.Word, out var number))
                {
                    return (uint)number;
                }
                diagnostics.Add(DiagnosticCatalog.UnknownErrno(word.Span, word.Word, SpellChecker.Suggest(word.Word, ErrnoTable.Names)));
                return null;
            case NumberArgument { Value: { } value }:
                if (value > 4095)
                {
                    diagnostics.Add(DiagnosticCatalog.ErrnoOutOfRange(argument.Span, argument.Text));
                    return null;
                }
                return (uint)value;
            case NumberArgument:
                return null;
            default:
                diagnostics.Add(DiagnosticCatalog.ExpectedArgument(argument?.Span ?? missingAt, statement, "an errno name such as `EPERM` or a number 0..4095"));
                return null;
        }
    }
}
