/* threads.c - glibc threads: create/join/detach, pthread_exit and exit from
 * threads, thread ids, TLS, mutexes, condition variables, rwlocks, barriers,
 * pthread_once, cancellation, per-thread signals, many threads; and the time
 * and scheduling calls (sched_*, getrusage, times, clocks) seen from threads.
 *
 * Events between threads are ordered with futex words (ev_*, cnt_* in
 * conform.h), joins and pipes; pthread functions return error numbers, printed
 * with en() ("ok" for 0). */
#include "conform.h"
#include <pthread.h>
#include <time.h>
#include <sys/time.h>
#include <sys/times.h>

static const char *en(int e) { return e == 0 ? "ok" : ename(e); }

static pthread_t xthread_attr(void *(*fn)(void *), void *arg, const pthread_attr_t *at)
{
    pthread_t t;
    fflush(NULL);
    int e = pthread_create(&t, at, fn, arg);
    if (e != 0) die("pthread_create: %s", ename(e));
    return t;
}

static pthread_t xthread(void *(*fn)(void *), void *arg) { return xthread_attr(fn, arg, NULL); }

static void *xjoin(pthread_t t)
{
    void *r = NULL;
    int e = pthread_join(t, &r);
    if (e != 0) die("pthread_join: %s", ename(e));
    return r;
}

/* ---- create, join, detach, exit ---------------------------------------- */

static volatile int gate;

static void *ret_fn(void *a) { return (void *)((long)a * 10 + 1); }

static void *gated_fn(void *a)
{
    ev_wait(&gate);
    return (void *)77L;
}

static void test_thr_create_join(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++) t[i] = xthread(ret_fn, (void *)i);
    for (int i = 0; i < 4; i++) {
        void *r = NULL;
        int e = pthread_join(t[i], &r);
        say("join thread %d: %s, returned %ld", i, en(e), (long)r);
    }
    say("pthread_join(self): %s", en(pthread_join(pthread_self(), NULL)));

    pthread_attr_t at;
    int ds = -1;
    pthread_attr_init(&at);
    pthread_attr_getdetachstate(&at, &ds);
    say("default attribute is joinable: %s", yesno(ds == PTHREAD_CREATE_JOINABLE));
    say("pthread_attr_setstacksize(1): %s", en(pthread_attr_setstacksize(&at, 1)));
    say("pthread_attr_setdetachstate(42): %s", en(pthread_attr_setdetachstate(&at, 42)));
    pthread_attr_destroy(&at);

    gate = 0;
    pthread_t g = xthread(gated_fn, NULL);
    say("pthread_tryjoin_np on a blocked thread: %s", en(pthread_tryjoin_np(g, NULL)));
    struct timespec past;
    clock_gettime(CLOCK_REALTIME, &past);
    past.tv_sec -= 1;
    say("pthread_timedjoin_np with a past deadline: %s", en(pthread_timedjoin_np(g, NULL, &past)));
    ev_set(&gate);
    void *r = NULL;
    int e = pthread_join(g, &r);
    say("join after release: %s, returned %ld", en(e), (long)r);
}

static volatile int det_done, det_self_done;

static void *det_fn(void *a)
{
    if (a) {
        pthread_detach(pthread_self());
        ev_set(&det_self_done);
    }
    ev_wait(&gate);
    cnt_add(&det_done);
    return NULL;
}

static void test_thr_detach(void)
{
    gate = 0;
    det_done = 0;
    det_self_done = 0;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_t d1 = xthread_attr(det_fn, NULL, &at);
    pthread_attr_destroy(&at);
    pthread_attr_t got;
    int ds = -1;
    if (pthread_getattr_np(d1, &got) == 0) {
        pthread_attr_getdetachstate(&got, &ds);
        pthread_attr_destroy(&got);
    }
    say("created detached: pthread_getattr_np says detached: %s", yesno(ds == PTHREAD_CREATE_DETACHED));
    say("pthread_join on a detached thread: %s", en(pthread_join(d1, NULL)));

    pthread_t d2 = xthread(det_fn, (void *)1L);
    ev_wait(&det_self_done);
    say("thread detached itself; pthread_join: %s", en(pthread_join(d2, NULL)));

    pthread_t d3 = xthread(det_fn, NULL);
    say("pthread_detach on a running joinable thread: %s", en(pthread_detach(d3)));
    say("pthread_detach again: %s", en(pthread_detach(d3)));
    say("pthread_join after detach: %s", en(pthread_join(d3, NULL)));

    ev_set(&gate);
    cnt_wait(&det_done, 3);
    say("all 3 detached threads ran to the end: %s", yesno(det_done == 3));
}

static pthread_t main_thread;

static void *exit_fn(void *a)
{
    long how = (long)a;
    switch (how) {
    case 1: exit(7);
    case 2: syscall(SYS_exit_group, 9); break;
    case 3: _exit(11);
    case 4: {
        void *r = NULL;
        int e = pthread_join(main_thread, &r);
        say("  child: second thread joined the main thread: %s, value %ld", en(e), (long)r);
        say("  child: getpid still answers: %s", yesno(getpid() > 0));
        return (void *)5L; /* the last thread returning ends the process with 0 */
    }
    case 5:
        pthread_exit((void *)6L);
    }
    return NULL;
}

static void on_atexit(void) { say("  child: atexit handler ran"); }

static void test_thr_exit_process(void)
{
    static const char *what[] = { "", "exit(7) from a thread", "exit_group(9) from a thread",
                                  "_exit(11) from a thread",
                                  "main pthread_exit, last thread returns 5",
                                  "main pthread_exit, last thread pthread_exit(6)" };
    for (long how = 1; how <= 5; how++) {
        say("%s:", what[how]);
        pid_t c = xfork();
        if (c == 0) {
            if (how == 1) atexit(on_atexit);
            main_thread = pthread_self();
            pthread_t t = xthread(exit_fn, (void *)how);
            if (how >= 4) pthread_exit((void *)42L);
            pthread_join(t, NULL);
            say("  child: main thread survived (wrong)");
            _exit(99);
        }
        wait_print("  process", c, 0);
    }
}

/* ---- ids and TLS --------------------------------------------------------- */

