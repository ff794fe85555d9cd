using Polc.Compiler.Text;

namespace Polc.Compiler.Diagnostics;

/// <summary>
/// Every diagnostic polc can report, one method each. Codes are stable: never renumber,
/// never reuse a retired code. Messages are lowercase, with offending text in backticks,
/// and end with a suggestion where one exists. Ranges: 0xxx syntax and structure,
/// 1xx structure, 2xx syscalls, 3xx capabilities, 4xx filesystem, 5xx network,
/// 6xx resources, 7xx isolation, 8xx labels, 9xx expectations, 2xxx backends, 3xxx lint, 9xxx I/O.
/// </summary>
public static class DiagnosticCatalog
{
    private static Diagnostic Error(string code, SourceSpan? at, string message) => new(DiagnosticSeverity.Error, code, message, at);

    private static Diagnostic Warning(string code, SourceSpan? at, string message) => new(DiagnosticSeverity.Warning, code, message, at);

    private static string DidYouMean(string? suggestion) => suggestion is null ? "" : $"; did you mean `{suggestion}`?";

    // ---- syntax ----
    public static Diagnostic SyntaxError(SourceSpan at, string message) => Error("POL0001", at, message);
    public static Diagnostic UnterminatedString(SourceSpan at) => Error("POL0002", at, "unterminated string; add the closing `\"` on the same line");
    public static Diagnostic InvalidCharacter(SourceSpan at, string shown) => Error("POL0003", at, $"invalid input: {shown}");
    public static Diagnostic InvalidNumber(SourceSpan at, string text, string why) => Error("POL0004", at, $"`{text}` is not a valid number: {why}");
    public static Diagnostic NoPolicy(SourceSpan at) => Error("POL0005", at, "the file declares no policy; expected `policy NAME { ... }`");
    public static Diagnostic SecondPolicy(SourceSpan at) => Error("POL0006", at, "a file holds one policy; move this one into a file of its own");
    public static Diagnostic InvalidEscape(SourceSpan at, string escape) => Error("POL0007", at, $"unknown escape `{escape}` in string; use `\\\"`, `\\\\`, `\\n` or `\\t`");

