/* 64-bit values taken exactly: file offsets and sizes past 2^53 on tmpfs (lseek, pread/pwrite,
 * ftruncate, fstat, rw_verify_area and RLIMIT_FSIZE edges), resource limits past 2^53, and the
 * memory calls, unshare and clone given addresses, lengths and flag bits near 2^64. */
#include "conform.h"
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <limits.h>

#define P53 (1LL << 53)

static int tmpfs_file(void)
{
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/conform-bits64.%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    unlink(path);
    return fd;
}

static void seek(int fd, long long off, int whence, const char *what)
{
    errno = 0;
    long long r = lseek(fd, off, whence);
    if (r < 0) say("lseek %s: errno=%s", what, ename(errno));
    else say("lseek %s: %lld", what, r);
}

static long long fsize(int fd)
{
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    return (long long)st.st_size;
}

static void test_bits64_offsets(void)
{
    int fd = tmpfs_file();
    seek(fd, P53 + 1, SEEK_SET, "SET 2^53+1");
    seek(fd, 0, SEEK_CUR, "CUR 0");
    seek(fd, 1, SEEK_CUR, "CUR +1");
    seek(fd, -3, SEEK_CUR, "CUR -3");
    seek(fd, -1, SEEK_SET, "SET -1");
    seek(fd, LLONG_MAX, SEEK_SET, "SET LLONG_MAX");
    seek(fd, 1, SEEK_CUR, "CUR +1 past LLONG_MAX");
    char b[8] = {0};
    say("read 1 at LLONG_MAX: %s", res(read(fd, b, 1)));
    say("read 0 at LLONG_MAX: %s", res(read(fd, b, 0)));
    say("write 1 at LLONG_MAX: %s", res(write(fd, "x", 1)));
    say("ftruncate 2^53+1: %s", res(ftruncate(fd, P53 + 1)));
    say("st_size: %lld", fsize(fd));
    seek(fd, 0, SEEK_END, "END 0");
    seek(fd, -1, SEEK_END, "END -1");
    seek(fd, LLONG_MAX, SEEK_END, "END LLONG_MAX (wraps)");
    say("ftruncate -1: %s", res(ftruncate(fd, -1)));
    say("ftruncate LLONG_MAX: %s", res(ftruncate(fd, LLONG_MAX)));
    say("st_size: %lld", fsize(fd));
    seek(fd, 1, SEEK_END, "END +1");
    say("ftruncate 0: %s", res(ftruncate(fd, 0)));
    say("pwrite 1 at 2^62: %s", res(pwrite(fd, "x", 1, 1LL << 62)));
    say("st_size: %lld", fsize(fd));
    memset(b, '.', sizeof b);
    long n = pread(fd, b, 4, (1LL << 62) - 1);
    say("pread 4 at 2^62-1: %ld [%d %d]", n, b[0], b[1]);
    say("pread at -1: %s", res(pread(fd, b, 1, -1)));
    say("pread 2 at LLONG_MAX-1: %s", res(pread(fd, b, 2, LLONG_MAX - 1)));
    say("pwrite 1 at LLONG_MAX-1: %s", res(pwrite(fd, "y", 1, LLONG_MAX - 1)));
    say("st_size: %lld", fsize(fd));
    say("pwrite 1 at LLONG_MAX: %s", res(pwrite(fd, "y", 1, LLONG_MAX)));
    say("pwrite 0 at LLONG_MAX: %s", res(pwrite(fd, "y", 0, LLONG_MAX)));
    seek(fd, P53 + 3, SEEK_SET, "SET 2^53+3");
    say("write 2 at 2^53+3: %s", res(write(fd, "ab", 2)));
    seek(fd, 0, SEEK_CUR, "CUR after write");
    say("pread 2 at 2^53+3: %ld", (long)pread(fd, b, 2, P53 + 3));
    say("bytes: %c%c", b[0], b[1]);
    close(fd);
}

static volatile int xfsz;
static void on_xfsz(int sig) { (void)sig; xfsz++; }

