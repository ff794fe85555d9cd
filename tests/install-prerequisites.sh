#!/usr/bin/env bash
# Installs (as root, from Debian's archive) every tool the test suite drives: the real consumers of
# polc's artifacts and the programs the bundled profiles are tested with. Idempotent; quiet when
# everything is present. Used by tests/run-all.sh and by .ci/run.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# command-or-file the tests need -> Debian package that provides it
needs=(
    "java:openjdk-17-jre-headless"            # the ANTLR tool run by the build
    "npm:npm"                                 # npm ci fetches the pinned ANTLR jar (grammar/package-lock.json)
    "gcc:gcc"                                 # the enforcer's C launcher (built by dotnet build), kernel test helpers
    "/usr/lib/x86_64-linux-gnu/libc.a:libc6-dev"  # the launcher and test helpers link statically (gcc only recommends it)
    "/usr/include/seccomp.h:libseccomp-dev"   # libseccomp from C
    "/usr/lib/python3/dist-packages/seccomp.cpython-311-x86_64-linux-gnu.so:python3-seccomp"  # differential tests
    "scmp_sys_resolver:seccomp"
    "apparmor_parser:apparmor"                # validates generated AppArmor profiles
    "secilc:secilc"                           # compiles generated CIL modules
    "sesearch:setools"                        # queries the compiled SELinux policy (tests of the CIL module)
    "podman:podman"                           # runs generated Docker profiles and flags
    "runc:runc"                               # runs generated OCI configs
    "/bin/busybox:busybox-static"             # offline container image / rootfs
    "setpriv:util-linux"                      # installs capability sets for the caps.json kernel tests
    "newuidmap:uidmap"
    "bwrap:bubblewrap"                        # enforcer benchmark baseline
    "ip:iproute2"                             # enforcer tests: links in a new net namespace
    "unshare:util-linux"                      # enforcer tests: a cgroup2-only mount namespace
    "systemd-analyze:systemd"                 # source of the bundled syscall groups
    "sqlite3:sqlite3"                         # programs run under bundled profiles
    "redis-server:redis-server"
    "redis-cli:redis-tools"                   # the client of the redis profile's tests
    "/usr/bin/python3:python3"                # http.server under the web-python profile, learned workloads
    "git:git"                                 # polc diff REV:path reads revisions with git show
    "strace:strace"
    "hyperfine:hyperfine"
)
missing=()
for need in "${needs[@]}"; do
    what="${need%%:*}"; package="${need#*:}"
    if [[ "$what" == /* ]]; then [ -e "$what" ] && continue; else command -v "$what" >/dev/null && continue; fi
    missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "ci: installing ${missing[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
