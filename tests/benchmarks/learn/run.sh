#!/usr/bin/env bash
# What recording costs: each workload run plainly, under `polc learn` (every syscall stops in the kernel and
# waits for the supervisor), and under the launcher with the policy learned from it (the seccomp filter only).
# `polc learn -- /bin/true` is .NET start-up plus launching, the fixed part of every learn.
# Usage: tests/benchmarks/learn/run.sh [RUNS]   (needs root and hyperfine; writes results.md here)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
runs="${1:-20}"
"$repo/polc" --help >/dev/null
polc="$repo/.build/polc/polc"
enforcer="$repo/.build/polc/polc-enforcer"
work="$(mktemp -d /tmp/polc-learn-bench-XXXXXX)"
trap 'rm -rf "$work"' EXIT

sql="create table if not exists t(x integer); insert into t values (1), (2); select sum(x) from t;"
declare -A workloads=(
    [ls]="/bin/ls -la /usr/lib"
    [sqlite3]="/usr/bin/sqlite3 $work/bench.db '$sql'"
    [python3]="/usr/bin/python3 -c 'import json, http.server, email.utils'"
)
args=()
for name in ls sqlite3 python3; do
    command="${workloads[$name]}"
    eval "$polc learn -o $work/$name.pol -- $command" >/dev/null 2>"$work/$name.learn"
    echo "$name: $(grep '^polc: learned' "$work/$name.learn")"
    "$polc" run "$work/$name.pol" --plan-out "$work/$name.plan" >/dev/null
    args+=(-n "$name: plain" "$command"
           -n "$name: polc learn" "$polc learn -o $work/$name.again.pol -- $command"
           -n "$name: polc-enforcer, learned policy" "$enforcer --lsm-optional $work/$name.plan -- $command")
done
hyperfine --warmup 2 --runs "$runs" -N \
    -n "polc learn -- /bin/true" "$polc learn -o $work/true.pol -- /bin/true" \
    "${args[@]}" --export-markdown "$here/results.md"
