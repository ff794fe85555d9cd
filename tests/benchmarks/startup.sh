#!/usr/bin/env bash
# Whole-process start-up of `polc check` against `dotnet --version` (the floor for any .NET program
# here), side by side in one hyperfine run. Goal: polc within 2x of `dotnet --version`.
set -euo pipefail
cd "$(dirname "$0")/../.."
./polc check profiles/examples/web.pol >/dev/null   # builds the ReadyToRun binary if needed
hyperfine --warmup 5 --runs "${RUNS:-30}" --export-markdown "${1:-/dev/stdout}" \
    'dotnet --version' \
    './.build/polc/polc check profiles/examples/web.pol' \
    './polc check profiles/examples/web.pol'