struct ids {
    pid_t tid, pid, ppid;
    pthread_t self;
};
static struct ids tids[3];
static volatile int ids_done;

static void *ids_fn(void *a)
{
    struct ids *p = a;
    p->tid = sys_gettid();
    p->pid = getpid();
    p->ppid = getppid();
    p->self = pthread_self();
    cnt_add(&ids_done);
    ev_wait(&gate); /* all alive together: tids cannot be reused */
    return NULL;
}

static void test_thr_ids(void)
{
    gate = 0;
    ids_done = 0;
    pthread_t t[3];
    for (int i = 0; i < 3; i++) t[i] = xthread(ids_fn, &tids[i]);
    cnt_wait(&ids_done, 3);
    pid_t me = getpid();
    say("main: gettid == getpid: %s", yesno(sys_gettid() == me));
    say("main: glibc gettid() == syscall: %s", yesno(gettid() == sys_gettid()));
    int same_pid = 1, tid_ne_pid = 1, distinct = 1, same_ppid = 1, self_distinct = 1, equal_handles = 1;
    for (int i = 0; i < 3; i++) {
        if (tids[i].pid != me) same_pid = 0;
        if (tids[i].tid == me || tids[i].tid <= 0) tid_ne_pid = 0;
        if (tids[i].ppid != getppid()) same_ppid = 0;
        if (!pthread_equal(tids[i].self, t[i])) equal_handles = 0;
        if (pthread_equal(tids[i].self, pthread_self())) self_distinct = 0;
        for (int j = 0; j < i; j++) {
            if (tids[i].tid == tids[j].tid) distinct = 0;
            if (pthread_equal(tids[i].self, tids[j].self)) self_distinct = 0;
        }
    }
    say("threads: getpid == main's: %s", yesno(same_pid));
    say("threads: gettid != getpid: %s", yesno(tid_ne_pid));
    say("threads: tids distinct: %s", yesno(distinct));
    say("threads: getppid == main's: %s", yesno(same_ppid));
    say("threads: pthread_self distinct: %s, equal to pthread_create's handle: %s", yesno(self_distinct),
        yesno(equal_handles));
    say("tgkill(getpid, thread tid, 0): %s", res(sys_tgkill(me, tids[0].tid, 0)));
    say("tkill(thread tid, 0): %s", res(sys_tkill(tids[1].tid, 0)));
    ev_set(&gate);
    for (int i = 0; i < 3; i++) xjoin(t[i]);
}

static __thread int tls_int = 5;
static __thread long tls_zero;
static __thread char tls_buf[32] = "initial";
static volatile int tls_set, tls_set2, tls_ok_count, tls_dtor_calls, tls_dtor_sum;
static uintptr_t tls_addr[4];
static pthread_key_t tls_key;

static void tls_dtor(void *v)
{
    __atomic_fetch_add(&tls_dtor_calls, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&tls_dtor_sum, (int)(long)v, __ATOMIC_SEQ_CST);
}

static void *tls_fn(void *a)
{
    long i = (long)a;
    int ok = tls_int == 5 && tls_zero == 0 && strcmp(tls_buf, "initial") == 0 &&
             pthread_getspecific(tls_key) == NULL;
    tls_int = 100 + (int)i;
    tls_zero = i;
    snprintf(tls_buf, sizeof tls_buf, "thread %ld", i);
    pthread_setspecific(tls_key, (void *)(i + 1));
    tls_addr[i] = (uintptr_t)&tls_int;
    cnt_add(&tls_set);
    cnt_wait(&tls_set, 4); /* everybody wrote its own copy */
    errno = 1000 + (int)i; /* then errno, with a barrier that makes no failing call */
    __atomic_fetch_add(&tls_set2, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&tls_set2, __ATOMIC_SEQ_CST) < 4) sched_yield();
    char want[32];
    snprintf(want, sizeof want, "thread %ld", i);
    if (ok && tls_int == 100 + i && tls_zero == i && strcmp(tls_buf, want) == 0 && errno == 1000 + i &&
        pthread_getspecific(tls_key) == (void *)(i + 1))
        cnt_add(&tls_ok_count);
    return NULL;
}

static void test_thr_tls(void)
{
    tls_set = tls_set2 = tls_ok_count = tls_dtor_calls = tls_dtor_sum = 0;
    say("pthread_key_create: %s", en(pthread_key_create(&tls_key, tls_dtor)));
    pthread_t t[4];
    for (long i = 0; i < 4; i++) t[i] = xthread(tls_fn, (void *)i);
    for (int i = 0; i < 4; i++) xjoin(t[i]);
    say("threads that saw initial values and kept their own copies (int, tbss, buffer, errno, key): %d of 4",
        tls_ok_count);
    int distinct = 1;
    for (int i = 0; i < 4; i++) {
        if (tls_addr[i] == (uintptr_t)&tls_int) distinct = 0;
        for (int j = 0; j < i; j++)
            if (tls_addr[i] == tls_addr[j]) distinct = 0;
    }
    say("&tls_int distinct in every thread: %s", yesno(distinct));
    say("main's copies untouched: %s", yesno(tls_int == 5 && tls_zero == 0 && strcmp(tls_buf, "initial") == 0));
    say("main's key value: %s", pthread_getspecific(tls_key) == NULL ? "NULL" : "set");
    say("key destructors ran: %d, sum of values %d", tls_dtor_calls, tls_dtor_sum);
    say("pthread_key_delete: %s", en(pthread_key_delete(tls_key)));
}

/* ---- mutexes --------------------------------------------------------------- */

enum { OP_LOCK, OP_TRYLOCK, OP_UNLOCK, OP_TIMEDLOCK_PAST };
struct mop {
    pthread_mutex_t *m;
    int op;
};

static void *mop_fn(void *a)
{
    struct mop *o = a;
    struct timespec ts;
    switch (o->op) {
    case OP_LOCK: return (void *)(long)pthread_mutex_lock(o->m);
    case OP_TRYLOCK: return (void *)(long)pthread_mutex_trylock(o->m);
    case OP_UNLOCK: return (void *)(long)pthread_mutex_unlock(o->m);
    case OP_TIMEDLOCK_PAST:
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec -= 1;
        return (void *)(long)pthread_mutex_timedlock(o->m, &ts);
    }
    return (void *)-1L;
}

