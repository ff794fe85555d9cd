/* The launcher: reads the plan, prepares what must be done from outside (cgroups, uid/gid maps),
 * clones init into the new namespaces, forwards signals to it, and when it is gone removes the
 * cgroups and exits with the program's status (death by signal N gives 128+N). */
#include "enforcer.h"
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/wait.h>

struct options opt;
void (*on_die)(void);

static void vreport(const char *step, const char *format, va_list args) {
    char text[2048];
    vsnprintf(text, sizeof text, format, args);
    dprintf(STDERR_FILENO, "polc-enforcer: %s: %s\n", step, text);
}

void die(const char *step, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vreport(step, format, args);
    va_end(args);
    if (on_die) on_die();
    _exit(EXIT_SETUP);
}

void say(const char *step, const char *format, ...) {
    if (!opt.verbose) return;
    va_list args;
    va_start(args, format);
    vreport(step, format, args);
    va_end(args);
}

bool write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    size_t length = strlen(text);
    bool ok = write(fd, text, length) == (ssize_t)length;
    int error = errno;
    close(fd);
    errno = error;
    return ok;
}

/* The whole plan (at most 16 MiB) as one NUL-terminated string. */
static char *read_all(int fd, size_t *length) {
    size_t capacity = 16u << 20;
    char *text = malloc(capacity + 1);
    ssize_t n = 1;
    for (*length = 0; text && n != 0 && *length < capacity; *length += n > 0 ? (size_t)n : 0)
        if ((n = read(fd, text + *length, capacity - *length)) < 0 && errno != EINTR) die("plan", "cannot read: %s", strerror(errno));
    if (!text || *length == capacity) die("plan", text ? "the plan is larger than 16 MiB" : "out of memory");
    text[*length] = 0;
    return text;
}

static pid_t child;

static void kill_child_and_clean(void) {
    if (child > 0) { kill(child, SIGKILL); waitpid(child, NULL, 0); }
    cgroups_remove();
}

static void write_maps(pid_t pid, const struct plan *plan, bool privileged) {
    char path[64], text[MAX_MAPS * 40];
    for (int gid = 0; gid < 2; gid++) {
        const struct id_map *maps = gid ? plan->gid_maps : plan->uid_maps;
        int n = gid ? plan->n_gid_maps : plan->n_uid_maps;
        uint32_t self = gid ? getegid() : geteuid();
        size_t used = 0;
        text[0] = 0;
        for (int i = 0; i < n; i++) used += (size_t)snprintf(text + used, sizeof text - used, "%u %u %u\n", maps[i].inside, maps[i].outside, maps[i].count);
        if (n == 0) snprintf(text, sizeof text, "0 %u 1\n", self); /* as `unshare -r`: root inside is the caller */
        /* Without privilege the kernel accepts exactly one map of the caller's own id. */
        if (!privileged && (n > 1 || (n == 1 && (maps[0].outside != self || maps[0].count != 1))))
            die("user", "%s maps other ids than your own (%u); that needs root", gid ? "map-groups" : "map-users", self);
        if (gid && !privileged) {
            snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
            if (!write_file(path, "deny")) die("user", "%s: %s", path, strerror(errno));
        }
        snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, gid ? "gid_map" : "uid_map");
        if (!write_file(path, text)) die("user", "cannot write %s: %s", path, strerror(errno));
        text[strcspn(text, "\n")] = 0;
        say("user", "%s %s%s", gid ? "gid_map" : "uid_map", text, n > 1 ? " ..." : "");
    }
}

/* Refuses up front when the policy requires an LSM the host kernel lacks (unless --lsm-optional).
 * AppArmor is on when its module says `Y` (as libapparmor checks); SELinux when selinuxfs is mounted. */
static void check_lsm(struct label *label, const char *step, const char *lsm, const char *probe) {
    char on = 0;
    int fd = open(probe, O_RDONLY | O_CLOEXEC);
    bool present = fd >= 0 && (strstr(probe, "/parameters/") ? read(fd, &on, 1) == 1 && on == 'Y' : true);
    if (fd >= 0) close(fd);
    if (!label->value || present) return;
    if (label->required && !opt.lsm_optional)
        die(step, "this policy requires %s (exec label `%s`), which the host kernel lacks; run with --lsm-optional to run without it", lsm, label->value);
    say(step, "not in this kernel; exec label `%s` skipped", label->value);
    label->value = NULL;
}

static int usage(void) {
    fprintf(stderr,
        "usage: polc-enforcer [--verbose] [--lsm-optional] [--cgroup=v1|v2] PLAN -- COMMAND [ARG...]\n"
        "       polc-enforcer [options] --plan-fd N -- COMMAND [ARG...]\n"
        "       polc-enforcer --check PLAN\n"
        "Runs COMMAND confined by PLAN (`polc compile app.pol` writes NAME.plan). See docs/enforcer.md.\n");
    return 2;
}

