using Polc.Cli.Review;
using Polc.Compiler.Analysis;
using Polc.Compiler.Analysis.Review;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.Review;

/// <summary>Pairs of policies with the changes `polc diff` must find, classified, and the pairs where it must find none.</summary>
public class DiffPairTests
{
    private static PolicyIr Bind(string text, string name = "p.pol")
    {
        var result = PolicyBinder.Bind(new SourceText(name, text));
        Assert.True(result.Policy is not null, string.Join("\n", result.Diagnostics));
        return result.Policy!;
    }

    private static string Syscalls(string body, string name = "p") => $"policy {name} {{\n    syscalls {{\n{body}\n    }}\n}}\n";

    private static PolicyDiffResult Diff(string before, string after) => PolicyDiff.Compare(Bind(before, "old.pol"), Bind(after, "new.pol"));

    /// <summary>(area, subject, class, risk, when) of every change, for exact comparison.</summary>
    private static List<string> Shape(PolicyDiffResult diff) =>
        [.. diff.Changes.Select(c => $"{c.Area.Name()} {c.Subject}: {c.Class.Name()} {c.Risk.Name()}" + (c.When is null ? "" : $" when {c.When}")).Order(StringComparer.Ordinal)];

    private static void AssertChanges(string before, string after, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), Shape(Diff(before, after)));

    [Fact]
    public void Reordering_rules_of_different_syscalls_and_sections_changes_nothing()
    {
        var before = "policy p {\n    syscalls {\n        allow read, write\n        kill ptrace\n        allow socket if arg0 == AF_INET\n    }\n    capabilities { allow CHOWN, KILL }\n    resources { memory 1GiB }\n}\n";
        var after = "policy p {\n    resources { memory 1024MiB }\n    capabilities {\n        allow kill\n        allow CAP_CHOWN\n    }\n    syscalls {\n        allow socket if arg0 == AF_INET\n        kill ptrace\n        allow write\n        allow read\n    }\n}\n";
        AssertChanges(before, after);
    }

    [Fact]
    public void Regrouping_changes_nothing_even_with_a_carve_out()
    {
        var members = "_llseek, close, close_range, dup, dup2, dup3, lseek, pread64, preadv, preadv2, pwrite64, pwritev, pwritev2, read, readv, writev";
        AssertChanges(Syscalls("        errno EACCES write\n        allow @basic-io"), Syscalls($"        allow {members}\n        errno EACCES write"));
    }

    [Fact]
    public void Equivalent_conditions_change_nothing()
    {
        AssertChanges(Syscalls("        allow socket if arg0 in [1, 2]"), Syscalls("        allow socket if arg0 == 2 || arg0 == 1"));
        AssertChanges(Syscalls("        allow clone if arg0 & CLONE_NEWUSER == 0"), Syscalls("        allow clone if !(arg0 & 0x10000000 != 0)"));
        AssertChanges(Syscalls("        allow clone if arg0 & 0x8 == 0"), Syscalls("        allow clone if arg0 & 0x8 < 8"));
        AssertChanges(Syscalls("        allow mmap if arg2 < 4 && arg3 >= 2"), Syscalls("        allow mmap if !(arg3 < 2 || arg2 >= 4)"));
        // A condition on arguments the other rules never look at, split in two rules.
        AssertChanges(Syscalls("        allow kill if arg1 == 9 || arg0 == 1"), Syscalls("        allow kill if arg0 == 1\n        allow kill if arg1 == 9"));
    }

    [Fact]
    public void Renaming_the_policy_changes_nothing_while_its_default_labels_follow_the_name()
    {
        var before = Bind("policy web {\n    syscalls { allow read }\n}\n");
        var after = Bind("policy frontend {\n    syscalls { allow read }\n}\n");
        Assert.NotEqual(before.Labels.AppArmorProfile, after.Labels.AppArmorProfile);
        Assert.Empty(PolicyDiff.Compare(before, after).Changes);
    }

    [Fact]
    public void One_more_argument_value_is_one_widening_for_that_value()
    {
        AssertChanges(
            Syscalls("        allow socket if arg0 in [AF_INET, AF_INET6]"),
            Syscalls("        allow socket if arg0 in [AF_INET, AF_INET6, AF_NETLINK]"),
            "syscalls socket: widens low when arg0 == AF_NETLINK");
    }

    [Fact]
    public void A_changed_condition_is_split_into_what_widens_and_what_narrows()
    {
        AssertChanges(
            Syscalls("        allow personality if arg0 == 0"),
            Syscalls("        allow personality if arg0 == 8"),
            "syscalls personality: widens medium when arg0 == 8",
            "syscalls personality: narrows low when arg0 == 0");
    }

    [Fact]
    public void Actions_are_classified_by_how_freely_the_syscall_runs()
    {
        AssertChanges(Syscalls("        errno EPERM mount"), Syscalls("        kill mount"), "syscalls mount: narrows low");
        AssertChanges(Syscalls("        errno EPERM mount"), Syscalls("        errno ENOSYS mount"), "syscalls mount: neutral low");
        AssertChanges(Syscalls("        allow read"), Syscalls("        log read"), "syscalls read: neutral low");
        AssertChanges(Syscalls("        kill bpf"), Syscalls("        errno EPERM bpf"), "syscalls bpf: widens low");
        AssertChanges(Syscalls("        kill bpf"), Syscalls("        notify bpf"), "syscalls bpf: widens medium");
        AssertChanges(Syscalls("        errno EPERM ptrace"), Syscalls("        allow ptrace"), "syscalls ptrace: widens high");
        AssertChanges(Syscalls("        errno EPERM ptrace"), Syscalls("        allow ptrace if arg0 == 0"), "syscalls ptrace: widens medium when arg0 == 0");
        AssertChanges(Syscalls("        allow read"), Syscalls("        allow read\n        allow write"), "syscalls write: widens low");
    }

    [Fact]
    public void Clone_is_high_risk_only_where_namespace_flags_get_through()
    {
        AssertChanges(
            Syscalls("        allow clone if arg0 & CLONE_NEWUSER == 0"),
            Syscalls("        allow clone"),
            "syscalls clone: widens high when arg0 & CLONE_NEWUSER != 0");
        AssertChanges(
            Syscalls("        allow clone if arg0 & 0x7e020000 == 0 && arg0 & 0x100 == 0"),
            Syscalls("        allow clone if arg0 & 0x7e020000 == 0"),
            "syscalls clone: widens low when arg0 & 0x7e020100 == 0x100");
    }

    [Fact]
    public void Architectures_and_the_default_are_changes_of_their_own()
    {
        AssertChanges(
            Syscalls("        arch x86_64, aarch64\n        allow read"),
            Syscalls("        arch x86_64, arm\n        allow read"),
            "syscalls arch aarch64: narrows low",
            "syscalls arch arm: widens medium");
        AssertChanges(Syscalls("        allow read"), Syscalls("        default allow\n        allow read"), "syscalls default: widens high");
        AssertChanges(Syscalls("        allow read"), Syscalls("        default errno ENOSYS\n        allow read"), "syscalls default: neutral low");
        AssertChanges(Syscalls("        default log\n        errno EPERM mount"), Syscalls("        default errno ENOSYS\n        errno EPERM mount"), "syscalls default: narrows low");
    }

    [Fact]
    public void Capabilities_filesystem_network_resources_isolation_and_labels()
    {
        AssertChanges("policy p { capabilities { allow CHOWN } }", "policy p { capabilities {\n allow CHOWN, SYS_ADMIN, KILL\n ambient KILL\n} }",
            "capabilities CAP_SYS_ADMIN: widens high", "capabilities CAP_KILL: widens low", "capabilities CAP_KILL: widens low");
        AssertChanges("policy p { capabilities { allow CHOWN } }", "policy p { capabilities {\n allow KILL, chown\n drop CAP_KILL\n} }");
        AssertChanges(
            "policy p { filesystem {\n readonly root\n write \"/var/log/**\"\n deny \"/proc/sys/**\"\n mask \"/proc/kcore\"\n} }",
            "policy p { filesystem {\n read \"/var/log/**\"\n write \"/proc/sys/**\"\n bind \"/srv\" to \"/data\" readonly\n} }",
            "filesystem readonly root: widens medium",
            "filesystem /var/log/**: narrows low",
            "filesystem /proc/sys/**: widens medium",
            "filesystem /proc/sys/**: widens high",
            "filesystem /proc/kcore: widens medium",
            "filesystem bind /data: widens low");
        AssertChanges("policy p {\n network none\n}", "policy p { network {\n allow tcp, raw\n connect tcp 5432\n} }",
            "network none: widens high",
            "isolation net namespace: widens high",
            "network tcp over IPv4: widens low", "network tcp over IPv6: widens low",
            "network raw IPv4: widens high", "network raw IPv6: widens high",
            "network connect ports: narrows low");
        AssertChanges("policy p { network {\n allow tcp\n bind tcp 80, 443\n} }", "policy p { network {\n allow tcp\n bind tcp 80-81\n} }",
            "network bind tcp: widens low", "network bind tcp: narrows low");
        AssertChanges("policy p { resources {\n memory 256MiB\n pids 100\n rlimit nofile 1024 4096\n} }", "policy p { resources {\n pids 50\n rlimit nofile 2048 2048\n cpu 2\n} }",
            "resources memory: widens high", "resources pids: narrows low",
            "resources rlimit nofile: narrows low", "resources rlimit nofile: widens low", "resources cpu: narrows low");
        AssertChanges("policy p { isolation {\n namespaces pid, user\n user 1000\n} }", "policy p { isolation {\n namespaces user\n allow-new-privileges\n} }",
            "isolation pid namespace: widens high", "isolation user: widens high", "isolation no-new-privileges: widens high");
        AssertChanges("policy p {\n apparmor \"a\"\n}", "policy p {\n apparmor \"b\"\n}", "labels apparmor: neutral medium");
    }

    [Fact]
    public void Golden_markdown_and_json_for_a_pull_request_that_loosens_a_service()
    {
        var data = Path.Combine(RepoPaths.Root, "tests/Polc.Tests/Review/TestData");
        var before = PolicyBinder.BindFile(Path.Combine(data, "rich-old.pol")).Policy!;
        var after = PolicyBinder.BindFile(Path.Combine(data, "rich-new.pol")).Policy!;
        var diff = PolicyDiff.Compare(before, after);
        Assert.Contains(diff.Changes, c => c is { Subject: "ptrace", Class: ChangeClass.Widens, Risk: RiskLevel.High });
        Baseline.Verify("tests/Polc.Tests/Review/Baselines/rich.diff.md", DiffRenderer.Markdown(diff, "main:api.pol", "api.pol"));
        Baseline.Verify("tests/Polc.Tests/Review/Baselines/rich.diff.json", DiffRenderer.Json(diff, "main:api.pol", "api.pol"));
        Baseline.Verify("tests/Polc.Tests/Review/Baselines/rich.diff.txt", DiffRenderer.Text(diff, "main:api.pol", "api.pol", colour: false));
    }

    [Fact]
    public void Markdown_escapes_pipes_in_conditions_so_the_table_holds()
    {
        var diff = Diff(Syscalls("        allow kill if arg0 == 1"), Syscalls("        allow kill if arg0 == 1 || arg0 == 5 || arg0 >= 100"));
        Assert.Equal("arg0 == 5 || arg0 >= 100", Assert.Single(diff.Changes).When);
        var row = DiffRenderer.Markdown(diff, "a", "b").Split('\n').Single(l => l.Contains("`kill`", StringComparison.Ordinal));
        var cells = System.Text.RegularExpressions.Regex.Split(row, @"(?<!\\)\|");
        Assert.Equal(5, cells.Length); // "", risk, class, change, ""
        Assert.Contains("arg0 == 5 \\|\\| arg0 >= 100", cells[3], StringComparison.Ordinal);
    }
}