/* run one mutex operation in a new thread, return its result */
static const char *in_thread(pthread_mutex_t *m, int op)
{
    struct mop o = { m, op };
    return en((int)(long)xjoin(xthread(mop_fn, &o)));
}

static void init_mutex(pthread_mutex_t *m, int type)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    CHECK(pthread_mutexattr_settype(&a, type) == 0);
    CHECK(pthread_mutex_init(m, &a) == 0);
    pthread_mutexattr_destroy(&a);
}

static void test_thr_mutex_types(void)
{
    pthread_mutex_t m;
    init_mutex(&m, PTHREAD_MUTEX_NORMAL);
    const char *a1, *a2, *a3, *a4;
    init_mutex(&m, PTHREAD_MUTEX_NORMAL);
    a1 = en(pthread_mutex_lock(&m));
    a2 = en(pthread_mutex_trylock(&m));
    a3 = in_thread(&m, OP_TRYLOCK);
    a4 = in_thread(&m, OP_TIMEDLOCK_PAST);
    say("normal: lock %s, trylock %s, other thread trylock %s, other thread timedlock(past) %s", a1, a2, a3, a4);
    a1 = en(pthread_mutex_unlock(&m));
    a2 = en(pthread_mutex_trylock(&m));
    a3 = en(pthread_mutex_unlock(&m));
    say("normal: unlock %s, trylock %s, unlock %s", a1, a2, a3);
    pthread_mutex_destroy(&m);

    init_mutex(&m, PTHREAD_MUTEX_RECURSIVE);
    a1 = en(pthread_mutex_lock(&m));
    a2 = en(pthread_mutex_lock(&m));
    a3 = en(pthread_mutex_trylock(&m));
    say("recursive: lock %s, lock %s, trylock %s", a1, a2, a3);
    a1 = in_thread(&m, OP_TRYLOCK);
    a2 = in_thread(&m, OP_UNLOCK);
    say("recursive: other thread trylock %s, other thread unlock %s", a1, a2);
    a1 = en(pthread_mutex_unlock(&m));
    a2 = en(pthread_mutex_unlock(&m));
    a3 = in_thread(&m, OP_TRYLOCK);
    say("recursive: unlock %s, unlock %s, other thread trylock still %s", a1, a2, a3);
    a1 = en(pthread_mutex_unlock(&m));
    a2 = en(pthread_mutex_unlock(&m));
    say("recursive: last unlock %s, one more unlock %s", a1, a2);
    a1 = in_thread(&m, OP_LOCK);
    a2 = en(pthread_mutex_trylock(&m));
    say("recursive: other thread lock %s (it exits holding it), main trylock %s", a1, a2);
    pthread_mutex_t m2;
    init_mutex(&m2, PTHREAD_MUTEX_ERRORCHECK);
    a1 = en(pthread_mutex_lock(&m2));
    a2 = en(pthread_mutex_lock(&m2));
    a3 = en(pthread_mutex_trylock(&m2));
    say("errorcheck: lock %s, lock again %s, trylock %s", a1, a2, a3);
    a1 = in_thread(&m2, OP_UNLOCK);
    a2 = in_thread(&m2, OP_TRYLOCK);
    say("errorcheck: other thread unlock %s, other thread trylock %s", a1, a2);
    a1 = en(pthread_mutex_unlock(&m2));
    a2 = en(pthread_mutex_unlock(&m2));
    say("errorcheck: unlock %s, unlock again %s", a1, a2);
    pthread_mutex_destroy(&m2);

    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    int ty = -1;
    pthread_mutexattr_gettype(&a, &ty);
    say("default mutex type is PTHREAD_MUTEX_DEFAULT: %s", yesno(ty == PTHREAD_MUTEX_DEFAULT));
    say("pthread_mutexattr_settype(99): %s", en(pthread_mutexattr_settype(&a, 99)));
    pthread_mutexattr_destroy(&a);
}

static pthread_mutex_t cont_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_spinlock_t cont_spin;
static long cont_counter, spin_counter;
static volatile int cont_start;
static long atomic_counter;
#define CONT_THREADS 8
#define CONT_ITERS 20000

