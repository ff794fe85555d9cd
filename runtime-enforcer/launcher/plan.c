/* The plan parser. Format (docs/enforcer.md): UTF-8 lines `KEYWORD FIELD...`, fields separated by one
 * space, bytes outside 0x21..0x7e and `%` written as %XX; first line `polc-plan 1`, last line `end`.
 * Anything unknown, malformed or out of range is an error: a plan is never half-understood. */
#include "enforcer.h"
#include <strings.h>
#include <sys/resource.h>

#define MAX_FIELDS 12

static int line_number;

#define bad(format, ...) die("plan", "line %d: " format, line_number, ##__VA_ARGS__)

static int hex_value(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes %XX escapes in place; rejects raw bytes that should have been escaped. */
static char *decode(char *field) {
    char *out = field;
    for (const char *in = field; *in; in++) {
        unsigned char c = (unsigned char)*in;
        if (c < 0x21 || c > 0x7e) bad("unescaped byte 0x%02x", c);
        if (c != '%') { *out++ = (char)c; continue; }
        int high = hex_value(in[1]), low = high < 0 ? -1 : hex_value(in[2]);
        if (low < 0 || (high | low) == 0) bad("bad escape `%%%.2s`", in + 1);
        *out++ = (char)(high << 4 | low);
        in += 2;
    }
    *out = 0;
    return field;
}

static uint64_t number(const char *text) {
    if (!strcmp(text, "unlimited")) return UINT64_MAX;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 0);
    if (errno || end == text || *end || text[0] == '-') bad("`%s` is not a number", text);
    return value;
}

static uint32_t id(const char *text) {
    uint64_t value = number(text);
    if (value > 0xfffffffeu) bad("id `%s` is out of range", text);
    return (uint32_t)value;
}

static const char *absolute(const char *path) {
    if (path[0] != '/') bad("path `%s` is not absolute", path);
    return path;
}

/* A comma-separated list of names, each of which must be in `names`; returns the OR of their bits. */
static uint64_t flags(const char *list, const char *const *names, const uint64_t *bits, bool *create) {
    uint64_t result = 0;
    if (!strcmp(list, "-")) return 0;
    char copy[256];
    if (strlen(list) >= sizeof copy) bad("flag list too long");
    strcpy(copy, list);
    for (char *save, *word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
        if (create && !strcmp(word, "create")) { *create = true; continue; }
        int i = 0;
        while (names[i] && strcmp(names[i], word)) i++;
        if (!names[i]) bad("unknown flag `%s`", word);
        result |= bits[i];
    }
    return result;
}

static const char *const attr_names[] = { "ro", "nosuid", "nodev", "noexec", NULL };
static const uint64_t attr_bits[] = { MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NODEV, MOUNT_ATTR_NOEXEC };
static const char *const ns_names[] = { "user", "pid", "mount", "uts", "ipc", "net", "cgroup", "time", NULL };
static const uint64_t ns_bits[] = { NS_USER, NS_PID, NS_MOUNT, NS_UTS, NS_IPC, NS_NET, NS_CGROUP, NS_TIME };
static const char *const fs_names[] = { "proc", "sysfs", "tmpfs", "mqueue", "devpts", NULL };

#define R(name) { #name, RLIMIT_##name }
static const struct { const char *name; int resource; } rlimit_names[] = { /* matched without case: `nofile` is NOFILE */
    R(AS), R(CORE), R(CPU), R(DATA), R(FSIZE), R(LOCKS), R(MEMLOCK), R(MSGQUEUE),
    R(NICE), R(NOFILE), R(NPROC), R(RSS), R(RTPRIO), R(RTTIME), R(SIGPENDING), R(STACK),
};

#if defined(__x86_64__)
#define THIS_ARCH "x86_64"
#elif defined(__aarch64__)
#define THIS_ARCH "aarch64"
#elif defined(__riscv) && __riscv_xlen == 64
#define THIS_ARCH "riscv64"
#else
#error "add this architecture's name as the plan spells it"
#endif

