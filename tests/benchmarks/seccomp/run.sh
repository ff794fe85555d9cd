#!/usr/bin/env bash
# polc's seccomp filter against libseccomp's (levels 1 and 2) on one policy, x86_64:
#   static figures (instructions, instructions executed per allowed syscall, action-cache coverage)
#   and in-kernel nanoseconds per filter run for a denied and an argument-checked syscall.
#
# usage: tests/benchmarks/seccomp/run.sh [POLICY.pol] [--profile PROFILE.json] [--denied NAME]
#            [--filtered NAME HEXVALUE] [--copies K] [--rounds R] [--iterations N] [--repeat M] [--out DIR]
#   POLICY.pol   default: profiles/docker-default.pol
#   --profile    build libseccomp's filter from this Docker/OCI JSON (Docker's default capabilities), as a
#                container runtime does, instead of from the policy's own rules
#   --denied     a syscall both filters answer with an errno (default: mount)
#   --filtered   a harmless syscall allowed after an argument check and its first argument, repeatable
#                (default: clone 800, i.e. CLONE_SIGHAND alone, which fails with EINVAL; and personality ffffffff)
# Needs gcc, /usr/bin/python3 with python3-seccomp, and an x86_64 kernel with seccomp filters.
# Example: tests/benchmarks/seccomp/run.sh profiles/docker-default.pol --profile ../shared/corpus/docker-default.seccomp.json
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
policy="$root/profiles/docker-default.pol"
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then policy="$1"; shift; fi
dotnet build "$here/SeccompBench/SeccompBench.csproj" -c Release -nologo -v quiet >/dev/null
exec dotnet "$here/SeccompBench/bin/Release/net10.0/SeccompBench.dll" "$policy" "$@"
