using System.Text.RegularExpressions;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Ir;
using Polc.Compiler.Syntax;
using Polc.Compiler.Text;

namespace Polc.Compiler.Semantics;

internal sealed partial class UnitBinder
{
    private static readonly string[] ResourceStatements =
        ["memory", "memory-swap", "memory-reservation", "cpu", "cpu-weight", "cpuset", "pids", "io-weight", "io", "rlimit"];

    public static readonly string[] RlimitNames =
        ["as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"];

    private static readonly string[] IoLimitNames = ["read", "write", "read-iops", "write-iops"];

    private void BindResourceStatement(StatementSyntax statement)
    {
        var cursor = new ArgumentCursor(statement, _diagnostics);
        cursor.RejectCondition();
        var head = statement.Head.Text;
        switch (head)
        {
            case "memory":
                SetSize(statement, cursor, _unit.Memory, v => _unit.Memory = v);
                break;
            case "memory-swap":
                SetSize(statement, cursor, _unit.MemorySwap, v => _unit.MemorySwap = v);
                break;
            case "memory-reservation":
                SetSize(statement, cursor, _unit.MemoryReservation, v => _unit.MemoryReservation = v);
                break;
            case "cpu":
                var cpu = cursor.Next();
                decimal? cpus = cpu switch
                {
                    DecimalArgument d => d.Value,
                    NumberArgument { Value: { } n } when n <= 100_000 => n,
                    _ => null,
                };
                if (cpus is null or <= 0 or > 100_000)
                {
                    _diagnostics.Add(cpu is null
                        ? DiagnosticCatalog.ExpectedArgument(cursor.EndSpan, "cpu", "a number of CPUs, e.g. `1.5`")
                        : DiagnosticCatalog.ValueOutOfRange(cpu.Span, "cpu", cpu.Text, "a positive number of CPUs, e.g. `0.5` or `2`"));
                }
                else
                {
                    SetOnce(_unit.Cpus, new Setting<decimal>(cpus.Value, statement.Span), statement, v => _unit.Cpus = v);
                }
                cursor.ExpectEnd();
                break;
            case "cpu-weight":
                SetInteger(statement, cursor, 1, 10_000, _unit.CpuWeight, v => _unit.CpuWeight = v);
                break;
            case "io-weight":
                SetInteger(statement, cursor, 1, 10_000, _unit.IoWeight, v => _unit.IoWeight = v);
                break;
            case "pids":
                var pids = _values.Integer(cursor.Next(), "pids", 1, int.MaxValue, cursor.EndSpan);
                if (pids is not null)
                {
                    SetOnce(_unit.Pids, new Setting<ulong>(pids.Value, statement.Span), statement, v => _unit.Pids = v);
                }
                cursor.ExpectEnd();
                break;
            case "cpuset":
                if (cursor.Expect<StringArgument>("a CPU list in quotes, e.g. `\"0-1\"`") is { } set)
                {
                    if (!CpuList().IsMatch(set.Value))
                    {
                        _diagnostics.Add(DiagnosticCatalog.InvalidCpuset(set.Span, set.Value));
                    }
                    else
                    {
                        SetOnce(_unit.Cpuset, new Setting<string>(set.Value, statement.Span), statement, v => _unit.Cpuset = v);
                    }
                }
                cursor.ExpectEnd();
                break;
            case "io":
                BindIoLimit(statement, cursor);
                break;
            case "rlimit":
                BindRlimit(statement, cursor);
                break;
            default:
                _diagnostics.Add(DiagnosticCatalog.UnknownStatement(statement.Head.Span, "resources", head, SpellChecker.Suggest(head, ResourceStatements)));
                break;
        }
    }

