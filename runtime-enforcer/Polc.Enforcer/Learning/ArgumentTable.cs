namespace Polc.Enforcer.Learning;

/// <summary>
/// The syscall arguments a learned policy conditions on: values that say what kind of thing a call does
/// (which socket family, which ioctl request, which prctl option), are few in a real program, and are checked
/// by seccomp directly (not through a pointer). Every other argument is left free.
/// </summary>
public static class ArgumentTable
{
    /// <param name="Prefixes">constant-name prefixes to print values with, most preferred first.</param>
    /// <param name="Bits">values are flag sets: printed as `A | B`.</param>
    public sealed record Entry(string Syscall, int Arg, string[] Prefixes, bool Bits, string What);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        new("socket", 0, ["AF_"], false, "address families"),
        new("socketpair", 0, ["AF_"], false, "address families"),
        new("ioctl", 1, ["TCGETS", "TIOC", "TC", "FIO"], false, "requests"),
        new("prctl", 0, ["PR_SET_", "PR_GET_", "PR_CAP", "PR_"], false, "options"),
        new("personality", 0, ["PER_"], false, "personas"),
        new("unshare", 0, ["CLONE_"], true, "namespace flags"),
        new("setns", 1, ["CLONE_"], true, "namespace types"),
    ];

    public static Entry? For(string syscall) => Entries.FirstOrDefault(e => e.Syscall == syscall);
}
