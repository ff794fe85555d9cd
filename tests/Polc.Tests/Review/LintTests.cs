using Polc.Compiler.Analysis.Lint;
using Polc.Compiler.Diagnostics;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Support;

namespace Polc.Tests.Review;

/// <summary>Each lint rule fires at the offending name and nowhere else; directives and --disable silence them.</summary>
public class LintTests
{
    /// <summary>Limits and a refusing ENOSYS default, so that tests of one rule see no others by accident.</summary>
    private const string Quiet = "    resources {\n        memory 1GiB\n        pids 64\n    }\n";

    private static IReadOnlyList<Diagnostic> Lint(string text, LintOptions? options = null, string path = "app.pol")
    {
        var source = new SourceText(path, text);
        var bound = PolicyBinder.Bind(source);
        Assert.True(bound.Policy is not null, string.Join("\n", bound.Diagnostics));
        return Linter.Run(bound.Policy!, source, options ?? LintOptions.Default);
    }

    private static string Policy(string syscalls, string rest = Quiet) =>
        $"policy app {{\n    syscalls {{\n        default errno ENOSYS\n{syscalls}\n    }}\n{rest}}}\n";

    /// <summary>"CODE line:column `text`" for every finding, sorted.</summary>
    private static List<string> Found(IEnumerable<Diagnostic> diagnostics, params string[] codes) =>
        [.. diagnostics.Where(d => codes.Length == 0 || codes.Contains(d.Code))
            .Select(d => $"{d.Code} {d.Location!.Line}:{d.Location.Column} `{d.Location.Text}`")];

