using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Polc.Backends;
using Polc.Backends.Kubernetes;
using Polc.Compiler.Semantics;
using Polc.Compiler.Text;
using Polc.Tests.Compose;
using Polc.Tests.RuntimeConfig;
using Polc.Tests.Support;

namespace Polc.Tests.Kubernetes;

/// <summary>
/// NAME.k8s.yaml, each document checked by what reads it: the Security Profiles Operator objects against their CRDs'
/// schemas (<see cref="SpoCrdSchema"/>), the Pod read strictly into the Kubernetes API's own models (KubernetesClient,
/// generated from the API's OpenAPI spec: an unknown or mistyped field fails) plus the value rules the API server
/// applies to the fields polc writes (<see cref="CheckPod"/>), and the references between them.
/// </summary>
public class KubernetesManifestTests
{
    public static readonly string Web = Policies.Web.Replace("policy web {", """
        policy web {
            syscalls {
                default errno EPERM
                allow read, write, close, openat, mmap, execve, exit_group
                errno EXDEV mkdir
                allow socket if arg0 in [AF_INET, AF_INET6, AF_UNIX]
            }
            network {
                allow tcp, unix
                bind tcp 80, 443
            }
            apparmor "polc-web"
        """, StringComparison.Ordinal).Replace("readonly root", """
        readonly root
                read "/etc/nginx/**", "/usr/{lib,share}/**"
                write "/var/log/nginx/**"
                exec "/usr/sbin/nginx"
                deny "/etc/nginx/secret/**"
        """, StringComparison.Ordinal);

    public sealed record Manifest(string Text, IReadOnlyList<JsonNode> Documents, BackendHarness.Output Output)
    {
        public JsonNode? Kind(string kind) => Documents.SingleOrDefault(d => d["kind"]!.GetValue<string>() == kind);
    }

    internal static Manifest Emit(string source)
    {
        var output = BackendHarness.Emit(new KubernetesBackend(), source);
        return new Manifest(output.Text, [.. YamlToJson.ConvertAll(output.Text).Select(d => d!)], output);
    }

    /// <summary>Every document valid for its reader, and the Pod's references resolving to the profile objects.</summary>
    internal static void CheckAll(Manifest manifest, string context)
    {
        // The profiles before the Pod, so that `kubectl apply -f` creates them first; no SeccompProfile when SPO cannot hold it.
        string[] kinds = manifest.Output.Codes.Contains("POL2510")
            ? ["AppArmorProfile", "SelinuxProfile", "Pod"]
            : ["SeccompProfile", "AppArmorProfile", "SelinuxProfile", "Pod"];
        Assert.Equal(kinds, manifest.Documents.Select(d => d["kind"]!.GetValue<string>()));
        foreach (var document in manifest.Documents.Where(d => d["kind"]!.GetValue<string>() != "Pod"))
        {
            var errors = SpoCrdSchema.Errors(document);
            Assert.True(errors.Count == 0, $"{context}\n{string.Join("\n", errors)}\n{manifest.Text}");
            Assert.True(KubernetesNames.IsLabel(document["metadata"]!["name"]!.GetValue<string>()), context);
        }
        var pod = CheckPod(manifest.Kind("Pod")!, context + "\n" + manifest.Text);
        var security = pod.Spec.Containers[0].SecurityContext;
        var seccomp = manifest.Kind("SeccompProfile");
        Assert.Equal(seccomp is null ? $"polc/{manifest.Output.Policy.Name}.seccomp.json" : $"operator/{Name(seccomp)}.json", security.SeccompProfile.LocalhostProfile);
        Assert.Equal(Name(manifest.Kind("AppArmorProfile")!), security.AppArmorProfile.LocalhostProfile);
        Assert.Equal(Name(manifest.Kind("SelinuxProfile")!) + ".process", security.SeLinuxOptions.Type);
    }

    private static string Name(JsonNode document) => document["metadata"]!["name"]!.GetValue<string>();

