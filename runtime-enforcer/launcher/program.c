/* The program's last steps before execve, in the order the kernel needs them: rlimits, user and
 * group, capabilities (bounding set first, then permitted/effective/inheritable, then ambient),
 * no_new_privs, the LSM exec label, and seccomp last. */
#include "enforcer.h"
#include <grp.h>
#include <sys/resource.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const char *const cap_names[] = {
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
    "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
    "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
    "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
    "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
    "CHECKPOINT_RESTORE",
};

static const char *cap_name(int cap) {
    return cap >= 0 && cap < (int)(sizeof cap_names / sizeof *cap_names) ? cap_names[cap] : "?";
}

static long capset3(uint64_t permitted, uint64_t effective, uint64_t inheritable) {
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2] = {
        { (uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable },
        { (uint32_t)(effective >> 32), (uint32_t)(permitted >> 32), (uint32_t)(inheritable >> 32) },
    };
    return syscall(SYS_capset, &header, data);
}

static void set_caps(uint64_t permitted, uint64_t effective, uint64_t inheritable) {
    if (capset3(permitted, effective, inheritable) == 0) return;
    int error = errno;
    /* Name what is missing: usually the launcher itself was started without some of them. */
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct now[2] = { 0 };
    syscall(SYS_capget, &header, now);
    uint64_t have = now[0].permitted | (uint64_t)now[1].permitted << 32, missing = permitted & ~have;
    for (int cap = 0; cap < 64; cap++)
        if (missing >> cap & 1) die("capabilities", "capset: %s (the launcher does not hold CAP_%s)", strerror(error), cap_name(cap));
    die("capabilities", "capset: %s", strerror(error));
}

static void apply_label(const char *lsm, const struct label *label, const char *text) {
    /* AppArmor has its own attr directory since Linux 5.8; /proc/self/attr/exec is the shared fallback. */
    const char *path = strcmp(lsm, "apparmor") || access("/proc/self/attr/apparmor/exec", F_OK) ? "/proc/self/attr/exec" : "/proc/self/attr/apparmor/exec";
    if (write_file(path, text)) { say(lsm, "exec label %s", label->value); return; }
    if (label->required && !opt.lsm_optional) die(lsm, "cannot set the exec label `%s`: %s", label->value, strerror(errno));
    say(lsm, "exec label `%s` not applied: %s", label->value, strerror(errno));
}

/* Die with init; set again after every id change, which clears it. */
static void die_with_init(pid_t init) {
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != init) _exit(EXIT_SETUP);
}

void exec_program(const struct plan *plan, char **argv, const void *saved_mask, pid_t init) {
    die_with_init(init);
    for (int i = 0; i < plan->n_rlimits; i++) {
        const struct rlimit_step *r = &plan->rlimits[i];
        struct rlimit limit = { r->soft == UINT64_MAX ? RLIM_INFINITY : r->soft, r->hard == UINT64_MAX ? RLIM_INFINITY : r->hard };
        if (setrlimit(r->resource, &limit) != 0) die("rlimit", "%s: %s", r->name, strerror(errno));
        say("rlimit", "%s %llu %llu", r->name, (unsigned long long)r->soft, (unsigned long long)r->hard);
    }

    /* The bounding set limits what any later execve can grant, including to a setuid binary. */
    for (int cap = 0; cap <= opt.cap_last; cap++)
        if (!(plan->cap_bounding >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
            die("capabilities", "cannot drop CAP_%s from the bounding set: %s", cap_name(cap), strerror(errno));

    if (plan->has_user || plan->has_group) {
        prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0); /* keep permitted capabilities across setuid */
        if (!opt.setgroups_denied && setgroups(0, NULL) != 0) die("group", "setgroups: %s", strerror(errno));
        if (plan->has_group && setresgid(plan->group, plan->group, plan->group) != 0)
            die("group", "setresgid(%u): %s (is it mapped in the user namespace?)", plan->group, strerror(errno));
        if (plan->has_user && setresuid(plan->user, plan->user, plan->user) != 0)
            die("user", "setresuid(%u): %s (is it mapped in the user namespace?)", plan->user, strerror(errno));
        say("user", "uid %u gid %u", (unsigned)getuid(), (unsigned)getgid());
        die_with_init(init);
    }

    /* Without no_new_privs, installing a filter needs CAP_SYS_ADMIN: hold it until the filter is in. */
    uint64_t for_seccomp = plan->filter && !plan->no_new_privs ? 1ull << CAP_SYS_ADMIN : 0;
    set_caps(plan->cap_permitted | for_seccomp, plan->cap_effective | for_seccomp, plan->cap_inheritable);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) die("capabilities", "ambient: %s", strerror(errno));
    for (int cap = 0; cap < 64; cap++)
        if (plan->cap_ambient >> cap & 1 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0)
            die("capabilities", "cannot raise CAP_%s in the ambient set: %s", cap_name(cap), strerror(errno));
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    say("capabilities", "bounding %#llx permitted %#llx effective %#llx inheritable %#llx ambient %#llx",
        (unsigned long long)plan->cap_bounding, (unsigned long long)plan->cap_permitted, (unsigned long long)plan->cap_effective,
        (unsigned long long)plan->cap_inheritable, (unsigned long long)plan->cap_ambient);

    if (plan->no_new_privs) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("no_new_privs", "%s", strerror(errno));
        say("no_new_privs", "set");
    }

    if (plan->apparmor.value) {
        char text[512];
        snprintf(text, sizeof text, "exec %s", plan->apparmor.value);
        apply_label("apparmor", &plan->apparmor, text);
    }
    if (plan->selinux.value) apply_label("selinux", &plan->selinux, plan->selinux.value);

    sigprocmask(SIG_SETMASK, (const sigset_t *)saved_mask, NULL);
    if (plan->filter) {
        struct sock_fprog program = { (unsigned short)(plan->filter_len / 8), (struct sock_filter *)plan->filter };
        unsigned flags = 0;
        if (plan->has_listener) {
            /* Recording (polc learn): one byte tells the supervisor our pid (the kernel attaches it, translated
             * into the supervisor's pid namespace); it then takes the listener from us with pidfd_getfd. The
             * socket is closed before the filter, which would hold even that close for the supervisor. */
            if (write(plan->listener_socket, "L", 1) != 1) die("seccomp", "cannot reach the supervisor: %s", strerror(errno));
            close(plan->listener_socket);
            /* The listener descriptor is close-on-exec. Once the supervisor has a call, only a fatal signal may cut
             * the wait: otherwise a SIGCHLD arriving while it reads a fork turns the fork into EINTR ("Cannot fork"
             * from dash), where the kernel would have restarted it (Linux 5.19+; older kernels refuse the flag). */
            flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
        }
        int installed = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &program);
        if (installed < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
            flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
            installed = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &program);
        }
        if (installed < 0) die("seccomp", "cannot install the filter: %s", strerror(errno));
        say("seccomp", "filter of %zu instructions installed", plan->filter_len / 8);
        if (for_seccomp && capset3(plan->cap_permitted, plan->cap_effective, plan->cap_inheritable) != 0)
            die("seccomp", "the filter forbids capset, which dropping CAP_SYS_ADMIN after it needs without no-new-privileges: %s", strerror(errno));
    }
    say("exec", "%s", argv[0]);
    execvp(argv[0], argv);
    int error = errno; /* as a shell: 127 when there is no such program, 126 when it cannot run */
    dprintf(STDERR_FILENO, "polc-enforcer: exec: %s: %s\n", argv[0], strerror(error));
    _exit(error == ENOENT ? 127 : 126);
}
