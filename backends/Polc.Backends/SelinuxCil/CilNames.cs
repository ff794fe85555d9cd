namespace Polc.Backends.SelinuxCil;

/// <summary>Names in the module: the block, its domain, and whether the policy's `selinux type` can be declared as an alias of it.</summary>
public static class CilNames
{
    /// <summary>Blocks udica and container-selinux ship; a module block of the same name would redeclare them.</summary>
    private static readonly string[] TemplateBlocks =
    [
        "container", "net_container", "restricted_net_container", "home_container", "home_rw_container",
        "log_container", "log_rw_container", "tmp_container", "tmp_rw_container", "tty_container", "virt_container",
        "x_container", "config_container", "config_rw_container",
    ];

    /// <summary>Types and attributes a container host's policy already has: container-selinux's own, the ones the
    /// container template uses, and every type this backend refers to. An alias of one of them cannot be declared.</summary>
    public static IReadOnlyList<string> HostTypes { get; } =
    [
        .. new[]
        {
            "container_t", "container_init_t", "container_engine_t", "container_kvm_t", "container_logreader_t",
            "container_userns_t", "container_device_t", "container_device_plugin_t", "container_runtime_t",
            "container_runtime_exec_t", "container_var_lib_t", "container_ro_file_t", "container_home_t",
            "container_log_t", "container_share_t", "container_config_t", "container_port_t", "spc_t",
            "svirt_lxc_net_t", "svirt_sandbox_file_t", "svirt_sandbox_domain", "container_domain", "container_net_domain",
            "sandbox_net_domain", "domain", "file_type", "proc_type", "cpu_online_t", "mcs_constrained_type",
            "port_type", "node_type", "node_t", "port_t", "kernel_t", "unlabeled_t", "security_t", "fs_t", "netif_t", "null_device_t",
            "init_t", "unconfined_t", "system_r", "object_r",
        },
        .. SelinuxPortTypes.AllTypes,
        .. SelinuxFileTypes.AllTypes,
    ];

    /// <summary>The block for a policy: its name, with every character CIL does not allow turned into `_`,
    /// `polc_` in front when it does not start with a letter, and `_policy` behind when a template has that name.</summary>
    public static string Block(string policyName)
    {
        var name = new string(policyName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]))
        {
            name = "polc_" + name;
        }
        return TemplateBlocks.Contains(name) ? name + "_policy" : name;
    }

    /// <summary>Whether a block of this name would redeclare one of udica's or container-selinux's templates.</summary>
    public static bool IsTemplateBlock(string name) => TemplateBlocks.Contains(name);

    /// <summary>CIL's rule for a declared name: a letter, then letters, digits, `_` and `-`.</summary>
    public static bool IsDeclarable(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
