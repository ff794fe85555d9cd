using Polc.Backends.Seccomp.Analysis;
using Polc.Compiler.Semantics;
using Polc.Tests.Seccomp.Support;
using Polc.Tests.Support;

namespace Polc.Tests.Seccomp;

/// <summary>Disassemblies of a few small policies (Golden/NAME.pol → Golden/NAME.ARCH.disasm), for review:
/// a change in the generated code shows up as a diff. Behaviour is proven by the other tests, not here.</summary>
public class GoldenTests
{
    public static TheoryData<string> Policies => new(Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "Polc.Tests", "Seccomp", "Golden"), "*.pol")
        .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Policies))]
    public void Disassembly_matches_the_golden_file(string name)
    {
        var directory = Path.Combine("tests", "Polc.Tests", "Seccomp", "Golden");
        var result = PolicyBinder.BindFile(Path.Combine(RepoPaths.Root, directory, name + ".pol"));
        Assert.True(result.Policy is not null, string.Join("\n", result.Diagnostics));
        foreach (var filter in SeccompKit.Compile(result.Policy!))
        {
            Baseline.Verify(Path.Combine(directory, $"{name}.{filter.Arch.Name()}.disasm"), Disassembler.Disassemble(filter.Program, filter.Arch));
        }
    }
}
