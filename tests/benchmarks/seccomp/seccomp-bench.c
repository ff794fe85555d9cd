/*
 * seccomp-bench: time one syscall with a seccomp filter loaded COPIES times, in a fresh child process.
 *
 *   seccomp-bench FILTER.bpf|- COPIES NR ARG0 ITERATIONS ROUNDS
 *
 * The child pins itself to the CPU it starts on, sets PR_SET_NO_NEW_PRIVS, loads the filter COPIES times
 * ("-": none; the kernel runs every loaded filter on each call, so the slope between two COPIES counts is
 * the cost of one run of the filter, well above the noise of one syscall), warms up, then ROUNDS times
 * makes the raw syscall ITERATIONS times between two CLOCK_MONOTONIC readings (vDSO, no syscall). It
 * reports through shared memory, since the filter may deny everything after the call under test.
 * Prints one line: the minimum and the median over the rounds of nanoseconds per call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline long raw_syscall1(long nr, unsigned long a0)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a0), "S"(0UL), "d"(0UL) : "rcx", "r11", "memory");
    return ret;
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: seccomp-bench FILTER.bpf|- COPIES NR ARG0 ITERATIONS ROUNDS\n");
        return 2;
    }
    static struct sock_filter program[4096];
    struct sock_fprog prog = {0, program};
    if (strcmp(argv[1], "-") != 0) {
        FILE *file = fopen(argv[1], "rb");
        if (file == NULL) {
            fprintf(stderr, "seccomp-bench: cannot open %s: %s\n", argv[1], strerror(errno));
            return 2;
        }
        prog.len = (unsigned short)fread(program, sizeof program[0], 4096, file);
        fclose(file);
    }
    long copies = strtol(argv[2], NULL, 0);
    long nr = strtol(argv[3], NULL, 0);
    unsigned long arg0 = strtoul(argv[4], NULL, 0);
    long iterations = strtol(argv[5], NULL, 0);
    long rounds = strtol(argv[6], NULL, 0);
    if (rounds < 1 || rounds > 1000 || iterations < 1) {
        return 2;
    }
    double *result = mmap(NULL, sizeof(double) * (size_t)rounds, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (result == MAP_FAILED) {
        return 2;
    }
    result[rounds - 1] = -1;
    pid_t pid = fork();
    if (pid == 0) {
        cpu_set_t cpus;
        CPU_ZERO(&cpus);
        CPU_SET(sched_getcpu(), &cpus);
        sched_setaffinity(0, sizeof cpus, &cpus);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
            _exit(3);
        }
        for (long copy = 0; prog.len > 0 && copy < copies; copy++) {
            if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
                _exit(4);
            }
        }
        for (long i = 0; i < iterations / 10; i++) {
            raw_syscall1(nr, arg0);
        }
        for (long round = 0; round < rounds; round++) {
            double start = now_ns();
            for (long i = 0; i < iterations; i++) {
                raw_syscall1(nr, arg0);
            }
            result[round] = (now_ns() - start) / (double)iterations;
        }
        raw_syscall1(SYS_exit_group, 0);
        __builtin_trap();
    }
    int status;
    waitpid(pid, &status, 0);
    if (result[rounds - 1] < 0) {
        fprintf(stderr, "seccomp-bench: the child failed (status 0x%x)\n", status);
        return 1;
    }
    qsort(result, (size_t)rounds, sizeof result[0], compare);
    printf("%.2f %.2f\n", result[0], result[rounds / 2]);
    return 0;
}
