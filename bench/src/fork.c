/*
 * fork MIB [SAMPLES]: touch MIB MiB of private anonymous memory (one mmap,
 * one write per 4 KiB page), then time fork() + child _exit(0) + parent
 * waitpid().  Result fork_<MIB>m in microseconds per fork.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define PAGE 4096

static void fork_once(void *arg)
{
    (void)arg;
    pid_t pid = fork();
    if (pid < 0)
        fatal("fork");
    if (pid == 0)
        _exit(0);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fatal("waitpid");
}

/* map and touch MIB MiB; returns the mapping, prints the touch time per page */
char *touch_region(long mib, const char *label)
{
    size_t len = (size_t)mib << 20;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        fatal("mmap");
    /* 4 KiB pages everywhere (forkscope has no huge pages); a hint, may be ignored */
    madvise(p, len, MADV_NOHUGEPAGE);
    int64_t t0 = now_ns();
    for (size_t off = 0; off < len; off += PAGE)
        ((volatile char *)p)[off] = (char)(off >> 12 | 1);
    int64_t t1 = now_ns();
    printf("INFO %s_touch_us_per_page=%.4g pages=%zu\n", label, (t1 - t0) / 1e3 / (len / PAGE), len / PAGE);
    return p;
}

int bench_fork(int argc, char **argv)
{
    long mib = arg_long(argc, argv, 1, 1);
    int n = (int)arg_long(argc, argv, 2, samples(11));
    if (mib < 1 || n < 1) {
        fprintf(stderr, "usage: bench fork MIB [SAMPLES]\n");
        return 2;
    }
    char label[32], name[32];
    snprintf(label, sizeof label, "fork_%ldm", mib);
    snprintf(name, sizeof name, "fork_%ldm", mib);
    char *p = touch_region(mib, label);
    measure(name, fork_once, NULL, n, 1);
    /* the memory must still be intact */
    size_t len = (size_t)mib << 20;
    for (size_t off = 0; off < len; off += PAGE)
        if (p[off] != (char)(off >> 12 | 1)) {
            fprintf(stderr, "bench fork: memory changed at offset %zu\n", off);
            return 1;
        }
    return 0;
}
