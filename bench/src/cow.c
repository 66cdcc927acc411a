/*
 * cow [MIB] [SAMPLES]: page-fault costs, in microseconds per 4 KiB page.
 *
 *   touch_fresh   first write to each page of a fresh anonymous mapping
 *                 (mmap + one write per page + munmap, per page)
 *   cow_write     after fork, the child's first write to each page of a
 *                 MIB MiB region the parent had touched (the child times
 *                 itself and sends the time through a pipe)
 *   private_write the baseline: the same child writing again to the same
 *                 pages, now private to it (repeated passes)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define PAGE 4096

char *touch_region(long mib, const char *label);

static size_t region_len;

static void touch_fresh_once(void *arg)
{
    (void)arg;
    char *p = mmap(NULL, region_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        fatal("mmap");
    madvise(p, region_len, MADV_NOHUGEPAGE);
    for (size_t off = 0; off < region_len; off += PAGE)
        ((volatile char *)p)[off] = 1;
    if (munmap(p, region_len) != 0)
        fatal("munmap");
}

static void write_pass(char *p, size_t len, char v)
{
    for (size_t off = 0; off < len; off += PAGE)
        ((volatile char *)p)[off] = v;
}

int bench_cow(int argc, char **argv)
{
    long mib = arg_long(argc, argv, 1, 128);
    int n = (int)arg_long(argc, argv, 2, samples(11));
    if (mib < 1 || n < 1) {
        fprintf(stderr, "usage: bench cow [MIB] [SAMPLES]\n");
        return 2;
    }
    region_len = (size_t)mib << 20;
    size_t pages = region_len / PAGE;
    measure("touch_fresh", touch_fresh_once, NULL, n, (double)pages);

    char *p = touch_region(mib, "cow");
    double *cow = malloc(n * sizeof *cow), *priv = malloc(n * sizeof *priv);
    long reps = 1;
    int short_passes = 0;
    /* two discarded samples warm up */
    for (int i = -2; i < n; i++) {
        int fd[2];
        if (pipe(fd) != 0)
            fatal("pipe");
        pid_t pid = fork();
        if (pid < 0)
            fatal("fork");
        if (pid == 0) {
            close(fd[0]);
            int64_t r[3];
            int64_t t0 = now_ns();
            write_pass(p, region_len, 2);
            r[0] = now_ns() - t0;
            /* baseline: more passes over the now-private pages, enough to time */
            long k = 1;
            for (;;) {
                t0 = now_ns();
                for (long j = 0; j < k; j++)
                    write_pass(p, region_len, (char)(3 + j));
                r[1] = now_ns() - t0;
                if (r[1] >= target_ns())
                    break;
                k *= 2;
            }
            r[2] = k;
            if (write(fd[1], r, sizeof r) != sizeof r)
                _exit(1);
            _exit(0);
        }
        close(fd[1]);
        int64_t r[3];
        if (read(fd[0], r, sizeof r) != sizeof r)
            fatal("read(pipe)");
        close(fd[0]);
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            fatal("waitpid");
        if (i < 0)
            continue;
        if (r[0] < target_ns())
            short_passes++;
        cow[i] = r[0] / 1e3 / pages;
        priv[i] = r[1] / 1e3 / pages / r[2];
        reps = r[2];
    }
    /* the parent's copy must be untouched */
    for (size_t off = 0; off < region_len; off += PAGE)
        if (p[off] != (char)(off >> 12 | 1)) {
            fprintf(stderr, "bench cow: the child's write reached the parent at offset %zu\n", off);
            return 1;
        }
    if (short_passes)
        printf("INFO cow_write_short_passes=%d (a pass took less than the target batch time)\n", short_passes);
    report("cow_write", "us", cow, n, (long)pages);
    report("private_write", "us", priv, n, (long)pages * reps);
    return 0;
}