    [Fact]
    public void Dangerous_syscalls_allowed_without_a_filter_are_flagged_at_their_name()
    {
        var diagnostics = Lint(Policy("        allow read, ptrace\n        log mount\n        allow bpf if arg0 == 0\n        kill kexec_load\n        allow @module"));
        Assert.Equal(["POL3001 4:21 `ptrace`", "POL3001 5:13 `mount`", "POL3001 8:15 `@module`", "POL3001 8:15 `@module`", "POL3001 8:15 `@module`"],
            Found(diagnostics, "POL3001"));
        Assert.Contains(diagnostics, d => d.Message.Contains("`init_module` (in `@module`)", StringComparison.Ordinal));
        Assert.Contains("deny it, or allow only the calls the program needs with `if`", diagnostics.Single(d => d.Location!.Text == "ptrace").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dangerous_syscall_carved_out_of_a_group_is_not_flagged()
    {
        var diagnostics = Lint(Policy("        errno EPERM ptrace, perf_event_open, lookup_dcookie\n        allow @debug"));
        Assert.Empty(Found(diagnostics, "POL3001"));
        // A deny-list default is one warning of its own, not one per dangerous syscall.
        Assert.Equal(["POL3051 3:17 `allow`"], Found(Lint("policy app {\n    syscalls {\n        default allow\n    }\n" + Quiet + "}\n"), "POL3001", "POL3051"));
    }

    [Fact]
    public void Namespace_syscalls_need_a_flag_filter_and_clone3_needs_enosys()
    {
        var open = Lint(Policy("        allow clone, unshare, clone3"));
        Assert.Equal(["POL3002 4:15 `clone`", "POL3002 4:22 `unshare`", "POL3002 4:31 `clone3`"], Found(open, "POL3002"));
        Assert.Contains("errno ENOSYS clone3", open.Single(d => d.Location!.Text == "clone3").Message, StringComparison.Ordinal);

        Assert.Empty(Found(Lint(Policy("        allow clone if arg0 & CLONE_NEWUSER == 0\n        errno ENOSYS clone3")), "POL3002"));
        // With CAP_SYS_ADMIN every CLONE_NEW* bit counts, so the user-namespace filter alone is not enough.
        var admin = Lint(Policy("        allow clone if arg0 & CLONE_NEWUSER == 0", Quiet + "    capabilities { allow SYS_ADMIN }\n"));
        Assert.Equal(["POL3002 4:15 `clone`"], Found(admin, "POL3002"));
        Assert.Contains("0x7e020000", admin.Single(d => d.Code == "POL3002").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_that_can_never_match_are_flagged_at_the_rule_or_the_dead_name()
    {
        var diagnostics = Lint(Policy(
            "        allow read, write\n" +          // line 4
            "        errno EPERM read if arg0 == 3\n" + // 5: wholly dead
            "        kill write, getpid\n" +          // 6: `write` dead, getpid alive
            "        allow socket if arg0 == 2\n" +   // 7
            "        allow socket if arg0 == 2 && arg1 == 1\n" + // 8: implied by line 7
            "        errno EPERM close\n" +           // 9
            "        allow @basic-io"));              // 10: close, read, write shadowed (a carve-out), group alive
        Assert.Equal(["POL3040 5:9 `errno`", "POL3040 6:14 `write`", "POL3040 8:9 `allow`"], Found(diagnostics, "POL3040"));
        Assert.Contains("the rule at line 4 already decides", diagnostics.First(d => d.Code == "POL3040").Message, StringComparison.Ordinal);
        var group = Lint(Policy("        allow @sync\n        kill @sync"));
        Assert.Equal(["POL3040 5:9 `kill`"], Found(group, "POL3040"));
        var partGroup = Lint(Policy("        allow @sync, getpid\n        kill @sync, gettid"));
        Assert.Equal(["POL3040 5:14 `@sync`"], Found(partGroup, "POL3040"));
    }

    [Fact]
    public void Shadowing_is_decided_over_every_argument_value()
    {
        Assert.Equal(["POL3040 5:9 `kill`"], Found(Lint(Policy("        allow openat if arg2 < 5 || arg2 >= 5\n        kill openat")), "POL3040"));
        Assert.Equal(["POL3040 5:9 `kill`"], Found(Lint(Policy("        allow openat if arg2 & 0x8 == 0 || arg2 & 0x8 == 8\n        kill openat")), "POL3040"));
        Assert.Empty(Found(Lint(Policy("        allow openat if arg2 == 1\n        allow openat")), "POL3040"));
        Assert.Empty(Found(Lint(Policy("        allow openat if arg2 & 0x8 == 0 || arg3 == 8\n        kill openat")), "POL3040"));
    }

    [Fact]
    public void Repetitions_in_one_rule_and_repeated_rules()
    {
        var diagnostics = Lint(Policy("        allow read, write, read\n        allow close, @basic-io, @basic-io"));
        Assert.Equal(["POL3041 4:28 `read`", "POL3041 5:15 `close`", "POL3041 5:33 `@basic-io`"], Found(diagnostics, "POL3041"));
        Assert.Contains("already in `@basic-io`", diagnostics.Single(d => d.Location!.Text == "close").Message, StringComparison.Ordinal);

        var repeated = Lint(Policy("        allow socket if arg0 in [1, 2]\n        allow socket if arg0 == 2 || arg0 == 1"));
        Assert.Equal(["POL3042 5:9 `allow`"], Found(repeated, "POL3040", "POL3042"));
        Assert.Contains("line 4", repeated.Single(d => d.Code == "POL3042").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_eperm_default_is_flagged_when_it_answers_fallback_probes()
    {
        var implicitDefault = Lint("policy app {\n    syscalls {\n        allow read\n    }\n" + Quiet + "}\n");
        var found = Assert.Single(Found(implicitDefault, "POL3050"));
        Assert.Equal("POL3050 2:5 `syscalls`", found);
        Assert.Contains("`clone3`", implicitDefault.Single(d => d.Code == "POL3050").Message, StringComparison.Ordinal);
        Assert.Contains("default errno ENOSYS", implicitDefault.Single(d => d.Code == "POL3050").Message, StringComparison.Ordinal);

        var explicitDefault = Lint("policy app {\n    syscalls {\n        default errno EPERM\n    }\n" + Quiet + "}\n");
        Assert.Equal(["POL3050 3:17 `errno EPERM`"], Found(explicitDefault, "POL3050"));

        var handled = string.Join(", ", Compiler.Analysis.RiskCatalog.FallbackProbes);
        Assert.Empty(Found(Lint($"policy app {{\n    syscalls {{\n        errno ENOSYS {handled}\n    }}\n{Quiet}}}\n"), "POL3050"));
        Assert.Empty(Found(Lint(Policy("        allow read")), "POL3050"));
    }

    [Fact]
    public void Dangerous_capabilities_are_flagged_at_their_name()
    {
        var diagnostics = Lint("policy app {\n    capabilities {\n        allow CHOWN, sys_admin, CAP_NET_ADMIN\n        allow SYS_PTRACE\n        drop SYS_PTRACE\n    }\n" + Quiet + "}\n");
        Assert.Equal(["POL3010 3:22 `sys_admin`", "POL3010 3:33 `CAP_NET_ADMIN`"], Found(diagnostics, "POL3010"));
        var all = Lint("policy app {\n    capabilities {\n        allow all\n    }\n" + Quiet + "}\n");
        Assert.Equal(["POL3011 3:15 `all`"], Found(all, "POL3010", "POL3011"));
    }

    [Fact]
    public void Missing_limits_are_flagged_at_the_resources_section_or_the_policy_name()
    {
        Assert.Equal(["POL3020 1:8 `app`", "POL3021 1:8 `app`"], Found(Lint("policy app {\n}\n"), "POL3020", "POL3021"));
        Assert.Equal(["POL3021 2:5 `resources`"], Found(Lint("policy app {\n    resources { memory 1GiB }\n}\n"), "POL3020", "POL3021"));
        Assert.Empty(Found(Lint("policy app {\n" + Quiet + "}\n"), "POL3020", "POL3021"));
    }

    [Fact]
    public void Writable_proc_and_sys_are_flagged_unless_denied()
    {
        var diagnostics = Lint("policy app {\n    filesystem {\n        write \"/var/log/**\", \"/proc/**\", \"/**\"\n        bind \"/sys\" to \"/host-sys\"\n        bind \"/proc\" to \"/host-proc\" readonly\n    }\n" + Quiet + "}\n");
        Assert.Equal(["POL3030 3:30 `\"/proc/**\"`", "POL3030 3:42 `\"/**\"`", "POL3030 4:14 `\"/sys\"`"], Found(diagnostics, "POL3030"));
        var denied = Lint("policy app {\n    filesystem {\n        write \"/**\"\n        deny \"/proc/**\", \"/sys/**\"\n    }\n" + Quiet + "}\n");
        Assert.Empty(Found(denied, "POL3030"));
    }

    [Fact]
    public void Bases_are_linted_only_when_asked()
    {
        using var directory = new TempDirectory();
        directory.File("base.pol", "policy base {\n    syscalls {\n        allow ptrace\n    }\n}\n");
        var path = directory.File("app.pol", "policy app extends \"base.pol\" {\n    syscalls {\n        allow read\n    }\n" + Quiet + "}\n");
        var source = SourceText.FromFile(path);
        var policy = PolicyBinder.Bind(source).Policy!;
        Assert.Empty(Found(Linter.Run(policy, source, LintOptions.Default), "POL3001"));
        var withBases = Linter.Run(policy, source, new LintOptions(new HashSet<string>(), LintBases: true)).Where(d => d.Code == "POL3001").ToList();
        var finding = Assert.Single(withBases);
        Assert.EndsWith("base.pol", finding.Location!.Path, StringComparison.Ordinal);
        Assert.Equal(3, finding.Location.Line);
    }

    [Fact]
    public void A_directive_with_a_reason_silences_its_line_or_the_statement_below()
    {
        var text = Policy(
            "        allow ptrace  # polc: allow POL3001 because our own debugger traces the workers\n" +
            "        # polc: allow POL3001, POL3002 because the sandbox helper needs them\n" +
            "        allow mount,\n" +
            "            unshare\n" +
            "        allow bpf");
        Assert.Equal(["POL3001 8:15 `bpf`"], Found(Lint(text), "POL3001", "POL3002", "POL3090", "POL3091", "POL3092"));
    }

    [Fact]
    public void A_directive_without_a_reason_silences_nothing_and_is_itself_a_warning()
    {
        var diagnostics = Lint(Policy("        allow ptrace  # polc: allow POL3001"));
        Assert.Equal(["POL3001 4:15 `ptrace`", "POL3090 4:23 `# polc: allow POL3001`"], Found(diagnostics, "POL3001", "POL3090"));
        Assert.Contains("gives no reason", diagnostics.Single(d => d.Code == "POL3090").Message, StringComparison.Ordinal);
        var malformed = Lint(Policy("        allow read  # polc: silence POL3001 because x"));
        Assert.Contains("does not start with `allow`", Assert.Single(malformed, d => d.Code == "POL3090").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directive_naming_an_unknown_code_or_silencing_nothing_is_reported()
    {
        var diagnostics = Lint(Policy("        allow ptrace  # polc: allow POL3010, POL301 because reasons\n        allow read  # polc: allow POL0201 because errors cannot be silenced"));
        Assert.Equal(["POL3092 4:37 `POL3010`", "POL3091 4:46 `POL301`", "POL3091 5:35 `POL0201`"], Found(diagnostics, "POL3091", "POL3092"));
        Assert.Contains("did you mean `POL3001`?", diagnostics.Single(d => d.Location!.Text == "POL301").Message, StringComparison.Ordinal);
        Assert.Contains(diagnostics, d => d.Code == "POL3001"); // POL3010 does not silence POL3001
    }

    [Fact]
    public void Disabled_codes_disappear_and_their_directives_are_not_unused()
    {
        var text = Policy("        allow ptrace  # polc: allow POL3001 because reasons", "");
        var options = new LintOptions(new HashSet<string> { "POL3001", "POL3020" });
        var codes = Lint(text, options).Select(d => d.Code).ToList();
        Assert.DoesNotContain("POL3001", codes);
        Assert.DoesNotContain("POL3020", codes);
        Assert.DoesNotContain("POL3092", codes);
        Assert.Contains("POL3021", codes);
    }

    [Fact]
    public void A_locked_down_policy_has_no_lint_findings()
    {
        var text = "policy tight {\n    syscalls {\n        default errno ENOSYS\n        allow read, write, close, exit_group, futex\n        allow clone if arg0 & CLONE_NEWUSER == 0\n    }\n" +
                   "    capabilities { allow NET_BIND_SERVICE }\n    filesystem {\n        readonly root\n        write \"/var/lib/app/**\"\n    }\n" + Quiet + "}\n";
        Assert.Empty(Lint(text));
    }

    [Fact]
    public void The_catalogue_lists_every_lint_code_the_diagnostics_use_and_docs_describe_them()
    {
        var catalogue = File.ReadAllText(Path.Combine(RepoPaths.Root, "compiler/Polc.Compiler/Diagnostics/DiagnosticCatalog.cs"));
        var used = System.Text.RegularExpressions.Regex.Matches(catalogue, "Warning\\(\"(POL30\\d\\d)\"").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(used.Order(), LintCatalogue.All.Select(r => r.Code).Order());
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs/review.md"));
        foreach (var rule in LintCatalogue.All)
        {
            Assert.Contains($"| {rule.Code} |", docs, StringComparison.Ordinal);
        }
    }
}
