using System.Collections.Immutable;
using System.Reflection;
using Polc.Backends;
using Polc.Compiler.Ir;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;

namespace Polc.Tests.Backends;

/// <summary>
/// Every IR node kind is handled, or explicitly declared unsupported or not applicable, by every backend,
/// and each declaration is checked against what the backend really does: for every feature, a policy
/// with it and one without are compiled; Handled must change the artifacts, Unsupported must warn, and
/// NotApplicable must change nothing at all.
/// </summary>
public class IrCoverageTests
{
    private const string Base = """
        policy cov {
            syscalls {
                default errno EPERM
                allow read, write, exit_group
                allow socket if arg0 == AF_UNIX
            }
            capabilities {
                allow CHOWN, KILL
            }
            resources {
                memory 256MiB
                pids 100
            }
            isolation {
                namespaces pid, mount
            }
        }
        """;

    /// <summary>Each feature as a one-line change of <see cref="Base"/>: (text to find, replacement).</summary>
    public static readonly IReadOnlyDictionary<IrFeature, (string Find, string Replace)> Variants = new Dictionary<IrFeature, (string, string)>
    {
        [IrFeature.SyscallDefault] = ("default errno EPERM", "default errno ENOSYS"),
        [IrFeature.SyscallRules] = ("allow read, write, exit_group", "allow read, write, exit_group, openat"),
        [IrFeature.SyscallConditions] = ("arg0 == AF_UNIX", "arg0 == AF_INET"),
        [IrFeature.Architectures] = ("default errno EPERM", "default errno EPERM\n        arch x86_64, aarch64"),
        [IrFeature.Capabilities] = ("allow CHOWN, KILL", "allow CHOWN, KILL, NET_RAW"),
        [IrFeature.AmbientCapabilities] = ("allow CHOWN, KILL", "allow CHOWN, KILL\n        ambient KILL"),
        [IrFeature.Root] = ("    resources {", "    filesystem {\n        root \"/srv/rootfs\"\n    }\n    resources {"),
        [IrFeature.ReadOnlyRoot] = ("    resources {", "    filesystem {\n        readonly root\n    }\n    resources {"),
        [IrFeature.PathRules] = ("    resources {", "    filesystem {\n        deny \"/etc/shadow\"\n    }\n    resources {"),
        [IrFeature.Tmpfs] = ("    resources {", "    filesystem {\n        tmpfs \"/tmp\" size 64MiB\n    }\n    resources {"),
        [IrFeature.BindMounts] = ("    resources {", "    filesystem {\n        bind \"/srv/data\" to \"/data\" readonly\n    }\n    resources {"),
        [IrFeature.Masks] = ("    resources {", "    filesystem {\n        mask \"/proc/kcore\"\n    }\n    resources {"),
        [IrFeature.NetworkNone] = ("    resources {", "    network none\n    resources {"),
        [IrFeature.NetworkFamilies] = ("    resources {", "    network {\n        allow tcp, unix\n    }\n    resources {"),
        [IrFeature.PortRules] = ("    resources {", "    network {\n        bind tcp 8080\n    }\n    resources {"),
        [IrFeature.Memory] = ("memory 256MiB", "memory 512MiB"),
        [IrFeature.MemorySwap] = ("memory 256MiB", "memory 256MiB\n        memory-swap 64MiB"),
        [IrFeature.MemoryReservation] = ("memory 256MiB", "memory 256MiB\n        memory-reservation 128MiB"),
        [IrFeature.Cpu] = ("pids 100", "pids 100\n        cpu 1.5"),
        [IrFeature.CpuWeight] = ("pids 100", "pids 100\n        cpu-weight 200"),
        [IrFeature.Cpuset] = ("pids 100", "pids 100\n        cpuset \"0\""),
        [IrFeature.Pids] = ("pids 100", "pids 200"),
        [IrFeature.IoWeight] = ("pids 100", "pids 100\n        io-weight 200"),
        [IrFeature.IoLimits] = ("pids 100", "pids 100\n        io \"/dev/loop0\" read 50MiB/s"),
        [IrFeature.Rlimits] = ("pids 100", "pids 100\n        rlimit nofile 1024"),
        [IrFeature.Namespaces] = ("namespaces pid, mount", "namespaces pid, mount, ipc"),
        [IrFeature.Hostname] = ("namespaces pid, mount", "namespaces pid, mount\n        hostname \"box\""),
        [IrFeature.User] = ("namespaces pid, mount", "namespaces pid, mount\n        user 1000"),
        [IrFeature.Group] = ("namespaces pid, mount", "namespaces pid, mount\n        user 0 group 1000"),
        [IrFeature.IdMaps] = ("namespaces pid, mount", "namespaces pid, mount, user\n        map-users 0 -> 100000 count 65536\n        map-groups 0 -> 100000 count 65536"),
        [IrFeature.NoNewPrivileges] = ("namespaces pid, mount", "namespaces pid, mount\n        allow-new-privileges"),
        [IrFeature.AppArmorLabel] = ("    isolation {", "    apparmor \"custom-profile\"\n    isolation {"),
        [IrFeature.SelinuxLabel] = ("    isolation {", "    selinux type \"custom_t\"\n    isolation {"),
        [IrFeature.Expectations] = ("    isolation {", "    expect {\n        allow read\n    }\n    isolation {"),
    };

