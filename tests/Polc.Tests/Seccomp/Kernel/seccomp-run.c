/*
 * seccomp-run: loads a seccomp filter in a forked child and makes one raw syscall there, for each
 * call read from stdin, so the tests can compare what the kernel does with what polc's simulator says.
 *
 *   seccomp-run FILTER.bpf|- < calls      ("-": no filter, to probe the kernel)
 *
 * Each input line is `ABI NR A0 A1 A2 A3 A4 A5` (numbers in C syntax): ABI 64 makes the call with the
 * x86_64 `syscall` instruction (NR may carry the x32 bit), ABI 32 with `int $0x80` (the i386 ABI;
 * five arguments, 32 bits each). Each output line is one of
 *   returned V | errno E | trap DATA | signal S | error TEXT
 * The child sets PR_SET_NO_NEW_PRIVS, a zero core limit and a SIGSYS handler (which reports `trap`
 * for SECCOMP_RET_TRAP) before loading the filter with seccomp(SECCOMP_SET_MODE_FILTER). Once the
 * filter is loaded the child may not be allowed any other syscall, so it reports through memory shared
 * with the parent, and ends with exit_group, exit, then a trap instruction, whichever works first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPORT_SIZE 128
static char *report;

static long call_syscall(long nr, unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5);

static void end_child(void)
{
    call_syscall(SYS_exit_group, 0, 0, 0, 0, 0, 0);
    call_syscall(SYS_exit, 0, 0, 0, 0, 0, 0);
    __builtin_trap();
}

static void on_sigsys(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    snprintf(report, REPORT_SIZE, "trap %d\n", info->si_errno);
    end_child();
}

static long call_int80(long nr, unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3, unsigned long a4)
{
#if defined(__x86_64__)
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(nr), "b"((unsigned int)a0), "c"((unsigned int)a1), "d"((unsigned int)a2), "S"((unsigned int)a3), "D"((unsigned int)a4)
                     : "memory", "r8", "r9", "r10", "r11");
    return ret;
#else
    (void)nr; (void)a0; (void)a1; (void)a2; (void)a3; (void)a4;
    return -ENOSYS;
#endif
}

static long call_syscall(long nr, unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)
{
#if defined(__x86_64__)
    long ret;
    register unsigned long r10 __asm__("r10") = a3;
    register unsigned long r8 __asm__("r8") = a4;
    register unsigned long r9 __asm__("r9") = a5;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
#else
    long ret = syscall(nr, a0, a1, a2, a3, a4, a5);
    return ret == -1 ? -errno : ret;
#endif
}

static void child(struct sock_fprog *prog, int abi, long nr, unsigned long *a)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigsys;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &action, NULL);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        snprintf(report, REPORT_SIZE, "error prctl(PR_SET_NO_NEW_PRIVS): %s\n", strerror(errno));
        _exit(3);
    }
    if (prog != NULL && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) != 0) {
        snprintf(report, REPORT_SIZE, "error seccomp(SECCOMP_SET_MODE_FILTER): %s\n", strerror(errno));
        _exit(3);
    }
    long ret = abi == 32 ? call_int80(nr, a[0], a[1], a[2], a[3], a[4]) : call_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (ret < 0 && ret >= -4095) {
        snprintf(report, REPORT_SIZE, "errno %ld\n", -ret);
    } else {
        snprintf(report, REPORT_SIZE, "returned %ld\n", ret);
    }
    end_child();
}

static struct sock_filter *read_filter(const char *path, unsigned short *count)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "seccomp-run: cannot open %s: %s\n", path, strerror(errno));
        exit(2);
    }
    static struct sock_filter program[4096];
    size_t n = fread(program, sizeof program[0], 4096, file);
    fclose(file);
    *count = (unsigned short)n;
    return program;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: seccomp-run FILTER.bpf|- < calls\n");
        return 2;
    }
    struct sock_fprog prog = {0, NULL};
    struct sock_fprog *loaded = NULL;
    if (strcmp(argv[1], "-") != 0) {
        prog.filter = read_filter(argv[1], &prog.len);
        loaded = &prog;
    }
    report = mmap(NULL, REPORT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (report == MAP_FAILED) {
        fprintf(stderr, "seccomp-run: mmap: %s\n", strerror(errno));
        return 2;
    }
    char line[512];
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin) != NULL) {
        unsigned long fields[8];
        int count = 0;
        char *cursor = line, *end;
        while (count < 8) {
            errno = 0;
            fields[count] = strtoul(cursor, &end, 0);
            if (end == cursor || errno != 0) {
                break;
            }
            count++;
            cursor = end;
        }
        if (count != 8) {
            printf("error malformed line\n");
            continue;
        }
        int abi = (int)fields[0];
        long nr = (long)fields[1];
        unsigned long *a = &fields[2];
        memset(report, 0, REPORT_SIZE);
        pid_t pid = fork();
        if (pid < 0) {
            printf("error fork: %s\n", strerror(errno));
            continue;
        }
        if (pid == 0) {
            child(loaded, abi, nr, a);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (report[0] != '\0') {
            fputs(report, stdout);
        } else if (WIFSIGNALED(status)) {
            printf("signal %d\n", WTERMSIG(status));
        } else {
            printf("error child exited with %d and no report\n", WEXITSTATUS(status));
        }
    }
    return 0;
}