    private void SetSize(StatementSyntax statement, ArgumentCursor cursor, Setting<ulong>? current, Action<Setting<ulong>> assign)
    {
        var argument = cursor.Next();
        if (argument is null)
        {
            _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.EndSpan, statement.Head.Text, "a size such as `256MiB`"));
            return;
        }
        if (_values.Size(argument, statement.Head.Text) is { } bytes)
        {
            SetOnce(current, new Setting<ulong>(bytes, statement.Span), statement, assign);
        }
        cursor.ExpectEnd();
    }

    private void SetInteger(StatementSyntax statement, ArgumentCursor cursor, ulong min, ulong max, Setting<uint>? current, Action<Setting<uint>> assign)
    {
        if (_values.Integer(cursor.Next(), statement.Head.Text, min, max, cursor.EndSpan) is { } value)
        {
            SetOnce(current, new Setting<uint>((uint)value, statement.Span), statement, assign);
        }
        cursor.ExpectEnd();
    }

    private void BindIoLimit(StatementSyntax statement, ArgumentCursor cursor)
    {
        var device = cursor.Expect<StringArgument>("a device path in quotes, e.g. `io \"/dev/vda\" read 50MiB/s`");
        if (device is not null && !device.Value.StartsWith("/dev/", StringComparison.Ordinal))
        {
            _diagnostics.Add(DiagnosticCatalog.PathNotAbsolute(device.Span, device.Value));
            device = null;
        }
        ulong? readBps = null, writeBps = null, readIops = null, writeIops = null;
        var any = false;
        var unknown = false;
        while (!cursor.AtEnd)
        {
            var key = cursor.Next()!;
            var name = key is WordArgument w ? w.Word : key.Text;
            switch (name)
            {
                case "read": readBps = _values.Size(cursor.Next(), "read", rate: true); break;
                case "write": writeBps = _values.Size(cursor.Next(), "write", rate: true); break;
                case "read-iops": readIops = _values.Integer(cursor.Next(), "read-iops", 1, ulong.MaxValue, cursor.EndSpan); break;
                case "write-iops": writeIops = _values.Integer(cursor.Next(), "write-iops", 1, ulong.MaxValue, cursor.EndSpan); break;
                default:
                    _diagnostics.Add(DiagnosticCatalog.UnknownIoLimit(key.Span, name, SpellChecker.Suggest(name, IoLimitNames)));
                    unknown = true;
                    if (cursor.Peek is not null and not WordArgument)
                    {
                        cursor.Next(); // its value
                    }
                    continue;
            }
            any = true;
        }
        if (!any && !unknown)
        {
            _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(cursor.EndSpan, "io", "at least one of `read RATE`, `write RATE`, `read-iops N`, `write-iops N`"));
        }
        if (device is not null && any)
        {
            if (_unit.Io.FirstOrDefault(i => i.Device == device.Value) is { } first)
            {
                _diagnostics.Add(DiagnosticCatalog.DuplicateSetting(statement.Head.Span, $"io \"{device.Value}\"", first.Span.Line));
                return;
            }
            _unit.Io.Add(new IoLimitIr(device.Value, readBps, writeBps, readIops, writeIops, statement.Span));
        }
    }

    private void BindRlimit(StatementSyntax statement, ArgumentCursor cursor)
    {
        var nameArgument = cursor.Next();
        if (nameArgument is not WordArgument nameWord)
        {
            _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(nameArgument?.Span ?? cursor.EndSpan, "rlimit", "a limit name and value, e.g. `rlimit nofile 4096`"));
            return;
        }
        var name = nameWord.Word.ToLowerInvariant();
        if (name.StartsWith("rlimit_", StringComparison.Ordinal))
        {
            name = name[7..];
        }
        if (!RlimitNames.Contains(name))
        {
            _diagnostics.Add(DiagnosticCatalog.UnknownRlimit(nameWord.Span, nameWord.Word, SpellChecker.Suggest(name, RlimitNames)));
            return;
        }
        var soft = RlimitValue(cursor.Next(), name, cursor);
        var hard = cursor.AtEnd ? soft : RlimitValue(cursor.Next(), name, cursor);
        cursor.ExpectEnd();
        if (soft is null || hard is null)
        {
            return;
        }
        if (soft > hard)
        {
            _diagnostics.Add(DiagnosticCatalog.RlimitSoftAboveHard(statement.Span, name));
            return;
        }
        if (_unit.Rlimits.FirstOrDefault(r => r.Name == name) is { } first)
        {
            _diagnostics.Add(DiagnosticCatalog.DuplicateSetting(statement.Head.Span, $"rlimit {name}", first.Span.Line));
            return;
        }
        _unit.Rlimits.Add(new RlimitIr(name, soft.Value, hard.Value, statement.Span));
    }

    private ulong? RlimitValue(ArgumentSyntax? argument, string name, ArgumentCursor cursor)
    {
        switch (argument)
        {
            case WordArgument { Word: "unlimited" or "infinity" }:
                return RlimitIr.Unlimited;
            case NumberArgument number:
                return number.Value;
            case SizeArgument size:
                return _values.Size(size, "rlimit " + name);
            default:
                _diagnostics.Add(DiagnosticCatalog.ExpectedArgument(argument?.Span ?? cursor.EndSpan, "rlimit " + name, "a number, a size or `unlimited`"));
                return null;
        }
    }

    [GeneratedRegex("^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$")]
    private static partial Regex CpuList();
}
