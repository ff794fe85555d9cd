using System.Runtime.Versioning;
using System.Buffers.Binary;
using Polc.Compiler.Ir;

namespace Polc.Tests.Enforcer.Support;

/// <summary>Tiny seccomp filters written by hand for the launcher's tests (until the seccomp backend's BPF is
/// wired in): x86_64 only, checked by architecture, x32 calls killed.</summary>
[SupportedOSPlatform("linux")]
public static class HandBpf
{
    private const ushort LdAbsW = 0x20, JeqK = 0x15, JgeK = 0x35, RetK = 0x06;
    private const uint AuditArchX86_64 = 0xC000_003E;

    /// <summary>`errno ERRNO` for each of the syscall numbers, allow everything else.</summary>
    public static byte[] DenyWithErrno(uint errno, params uint[] syscalls)
    {
        var program = new List<(ushort Code, byte Jt, byte Jf, uint K)>
        {
            (LdAbsW, 0, 0, 4),                       // A = seccomp_data.arch
            (JeqK, 1, 0, AuditArchX86_64),           // x86_64: skip the kill
            (RetK, 0, 0, SeccompAction.RetKillProcess),
            (LdAbsW, 0, 0, 0),                       // A = seccomp_data.nr
            (JgeK, 0, 1, 0x4000_0000),               // x32 ABI
            (RetK, 0, 0, SeccompAction.RetKillProcess),
        };
        for (var i = 0; i < syscalls.Length; i++)
        {
            program.Add((JeqK, (byte)(syscalls.Length - i), 0, syscalls[i])); // jump to the errno return
        }
        program.Add((RetK, 0, 0, SeccompAction.RetAllow));
        program.Add((RetK, 0, 0, SeccompAction.RetErrno | errno));
        var bytes = new byte[program.Count * 8];
        for (var i = 0; i < program.Count; i++)
        {
            var (code, jt, jf, k) = program[i];
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 8), code);
            bytes[i * 8 + 2] = jt;
            bytes[i * 8 + 3] = jf;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 8 + 4), k);
        }
        return bytes;
    }
}
