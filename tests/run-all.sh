#!/usr/bin/env bash
# The whole test suite: unit, property, fuzz and real-consumer tests (kernel, apparmor_parser, secilc,
# runc/podman, libseccomp). Kernel and container tests need root, as CI has.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
    bash tests/install-prerequisites.sh
fi
# Normal verbosity prints the reason of every skipped test (a kernel feature this host lacks), not only its name.
dotnet test polc.slnx -c Release --logger "console;verbosity=normal" "$@"
