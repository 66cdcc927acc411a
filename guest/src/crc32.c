/*
 * crc32: CPU-bound benchmark.  Usage: crc32 [KIB] [ROUNDS] (default 64 16).
 * Fills KIB KiB from a fixed LCG, then runs a table-driven CRC-32 (IEEE,
 * reflected, poly 0xedb88320) over the buffer ROUNDS times, feeding each
 * round's result into the next, and prints the final value.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t table[256];

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static long parse(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end != 0 || v <= 0 || v > (1L << 20)) {
        fprintf(stderr, "crc32: bad %s '%s'\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    long kib = 64, rounds = 16;
    if (argc > 3) {
        fprintf(stderr, "usage: crc32 [KIB] [ROUNDS]\n");
        return 2;
    }
    if (argc > 1)
        kib = parse(argv[1], "KIB");
    if (argc > 2)
        rounds = parse(argv[2], "ROUNDS");

    size_t len = (size_t)kib * 1024;
    unsigned char *buf = malloc(len);
    if (!buf) {
        fprintf(stderr, "crc32: out of memory\n");
        return 1;
    }
    uint32_t x = 0x12345678u;
    for (size_t i = 0; i < len; i++) {
        x = x * 1664525u + 1013904223u;
        buf[i] = (unsigned char)(x >> 24);
    }
    make_table();
    /* Sanity check against the standard test vector. */
    if (crc32_update(0, (const unsigned char *)"123456789", 9) != 0xcbf43926u) {
        printf("crc32: self-test failed\n");
        return 1;
    }
    uint32_t crc = 0;
    for (long r = 0; r < rounds; r++)
        crc = crc32_update(crc, buf, len);
    printf("crc32 %ld KiB x %ld = %08x\n", kib, rounds, crc);
    free(buf);
    return 0;
}
