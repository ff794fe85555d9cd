import os
# (file name, policy text, [(code, anchor)]) ; anchor: the text the diagnostic must start at ("@@" = end of that line's text)
cases = [
("unknown-syscall", "policy p {\n    syscalls {\n        allow opnat\n    }\n}\n", [("POL0201","opnat")]),
("unknown-syscall-in-list", "policy p {\n    syscalls {\n        allow read, wirte, close\n    }\n}\n", [("POL0201","wirte")]),
("unknown-group", "policy p {\n    syscalls {\n        allow @basicio\n    }\n}\n", [("POL0160","@basicio")]),
("unknown-action", "policy p {\n    syscalls {\n        permit read\n    }\n}\n", [("POL0204","permit")]),
("unknown-errno", "policy p {\n    syscalls {\n        errno EPRM read\n    }\n}\n", [("POL0205","EPRM")]),
("errno-out-of-range", "policy p {\n    syscalls {\n        errno 4096 read\n    }\n}\n", [("POL0206","4096")]),
("trace-out-of-range", "policy p {\n    syscalls {\n        trace 70000 ptrace\n    }\n}\n", [("POL0207","70000")]),
("unknown-arch", "policy p {\n    syscalls {\n        arch x86_64, arm64e\n    }\n}\n", [("POL0203","arm64e")]),
("arch-alias", "policy p {\n    syscalls {\n        arch amd64\n    }\n}\n", [("POL0203","amd64")]),
("rule-without-syscalls", "policy p {\n    syscalls {\n        allow\n    }\n}\n", [("POL0209","allow")]),
("default-with-syscalls", "policy p {\n    syscalls {\n        default allow read\n    }\n}\n", [("POL0212","read")]),
("default-twice", "policy p {\n    syscalls {\n        default allow\n        default kill\n    }\n}\n", [("POL0106","default kill")]),
("missing-comma", "policy p {\n    syscalls {\n        allow read write\n    }\n}\n", [("POL0109","write")]),
("unknown-argument", "policy p {\n    syscalls {\n        allow read if arg6 == 0\n    }\n}\n", [("POL0250","arg6")]),
("unknown-constant", "policy p {\n    syscalls {\n        allow socket if arg0 == AF_INETT\n    }\n}\n", [("POL0251","AF_INETT")]),
("left-side-not-argument", "policy p {\n    syscalls {\n        allow socket if AF_INET == arg0\n    }\n}\n", [("POL0253","AF_INET")]),
("number-too-large", "policy p {\n    syscalls {\n        allow read if arg0 == 0x1_0000_0000_0000_0000\n    }\n}\n", [("POL0252","0x1_0000")]),
("empty-hex", "policy p {\n    syscalls {\n        allow read if arg0 == 0x_\n    }\n}\n", [("POL0004","0x_")]),
("condition-missing-value", "policy p {\n    syscalls {\n        allow read if arg0 ==\n    }\n}\n", [("POL0001","@@")]),
("condition-on-capability", "policy p {\n    capabilities {\n        allow CHOWN if arg0 == 1\n    }\n}\n", [("POL0107","arg0 == 1")]),
("unknown-section", "policy p {\n    sycalls {\n        allow read\n    }\n}\n", [("POL0101","sycalls")]),
("duplicate-section", "policy p {\n    syscalls {\n        allow read\n    }\n    syscalls {\n        allow write\n    }\n}\n", [("POL0102","syscalls {\n        allow write")]),
("statement-outside-section", "policy p {\n    allow read\n}\n", [("POL0110","allow")]),
("unknown-body-statement", "policy p {\n    apparmr \"x\"\n}\n", [("POL0103","apparmr")]),
("group-inside-policy", "policy p {\n    group @g = read\n}\n", [("POL0111","group")]),
("unknown-capability", "policy p {\n    capabilities {\n        allow NET_BIND_SERVIC\n    }\n}\n", [("POL0301","NET_BIND_SERVIC")]),
("ambient-not-allowed", "policy p {\n    capabilities {\n        allow CHOWN\n        ambient NET_BIND_SERVICE\n    }\n}\n", [("POL0302","ambient")]),
("path-not-absolute", "policy p {\n    filesystem {\n        read \"etc/passwd\"\n    }\n}\n", [("POL0401","\"etc/passwd\"")]),
("unbalanced-glob", "policy p {\n    filesystem {\n        read \"/etc/{a,b\"\n    }\n}\n", [("POL0402","\"/etc/{a,b\"")]),
("glob-in-mount", "policy p {\n    filesystem {\n        tmpfs \"/tmp/*\"\n    }\n}\n", [("POL0406","\"/tmp/*\"")]),
("readonly-without-root", "policy p {\n    filesystem {\n        readonly \"/etc\"\n    }\n}\n", [("POL0405","\"/etc\"")]),
("unknown-tmpfs-option", "policy p {\n    filesystem {\n        tmpfs \"/tmp\" size 64MiB noexek\n    }\n}\n", [("POL0404","noexek")]),
("unknown-family", "policy p {\n    network {\n        allow tcp, icmp\n    }\n}\n", [("POL0501","icmp")]),
("bad-port", "policy p {\n    network {\n        bind tcp 70000\n    }\n}\n", [("POL0502","70000")]),
("port-protocol", "policy p {\n    network {\n        bind tpc 80\n    }\n}\n", [("POL0503","tpc")]),
("network-none-conflict", "policy p {\n    network none\n    network {\n        allow tcp\n    }\n}\n", [("POL0504","tcp")]),
("bad-size-unit", "policy p {\n    resources {\n        memory 256mb\n    }\n}\n", [("POL0601","256mb")]),
("cpu-weight-range", "policy p {\n    resources {\n        cpu-weight 20000\n    }\n}\n", [("POL0602","20000")]),
("unknown-rlimit", "policy p {\n    resources {\n        rlimit nofiles 10\n    }\n}\n", [("POL0603","nofiles")]),
("rlimit-soft-above-hard", "policy p {\n    resources {\n        rlimit nofile 4096 1024\n    }\n}\n", [("POL0604","rlimit nofile")]),
("bad-cpuset", "policy p {\n    resources {\n        cpuset \"0-1;3\"\n    }\n}\n", [("POL0605","\"0-1;3\"")]),
("rate-expected", "policy p {\n    resources {\n        io \"/dev/vda\" read 50MiB\n    }\n}\n", [("POL0606","50MiB")]),
("unknown-io-limit", "policy p {\n    resources {\n        io \"/dev/vda\" reads 50MiB/s\n    }\n}\n", [("POL0607","reads")]),
("unknown-namespace", "policy p {\n    isolation {\n        namespaces pid, nett\n    }\n}\n", [("POL0701","nett")]),
("overlapping-id-maps", "policy p {\n    isolation {\n        map-users 0 -> 100000 count 10\n        map-users 5 -> 200000 count 10\n    }\n}\n", [("POL0702","map-users 5")]),
("bad-hostname", "policy p {\n    isolation {\n        hostname \"web_01!\"\n    }\n}\n", [("POL0703","\"web_01!\"")]),
("new-privileges-conflict", "policy p {\n    isolation {\n        no-new-privileges\n        allow-new-privileges\n    }\n}\n", [("POL0704","allow-new-privileges")]),
("bad-label", "policy p {\n    selinux type \"bad type\"\n}\n", [("POL0801","\"bad type\"")]),
("failed-capability-expectation", "policy p {\n    expect {\n        capability CHOWN\n    }\n}\n", [("POL0902","capability CHOWN")]),
("unknown-expectation", "policy p {\n    expect {\n        allows read\n    }\n}\n", [("POL0904","allows")]),
("base-not-found", "policy p extends docker-defualt {\n}\n", [("POL0150","docker-defualt")]),
("base-file-missing", "policy p extends \"nowhere.pol\" {\n}\n", [("POL0153","\"nowhere.pol\"")]),
("unterminated-string", "policy p {\n    apparmor \"polc-x\n}\n", [("POL0002","\"polc-x")]),
("invalid-character", "policy p {\n    syscalls {\n        allow read $\n    }\n}\n", [("POL0003","$")]),
("bad-escape", "policy p {\n    apparmor \"a\\qb\"\n}\n", [("POL0007","\\q")]),
("missing-brace", "policy p {\n    syscalls {\n        allow read\n}\n", [("POL0001","@@EOF")]),
("no-policy", "group @g = read\n", [("POL0005","group")]),
("two-policies", "policy a {\n}\npolicy b {\n}\n", [("POL0006","b {")]),
("section-inside-section", "policy p {\n    syscalls {\n        filesystem {\n        }\n    }\n}\n", [("POL0112","filesystem")]),
("duplicate-memory", "policy p {\n    resources {\n        memory 1GiB\n        memory 2GiB\n    }\n}\n", [("POL0106","memory 2GiB")]),
]
def pos(text, anchor):
    if anchor == "@@EOF":
        off = len(text)
    elif anchor == "@@":
        # end of the first line ending in '==' or 'if'
        for i, l in enumerate(text.split("\n")):
            if l.rstrip().endswith(("==", " if")):
                return i+1, len(l)+1
        raise SystemExit("no @@ line")
    else:
        off = text.find(anchor)
        if off < 0: raise SystemExit(f"anchor {anchor!r} not found")
    line = text.count("\n", 0, off) + 1
    col = off - (text.rfind("\n", 0, off) + 1) + 1
    return line, col
n = 0
for name, body, expects in cases:
    n += 1
    header_lines = len(expects)
    text_for_pos = body
    lines = []
    for code, anchor in expects:
        l, c = pos(body, anchor)
        lines.append(f"# expect: {code} {l + header_lines}:{c}")
    with open(f"{n:03d}-{name}.pol", "w") as f:
        f.write("\n".join(lines) + "\n" + body)
print(n, "cases")
