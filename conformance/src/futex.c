/* futex.c - the raw futex system call: WAIT/WAKE, timeouts, bitsets, private
 * and shared keys, REQUEUE/CMP_REQUEUE, WAKE_OP, futexes in MAP_SHARED memory
 * across processes, interruption by signals, robust lists.
 *
 * Counting woken waiters needs waiters known to be asleep in the kernel.
 * Waiters block on a "gate" word; park() moves them with FUTEX_CMP_REQUEUE
 * (wake 0, requeue all) to the word under test until all of them have been
 * moved: each one is then queued there, whatever the schedule. */
#include "conform.h"
#include <pthread.h>
#include <stddef.h>
#include <time.h>
#include <linux/futex.h>

static long fx(volatile void *uaddr, int op, int val, const void *ts_or_val2, volatile void *uaddr2, int val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts_or_val2, uaddr2, val3);
}
#define NR(n) ((const void *)(long)(n))

static const char *rv(long r)
{
    static char b[4][32];
    static unsigned i;
    if (r < 0) return res(r);
    char *p = b[i++ % 4];
    snprintf(p, 32, "%ld", r);
    return p;
}

/* Move n waiters (waiting with value val) from gate to target.  Returns how
 * many were moved: all n, or fewer if they did not show up within ~5 s. */
static int park_n(volatile int *gate, int val, volatile int *target, int n, int priv)
{
    int moved = 0;
    for (int tries = 0; moved < n && tries < 5000 + 200; tries++) {
        long r = fx(gate, FUTEX_CMP_REQUEUE | priv, 0, NR(INT_MAX), target, val);
        if (r < 0) die("park: FUTEX_CMP_REQUEUE: %s", ename(errno));
        moved += (int)r;
        if (moved >= n) break;
        if (tries < 200) sched_yield();
        else nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
    }
    return moved;
}

static void park(volatile int *gate, int val, volatile int *target, int n, int priv)
{
    int m = park_n(gate, val, target, n, priv);
    if (m != n) die("park: %d of %d waiters queued", m, n);
}

static long ns_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

static struct timespec plus_ms(clockid_t c, long ms)
{
    struct timespec t;
    clock_gettime(c, &t);
    t.tv_nsec += ms * 1000000;
    while (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; }
    return t;
}

static int reached(clockid_t c, const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(c, &now);
    return ns_between(deadline, &now) >= 0;
}

/* cnt_wait with a 5 s limit (so that a kernel that loses a wake-up shows a
 * difference instead of hanging); returns whether the count was reached */
static int cnt_wait_ms(volatile int *w, int n, int ms)
{
    struct timespec dl = plus_ms(CLOCK_MONOTONIC, ms);
    int v;
    while ((v = *w) < n) {
        if (reached(CLOCK_MONOTONIC, &dl)) return 0;
        fx(w, FUTEX_WAIT_BITSET, v, &dl, NULL, FUTEX_BITSET_MATCH_ANY);
    }
    return 1;
}

/* A thread doing one futex wait; records result. */
struct waiter {
    volatile int *addr;
    int op, val;
    unsigned bitset;
    const struct timespec *ts;
    long ret;
    int err;
    volatile int done;
    pthread_t th;
};
static volatile int wdone; /* waiters finished */

static void *waiter_fn(void *a)
{
    struct waiter *w = a;
    long r = fx(w->addr, w->op, w->val, w->ts, NULL, (int)w->bitset);
    w->err = r < 0 ? errno : 0;
    w->ret = r;
    cnt_add(&w->done);
    cnt_add(&wdone);
    return NULL;
}

static void start_waiter_ts(struct waiter *w, volatile int *addr, int op, int val, unsigned bitset,
                            const struct timespec *ts)
{
    w->addr = addr;
    w->op = op;
    w->val = val;
    w->bitset = bitset;
    w->ts = ts;
    w->ret = -100;
    w->err = 0;
    w->done = 0;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 128 * 1024);
    fflush(NULL);
    CHECK(pthread_create(&w->th, &at, waiter_fn, w) == 0);
    pthread_attr_destroy(&at);
}

static void start_waiter(struct waiter *w, volatile int *addr, int op, int val, unsigned bitset)
{
    start_waiter_ts(w, addr, op, val, bitset, NULL);
}

/* wait until n waiters have finished (at most 5 s) */
static void wait_done(int n) { cnt_wait_ms(&wdone, n, 5000); }

/* join a waiter; one still asleep after 5 s is left behind (exit_group ends it) */
static void join_waiter(struct waiter *w)
{
    if (!cnt_wait_ms(&w->done, 1, 5000)) {
        pthread_detach(w->th);
        return;
    }
    CHECK(pthread_join(w->th, NULL) == 0);
}

static const char *wres(struct waiter *w)
{
    if (!w->done) return "still waiting";
    if (w->ret < 0) {
        static char b[4][48];
        static unsigned i;
        char *p = b[i++ % 4];
        snprintf(p, 48, "errno=%s", ename(w->err));
        return p;
    }
    return w->ret == 0 ? "0" : "nonzero";
}

/* ---- WAIT and WAKE basics --------------------------------------------------- */

