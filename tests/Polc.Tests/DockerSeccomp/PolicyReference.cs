using Polc.Compiler.Ir;

namespace Polc.Tests.DockerSeccomp;

/// <summary>The language's own meaning of a syscall section (spec §3): the first rule naming the syscall
/// whose condition holds decides, else the default. Everything compiled is checked against this.</summary>
public static class PolicyReference
{
    public static SeccompAction Decide(SyscallPolicyIr syscalls, string syscall, IReadOnlyList<ulong> args)
    {
        foreach (var rule in syscalls.Rules)
        {
            if (rule.Syscalls.Any(s => s.Name == syscall) && (rule.Condition is null || rule.Condition.Holds(args)))
            {
                return rule.Action;
            }
        }
        return syscalls.DefaultAction;
    }
}
