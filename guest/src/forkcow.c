/*
 * forkcow: fork / copy-on-write / wait semantics.
 *
 * Prints normalized observations only: never raw pids, addresses or paths,
 * so the output is identical on every Linux (and under qemu-user).  Every
 * fork() is preceded by fflush(stdout); children that print do so before
 * the parent prints anything else (the parent waits for them first), so the
 * line order is deterministic whether stdout is a tty, a pipe or a file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define HEAP_BIG (1024 * 1024) /* served by mmap in glibc */
#define HEAP_SMALL (64 * 1024) /* served by brk in glibc */
#define PRIV_LEN (16 * PAGE)
#define SHARED_LEN (4 * PAGE)

static const char *yesno(int c) { return c ? "yes" : "no"; }

static void die(const char *what)
{
    printf("FATAL: %s: %s\n", what, strerror(errno));
    fflush(stdout);
    _exit(99);
}

static pid_t xfork(void)
{
    fflush(stdout);
    pid_t p = fork();
    if (p < 0)
        die("fork");
    return p;
}

static int reap(pid_t pid)
{
    int st = 0;
    pid_t r;
    do
        r = waitpid(pid, &st, 0);
    while (r < 0 && errno == EINTR);
    if (r != pid)
        die("waitpid");
    return st;
}

static void show_status(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%s: WIFEXITED=1 WEXITSTATUS=%d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: WIFSIGNALED=1 WTERMSIG=%d WCOREDUMP=%d\n", what,
               WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
    else
        printf("%s: other status 0x%x\n", what, st);
}

static void xpipe(int fd[2])
{
    if (pipe(fd) != 0)
        die("pipe");
}

static void put_byte(int fd, char c)
{
    if (write(fd, &c, 1) != 1)
        die("write");
}

static char get_byte(int fd)
{
    char c = 0;
    ssize_t n;
    do
        n = read(fd, &c, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        return '?';
    return c;
}

static int read_full(int fd, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return (int)got;
        got += (size_t)n;
    }
    return (int)got;
}

static int write_full(int fd, const void *buf, size_t len)
{
    size_t put = 0;
    while (put < len) {
        ssize_t n = write(fd, (const char *)buf + put, len - put);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        put += (size_t)n;
    }
    return 0;
}

/* FNV-1a over a byte range; deterministic content -> deterministic value. */
static uint32_t fnv(const volatile unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static void fill(volatile unsigned char *p, size_t n, uint32_t seed)
{
    uint32_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (unsigned char)(x >> 16);
    }
}

/* ------------------------------------------------------------------ */

static volatile int g_counter = 1234;
static volatile unsigned char g_pages[3 * PAGE];

static void test_fork_basics(void)
{
    printf("== fork return values\n");
    pid_t parent = getpid();
    pid_t pid = xfork();
    if (pid == 0) {
        printf("child: fork returned 0: yes\n");
        printf("child: getppid == parent getpid: %s\n", yesno(getppid() == parent));
        printf("child: getpid != parent getpid: %s\n", yesno(getpid() != parent));
        exit(0);
    }
    int st = reap(pid);
    printf("parent: fork returned > 0: %s\n", yesno(pid > 0));
    printf("parent: fork returned != own pid: %s\n", yesno(pid != getpid()));
    printf("parent: getpid unchanged by fork: %s\n", yesno(getpid() == parent));
    show_status("child", st);
}

