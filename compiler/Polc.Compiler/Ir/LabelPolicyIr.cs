using Polc.Compiler.Text;

namespace Polc.Compiler.Ir;

/// <summary>LSM labels. When not written, the names default to `polc-NAME` and `NAME_t`
/// (<see cref="AppArmorSpan"/>/<see cref="SelinuxSpan"/> are then null).</summary>
public sealed record LabelPolicyIr(string AppArmorProfile, SourceSpan? AppArmorSpan, string SelinuxType, SourceSpan? SelinuxSpan);