static void *cont_fn(void *a)
{
    ev_wait(&cont_start);
    for (int i = 0; i < CONT_ITERS; i++) {
        pthread_mutex_lock(&cont_m);
        long v = cont_counter;
        if ((i & 255) == 0) sched_yield(); /* get preempted inside the critical section */
        cont_counter = v + 1;
        pthread_mutex_unlock(&cont_m);
        pthread_spin_lock(&cont_spin);
        spin_counter++;
        pthread_spin_unlock(&cont_spin);
        __atomic_fetch_add(&atomic_counter, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void test_thr_mutex_contention(void)
{
    cont_counter = spin_counter = atomic_counter = 0;
    cont_start = 0;
    pthread_spin_init(&cont_spin, PTHREAD_PROCESS_PRIVATE);
    pthread_t t[CONT_THREADS];
    for (int i = 0; i < CONT_THREADS; i++) t[i] = xthread(cont_fn, NULL);
    ev_set(&cont_start);
    for (int i = 0; i < CONT_THREADS; i++) xjoin(t[i]);
    say("%d threads x %d increments: mutex counter %ld, spinlock counter %ld, atomic counter %ld", CONT_THREADS,
        CONT_ITERS, cont_counter, spin_counter, atomic_counter);
    say("mutex free at the end: trylock %s", en(pthread_mutex_trylock(&cont_m)));
    pthread_mutex_unlock(&cont_m);
    pthread_spin_destroy(&cont_spin);
}

/* ---- condition variables, rwlocks, barriers, once -------------------------- */

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER, mainv = PTHREAD_COND_INITIALIZER;
static int c_waiting, c_tickets, c_passed, c_all;

static void *cond_fn(void *a)
{
    pthread_mutex_lock(&cm);
    c_waiting++;
    pthread_cond_signal(&mainv);
    while (!c_all && c_tickets == 0) pthread_cond_wait(&cv, &cm);
    if (!c_all) c_tickets--;
    c_passed++;
    pthread_cond_signal(&mainv);
    pthread_mutex_unlock(&cm);
    return NULL;
}

static void test_thr_cond(void)
{
    c_waiting = c_tickets = c_passed = c_all = 0;
    pthread_t t[4];
    for (int i = 0; i < 4; i++) t[i] = xthread(cond_fn, NULL);
    pthread_mutex_lock(&cm);
    while (c_waiting < 4) pthread_cond_wait(&mainv, &cm);
    say("4 threads waiting on the condition");
    c_tickets = 1;
    say("pthread_cond_signal: %s", en(pthread_cond_signal(&cv)));
    while (c_passed < 1) pthread_cond_wait(&mainv, &cm);
    say("after one signal and one ticket: passed %d, tickets left %d", c_passed, c_tickets);
    c_tickets = 1;
    pthread_cond_signal(&cv);
    while (c_passed < 2) pthread_cond_wait(&mainv, &cm);
    say("after a second signal: passed %d, tickets left %d", c_passed, c_tickets);
    c_all = 1;
    say("pthread_cond_broadcast: %s", en(pthread_cond_broadcast(&cv)));
    while (c_passed < 4) pthread_cond_wait(&mainv, &cm);
    say("after broadcast: passed %d", c_passed);
    pthread_mutex_unlock(&cm);
    for (int i = 0; i < 4; i++) xjoin(t[i]);

    /* a signal with nobody waiting is not remembered */
    pthread_cond_signal(&cv);
    pthread_mutex_lock(&cm);
    struct timespec ts, now;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20 * 1000000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    int e = pthread_cond_timedwait(&cv, &cm, &ts);
    clock_gettime(CLOCK_REALTIME, &now);
    int held = pthread_mutex_trylock(&cm);
    say("earlier signal not remembered: timedwait(20 ms) %s, deadline passed: %s, mutex held again: %s", en(e),
        yesno(now.tv_sec > ts.tv_sec || (now.tv_sec == ts.tv_sec && now.tv_nsec >= ts.tv_nsec)), en(held));
    pthread_mutex_unlock(&cm);

    pthread_condattr_t ca;
    pthread_cond_t mc;
    pthread_condattr_init(&ca);
    say("pthread_condattr_setclock(CLOCK_MONOTONIC): %s", en(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC)));
    say("pthread_condattr_setclock(CLOCK_THREAD_CPUTIME_ID): %s",
        en(pthread_condattr_setclock(&ca, CLOCK_THREAD_CPUTIME_ID)));
    pthread_cond_init(&mc, &ca);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += 10 * 1000000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    pthread_mutex_lock(&cm);
    e = pthread_cond_timedwait(&mc, &cm, &ts);
    say("monotonic condvar timedwait(10 ms): %s", en(e));
    e = pthread_cond_clockwait(&cv, &cm, CLOCK_MONOTONIC, &ts);
    say("pthread_cond_clockwait(CLOCK_MONOTONIC, past): %s", en(e));
    pthread_mutex_unlock(&cm);
    pthread_cond_destroy(&mc);
    pthread_condattr_destroy(&ca);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile int rw_inside, rw_release;

static void *reader_fn(void *a)
{
    int e = pthread_rwlock_rdlock(&rw);
    cnt_add(&rw_inside);
    cnt_wait(&rw_inside, 2); /* only returns if both readers hold it at once */
    ev_wait(&rw_release);
    pthread_rwlock_unlock(&rw);
    return (void *)(long)e;
}

static volatile int wr_held;

static void *writer_fn(void *a)
{
    int e = pthread_rwlock_wrlock(&rw);
    long r = e;
    r |= (long)pthread_rwlock_rdlock(&rw) << 8;  /* own write lock: EDEADLK */
    r |= (long)pthread_rwlock_wrlock(&rw) << 16; /* EDEADLK */
    ev_set(&wr_held);
    ev_wait(&rw_release);
    pthread_rwlock_unlock(&rw);
    return (void *)r;
}

static const char *timed_past(int wr)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec -= 1;
    return en(wr ? pthread_rwlock_timedwrlock(&rw, &ts) : pthread_rwlock_timedrdlock(&rw, &ts));
}

static void test_thr_rwlock(void)
{
    rw_inside = rw_release = 0;
    pthread_t r1 = xthread(reader_fn, NULL), r2 = xthread(reader_fn, NULL);
    cnt_wait(&rw_inside, 2);
    say("two readers hold the lock at once: %s", yesno(rw_inside == 2));
    const char *a1 = en(pthread_rwlock_trywrlock(&rw));
    const char *a2 = timed_past(1);
    say("while read-locked: trywrlock %s, timedwrlock(past) %s", a1, a2);
    int e = pthread_rwlock_tryrdlock(&rw);
    say("while read-locked: tryrdlock %s", en(e));
    if (e == 0) pthread_rwlock_unlock(&rw);
    ev_set(&rw_release);
    a1 = en((int)(long)xjoin(r1));
    a2 = en((int)(long)xjoin(r2));
    say("readers: rdlock %s, %s", a1, a2);

    rw_release = 0;
    wr_held = 0;
    pthread_t w = xthread(writer_fn, NULL);
    ev_wait(&wr_held);
    a1 = en(pthread_rwlock_tryrdlock(&rw));
    a2 = en(pthread_rwlock_trywrlock(&rw));
    const char *a3 = timed_past(0);
    say("while write-locked: tryrdlock %s, trywrlock %s, timedrdlock(past) %s", a1, a2, a3);
    ev_set(&rw_release);
    long r = (long)xjoin(w);
    say("writer: wrlock %s, its own rdlock %s, its own wrlock %s", en((int)(r & 255)), en((int)((r >> 8) & 255)),
        en((int)((r >> 16) & 255)));
    a1 = en(pthread_rwlock_wrlock(&rw));
    a2 = en(pthread_rwlock_unlock(&rw));
    say("after the writer: wrlock %s, unlock %s", a1, a2);
}

#define BAR_N 5
#define BAR_ROUNDS 3
static pthread_barrier_t bar;
static volatile int bar_arrived, bar_serial[BAR_ROUNDS], bar_incomplete;

static void bar_rounds(void)
{
    for (int r = 0; r < BAR_ROUNDS; r++) {
        __atomic_fetch_add(&bar_arrived, 1, __ATOMIC_SEQ_CST);
        int e = pthread_barrier_wait(&bar);
        if (e == PTHREAD_BARRIER_SERIAL_THREAD) __atomic_fetch_add(&bar_serial[r], 1, __ATOMIC_SEQ_CST);
        else if (e != 0) __atomic_fetch_add(&bar_incomplete, 100, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&bar_arrived, __ATOMIC_SEQ_CST) < BAR_N * (r + 1))
            __atomic_fetch_add(&bar_incomplete, 1, __ATOMIC_SEQ_CST);
    }
}

static void *bar_fn(void *a)
{
    bar_rounds();
    return NULL;
}

static void test_thr_barrier(void)
{
    bar_arrived = bar_incomplete = 0;
    for (int r = 0; r < BAR_ROUNDS; r++) bar_serial[r] = 0;
    say("pthread_barrier_init(count 0): %s", en(pthread_barrier_init(&bar, NULL, 0)));
    say("pthread_barrier_init(count %d): %s", BAR_N, en(pthread_barrier_init(&bar, NULL, BAR_N)));
    pthread_t t[BAR_N - 1];
    for (int i = 0; i < BAR_N - 1; i++) t[i] = xthread(bar_fn, NULL);
    bar_rounds();
    for (int i = 0; i < BAR_N - 1; i++) xjoin(t[i]);
    for (int r = 0; r < BAR_ROUNDS; r++)
        say("round %d: PTHREAD_BARRIER_SERIAL_THREAD returned to %d thread(s)", r, bar_serial[r]);
    say("a thread left a barrier before everybody arrived: %s", yesno(bar_incomplete != 0));
    say("pthread_barrier_destroy: %s", en(pthread_barrier_destroy(&bar)));
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int once_runs, once_initialized, once_seen, once_go;

static void once_init(void)
{
    __atomic_fetch_add(&once_runs, 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < 20; i++) sched_yield(); /* let the others pile up */
    once_initialized = 1;
}

static void *once_fn(void *a)
{
    ev_wait(&once_go);
    pthread_once(&once, once_init);
    if (once_initialized) cnt_add(&once_seen);
    return NULL;
}

static void test_thr_once(void)
{
    once_runs = once_initialized = once_seen = once_go = 0;
    pthread_t t[8];
    for (int i = 0; i < 8; i++) t[i] = xthread(once_fn, NULL);
    ev_set(&once_go);
    for (int i = 0; i < 8; i++) xjoin(t[i]);
    say("8 threads called pthread_once: init ran %d time(s), threads that saw it done: %d", once_runs, once_seen);
    pthread_once(&once, once_init);
    say("main calls it again: init ran %d time(s)", once_runs);
}

/* ---- cancellation ----------------------------------------------------------- */

static volatile int can_ready, can_go;
static char can_trail[16];
static volatile int can_trail_n, can_after_testcancel;
static struct chan can_pipe;

static void can_mark(void *a)
{
    can_trail[can_trail_n++] = (char)(long)a;
}

static void *can_read_fn(void *a)
{
    char c;
    pthread_cleanup_push(can_mark, (void *)'A');
    ev_set(&can_ready);
    read(can_pipe.r, &c, 1); /* a cancellation point; nothing will arrive */
    pthread_cleanup_pop(0);
    return (void *)1L;
}

static void *can_disabled_fn(void *a)
{
    int old = -1;
    char c;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    ev_set(&can_ready);
    ev_wait(&can_go);
    long got = read(can_pipe.r, &c, 1); /* cancellation point, but disabled */
    can_trail[can_trail_n++] = got == 1 ? 'r' : '?';
    pthread_cleanup_push(can_mark, (void *)'A');
    pthread_cleanup_push(can_mark, (void *)'B');
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
    can_trail[can_trail_n++] = old == PTHREAD_CANCEL_ENABLE ? 'e' : '?';
    pthread_testcancel();
    can_after_testcancel = 1;
    pthread_cleanup_pop(0);
    pthread_cleanup_pop(0);
    return (void *)2L;
}

static volatile long can_spin;

static void *can_async_fn(void *a)
{
    int old = -1;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
    ev_set(&can_ready);
    for (;;) can_spin++;
    return NULL;
}

static pthread_mutex_t can_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t can_cv = PTHREAD_COND_INITIALIZER;
static volatile int can_unlock_result = -1;

static void can_unlock(void *a)
{
    can_unlock_result = pthread_mutex_unlock(&can_m);
}

static void *can_cond_fn(void *a)
{
    pthread_mutex_lock(&can_m);
    pthread_cleanup_push(can_unlock, NULL);
    ev_set(&can_ready);
    for (;;) pthread_cond_wait(&can_cv, &can_m);
    pthread_cleanup_pop(1);
    return NULL;
}

static void test_thr_cancel(void)
{
    chan_open(&can_pipe);
    can_ready = can_go = can_trail_n = can_after_testcancel = 0;
    memset(can_trail, 0, sizeof can_trail);
    pthread_t t = xthread(can_read_fn, NULL);
    ev_wait(&can_ready);
    say("deferred, blocked in read: pthread_cancel %s", en(pthread_cancel(t)));
    void *r = NULL;
    pthread_join(t, &r);
    say("  joined: PTHREAD_CANCELED: %s, cleanup handlers run: \"%s\"", yesno(r == PTHREAD_CANCELED), can_trail);

    can_ready = can_trail_n = 0;
    memset(can_trail, 0, sizeof can_trail);
    t = xthread(can_disabled_fn, NULL);
    ev_wait(&can_ready);
    say("PTHREAD_CANCEL_DISABLE: pthread_cancel %s", en(pthread_cancel(t)));
    CHECK(write(can_pipe.w, "x", 1) == 1);
    ev_set(&can_go);
    pthread_join(t, &r);
    say("  joined: PTHREAD_CANCELED: %s; trail \"%s\" (r: read while disabled, e: old state was enabled, then "
        "cleanup B, A); returned from pthread_testcancel: %s",
        yesno(r == PTHREAD_CANCELED), can_trail, yesno(can_after_testcancel));

    can_ready = 0;
    t = xthread(can_async_fn, NULL);
    ev_wait(&can_ready);
    say("asynchronous, spinning: pthread_cancel %s", en(pthread_cancel(t)));
    pthread_join(t, &r);
    say("  joined: PTHREAD_CANCELED: %s", yesno(r == PTHREAD_CANCELED));

    can_ready = 0;
    t = xthread(can_cond_fn, NULL);
    ev_wait(&can_ready);
    pthread_mutex_lock(&can_m); /* the waiter is inside pthread_cond_wait now */
    pthread_mutex_unlock(&can_m);
    say("blocked in pthread_cond_wait: pthread_cancel %s", en(pthread_cancel(t)));
    pthread_join(t, &r);
    say("  joined: PTHREAD_CANCELED: %s, cleanup handler owned the mutex again (unlock %s)",
        yesno(r == PTHREAD_CANCELED), en(can_unlock_result));
    say("  mutex free afterwards: trylock %s", en(pthread_mutex_trylock(&can_m)));
    pthread_mutex_unlock(&can_m);
    chan_close(&can_pipe);
}

/* ---- signals and threads ------------------------------------------------------ */

static volatile int k_count;
static volatile pthread_t k_self;
static volatile int k_code, k_value;

static void k_handler(int s, siginfo_t *si, void *uc)
{
    int e = errno;
    k_self = pthread_self();
    k_code = si->si_code;
    k_value = si->si_value.sival_int;
    cnt_add(&k_count);
    errno = e;
}

static void k_install(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = k_handler;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static const char *sicode(int c)
{
    switch (c) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_TIMER: return "SI_TIMER";
    }
    static char b[32];
    snprintf(b, sizeof b, "si_code=%d", c);
    return b;
}

static void test_thr_pthread_kill(void)
{
    k_install(SIGUSR1);
    k_install(SIGUSR2);
    gate = 0;
    pthread_t t[3];
    for (int i = 0; i < 3; i++) t[i] = xthread(gated_fn, NULL);
    k_count = 0;
    say("pthread_kill(thread 1, SIGUSR1): %s", en(pthread_kill(t[1], SIGUSR1)));
    cnt_wait(&k_count, 1);
    say("  handler ran in thread 1: %s, si_code=%s", yesno(pthread_equal(k_self, t[1])), sicode(k_code));
    say("pthread_kill(thread 2, 0): %s", en(pthread_kill(t[2], 0)));
    say("pthread_kill(thread 0, 99): %s", en(pthread_kill(t[0], 99)));
    union sigval v = { .sival_int = 5 };
    k_count = 0;
    say("pthread_sigqueue(thread 2, SIGUSR2, 5): %s", en(pthread_sigqueue(t[2], SIGUSR2, v)));
    cnt_wait(&k_count, 1);
    say("  handler ran in thread 2: %s, si_code=%s, value %d", yesno(pthread_equal(k_self, t[2])),
        sicode(k_code), k_value);
    k_count = 0;
    int e = pthread_kill(pthread_self(), SIGUSR1);
    say("pthread_kill(self, SIGUSR1): %s, handler ran in main before it returned: %s", en(e),
        yesno(k_count == 1 && pthread_equal(k_self, pthread_self())));
    ev_set(&gate);
    for (int i = 0; i < 3; i++) {
        void *r = xjoin(t[i]);
        if ((long)r != 77) say("thread %d returned %ld", i, (long)r);
    }
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

static volatile int sw_got, sw_recv, sw_ready, h_ready, h_stop, h_inherited;
static volatile pid_t sw_tid;
static pthread_t h_thread;

static void *sigwait_fn(void *a)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sw_tid = sys_gettid();
    ev_set(&sw_ready);
    for (int i = 0; i < 3; i++) {
        siginfo_t si;
        int s = sigwaitinfo(&set, &si);
        if (s == SIGUSR1 && si.si_code == SI_USER && sys_gettid() == sw_tid)
            __atomic_fetch_add(&sw_got, 1, __ATOMIC_SEQ_CST);
        cnt_add(&sw_recv);
    }
    return NULL;
}

static void *handler_thread_fn(void *a)
{
    sigset_t cur, un;
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    h_inherited = sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGUSR2);
    sigemptyset(&un);
    sigaddset(&un, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &un, NULL);
    ev_set(&h_ready);
    ev_wait(&h_stop);
    return NULL;
}

static void test_thr_signal_thread(void)
{
    k_install(SIGUSR2);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    sw_got = sw_recv = sw_ready = h_ready = h_stop = 0;
    pthread_t sw = xthread(sigwait_fn, NULL);
    h_thread = xthread(handler_thread_fn, NULL);
    ev_wait(&sw_ready);
    ev_wait(&h_ready);
    say("new threads inherit the creator's mask: %s", yesno(h_inherited));
    for (int i = 0; i < 3; i++) {
        kill(getpid(), SIGUSR1);
        cnt_wait(&sw_recv, i + 1); /* one at a time: standard signals do not queue */
    }
    xjoin(sw);
    say("3 process-directed SIGUSR1, all blocked: taken by the sigwaitinfo thread: %d", sw_got);
    int main_ok = 1;
    for (int i = 0; i < 2; i++) {
        k_count = 0;
        kill(getpid(), SIGUSR2);
        cnt_wait(&k_count, 1);
        if (!pthread_equal(k_self, h_thread)) main_ok = 0;
    }
    say("2 process-directed SIGUSR2: handled by the one thread that unblocked it: %s", yesno(main_ok));
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    say("main's mask unchanged by the other thread's pthread_sigmask: %s", yesno(sigismember(&cur, SIGUSR2)));
    ev_set(&h_stop);
    xjoin(h_thread);
    k_count = 0;
    kill(getpid(), SIGUSR2);
    sigset_t pend;
    sigpending(&pend);
    say("after that thread exited, SIGUSR2 blocked everywhere stays pending: %s, handled: %d",
        yesno(sigismember(&pend, SIGUSR2)), k_count);
    siginfo_t si;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    say("main takes it with sigwaitinfo: %s", sname(sigwaitinfo(&set, &si)));
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR2, SIG_DFL);
}