static void test_cow_private(void)
{
    printf("== copy-on-write of private memory\n");
    volatile unsigned char *big = malloc(HEAP_BIG);
    volatile unsigned char *small = malloc(HEAP_SMALL);
    volatile unsigned char *priv = mmap(NULL, PRIV_LEN, PROT_READ | PROT_WRITE,
                                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile unsigned char stackbuf[2 * PAGE + 123];
    if (!big || !small || priv == MAP_FAILED)
        die("alloc");
    fill(big, HEAP_BIG, 1);
    fill(small, HEAP_SMALL, 2);
    fill(priv, PRIV_LEN, 3);
    fill(stackbuf, sizeof stackbuf, 4);
    g_counter = 1234;

    uint32_t c_big = fnv(big, HEAP_BIG), c_small = fnv(small, HEAP_SMALL);
    uint32_t c_priv = fnv(priv, PRIV_LEN), c_stack = fnv(stackbuf, sizeof stackbuf);
    printf("checksums before fork: heap1M=%08x heap64K=%08x mmap=%08x stack=%08x\n",
           c_big, c_small, c_priv, c_stack);

    int go[2];
    xpipe(go);
    pid_t pid = xfork();
    if (pid == 0) {
        close(go[1]);
        /* Wait until the parent has modified its copies. */
        char c = get_byte(go[0]);
        printf("child: got go byte: %c\n", c);
        printf("child: sees original global (1234): %d\n", g_counter);
        printf("child: sees original heap1M: %s\n", yesno(fnv(big, HEAP_BIG) == c_big));
        printf("child: sees original heap64K: %s\n", yesno(fnv(small, HEAP_SMALL) == c_small));
        printf("child: sees original mmap: %s\n", yesno(fnv(priv, PRIV_LEN) == c_priv));
        printf("child: sees original stack: %s\n",
               yesno(fnv(stackbuf, sizeof stackbuf) == c_stack));
        /* Now modify everything in the child. */
        g_counter = 5678;
        fill(big, HEAP_BIG, 11);
        fill(small, HEAP_SMALL, 12);
        fill(priv, PRIV_LEN, 13);
        fill(stackbuf, sizeof stackbuf, 14);
        printf("child: global after write: %d\n", g_counter);
        printf("child: checksums after write: heap1M=%08x heap64K=%08x mmap=%08x stack=%08x\n",
               fnv(big, HEAP_BIG), fnv(small, HEAP_SMALL), fnv(priv, PRIV_LEN),
               fnv(stackbuf, sizeof stackbuf));
        exit(0);
    }
    close(go[0]);
    /* Parent writes one byte in a few pages before the child looks. */
    g_counter = 999;
    big[HEAP_BIG / 2] ^= 0xff;
    small[100] ^= 0xff;
    priv[PAGE * 5 + 7] ^= 0xff;
    stackbuf[PAGE + 1] ^= 0xff;
    put_byte(go[1], 'G');
    close(go[1]);
    int st = reap(pid);
    show_status("child", st);
    printf("parent: global (expect 999): %d\n", g_counter);
    big[HEAP_BIG / 2] ^= 0xff;
    small[100] ^= 0xff;
    priv[PAGE * 5 + 7] ^= 0xff;
    stackbuf[PAGE + 1] ^= 0xff;
    printf("parent: heap1M unchanged by child: %s\n", yesno(fnv(big, HEAP_BIG) == c_big));
    printf("parent: heap64K unchanged by child: %s\n", yesno(fnv(small, HEAP_SMALL) == c_small));
    printf("parent: mmap unchanged by child: %s\n", yesno(fnv(priv, PRIV_LEN) == c_priv));
    printf("parent: stack unchanged by child: %s\n",
           yesno(fnv(stackbuf, sizeof stackbuf) == c_stack));
    printf("parent: checksums now: heap1M=%08x heap64K=%08x mmap=%08x stack=%08x\n",
           fnv(big, HEAP_BIG), fnv(small, HEAP_SMALL), fnv(priv, PRIV_LEN),
           fnv(stackbuf, sizeof stackbuf));

    /* Child that never touches the memory: parent writes after it exits. */
    pid = xfork();
    if (pid == 0)
        _exit(7);
    show_status("idle child", reap(pid));
    fill(big, HEAP_BIG, 21);
    printf("parent: heap1M writable after idle child exit: %s (%08x)\n",
           yesno(fnv(big, HEAP_BIG) != c_big), fnv(big, HEAP_BIG));

    munmap((void *)priv, PRIV_LEN);
    free((void *)small);
    free((void *)big);
}

static void test_shared(void)
{
    printf("== MAP_SHARED|MAP_ANONYMOUS\n");
    volatile uint32_t *sh = mmap(NULL, SHARED_LEN, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        die("mmap shared");
    const size_t per_page = PAGE / sizeof(uint32_t);
    sh[0] = 0x11111111; /* only page 0 is touched before fork */

    pid_t pid = xfork();
    if (pid == 0) {
        printf("child: sees parent's initial value: %s\n", yesno(sh[0] == 0x11111111));
        sh[0] = 0xabcd0001;
        sh[2 * per_page + 5] = 0xabcd0002; /* untouched page */
        sh[3 * per_page + per_page - 1] = 0xabcd0003;
        exit(0);
    }
    show_status("writer child", reap(pid));
    printf("parent: page0 = %08x\n", sh[0]);
    printf("parent: page2 = %08x\n", sh[2 * per_page + 5]);
    printf("parent: page3 = %08x\n", sh[3 * per_page + per_page - 1]);
    printf("parent: page1 still zero: %s\n", yesno(sh[per_page + 9] == 0));

    sh[per_page + 9] = 0x22222222;
    pid = xfork();
    if (pid == 0) {
        printf("child2: sees parent's later write: %s (%08x)\n",
               yesno(sh[per_page + 9] == 0x22222222), sh[per_page + 9]);
        printf("child2: sees first child's write: %s\n", yesno(sh[0] == 0xabcd0001));
        /* Exit status reports the value through a second channel. */
        exit(sh[per_page + 9] == 0x22222222 ? 0 : 1);
    }
    show_status("reader child", reap(pid));

    /* Concurrent ping-pong through shared memory, synchronized by pipes. */
    int a[2], b[2];
    xpipe(a);
    xpipe(b);
    pid = xfork();
    if (pid == 0) {
        close(a[1]);
        close(b[0]);
        for (int i = 0; i < 10; i++) {
            if (get_byte(a[0]) != 'p')
                _exit(2);
            sh[1] = sh[1] * 3 + 1;
            put_byte(b[1], 'q');
        }
        _exit(0);
    }
    close(a[0]);
    close(b[1]);
    sh[1] = 1;
    for (int i = 0; i < 10; i++) {
        put_byte(a[1], 'p');
        if (get_byte(b[0]) != 'q')
            break;
        sh[1] = sh[1] + 2;
    }
    close(a[1]);
    close(b[0]);
    show_status("ping-pong child", reap(pid));
    printf("parent: ping-pong result = %u\n", sh[1]);
    munmap((void *)sh, SHARED_LEN);
}

static void test_many_children(void)
{
    printf("== several children with distinct exit statuses\n");
    static const int codes[6] = {0, 1, 7, 42, 100, 254};
    pid_t pids[6];
    for (int i = 0; i < 6; i++) {
        pids[i] = xfork();
        if (pids[i] == 0)
            _exit(codes[i]);
    }
    int distinct = 1;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < i; j++)
            if (pids[i] == pids[j])
                distinct = 0;
    printf("child pids distinct: %s\n", yesno(distinct));
    /* Reap in reverse creation order with waitpid(pid, ...). */
    for (int i = 4; i >= 0; i--) {
        char what[64];
        snprintf(what, sizeof what, "waitpid child %d (exit %d)", i, codes[i]);
        show_status(what, reap(pids[i]));
    }
    /* Exactly one child remains: wait() must return it. */
    int st = 0;
    pid_t r = wait(&st);
    printf("wait() returned the last child: %s\n", yesno(r == pids[5]));
    show_status("wait child 5 (exit 254)", st);

    /* waitpid(-1) with a single child. */
    pid_t p = xfork();
    if (p == 0)
        _exit(3);
    r = waitpid(-1, &st, 0);
    printf("waitpid(-1) returned the child: %s\n", yesno(r == p));
    show_status("waitpid(-1) child", st);

    /* Many sequential forks: nothing may leak. */
    int ok = 1;
    for (int i = 0; i < 64; i++) {
        p = xfork();
        if (p == 0)
            _exit(i & 0xff);
        st = reap(p);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != i)
            ok = 0;
    }
    printf("64 sequential fork+waitpid: %s\n", yesno(ok));

    /* 16 children alive at once. */
    pid_t many[16];
    for (int i = 0; i < 16; i++) {
        many[i] = xfork();
        if (many[i] == 0)
            _exit(100 + i);
    }
    ok = 1;
    for (int i = 0; i < 16; i++) {
        st = reap(many[i]);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 100 + i)
            ok = 0;
    }
    printf("16 concurrent children reaped in order: %s\n", yesno(ok));
}

