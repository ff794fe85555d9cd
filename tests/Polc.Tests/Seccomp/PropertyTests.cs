using Polc.Backends.Seccomp;
using Polc.Compiler.Semantics;
using Polc.Tests.Seccomp.Support;

namespace Polc.Tests.Seccomp;

/// <summary>For random policies (conditions of any shape over random arguments) and random argument
/// vectors, the compiled filter run in the simulator decides exactly as the IR's reference semantics.</summary>
public class PropertyTests
{
    [Theory]
    [InlineData(0, 150, "x86_64")]
    [InlineData(1, 75, "x86_64, x32, x86")]
    [InlineData(2, 75, "aarch64, arm")]
    [InlineData(3, 75, "s390x, ppc64le, riscv64")]
    public void Random_policies_compile_to_their_reference_semantics(int batch, int policies, string arches)
    {
        var checkedCalls = 0;
        for (var i = 0; i < policies; i++)
        {
            var seed = batch * 1000 + i;
            var generator = new RandomSyscallPolicy(seed);
            var text = generator.Any(arches);
            var ir = SeccompKit.Bind(text);
            var filters = SeccompKit.Compile(ir);
            var vectors = generator.ArgumentVectors(mixtures: 20);
            foreach (var filter in filters)
            {
                foreach (var callArch in filter.Arch.Family())
                {
                    var numbers = RandomSyscallPolicy.Pool.Select(n => SyscallTable.TryGetNumber(callArch, n, out var nr) ? nr : (uint?)null).OfType<uint>()
                        .Concat(new uint[] { 0x3fff_ffff, 0x4000_0000, 0x4000_0001, 0xffff_fffe, uint.MaxValue, 9999 });
                    foreach (var nr in numbers)
                    {
                        foreach (var args in vectors)
                        {
                            var actual = SeccompKit.Run(filter, callArch.AuditArch(), nr, args).Action;
                            var expected = ReferenceSemantics.Decide(ir.Syscalls, filter.Arch, callArch.AuditArch(), nr, args);
                            if (actual != expected)
                            {
                                Assert.Fail($"seed {seed}, {filter.Arch.Name()} filter, call as {callArch.Name()} nr {nr} args [{string.Join(", ", args.Select(RandomSyscallPolicy.Hex))}]: filter `{actual}`, reference `{expected}`\n{text}");
                            }
                            checkedCalls++;
                        }
                    }
                }
            }
        }
        Assert.True(checkedCalls > policies * 100, $"only {checkedCalls} calls checked");
    }
}