/* ---- many threads --------------------------------------------------------------- */

static void *ident_fn(void *a) { return a; }

static void test_thr_1000(void)
{
    long sum = 0;
    int batches = 0;
    for (int base = 0; base < 1000; base += 25) {
        pthread_t t[25];
        for (int i = 0; i < 25; i++) t[i] = xthread(ident_fn, (void *)(long)(base + i));
        for (int i = 0; i < 25; i++) sum += (long)xjoin(t[i]);
        batches++;
    }
    say("1000 threads created and joined in %d batches of 25: sum of return values %ld", batches, sum);
}

#define ALIVE_N 200
static volatile int alive_count, alive_gate;
static pid_t alive_tid[ALIVE_N];

static void *alive_fn(void *a)
{
    long i = (long)a;
    alive_tid[i] = sys_gettid();
    cnt_add(&alive_count);
    ev_wait(&alive_gate);
    return (void *)(i * 2);
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return x < y ? -1 : x > y;
}

static int proc_threads(void)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *p = strstr(buf, "\nThreads:");
    return p ? atoi(p + 9) : -1;
}

static void test_thr_200_alive(void)
{
    alive_count = alive_gate = 0;
    pthread_attr_t at;
    pthread_attr_init(&at);
    CHECK(pthread_attr_setstacksize(&at, 256 * 1024) == 0);
    static pthread_t t[ALIVE_N];
    for (long i = 0; i < ALIVE_N; i++) t[i] = xthread_attr(alive_fn, (void *)i, &at);
    pthread_attr_destroy(&at);
    cnt_wait(&alive_count, ALIVE_N);
    say("threads alive at once: %d", alive_count);
    say("/proc/self/status Threads: %d", proc_threads());
    pid_t sorted[ALIVE_N];
    memcpy(sorted, alive_tid, sizeof sorted);
    qsort(sorted, ALIVE_N, sizeof sorted[0], cmp_pid);
    int distinct = 1;
    for (int i = 1; i < ALIVE_N; i++)
        if (sorted[i] == sorted[i - 1]) distinct = 0;
    say("all tids distinct: %s, none equal to getpid: %s", yesno(distinct),
        yesno(bsearch(&(pid_t){ getpid() }, sorted, ALIVE_N, sizeof sorted[0], cmp_pid) == NULL));
    ev_set(&alive_gate);
    long sum = 0;
    for (int i = 0; i < ALIVE_N; i++) sum += (long)xjoin(t[i]);
    say("joined all: sum of return values %ld", sum);
}

