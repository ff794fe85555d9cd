/* Init: the first process in the new namespaces. It finishes the namespaces (cgroup, time, lo,
 * hostname, the mount tree and the new root), forks the program, and then stays as PID 1:
 * it reaps zombies, forwards signals to the program, and exits with the program's status. */
#include "enforcer.h"
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/openat2.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x80
#endif

static int resolve(int root, const char *path, bool create, bool directory);

/* The directory that holds PATH's last component, inside the new root; *leaf points into `buffer`. */
static int open_parent(int root, const char *path, char buffer[PATH_MAX], const char **leaf) {
    snprintf(buffer, PATH_MAX, "%s", path);
    char *slash = strrchr(buffer, '/');
    *slash = 0;
    *leaf = slash + 1;
    return resolve(root, buffer[0] ? buffer : "/", false, true);
}

/* Opens PATH inside the new root without letting `..` or symlinks escape it. With `create`, a missing
 * last component is made first (a directory, or an empty file for a file to be bound over). */
static int resolve(int root, const char *path, bool create, bool directory) {
    struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    int fd = (int)syscall(SYS_openat2, root, path[1] ? path + 1 : ".", &how, sizeof how);
    if (fd >= 0 || errno != ENOENT || !create) return fd;
    char buffer[PATH_MAX];
    const char *leaf;
    int dir = open_parent(root, path, buffer, &leaf);
    if (dir < 0) return -1;
    int made = directory ? mkdirat(dir, leaf, 0755) : mknodat(dir, leaf, S_IFREG | 0644, 0);
    close(dir);
    return made == 0 || errno == EEXIST ? resolve(root, path, false, directory) : -1;
}

static void attach(int mount_fd, int root, const struct mount_step *m, bool directory) {
    int target = resolve(root, m->target, m->create, directory);
    if (target < 0) die("mount", "%s: %s", m->target, strerror(errno));
    if (move_mount(mount_fd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
        die("mount", "cannot mount on %s: %s", m->target, strerror(errno));
    close(target);
    close(mount_fd);
}

/* A new file system instance (proc, sysfs, tmpfs, ...) as a detached mount. */
static int new_fs(const char *fstype, const char *data, uint64_t attrs, const char *target) {
    int fs = fsopen(fstype, FSOPEN_CLOEXEC);
    if (fs < 0) die("mount", "%s on %s: %s", fstype, target, strerror(errno));
    char options[1024] = "";
    if (data && snprintf(options, sizeof options, "%s", data) >= (int)sizeof options) die("mount", "options too long");
    char *save;
    for (char *option = strtok_r(options, ",", &save); option; option = strtok_r(NULL, ",", &save)) {
        char *value = strchr(option, '=');
        if (value) *value++ = 0;
        if (fsconfig(fs, value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, option, value, 0) != 0)
            die("mount", "%s on %s: option `%s`: %s", fstype, target, option, strerror(errno));
    }
    int mnt = -1;
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0 || (mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs)) < 0)
        die("mount", "%s on %s: %s", fstype, target, strerror(errno));
    close(fs);
    return mnt;
}

/* A copy of a host tree (recursive), with the given attributes, as a detached mount. */
static int bind_tree(const char *source, uint64_t attrs, bool *directory) {
    int tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (tree < 0) die("mount", "bind %s: %s", source, strerror(errno));
    struct mount_attr attr = { .attr_set = attrs };
    if (attrs && mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0)
        die("mount", "bind %s: cannot set its flags: %s", source, strerror(errno));
    struct stat st;
    *directory = fstat(tree, &st) == 0 && S_ISDIR(st.st_mode);
    return tree;
}