    public static IEnumerable<object[]> Cases() =>
        from backend in BackendRegistry.All
        from feature in Enum.GetValues<IrFeature>()
        select new object[] { backend.Name, feature };

    [Fact]
    public void Every_feature_has_a_variant() =>
        Assert.DoesNotContain(Enum.GetValues<IrFeature>(), f => !Variants.ContainsKey(f));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_backends_claim_about_each_feature_holds(string backendName, IrFeature feature)
    {
        var backend = BackendRegistry.Find(backendName)!;
        var (find, replace) = Variants[feature];
        Assert.Contains(find, Base);
        var without = Emit(backend, Base);
        var with = Emit(backend, Base.Replace(find, replace));
        var changed = !without.Artifacts.Select(a => (a.FileName, Convert.ToBase64String(a.Content)))
            .SequenceEqual(with.Artifacts.Select(a => (a.FileName, Convert.ToBase64String(a.Content))));
        var newWarnings = with.Diagnostics.Select(d => d.Code).Except(without.Diagnostics.Select(d => d.Code)).ToList();
        var claim = backend.Supports(feature);
        var observed = $"artifacts {(changed ? "changed" : "unchanged")}, new warnings [{string.Join(", ", newWarnings)}]";
        switch (claim)
        {
            case IrSupport.Handled:
                Assert.True(changed, $"{backendName} claims to handle {feature} but its output does not change ({observed})");
                break;
            case IrSupport.Unsupported:
                Assert.True(newWarnings.Count > 0, $"{backendName} declares {feature} unsupported but does not warn ({observed})");
                break;
            case IrSupport.NotApplicable:
                Assert.True(!changed && newWarnings.Count == 0, $"{backendName} declares {feature} not applicable but reacts to it ({observed})");
                break;
        }
    }

    /// <summary>Every property of every IR record is covered by some feature; a new one must be added to
    /// <see cref="IrFeature"/> (and so to every backend's declaration) before the tests pass.</summary>
    [Fact]
    public void Every_ir_property_is_mapped_to_a_feature()
    {
        var mapped = PropertyFeatures.Keys.ToHashSet();
        var unmapped = IrProperties().Where(p => !mapped.Contains(p)).ToList();
        Assert.True(unmapped.Count == 0, "IR properties without a feature: " + string.Join(", ", unmapped));
        var properties = IrProperties();
        Assert.DoesNotContain(PropertyFeatures.Keys, k => !properties.Contains(k));
    }

