namespace Polc.Backends;

/// <summary>Every kind of fact the IR carries, as far as a backend is concerned. A test walks the IR's
/// types so that a new IR property cannot appear without a feature here, and checks every backend's
/// claim about every feature by compiling policies with and without it.</summary>
public enum IrFeature
{
    SyscallDefault,
    SyscallRules,
    SyscallConditions,
    Architectures,
    Capabilities,
    AmbientCapabilities,
    Root,
    ReadOnlyRoot,
    PathRules,
    Tmpfs,
    BindMounts,
    Masks,
    NetworkNone,
    NetworkFamilies,
    PortRules,
    Memory,
    MemorySwap,
    MemoryReservation,
    Cpu,
    CpuWeight,
    Cpuset,
    Pids,
    IoWeight,
    IoLimits,
    Rlimits,
    Namespaces,
    Hostname,
    User,
    Group,
    IdMaps,
    NoNewPrivileges,
    AppArmorLabel,
    SelinuxLabel,
    Expectations,
}

/// <summary>What a backend does with a feature.</summary>
public enum IrSupport
{
    /// <summary>The feature changes the artifact.</summary>
    Handled,

    /// <summary>The target cannot express it: the backend warns with a code and leaves it out.</summary>
    Unsupported,

    /// <summary>It is not this target's business (e.g. memory limits in an AppArmor profile): silently ignored.</summary>
    NotApplicable,
}
