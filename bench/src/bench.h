/*
 * Shared helpers of the forkscope benchmark programs.
 *
 * Every measurement uses clock_gettime(CLOCK_REALTIME): natively and under
 * qemu-riscv64 that is the host clock, and under forkscope it is the host
 * clock only with --host-time (CLOCK_MONOTONIC there counts guest
 * instructions, not time).  The clock under forkscope may be coarse (1 ms),
 * so operations that take microseconds are timed in batches: a sample runs
 * the operation repeatedly until at least the target duration has passed,
 * and its value is the elapsed time divided by the number of operations.
 *
 * Results are printed one per line as
 *   RESULT name=NAME unit=UNIT median=X min=X max=X n=SAMPLES batch=B
 * and informational lines as "INFO key=value ...".
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stddef.h>

/* nanoseconds of CLOCK_REALTIME */
int64_t now_ns(void);
/* smallest observed step of CLOCK_REALTIME in ns (measured once, cached) */
int64_t clock_step_ns(void);
/* minimum duration of one sample: max(BENCH_TARGET_MS or 10 ms, 100 clock steps) */
int64_t target_ns(void);
/* warm-up time before the samples: BENCH_WARMUP_MS, else 30 targets */
int64_t warmup_ns(int64_t target);
/* number of samples: BENCH_SAMPLES from the environment, else dflt */
int samples(int dflt);

/* print a RESULT line for n values (sorted in place) */
void report(const char *name, const char *unit, double *v, int n, long batch);
void fatal(const char *what);
long arg_long(int argc, char **argv, int i, long dflt);

/*
 * Time op(arg): a calibration batch grown until it lasts target_ns(), a
 * warm-up of warmup_ns(), then n samples, each running the operation until target_ns() has passed.  Each
 * value is the sample's time / operations / divisor, in microseconds.  Prints
 * one RESULT line whose batch= is the mean number of operations per sample.
 */
typedef void (*op_fn)(void *arg);
void measure(const char *name, op_fn op, void *arg, int n, double divisor);

int bench_hello(int argc, char **argv);
int bench_fork(int argc, char **argv);
int bench_spawn(int argc, char **argv);
int bench_cow(int argc, char **argv);
int bench_futex(int argc, char **argv);
int bench_cpu(int argc, char **argv);
int bench_resident(int argc, char **argv);
int bench_children(int argc, char **argv);

#endif