int main(int argc, char **argv) {
    const char *plan_path = NULL;
    int plan_fd = -1, i = 1;
    bool check = false;
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) opt.verbose = true;
        else if (!strcmp(argv[i], "--lsm-optional")) opt.lsm_optional = true;
        else if (!strcmp(argv[i], "--check")) check = true;
        else if (!strcmp(argv[i], "--cgroup=v1") || !strcmp(argv[i], "--cgroup=v2")) opt.cgroup_version = argv[i][10] - '0';
        else if (!strcmp(argv[i], "--plan-fd") && i + 1 < argc) plan_fd = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { usage(); return 0; }
        else if (argv[i][0] == '-' || plan_path) return usage();
        else plan_path = argv[i];
    }
    char **command = i < argc ? argv + i + 1 : NULL;
    if ((plan_path == NULL) == (plan_fd < 0) || (!check && (!command || !command[0]))) return usage();

    int fd = plan_fd >= 0 ? plan_fd : open(plan_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("plan", "cannot open %s: %s", plan_path, strerror(errno));
    size_t length;
    char *text = read_all(fd, &length);
    close(fd);
    static struct plan plan;
    plan_parse(text, length, &plan);
    if (check) { printf("plan `%s` is valid\n", plan.name); return 0; }
    if (plan.filter_for_other_arch) die("seccomp", "the plan has no seccomp filter for this architecture");
    if (plan.has_listener && fcntl(plan.listener_socket, F_GETFD) < 0)
        die("seccomp", "descriptor %d (`seccomp-listener`) is not open: this plan records a program for a supervisor (`polc learn`) and cannot run alone", plan.listener_socket);

    /* Every signal waits in a queue: the launcher forwards them, init forwards them, the program gets its mask back. */
    sigset_t all, saved;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &saved);
    FILE *last = fopen("/proc/sys/kernel/cap_last_cap", "re");
    if (!last || fscanf(last, "%d", &opt.cap_last) != 1) opt.cap_last = 40;
    if (last) fclose(last);

    bool privileged = geteuid() == 0;
    if (!privileged) plan.namespaces |= NS_USER; /* the rights to drop, mount and unshare come from a user namespace */
    opt.setgroups_denied = !privileged && (plan.namespaces & NS_USER);
    check_lsm(&plan.apparmor, "apparmor", "AppArmor", "/sys/module/apparmor/parameters/enabled");
    check_lsm(&plan.selinux, "selinux", "SELinux", "/sys/fs/selinux/enforce");

    on_die = kill_child_and_clean;
    cgroups_create(&plan);

    int sync[2];
    if (pipe2(sync, O_CLOEXEC) != 0) die("clone", "pipe: %s", strerror(errno));
    unsigned long flags = SIGCHLD;
    const struct { unsigned bit; unsigned long flag; } clone_flags[] = {
        { NS_USER, CLONE_NEWUSER }, { NS_PID, CLONE_NEWPID }, { NS_MOUNT, CLONE_NEWNS },
        { NS_UTS, CLONE_NEWUTS }, { NS_IPC, CLONE_NEWIPC }, { NS_NET, CLONE_NEWNET },
    };
    for (size_t f = 0; f < sizeof clone_flags / sizeof *clone_flags; f++) if (plan.namespaces & clone_flags[f].bit) flags |= clone_flags[f].flag;
    /* The raw syscall returns like fork(); the cgroup and time namespaces follow in init (see sandbox.c). */
    child = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
    if (child < 0) die("namespaces", "clone: %s", strerror(errno));
    if (child == 0) {
        on_die = NULL;
        close(sync[1]);
        char go;
        if (read(sync[0], &go, 1) != 1) _exit(EXIT_SETUP); /* the launcher died or gave up */
        if (plan.namespaces & NS_USER) {
            /* Become root of the new user namespace when 0 is mapped; the program's own ids come later. */
            if (setresgid(0, 0, 0) != 0) say("user", "gid 0 is not mapped; init keeps its unmapped gid");
            if (setresuid(0, 0, 0) != 0) say("user", "uid 0 is not mapped; init keeps its unmapped uid");
        }
        /* Die with the launcher. Set after the id change, which clears it; the launcher holds the pipe's
         * write end until it exits, so a hang-up means it died before this line. */
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (poll(&(struct pollfd){ .fd = sync[0], .events = POLLIN }, 1, 0) != 0) _exit(EXIT_SETUP);
        close(sync[0]);
        setup_namespaces(&plan);
        if (!(plan.namespaces & NS_PID)) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        pid_t init = getpid(), program = fork();
        if (program < 0) die("init", "fork: %s", strerror(errno));
        if (program == 0) exec_program(&plan, command, &saved, init);
        run_init(program);
    }
    close(sync[0]);
    if (plan.namespaces & NS_USER) write_maps(child, &plan, privileged);
    cgroups_join(child);
    if (write(sync[1], "g", 1) != 1) die("clone", "cannot start init: %s", strerror(errno));

    int status = 0;
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) continue;
        if (sig != SIGCHLD) { kill(child, sig); continue; }
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child) break;
    }
    child = 0;
    cgroups_remove();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
