/*
 * cpu NAME REPS: a CPU-bound workload run REPS times, each repetition timed;
 * prints "CHECK name=NAME value=HEX" (identical on every platform) and
 * RESULT cpu_NAME in seconds per repetition.  REPS=0 runs only the set-up,
 * which lets the runner subtract its instructions from forkscope's count.
 *
 *   crc32    table-driven CRC-32 over a 1 MiB buffer, 6 passes
 *   fnv1a    FNV-1a (32-bit) over the same buffer, 12 passes
 *   lcg      12.5 M steps of a 64-bit linear congruential generator
 *   qsort    generate and qsort() 100,000 ints with a comparison function
 *   strings  50,000 rounds of snprintf, strlen, strcmp, memcpy, strchr
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

#define BUF_LEN (1 << 20)
static unsigned char *buf;
static uint32_t crc_table[256];

static void setup_buffer(void)
{
    buf = malloc(BUF_LEN);
    if (!buf)
        fatal("malloc");
    uint64_t x = 12345;
    for (size_t i = 0; i < BUF_LEN; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        buf[i] = (unsigned char)(x >> 56);
    }
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint64_t w_crc32(void)
{
    uint32_t crc = 0;
    for (int pass = 0; pass < 6; pass++) {
        uint32_t c = ~crc;
        for (size_t i = 0; i < BUF_LEN; i++)
            c = crc_table[(c ^ buf[i]) & 0xff] ^ (c >> 8);
        crc = ~c;
    }
    return crc;
}

static uint64_t w_fnv1a(void)
{
    uint32_t h = 2166136261u;
    for (int pass = 0; pass < 12; pass++)
        for (size_t i = 0; i < BUF_LEN; i++) {
            h ^= buf[i];
            h *= 16777619u;
        }
    return h;
}

static uint64_t w_lcg(void)
{
    uint64_t x = 1, sum = 0;
    for (long i = 0; i < 12500000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sum += x >> 33;
    }
    return sum ^ x;
}

#define QSORT_N 100000
static int *arr;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static uint64_t w_qsort(void)
{
    uint32_t x = 7;
    for (int i = 0; i < QSORT_N; i++) {
        x = x * 1103515245u + 12345u;
        arr[i] = (int)(x >> 1);
    }
    qsort(arr, QSORT_N, sizeof *arr, cmp_int);
    uint64_t h = 0;
    for (int i = 0; i < QSORT_N; i++) {
        if (i && arr[i - 1] > arr[i]) {
            fprintf(stderr, "bench cpu qsort: not sorted at %d\n", i);
            exit(1);
        }
        h = h * 31 + (uint32_t)arr[i];
    }
    return h;
}

static uint64_t w_strings(void)
{
    static const char *words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
    char cur[128], prev[128] = "", ring[16][128] = {{0}};
    uint64_t h = 0;
    for (int i = 0; i < 50000; i++) {
        int n = snprintf(cur, sizeof cur, "%s-%08d-%x/%s", words[i & 7], i, i * 2654435761u, words[(i >> 3) & 7]);
        size_t len = strlen(cur);
        int c = strcmp(cur, prev);
        memcpy(prev, cur, len + 1);
        memcpy(ring[i & 15], cur, len + 1);
        const char *slash = strchr(ring[(i + 7) & 15], '/');
        h = h * 131 + (uint64_t)n + len + (uint64_t)(c > 0) + (slash ? (uint64_t)(slash - ring[(i + 7) & 15]) : 0);
    }
    return h;
}

static const struct {
    const char *name;
    uint64_t (*fn)(void);
} workloads[] = {
    {"crc32", w_crc32}, {"fnv1a", w_fnv1a}, {"lcg", w_lcg}, {"qsort", w_qsort}, {"strings", w_strings},
};

int bench_cpu(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench cpu crc32|fnv1a|lcg|qsort|strings REPS\n");
        return 2;
    }
    int w = -1;
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
        if (strcmp(argv[1], workloads[i].name) == 0)
            w = (int)i;
    if (w < 0) {
        fprintf(stderr, "bench cpu: unknown workload '%s'\n", argv[1]);
        return 2;
    }
    int reps = (int)arg_long(argc, argv, 2, 3);
    setup_buffer();
    arr = malloc(QSORT_N * sizeof *arr);
    if (!arr)
        fatal("malloc");
    if (reps == 0)
        return 0;
    double *v = malloc(reps * sizeof *v);
    uint64_t check = 0;
    for (int r = 0; r < reps; r++) {
        int64_t t0 = now_ns();
        uint64_t c = workloads[w].fn();
        v[r] = (now_ns() - t0) / 1e9;
        if (r > 0 && c != check) {
            fprintf(stderr, "bench cpu %s: repetition %d gave %llx, not %llx\n", argv[1], r,
                    (unsigned long long)c, (unsigned long long)check);
            return 1;
        }
        check = c;
    }
    printf("CHECK name=%s value=%llx\n", argv[1], (unsigned long long)check);
    char name[32];
    snprintf(name, sizeof name, "cpu_%s", argv[1]);
    report(name, "s", v, reps, 1);
    return 0;
}
