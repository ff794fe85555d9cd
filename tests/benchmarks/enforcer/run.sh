#!/usr/bin/env bash
# Launch latency of the bundled enforcer, side by side with bubblewrap in one hyperfine run, each
# running /bin/true:
#   host root: polc-enforcer on a compiled plan (pid, net, mount, ipc, uts and cgroup namespaces,
#              fresh /proc and /sys, hostname, no capabilities, no_new_privs) against bwrap with the
#              same namespaces, /proc, hostname and --cap-drop ALL (bwrap also rebinds / on a tmpfs);
#   new root:  both pivot into the same busybox root, read-only, with /proc and a minimal /dev;
#   polc run:  .NET start-up + in-memory compile + the same launcher, for reference.
# Needs root (as CI), hyperfine, bubblewrap and busybox-static. RUNS=N overrides the run count.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
for tool in hyperfine:hyperfine bwrap:bubblewrap /bin/busybox:busybox-static; do
    command -v "${tool%%:*}" >/dev/null || { echo "needs ${tool%%:*} (apt-get install ${tool#*:})" >&2; exit 2; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/rootfs/"{bin,proc,dev,sys,tmp}
cp /bin/busybox "$work/rootfs/bin/"
ln -s busybox "$work/rootfs/bin/true"

cat >"$work/host.pol" <<'POL'
policy host {
    syscalls { default allow }
    isolation {
        namespaces pid, net, mount, ipc, uts, cgroup
        hostname "bench"
    }
}
POL
cat >"$work/newroot.pol" <<POL
policy newroot {
    syscalls { default allow }
    filesystem {
        root "$work/rootfs"
        readonly root
    }
    isolation {
        namespaces pid, net, mount, ipc, uts, cgroup
        hostname "bench"
    }
}
POL
"$root/polc" compile "$work/host.pol" -o "$work" --target plan >/dev/null 2>&1
"$root/polc" compile "$work/newroot.pol" -o "$work" --target plan >/dev/null 2>&1
polc="$root/.build/polc/polc"
launcher="$root/.build/polc/polc-enforcer"
namespaces="--unshare-pid --unshare-net --unshare-ipc --unshare-uts --unshare-cgroup --hostname bench --cap-drop ALL"

hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-markdown "$work/results.md" \
    -n "host root: polc-enforcer (compiled plan)" "$launcher $work/host.plan -- /bin/true" \
    -n "host root: bwrap" "bwrap $namespaces --dev-bind / / --proc /proc /bin/true" \
    -n "new root: polc-enforcer (compiled plan)" "$launcher $work/newroot.plan -- /bin/true" \
    -n "new root: bwrap" "bwrap $namespaces --ro-bind $work/rootfs / --proc /proc --dev /dev /bin/true" \
    -n "polc run (with .NET start-up)" "$polc run $work/host.pol -- /bin/true"
echo
cat "$work/results.md"