static void seccomp_record(struct plan *plan, const char *arch, char *hex) {
    if (strcmp(arch, THIS_ARCH)) { plan->filter_for_other_arch = !plan->filter; return; }
    if (plan->filter) bad("a second seccomp filter for %s", arch);
    size_t length = strlen(hex);
    if (length == 0 || length % 16 || length / 16 > 4096) bad("the seccomp filter must hold 1..4096 instructions");
    unsigned char *bytes = (unsigned char *)hex; /* decoded in place: two hex digits become one byte */
    for (size_t i = 0; i < length / 2; i++) {
        int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);
        if (high < 0 || low < 0) bad("the seccomp filter is not hexadecimal");
        bytes[i] = (unsigned char)(high << 4 | low);
    }
    plan->filter = bytes;
    plan->filter_len = length / 2;
    plan->filter_for_other_arch = false;
}

static struct mount_step *next_mount(struct plan *plan, enum mount_kind kind) {
    if (plan->n_mounts == MAX_STEPS) bad("too many mount steps");
    struct mount_step *step = &plan->mounts[plan->n_mounts++];
    memset(step, 0, sizeof *step);
    step->kind = kind;
    return step;
}

static void record(struct plan *plan, char **f, int n) {
    const char *k = f[0];
#define WANT(count) do { if (n != (count) + 1) bad("`%s` takes %d field(s)", k, (count)); } while (0)
    if (!strcmp(k, "name")) { WANT(1); plan->name = f[1]; }
    else if (!strcmp(k, "namespaces")) {
        for (int i = 1; i < n; i++) plan->namespaces |= (unsigned)flags(f[i], ns_names, ns_bits, NULL);
    }
    else if (!strcmp(k, "uid-map") || !strcmp(k, "gid-map")) {
        WANT(3);
        bool uid = k[0] == 'u';
        int *count = uid ? &plan->n_uid_maps : &plan->n_gid_maps;
        if (*count == MAX_MAPS) bad("too many id maps");
        struct id_map *map = &(uid ? plan->uid_maps : plan->gid_maps)[(*count)++];
        map->inside = id(f[1]); map->outside = id(f[2]); map->count = id(f[3]);
    }
    else if (!strcmp(k, "hostname")) { WANT(1); plan->hostname = f[1]; }
    else if (!strcmp(k, "root")) { WANT(1); plan->root = absolute(f[1]); }
    else if (!strcmp(k, "readonly-root")) { WANT(0); next_mount(plan, MOUNT_READONLY_ROOT); }
    else if (!strcmp(k, "mount")) {
        WANT(4);
        int i = 0;
        while (fs_names[i] && strcmp(fs_names[i], f[1])) i++;
        if (!fs_names[i]) bad("unknown file system type `%s`", f[1]);
        struct mount_step *m = next_mount(plan, MOUNT_FS);
        m->fstype = f[1]; m->target = absolute(f[2]);
        m->attrs = flags(f[3], attr_names, attr_bits, &m->create);
        m->data = strcmp(f[4], "-") ? f[4] : NULL;
    }
    else if (!strcmp(k, "bind")) {
        WANT(3);
        struct mount_step *m = next_mount(plan, MOUNT_BIND);
        m->source = absolute(f[1]); m->target = absolute(f[2]);
        m->attrs = flags(f[3], attr_names, attr_bits, &m->create);
    }
    else if (!strcmp(k, "symlink")) {
        WANT(2);
        struct mount_step *m = next_mount(plan, MOUNT_SYMLINK);
        m->source = f[1]; m->target = absolute(f[2]);
    }
    else if (!strcmp(k, "mask")) { WANT(1); next_mount(plan, MOUNT_MASK)->target = absolute(f[1]); }
    else if (!strcmp(k, "cgroup1") || !strcmp(k, "cgroup2")) {
        WANT(3);
        if (plan->n_cgroups == MAX_STEPS) bad("too many cgroup writes");
        if (strchr(f[1], '/') || strchr(f[2], '/') || f[2][0] == '.') bad("cgroup names hold no `/`");
        plan->cgroups[plan->n_cgroups++] = (struct cgroup_write){ k[6] - '0', f[1], f[2], f[3] };
    }
    else if (!strcmp(k, "rlimit")) {
        WANT(3);
        size_t i = 0;
        while (i < sizeof rlimit_names / sizeof *rlimit_names && strcasecmp(rlimit_names[i].name, f[1])) i++;
        if (i == sizeof rlimit_names / sizeof *rlimit_names) bad("unknown rlimit `%s`", f[1]);
        if (plan->n_rlimits == MAX_RLIMITS) bad("too many rlimits");
        plan->rlimits[plan->n_rlimits++] = (struct rlimit_step){ rlimit_names[i].resource, f[1], number(f[2]), number(f[3]) };
    }
    else if (!strcmp(k, "user")) { WANT(1); plan->has_user = true; plan->user = id(f[1]); }
    else if (!strcmp(k, "group")) { WANT(1); plan->has_group = true; plan->group = id(f[1]); }
    else if (!strncmp(k, "cap-", 4)) {
        WANT(1);
        uint64_t *set = !strcmp(k, "cap-bounding") ? &plan->cap_bounding : !strcmp(k, "cap-permitted") ? &plan->cap_permitted
            : !strcmp(k, "cap-effective") ? &plan->cap_effective : !strcmp(k, "cap-inheritable") ? &plan->cap_inheritable
            : !strcmp(k, "cap-ambient") ? &plan->cap_ambient : NULL;
        if (!set) bad("unknown record `%s`", k);
        *set = number(f[1]);
    }
    else if (!strcmp(k, "no-new-privs")) { WANT(0); plan->no_new_privs = true; }
    else if (!strcmp(k, "apparmor") || !strcmp(k, "selinux")) {
        WANT(2);
        if (strcmp(f[2], "required") && strcmp(f[2], "optional")) bad("`%s` is `required` or `optional`", k);
        *(k[0] == 'a' ? &plan->apparmor : &plan->selinux) = (struct label){ f[1], f[2][0] == 'r' };
    }
    else if (!strcmp(k, "seccomp")) { WANT(2); seccomp_record(plan, f[1], f[2]); }
    else if (!strcmp(k, "seccomp-listener")) {
        WANT(1);
        uint64_t fd = number(f[1]);
        if (fd < 3 || fd > INT_MAX) bad("`seccomp-listener` needs a descriptor above 2, not `%s`", f[1]);
        plan->has_listener = true;
        plan->listener_socket = (int)fd;
    }
    else bad("unknown record `%s`", k);
#undef WANT
}