static void test_signals(void)
{
    printf("== children killed by signals\n");
    struct rlimit rl = {0, 0};
    printf("setrlimit(RLIMIT_CORE, 0): %d\n", setrlimit(RLIMIT_CORE, &rl));

    pid_t pid = xfork();
    if (pid == 0) {
        /* Plain C would let gcc drop the store as undefined behaviour. */
        volatile int *volatile p = NULL;
        volatile int *q = p;
        __asm__ volatile("sw %1, 0(%0)" : : "r"(q), "r"(42) : "memory");
        _exit(0);
    }
    show_status("NULL write child", reap(pid));

    volatile int *ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ro == MAP_FAILED)
        die("mmap ro");
    ro[0] = 77;
    printf("mprotect(PROT_READ): %d\n", mprotect((void *)ro, PAGE, PROT_READ));
    pid = xfork();
    if (pid == 0) {
        int v = ro[0]; /* reading is fine */
        __asm__ volatile("sw %1, 4(%0)" : : "r"(ro), "r"(v) : "memory"); /* writing is not */
        _exit(0);
    }
    show_status("read-only write child", reap(pid));
    printf("parent: read-only page still readable: %d\n", ro[0]);

    /* A child changing protections does not affect the parent. */
    volatile int *rw = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rw == MAP_FAILED)
        die("mmap rw");
    rw[0] = 5;
    pid = xfork();
    if (pid == 0) {
        mprotect((void *)rw, PAGE, PROT_NONE);
        munmap((void *)ro, PAGE);
        _exit(0);
    }
    show_status("mprotect child", reap(pid));
    rw[0] += 1;
    printf("parent: page still writable after child's mprotect: %d\n", rw[0]);
    printf("parent: page still mapped after child's munmap: %d\n", ro[0]);
    munmap((void *)rw, PAGE);
    munmap((void *)ro, PAGE);

    /* SIGKILL from the parent while the child is blocked in read(). */
    int fd[2];
    xpipe(fd);
    pid = xfork();
    if (pid == 0) {
        close(fd[1]);
        get_byte(fd[0]);
        _exit(0);
    }
    close(fd[0]);
    printf("kill(child, SIGKILL): %d\n", kill(pid, SIGKILL));
    show_status("killed child", reap(pid));
    close(fd[1]);
}