/* ---- time and scheduling --------------------------------------------------------- */

static void test_sched_time_misc(void)
{
    say("sched_yield: %d", sched_yield());
    cpu_set_t set;
    CPU_ZERO(&set);
    int r = sched_getaffinity(0, sizeof set, &set);
    say("sched_getaffinity: %s, at least one CPU: %s", res(r), yesno(CPU_COUNT(&set) >= 1));
    long raw = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
    say("raw sched_getaffinity returns a byte count > 0: %s", yesno(raw > 0));
    say("raw sched_getaffinity(len 1): %s", res(syscall(SYS_sched_getaffinity, 0, 1, &set)));
    say("sched_setaffinity(the same mask): %s", res(sched_setaffinity(0, sizeof set, &set)));
    say("sched_getaffinity(thread tid): %s", res(sched_getaffinity(sys_gettid(), sizeof set, &set)));
    say("sched_getscheduler: %s", sched_getscheduler(0) == SCHED_OTHER ? "SCHED_OTHER" : "other");
    struct sched_param sp;
    sp.sched_priority = -1;
    r = sched_getparam(0, &sp);
    say("sched_getparam: %s, priority %d", res(r), sp.sched_priority);
    say("sched_get_priority_max(SCHED_OTHER) %d, SCHED_FIFO %d", sched_get_priority_max(SCHED_OTHER),
        sched_get_priority_max(SCHED_FIFO));

    struct rusage ru;
    say("getrusage(RUSAGE_SELF): %s", res(getrusage(RUSAGE_SELF, &ru)));
    say("getrusage(RUSAGE_CHILDREN): %s", res(getrusage(RUSAGE_CHILDREN, &ru)));
    say("getrusage(RUSAGE_THREAD): %s", res(getrusage(RUSAGE_THREAD, &ru)));
    say("getrusage(99): %s", res(getrusage(99, &ru)));
    struct tms tm;
    clock_t c = times(&tm);
    say("times: ok: %s", yesno(c != (clock_t)-1));
    say("sysconf(_SC_CLK_TCK) == 100: %s", yesno(sysconf(_SC_CLK_TCK) == 100));

    static const struct { clockid_t id; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "CLOCK_REALTIME" }, { CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
        { CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID" },
        { CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID" }, { CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW" },
        { CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE" }, { CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE" },
        { CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
    };
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec ts, rs;
        int g = clock_gettime(clocks[i].id, &ts);
        int gr = clock_getres(clocks[i].id, &rs);
        say("%s: gettime %s, getres %s, resolution > 0 and <= 10 ms: %s", clocks[i].name, res(g), res(gr),
            yesno(rs.tv_sec == 0 && rs.tv_nsec > 0 && rs.tv_nsec <= 10000000));
    }
    struct timespec ts;
    say("clock_gettime(12345): %s", res(clock_gettime(12345, &ts)));
}

static void test_clock_sleep_past(void)
{
    struct timespec zero = { 0, 0 }, now, before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    say("clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, 0): %s",
        en(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &zero, NULL)));
    /* "now" read before the call is in the past when the call runs (now - 1 s
     * could be negative: monotonic time may start near 0) */
    clock_gettime(CLOCK_MONOTONIC, &now);
    say("clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, an earlier now): %s",
        en(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL)));
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_sec -= 1;
    say("clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, now - 1 s): %s",
        en(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &now, NULL)));
    say("clock_nanosleep(CLOCK_MONOTONIC, relative 0): %s", en(clock_nanosleep(CLOCK_MONOTONIC, 0, &zero, NULL)));
    say("nanosleep(0): %s", res(nanosleep(&zero, NULL)));
    clock_gettime(CLOCK_MONOTONIC, &after);
    long ms = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    say("all of them returned within 1 s: %s", yesno(ms < 1000));
    struct timespec bad = { 0, 1000000000 };
    say("clock_nanosleep(tv_nsec = 1e9): %s", en(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL)));
    struct timespec neg = { -1, 0 };
    say("clock_nanosleep(tv_sec = -1): %s", en(clock_nanosleep(CLOCK_MONOTONIC, 0, &neg, NULL)));
    say("clock_nanosleep(CLOCK_THREAD_CPUTIME_ID): %s", en(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &zero,
                                                                          NULL)));
    say("clock_nanosleep(12345): %s", en(clock_nanosleep(12345, 0, &zero, NULL)));
    say("nanosleep(tv_nsec = -1): %s", res(nanosleep(&(struct timespec){ 0, -1 }, NULL)));
    struct timespec ten = { 0, 10 * 1000000 };
    clock_gettime(CLOCK_MONOTONIC, &before);
    int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &ten, NULL);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long ns = (after.tv_sec - before.tv_sec) * 1000000000L + (after.tv_nsec - before.tv_nsec);
    say("clock_nanosleep(relative 10 ms): %s, slept at least 10 ms: %s", en(r), yesno(ns >= 10000000));
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_nsec += 10000000;
    if (now.tv_nsec >= 1000000000) { now.tv_sec++; now.tv_nsec -= 1000000000; }
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL);
    clock_gettime(CLOCK_MONOTONIC, &after);
    say("clock_nanosleep(TIMER_ABSTIME now + 10 ms): %s, woke after the deadline: %s", en(r),
        yesno(after.tv_sec > now.tv_sec || (after.tv_sec == now.tv_sec && after.tv_nsec >= now.tv_nsec)));
}

