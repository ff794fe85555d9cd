using System.Collections.Frozen;

namespace Polc.Compiler.Analysis.Lint;

/// <summary>A lint rule as documented: what it flags, why it matters, how to fix it.</summary>
/// <param name="Name">a PascalCase name, used as the SARIF rule name.</param>
public sealed record LintRule(string Code, string Name, string Title, string Why, string Fix);

/// <summary>Every lint rule polc has. Codes are stable; docs/review.md prints this table and a test
/// checks that it lists every code the catalogue's warnings use.</summary>
public static class LintCatalogue
{
    private static readonly LintRule[] Rules =
    [
        new("POL3001", "DangerousSyscallUnfiltered", "a dangerous syscall is allowed without an argument filter",
            "ptrace, bpf, mount, kexec_load, init_module, keyctl, userfaultfd, perf_event_open, io_uring_* and the like open large or privileged kernel interfaces; each is a known step in container escapes.",
            "Deny it, or allow only specific arguments with `if`; if the program truly needs it, silence the warning with a reason."),
        new("POL3002", "NamespaceSyscallUnfiltered", "clone, unshare or clone3 can create namespaces",
            "A user namespace reaches kernel code that otherwise needs capabilities (with CAP_SYS_ADMIN allowed, every CLONE_NEW* flag counts); clone3 hides its flags from seccomp entirely.",
            "Filter the flags (`allow clone if arg0 & CLONE_NEWUSER == 0`; with CAP_SYS_ADMIN, `arg0 & 0x7e020000 == 0`) and write `errno ENOSYS clone3` so libc falls back to clone."),
        new("POL3010", "DangerousCapability", "a dangerous capability is allowed",
            "SYS_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO, DAC_READ_SEARCH, NET_ADMIN, BPF, PERFMON, SYS_BOOT, MAC_ADMIN, MAC_OVERRIDE, SYSLOG, SYS_TIME and SETFCAP each give power over the host, not only the container.",
            "Drop it; when it is needed, silence the warning with a reason that says why."),
        new("POL3011", "AllCapabilities", "`allow all` grants every capability",
            "Every capability includes the dangerous ones; a policy should name what the program uses.",
            "List the capabilities the program needs instead of `all`."),
        new("POL3020", "NoMemoryLimit", "no memory limit",
            "Without a limit, a leak or a hostile input can exhaust the host's memory and trigger the OOM killer elsewhere.",
            "Add `resources { memory SIZE }` with a size the program fits in."),
        new("POL3021", "NoPidsLimit", "no pids limit",
            "Without a limit, a fork bomb can exhaust the host's process table.",
            "Add `resources { pids N }`."),
        new("POL3030", "WritableKernelInterface", "a write rule or writable bind covers /proc or /sys",
            "Files under /proc/sys, /proc/sysrq-trigger and /sys reconfigure the whole host.",
            "Narrow the pattern, or add `deny \"/proc/sys/**\", \"/sys/**\"` (deny wins over write)."),
        new("POL3040", "RuleNeverMatches", "a rule, or one syscall of it, can never match",
            "Earlier rules already decide every call it covers (first match wins), so it is dead and misleads readers about what the policy does.",
            "Remove it, or move it above the rules that shadow it (e.g. put `allow clone if ...` before `allow @process`)."),
        new("POL3041", "SyscallListedTwice", "a syscall or group is listed twice in one rule",
            "The repetition has no effect and usually hides a typo.",
            "Remove the repetition."),
        new("POL3042", "RuleRepeated", "a rule repeats an earlier rule",
            "Same action, same syscalls and an equivalent condition: the second copy never matches.",
            "Remove one of them."),
        new("POL3050", "DefaultErrnoBlocksFallback", "the default `errno EPERM` answers syscalls libc falls back from",
            "glibc tries clone3, faccessat2, statx, close_range and other newer syscalls first and uses the older ones only when the new one fails with ENOSYS; under EPERM the program fails instead.",
            "Write `default errno ENOSYS`, or `errno ENOSYS clone3, faccessat2, ...` for the syscalls you do not allow."),
        new("POL3051", "DefaultAllows", "`default allow` (or `default log`) makes a deny-list",
            "A deny-list allows every syscall not named, including ones future kernels add.",
            "Use an allow-list: a refusing default (`errno ENOSYS`) and `allow` rules for what the program uses."),
        new("POL3090", "SuppressionMalformed", "a `# polc:` directive is malformed or has no reason",
            "A silenced warning must say why, so reviewers can judge it.",
            "Write `# polc: allow POL3001 because REASON` on the line above or at the end of the line."),
        new("POL3091", "SuppressionUnknownCode", "a `# polc:` directive names a code that is not a lint rule",
            "Errors and non-lint warnings cannot be silenced; an unknown code is usually a typo.",
            "Use a code from this table."),
        new("POL3092", "SuppressionUnused", "a `# polc:` directive silences nothing",
            "The warning it was written for is gone; the stale directive would hide a future one.",
            "Remove the directive."),
    ];

    private static readonly FrozenDictionary<string, LintRule> ByCode = Rules.ToFrozenDictionary(r => r.Code, StringComparer.Ordinal);

    public static IReadOnlyList<LintRule> All => Rules;

    public static LintRule? Find(string code) => ByCode.GetValueOrDefault(code);

    public static bool IsLintCode(string code) => ByCode.ContainsKey(code);
}
