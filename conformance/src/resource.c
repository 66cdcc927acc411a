/* resource.c - the older resource calls programs still make directly: getrlimit and
 * setrlimit (Go's runtime calls getrlimit), getpriority and setpriority, and how
 * they agree with prlimit64 and /proc. */
#include "conform.h"
#include <sys/resource.h>

struct rl64 { uint64_t cur, max; };

static const char *lim(uint64_t v)
{
    static char b[4][24];
    static int i;
    char *s = b[i++ & 3];
    if (v == (uint64_t)-1) return "unlimited";
    snprintf(s, 24, "%llu", (unsigned long long)v);
    return s;
}

static void test_res_getrlimit(void)
{
    struct rl64 r, p;
    say("raw getrlimit(RLIMIT_NOFILE): %s", res(syscall(SYS_getrlimit, RLIMIT_NOFILE, &r)));
    CHECK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &p) == 0);
    say("  agrees with prlimit64: %s", yesno(r.cur == p.cur && r.max == p.max));
    r.cur = 64;
    say("raw setrlimit(RLIMIT_NOFILE, 64/max): %s", res(syscall(SYS_setrlimit, RLIMIT_NOFILE, &r)));
    CHECK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &p) == 0);
    say("  prlimit64 sees cur %s", lim(p.cur));
    r.cur = r.max + 1;
    say("setrlimit cur > max: %s", res(syscall(SYS_setrlimit, RLIMIT_NOFILE, &r)));
    r.cur = r.max = (uint64_t)1 << 40;
    say("setrlimit(RLIMIT_NOFILE) past nr_open: %s", res(syscall(SYS_setrlimit, RLIMIT_NOFILE, &r)));
    say("getrlimit(resource 99): %s", res(syscall(SYS_getrlimit, 99, &r)));
    say("getrlimit(bad address): %s", res(syscall(SYS_getrlimit, RLIMIT_NOFILE, (void *)8)));
    say("setrlimit(bad address): %s", res(syscall(SYS_setrlimit, RLIMIT_NOFILE, (void *)8)));
    CHECK(syscall(SYS_getrlimit, RLIMIT_CORE, &r) == 0);
    r.cur = 0;
    say("setrlimit(RLIMIT_CORE, 0): %s", res(syscall(SYS_setrlimit, RLIMIT_CORE, &r)));
    char buf[4096];
    int fd = open("/proc/self/limits", O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *l = strstr(buf, "Max open files");
    say("/proc/self/limits shows it: %s", yesno(l && strncmp(l + 26, "64 ", 3) == 0));
    /* another process's limits need its ids or CAP_SYS_RESOURCE */
    struct chan go;
    chan_open(&go);
    pid_t c = xfork();
    if (c == 0) {
        chan_recv(&go);
        _exit(0);
    }
    pid_t c2 = xfork();
    if (c2 == 0) {
        CHECK(setresuid(65534, 65534, 65534) == 0);
        struct rl64 q;
        say("unprivileged prlimit64 of another user's process: %s", res(syscall(SYS_prlimit64, c, RLIMIT_NOFILE, NULL, &q)));
        say("unprivileged raise of its hard limit: %s", res((q.max = (uint64_t)-1, syscall(SYS_prlimit64, 0, RLIMIT_CORE, &q, NULL))));
        _exit(0);
    }
    wait_clean("unprivileged", c2);
    chan_send(&go, 1);
    wait_clean("child", c);
}

static void test_res_priority(void)
{
    errno = 0;
    say("raw getpriority(PRIO_PROCESS, 0): %ld (20 - nice)", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    say("setpriority(PRIO_PROCESS, 0, 5): %s", res(setpriority(PRIO_PROCESS, 0, 5)));
    errno = 0;
    say("getpriority now: %d", getpriority(PRIO_PROCESS, 0));
    char buf[512];
    int fd = open("/proc/self/stat", O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *p = strrchr(buf, ')');
    int prio = 0, nice = 0;
    /* fields 18 and 19 after "pid (comm) " */
    for (int i = 0; p && i < 16; i++) p = strchr(p + 1, ' ');
    if (p) sscanf(p + 1, "%d %d", &prio, &nice);
    say("/proc/self/stat priority %d nice %d", prio, nice);
    say("setpriority 100 (clamped to 19): %s", res(setpriority(PRIO_PROCESS, 0, 100)));
    say("getpriority: %d", getpriority(PRIO_PROCESS, 0));
    say("setpriority(which 7): %s", res(setpriority(7, 0, 0)));
    say("getpriority(which 7): %s", res(syscall(SYS_getpriority, 7, 0)));
    say("getpriority(PRIO_PROCESS, no such pid): %s", res(syscall(SYS_getpriority, PRIO_PROCESS, 999999)));
    pid_t c = xfork();
    if (c == 0) {
        say("  a child inherits nice: %d", getpriority(PRIO_PROCESS, 0));
        CHECK(setpgid(0, 0) == 0);
        say("  PRIO_PGRP of its own group: %ld", syscall(SYS_getpriority, PRIO_PGRP, 0));
        _exit(0);
    }
    wait_clean("child", c);
    say("PRIO_USER of root: %s", yesno(syscall(SYS_getpriority, PRIO_USER, 0) > 0));
    c = xfork();
    if (c == 0) {
        CHECK(setresuid(65534, 65534, 65534) == 0);
        say("  unprivileged: lower its nice (raise priority): %s", res(setpriority(PRIO_PROCESS, 0, 0)));
        say("  unprivileged: raise its nice: %s", res(setpriority(PRIO_PROCESS, 0, 19)));
        say("  unprivileged: renice its parent (root's): %s", res(setpriority(PRIO_PROCESS, getppid(), 19)));
        _exit(0);
    }
    wait_clean("unprivileged", c);
    say("back to 0: %s", res(setpriority(PRIO_PROCESS, 0, 0)));
}

const struct conform_test resource_tests[] = {
    T(res_getrlimit, "raw getrlimit/setrlimit (163/164 on riscv64) against prlimit64 and /proc/self/limits; EINVAL, EFAULT, EPERM"),
    T(res_priority, "getpriority/setpriority: 20 - nice, clamping, /proc stat fields, inheritance, EINVAL, ESRCH, EACCES, EPERM"),
    { 0, 0, 0 },
};
