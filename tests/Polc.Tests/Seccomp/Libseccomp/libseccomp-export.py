#!/usr/bin/python3
"""Builds seccomp filters with libseccomp (python3-seccomp) and exports their BPF, for polc's
differential tests and benchmark. Run with Debian's /usr/bin/python3, which has the module.

    libseccomp-export.py JOBS.json

JOBS.json is a list of jobs; each writes one filter to job["out"] (seccomp_export_bpf's format:
struct sock_filter[] in this machine's byte order). Common fields:
    "arch":     libseccomp architecture name (x86_64, aarch64, s390x, ...); the filter has only it
    "optimize": 1 (libseccomp's default, a linear list per syscall) or 2 (binary tree)
The bad-arch action is SECCOMP_RET_KILL_PROCESS, as polc's. Then either
    "default": the default action as a raw seccomp return value
    "rules":   [{"nr": N, "action": RET, "args": [{"arg": I, "op": "EQ|NE|LT|LE|GT|GE|MASKED_EQ",
                 "value": V, "mask": M}]}]
               The syscall is "nr", polc's number, given directly, on the native arch (libseccomp reads
               a number as a native one and translates it for other arches); elsewhere "name".
or, for a Docker/OCI profile built the way container runtimes build it,
    "profile":  path of the JSON profile
    "caps":     the capabilities in effect (CAP_ names), for includes/excludes
    "oci_arch": the profile's name for the architecture (amd64, arm64, ...)
    "numbers":  {syscall name: number} on this architecture (polc's table; names missing are skipped);
                numbers are given directly on the native arch, names elsewhere
Rules whose action is the default are skipped (libseccomp refuses them), as are rules identical to an
earlier one but for the action (libseccomp refuses them; the earlier rule already decides).
"""
import errno
import json
import sys

import seccomp

OPS = {
    "EQ": seccomp.EQ, "NE": seccomp.NE, "LT": seccomp.LT, "LE": seccomp.LE,
    "GT": seccomp.GT, "GE": seccomp.GE, "MASKED_EQ": seccomp.MASKED_EQ,
}
ARCHES = {
    "x86_64": seccomp.Arch.X86_64, "x86": seccomp.Arch.X86, "x32": seccomp.Arch.X32,
    "aarch64": seccomp.Arch.AARCH64, "arm": seccomp.Arch.ARM, "riscv64": seccomp.Arch.RISCV64,
    "ppc64le": seccomp.Arch.PPC64LE, "s390x": seccomp.Arch.S390X,
}


def action(ret):
    kind, data = ret & 0xFFFF0000, ret & 0xFFFF
    if kind == 0x7FFF0000:
        return seccomp.ALLOW
    if kind == 0x7FFC0000:
        return seccomp.LOG
    if kind == 0x7FC00000:
        return seccomp.NOTIFY
    if kind == 0x7FF00000:
        return seccomp.TRACE(data)
    if kind == 0x00050000:
        return seccomp.ERRNO(data)
    if kind == 0x00030000:
        return seccomp.TRAP
    if kind == 0x80000000:
        return seccomp.KILL_PROCESS
    if kind == 0x00000000:
        return seccomp.KILL
    raise ValueError("unknown seccomp return 0x%08x" % ret)


def new_filter(job, default):
    f = seccomp.SyscallFilter(default)
    arch = ARCHES[job["arch"]]
    # The binding's tokens are signed ints, system_arch() is unsigned. A filter holds arches of one byte
    # order only, so the native one goes first.
    if arch & 0xFFFFFFFF != seccomp.system_arch():
        f.remove_arch(seccomp.Arch.NATIVE)
        f.add_arch(arch)
    f.set_attr(seccomp.Attr.ACT_BADARCH, seccomp.KILL_PROCESS)
    f.set_attr(seccomp.Attr.CTL_OPTIMIZE, job.get("optimize", 1))
    return f


def add(f, act, nr, args):
    try:
        f.add_rule_exactly(act, nr, *args)
    except RuntimeError as e:
        if "-%d" % errno.EEXIST in str(e) or "-%d" % errno.EACCES in str(e):
            return
        raise


def build_rules(job):
    default = job["default"]
    f = new_filter(job, action(default))
    for rule in job["rules"]:
        if rule["action"] == default:
            continue
        args = [seccomp.Arg(a["arg"], OPS[a["op"]], a["mask"], a["value"]) if a["op"] == "MASKED_EQ"
                else seccomp.Arg(a["arg"], OPS[a["op"]], a["value"]) for a in rule["args"]]
        add(f, action(rule["action"]), rule["nr"] if "nr" in rule else rule["name"], args)
    return f


PROFILE_ACTIONS = {"SCMP_ACT_ALLOW": 0x7FFF0000, "SCMP_ACT_LOG": 0x7FFC0000, "SCMP_ACT_KILL": 0,
                   "SCMP_ACT_KILL_THREAD": 0, "SCMP_ACT_KILL_PROCESS": 0x80000000, "SCMP_ACT_TRAP": 0x00030000,
                   "SCMP_ACT_NOTIFY": 0x7FC00000}


def profile_action(name, errno_ret, default_errno):
    if name == "SCMP_ACT_ERRNO":
        return 0x00050000 | (errno_ret if errno_ret is not None else default_errno)
    if name == "SCMP_ACT_TRACE":
        return 0x7FF00000 | (errno_ret or 0)
    return PROFILE_ACTIONS[name]


def applies(entry, caps, oci_arch):
    inc, exc = entry.get("includes") or {}, entry.get("excludes") or {}
    if inc.get("caps") and not set(inc["caps"]) <= caps:
        return False
    if inc.get("arches") and oci_arch not in inc["arches"]:
        return False
    if exc.get("caps") and set(exc["caps"]) & caps:
        return False
    if exc.get("arches") and oci_arch in exc["arches"]:
        return False
    return True


def build_profile(job):
    with open(job["profile"]) as file:
        profile = json.load(file)
    default_errno = profile.get("defaultErrnoRet", 1)
    default = profile_action(profile["defaultAction"], profile.get("defaultErrnoRet"), default_errno)
    f = new_filter(job, action(default))
    caps = set(job["caps"])
    for entry in profile["syscalls"]:
        if not applies(entry, caps, job["oci_arch"]):
            continue
        ret = profile_action(entry["action"], entry.get("errnoRet"), default_errno)
        if ret == default:
            continue
        args = []
        for a in entry.get("args") or []:
            if a["op"] == "SCMP_CMP_MASKED_EQ":
                args.append(seccomp.Arg(a["index"], seccomp.MASKED_EQ, a["value"], a.get("valueTwo", 0)))
            else:
                args.append(seccomp.Arg(a["index"], OPS[a["op"][len("SCMP_CMP_"):]], a["value"]))
        native = ARCHES[job["arch"]] & 0xFFFFFFFF == seccomp.system_arch()
        for name in entry["names"]:
            if name in job["numbers"]:
                add(f, action(ret), job["numbers"][name] if native else name, args)
    return f


def main():
    with open(sys.argv[1]) as file:
        jobs = json.load(file)
    for job in jobs:
        f = build_profile(job) if "profile" in job else build_rules(job)
        with open(job["out"], "wb") as out:
            f.export_bpf(out)


if __name__ == "__main__":
    main()
