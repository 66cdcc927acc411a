/*
 * bench: one multi-call binary holding every benchmark of bench/run.mjs.
 *
 *   bench hello                        print "hello, world" (start-up cost)
 *   bench fork MIB                     fork+_exit+waitpid with MIB MiB touched
 *   bench spawn                        vfork, clone(CLONE_VM), pthread_create
 *   bench cow [MIB]                    first write to COW pages after fork
 *   bench futex                        FUTEX_WAIT/FUTEX_WAKE ping-pong
 *   bench cpu NAME REPS                crc32|fnv1a|lcg|qsort|strings
 *   bench resident MIB                 touch MIB MiB, then read stdin (host memory)
 *   bench children N MIB               N live children of a MIB MiB parent
 *
 * Environment: BENCH_SAMPLES (samples per result), BENCH_TARGET_MS (minimum
 * batch duration).  See BENCHMARKS.md.
 */
#include <stdio.h>
#include <string.h>
#include "bench.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
} commands[] = {
    {"hello", bench_hello}, {"fork", bench_fork}, {"spawn", bench_spawn},
    {"cow", bench_cow},     {"futex", bench_futex}, {"cpu", bench_cpu},
    {"resident", bench_resident}, {"children", bench_children},
};

int bench_hello(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    puts("hello, world");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2)
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[1], commands[i].name) == 0)
                return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "usage: bench hello|fork MIB|spawn|cow [MIB]|futex|cpu NAME REPS|resident MIB|children N MIB\n");
    return 2;
}