static void test_wnohang(void)
{
    printf("== waitpid WNOHANG and ECHILD\n");
    int fd[2];
    xpipe(fd);
    pid_t pid = xfork();
    if (pid == 0) {
        close(fd[1]);
        char c = get_byte(fd[0]);
        _exit(c == 'x' ? 21 : 22);
    }
    close(fd[0]);
    int st = 12345;
    pid_t r = waitpid(pid, &st, WNOHANG);
    printf("waitpid(WNOHANG) on running child: %d\n", (int)r);
    printf("status untouched: %s\n", yesno(st == 12345));
    put_byte(fd[1], 'x');
    close(fd[1]);
    r = waitpid(pid, &st, 0);
    printf("blocking waitpid returned child: %s\n", yesno(r == pid));
    show_status("released child", st);

    errno = 0;
    r = wait(&st);
    printf("wait() with no children: %d errno=%s\n", (int)r,
           errno == ECHILD ? "ECHILD" : strerror(errno));
    errno = 0;
    r = waitpid(pid, &st, 0);
    printf("waitpid(reaped pid): %d errno=%s\n", (int)r,
           errno == ECHILD ? "ECHILD" : strerror(errno));
    errno = 0;
    r = waitpid(-1, &st, WNOHANG);
    printf("waitpid(-1, WNOHANG) with no children: %d errno=%s\n", (int)r,
           errno == ECHILD ? "ECHILD" : strerror(errno));
}

