#!/usr/bin/env bash
# Wall-clock figures for the review commands (check with lint, diff, score), measured with hyperfine on the
# ReadyToRun build that ./polc runs. Two workloads: the example policy, and a generated stress pair
# (330 syscalls, 1-3 conditional rules each over up to three arguments with masks, two architectures)
# whose diff has about a thousand changes.
# Usage: tests/benchmarks/review.sh [hyperfine options, e.g. --export-markdown review.md]
set -euo pipefail
cd "$(dirname "$0")/../.."
./polc --help > /dev/null   # build once, outside the measurement
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work" <<'PY'
import random, re, sys
table = open("compiler/Polc.Compiler/Semantics/Tables/SyscallNumbers.g.cs").read()
names = re.findall(r'\("(\w+)", \d+\)', table[table.index("X86_64"):])[:330]
def condition():
    parts = []
    for arg in random.sample(range(6), random.randint(1, 3)):
        kind = random.randint(0, 3)
        parts.append([f"arg{arg} in [{', '.join(str(random.randint(0, 50)) for _ in range(4))}]",
                      f"arg{arg} & 0x{random.getrandbits(16):x} == 0",
                      f"arg{arg} > {random.randint(0, 1000)}",
                      f"arg{arg} & 0x{random.getrandbits(32):x} != 0x{random.getrandbits(8):x}"][kind])
    return (" && " if random.random() < 0.5 else " || ").join(parts)
for seed in (1, 2):
    random.seed(seed)
    lines = ["policy stress {", "    syscalls {", "        default errno ENOSYS", "        arch x86_64, aarch64"]
    for name in names:
        for _ in range(random.randint(1, 3)):
            lines.append(f"        {random.choice(['allow', 'errno EPERM', 'kill', 'log'])} {name} if {condition()}")
        if random.random() < 0.3:
            lines.append(f"        allow {name}")
    lines += ["    }", "    resources {", "        memory 1GiB", "        pids 64", "    }", "}"]
    open(f"{sys.argv[1]}/stress{seed}.pol", "w").write("\n".join(lines) + "\n")
PY
web=profiles/examples/web.pol
hyperfine -N -i --warmup 2 "$@" \
    "./.build/polc/polc fmt --stdout $web" \
    "./.build/polc/polc check $web" \
    "./.build/polc/polc diff $web $web" \
    "./.build/polc/polc score $web" \
    "./.build/polc/polc check $work/stress1.pol" \
    "./.build/polc/polc diff $work/stress1.pol $work/stress1.pol" \
    "./.build/polc/polc diff $work/stress1.pol $work/stress2.pol --format json"
