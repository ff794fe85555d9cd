using Polc.Compiler.Formatting;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.Baselines;

/// <summary>
/// One folder per case under TestData/baselines/: `input.pol` (plus any files it extends) and, written by
/// POLC_UPDATE_BASELINES=1, `diagnostics.txt` (each diagnostic under its line), `ir.txt` and `formatted.pol`.
/// The files are for review; the assertions that matter live in the other test classes.
/// </summary>
public class BaselineTests
{
    private static string CasesRoot => Path.Combine(RepoPaths.TestData, "baselines");

    public static IEnumerable<object[]> Cases() =>
        Directory.EnumerateDirectories(CasesRoot).Order(StringComparer.Ordinal).Select(d => new object[] { Path.GetFileName(d) });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case(string name)
    {
        var folder = Path.Combine(CasesRoot, name);
        var inputPath = Path.Combine(folder, "input.pol");
        var source = SourceText.FromBytes(Path.GetRelativePath(RepoPaths.Root, inputPath), File.ReadAllBytes(inputPath), inputPath);
        var bound = PolicyBinder.Bind(source);
        Baseline.Verify(Path.Combine(folder, "diagnostics.txt"), InlineDiagnostics.Render(source, bound.Diagnostics));
        var irPath = Path.Combine(folder, "ir.txt");
        if (bound.Policy is { } policy)
        {
            Baseline.Verify(irPath, IrPrinter.Print(policy));
        }
        else
        {
            Assert.False(File.Exists(irPath) && !Baseline.Updating, $"{name}: ir.txt exists but the policy no longer binds");
            if (Baseline.Updating && File.Exists(irPath))
            {
                File.Delete(irPath);
            }
        }
        var formatted = PolicyFormatter.Format(source).Text;
        var formattedPath = Path.Combine(folder, "formatted.pol");
        if (formatted is not null)
        {
            Baseline.Verify(formattedPath, formatted);
        }
        else if (Baseline.Updating && File.Exists(formattedPath))
        {
            File.Delete(formattedPath);
        }
    }
}
