#!/usr/bin/python3
"""Load Docker/OCI seccomp profiles into libseccomp the way runc does, and export the BPF.

Usage: /usr/bin/python3 load_docker_profile.py PROFILE.json OUT.bpf [PROFILE2.json OUT2.bpf ...]

For each profile, mirrors runc's libcontainer/seccomp InitSeccomp + matchCall (runc 1.1..1.3):
  - a filter with the default action (plus the native architecture, as libseccomp always has);
  - every architecture of `architectures` added (Docker's `archMap` is not read: it is resolved
    by Docker/Podman before runc sees the profile);
  - binary-tree optimisation (level 2) when the profile names more than 32 syscalls (runc counts one
    config per name, including entries it later skips);
  - for each entry and each name: skipped when the action equals the default one, skipped when
    libseccomp cannot resolve the name on the native architecture; no args: an unconditional rule;
    args comparing one argument more than once: one rule per comparison (runc's "old behaviour");
    otherwise one rule with all comparisons.
  - runc's ENOSYS stub is not part of the exported BPF; this script reports the data runc uses to
    build it: per architecture, the highest syscall number among the names the profile lists.

Each profile is loaded in a child process killed after 10 s (libseccomp 2.5 can loop forever).
Prints one JSON object per profile on stdout:
  {"ok": true, "last": {"SCMP_ARCH_X86_64": 456, ...}, "stub": true}
or {"ok": false, "error": "..."} when libseccomp refuses the profile (as runc would fail).
"""
import json
import os
import select
import signal
import sys

import seccomp

OPS = {
    "SCMP_CMP_NE": seccomp.NE, "SCMP_CMP_LT": seccomp.LT, "SCMP_CMP_LE": seccomp.LE,
    "SCMP_CMP_EQ": seccomp.EQ, "SCMP_CMP_GE": seccomp.GE, "SCMP_CMP_GT": seccomp.GT,
    "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ,
}


def action(name, ret):
    if name == "SCMP_ACT_ALLOW":
        return seccomp.ALLOW
    if name == "SCMP_ACT_ERRNO":
        return seccomp.ERRNO(1 if ret is None else ret)
    if name in ("SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD"):
        return seccomp.KILL
    if name == "SCMP_ACT_KILL_PROCESS":
        return seccomp.KILL_PROCESS
    if name == "SCMP_ACT_TRAP":
        return seccomp.TRAP
    if name == "SCMP_ACT_TRACE":
        return seccomp.TRACE(1 if ret is None else ret)
    if name == "SCMP_ACT_LOG":
        return seccomp.LOG
    if name == "SCMP_ACT_NOTIFY":
        return seccomp.NOTIFY
    raise ValueError("unknown action " + name)


def arch(name):
    return getattr(seccomp.Arch, name[len("SCMP_ARCH_"):])


def load(profile_path, bpf_path):
    with open(profile_path) as f:
        profile = json.load(f)
    default = action(profile["defaultAction"], profile.get("defaultErrnoRet"))
    flt = seccomp.SyscallFilter(default)
    arches = [arch(a) for a in profile.get("architectures") or []]
    for a in arches:
        if not flt.exist_arch(a):
            flt.add_arch(a)
    calls = profile.get("syscalls") or []
    # runc counts its per-name syscall configs (specconv gives each name of an entry its own).
    if sum(len(call.get("names") or [call.get("name")]) for call in calls) > 32:
        flt.set_attr(seccomp.Attr.CTL_OPTIMIZE, 2)
    flt.set_attr(seccomp.Attr.CTL_NNP, 0)
    for call in calls:
        act = action(call["action"], call.get("errnoRet"))
        if act == default:
            continue
        names = call.get("names") or ([call["name"]] if call.get("name") else [])
        for name in names:
            number = seccomp.resolve_syscall(seccomp.Arch.NATIVE, name)
            if number == -1:
                continue  # runc: "unknown seccomp syscall ignored" (negative pseudo numbers are kept)
            args = call.get("args") or []
            conds = [seccomp.Arg(a["index"], OPS[a["op"]], a.get("value", 0), a.get("valueTwo", 0)) for a in args]
            indexes = [a["index"] for a in args]
            if not conds:
                flt.add_rule(act, number)
            elif len(set(indexes)) != len(indexes):
                for c in conds:
                    flt.add_rule(act, number, c)
            else:
                flt.add_rule(act, number, *conds)
    with open(bpf_path, "wb") as out:
        flt.export_bpf(out)
    # runc's findLastSyscalls: the configured architectures plus the native one.
    known = {k: v for k, v in vars(seccomp.Arch).items() if k.isupper() and k != "NATIVE"}
    native = next(k for k, v in known.items() if v & 0xFFFFFFFF == seccomp.system_arch())
    last = {}
    for name in {a[len("SCMP_ARCH_"):] for a in profile.get("architectures") or []} | {native}:
        largest = 0
        for call in calls:
            for syscall in call.get("names") or []:
                largest = max(largest, seccomp.resolve_syscall(known[name], syscall))
        if largest > 0:
            last["SCMP_ARCH_" + name] = largest
    stub = profile["defaultAction"] not in ("SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE")
    return {"ok": True, "last": last, "stub": stub}


def load_guarded(profile_path, bpf_path, timeout=int(os.environ.get("POLC_LIBSECCOMP_TIMEOUT", "10"))):
    """Runs load() in a child process: libseccomp 2.5 can loop forever on some profiles."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            result = load(profile_path, bpf_path)
        except Exception as e:  # libseccomp refused a rule: runc fails the container the same way
            result = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        os.write(write_end, json.dumps(result).encode())
        os._exit(0)
    os.close(write_end)
    ready, _, _ = select.select([read_end], [], [], timeout)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)
        return {"ok": False, "error": "libseccomp did not finish within %d s (it loops forever on some entry shapes)" % timeout}
    chunks = []
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))


def main(argv):
    for profile_path, bpf_path in zip(argv[1::2], argv[2::2]):
        print(json.dumps(load_guarded(profile_path, bpf_path)))
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv)