static pthread_mutex_t mono_m = PTHREAD_MUTEX_INITIALIZER;
static struct timespec mono_last;
static int mono_back, mono_reads;
static volatile int mono_go;

static void *mono_fn(void *a)
{
    ev_wait(&mono_go);
    for (int i = 0; i < 500; i++) {
        struct timespec ts;
        pthread_mutex_lock(&mono_m);
        clock_gettime(CLOCK_MONOTONIC, &ts);
        if (ts.tv_sec < mono_last.tv_sec || (ts.tv_sec == mono_last.tv_sec && ts.tv_nsec < mono_last.tv_nsec))
            mono_back++;
        mono_last = ts;
        mono_reads++;
        pthread_mutex_unlock(&mono_m);
        if ((i & 63) == 0) sched_yield();
    }
    return NULL;
}

static void test_clock_monotonic_threads(void)
{
    mono_back = mono_reads = mono_go = 0;
    memset(&mono_last, 0, sizeof mono_last);
    pthread_t t[4];
    for (int i = 0; i < 4; i++) t[i] = xthread(mono_fn, NULL);
    ev_set(&mono_go);
    for (int i = 0; i < 4; i++) xjoin(t[i]);
    say("4 threads x 500 CLOCK_MONOTONIC reads in one global order: %d reads, went backwards %d times",
        mono_reads, mono_back);
    struct timespec m, b;
    clock_gettime(CLOCK_MONOTONIC, &m);
    clock_gettime(CLOCK_BOOTTIME, &b);
    say("CLOCK_BOOTTIME >= CLOCK_MONOTONIC read before it: %s",
        yesno(b.tv_sec > m.tv_sec || (b.tv_sec == m.tv_sec && b.tv_nsec >= m.tv_nsec)));
    struct timespec p1, p2;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p1);
    for (volatile int i = 0; i < 100000; i++) {}
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p2);
    say("CLOCK_PROCESS_CPUTIME_ID advanced over a busy loop: %s",
        yesno(p2.tv_sec > p1.tv_sec || (p2.tv_sec == p1.tv_sec && p2.tv_nsec > p1.tv_nsec)));
}