    /// <summary>IR property → the feature that exercises it (null: bookkeeping that no backend emits on its own).</summary>
    private static readonly Dictionary<string, IrFeature?> PropertyFeatures = new()
    {
        ["PolicyIr.Name"] = null, ["PolicyIr.Span"] = null, ["PolicyIr.Bases"] = null,
        ["SyscallPolicyIr.DefaultAction"] = IrFeature.SyscallDefault, ["SyscallPolicyIr.DefaultSpan"] = null,
        ["SyscallPolicyIr.Architectures"] = IrFeature.Architectures, ["SyscallPolicyIr.ArchitecturesSpan"] = null,
        ["SyscallPolicyIr.Rules"] = IrFeature.SyscallRules,
        ["SyscallRuleIr.Action"] = IrFeature.SyscallRules, ["SyscallRuleIr.Syscalls"] = IrFeature.SyscallRules,
        ["SyscallRuleIr.Condition"] = IrFeature.SyscallConditions, ["SyscallRuleIr.Span"] = null, ["SyscallRuleIr.Origin"] = null,
        ["SyscallRefIr.Name"] = IrFeature.SyscallRules, ["SyscallRefIr.ViaGroup"] = null, ["SyscallRefIr.Span"] = null,
        ["CapabilityPolicyIr.Allowed"] = IrFeature.Capabilities, ["CapabilityPolicyIr.Ambient"] = IrFeature.AmbientCapabilities,
        ["CapabilityPolicyIr.Steps"] = null, ["CapabilityPolicyIr.AllowedMask"] = IrFeature.Capabilities, ["CapabilityPolicyIr.AmbientMask"] = IrFeature.AmbientCapabilities,
        ["FilesystemPolicyIr.Root"] = IrFeature.Root, ["FilesystemPolicyIr.ReadOnlyRoot"] = IrFeature.ReadOnlyRoot,
        ["FilesystemPolicyIr.IsReadOnlyRoot"] = IrFeature.ReadOnlyRoot, ["FilesystemPolicyIr.Rules"] = IrFeature.PathRules,
        ["FilesystemPolicyIr.Tmpfs"] = IrFeature.Tmpfs, ["FilesystemPolicyIr.Binds"] = IrFeature.BindMounts, ["FilesystemPolicyIr.Masks"] = IrFeature.Masks,
        ["NetworkPolicyIr.None"] = IrFeature.NetworkNone, ["NetworkPolicyIr.IsNone"] = IrFeature.NetworkNone,
        ["NetworkPolicyIr.Families"] = IrFeature.NetworkFamilies, ["NetworkPolicyIr.Effective"] = IrFeature.NetworkFamilies,
        ["NetworkPolicyIr.Binds"] = IrFeature.PortRules, ["NetworkPolicyIr.Connects"] = IrFeature.PortRules,
        ["ResourcePolicyIr.Memory"] = IrFeature.Memory, ["ResourcePolicyIr.MemorySwap"] = IrFeature.MemorySwap,
        ["ResourcePolicyIr.MemoryReservation"] = IrFeature.MemoryReservation, ["ResourcePolicyIr.Cpus"] = IrFeature.Cpu,
        ["ResourcePolicyIr.CpuWeight"] = IrFeature.CpuWeight, ["ResourcePolicyIr.Cpuset"] = IrFeature.Cpuset,
        ["ResourcePolicyIr.Pids"] = IrFeature.Pids, ["ResourcePolicyIr.IoWeight"] = IrFeature.IoWeight,
        ["ResourcePolicyIr.Io"] = IrFeature.IoLimits, ["ResourcePolicyIr.Rlimits"] = IrFeature.Rlimits,
        ["IsolationPolicyIr.Namespaces"] = IrFeature.Namespaces, ["IsolationPolicyIr.Hostname"] = IrFeature.Hostname,
        ["IsolationPolicyIr.User"] = IrFeature.User, ["IsolationPolicyIr.Group"] = IrFeature.Group,
        ["IsolationPolicyIr.UidMaps"] = IrFeature.IdMaps, ["IsolationPolicyIr.GidMaps"] = IrFeature.IdMaps,
        ["IsolationPolicyIr.NoNewPrivileges"] = IrFeature.NoNewPrivileges,
        ["LabelPolicyIr.AppArmorProfile"] = IrFeature.AppArmorLabel, ["LabelPolicyIr.AppArmorSpan"] = null,
        ["LabelPolicyIr.SelinuxType"] = IrFeature.SelinuxLabel, ["LabelPolicyIr.SelinuxSpan"] = null,
        ["PolicyIr.Syscalls"] = IrFeature.SyscallRules, ["PolicyIr.Capabilities"] = IrFeature.Capabilities,
        ["PolicyIr.Filesystem"] = IrFeature.PathRules, ["PolicyIr.Network"] = IrFeature.NetworkFamilies,
        ["PolicyIr.Resources"] = IrFeature.Memory, ["PolicyIr.Isolation"] = IrFeature.Namespaces,
        ["PolicyIr.Labels"] = IrFeature.AppArmorLabel, ["PolicyIr.Expectations"] = IrFeature.Expectations,
    };

    private static HashSet<string> IrProperties()
    {
        var root = typeof(PolicyIr);
        var records = new[] { typeof(PolicyIr), typeof(SyscallPolicyIr), typeof(SyscallRuleIr), typeof(SyscallRefIr), typeof(CapabilityPolicyIr),
            typeof(FilesystemPolicyIr), typeof(NetworkPolicyIr), typeof(ResourcePolicyIr), typeof(IsolationPolicyIr), typeof(LabelPolicyIr) };
        // Any public IR record that is not a leaf value (ConditionIr, ExpectationIr, ...) must be listed above.
        var known = records.Concat([typeof(ConditionIr), typeof(ExpectationIr), typeof(SeccompAction), typeof(Setting<>), typeof(PathRuleIr),
            typeof(TmpfsMountIr), typeof(BindMountIr), typeof(NetworkFamilyRuleIr), typeof(PortRuleIr), typeof(IoLimitIr), typeof(RlimitIr),
            typeof(IdMapIr), typeof(CapabilityStepIr), typeof(ExpectedOutcome)]).ToHashSet();
        var stray = root.Assembly.GetTypes()
            .Where(t => t.IsPublic && t.Namespace == root.Namespace && t.GetMethod("<Clone>$") is not null)
            .Where(t => !known.Contains(t) && !known.Any(k => k.IsAssignableFrom(t)) && !(t.IsGenericType && known.Contains(t.GetGenericTypeDefinition())))
            .Select(t => t.Name).ToList();
        Assert.True(stray.Count == 0, "IR records this test does not know: " + string.Join(", ", stray));
        return records.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.Name != "EqualityContract")
                .Select(p => $"{t.Name}.{p.Name}"))
            .ToHashSet();
    }

    private static BackendOutput Emit(IBackend backend, string text)
    {
        var bound = PolicyBinder.Bind(new SourceText("cov.pol", text));
        Assert.True(bound.Policy is not null, string.Join("\n", bound.Diagnostics) + "\n" + text);
        return backend.Emit(bound.Policy!, BackendOptions.Default);
    }
}