static void test_futex_wait_value(void)
{
    static int w = 1;
    static int arr[2];
    say("FUTEX_WAIT value mismatch: %s", res(fx(&w, FUTEX_WAIT, 0, NULL, NULL, 0)));
    say("FUTEX_WAIT_PRIVATE value mismatch: %s", res(fx(&w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0)));
    say("FUTEX_WAIT_BITSET value mismatch: %s", res(fx(&w, FUTEX_WAIT_BITSET, 0, NULL, NULL, 1)));
    say("FUTEX_WAIT misaligned address: %s", res(fx((char *)arr + 1, FUTEX_WAIT, 0, NULL, NULL, 0)));
    say("FUTEX_WAKE misaligned address: %s", res(fx((char *)arr + 2, FUTEX_WAKE, 1, NULL, NULL, 0)));
    say("FUTEX_WAIT on NULL: %s", res(fx(NULL, FUTEX_WAIT, 0, NULL, NULL, 0)));
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK(munmap(p, 4096) == 0);
    say("FUTEX_WAIT_PRIVATE on an unmapped address: %s", res(fx(p, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0)));
    say("FUTEX_WAKE (shared) on an unmapped address: %s", res(fx(p, FUTEX_WAKE, 1, NULL, NULL, 0)));
    say("FUTEX_WAKE_PRIVATE on an unmapped address: %s", rv(fx(p, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0)));
    say("FUTEX_WAKE with nobody waiting: %s", rv(fx(&w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    say("unknown futex op 99: %s", res(fx(&w, 99, 0, NULL, NULL, 0)));
    say("FUTEX_WAKE|FUTEX_CLOCK_REALTIME: %s", res(fx(&w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0)));
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    say("FUTEX_WAIT on a read-only zero page, value 1: %s", res(fx(ro, FUTEX_WAIT, 1, NULL, NULL, 0)));
    munmap(ro, 4096);
}


static void test_futex_wait_timeout(void)
{
    static int w = 0;
    struct timespec a, b, rel = { 0, 10 * 1000000 };
    clock_gettime(CLOCK_MONOTONIC, &a);
    long r = fx(&w, FUTEX_WAIT, 0, &rel, NULL, 0);
    const char *s = res(r);
    clock_gettime(CLOCK_MONOTONIC, &b);
    say("FUTEX_WAIT relative 10 ms: %s, waited at least 10 ms: %s", s, yesno(ns_between(&a, &b) >= 10000000));
    r = fx(&w, FUTEX_WAIT_PRIVATE, 0, &(struct timespec){ 0, 0 }, NULL, 0);
    say("FUTEX_WAIT_PRIVATE relative 0: %s", res(r));
    r = fx(&w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, &rel, NULL, 0);
    say("FUTEX_WAIT|FUTEX_CLOCK_REALTIME (only WAIT_BITSET takes it): %s", res(r));
    struct timespec dl = plus_ms(CLOCK_MONOTONIC, 10);
    r = fx(&w, FUTEX_WAIT_BITSET, 0, &dl, NULL, FUTEX_BITSET_MATCH_ANY);
    s = res(r);
    say("FUTEX_WAIT_BITSET absolute CLOCK_MONOTONIC now + 10 ms: %s, deadline reached: %s", s,
        yesno(reached(CLOCK_MONOTONIC, &dl)));
    dl = plus_ms(CLOCK_REALTIME, 10);
    r = fx(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &dl, NULL, FUTEX_BITSET_MATCH_ANY);
    s = res(r);
    say("FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME absolute now + 10 ms: %s, deadline reached: %s", s,
        yesno(reached(CLOCK_REALTIME, &dl)));
    clock_gettime(CLOCK_MONOTONIC, &dl); /* in the past when used */
    say("FUTEX_WAIT_BITSET absolute in the past: %s",
        res(fx(&w, FUTEX_WAIT_BITSET, 0, &dl, NULL, FUTEX_BITSET_MATCH_ANY)));
    say("FUTEX_WAIT timeout tv_nsec = 1e9: %s",
        res(fx(&w, FUTEX_WAIT, 0, &(struct timespec){ 0, 1000000000 }, NULL, 0)));
    say("FUTEX_WAIT timeout tv_sec = -1: %s", res(fx(&w, FUTEX_WAIT, 0, &(struct timespec){ -1, 0 }, NULL, 0)));
    say("FUTEX_WAIT timeout at a bad address: %s", res(fx(&w, FUTEX_WAIT, 0, (void *)8, NULL, 0)));
    say("FUTEX_WAIT_BITSET with bitset 0: %s", res(fx(&w, FUTEX_WAIT_BITSET, 0, NULL, NULL, 0)));
    say("FUTEX_WAIT with timeout, value mismatch: %s", res(fx(&w, FUTEX_WAIT, 1, &rel, NULL, 0)));
}

static void test_futex_wake_counts(void)
{
    static int gate, f, f2;
    struct waiter w[5];
    wdone = 0;
    for (int i = 0; i < 5; i++) start_waiter(&w[i], &gate, FUTEX_WAIT, 0, 0);
    park(&gate, 0, &f, 5, 0);
    say("5 waiters queued");
    long r = fx(&f, FUTEX_WAKE, 2, NULL, NULL, 0);
    int total = r > 0 ? (int)r : 0;
    say("FUTEX_WAKE(2): %s", rv(r));
    wait_done(total);
    r = fx(&f, FUTEX_WAKE, 0, NULL, NULL, 0);
    total += r > 0 ? (int)r : 0;
    say("FUTEX_WAKE(0) wakes one as well: %s", rv(r));
    wait_done(total);
    r = fx(&f, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    total += r > 0 ? (int)r : 0;
    say("FUTEX_WAKE(INT_MAX): %s", rv(r));
    wait_done(total);
    say("FUTEX_WAKE(INT_MAX) again: %s", rv(fx(&f, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    int all0 = 1;
    for (int i = 0; i < 5; i++) {
        join_waiter(&w[i]);
        if (w[i].ret != 0) all0 = 0;
    }
    say("every woken FUTEX_WAIT returned 0: %s", yesno(all0));

    wdone = 0;
    start_waiter(&w[0], &gate, FUTEX_WAIT, 0, 0);
    park(&gate, 0, &f, 1, 0);
    start_waiter(&w[1], &gate, FUTEX_WAIT, 0, 0);
    park(&gate, 0, &f2, 1, 0);
    say("one waiter on each of two words: FUTEX_WAKE(first): %s", rv(fx(&f, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    wait_done(1);
    say("  first woken: %s, second still waiting: %s", yesno(w[0].done), yesno(!w[1].done));
    say("  FUTEX_WAKE(second): %s", rv(fx(&f2, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    join_waiter(&w[0]);
    join_waiter(&w[1]);
    say("FUTEX_WAKE on a word (gate) nobody waits on any more: %s",
        rv(fx(&gate, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
}

static void test_futex_bitset(void)
{
    static int gate, f;
    static const char *names[] = { "E(WAIT)", "A(0x1)", "B(0x2)", "C(0x4)", "D(0x6)" };
    static const unsigned masks[] = { 0, 0x1, 0x2, 0x4, 0x6 };
    struct waiter w[5];
    int reported[5] = { 0 };
    wdone = 0;
    for (int i = 0; i < 5; i++)
        start_waiter(&w[i], &gate, i == 0 ? FUTEX_WAIT : FUTEX_WAIT_BITSET, 0, masks[i]);
    park(&gate, 0, &f, 5, 0);
    say("queued: E plain FUTEX_WAIT, A..D FUTEX_WAIT_BITSET 0x1 0x2 0x4 0x6");
    static const struct { int op; unsigned mask; const char *what; } steps[] = {
        { FUTEX_WAKE_BITSET, 0x8, "FUTEX_WAKE_BITSET 0x8" },
        { FUTEX_WAKE_BITSET, 0x10, "FUTEX_WAKE_BITSET 0x10 (disjoint)" },
        { FUTEX_WAKE_BITSET, 0x1, "FUTEX_WAKE_BITSET 0x1" },
        { FUTEX_WAKE_BITSET, 0x4, "FUTEX_WAKE_BITSET 0x4 (overlaps C and D)" },
        { FUTEX_WAKE, 0, "FUTEX_WAKE" },
    };
    int total = 0;
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        long r = fx(&f, steps[s].op, INT_MAX, NULL, NULL, (int)steps[s].mask);
        if (r > 0) total += (int)r;
        wait_done(total);
        char who[64] = "";
        for (int i = 0; i < 5; i++)
            if (w[i].done && !reported[i]) {
                reported[i] = 1;
                strcat(who, " ");
                strcat(who, names[i]);
            }
        say("%s: %s, woke:%s", steps[s].what, rv(r), who[0] ? who : " nobody");
    }
    for (int i = 0; i < 5; i++) join_waiter(&w[i]);
    say("FUTEX_WAKE_BITSET with bitset 0: %s", res(fx(&f, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0)));
}

static void test_futex_private(void)
{
    static int gate, f;
    struct waiter w;
    wdone = 0;
    start_waiter(&w, &gate, FUTEX_WAIT_PRIVATE, 0, 0);
    park(&gate, 0, &f, 1, FUTEX_PRIVATE_FLAG);
    say("private waiter: FUTEX_WAKE (shared key): %s", rv(fx(&f, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    say("private waiter: FUTEX_WAKE_PRIVATE: %s", rv(fx(&f, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0)));
    join_waiter(&w);
    say("  its FUTEX_WAIT_PRIVATE returned %s", wres(&w));
    start_waiter(&w, &gate, FUTEX_WAIT, 0, 0);
    park(&gate, 0, &f, 1, 0);
    say("shared waiter: FUTEX_WAKE_PRIVATE: %s", rv(fx(&f, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0)));
    say("shared waiter: FUTEX_WAKE: %s", rv(fx(&f, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    join_waiter(&w);
    say("  its FUTEX_WAIT returned %s", wres(&w));
    start_waiter(&w, &gate, FUTEX_WAIT_BITSET_PRIVATE, 0, 0x3);
    park(&gate, 0, &f, 1, FUTEX_PRIVATE_FLAG);
    say("private bitset waiter: FUTEX_WAKE_BITSET_PRIVATE 0x2: %s",
        rv(fx(&f, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x2)));
    join_waiter(&w);
    say("  its FUTEX_WAIT_BITSET_PRIVATE returned %s", wres(&w));
}

/* ---- REQUEUE, CMP_REQUEUE, WAKE_OP -------------------------------------------- */

static void test_futex_requeue(void)
{
    static int gate, a, b;
    struct waiter w[5];
    wdone = 0;
    for (int i = 0; i < 5; i++) start_waiter(&w[i], &gate, FUTEX_WAIT, 0, 0);
    park(&gate, 0, &a, 5, 0);
    a = 0;
    say("5 waiters on A (A == 0)");
    say("FUTEX_CMP_REQUEUE(A, wake 1, requeue 2, B, val3 1): %s",
        res(fx(&a, FUTEX_CMP_REQUEUE, 1, NR(2), &b, 1)));
    say("FUTEX_CMP_REQUEUE(A, wake 1, requeue 2, B, val3 0): %s", rv(fx(&a, FUTEX_CMP_REQUEUE, 1, NR(2), &b, 0)));
    wait_done(1);
    say("FUTEX_WAKE(A): %s", rv(fx(&a, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    wait_done(3);
    say("FUTEX_WAKE(B): %s", rv(fx(&b, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    wait_done(5);
    for (int i = 0; i < 5; i++) join_waiter(&w[i]);

    wdone = 0;
    for (int i = 0; i < 4; i++) start_waiter(&w[i], &gate, FUTEX_WAIT, 0, 0);
    park(&gate, 0, &a, 4, 0);
    a = 5;
    say("4 waiters on A (A == 5, not compared)");
    say("FUTEX_REQUEUE(A, wake 1, requeue 1, B): %s", rv(fx(&a, FUTEX_REQUEUE, 1, NR(1), &b, 0)));
    wait_done(1);
    say("FUTEX_WAKE(A): %s", rv(fx(&a, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    wait_done(3);
    say("FUTEX_WAKE(B): %s", rv(fx(&b, FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    wait_done(4);
    int all0 = 1;
    for (int i = 0; i < 4; i++) {
        join_waiter(&w[i]);
        if (w[i].ret != 0) all0 = 0;
    }
    say("every waiter's FUTEX_WAIT returned 0: %s", yesno(all0));

    wdone = 0;
    for (int i = 0; i < 3; i++) start_waiter(&w[i], &gate, FUTEX_WAIT_PRIVATE, 0, 0);
    park(&gate, 0, &a, 3, FUTEX_PRIVATE_FLAG);
    say("3 private waiters: FUTEX_CMP_REQUEUE_PRIVATE(wake 0, requeue 2): %s",
        rv(fx(&a, FUTEX_CMP_REQUEUE_PRIVATE, 0, NR(2), &b, 5)));
    say("FUTEX_WAKE_PRIVATE(B): %s", rv(fx(&b, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0)));
    wait_done(2);
    say("FUTEX_WAKE_PRIVATE(A): %s", rv(fx(&a, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0)));
    for (int i = 0; i < 3; i++) join_waiter(&w[i]);

    say("FUTEX_CMP_REQUEUE with nr_wake -1: %s", res(fx(&a, FUTEX_CMP_REQUEUE, -1, NR(1), &b, 5)));
    say("FUTEX_CMP_REQUEUE with nr_requeue -1: %s", res(fx(&a, FUTEX_CMP_REQUEUE, 1, NR(-1), &b, 5)));
    say("FUTEX_CMP_REQUEUE with nobody waiting: %s", rv(fx(&a, FUTEX_CMP_REQUEUE, 1, NR(1), &b, 5)));
    say("FUTEX_CMP_REQUEUE to an unmapped address, nobody waiting: %s",
        rv(fx(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, NR(1), (void *)4096, 5)));
}

static const char *opname(int op)
{
    static const char *n[] = { "SET", "ADD", "OR", "ANDN", "XOR" };
    return op >= 0 && op < 5 ? n[op] : "?";
}
static const char *cmpname(int c)
{
    static const char *n[] = { "EQ", "NE", "LT", "LE", "GT", "GE" };
    return c >= 0 && c < 6 ? n[c] : "?";
}

static void test_futex_wake_op(void)
{
    static int u1, u2, gate;
    static const struct { int op, oparg, shift, old; } ops[] = {
        { FUTEX_OP_SET, 5, 0, 3 }, { FUTEX_OP_ADD, 4, 0, 3 }, { FUTEX_OP_ADD, -1, 0, 3 },
        { FUTEX_OP_OR, 2, 0, 5 },  { FUTEX_OP_ANDN, 5, 0, 15 }, { FUTEX_OP_XOR, 5, 0, 15 },
        { FUTEX_OP_SET, 4, 1, 3 }, { FUTEX_OP_ADD, 3, 1, 1 },   { FUTEX_OP_OR, 31, 1, 0 },
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        u2 = ops[i].old;
        int op = ops[i].op | (ops[i].shift ? FUTEX_OP_OPARG_SHIFT : 0);
        long r = fx(&u1, FUTEX_WAKE_OP, 1, NR(1), &u2, FUTEX_OP(op, ops[i].oparg, FUTEX_OP_CMP_EQ, 0));
        say("op %s%s oparg %d on %d: ret %s, now %d (0x%x)", opname(ops[i].op), ops[i].shift ? "|OPARG_SHIFT" : "",
            ops[i].oparg, ops[i].old, rv(r), u2, (unsigned)u2);
    }
    static const struct { int cmp, cmparg, old; } cmps[] = {
        { FUTEX_OP_CMP_EQ, 5, 5 }, { FUTEX_OP_CMP_EQ, 4, 5 }, { FUTEX_OP_CMP_NE, 4, 5 },
        { FUTEX_OP_CMP_NE, 5, 5 }, { FUTEX_OP_CMP_LT, 6, 5 }, { FUTEX_OP_CMP_LT, 5, 5 },
        { FUTEX_OP_CMP_LE, 5, 5 }, { FUTEX_OP_CMP_LE, 4, 5 }, { FUTEX_OP_CMP_GT, 4, 5 },
        { FUTEX_OP_CMP_GT, 5, 5 }, { FUTEX_OP_CMP_GE, 5, 5 }, { FUTEX_OP_CMP_GE, 6, 5 },
        { FUTEX_OP_CMP_LT, -1, 5 }, { FUTEX_OP_CMP_LT, -1, -2 }, { FUTEX_OP_CMP_GT, -3, -2 },
    };
    for (size_t i = 0; i < sizeof cmps / sizeof cmps[0]; i++) {
        struct waiter w1, w2;
        wdone = 0;
        start_waiter(&w1, &gate, FUTEX_WAIT, 0, 0);
        park(&gate, 0, &u1, 1, 0);
        start_waiter(&w2, &gate, FUTEX_WAIT, 0, 0);
        park(&gate, 0, &u2, 1, 0);
        u2 = cmps[i].old;
        long r = fx(&u1, FUTEX_WAKE_OP, 1, NR(1), &u2, FUTEX_OP(FUTEX_OP_ADD, 1, cmps[i].cmp, cmps[i].cmparg));
        if (r > 0) wait_done((int)r);
        say("cmp %s %d, old %d (op ADD 1 -> %d): ret %s, woke waiter on uaddr1: %s, on uaddr2: %s",
            cmpname(cmps[i].cmp), cmps[i].cmparg, cmps[i].old, u2, rv(r), yesno(w1.done), yesno(w2.done));
        if (!w1.done) fx(&u1, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
        if (!w2.done) fx(&u2, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
        join_waiter(&w1);
        join_waiter(&w2);
    }
    wdone = 0;
    struct waiter w1, w2;
    start_waiter(&w1, &gate, FUTEX_WAIT, 0, 0);
    start_waiter(&w2, &gate, FUTEX_WAIT, 0, 0);
    park(&gate, 0, &u2, 2, 0);
    u2 = 1;
    long r = fx(&u1, FUTEX_WAKE_OP, 1, NR(2), &u2, FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 1));
    wait_done(2);
    say("2 waiters on uaddr2, nr_wake2 2, cmp true: ret %s", rv(r));
    join_waiter(&w1);
    join_waiter(&w2);

    u2 = 7;
    r = fx(&u1, FUTEX_WAKE_OP, 1, NR(1), &u2, (int)((6u << 28) | (0u << 24) | (1u << 12)));
    say("undefined op 6: %s, memory %d", res(r), u2);
    u2 = 7;
    r = fx(&u1, FUTEX_WAKE_OP, 1, NR(1), &u2, (int)((1u << 28) | (9u << 24) | (1u << 12)));
    say("undefined comparison 9 (op ADD 1): %s, memory %d", res(r), u2);
    say("FUTEX_WAKE_OP on a NULL uaddr2: %s",
        res(fx(&u1, FUTEX_WAKE_OP, 1, NR(1), NULL, FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 0))));
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    say("FUTEX_WAKE_OP on a read-only uaddr2: %s",
        res(fx(&u1, FUTEX_WAKE_OP, 1, NR(1), ro, FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 0))));
    munmap(ro, 4096);
}

/* ---- shared futexes between processes ------------------------------------------ */

static void test_futex_shared_fork(void)
{
    volatile int *sh = shared_mem(4096);
    /* sh[0] gate for the child, sh[1] where the parent parks it, sh[2] child's
     * FUTEX_WAIT result, sh[3] gate for the parent, sh[4] where the child parks
     * the parent, sh[5] the child's wake count, sh[6] child's private-wait result */
    char *priv = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(priv != MAP_FAILED);
    priv[0] = 'p';
    priv[4096] = 'p';
    sh[2] = sh[5] = -100;
    pid_t c = xfork();
    if (c == 0) {
        priv[4096] = 'c'; /* copy-on-write break of a private page */
        long r = fx(&sh[0], FUTEX_WAIT, 0, NULL, NULL, 0);
        sh[2] = r < 0 ? -errno : (int)r;
        /* wake the parent, once it is asleep */
        if (park_n(&sh[3], 0, &sh[4], 1, 0) != 1) _exit(3);
        sh[5] = (int)fx(&sh[4], FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
        /* a private wait on shared memory is keyed by our mm: no wake from the parent */
        r = fx(&sh[6], FUTEX_WAIT_PRIVATE, 0, &(struct timespec){ 0, 50 * 1000000 }, NULL, 0);
        sh[7] = r < 0 ? errno : 0;
        _exit(priv[4096] == 'c' && priv[0] == 'p' ? 0 : 2);
    }
    park(&sh[0], 0, &sh[1], 1, 0);
    say("child asleep in FUTEX_WAIT on MAP_SHARED memory (after writing a private page)");
    say("parent FUTEX_WAKE: %s", rv(fx(&sh[1], FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    long r = fx(&sh[3], FUTEX_WAIT, 0, NULL, NULL, 0);
    say("parent's FUTEX_WAIT woken by the child: %s", rv(r));
    say("parent FUTEX_WAKE_PRIVATE at the child's private-wait word: %s",
        rv(fx(&sh[6], FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0)));
    say("parent FUTEX_WAKE (shared) at the same word: %s", rv(fx(&sh[6], FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    wait_print("child", c, 0);
    say("child's FUTEX_WAIT returned %d, its FUTEX_WAKE woke %d, its private wait: %s", sh[2], sh[5],
        ename(sh[7]));
    say("parent's private page unchanged by the child's write: %s", yesno(priv[4096] == 'p'));
    munmap(priv, 2 * 4096);
    munmap((void *)sh, 4096);
}

static void test_futex_shared_file(void)
{
    const char *path = tmp_path("futex-file");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, 4096) == 0);
    volatile int *m1 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    volatile int *m2 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m1 != MAP_FAILED && m2 != MAP_FAILED);
    m1[10] = 1234;
    say("two MAP_SHARED mappings of one file page: a store through one is seen through the other: %s",
        yesno(m2[10] == 1234));
    struct waiter w;
    wdone = 0;
    start_waiter(&w, &m1[0], FUTEX_WAIT, 0, 0);
    park(&m1[0], 0, &m1[1], 1, 0);
    say("waiter queued on the word through mapping 1; FUTEX_WAKE through mapping 2: %s",
        rv(fx(&m2[1], FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    join_waiter(&w);
    start_waiter(&w, &m1[0], FUTEX_WAIT_PRIVATE, 0, 0);
    park(&m1[0], 0, &m1[1], 1, FUTEX_PRIVATE_FLAG);
    say("private waiter through mapping 1; FUTEX_WAKE_PRIVATE through mapping 2: %s",
        rv(fx(&m2[1], FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0)));
    say("  FUTEX_WAKE_PRIVATE through mapping 1: %s", rv(fx(&m1[1], FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0)));
    join_waiter(&w);

    pid_t c = xfork();
    if (c == 0) {
        /* a fresh mapping of its own, at an address of the child's choosing */
        volatile int *m3 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m3 == MAP_FAILED) _exit(3);
        long r = fx(&m3[2], FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(r == 0 ? 0 : 4);
    }
    park(&m2[2], 0, &m2[3], 1, 0);
    say("child waits through its own mapping; parent FUTEX_WAKE through mapping 2: %s",
        rv(fx(&m2[3], FUTEX_WAKE, INT_MAX, NULL, NULL, 0)));
    wait_print("child", c, 0);
    munmap((void *)m1, 4096);
    munmap((void *)m2, 4096);
    close(fd);
    unlink(path);
}

/* ---- interrupted waits ------------------------------------------------------------ */

static volatile int hcount;
static void on_usr1(int s)
{
    int e = errno;
    cnt_add(&hcount);
    errno = e;
}

static void set_usr1(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
}

static void test_futex_wait_eintr(void)
{
    static int gate, f, f2;
    struct waiter w;
    set_usr1(0);
    hcount = 0;
    start_waiter(&w, &gate, FUTEX_WAIT, 0, 0);
    park(&gate, 0, &f, 1, 0);
    CHECK(pthread_kill(w.th, SIGUSR1) == 0);
    join_waiter(&w);
    say("FUTEX_WAIT, handler without SA_RESTART: %s, handler ran: %d", wres(&w), hcount);

    set_usr1(SA_RESTART);
    hcount = 0;
    start_waiter(&w, &gate, FUTEX_WAIT, 0, 0);
    park(&gate, 0, &f, 1, 0);
    CHECK(pthread_kill(w.th, SIGUSR1) == 0);
    cnt_wait(&hcount, 1);
    /* restarted with its original arguments: asleep on the gate again, not on f */
    int back = park_n(&gate, 0, &f2, 1, 0);
    say("FUTEX_WAIT, handler with SA_RESTART: restarted, asleep on its own address again: %s", yesno(back == 1));
    long r = fx(back == 1 ? &f2 : &f, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    join_waiter(&w);
    say("  FUTEX_WAKE: %s, its FUTEX_WAIT returned %s", rv(r), wres(&w));

    hcount = 0;
    static const struct timespec ten = { 10, 0 };
    start_waiter_ts(&w, &gate, FUTEX_WAIT, 0, 0, &ten);
    park(&gate, 0, &f, 1, 0);
    CHECK(pthread_kill(w.th, SIGUSR1) == 0);
    join_waiter(&w);
    say("FUTEX_WAIT with a 10 s timeout, handler with SA_RESTART: %s, handler ran: %d", wres(&w), hcount);
    signal(SIGUSR1, SIG_DFL);

    /* stop and continue, no handler: the wait is restarted transparently */
    volatile int *sh = shared_mem(4096);
    pid_t c = xfork();
    if (c == 0) {
        long cr = fx(&sh[0], FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(cr == 0 ? 0 : 1);
    }
    park(&sh[0], 0, &sh[1], 1, 0);
    kill(c, SIGSTOP);
    wait_print("child waiting in FUTEX_WAIT, SIGSTOP", c, WUNTRACED);
    kill(c, SIGCONT);
    wait_print("SIGCONT", c, WCONTINUED);
    back = park_n(&sh[0], 0, &sh[2], 1, 0);
    say("after stop/continue the child is asleep on its own address again: %s", yesno(back == 1));
    r = fx(back == 1 ? &sh[2] : &sh[1], FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    say("  FUTEX_WAKE: %s", rv(r));
    wait_print("child (exit 0 if its FUTEX_WAIT returned 0)", c, 0);
    munmap((void *)sh, 4096);
}

/* ---- robust lists ------------------------------------------------------------------- */

static void init_robust(pthread_mutex_t *m, int pshared, int robust)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    if (robust) CHECK(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0);
    if (pshared) CHECK(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0);
    CHECK(pthread_mutex_init(m, &a) == 0);
    pthread_mutexattr_destroy(&a);
}

static const char *en(int e) { return e == 0 ? "ok" : ename(e); }

static volatile int rb_held, rb_release;

static void *lock_and_exit(void *a)
{
    int e = pthread_mutex_lock(a);
    if (rb_release >= 0) {
        ev_set(&rb_held);
        ev_wait(&rb_release);
    }
    return (void *)(long)e; /* exits holding it */
}

/* pthread_mutex_timedlock with a 5 s deadline: a kernel that does not mark
 * the dead owner shows ETIMEDOUT instead of hanging */
static int lock5(pthread_mutex_t *m)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 5;
    return pthread_mutex_timedlock(m, &ts);
}

static void *lock_fn(void *a)
{
    int e = lock5(a);
    if (e == EOWNERDEAD) pthread_mutex_consistent(a);
    if (e == 0 || e == EOWNERDEAD) pthread_mutex_unlock(a);
    return (void *)(long)e;
}

static const char *thread_result(pthread_t t)
{
    void *r;
    CHECK(pthread_join(t, &r) == 0);
    return en((int)(long)r);
}

static pthread_t start(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    fflush(NULL);
    CHECK(pthread_create(&t, NULL, fn, arg) == 0);
    return t;
}

static void test_futex_robust_thread(void)
{
    static pthread_mutex_t m;
    const char *a1, *a2, *a3;
    init_robust(&m, 0, 1);
    rb_release = -1; /* lock_and_exit: no handshake */
    a1 = thread_result(start(lock_and_exit, &m));
    a2 = en(lock5(&m));
    say("thread locked a robust mutex (%s) and exited: main's lock %s", a1, a2);
    a1 = en(pthread_mutex_consistent(&m));
    a2 = en(pthread_mutex_unlock(&m));
    a3 = en(lock5(&m));
    say("  pthread_mutex_consistent %s, unlock %s, lock again %s", a1, a2, a3);
    a1 = en(pthread_mutex_consistent(&m));
    say("  pthread_mutex_consistent on a consistent mutex: %s", a1);
    pthread_mutex_unlock(&m);

    a1 = thread_result(start(lock_and_exit, &m));
    a2 = en(lock5(&m));
    say("again (%s): main's lock %s", a1, a2);
    a1 = en(pthread_mutex_unlock(&m));
    a2 = en(lock5(&m));
    a3 = en(pthread_mutex_trylock(&m));
    say("  unlock without consistent %s; then lock %s, trylock %s", a1, a2, a3);
    pthread_mutex_destroy(&m);

    init_robust(&m, 0, 1);
    rb_held = rb_release = 0;
    pthread_t owner = start(lock_and_exit, &m);
    ev_wait(&rb_held);
    pthread_t waiter = start(lock_fn, &m);
    ev_set(&rb_release);
    a1 = thread_result(owner);
    a2 = thread_result(waiter);
    say("a second thread locking while the owner exits: owner %s, second thread gets %s", a1, a2);
    a1 = en(pthread_mutex_trylock(&m));
    say("  after it made it consistent and unlocked: trylock %s", a1);
    pthread_mutex_unlock(&m);

    static pthread_mutex_t n;
    init_robust(&n, 0, 0);
    rb_release = -1;
    a1 = thread_result(start(lock_and_exit, &n));
    a2 = en(pthread_mutex_trylock(&n));
    say("non-robust mutex (%s) whose owner exited: trylock %s", a1, a2);
    a1 = en(pthread_mutex_consistent(&n));
    say("pthread_mutex_consistent on a non-robust mutex: %s", a1);
}

static void test_futex_robust_process(void)
{
    pthread_mutex_t *m = shared_mem(4096);
    init_robust(m, 1, 1);
    pid_t c = xfork();
    if (c == 0) _exit(pthread_mutex_lock(m));
    wait_print("child locked a shared robust mutex and exited", c, 0);
    const char *a1 = en(lock5(m));
    const char *a2 = en(pthread_mutex_consistent(m));
    const char *a3 = en(pthread_mutex_unlock(m));
    say("  parent: lock %s, consistent %s, unlock %s", a1, a2, a3);

    struct chan ch;
    chan_open(&ch);
    c = xfork();
    if (c == 0) {
        pthread_mutex_lock(m);
        chan_send(&ch, 1);
        for (;;) pause();
    }
    chan_recv(&ch);
    pthread_t waiter = start(lock_fn, m);
    kill(c, SIGKILL);
    wait_print("child holding it killed", c, 0);
    a1 = thread_result(waiter);
    say("  parent thread locking meanwhile: %s", a1);
    a1 = en(pthread_mutex_trylock(m));
    say("  then trylock %s", a1);
    pthread_mutex_unlock(m);

    /* execve releases the robust list too: the child stays alive in the new image */
    struct chan hold;
    int hfd[2];
    CHECK(pipe(hfd) == 0); /* not close-on-exec: the helper waits on it */
    hold.r = hfd[0];
    hold.w = hfd[1];
    c = xfork();
    if (c == 0) {
        close(hold.w);
        pthread_mutex_lock(m);
        char fdarg[16];
        snprintf(fdarg, sizeof fdarg, "%d", hold.r);
        char *args[] = { fdarg, NULL };
        exec_helper("wait-fd", args, NULL);
        _exit(127);
    }
    close(hold.r);
    close(ch.w);
    ch.w = -1;
    char buf;
    /* ch's write end is close-on-exec in the child: EOF here means it exec'ed */
    while (read(ch.r, &buf, 1) < 0 && errno == EINTR) {}
    a1 = en(lock5(m));
    say("child locked it, then execve'd (still running): parent's lock %s", a1);
    pthread_mutex_consistent(m);
    pthread_mutex_unlock(m);
    close(hold.w);
    wait_print("  exec'ed child", c, 0);
    chan_close(&ch);

    pthread_mutex_t *n = (pthread_mutex_t *)((char *)m + 1024);
    init_robust(n, 1, 0);
    c = xfork();
    if (c == 0) _exit(pthread_mutex_lock(n));
    wait_print("child locked a shared non-robust mutex and exited", c, 0);
    a1 = en(pthread_mutex_trylock(n));
    say("  parent: trylock %s", a1);
    munmap(m, 4096);
}

struct rentry {
    struct robust_list list;
    int futex;
};
static struct robust_list_head rhead;
static struct rentry re1, re2, re3, re4, re5;
static volatile int rr_ready, rr_go;

static void *robust_raw_fn(void *a)
{
    int me = sys_gettid();
    re1.futex = me;
    re2.futex = me | FUTEX_WAITERS;
    re3.futex = me;
    re4.futex = *(int *)a; /* somebody else's tid */
    re5.futex = me;
    rhead.list.next = &re1.list;
    re1.list.next = &re2.list;
    re2.list.next = &re4.list;
    re4.list.next = &rhead.list;
    rhead.futex_offset = offsetof(struct rentry, futex) - offsetof(struct rentry, list);
    rhead.list_op_pending = &re3.list;
    long r = syscall(SYS_set_robust_list, &rhead, sizeof rhead);
    ev_set(&rr_ready);
    ev_wait(&rr_go);
    return (void *)r;
}


/* glibc's robust lists have the futex word before the list pointer: a
 * negative futex_offset */
struct rentry_neg {
    int futex;
    int pad;
    struct robust_list list;
};
static struct robust_list_head rhead_neg;
static struct rentry_neg rn1, rn2;

static void *robust_raw_neg_fn(void *a)
{
    int me = sys_gettid();
    rn1.futex = me;
    rn2.futex = me;
    rhead_neg.list.next = &rn1.list;
    rn1.list.next = &rn2.list;
    rn2.list.next = &rhead_neg.list;
    rhead_neg.futex_offset = (long)offsetof(struct rentry_neg, futex) - (long)offsetof(struct rentry_neg, list);
    rhead_neg.list_op_pending = NULL;
    return (void *)syscall(SYS_set_robust_list, &rhead_neg, sizeof rhead_neg);
}

static void test_futex_robust_raw(void)
{
    static int gate;
    int other = getpid();
    rr_ready = rr_go = 0;
    pthread_t t = start(robust_raw_fn, &other);
    ev_wait(&rr_ready);
    struct waiter w;
    wdone = 0;
    start_waiter(&w, &gate, FUTEX_WAIT, 0, 0);
    park(&gate, 0, &re2.futex, 1, 0);
    say("thread with its own robust list: entry 1 (tid), entry 2 (tid|WAITERS, one waiter queued), "
        "entry 3 (list_op_pending), entry 4 (another tid), word 5 (tid, not listed)");
    ev_set(&rr_go);
    void *r;
    pthread_join(t, &r);
    say("set_robust_list in the thread: %s", (long)r == 0 ? "ok" : "failed");
    say("entry 1 == FUTEX_OWNER_DIED: %s", yesno(re1.futex == FUTEX_OWNER_DIED));
    say("entry 2 == FUTEX_OWNER_DIED|FUTEX_WAITERS: %s", yesno(re2.futex == (int)(FUTEX_OWNER_DIED | FUTEX_WAITERS)));
    int woken = cnt_wait_ms(&wdone, 1, 5000);
    say("  its waiter woken: %s", yesno(woken));
    if (!woken) fx(&re2.futex, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    join_waiter(&w);
    say("entry 3 (pending) == FUTEX_OWNER_DIED: %s", yesno(re3.futex == FUTEX_OWNER_DIED));
    say("entry 4 unchanged: %s", yesno(re4.futex == other));
    say("word 5 unchanged: %s", yesno(re5.futex != 0 && !(re5.futex & FUTEX_OWNER_DIED)));
    pthread_join(start(robust_raw_neg_fn, NULL), &r);
    say("negative futex_offset (%ld), as glibc uses: set_robust_list %s, both entries == FUTEX_OWNER_DIED: %s",
        (long)rhead_neg.futex_offset, (long)r == 0 ? "ok" : "failed",
        yesno(rn1.futex == FUTEX_OWNER_DIED && rn2.futex == FUTEX_OWNER_DIED));
}

static void test_futex_robust_list_calls(void)
{
    struct robust_list_head *head = NULL, *saved = NULL;
    size_t len = 0;
    long r = syscall(SYS_get_robust_list, 0, &saved, &len);
    say("get_robust_list(0): %s, len == sizeof(struct robust_list_head) (%zu): %s, head set by glibc: %s", res(r),
        sizeof(struct robust_list_head), yesno(len == sizeof(struct robust_list_head)), yesno(saved != NULL));
    static struct robust_list_head mine;
    mine.list.next = &mine.list;
    mine.futex_offset = 0;
    mine.list_op_pending = NULL;
    say("set_robust_list(len %zu): %s", sizeof mine, res(syscall(SYS_set_robust_list, &mine, sizeof mine)));
    r = syscall(SYS_get_robust_list, 0, &head, &len);
    say("get_robust_list(0) gives it back: %s", yesno(r == 0 && head == &mine));
    say("set_robust_list(len %zu): %s", sizeof mine - 1, res(syscall(SYS_set_robust_list, &mine, sizeof mine - 1)));
    say("set_robust_list(len %zu): %s", sizeof mine + 1, res(syscall(SYS_set_robust_list, &mine, sizeof mine + 1)));
    say("set_robust_list(len 0): %s", res(syscall(SYS_set_robust_list, &mine, 0)));
    say("get_robust_list(0, bad pointer): %s", res(syscall(SYS_get_robust_list, 0, (void *)8, &len)));
    say("get_robust_list(0, bad len pointer): %s", res(syscall(SYS_get_robust_list, 0, &head, (void *)8)));
    CHECK(syscall(SYS_set_robust_list, saved, sizeof *saved) == 0);

    rr_ready = rr_go = 0;
    int other = 1;
    pthread_t t = start(robust_raw_fn, &other);
    ev_wait(&rr_ready);
    /* robust_raw_fn registered &rhead; we need its tid: take it from entry 1 */
    head = NULL;
    r = syscall(SYS_get_robust_list, re1.futex, &head, &len);
    say("get_robust_list(other thread's tid): %s, its head: %s", res(r), yesno(head == &rhead));
    ev_set(&rr_go);
    pthread_join(t, NULL);

    pid_t c = xfork();
    if (c == 0) {
        head = NULL;
        r = syscall(SYS_get_robust_list, 0, &head, &len);
        _exit(r == 0 && head != NULL ? 0 : 1);
    }
    wait_print("glibc fork child has a robust list (glibc registers it again)", c, 0);
    fflush(NULL);
    c = (pid_t)raw_clone(SIGCHLD, NULL, NULL, NULL, 0);
    CHECK(c >= 0);
    if (c == 0) {
        head = (void *)1;
        r = syscall(SYS_get_robust_list, 0, &head, &len);
        sys_exit(r == 0 && head == NULL ? 0 : 1);
    }
    wait_print("raw clone(SIGCHLD) child starts without a robust list", c, 0);
    pid_t gone = xfork();
    if (gone == 0) _exit(0);
    xwait(gone, 0);
    say("get_robust_list(reaped pid): %s", res(syscall(SYS_get_robust_list, gone, &head, &len)));
}

const struct conform_test futex_tests[] = {
    T(futex_wait_value, "FUTEX_WAIT EAGAIN on a value mismatch; EINVAL, EFAULT, ENOSYS; WAKE with nobody"),
    T(futex_wait_timeout, "FUTEX_WAIT/WAIT_BITSET timeouts: relative, absolute, CLOCK_REALTIME; bad timeouts"),
    T(futex_wake_counts, "FUTEX_WAKE returns the number woken (0 wakes one); other words untouched"),
    T(futex_bitset, "FUTEX_WAIT_BITSET/WAKE_BITSET: disjoint and overlapping masks, plain WAIT matches all"),
    T(futex_private, "FUTEX_PRIVATE_FLAG: private and shared keys of one word do not match"),
    T(futex_requeue, "FUTEX_REQUEUE and FUTEX_CMP_REQUEUE: EAGAIN on val3, woken + requeued counts"),
    T(futex_wake_op, "FUTEX_WAKE_OP: every op and comparison, memory result, who woke; ENOSYS"),
    T(futex_shared_fork, "futex in MAP_SHARED memory between parent and child, after a COW write"),
    T(futex_shared_file, "futex on a shared file page through two mappings and two processes"),
    T(futex_wait_eintr, "FUTEX_WAIT and signals: EINTR, SA_RESTART restarts, timed waits EINTR, stop/continue"),
    T(futex_robust_thread, "robust mutex whose owner thread exits: EOWNERDEAD, consistent, ENOTRECOVERABLE"),
    T(futex_robust_process, "shared robust mutex: owner process exits, is killed, or execs: EOWNERDEAD"),
    T(futex_robust_raw, "raw robust list at thread exit: OWNER_DIED, WAITERS wake, list_op_pending"),
    T(futex_robust_list_calls, "set_robust_list/get_robust_list: sizes, EINVAL, other threads, fork, ESRCH"),
    { 0 }
};
