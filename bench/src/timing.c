/* Clock, statistics and batch calibration shared by all benchmarks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench.h"

int64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        fatal("clock_gettime");
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t clock_step_ns(void)
{
    static int64_t step;
    if (step)
        return step;
    int64_t best = INT64_MAX;
    for (int i = 0; i < 5; i++) {
        int64_t a = now_ns(), b;
        while ((b = now_ns()) == a)
            ;
        if (b - a < best)
            best = b - a;
    }
    step = best > 0 ? best : 1;
    printf("INFO clock_step_ns=%lld\n", (long long)step);
    return step;
}

int64_t target_ns(void)
{
    static int64_t t;
    if (t)
        return t;
    const char *e = getenv("BENCH_TARGET_MS");
    double ms = e ? atof(e) : 10.0;
    if (ms <= 0)
        ms = 10.0;
    t = (int64_t)(ms * 1e6);
    if (t < 100 * clock_step_ns())
        t = 100 * clock_step_ns();
    return t;
}

int64_t warmup_ns(int64_t target)
{
    const char *e = getenv("BENCH_WARMUP_MS");
    return e ? (int64_t)(atof(e) * 1e6) : 30 * target;
}

int samples(int dflt)
{
    const char *e = getenv("BENCH_SAMPLES");
    int n = e ? atoi(e) : 0;
    return n > 0 ? n : dflt;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void report(const char *name, const char *unit, double *v, int n, long batch)
{
    if (getenv("BENCH_VERBOSE")) {
        printf("SAMPLES name=%s", name);
        for (int i = 0; i < n; i++)
            printf(" %.4g", v[i]);
        printf("\n");
    }
    qsort(v, n, sizeof *v, cmp_double);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    printf("RESULT name=%s unit=%s median=%.6g min=%.6g max=%.6g n=%d batch=%ld\n",
           name, unit, med, v[0], v[n - 1], n, batch);
    fflush(stdout);
}

void fatal(const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

long arg_long(int argc, char **argv, int i, long dflt)
{
    if (i >= argc)
        return dflt;
    char *end;
    long v = strtol(argv[i], &end, 10);
    if (*argv[i] == 0 || *end != 0 || v < 0) {
        fprintf(stderr, "bench: bad number '%s'\n", argv[i]);
        exit(2);
    }
    return v;
}

static int64_t run_batch(op_fn op, void *arg, long b)
{
    int64_t t0 = now_ns();
    for (long i = 0; i < b; i++)
        op(arg);
    return now_ns() - t0;
}

/*
 * One sample: run chunks of `chunk` operations until at least `target` ns
 * have passed; the value is the elapsed time over the operations run.  The
 * count adapts to the speed of the moment (JIT warm-up, collector pauses),
 * and reading the clock once per chunk keeps its own cost negligible.
 */
static double run_sample(op_fn op, void *arg, long chunk, int64_t target, long *count)
{
    long n = 0;
    int64_t t0 = now_ns(), t;
    do {
        for (long i = 0; i < chunk; i++)
            op(arg);
        n += chunk;
        t = now_ns() - t0;
    } while (t < target);
    *count = n;
    return (double)t / n;
}

void measure(const char *name, op_fn op, void *arg, int n, double divisor)
{
    int64_t target = target_ns();
    /* calibration: grow a batch until it lasts a target's time */
    long b = 1;
    int64_t t = run_batch(op, arg, b);
    while (t < target) {
        b *= t * 8 < target ? 8 : 2;
        t = run_batch(op, arg, b);
    }
    /* chunks of about a twentieth of a sample */
    long chunk = b / 20 > 0 ? b / 20 : 1;
    /*
     * Warm-up: discarded samples through the same code.  Under forkscope the
     * host JIT keeps adapting for a while, and a change of the guest's hot
     * loop alone costs it about half a second of slow samples.
     */
    long count;
    int64_t warm = warmup_ns(target);
    for (int64_t w0 = now_ns(); now_ns() - w0 < warm;)
        run_sample(op, arg, chunk, target, &count);
    double *v = malloc(n * sizeof *v);
    if (!v)
        fatal("malloc");
    long total = 0;
    for (int i = 0; i < n; i++) {
        v[i] = run_sample(op, arg, chunk, target, &count) / 1e3 / divisor;
        total += count;
    }
    report(name, "us", v, n, total / n);
    free(v);
}
