/* polc-enforcer: runs one program confined by a plan that polc compiled (docs/enforcer.md).
 *
 * The launcher decides nothing. Every namespace, mount, cgroup file, capability mask and
 * seccomp filter comes from the plan; this program only performs the steps, in the order the
 * kernel needs them, and names the step and the reason when one fails.
 *
 * Three processes (as in bubblewrap and runc):
 *   launcher  outside every namespace: cgroups, uid/gid maps, signal forwarding, cleanup;
 *   init      cloned into the new namespaces: mounts, hostname, lo; then PID 1 (reaps, forwards);
 *   program   forked by init: rlimits, ids, capabilities, no_new_privs, LSM label, seccomp, execve.
 */
#ifndef POLC_ENFORCER_H
#define POLC_ENFORCER_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/capability.h>

#define EXIT_SETUP 125 /* the launcher failed before the program ran (as docker and podman do) */
#define MAX_STEPS 256
#define MAX_MAPS 32
#define MAX_RLIMITS 16

enum namespace_bit {
    NS_USER = 1, NS_PID = 2, NS_MOUNT = 4, NS_UTS = 8, NS_IPC = 16, NS_NET = 32, NS_CGROUP = 64, NS_TIME = 128,
};

struct id_map { uint32_t inside, outside, count; };
enum mount_kind { MOUNT_READONLY_ROOT, MOUNT_FS, MOUNT_BIND, MOUNT_SYMLINK, MOUNT_MASK };

/* One step of the mount phase, executed in plan order. Paths other than bind sources are inside the new root. */
struct mount_step {
    enum mount_kind kind;
    const char *fstype;  /* MOUNT_FS */
    const char *source;  /* MOUNT_BIND: a host path; MOUNT_SYMLINK: the link's content */
    const char *target;
    const char *data;    /* MOUNT_FS: "key=value,..." or NULL */
    uint64_t attrs;      /* MOUNT_ATTR_* */
    bool create;         /* create the target first (the plan says it lies in a tmpfs it mounted) */
};

struct cgroup_write { int version; const char *controller; const char *file; const char *value; };
struct rlimit_step { int resource; const char *name; uint64_t soft, hard; };
struct label { const char *value; bool required; };

struct plan {
    const char *name, *hostname, *root;
    unsigned namespaces;
    struct id_map uid_maps[MAX_MAPS], gid_maps[MAX_MAPS];
    struct mount_step mounts[MAX_STEPS];
    struct cgroup_write cgroups[MAX_STEPS];
    struct rlimit_step rlimits[MAX_RLIMITS];
    int n_uid_maps, n_gid_maps, n_mounts, n_cgroups, n_rlimits;
    bool has_user, has_group;
    uint32_t user, group;
    uint64_t cap_bounding, cap_permitted, cap_effective, cap_inheritable, cap_ambient;
    bool no_new_privs;
    struct label apparmor, selinux;
    const unsigned char *filter; /* BPF for the architecture this launcher runs on, or NULL */
    size_t filter_len;           /* in bytes, a multiple of 8 */
    bool filter_for_other_arch;  /* the plan has filters, none for this architecture */
    bool has_listener;           /* `seccomp-listener FD`: install the filter with a user-notification listener */
    int listener_socket;         /* ... and announce it on this inherited unix socket (polc learn supervises) */
};

struct options {
    bool verbose, lsm_optional;
    int cgroup_version;     /* 0: detect */
    bool setgroups_denied;  /* unprivileged user namespace: setgroups(2) is not allowed */
    int cap_last;           /* /proc/sys/kernel/cap_last_cap */
};

extern struct options opt;
extern void (*on_die)(void); /* set in the launcher process only: kills init and removes the cgroups */

__attribute__((noreturn, format(printf, 2, 3))) void die(const char *step, const char *format, ...);
__attribute__((format(printf, 2, 3))) void say(const char *step, const char *format, ...);
bool write_file(const char *path, const char *text);

/* plan.c */
void plan_parse(char *text, size_t length, struct plan *plan);

/* cgroups.c: all in the launcher, outside the namespaces. */
void cgroups_create(const struct plan *plan);
void cgroups_join(pid_t pid);
void cgroups_remove(void);

/* sandbox.c: in init, inside the namespaces. */
void setup_namespaces(const struct plan *plan);
__attribute__((noreturn)) void run_init(pid_t program);

/* program.c: in the program, right before execve. */
__attribute__((noreturn)) void exec_program(const struct plan *plan, char **argv, const void *saved_mask, pid_t init);

#endif