static void test_pipes(void)
{
    printf("== pipes between parent and child\n");
    int down[2], up[2];
    xpipe(down);
    xpipe(up);
    pid_t pid = xfork();
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        char buf[64];
        int n = 0;
        /* Read one line, uppercase it, send it back. */
        while (n < (int)sizeof buf - 1) {
            char c = get_byte(down[0]);
            if (c == '?' || c == '\n')
                break;
            buf[n++] = c;
        }
        for (int i = 0; i < n; i++)
            if (buf[i] >= 'a' && buf[i] <= 'z')
                buf[i] -= 32;
        buf[n++] = '\n';
        write_full(up[1], buf, n);
        /* Then send a large block (bigger than a pipe buffer). */
        static unsigned char big[256 * 1024];
        fill(big, sizeof big, 99);
        write_full(up[1], big, sizeof big);
        close(up[1]);
        /* Read until EOF and report the byte count as exit status. */
        int total = 0;
        char tmp[100];
        ssize_t k;
        while ((k = read(down[0], tmp, sizeof tmp)) > 0)
            total += (int)k;
        _exit(total == 1000 ? 0 : 1);
    }
    close(down[0]);
    close(up[1]);
    const char *msg = "ping from parent\n";
    write_full(down[1], msg, strlen(msg));
    char line[64] = {0};
    int n = 0;
    while (n < 63) {
        char c = get_byte(up[0]);
        if (c == '\n' || c == '?')
            break;
        line[n++] = c;
    }
    printf("reply: %s\n", line);
    static unsigned char got[256 * 1024], want[256 * 1024];
    int m = read_full(up[0], got, sizeof got);
    fill(want, sizeof want, 99);
    printf("bulk bytes: %d match: %s checksum %08x\n", m,
           yesno(m == (int)sizeof got && memcmp(got, want, sizeof got) == 0),
           fnv(got, sizeof got));
    char extra;
    printf("read after child closed its end: %d (EOF)\n", (int)read(up[0], &extra, 1));
    char thousand[1000];
    memset(thousand, 'z', sizeof thousand);
    write_full(down[1], thousand, sizeof thousand);
    close(down[1]);
    show_status("pipe child", reap(pid));
    close(up[0]);

    /* Write to a pipe with no reader: EPIPE (SIGPIPE ignored). */
    int p[2];
    xpipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    ssize_t w = write(p[1], "x", 1);
    printf("write to pipe without reader: %d errno=%s\n", (int)w,
           errno == EPIPE ? "EPIPE" : strerror(errno));
    close(p[1]);
    signal(SIGPIPE, SIG_DFL);

    /* Default SIGPIPE kills a child. */
    xpipe(p);
    close(p[0]);
    pid = xfork();
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    close(p[1]);
    show_status("SIGPIPE child", reap(pid));
}

static void test_grandchild(void)
{
    printf("== grandchild\n");
    volatile int32_t *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        die("mmap");
    pid_t top = getpid();
    pid_t pid = xfork();
    if (pid == 0) {
        pid_t me = getpid();
        pid_t g = xfork();
        if (g == 0) {
            printf("grandchild: getppid == child getpid: %s\n", yesno(getppid() == me));
            printf("grandchild: getppid != top getpid: %s\n", yesno(getppid() != top));
            sh[0] = getpid();
            exit(33);
        }
        int st = reap(g);
        printf("child: grandchild pid reported via shared memory: %s\n", yesno(sh[0] == g));
        show_status("child: grandchild", st);
        sh[1] = g;
        exit(WIFEXITED(st) ? WEXITSTATUS(st) + 1 : 0);
    }
    show_status("child", reap(pid));
    int st;
    errno = 0;
    pid_t r = waitpid(sh[1], &st, WNOHANG);
    printf("waitpid(grandchild) from top: %d errno=%s\n", (int)r,
           errno == ECHILD ? "ECHILD" : strerror(errno));
    munmap((void *)sh, PAGE);
}