static void test_bits64_fsize(void)
{
    int fd = tmpfs_file();
    struct sigaction sa = {0};
    sa.sa_handler = on_xfsz;
    sigaction(SIGXFSZ, &sa, NULL);
    struct rlimit rl = {(rlim_t)P53 + 10, RLIM_INFINITY};
    CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
    /* stdout may be a regular file under the limit too: results are printed with the limit lifted */
    char out[6][96];
    long r[6];
    int sig[6];
    r[0] = pwrite(fd, "abcd", 4, P53 + 8), sig[0] = xfsz;
    r[1] = pwrite(fd, "a", 1, P53 + 10), r[1] = r[1] < 0 ? -errno : r[1], sig[1] = xfsz;
    r[2] = ftruncate(fd, P53 + 11), r[2] = r[2] < 0 ? -errno : r[2], sig[2] = xfsz;
    r[3] = ftruncate(fd, P53 + 10), r[3] = r[3] < 0 ? -errno : r[3], sig[3] = xfsz;
    /* a limit of 2^63 is negative as the loff_t generic_write_checks compares with */
    rl.rlim_cur = 1ULL << 63;
    CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
    r[4] = pwrite(fd, "a", 1, 0), r[4] = r[4] < 0 ? -errno : r[4], sig[4] = xfsz;
    r[5] = ftruncate(fd, 1LL << 62), r[5] = r[5] < 0 ? -errno : r[5], sig[5] = xfsz;
    rl.rlim_cur = RLIM_INFINITY;
    CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
    static const char *what[6] = {"pwrite 4 at 2^53+8", "pwrite 1 at 2^53+10", "ftruncate 2^53+11", "ftruncate 2^53+10",
                                  "limit 2^63, pwrite 1 at 0", "limit 2^63, ftruncate 2^62"};
    for (int i = 0; i < 6; i++) {
        if (r[i] < 0) snprintf(out[i], sizeof out[i], "errno=%s", ename((int)-r[i]));
        else snprintf(out[i], sizeof out[i], "%ld", r[i]);
        say("%s: %s SIGXFSZ=%d", what[i], out[i], sig[i]);
    }
    say("st_size: %lld", fsize(fd));
    close(fd);
}

