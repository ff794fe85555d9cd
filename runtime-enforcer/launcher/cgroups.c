/* Cgroups, done by the launcher outside the namespaces: create one directory per hierarchy under the
 * launcher's own cgroup (`polc-NAME-PID`), write the plan's limits, move init into it, and remove it
 * when init is gone. A guard process removes it too if the launcher itself is killed. */
#include "enforcer.h"
#include <sys/vfs.h>
#include <time.h>
#include <linux/magic.h>

#define MAX_DIRS 16

/* One directory per hierarchy: per controller on v1, a single one (controller "") on v2. */
static struct { char path[PATH_MAX]; char controller[64]; } dirs[MAX_DIRS];
static int n_dirs;
static int version;

/* DIR/FILE into a PATH_MAX buffer; a longer path is an error, never a truncated one. */
static char *in_dir(char *out, const char *dir, const char *file) {
    if (snprintf(out, PATH_MAX, "%s/%s", dir, file) >= PATH_MAX) die("cgroup", "path too long: %s/%s", dir, file);
    return out;
}

static bool is_fs(const char *path, long magic) {
    struct statfs s;
    return statfs(path, &s) == 0 && s.f_type == magic;
}

static bool has_word(char *list, const char *separators, const char *word) {
    char *save;
    for (char *w = strtok_r(list, separators, &save); w; w = strtok_r(NULL, separators, &save)) if (!strcmp(w, word)) return true;
    return false;
}

/* The launcher's own cgroup in a hierarchy, from /proc/self/cgroup (`ID:CONTROLLERS:PATH`).
 * controller NULL asks for the cgroup v2 line (`0::PATH`). */
static void own_cgroup(const char *controller, char *out, size_t size) {
    FILE *file = fopen("/proc/self/cgroup", "re");
    if (!file) die("cgroup", "cannot read /proc/self/cgroup: %s", strerror(errno));
    char line[PATH_MAX + 128];
    bool found = false;
    while (!found && fgets(line, sizeof line, file)) {
        line[strcspn(line, "\n")] = 0;
        char *controllers = strchr(line, ':'), *path = controllers ? strchr(controllers + 1, ':') : NULL;
        if (!path) continue;
        *path++ = 0;
        *controllers++ = 0;
        found = controller ? has_word(controllers, ",", controller) : !strcmp(line, "0") && !*controllers;
        if (found) snprintf(out, size, "%s", strcmp(path, "/") ? path : "");
    }
    fclose(file);
    if (!found) die("cgroup", "%s controller not available (the launcher is in no %s cgroup)", controller ? controller : "cgroup v2", controller ? controller : "v2");
}

static bool file_lists(const char *path, const char *word) {
    char text[1024] = "";
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (fd >= 0) close(fd);
    return n > 0 && has_word(text, " \n", word);
}

static int find_dir(const char *controller) {
    for (int d = 0; d < n_dirs; d++) if (!strcmp(dirs[d].controller, controller)) return d;
    return -1;
}

static void add_dir(const char *controller, const char *mount, const char *own, const char *name) {
    if (n_dirs == MAX_DIRS || strlen(controller) >= sizeof dirs[0].controller) die("cgroup", "too many cgroup hierarchies");
    if (snprintf(dirs[n_dirs].path, PATH_MAX, "%s%s/polc-%s-%d", mount, own, name, (int)getpid()) >= PATH_MAX) die("cgroup", "path too long");
    strcpy(dirs[n_dirs++].controller, controller);
}

/* Kills what is left in each directory and removes it; retries while the kernel finishes the kills. */
void cgroups_remove(void) {
    for (int i = n_dirs - 1; i >= 0; i--) {
        char path[PATH_MAX];
        struct timespec pause = { 0, 2 * 1000 * 1000 };
        for (int attempt = 0;; attempt++) {
            if (rmdir(dirs[i].path) == 0) { say("cgroup", "removed %s", dirs[i].path); break; }
            if (errno == ENOENT) break;
            if (attempt == 2500) { fprintf(stderr, "polc-enforcer: cgroup: cannot remove %s: %s\n", dirs[i].path, strerror(errno)); break; }
            if (version != 2 || !write_file(in_dir(path, dirs[i].path, "cgroup.kill"), "1")) {
                FILE *procs = fopen(in_dir(path, dirs[i].path, "cgroup.procs"), "re");
                for (int pid; procs && fscanf(procs, "%d", &pid) == 1;) kill(pid, SIGKILL);
                if (procs) fclose(procs);
            }
            nanosleep(&pause, NULL);
        }
    }
}

/* A process in its own session that waits for the launcher (and init) to go away, however they die,
 * and then removes the cgroups. The launcher keeps the write end of a pipe; EOF is the signal. */