const struct conform_test threads_tests[] = {
    T(thr_create_join, "pthread_create/join return values; join self EDEADLK; tryjoin EBUSY; timedjoin"),
    T(thr_detach, "detached threads: join EINVAL, detach twice EINVAL, they still run to the end"),
    T(thr_exit_process, "exit/exit_group/_exit from a thread end the process; main pthread_exit: status 0"),
    T(thr_ids, "thread ids: same pid, distinct tids != pid, pthread_self distinct"),
    T(thr_tls, "__thread variables, errno and pthread keys are per thread; key destructors run"),
    T(thr_mutex_types, "normal, recursive and errorcheck mutexes: EBUSY, EDEADLK, EPERM"),
    T(thr_mutex_contention, "8 threads increment under a mutex, a spinlock and atomically: no lost updates"),
    T(thr_cond, "condition variables: signal, broadcast, timedwait ETIMEDOUT, CLOCK_MONOTONIC"),
    T(thr_rwlock, "rwlocks: shared readers, exclusive writer, EBUSY, EDEADLK, ETIMEDOUT"),
    T(thr_barrier, "barrier of 5 over 3 rounds: one serial thread per round, nobody leaves early"),
    T(thr_once, "pthread_once from 8 threads runs the init once, all see it done"),
    T(thr_cancel, "cancellation: deferred in read, disabled then testcancel, asynchronous, in cond_wait"),
    T(thr_pthread_kill, "pthread_kill and pthread_sigqueue run the handler in the target thread"),
    T(thr_signal_thread, "signals blocked in all threads but one: sigwaitinfo thread, handler thread"),
    T(thr_1000, "1000 threads created and joined"),
    T(thr_200_alive, "200 threads alive at once: distinct tids, /proc/self/status Threads"),
    T(sched_time_misc, "sched_yield, affinity, scheduler, getrusage, times, clock_gettime/getres"),
    T(clock_sleep_past, "clock_nanosleep: absolute times in the past return at once; errors"),
    T(clock_monotonic_threads, "CLOCK_MONOTONIC never goes backwards across threads"),
    { 0 }
};
