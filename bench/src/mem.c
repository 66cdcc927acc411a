/*
 * Memory held by resident pages and by live children.  The memory itself is
 * measured by the host: forkscope run --stats samples the host's memory while
 * the guest waits in a read of stdin (see BENCHMARKS.md), so both commands read
 * stdin once at the moment to measure (not when stdin is a terminal).
 *
 *   resident MIB     touch MIB MiB of private anonymous memory (one write per
 *                    4 KiB page), then read stdin
 *   children N MIB   touch MIB MiB, fork N children that stay alive, blocked
 *                    in a read of a pipe, then read stdin; then close the pipe
 *                    and reap them all.  Results:
 *                      children_fork_<MIB>m   µs per fork while the earlier
 *                                             children live, 10 batches of N/10
 *                      children_total_<MIB>m  ms to fork all N, end and reap them
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define PAGE 4096

char *touch_region(long mib, const char *label);

/* the host measures now (forkscope --stats samples its memory during this read) */
static void host_sample_point(void)
{
    fflush(stdout);
    if (isatty(0))
        return;
    char c;
    if (read(0, &c, 1) < 0)
        fatal("read stdin");
}

static int check_region(const char *p, long mib)
{
    for (size_t off = 0; off < (size_t)mib << 20; off += PAGE)
        if (p[off] != (char)(off >> 12 | 1)) {
            fprintf(stderr, "bench: memory changed at offset %zu\n", off);
            return 1;
        }
    return 0;
}

int bench_resident(int argc, char **argv)
{
    long mib = arg_long(argc, argv, 1, -1);
    if (mib < 0) {
        fprintf(stderr, "usage: bench resident MIB\n");
        return 2;
    }
    char *p = mib > 0 ? touch_region(mib, "resident") : NULL;
    printf("INFO resident_pages=%ld\n", mib << 8);
    host_sample_point();
    return p ? check_region(p, mib) : 0;
}

int bench_children(int argc, char **argv)
{
    long n = arg_long(argc, argv, 1, -1), mib = arg_long(argc, argv, 2, 64);
    if (n < 0 || mib < 0) {
        fprintf(stderr, "usage: bench children N MIB\n");
        return 2;
    }
    char label[32];
    snprintf(label, sizeof label, "children_%ldm", mib);
    char *p = mib > 0 ? touch_region(mib, label) : NULL;
    int fds[2];
    if (pipe(fds) != 0)
        fatal("pipe");
    enum { BATCHES = 10 };
    double per_fork[BATCHES];
    int batches = 0;
    long forked = 0;
    int64_t t0 = now_ns();
    for (int b = 0; b < BATCHES; b++) {
        long until = n * (b + 1) / BATCHES;
        if (until == forked)
            continue;
        int64_t tb = now_ns();
        long first = forked;
        for (; forked < until; forked++) {
            pid_t pid = fork();
            if (pid < 0)
                fatal("fork");
            if (pid == 0) {
                /* stay alive until the parent closes the pipe's write end */
                char c;
                close(fds[1]);
                ssize_t r = read(fds[0], &c, 1);
                _exit(r == 0 ? 0 : 1);
            }
        }
        per_fork[batches++] = (now_ns() - tb) / 1e3 / (double)(forked - first);
    }
    int64_t t1 = now_ns();
    printf("INFO children=%ld\n", n);
    host_sample_point();
    int64_t t2 = now_ns();
    close(fds[1]);
    for (long i = 0; i < n; i++) {
        int st;
        if (waitpid(-1, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            fatal("waitpid");
    }
    int64_t t3 = now_ns();
    char name[48];
    if (batches > 0) {
        snprintf(name, sizeof name, "children_fork_%ldm", mib);
        report(name, "us", per_fork, batches, n / BATCHES);
        double total = ((t1 - t0) + (t3 - t2)) / 1e6;
        snprintf(name, sizeof name, "children_total_%ldm", mib);
        report(name, "ms", &total, 1, n);
    }
    return p ? check_region(p, mib) : 0;
}