static void show_limit(int res_, const char *what)
{
    struct rlimit rl;
    CHECK(prlimit(0, res_, NULL, &rl) == 0);
    say("%s: cur=%llu max=%llu", what, (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
}

static void test_bits64_rlimits(void)
{
    pid_t p = fork();
    CHECK(p >= 0);
    if (p == 0) {
        struct rlimit rl = {(rlim_t)P53 + 1, (1ULL << 63) + 5};
        say("prlimit64 FSIZE 2^53+1/2^63+5: %s", res(prlimit(0, RLIMIT_FSIZE, &rl, NULL)));
        show_limit(RLIMIT_FSIZE, "FSIZE");
        rl.rlim_cur = (rlim_t)P53 + 3;
        rl.rlim_max = (rlim_t)P53 + 2;
        say("cur above max: %s", res(prlimit(0, RLIMIT_FSIZE, &rl, NULL)));
        rl.rlim_cur = ~0ULL - 1;
        rl.rlim_max = ~0ULL - 1;
        say("setrlimit STACK 2^64-2: %s", res(setrlimit(RLIMIT_STACK, &rl)));
        show_limit(RLIMIT_STACK, "STACK");
        rl.rlim_cur = 64;
        rl.rlim_max = P53 + 7;
        say("NOFILE max 2^53+7: %s", res(prlimit(0, RLIMIT_NOFILE, &rl, NULL)));
        rl.rlim_cur = (1ULL << 53) - 1;
        rl.rlim_max = RLIM_INFINITY;
        say("CORE 2^53-1: %s", res(setrlimit(RLIMIT_CORE, &rl)));
        show_limit(RLIMIT_CORE, "CORE");
        char buf[4096];
        int fd = open("/proc/self/limits", O_RDONLY);
        CHECK(fd >= 0);
        long n = read(fd, buf, sizeof buf - 1);
        CHECK(n > 0);
        buf[n] = 0;
        for (char *l = strtok(buf, ""); l; l = strtok(NULL, "\n"))
            if (strncmp(l, "Max file size", 13) == 0 || strncmp(l, "Max stack size", 14) == 0 || strncmp(l, "Max core", 8) == 0) say("%s", l);
        _exit(0);
    }
    wait_print("child", p, 0);
}

#define HUGE_ADDR 0x12345678abcde000UL

static void test_bits64_mm(void)
{
    long pg = 4096;
    void *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    unsigned long a = (unsigned long)p;
    say("mmap len 2^64-1: %s", res(syscall(SYS_mmap, 0, ~0UL, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
    say("mmap len 2^53+1: %s", res(syscall(SYS_mmap, 0, (1UL << 53) + 1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
    say("mmap fixed huge: %s", res(syscall(SYS_mmap, HUGE_ADDR, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)));
    say("mmap fixed huge+1: %s", res(syscall(SYS_mmap, HUGE_ADDR + 0xf01, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)));
    say("mmap fixed 2^64-4096: %s", res(syscall(SYS_mmap, -4096UL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)));
    long h = syscall(SYS_mmap, HUGE_ADDR, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    say("mmap hint huge: %s", res(h));
    if (h > 0) munmap((void *)h, pg);
    int fd = tmpfs_file();
    CHECK(ftruncate(fd, 1LL << 61) == 0);
    say("mmap offset 2^53+1: %s", res(syscall(SYS_mmap, 0, pg, PROT_READ, MAP_PRIVATE, fd, (1UL << 53) + 1)));
    long m = syscall(SYS_mmap, 0, pg, PROT_READ, MAP_SHARED, fd, (1UL << 60) + 4096);
    say("mmap offset 2^60+4096: %s", res(m));
    if (m > 0) {
        say("byte there: %d", *(volatile char *)m);
        munmap((void *)m, pg);
    }
    close(fd);
    say("munmap huge: %s", res(syscall(SYS_munmap, HUGE_ADDR, pg)));
    say("munmap huge+0xf01: %s", res(syscall(SYS_munmap, HUGE_ADDR + 0xf01, pg)));
    say("munmap len 2^64-1: %s", res(syscall(SYS_munmap, a, ~0UL)));
    say("munmap len 2^53+1: %s", res(syscall(SYS_munmap, a, (1UL << 53) + 1)));
    say("mprotect huge: %s", res(syscall(SYS_mprotect, HUGE_ADDR, pg, PROT_READ)));
    say("mprotect huge+0xf01: %s", res(syscall(SYS_mprotect, HUGE_ADDR + 0xf01, pg, PROT_READ)));
    say("mprotect len 2^64-1: %s", res(syscall(SYS_mprotect, a, ~0UL, PROT_READ)));
    say("mprotect len 2^53+1: %s", res(syscall(SYS_mprotect, a, (1UL << 53) + 1, PROT_READ)));
    say("mremap huge: %s", res(syscall(SYS_mremap, HUGE_ADDR, pg, 2 * pg, MREMAP_MAYMOVE, 0)));
    say("mremap huge+0xf01: %s", res(syscall(SYS_mremap, HUGE_ADDR + 0xf01, pg, 2 * pg, MREMAP_MAYMOVE, 0)));
    say("mremap new len 2^64-1: %s", res(syscall(SYS_mremap, a, pg, ~0UL, MREMAP_MAYMOVE, 0)));
    say("mremap new len 2^53+4096: %s", res(syscall(SYS_mremap, a, pg, (1UL << 53) + 4096, MREMAP_MAYMOVE, 0)));
    say("madvise huge: %s", res(syscall(SYS_madvise, HUGE_ADDR, pg, MADV_DONTNEED)));
    say("madvise huge+0xf01: %s", res(syscall(SYS_madvise, HUGE_ADDR + 0xf01, pg, MADV_DONTNEED)));
    say("madvise len 2^64-1: %s", res(syscall(SYS_madvise, a, ~0UL, MADV_DONTNEED)));
    say("madvise 2^64-4096 len 8192: %s", res(syscall(SYS_madvise, -4096UL, 2 * pg, MADV_DONTNEED)));
    say("madvise len 0 bad advice: %s", res(syscall(SYS_madvise, a, 0, 7)));
    say("msync huge: %s", res(syscall(SYS_msync, HUGE_ADDR, pg, MS_SYNC)));
    say("msync 2^64-4096 len 8192: %s", res(syscall(SYS_msync, -4096UL, 2 * pg, MS_SYNC)));
    say("msync len 2^64-1: %s", res(syscall(SYS_msync, a, ~0UL, MS_SYNC)));
    munmap(p, pg);
}

static void test_bits64_flags(void)
{
    say("unshare bit 32: %s", res(syscall(SYS_unshare, 1UL << 32)));
    say("unshare bit 40|CLONE_NEWUTS: %s", res(syscall(SYS_unshare, (1UL << 40) | CLONE_NEWUTS)));
    say("unshare bit 63|CLONE_FILES: %s", res(syscall(SYS_unshare, (1UL << 63) | CLONE_FILES)));
    say("unshare CLONE_FILES: %s", res(syscall(SYS_unshare, CLONE_FILES)));
    /* legacy clone looks at the low 32 bits only */
    long c = raw_clone(SIGCHLD | (1UL << 33) | (1UL << 63), 0, 0, 0, 0);
    if (c == 0) _exit(7);
    say("clone with bits 33 and 63: %s", res(c));
    if (c > 0) wait_print("child", (pid_t)c, 0);
    c = raw_clone(SIGCHLD | (1UL << 32) | CLONE_NEWCGROUP, 0, 0, 0, 0);
    if (c == 0) _exit(8);
    say("clone with bit 32|CLONE_NEWCGROUP: %s", res(c));
    if (c > 0) wait_print("child", (pid_t)c, 0);
}

const struct conform_test bits64_tests[] = {
    T(bits64_offsets, "tmpfs offsets and sizes past 2^53 up to LLONG_MAX: lseek results, SEEK_END wrap, rw_verify_area EINVAL, pwrite at 2^62, st_size"),
    T(bits64_fsize, "RLIMIT_FSIZE past 2^53 (SIGXFSZ, EFBIG, partial write) and a limit of 2^63 that generic_write_checks sees as negative"),
    T(bits64_rlimits, "prlimit64/setrlimit values past 2^53 read back exactly, in /proc/self/limits too"),
    T(bits64_mm, "mmap/munmap/mprotect/mremap/madvise/msync with addresses and lengths past 2^53 and near 2^64, file offsets past 2^53"),
    T(bits64_flags, "unshare refuses flag bits above 31; legacy clone ignores them"),
    {0},
};