    /// <summary>
    /// The Pod as the API server would take it: read strictly into <see cref="V1Pod"/>, then the validation rules for the
    /// fields polc writes (k8s.io/kubernetes pkg/apis/core/validation): DNS-label names for the Pod, its container and
    /// volumes, unique volume names that the mounts refer to, a DNS-label hostname; capabilities from the kernel's list;
    /// Localhost seccomp and AppArmor profiles with a name (seccomp's a relative path without `..`); `runAsNonRoot` not
    /// with uid 0; `allowPrivilegeEscalation: false` not with `privileged` or CAP_SYS_ADMIN added; quantities that parse,
    /// requests not above limits; `hostUsers: false` only without host namespaces.
    /// </summary>
    internal static V1Pod CheckPod(JsonNode document, string context)
    {
        V1Pod pod;
        try
        {
            pod = KubernetesYaml.Deserialize<V1Pod>(document.ToJsonString(), strict: true);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or FormatException)
        {
            throw new Xunit.Sdk.XunitException($"the Pod does not fit the Kubernetes API: {e.Message}\n{context}");
        }
        Assert.Equal(("v1", "Pod"), (pod.ApiVersion, pod.Kind));
        Assert.True(KubernetesNames.IsLabel(pod.Metadata.Name), context);
        var container = Assert.Single(pod.Spec.Containers);
        Assert.True(KubernetesNames.IsLabel(container.Name), context);
        Assert.False(string.IsNullOrEmpty(container.Image), context);
        Assert.True(pod.Spec.Hostname is null || KubernetesNames.IsLabel(pod.Spec.Hostname), context);

        var volumes = pod.Spec.Volumes ?? [];
        Assert.All(volumes, v => Assert.True(KubernetesNames.IsLabel(v.Name), context));
        Assert.Equal(volumes.Count, volumes.Select(v => v.Name).Distinct().Count());
        Assert.All(volumes, v => Assert.True((v.EmptyDir is null) != (v.HostPath is null), context));
        Assert.All(container.VolumeMounts ?? [], m => Assert.Contains(m.Name, volumes.Select(v => v.Name)));
        Assert.All(container.VolumeMounts ?? [], m => Assert.StartsWith("/", m.MountPath));

        var security = container.SecurityContext;
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.All(security.Capabilities.Add ?? [], c => Assert.Contains(c, CapabilityTable.ShortNames));
        Assert.Equal("Localhost", security.SeccompProfile.Type);
        Assert.False(string.IsNullOrEmpty(security.SeccompProfile.LocalhostProfile));
        Assert.False(security.SeccompProfile.LocalhostProfile.StartsWith('/') || security.SeccompProfile.LocalhostProfile.Split('/').Contains(".."));
        Assert.Equal("Localhost", security.AppArmorProfile.Type);
        Assert.False(string.IsNullOrEmpty(security.AppArmorProfile.LocalhostProfile));
        Assert.False(security.RunAsNonRoot == true && security.RunAsUser == 0, context);
        if (security.AllowPrivilegeEscalation == false)
        {
            Assert.NotEqual(true, security.Privileged);
            Assert.DoesNotContain("CAP_SYS_ADMIN", security.Capabilities.Add ?? []);
        }
        if (pod.Spec.HostUsers == false)
        {
            Assert.False(pod.Spec.HostNetwork == true || pod.Spec.HostPID == true || pod.Spec.HostIPC == true, context);
        }

        var limits = container.Resources?.Limits ?? new Dictionary<string, ResourceQuantity>();
        var requests = container.Resources?.Requests ?? new Dictionary<string, ResourceQuantity>();
        foreach (var (resource, request) in requests)
        {
            Assert.True(request.ToDecimal() > 0, context);
            if (limits.TryGetValue(resource, out var limit))
            {
                Assert.True(request.ToDecimal() <= limit.ToDecimal(), $"{resource} request {request} above limit {limit}\n{context}");
            }
        }
        Assert.All(volumes.Where(v => v.EmptyDir?.SizeLimit is not null), v => Assert.True(v.EmptyDir.SizeLimit.ToDecimal() > 0));
        return pod;
    }

    [SkippableFact]
    public void Example_manifest_is_valid_and_reviewed()
    {
        var manifest = Emit(Web);
        CheckAll(manifest, "web");
        Assert.Equal(manifest.Text, Emit(Web).Text); // deterministic
        Baseline.Verify("tests/Polc.Tests/Kubernetes/Baselines/web.k8s.yaml", manifest.Text);
    }

    [SkippableFact]
    public void Random_policies_give_valid_manifests()
    {
        var compiled = 0;
        foreach (var source in RandomRuntimePolicy.OfEveryKind(50))
        {
            var result = CompilationPipeline.Compile(new SourceText("random.pol", source), [new KubernetesBackend()], BackendOptions.Default);
            if (result.HasErrors)
            {
                continue; // a policy the seccomp JSON model refuses (POL21xx) or an expectation that fails
            }
            compiled++;
            var text = Encoding.UTF8.GetString(Assert.Single(result.Artifacts).Content);
            var manifest = new Manifest(text, [.. YamlToJson.ConvertAll(text).Select(d => d!)], new BackendHarness.Output(text, result.Diagnostics, result.Policy!));
            CheckAll(manifest, source);
        }
        Assert.True(compiled >= 120, $"only {compiled} of 150 random policies compiled");
    }

    [SkippableFact]
    public void The_checks_catch_broken_documents()
    {
        var manifest = Emit(Web);
        var appArmor = manifest.Kind("AppArmorProfile")!.DeepClone();
        appArmor["spec"]!["abstract"]!["filesystem"]!["readOnlyPath"] = new JsonArray("/etc/**");
        Assert.NotEmpty(SpoCrdSchema.Errors(appArmor));
        var seccomp = manifest.Kind("SeccompProfile")!.DeepClone();
        seccomp["spec"]!["defaultAction"] = "SCMP_ACT_MAYBE";
        Assert.NotEmpty(SpoCrdSchema.Errors(seccomp));
        var pod = manifest.Kind("Pod")!.DeepClone();
        pod["spec"]!["containers"]![0]!["securityContext"]!["readOnlyRootFileSystem"] = true;
        Assert.Throws<Xunit.Sdk.XunitException>(() => CheckPod(pod, "misspelt field"));
        pod = manifest.Kind("Pod")!.DeepClone();
        pod["spec"]!["containers"]![0]!["resources"]!["requests"]!["memory"] = "1Ti";
        Assert.ThrowsAny<Exception>(() => CheckPod(pod, "request above limit"));
    }