static void start_guard(void) {
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0) die("cgroup", "pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) die("cgroup", "fork: %s", strerror(errno));
    if (pid == 0) {
        setsid();
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int fd = pipefd[0];
        if (fd > 0) close_range(0, (unsigned)fd - 1, 0);
        close_range((unsigned)fd + 1, ~0U, 0);
        opt.verbose = false;
        char byte;
        while (read(fd, &byte, 1) < 0 && errno == EINTR) {}
        cgroups_remove();
        _exit(0);
    }
    close(pipefd[0]); /* the write end stays open, close-on-exec, until the launcher and init are gone */
}

void cgroups_create(const struct plan *plan) {
    version = opt.cgroup_version ? opt.cgroup_version : is_fs("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC) ? 2 : 1;
    char own[PATH_MAX], parent[PATH_MAX];
    const char *v2_root = is_fs("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC) ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
    for (int i = 0; i < plan->n_cgroups; i++) {
        const struct cgroup_write *w = &plan->cgroups[i];
        if (w->version != version) continue;
        if (version == 2) {
            if (n_dirs == 0) {
                if (!is_fs(v2_root, CGROUP2_SUPER_MAGIC)) die("cgroup", "no cgroup v2 hierarchy (neither /sys/fs/cgroup nor /sys/fs/cgroup/unified)");
                own_cgroup(NULL, own, sizeof own);
                add_dir("", v2_root, own, plan->name);
                snprintf(parent, sizeof parent, "%s", dirs[0].path);
                *strrchr(parent, '/') = 0;
            }
            char list[PATH_MAX];
            if (strcmp(w->controller, "-") && !file_lists(in_dir(list, parent, "cgroup.controllers"), w->controller))
                die("cgroup", "%s controller not available (not in %s)", w->controller, list);
            continue;
        }
        if (find_dir(w->controller) >= 0) continue;
        char mount[PATH_MAX];
        snprintf(mount, sizeof mount, "/sys/fs/cgroup/%s", w->controller);
        if (!is_fs(mount, CGROUP_SUPER_MAGIC)) die("cgroup", "%s controller not available (no cgroup v1 hierarchy at %s)", w->controller, mount);
        own_cgroup(w->controller, own, sizeof own);
        add_dir(w->controller, mount, own, plan->name);
    }
    if (n_dirs == 0) return;
    start_guard();
    for (int d = 0; d < n_dirs; d++) {
        if (mkdir(dirs[d].path, 0755) != 0) die("cgroup", "cannot create %s: %s", dirs[d].path, strerror(errno));
        say("cgroup", "created %s (v%d)", dirs[d].path, version);
        /* A v1 cpuset cgroup starts with no CPUs and no memory nodes, so nothing could join it: copy the parent's. */
        for (int f = 0; !strcmp(dirs[d].controller, "cpuset") && f < 2; f++) {
            char path[PATH_MAX], value[4096] = "";
            const char *file = f ? "cpuset.mems" : "cpuset.cpus";
            int fd = open(in_dir(path, dirs[d].path, f ? "../cpuset.mems" : "../cpuset.cpus"), O_RDONLY | O_CLOEXEC);
            ssize_t n = fd < 0 ? -1 : read(fd, value, sizeof value - 1);
            if (fd >= 0) close(fd);
            if (n <= 0 || !write_file(in_dir(path, dirs[d].path, file), value)) die("cgroup", "cannot initialise %s: %s", path, strerror(errno));
        }
    }
    for (int i = 0; i < plan->n_cgroups; i++) {
        const struct cgroup_write *w = &plan->cgroups[i];
        if (w->version != version) continue;
        char path[PATH_MAX];
        if (version == 2 && strcmp(w->controller, "-")) {
            /* v2 limits need the controller enabled in the parent's subtree_control. */
            in_dir(path, parent, "cgroup.subtree_control");
            char enable[80];
            snprintf(enable, sizeof enable, "+%s", w->controller);
            if (!file_lists(path, w->controller) && !write_file(path, enable))
                die("cgroup", "cannot enable the %s controller in %s: %s", w->controller, path, strerror(errno));
        }
        in_dir(path, dirs[version == 2 ? 0 : find_dir(w->controller)].path, w->file);
        if (!write_file(path, w->value)) {
            if (errno == ENOENT) die("cgroup", "%s controller does not offer %s (no %s)", w->controller, w->file, path);
            die("cgroup", "cannot write `%s` to %s: %s", w->value, path, strerror(errno));
        }
        say("cgroup", "%s = %s", path, w->value);
    }
}

void cgroups_join(pid_t pid) {
    char text[32];
    snprintf(text, sizeof text, "%d", (int)pid);
    for (int d = 0; d < n_dirs; d++) {
        char path[PATH_MAX];
        if (!write_file(in_dir(path, dirs[d].path, "cgroup.procs"), text)) die("cgroup", "cannot move init into %s: %s", dirs[d].path, strerror(errno));
    }
}
