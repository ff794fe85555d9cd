using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;

namespace Polc.Backends.DockerSeccomp;

/// <summary>The `SCMP_*` spellings of the Docker/OCI format, both ways.</summary>
public static class SeccompNames
{
    /// <summary>`kill` is written SCMP_ACT_KILL_PROCESS: runc reads plain SCMP_ACT_KILL as kill-thread.</summary>
    public static string Action(SeccompAction action) => action.Kind switch
    {
        SeccompActionKind.Allow => "SCMP_ACT_ALLOW",
        SeccompActionKind.Errno => "SCMP_ACT_ERRNO",
        SeccompActionKind.KillProcess => "SCMP_ACT_KILL_PROCESS",
        SeccompActionKind.KillThread => "SCMP_ACT_KILL_THREAD",
        SeccompActionKind.Trap => "SCMP_ACT_TRAP",
        SeccompActionKind.Trace => "SCMP_ACT_TRACE",
        SeccompActionKind.Notify => "SCMP_ACT_NOTIFY",
        SeccompActionKind.Log => "SCMP_ACT_LOG",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    /// <summary>The `errnoRet` that goes with an action: the errno, or a trace's value (runc passes it to SCMP_ACT_TRACE).</summary>
    public static uint? ReturnValue(SeccompAction action) =>
        action.Kind is SeccompActionKind.Errno or SeccompActionKind.Trace ? action.Value : null;

    /// <summary>An action as runc builds it from `action` and `errnoRet` (absent errnoRet: EPERM for errno and trace).</summary>
    public static SeccompAction? ParseAction(string name, uint? returnValue) => name switch
    {
        "SCMP_ACT_ALLOW" => SeccompAction.Allow,
        "SCMP_ACT_ERRNO" => SeccompAction.Errno(returnValue ?? 1),
        "SCMP_ACT_KILL_PROCESS" => SeccompAction.KillProcess,
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => new SeccompAction(SeccompActionKind.KillThread),
        "SCMP_ACT_TRAP" => new SeccompAction(SeccompActionKind.Trap),
        "SCMP_ACT_TRACE" => new SeccompAction(SeccompActionKind.Trace, returnValue ?? 1),
        "SCMP_ACT_NOTIFY" => new SeccompAction(SeccompActionKind.Notify),
        "SCMP_ACT_LOG" => new SeccompAction(SeccompActionKind.Log),
        _ => null,
    };

    public static string Operator(SeccompOperator op) => op switch
    {
        SeccompOperator.NotEqual => "SCMP_CMP_NE",
        SeccompOperator.LessThan => "SCMP_CMP_LT",
        SeccompOperator.LessEqual => "SCMP_CMP_LE",
        SeccompOperator.Equal => "SCMP_CMP_EQ",
        SeccompOperator.GreaterEqual => "SCMP_CMP_GE",
        SeccompOperator.GreaterThan => "SCMP_CMP_GT",
        SeccompOperator.MaskedEqual => "SCMP_CMP_MASKED_EQ",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static SeccompOperator? ParseOperator(string name) => name switch
    {
        "SCMP_CMP_NE" => SeccompOperator.NotEqual,
        "SCMP_CMP_LT" => SeccompOperator.LessThan,
        "SCMP_CMP_LE" => SeccompOperator.LessEqual,
        "SCMP_CMP_EQ" => SeccompOperator.Equal,
        "SCMP_CMP_GE" => SeccompOperator.GreaterEqual,
        "SCMP_CMP_GT" => SeccompOperator.GreaterThan,
        "SCMP_CMP_MASKED_EQ" => SeccompOperator.MaskedEqual,
        _ => null,
    };

    public static string Architecture(Arch arch) => arch switch
    {
        Arch.X86_64 => "SCMP_ARCH_X86_64",
        Arch.X86 => "SCMP_ARCH_X86",
        Arch.X32 => "SCMP_ARCH_X32",
        Arch.Aarch64 => "SCMP_ARCH_AARCH64",
        Arch.Arm => "SCMP_ARCH_ARM",
        Arch.Riscv64 => "SCMP_ARCH_RISCV64",
        Arch.Ppc64le => "SCMP_ARCH_PPC64LE",
        Arch.S390x => "SCMP_ARCH_S390X",
        _ => throw new ArgumentOutOfRangeException(nameof(arch)),
    };

    public static Arch? ParseArchitecture(string name) =>
        ArchInfo.All.Cast<Arch?>().FirstOrDefault(a => Architecture(a!.Value) == name);

    /// <summary>The architecture names Docker's `includes.arches`/`excludes.arches` use (libseccomp's
    /// names, as moby maps GOARCH): `amd64`, `x86`, `x32`, `arm64`, `arm`, `riscv64`, `ppc64le`, `s390x`.</summary>
    public static string DockerArchName(Arch arch) => arch switch
    {
        Arch.X86_64 => "amd64",
        Arch.Aarch64 => "arm64",
        _ => arch.Name(),
    };

    /// <summary>Polc's name for a Docker or libseccomp architecture name, or null for one polc does not compile for.</summary>
    public static Arch? ParseDockerArchName(string name) => name switch
    {
        "amd64" or "x86_64" => Arch.X86_64,
        "x86" or "386" or "i386" => Arch.X86,
        "x32" => Arch.X32,
        "arm64" or "aarch64" => Arch.Aarch64,
        "arm" => Arch.Arm,
        "riscv64" => Arch.Riscv64,
        "ppc64le" => Arch.Ppc64le,
        "s390x" => Arch.S390x,
        _ => null,
    };
}