    [Fact]
    public void Pod_says_what_the_policy_says()
    {
        var manifest = Emit(Web);
        var pod = KubernetesYaml.Deserialize<V1Pod>(manifest.Kind("Pod")!.ToJsonString(), strict: true);
        var container = pod.Spec.Containers[0];
        var security = container.SecurityContext;
        Assert.Equal(manifest.Output.Policy.Capabilities.Allowed.Select(c => c.ShortName), security.Capabilities.Add);
        Assert.Equal(["CHOWN", "NET_BIND_SERVICE", "SETGID", "SETUID"], security.Capabilities.Add.Order(StringComparer.Ordinal));
        Assert.False(security.AllowPrivilegeEscalation); // no-new-privileges
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.Equal((1000L, 1000L, true), (security.RunAsUser!.Value, security.RunAsGroup!.Value, security.RunAsNonRoot!.Value));
        Assert.Equal("web01", pod.Spec.Hostname);
        Assert.Equal("256Mi", container.Resources.Limits["memory"].ToString());
        Assert.Equal(1.5m, container.Resources.Limits["cpu"].ToDecimal());
        Assert.Equal("128Mi", container.Resources.Requests["memory"].ToString());
        Assert.Equal(1m, container.Resources.Requests["cpu"].ToDecimal()); // cpu-weight 100 = 1024 shares = 1 CPU's request
        var tmp = pod.Spec.Volumes.Single(v => v.Name == container.VolumeMounts.Single(m => m.MountPath == "/tmp").Name);
        Assert.Equal(("Memory", 64m * (1 << 20)), (tmp.EmptyDir.Medium, tmp.EmptyDir.SizeLimit.ToDecimal()));
        var data = container.VolumeMounts.Single(m => m.MountPath == "/data");
        Assert.True(data.ReadOnlyProperty);
        Assert.Equal("/srv/data", pod.Spec.Volumes.Single(v => v.Name == data.Name).HostPath.Path);
        Assert.Null(pod.Spec.HostUsers);

        string[] expected = ["POL2413", "POL2512", "POL2513", "POL2515", "POL2520", "POL2523", "POL2525", "POL2530"];
        Assert.Superset(expected.ToHashSet(), manifest.Output.Codes.ToHashSet());
    }

    [Fact]
    public void A_profile_the_operator_cannot_hold_is_used_from_the_node()
    {
        var manifest = Emit("policy enosys {\n syscalls {\n  default errno ENOSYS\n  allow read\n }\n}\n");
        Assert.Null(manifest.Kind("SeccompProfile"));
        Assert.Contains("POL2510", manifest.Output.Codes);
        var pod = KubernetesYaml.Deserialize<V1Pod>(manifest.Kind("Pod")!.ToJsonString(), strict: true);
        Assert.Equal("polc/enosys.seccomp.json", pod.Spec.Containers[0].SecurityContext.SeccompProfile.LocalhostProfile);
    }

    [Fact]
    public void Names_become_kubernetes_names()
    {
        var manifest = Emit("policy My_App {\n isolation {\n  hostname \"Web01\"\n  namespaces user, time\n  map-users 0 -> 100000 count 65536\n }\n apparmor \"Polc_App\"\n selinux type \"my_app_t\"\n}\n");
        Assert.Equal("my-app", manifest.Kind("Pod")!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("polc-app", manifest.Kind("AppArmorProfile")!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(["POL2415", "POL2511", "POL2514", "POL2516", "POL2517", "POL2523"], manifest.Output.Codes.Where(c => c.StartsWith("POL25", StringComparison.Ordinal) || c == "POL2415").Order());
        Assert.False(manifest.Kind("Pod")!["spec"]!["hostUsers"]!.GetValue<bool>());
        Assert.Null(manifest.Kind("Pod")!["spec"]!["hostname"]);
    }

    [Fact]
    public void Selinux_profile_names_are_cil_block_names()
    {
        Assert.Equal("container-policy", SpoSelinuxProfile.ObjectName("container"));
        Assert.Equal("polc-9lives", SpoSelinuxProfile.ObjectName("_9lives"));
        Assert.Equal("web", SpoSelinuxProfile.ObjectName("web"));
    }

    [Theory]
    [InlineData("web", "web")]
    [InlineData("My_App.v2", "my-app-v2")]
    [InlineData("__x__", "x")]
    [InlineData("___", "polc")]
    public void Label_names(string name, string label)
    {
        Assert.Equal(label, KubernetesNames.Label(name));
        Assert.True(KubernetesNames.IsLabel(label));
        Assert.True(KubernetesNames.IsLabel(KubernetesNames.Label(new string('a', 70))));
    }
}