    // ---- structure ----
    public static Diagnostic UnknownSection(SourceSpan at, string name, string? suggestion) =>
        Error("POL0101", at, $"unknown section `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic DuplicateSection(SourceSpan at, string name, int firstLine) =>
        Error("POL0102", at, $"section `{name}` appears twice (first at line {firstLine}); merge them");
    public static Diagnostic UnknownStatement(SourceSpan at, string section, string name, string? suggestion) =>
        Error("POL0103", at, $"unknown statement `{name}` in `{section}`{DidYouMean(suggestion)}");
    public static Diagnostic ExpectedArgument(SourceSpan at, string statement, string expected) =>
        Error("POL0104", at, $"`{statement}` expects {expected}");
    public static Diagnostic UnexpectedArgument(SourceSpan at, string text, string statement) =>
        Error("POL0105", at, $"unexpected `{text}` in `{statement}`");
    public static Diagnostic DuplicateSetting(SourceSpan at, string name, int firstLine) =>
        Error("POL0106", at, $"`{name}` is already set at line {firstLine}");
    public static Diagnostic ConditionNotAllowed(SourceSpan at, string statement) =>
        Error("POL0107", at, $"`{statement}` takes no `if` condition; conditions belong to syscall rules");
    public static Diagnostic MissingComma(SourceSpan at, string before, string after) =>
        Error("POL0109", at, $"expected `,` between `{before}` and `{after}`");
    public static Diagnostic StatementOutsideSection(SourceSpan at, string name, string section) =>
        Error("POL0110", at, $"`{name}` belongs inside a section; did you mean `{section} {{ {name} ... }}`?");
    public static Diagnostic NestedSection(SourceSpan at, string name, string outer) =>
        Error("POL0112", at, $"section `{name}` cannot stand inside `{outer}`; sections sit directly in the policy");
    public static Diagnostic GroupInsidePolicy(SourceSpan at) =>
        Error("POL0111", at, "`group` declarations stand at the top level of the file, outside the policy");

    // ---- bases ----
    public static Diagnostic BaseNotFound(SourceSpan at, string name, string? suggestion) =>
        Error("POL0150", at, $"base policy `{name}` not found{DidYouMean(suggestion)}");
    public static Diagnostic BaseCycle(SourceSpan at, string chain) =>
        Error("POL0151", at, $"policies extend each other in a cycle: {chain}");
    public static Diagnostic BaseUnreadable(SourceSpan at, string path, string reason) =>
        Error("POL0153", at, $"cannot read base policy `{path}`: {reason}");
    public static Diagnostic DuplicateBase(SourceSpan at, string name) =>
        Warning("POL0154", at, $"base `{name}` is listed twice; the second mention has no effect");

    // ---- groups ----
    public static Diagnostic UnknownGroup(SourceSpan at, string name, string? suggestion) =>
        Error("POL0160", at, $"unknown syscall group `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic DuplicateGroup(SourceSpan at, string name, string where) =>
        Error("POL0161", at, $"syscall group `{name}` is already defined ({where})");
    public static Diagnostic GroupCycle(SourceSpan at, string chain) =>
        Error("POL0162", at, $"syscall groups include each other in a cycle: {chain}");

    // ---- syscalls ----
    public static Diagnostic UnknownSyscall(SourceSpan at, string name, string? suggestion) =>
        Error("POL0201", at, $"unknown syscall `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic SyscallMissingOnArch(SourceSpan at, string name, string arches) =>
        Warning("POL0202", at, $"syscall `{name}` does not exist on {arches}; the rule skips it there");
    public static Diagnostic UnknownArch(SourceSpan at, string name, string? suggestion) =>
        Error("POL0203", at, $"unknown architecture `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic UnknownAction(SourceSpan at, string name, string? suggestion) =>
        Error("POL0204", at, $"unknown action `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic UnknownErrno(SourceSpan at, string name, string? suggestion) =>
        Error("POL0205", at, $"unknown errno `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic ErrnoOutOfRange(SourceSpan at, string text) =>
        Error("POL0206", at, $"errno `{text}` is out of range; seccomp carries 0..4095");
    public static Diagnostic TraceValueOutOfRange(SourceSpan at, string text) =>
        Error("POL0207", at, $"trace value `{text}` is out of range; seccomp carries 0..65535");
    public static Diagnostic RuleWithoutSyscalls(SourceSpan at, string action) =>
        Error("POL0209", at, $"`{action}` names no syscalls");
    public static Diagnostic DuplicateArch(SourceSpan at, string name) =>
        Warning("POL0210", at, $"architecture `{name}` is listed twice");
    public static Diagnostic DefaultNeedsAction(SourceSpan at) =>
        Error("POL0211", at, "`default` expects an action, e.g. `default errno EPERM` or `default kill`");
    public static Diagnostic SyscallsInDefault(SourceSpan at) =>
        Error("POL0212", at, "`default` takes an action only, no syscall names");

    // ---- conditions ----
    public static Diagnostic UnknownArgument(SourceSpan at, string name, string? suggestion) =>
        Error("POL0250", at, $"`{name}` is not a syscall argument; use `arg0`..`arg5`{DidYouMean(suggestion)}");
    public static Diagnostic UnknownConstant(SourceSpan at, string name, string? suggestion) =>
        Error("POL0251", at, $"unknown constant `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic NumberTooLarge(SourceSpan at, string text) =>
        Error("POL0252", at, $"`{text}` does not fit in 64 bits");
    public static Diagnostic LeftSideNotArgument(SourceSpan at, string text, string? argumentOnRight) =>
        Error("POL0253", at, $"the left side of a comparison must be `argN` or `argN & MASK`, not `{text}`"
            + (argumentOnRight is null ? "" : $"; write the argument first: `{argumentOnRight} ... {text}`"));
    public static Diagnostic ConditionNeverTrue(SourceSpan at, string why) =>
        Warning("POL0254", at, $"this comparison can never hold: {why}");

    // ---- capabilities ----
    public static Diagnostic UnknownCapability(SourceSpan at, string name, string? suggestion) =>
        Error("POL0301", at, $"unknown capability `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic AmbientNotAllowed(SourceSpan at, string name) =>
        Error("POL0302", at, $"`{name}` is ambient but not allowed; add it to `allow` first");
    public static Diagnostic CapabilityListedTwice(SourceSpan at, string name) =>
        Warning("POL0303", at, $"capability `{name}` is listed twice in this statement");

    // ---- filesystem ----
    public static Diagnostic PathNotAbsolute(SourceSpan at, string path) =>
        Error("POL0401", at, $"path `{path}` is not absolute; paths start with `/`");
    public static Diagnostic InvalidGlob(SourceSpan at, string path, string why) =>
        Error("POL0402", at, $"pattern `{path}` is malformed: {why}");
    public static Diagnostic UnknownMountOption(SourceSpan at, string name, string? suggestion) =>
        Error("POL0404", at, $"unknown mount option `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic ReadonlyNeedsRoot(SourceSpan at) =>
        Error("POL0405", at, "`readonly` applies to `root` only: write `readonly root`, or `bind ... readonly`");
    public static Diagnostic PatternInMountPath(SourceSpan at, string path) =>
        Error("POL0406", at, $"`{path}` is a mount point and cannot hold `*`, `**` or `{{...}}`");

    // ---- network ----
    public static Diagnostic UnknownFamily(SourceSpan at, string name, string? suggestion) =>
        Error("POL0501", at, $"unknown network family `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic InvalidPort(SourceSpan at, string text) =>
        Error("POL0502", at, $"`{text}` is not a port or port range (1..65535)");
    public static Diagnostic PortProtocol(SourceSpan at, string name, string? suggestion) =>
        Error("POL0503", at, $"ports belong to `tcp` or `udp`, not `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic NetworkNoneConflict(SourceSpan at, int noneLine) =>
        Error("POL0504", at, $"`network none` (line {noneLine}) allows no network; remove one of the two");

    // ---- resources ----
    public static Diagnostic InvalidSize(SourceSpan at, string text, string? suggestion) =>
        Error("POL0601", at, $"`{text}` is not a size; write a number with `B`, `KiB`, `MiB`, `GiB`, `TiB`, `KB`, `MB`, `GB` or `TB`{DidYouMean(suggestion)}");
    public static Diagnostic ValueOutOfRange(SourceSpan at, string name, string text, string range) =>
        Error("POL0602", at, $"`{name}` must be {range}, not `{text}`");
    public static Diagnostic UnknownRlimit(SourceSpan at, string name, string? suggestion) =>
        Error("POL0603", at, $"unknown rlimit `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic RlimitSoftAboveHard(SourceSpan at, string name) =>
        Error("POL0604", at, $"rlimit `{name}`: the soft limit is above the hard limit");
    public static Diagnostic InvalidCpuset(SourceSpan at, string text) =>
        Error("POL0605", at, $"`{text}` is not a CPU list; write e.g. `\"0-3,6\"`");
    public static Diagnostic RateExpected(SourceSpan at, string text) =>
        Error("POL0606", at, $"`{text}` is not a rate; write a size per second, e.g. `50MiB/s`");
    public static Diagnostic UnknownIoLimit(SourceSpan at, string name, string? suggestion) =>
        Error("POL0607", at, $"unknown io limit `{name}`{DidYouMean(suggestion)}");

    // ---- isolation ----
    public static Diagnostic UnknownNamespace(SourceSpan at, string name, string? suggestion) =>
        Error("POL0701", at, $"unknown namespace `{name}`{DidYouMean(suggestion)}");
    public static Diagnostic InvalidIdMap(SourceSpan at, string why) =>
        Error("POL0702", at, $"invalid id map: {why}");
    public static Diagnostic InvalidHostname(SourceSpan at, string name) =>
        Error("POL0703", at, $"`{name}` is not a valid hostname (letters, digits, `-` and `.`, at most 64 characters)");
    public static Diagnostic ConflictingNewPrivileges(SourceSpan at, int otherLine) =>
        Error("POL0704", at, $"`no-new-privileges` and `allow-new-privileges` contradict each other (see line {otherLine})");
    public static Diagnostic IdOutOfRange(SourceSpan at, string text) =>
        Error("POL0705", at, $"`{text}` is not a valid user or group id (0..4294967294)");

    // ---- labels ----
    public static Diagnostic InvalidLabel(SourceSpan at, string name, string why) =>
        Error("POL0801", at, $"`{name}` is not a valid label: {why}");

    // ---- expectations ----
    public static Diagnostic ExpectationFailed(SourceSpan at, string expectation, string arch, string actual) =>
        Error("POL0901", at, $"expectation `{expectation}` does not hold on {arch}: the filter returns `{actual}`");
    public static Diagnostic CapabilityExpectationFailed(SourceSpan at, string name, bool expected) =>
        Error("POL0902", at, expected
            ? $"expectation `capability {name}` does not hold: `{name}` is not in the resolved set"
            : $"expectation `no capability {name}` does not hold: `{name}` is in the resolved set");
    public static Diagnostic TooManyCallArguments(SourceSpan at, string name) =>
        Error("POL0903", at, $"`{name}(...)` has more than six arguments");
    public static Diagnostic UnknownExpectation(SourceSpan at, string name, string? suggestion) =>
        Error("POL0904", at, $"unknown expectation `{name}`{DidYouMean(suggestion)}");

    // ---- runtime configuration: capabilities, cgroups, docker run, compose ----
    public static Diagnostic SwapWithoutMemory(SourceSpan at, string target) =>
        Warning("POL2401", at, $"{target} cannot limit swap without a memory limit; `memory-swap` is left out there; add `memory`");
    public static Diagnostic CpuQuotaTooSmall(SourceSpan at, string cpus) =>
        Warning("POL2402", at, $"`cpu {cpus}` is below the kernel's minimum quota of 1ms per 100ms period; the quota is raised to `cpu 0.01`");
    public static Diagnostic ReservationAboveMemory(SourceSpan at, string target) =>
        Warning("POL2403", at, $"`memory-reservation` is above `memory`; {target} rejects that, so the reservation is left out there; lower it below `memory`");
    public static Diagnostic NonRootCapabilities(SourceSpan at, string target, uint user, string effective, string added) =>
        Warning("POL2410", at, $"{target} cannot set ambient capabilities: as user {user} the policy's effective set is {effective}, " +
            $"but Docker leaves it empty and Podman raises all of --cap-add ({added}); run as root or give the binary file capabilities");
    public static Diagnostic CustomRootNotExpressible(SourceSpan at, string target) =>
        Warning("POL2411", at, $"{target} always runs the image's root filesystem; `root` is left out there; build an image from that directory instead");
    public static Diagnostic MaskNotExpressible(SourceSpan at, string target, string path) =>
        Warning("POL2412", at, $"{target} has no option to mask `{path}` (it masks only its own default paths); it stays visible unless an AppArmor or SELinux profile denies it");
    public static Diagnostic PortRulesNotExpressible(SourceSpan at, string target) =>
        Warning("POL2413", at, $"{target} cannot restrict which ports a program binds or connects to; the rule is left out there");
    public static Diagnostic UserNamespaceNotExpressible(SourceSpan at, string target) =>
        Warning("POL2414", at, $"{target} has no per-container user namespace or id map (the daemon's `userns-remap` decides); the setting is left out there");
    public static Diagnostic NamespaceNotExpressible(SourceSpan at, string target, string name, string why) =>
        Warning("POL2415", at, $"{target} cannot honour namespace `{name}`: {why}");
    public static Diagnostic RlimitNotExpressible(SourceSpan at, string target, string name) =>
        Warning("POL2416", at, $"{target} does not accept rlimit `{name}` (Docker's --ulimit leaves it out); the limit is left out there");
    public static Diagnostic GroupWithoutUser(SourceSpan at, string target) =>
        Warning("POL2417", at, $"{target} sets a group only together with a user; `group` is left out there; add `user`");

    // ---- LSM backends: AppArmor (POL22xx), SELinux CIL (POL23xx) ----
    public static Diagnostic AppArmorPortsNotEnforced(SourceSpan? at, string rule, string protocol) =>
        Warning("POL2201", at, $"AppArmor cannot restrict ports: for `{rule}` and the other port rules the AppArmor profile allows {protocol} sockets on every port; the SELinux module enforces ports");
    public static Diagnostic AppArmorCapabilityBeyondAbi(SourceSpan? at, string name) =>
        Warning("POL2202", at, $"`{name}` is newer than AppArmor abi 3.0, so apparmor_parser grants it in the profile as `sys_admin` (the capability sets still leave SYS_ADMIN out)");
    public static Diagnostic AppArmorNameAttaches(SourceSpan? at, string name) =>
        Warning("POL2203", at, $"AppArmor profile name `{name}` starts with `/`, so the profile also attaches to every program started from that path on the host; use a name without a leading `/`");
    public static Diagnostic AppArmorNameIsHat(SourceSpan? at, string name) =>
        Warning("POL2204", at, $"AppArmor reads `{name}` as a child profile (`//` separates a profile from its hat); use a name without `//`");
    public static Diagnostic AppArmorNameUnconfined(SourceSpan? at) =>
        Warning("POL2206", at, "AppArmor profile name `unconfined` is the kernel's own label for unconfined processes; loading this profile would confine all of them; choose another name");
    public static Diagnostic AppArmorNothingExecutable(SourceSpan? at) =>
        Warning("POL2205", at, "the filesystem rules make the AppArmor profile an allow-list without any `exec` rule, so the program itself cannot be started under it; add `exec \"/path/to/program\"`");

    public static Diagnostic SelinuxNoPathDeny(SourceSpan? at, string patterns) =>
        Warning("POL2301", at, $"SELinux has no path-based deny: only AppArmor and the mount table enforce {patterns}");
    public static Diagnostic SelinuxPathsAreLabels(SourceSpan? at, string pattern, string type) =>
        Warning("POL2302", at, $"SELinux labels files, not paths: `{pattern}` and the other path rules inside the container become permissions on `{type}`, the type of every file the engine puts in the container");
    public static Diagnostic SelinuxUdpConnectPort(SourceSpan? at, string rule) =>
        Warning("POL2303", at, $"SELinux does not check the port of a udp `connect`: `{rule}` lets the module send udp to every port");
    public static Diagnostic SelinuxIpVersion(SourceSpan? at, string family) =>
        Warning("POL2304", at, $"SELinux cannot tell IPv4 from IPv6 sockets: `{family}` allows its socket class over both in the SELinux module");
    public static Diagnostic SelinuxTypeNotDeclarable(SourceSpan? at, string type, string domain) =>
        Warning("POL2305", at, $"`{type}` cannot be declared in CIL (a name starts with a letter and holds letters, digits, `_` and `-`); the module's domain is `{domain}` only");
    public static Diagnostic SelinuxTypeTaken(SourceSpan? at, string type, string domain) =>
        Warning("POL2306", at, $"`{type}` is a type the host policy already defines; the module declares only `{domain}`; choose a new name, e.g. `selinux type \"{domain.Replace('.', '_')}_t\"`");

    // ---- enforcer (plan backend, polc run) ----
    public static Diagnostic EnforcerIdNotMapped(SourceSpan at, string what, uint id, string mapStatement) =>
        Error("POL2601", at, $"`{what} {id}` is not covered by `{mapStatement}`, so the program cannot switch to it inside the user namespace; add a map that covers {id}");
    // POL2602 is retired (it warned that the plan carried no seccomp filter, before the seccomp backend fed the plan).
    public static Diagnostic EnforcerResourceNotApplied(SourceSpan at, string name) =>
        Warning("POL2603", at, $"`{name}` is not applied by the enforcer yet; the program will run without this limit");
    public static Diagnostic EnforcerLauncherNotFound(string looked) =>
        Error("POL2610", null, $"the enforcer launcher `polc-enforcer` was not found (looked at {looked}); rebuild polc, whose build compiles it with gcc, or set POLC_ENFORCER to its path");
    public static Diagnostic EnforcerCannotLaunch(string path, string reason) =>
        Error("POL2611", null, $"cannot start the enforcer launcher `{path}`: {reason}");

    // ---- seccomp ----
    public static Diagnostic SeccompFilterTooLong(SourceSpan? at, string arch, int length) =>
        Error("POL2001", at, $"the seccomp filter for `{arch}` needs {length} instructions, more than the kernel's limit of 4096; give syscalls with the same handling the same rules, or simplify the conditions");
    public static Diagnostic FrequencyLineInvalid(SourceSpan at, string text) =>
        Error("POL2002", at, $"`{text}` is not a frequency line; write a syscall name, a tab and its share of calls, e.g. `read\t0.12`");
    public static Diagnostic FrequencyUnknownSyscall(SourceSpan at, string name, string? suggestion) =>
        Warning("POL2003", at, $"unknown syscall `{name}` in the frequency table; it weights nothing{DidYouMean(suggestion)}");
    public static Diagnostic SeccompFilterInvalid(SourceSpan? at, string arch, string why) =>
        Error("POL2004", at, $"internal error: the seccomp filter generated for `{arch}` would be rejected by the kernel ({why}); please report this policy");

    // ---- review: lint rules (POL3000-3099, warnings), diff and score usage (POL3100-3199) ----
    public static Diagnostic DangerousSyscallAllowed(SourceSpan at, string name, string? via, string why) =>
        Warning("POL3001", at, $"`{name}`{Via(via)} is allowed without an argument filter: it {why}; deny it, or allow only the calls the program needs with `if`");
    public static Diagnostic NamespaceSyscallAllowed(SourceSpan at, string name, string? via, string flagArgument, bool sysAdmin) =>
        Warning("POL3002", at, sysAdmin
            ? $"`{name}`{Via(via)} can create namespaces: with CAP_SYS_ADMIN allowed every CLONE_NEW* flag works; filter them with `allow {name} if {flagArgument} & 0x7e020000 == 0`"
            : $"`{name}`{Via(via)} can create user namespaces, which unlock kernel code that otherwise needs capabilities; filter the flag with `allow {name} if {flagArgument} & CLONE_NEWUSER == 0`");
    public static Diagnostic Clone3Allowed(SourceSpan at, string? via) =>
        Warning("POL3002", at, $"`clone3`{Via(via)} is allowed: it passes its flags in memory that seccomp cannot read, so namespace creation cannot be filtered; " +
            "write `errno ENOSYS clone3` before this rule so libc falls back to `clone`, which can be filtered");
    public static Diagnostic DangerousCapability(SourceSpan at, string name, string why) =>
        Warning("POL3010", at, $"capability `{name}` {why}; drop it unless the program cannot work without it, and say why in a `# polc: allow POL3010 because ...` comment");
    public static Diagnostic AllCapabilities(SourceSpan at, string dangerous) =>
        Warning("POL3011", at, $"`allow all` grants every capability, including {dangerous}; list only the capabilities the program needs");
    public static Diagnostic NoMemoryLimit(SourceSpan at) =>
        Warning("POL3020", at, "no memory limit: one leak or one hostile input can exhaust the host's memory; add `resources { memory 512MiB }` (a size that fits the program)");
    public static Diagnostic NoPidsLimit(SourceSpan at) =>
        Warning("POL3021", at, "no pids limit: a fork bomb can exhaust the host's process table; add `resources { pids 256 }` (a number that fits the program)");
    public static Diagnostic WritableKernelInterface(SourceSpan at, string rule, string example) =>
        Warning("POL3030", at, $"`{rule}` makes kernel interfaces writable (e.g. `{example}`): writes there reconfigure the host; narrow the pattern, or add `deny` for `/proc/sys/**` and `/sys/**`");
    public static Diagnostic RuleNeverMatches(SourceSpan at, string decidedBy) =>
        Warning("POL3040", at, $"this rule can never match: {decidedBy} every call it covers; remove it, or move it above");
    public static Diagnostic SyscallNeverReachesRule(SourceSpan at, string name, string decidedBy) =>
        Warning("POL3040", at, $"`{name}` never reaches this rule: {decidedBy} every call to it; remove it here, or move this rule above");
    public static Diagnostic SyscallListedTwice(SourceSpan at, string name, string where) =>
        Warning("POL3041", at, $"`{name}` is {where} in this rule; remove the repetition");
    public static Diagnostic RuleRepeated(SourceSpan at, int line) =>
        Warning("POL3042", at, $"this rule repeats the rule at line {line} (same action, syscalls and condition); remove one of them");
    public static Diagnostic DefaultErrnoBlocksFallback(SourceSpan at, string probes, string first) =>
        Warning("POL3050", at, $"the default `errno EPERM` also answers {probes}: libc tries these newer syscalls first and falls back to older ones only on ENOSYS, " +
            $"so under EPERM the program fails instead; write `default errno ENOSYS`, or `errno ENOSYS {first}`");
    public static Diagnostic DefaultAllows(SourceSpan at, string action) =>
        Warning("POL3051", at, $"`default {action}` makes this a deny-list: every syscall not named, including ones added to future kernels, is allowed; prefer `default errno ENOSYS` and allow what the program uses");
    public static Diagnostic SuppressionMalformed(SourceSpan at, string why) =>
        Warning("POL3090", at, $"this `# polc:` directive {why}; write `# polc: allow POL3001 because REASON` (it silences nothing until it has a reason)");
    public static Diagnostic SuppressionUnknownCode(SourceSpan at, string code, string? suggestion) =>
        Warning("POL3091", at, $"`{code}` is not a lint rule; only warnings POL3001..POL3099 can be silenced{DidYouMean(suggestion)}");
    public static Diagnostic SuppressionUnused(SourceSpan at, string code) =>
        Warning("POL3092", at, $"nothing here raises `{code}`; remove the directive");
    public static Diagnostic RevisionUnreadable(string spec, string reason) =>
        Error("POL3101", null, $"cannot read `{spec}` from git: {reason}");
    public static Diagnostic UnknownLintCode(string code, string? suggestion) =>
        Error("POL3102", null, $"`{code}` is not a lint rule; `--disable` takes codes POL3001..POL3099{DidYouMean(suggestion)}");

    private static string Via(string? group) => group is null ? "" : $" (in `{group}`)";

    // ---- Docker/OCI seccomp JSON ----
    public static Diagnostic SeccompJsonTooLarge(SourceSpan at, string syscall, int limit) =>
        Error("POL2101", at, $"this rule makes `{syscall}` need more than {limit} Docker seccomp entries: libseccomp has no rule order, so every rule becomes disjoint entries of single comparisons per argument; split the condition, or compare fewer arguments at once");
    public static Diagnostic SeccompJsonHighWordOn32Bit(SourceSpan at, string syscall, string arch, ulong value) =>
        Error("POL2102", at, $"`{syscall}` compares with `0x{value:x}`, which needs the upper 32 bits of the argument, but libseccomp compares only the lower 32 bits on `{arch}`; the Docker profile cannot say this for both word sizes: compile `{arch}` in a policy of its own, or keep values below 2^32");
    public static Diagnostic SeccompJsonX32Condition(SourceSpan at, string syscall) =>
        Error("POL2103", at, $"libseccomp compares only the lower 32 bits of arguments on `x32` (the kernel passes 64), so this condition on `{syscall}` cannot be expressed in the Docker profile; drop `x32` from `arch`, or test only bits 0..31 with a mask (`arg0 & 0xff == 3`)");
    public static Diagnostic SeccompJsonNotifyDefault(SourceSpan at) =>
        Error("POL2104", at, "runtimes refuse `notify` as the default action of a Docker/OCI profile (runc: \"SCMP_ACT_NOTIFY cannot be used as default action\"); name the syscalls to notify instead");
    public static Diagnostic SeccompJsonNotifyWrite(SourceSpan at) =>
        Error("POL2105", at, "runc refuses `notify` for `write` (it needs `write` to hand the listener to the agent); allow or deny `write` instead");
    public static Diagnostic SeccompJsonMultiplexedCondition(SourceSpan at, string syscall, string arch, string multiplexer) =>
        Error("POL2106", at, $"on `{arch}` libseccomp also applies the Docker profile's entries for `{syscall}` to `{multiplexer}`, replacing the first comparison with the call number, so a condition on `{syscall}` would not hold there (runtimes refuse or widen it); drop `{arch}` from `arch`, or make the rule for `{syscall}` unconditional");
    public static Diagnostic SeccompJsonMultiplexed(SourceSpan at, string arch, string syscalls) =>
        Warning("POL2110", at, $"on `{arch}` libseccomp also applies the Docker profile's entries for {syscalls} to the `socketcall`/`ipc` calls that carry them, whatever this policy says about `socketcall` and `ipc`");
    public static Diagnostic SeccompSpoDefaultErrno(SourceSpan at, string action) =>
        Error("POL2107", at, $"the Security Profiles Operator's SeccompProfile has no `defaultErrnoRet`, so a default of `{action}` would become `errno EPERM`; use `default errno EPERM` (or `default deny`) for Kubernetes");
    public static Diagnostic SeccompSpoValueTooLarge(SourceSpan at, string syscall, ulong value) =>
        Error("POL2108", at, $"`{syscall}` compares with `0x{value:x}`, above the int64 values a SeccompProfile can hold; compare values below 2^63");
    public static Diagnostic SeccompJsonErrno4095(SourceSpan at) =>
        Error("POL2109", at, "libseccomp refuses `errno 4095` (it takes 0..4094), so runtimes cannot load the Docker profile; use another errno");
    public static Diagnostic SeccompJsonNarrowMultiArgument(SourceSpan at, string syscall, string arch) =>
        Error("POL2111", at, $"on 32-bit `{arch}` libseccomp 2.5 builds wrong filters from entries that compare more than one argument (it skips reloading the argument on some paths), so this condition on `{syscall}` cannot be put in the Docker profile; compare one argument, or compile `{arch}` without the Docker profile");
    public static Diagnostic SeccompJsonEndianness(SourceSpan at, string big, string little) =>
        Error("POL2112", at, $"`{big}` is big-endian and `{little}` little-endian: libseccomp cannot put both in one filter, so no runtime can load the Docker profile; compile them in separate policies");
    public static Diagnostic ImportInvalidProfile(SourceSpan? at, string why) =>
        Error("POL2150", at, $"not a Docker/OCI seccomp profile: {why}");
    public static Diagnostic ImportUnknownAction(SourceSpan at, string name) =>
        Error("POL2151", at, $"unknown action `{name}`; expected an `SCMP_ACT_*` name such as `SCMP_ACT_ALLOW` or `SCMP_ACT_ERRNO`");
    public static Diagnostic ImportUnknownOperator(SourceSpan at, string name) =>
        Error("POL2152", at, $"unknown comparison `{name}`; expected an `SCMP_CMP_*` name such as `SCMP_CMP_EQ` or `SCMP_CMP_MASKED_EQ`");
    public static Diagnostic ImportConflictingEntries(SourceSpan at, string syscall, string first, string second) =>
        Error("POL2153", at, $"entries for `{syscall}` overlap with different actions (`{first}` and `{second}`): libseccomp rejects such a profile or picks by its internal order, so there is no one meaning to import");
    public static Diagnostic ImportArchitectureSplit(SourceSpan at, string syscall, string includedOn, string existsOn) =>
        Error("POL2154", at, $"this entry applies to `{syscall}` on {includedOn} only, but `{syscall}` exists on {existsOn} too and a policy's rules hold for every architecture; import those architectures separately (`--arch`)");
    public static Diagnostic ImportBadArgument(SourceSpan at, string why) =>
        Error("POL2155", at, $"invalid argument comparison: {why}");
    public static Diagnostic ImportArchitecturesAndArchMap(SourceSpan at) =>
        Error("POL2156", at, "the profile sets both `architectures` and `archMap`; Docker refuses that, keep one");
    public static Diagnostic ImportUnknownSyscalls(SourceSpan at, string names) =>
        Warning("POL2157", at, $"left out syscalls polc does not know: {names}");
    public static Diagnostic ImportInvalidKernelVersion(SourceSpan at, string text) =>
        Error("POL2158", at, $"`{text}` is not a kernel version; `minKernel` takes `MAJOR.MINOR`, e.g. `4.8`");

    // ---- OCI runtime config and Kubernetes (POL2500-2599) ----
    public static Diagnostic OciBlockDeviceNumbers(SourceSpan at, string device) =>
        Warning("POL2501", at, $"the OCI runtime config names block devices by major:minor numbers, which belong to the host that runs the container, so `io \"{device}\"` is left out of NAME.oci.json; " +
            $"add `linux.resources.blockIO.throttle*Device` there with the numbers of `{device}` on that host (`lsblk -dno MAJ:MIN {device}`), or apply NAME.cgroup.json");
    public static Diagnostic KubernetesSeccompNotOperator(SourceSpan at, string name, string why) =>
        Warning("POL2510", at, $"the Security Profiles Operator's SeccompProfile cannot hold this profile ({why}); NAME.k8s.yaml has no SeccompProfile and the Pod uses the node-local profile `polc/{name}.seccomp.json`: " +
            $"copy NAME.seccomp.json to /var/lib/kubelet/seccomp/polc/ on every node");
    public static Diagnostic KubernetesIdMapsChosenByCluster(SourceSpan at, string statement) =>
        Warning("POL2511", at, $"Kubernetes chooses the id maps of a Pod's user namespace itself (`hostUsers: false`), so `{statement}` is left out there");
    public static Diagnostic KubernetesResourceNotExpressible(SourceSpan at, string setting, string who) =>
        Warning("POL2512", at, $"a Pod has no setting for `{setting}` ({who}); it is left out there");
    public static Diagnostic KubernetesTmpfsOptions(SourceSpan at, string path, string options) =>
        Warning("POL2513", at, $"a memory-backed emptyDir takes only a size, so `{options}` of tmpfs `{path}` is left out there (Kubernetes mounts it nosuid,nodev with mode 0777)");
    public static Diagnostic KubernetesHostnameInvalid(SourceSpan at, string hostname) =>
        Warning("POL2514", at, $"`{hostname}` is not a Pod hostname (a DNS label: at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit); it is left out there");
    public static Diagnostic KubernetesNonRootCapabilities(SourceSpan at, uint user, string effective) =>
        Warning("POL2515", at, $"a Pod cannot raise ambient capabilities: as user {user} the policy's effective set is {effective}, but containerd and CRI-O give a non-root container none of `capabilities.add` after execve; " +
            "run as root or give the binary file capabilities");
    public static Diagnostic KubernetesProfileRenamed(SourceSpan at, string what, string name, string objectName) =>
        Warning("POL2516", at, $"{what} `{name}` is not a Kubernetes object name, and the Security Profiles Operator names the profile after its object, so the profile is `{objectName}` there; " +
            $"use a name of lowercase letters, digits and `-`");
    public static Diagnostic KubernetesSelinuxTypeReplaced(SourceSpan at, string type, string usage) =>
        Warning("POL2517", at, $"the Security Profiles Operator names the SELinux domain after its SelinuxProfile object, so the Pod runs as `{usage}`, not `{type}`; load NAME.cil with semodule instead to use `{type}`");
    public static Diagnostic KubernetesCpuRequestAboveLimit(SourceSpan at, string request, string limit) =>
        Warning("POL2518", at, $"`cpu-weight` asks for a CPU request of `{request}`, above the `cpu` limit `{limit}`, which Kubernetes rejects; the request is lowered to the limit (a smaller weight)");
    public static Diagnostic SpoAppArmorDenyRules(SourceSpan at, string rule) =>
        Warning("POL2520", at, $"the Security Profiles Operator's AppArmorProfile lists only allowed paths: `{rule}` and the policy's other deny and mask paths are not in its profile; keep them out of the allowed paths, or load NAME.apparmor on the nodes instead");
    public static Diagnostic SpoAppArmorPathLeftOut(SourceSpan at, string pattern) =>
        Warning("POL2521", at, $"the Security Profiles Operator accepts only paths of letters, digits and `_ . / * + @ -`, so `{pattern}` is left out of the AppArmorProfile (less access); load NAME.apparmor on the nodes instead");
    public static Diagnostic SpoAppArmorReadOverlapsWrite(SourceSpan at, string read, string write) =>
        Warning("POL2522", at, $"`read \"{read}\"` overlaps `write \"{write}\"`, and the Security Profiles Operator's AppArmorProfile denies writes to every read-only path, so the paths in both are read-only there; narrow the read pattern");
    public static Diagnostic SpoAppArmorFamilies(SourceSpan at, string families) =>
        Warning("POL2523", at, $"the Security Profiles Operator's AppArmorProfile names only tcp, udp and raw sockets; {families} sockets are allowed or denied by AppArmor's defaults for a profile without rules for them");
    public static Diagnostic SpoAppArmorIpVersion(SourceSpan at, string family) =>
        Warning("POL2524", at, $"the Security Profiles Operator's AppArmorProfile allows tcp and udp over IPv4 and IPv6 together: `{family}` allows both there");
    public static Diagnostic SpoAppArmorLink(SourceSpan at) =>
        Warning("POL2525", at, "the Security Profiles Operator's AppArmorProfile grants `l` (hard links) with every read-write path, which `write` does not grant");
    public static Diagnostic SpoSelinuxCapabilities(SourceSpan at, string capabilities) =>
        Warning("POL2530", at, $"the Security Profiles Operator refuses capability rules in a SelinuxProfile (denied classes), so {capabilities} are not in its SELinux domain, which then has only what the host's container policy gives every container; " +
            "load NAME.cil with semodule to keep them");

    // ---- learning (polc learn) ----
    public static Diagnostic LearnNoCommand() =>
        Error("POL2701", null, "`polc learn` needs a command after `--`, e.g. `polc learn -o app.pol -- /bin/ls -l /srv`");
    public static Diagnostic LearnCannotRecord(string reason) =>
        Error("POL2702", null, $"cannot record the program: {reason}");
    public static Diagnostic LearnProgramFailed(int status) =>
        Warning("POL2703", null, $"the program exited with status {status}; the policy holds what this run did, which may have stopped early; check that the run did what you meant");
    public static Diagnostic LearnMergeLeftAsIs(string note) =>
        Warning("POL2704", null, note);
    public static Diagnostic LearnBadName(string name) =>
        Error("POL2705", null, $"`{name}` is not a policy name; use letters, digits, `_`, `.` and `-`, starting with a letter or `_`");
    public static Diagnostic LearnMergeNothingNew(string path) =>
        Warning("POL2706", null, $"the run did nothing that `{path}` does not already allow; the policy is unchanged but for its header");
    public static Diagnostic LearnWroteInvalidPolicy(string detail) =>
        Error("POL2707", null, $"internal error: the policy polc learn wrote does not pass its own checks, so it was not written; please report this: {detail}");

    // ---- I/O and usage ----
    public static Diagnostic CannotRead(string path, string reason) => Error("POL9001", null, $"cannot read `{path}`: {reason}");
    public static Diagnostic CannotWrite(string path, string reason) => Error("POL9002", null, $"cannot write `{path}`: {reason}");
}
