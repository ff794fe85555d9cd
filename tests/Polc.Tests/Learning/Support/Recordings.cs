using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Enforcer.Learning;

namespace Polc.Tests.Learning.Support;

/// <summary>Recordings made by hand, for tests of the writer and the merger that need no kernel.</summary>
public static class Recordings
{
    /// <summary>What the policy's rules decide for a call (the reference semantics, first match wins).</summary>
    public static SeccompAction Decide(PolicyIr policy, string syscall, params ulong[] args) =>
        LearnedPolicyMerger.Evaluate(policy.Syscalls, syscall, [.. args, .. new ulong[6 - args.Length]]).Action;

    public static ulong Constant(string name) => ConstantTable.TryGet(name, out var value) ? value : throw new ArgumentException(name);

    /// <summary>A small server: file I/O, an inet listener, threads, a terminal check.</summary>
    public static Recording Server()
    {
        var recording = new Recording();
        foreach (var (syscall, count) in new (string, int)[]
        {
            ("execve", 1), ("read", 40), ("write", 12), ("close", 9), ("openat", 14), ("newfstatat", 8), ("mmap", 20),
            ("mprotect", 4), ("brk", 3), ("exit_group", 1), ("socket", 2), ("bind", 1), ("listen", 1), ("accept4", 1),
            ("ioctl", 2), ("clone3", 1), ("futex", 6), ("rt_sigaction", 5), ("prctl", 1),
        })
        {
            for (var i = 0; i < count; i++)
            {
                recording.Count(Arch.X86_64, syscall);
            }
        }
        recording.Value(Arch.X86_64, "socket", Constant("AF_INET"));
        recording.Value(Arch.X86_64, "socket", Constant("AF_UNIX"));
        recording.Value(Arch.X86_64, "ioctl", Constant("TCGETS"));
        recording.Value(Arch.X86_64, "prctl", Constant("PR_SET_NAME"));
        recording.CloneFlags[Arch.X86_64] = Constant("CLONE_VM") | Constant("CLONE_THREAD") | Constant("CLONE_SIGHAND");
        recording.Path("/usr/sbin/server", PathUse.Exec);
        recording.Path("/etc/server.conf", PathUse.Read);
        recording.Path("/var/lib/server/state", PathUse.Write);
        recording.Sockets = NetworkAccess.Inet4Stream | NetworkAccess.Unix;
        recording.Ports.Add(new PortUse(PortProtocol.Tcp, 8080, Bind: true));
        recording.Processes.Add(100);
        recording.Threads.UnionWith([100, 101]);
        return recording;
    }
}