/* Checks that keep a plan from touching the host: every effect must live in a namespace of its own. */
static void validate(const struct plan *plan) {
    if (!plan->name) die("plan", "no `name` record");
    if (strchr(plan->name, '/')) die("plan", "the name `%s` holds a `/`", plan->name);
    if (plan->hostname && !(plan->namespaces & NS_UTS)) die("plan", "`hostname` without a uts namespace");
    if ((plan->n_mounts || plan->root) && !(plan->namespaces & NS_MOUNT)) die("plan", "mount steps without a mount namespace");
    if ((plan->n_uid_maps || plan->n_gid_maps) && !(plan->namespaces & NS_USER)) die("plan", "id maps without a user namespace");
    if ((plan->cap_permitted | plan->cap_inheritable) & ~plan->cap_bounding) die("plan", "capabilities outside the bounding set");
    if (plan->cap_effective & ~plan->cap_permitted) die("plan", "effective capabilities outside the permitted set");
    if (plan->cap_ambient & ~(plan->cap_permitted & plan->cap_inheritable)) die("plan", "ambient capabilities not permitted and inheritable");
    if (plan->has_listener && !plan->filter && !plan->filter_for_other_arch) die("plan", "`seccomp-listener` without a seccomp filter");
}

void plan_parse(char *text, size_t length, struct plan *plan) {
    memset(plan, 0, sizeof *plan);
    if (memchr(text, 0, length)) die("plan", "the plan holds a NUL byte");
    bool header = false, end = false;
    char *save;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        line_number++;
        if (line[0] == '#') continue;
        if (end) bad("text after `end`");
        char *f[MAX_FIELDS];
        int n = 0;
        for (char *p = line;;) {
            if (n == MAX_FIELDS) bad("too many fields");
            f[n++] = p;
            char *space = strchr(p, ' ');
            if (!space) break;
            *space = 0;
            p = space + 1;
        }
        for (int i = 0; i < n; i++) {
            if (!*f[i]) bad("empty field (two spaces?)");
            decode(f[i]);
        }
        if (!header) {
            if (strcmp(f[0], "polc-plan")) die("plan", "not a polc plan (the first line is not `polc-plan VERSION`)");
            if (n != 2 || strcmp(f[1], "1")) die("plan", "plan version `%s` is not supported (this launcher reads version 1)", n > 1 ? f[1] : "");
            header = true;
        } else if (!strcmp(f[0], "end") && n == 1) {
            end = true;
        } else {
            record(plan, f, n);
        }
    }
    if (!header) die("plan", "empty plan");
    if (!end) die("plan", "the plan is truncated (no `end` line)");
    validate(plan);
}
