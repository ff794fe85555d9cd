#!/usr/bin/env bash
# The whole test suite: unit, property, fuzz and real-consumer tests (kernel, apparmor_parser, secilc,
# runc/podman, libseccomp). Kernel and container tests need root, as CI has.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
    bash tests/install-prerequisites.sh
fi
dotnet test polc.slnx -c Release "$@"
