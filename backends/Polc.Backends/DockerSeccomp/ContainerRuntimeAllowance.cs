using System.Collections.Immutable;
using Polc.Compiler.Ir;

namespace Polc.Backends.DockerSeccomp;

/// <summary>
/// A container runtime loads the profile before it is done with the container: runc, a Go program, runs between
/// loading the filter and `execve` (with no-new-privileges it opens the exec FIFO, checks /proc with fstatfs and
/// closes descriptors; its Go runtime parks threads on futexes, sleeps, yields and handles signals). A profile that
/// leaves those calls to an errno default stops runc itself ("cannot start an already running container"). So the
/// profiles polc writes for runtimes (Docker/Podman JSON, the OCI config, the Security Profiles Operator) allow
/// these harmless calls after every rule of the policy, exactly as if the policy ended with
/// `allow futex, fstatfs, ...`: a rule of the policy that names one still decides it. polc's own filter
/// (NAME.ARCH.bpf, `polc run`) is loaded right before `execve` and needs none of them.
/// </summary>
public static class ContainerRuntimeAllowance
{
    public const string Origin = "container runtime";

    /// <summary>fstatfs and futex: runc 1.1 stops without them (measured with podman here); the rest: what the Go
    /// runtime may call at any moment (scheduler, signals, memory), so that a slow or loaded host cannot fail differently.</summary>
    public static readonly ImmutableArray<string> Syscalls =
    [
        "futex", "fstatfs", "nanosleep", "clock_nanosleep", "sched_yield", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
        "getpid", "gettid", "tgkill", "mmap", "munmap", "madvise", "exit",
    ];

    public static PolicyIr Apply(PolicyIr policy)
    {
        var syscalls = policy.Syscalls;
        if (syscalls.DefaultAction.Kind == SeccompActionKind.Allow)
        {
            return policy;
        }
        var at = syscalls.DefaultSpan ?? policy.Span;
        var rule = new SyscallRuleIr(SeccompAction.Allow, [.. Syscalls.Select(name => new SyscallRefIr(name, null, at))], null, at, Origin);
        return policy with { Syscalls = syscalls with { Rules = syscalls.Rules.Add(rule) } };
    }
}