static void mount_steps(const struct plan *plan) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) die("mount", "cannot make / private: %s", strerror(errno));
    if (plan->root && mount(plan->root, plan->root, NULL, MS_BIND | MS_REC, NULL) != 0)
        die("mount", "root %s: %s", plan->root, strerror(errno));
    int root = open(plan->root ? plan->root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) die("mount", "root %s: %s", plan->root, strerror(errno));
    /* Bind sources are host paths: take them all before any step can cover one (a tmpfs on /tmp hides /tmp/x). */
    static int trees[MAX_STEPS];
    static bool tree_is_directory[MAX_STEPS];
    for (int i = 0; i < plan->n_mounts; i++)
        if (plan->mounts[i].kind == MOUNT_BIND) trees[i] = bind_tree(plan->mounts[i].source, plan->mounts[i].attrs, &tree_is_directory[i]);
    for (int i = 0; i < plan->n_mounts; i++) {
        const struct mount_step *m = &plan->mounts[i];
        bool directory = true;
        switch (m->kind) {
        case MOUNT_READONLY_ROOT: {
            struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
            if (mount_setattr(root, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0) die("mount", "read-only root: %s", strerror(errno));
            say("mount", "root is read-only");
            break;
        }
        case MOUNT_FS:
            attach(new_fs(m->fstype, m->data, m->attrs, m->target), root, m, true);
            say("mount", "%s on %s%s%s", m->fstype, m->target, m->data ? " " : "", m->data ? m->data : "");
            break;
        case MOUNT_BIND: {
            attach(trees[i], root, m, tree_is_directory[i]);
            say("mount", "bind %s on %s%s", m->source, m->target, m->attrs & MOUNT_ATTR_RDONLY ? " (read-only)" : "");
            break;
        }
        case MOUNT_SYMLINK: {
            char buffer[PATH_MAX];
            const char *leaf;
            int dir = open_parent(root, m->target, buffer, &leaf);
            if (dir < 0 || symlinkat(m->source, dir, leaf) != 0) die("mount", "symlink %s: %s", m->target, strerror(errno));
            close(dir);
            break;
        }
        case MOUNT_MASK: {
            /* Files get /dev/null bound over them, directories an empty read-only tmpfs; absent paths need nothing. */
            int fd = resolve(root, m->target, false, false);
            struct stat st;
            if (fd < 0 && errno == ENOENT) { say("mask", "%s does not exist", m->target); break; }
            if (fd < 0 || fstat(fd, &st) != 0) die("mask", "%s: %s", m->target, strerror(errno));
            close(fd);
            uint64_t locked = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
            directory = S_ISDIR(st.st_mode);
            attach(directory ? new_fs("tmpfs", "size=4k,mode=0", locked, m->target) : bind_tree("/dev/null", locked, &(bool){ false }),
                root, m, directory);
            say("mask", "%s", m->target);
            break;
        }
        }
    }
    if (!plan->root) { close(root); return; }
    /* pivot_root(".", ".") stacks the old root on the new one; detaching it leaves only the new root. */
    if (fchdir(root) != 0) die("root", "%s: %s", plan->root, strerror(errno));
    if (syscall(SYS_pivot_root, ".", ".") == 0) {
        if (umount2(".", MNT_DETACH) != 0) die("root", "cannot detach the old root: %s", strerror(errno));
        say("root", "pivot_root to %s", plan->root);
    } else {
        say("root", "pivot_root failed (%s); falling back to chroot", strerror(errno));
        if (mount(".", "/", NULL, MS_MOVE, NULL) != 0 || chroot(".") != 0) die("root", "chroot %s: %s", plan->root, strerror(errno));
    }
    if (chdir("/") != 0) die("root", "chdir /: %s", strerror(errno));
    close(root);
}

static void loopback_up(void) {
    struct ifreq ifr = { .ifr_name = "lo" };
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0) die("net", "lo: %s", strerror(errno));
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) die("net", "cannot bring lo up: %s", strerror(errno));
    close(s);
    say("net", "lo is up");
}

void setup_namespaces(const struct plan *plan) {
    /* After the launcher moved init into its cgroups (so they are the namespace's root); time applies to children. */
    if (plan->namespaces & NS_CGROUP && unshare(CLONE_NEWCGROUP) != 0) die("cgroup", "cannot create the cgroup namespace: %s", strerror(errno));
    if (plan->namespaces & NS_TIME && unshare(CLONE_NEWTIME) != 0) die("time", "cannot create the time namespace: %s", strerror(errno));
    if (plan->namespaces & NS_NET) loopback_up();
    if (plan->hostname) {
        if (sethostname(plan->hostname, strlen(plan->hostname)) != 0) die("uts", "hostname `%s`: %s", plan->hostname, strerror(errno));
        say("uts", "hostname %s", plan->hostname);
    }
    if (plan->namespaces & NS_MOUNT) mount_steps(plan);
}

/* Keeps CAP_KILL only, to forward signals to a program that may run under another uid. */
static void drop_own_privileges(void) {
    for (int cap = 0; cap <= opt.cap_last; cap++) if (cap != CAP_KILL) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2] = { { 1u << CAP_KILL, 1u << CAP_KILL, 0 }, { 0, 0, 0 } };
    syscall(SYS_capset, &header, data);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

void run_init(pid_t program) {
    drop_own_privileges();
    sigset_t all;
    sigfillset(&all);
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) continue;
        if (sig != SIGCHLD) { kill(program, sig); continue; }
        int status;
        for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
            if (pid != program) continue;
            /* When PID 1 exits, the kernel kills everything left in the namespace. */
            _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
    }
}