static void test_nested_cow(void)
{
    printf("== nested fork of COW-shared memory\n");
    for (int p = 0; p < 3; p++)
        memset((void *)&g_pages[p * PAGE], 'A', PAGE);
    int ready[2], go_child[2], go_grand[2];
    xpipe(ready);
    xpipe(go_child);
    xpipe(go_grand);
    pid_t pid = xfork();
    if (pid == 0) {
        close(ready[0]);
        close(go_child[1]);
        /* Fork again while every page is still shared with the parent. */
        pid_t g = xfork();
        if (g == 0) {
            close(ready[1]);
            close(go_grand[1]);
            get_byte(go_grand[0]);
            printf("grandchild: before write: %c %c %c\n",
                   g_pages[0], g_pages[PAGE], g_pages[2 * PAGE]);
            memset((void *)&g_pages[2 * PAGE], 'G', PAGE);
            printf("grandchild: after write: %c %c %c\n",
                   g_pages[0], g_pages[PAGE], g_pages[2 * PAGE]);
            exit(0);
        }
        close(go_grand[0]);
        put_byte(ready[1], 'r');
        get_byte(go_child[0]);
        printf("child: before write: %c %c %c\n",
               g_pages[0], g_pages[PAGE], g_pages[2 * PAGE]);
        memset((void *)&g_pages[PAGE], 'C', PAGE);
        printf("child: after write: %c %c %c\n",
               g_pages[0], g_pages[PAGE], g_pages[2 * PAGE]);
        fflush(stdout);
        put_byte(go_grand[1], 'g');
        int st = reap(g);
        printf("child: after grandchild exit: %c %c %c (grandchild %s)\n",
               g_pages[0], g_pages[PAGE], g_pages[2 * PAGE],
               WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "failed");
        exit(0);
    }
    close(ready[1]);
    close(go_child[0]);
    close(go_grand[0]);
    close(go_grand[1]);
    get_byte(ready[0]); /* the grandchild exists now */
    memset((void *)&g_pages[0], 'P', PAGE);
    printf("parent: after write: %c %c %c\n", g_pages[0], g_pages[PAGE], g_pages[2 * PAGE]);
    fflush(stdout);
    put_byte(go_child[1], 'c');
    show_status("child", reap(pid));
    printf("parent: at end: %c %c %c\n", g_pages[0], g_pages[PAGE], g_pages[2 * PAGE]);
    close(ready[0]);
    close(go_child[1]);
}

static void test_exit_truncation(void)
{
    printf("== exit status truncation\n");
    static const int codes[] = {255, 256, 257, -1, 511};
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid_t pid = xfork();
        if (pid == 0)
            exit(codes[i]);
        char what[32];
        snprintf(what, sizeof what, "exit(%d)", codes[i]);
        show_status(what, reap(pid));
    }
    pid_t pid = xfork();
    if (pid == 0)
        _exit(256 + 5);
    show_status("_exit(261)", reap(pid));
}

static void test_stdio(void)
{
    printf("== stdio buffering across fork\n");
    /* Flushed before fork: printed once, then the child's line. */
    printf("parent line before fork (flushed)\n");
    pid_t pid = xfork();
    if (pid == 0) {
        printf("child line written with exit()\n");
        exit(0);
    }
    reap(pid);
    /* Unflushed partial line: a child leaving with _exit() must not print
     * its copy of the buffer. */
    printf("partial-");
    pid = fork();
    if (pid == 0)
        _exit(0);
    if (pid < 0)
        die("fork");
    reap(pid);
    printf("line printed once\n");
}

int main(void)
{
    /* Make stdout behave the same on a tty and a pipe. */
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    printf("forkcow: start\n");
    test_fork_basics();
    test_cow_private();
    test_shared();
    test_many_children();
    test_signals();
    test_wnohang();
    test_pipes();
    test_grandchild();
    test_nested_cow();
    test_exit_truncation();
    test_stdio();
    printf("forkcow: done\n");
    return 0;
}
