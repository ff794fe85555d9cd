using Polc.Backends.SelinuxCil;
using Polc.Compiler.Ir;

namespace Polc.Tests.SelinuxCil;

/// <summary>The fixed labels polc assumes where udica would ask the host (documented in docs/selinux.md).</summary>
public class SelinuxLabelTableTests
{
    [Theory]
    [InlineData("/etc/ssl", "etc_t")]
    [InlineData("/var/log/app", "var_log_t")]
    [InlineData("/var/lib", "var_lib_t")]
    [InlineData("/var/cache/x", "var_t")]
    [InlineData("/usr/share/doc", "usr_t")]
    [InlineData("/usr/lib64/x.so", "lib_t")]
    [InlineData("/usr/local/bin/tool", "bin_t")]
    [InlineData("/home", "home_root_t")]
    [InlineData("/home/alice", "user_home_dir_t")]
    [InlineData("/home/alice/data", "user_home_t")]
    [InlineData("//srv///www/", "var_t")]
    [InlineData("/etcetera", "default_t")]
    [InlineData("/data", "default_t")]
    [InlineData("/", "root_t")]
    public void Host_paths_take_the_label_of_their_longest_known_prefix(string path, string type) =>
        Assert.Equal(type, SelinuxFileTypes.TypeOf(path));

    [Fact]
    public void A_port_range_takes_every_type_that_labels_one_of_its_ports()
    {
        Assert.Equal(["http_port_t"], SelinuxPortTypes.TypesOf(PortProtocol.Tcp, 80, 80));
        Assert.Equal(["reserved_port_t"], SelinuxPortTypes.TypesOf(PortProtocol.Udp, 80, 80));
        Assert.Equal(["unreserved_port_t", "http_port_t", "http_cache_port_t"], SelinuxPortTypes.TypesOf(PortProtocol.Tcp, 8000, 8080));
        Assert.Equal(["hi_reserved_port_t", "unreserved_port_t"], SelinuxPortTypes.TypesOf(PortProtocol.Udp, 1000, 1100));
        Assert.Equal(["ephemeral_port_t", "unreserved_port_t", "mysqld_port_t"], SelinuxPortTypes.TypesOf(PortProtocol.Tcp, 60990, 63140));
    }
}
