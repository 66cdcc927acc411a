/* Time at the edges: clock_settime(CLOCK_REALTIME) near 2^53 ns and near KTIME_MAX, absolute
 * CLOCK_REALTIME timers and sleeps moved by clock_settime, overruns up to DELAYTIMER_MAX,
 * nanosleep with huge times interrupted by a signal, itimer round trips of saturated values.
 *
 * Tests that set CLOCK_REALTIME put the host's clock back at once: realtime before + the
 * CLOCK_MONOTONIC time that passed (restore_clock), so the wall clock is wrong for
 * microseconds to milliseconds, and jumps forward by at most a few seconds otherwise (a
 * wall-clock watchdog of another process could notice). Nothing printed depends on the real
 * time of day. */
#include "conform.h"
#include <time.h>
#include <sys/time.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <poll.h>

#define KTIME_MAX 0x7fffffffffffffffULL
#define KTIME_SEC_MAX 9223372036LL
/* KTIME_SEC_MAX - 30 years: the first tv_sec clock_settime refuses */
#define SETTOD_SEC_MAX (KTIME_SEC_MAX - 946080000LL)
#define NSEC 1000000000LL

static struct timespec saved_real, saved_mono;

static uint64_t ns_of(struct timespec t) { return (uint64_t)t.tv_sec * NSEC + (uint64_t)t.tv_nsec; }

static struct timespec ts_of(uint64_t ns)
{
    struct timespec t = { (time_t)(ns / NSEC), (long)(ns % NSEC) };
    return t;
}

static void save_clock(void)
{
    CHECK(clock_gettime(CLOCK_REALTIME, &saved_real) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &saved_mono) == 0);
}

/* the wall clock as it would be had nobody set it */
static void restore_clock(void)
{
    struct timespec m;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &m) == 0);
    struct timespec r = ts_of(ns_of(saved_real) + (ns_of(m) - ns_of(saved_mono)));
    CHECK(clock_settime(CLOCK_REALTIME, &r) == 0);
}

static long raw_settime(long sec, long nsec)
{
    struct timespec t = { sec, nsec };
    return syscall(SYS_clock_settime, CLOCK_REALTIME, &t);
}

/* set CLOCK_REALTIME to sec.nsec, read it back, put the clock back; print what happened */
static void try_settime(const char *label, long sec, long nsec)
{
    save_clock();
    long r = raw_settime(sec, nsec);
    int e = errno;
    struct timespec back;
    clock_gettime(CLOCK_REALTIME, &back);
    if (r == 0) restore_clock();
    if (r != 0) {
        say("%s: errno=%s", label, ename(e));
        return;
    }
    /* read back within a second of what was set, to the second when nsec is 0 */
    uint64_t want = (uint64_t)sec * NSEC + (uint64_t)nsec;
    uint64_t got = ns_of(back);
    say("%s: ok, read back sec=%lld, within 1 s after: %s", label, (long long)back.tv_sec, yesno(got >= want && got - want < (uint64_t)NSEC));
}

static void test_time_settime_edges(void)
{
    try_settime("nsec 1e9", 1800000000L, 1000000000L);
    try_settime("nsec -1", 1800000000L, -1L);
    try_settime("sec -1", -1L, 0);
    try_settime("before boot (0)", 0, 0);
    try_settime("2^53 ns", 9007199L, 254740992L);
    try_settime("2^53 + 1 ns", 9007199L, 254740993L);
    try_settime("2^63 / 2 ns", 4611686018L, 427387904L);
    try_settime("TIME_SETTOD_SEC_MAX - 1", SETTOD_SEC_MAX - 1, 999999999L);
    try_settime("TIME_SETTOD_SEC_MAX", SETTOD_SEC_MAX, 0);
    try_settime("KTIME_SEC_MAX", KTIME_SEC_MAX, 0);
    try_settime("LONG_MAX", 0x7fffffffffffffffL, 0);
    /* settimeofday: tv_usec up to 1000000 passes the first check, then fails as a timespec */
    struct timeval tv = { 1800000000L, 1000000 };
    say("settimeofday usec 1000000: %s", res(syscall(SYS_settimeofday, &tv, NULL)));
    tv.tv_usec = -1;
    say("settimeofday usec -1: %s", res(syscall(SYS_settimeofday, &tv, NULL)));
    struct timezone tz = { 15 * 60 + 1, 0 };
    say("settimeofday tz 901 only: %s", res(syscall(SYS_settimeofday, NULL, &tz)));
    /* clocks that cannot be set, and a bad clock id */
    struct timespec t = { 100, 0 };
    say("settime CLOCK_MONOTONIC: %s", res(syscall(SYS_clock_settime, CLOCK_MONOTONIC, &t)));
    say("settime clock 99: %s", res(syscall(SYS_clock_settime, 99, &t)));
    say("settime clock 99, bad pointer: %s", res(syscall(SYS_clock_settime, 99, (void *)8)));
}

static timer_t make_timer(clockid_t clock, int sig, int value)
{
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = sig;
    ev.sigev_value.sival_int = value;
    timer_t id;
    CHECK(timer_create(clock, &ev, &id) == 0);
    return id;
}

static void arm(timer_t id, int flags, uint64_t value, uint64_t interval)
{
    struct itimerspec its = { ts_of(interval), ts_of(value) };
    CHECK(timer_settime(id, flags, &its, NULL) == 0);
}

/* take one signal of the set, waiting up to ms; its value, or -1 */
static int take(const sigset_t *set, long ms, int *overrun)
{
    struct timespec to = { ms / 1000, (ms % 1000) * 1000000L };
    siginfo_t si;
    int s = sigtimedwait(set, &si, &to);
    if (s < 0) return -1;
    if (overrun) *overrun = si.si_overrun;
    return si.si_value.sival_int;
}

static void test_time_realtime_abstime(void)
{
    int sig = SIGRTMIN + 2;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    save_clock();
    uint64_t r0 = ns_of(saved_real);
    /* B armed first but due later; A due first; C and D are relative (CLOCK_REALTIME without
     * TIMER_ABSTIME runs on CLOCK_MONOTONIC); E is absolute at KTIME_MAX */
    timer_t b = make_timer(CLOCK_REALTIME, sig, 2);
    timer_t a = make_timer(CLOCK_REALTIME, sig, 1);
    timer_t c = make_timer(CLOCK_MONOTONIC, sig, 3);
    timer_t d = make_timer(CLOCK_REALTIME, sig, 4);
    timer_t e = make_timer(CLOCK_REALTIME, sig, 5);
    arm(b, TIMER_ABSTIME, r0 + 4 * NSEC, 0);
    arm(a, TIMER_ABSTIME, r0 + 2 * NSEC, 0);
    arm(c, 0, 1000 * NSEC, 0);
    arm(d, 0, 1500 * NSEC, 0);
    struct itimerspec its = { {0, 0}, {KTIME_SEC_MAX, 0} };
    CHECK(timer_settime(e, TIMER_ABSTIME, &its, NULL) == 0);
    struct itimerspec g;
    CHECK(timer_gettime(e, &g) == 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    say("KTIME_MAX timer: remaining + now within 1 s of KTIME_MAX: %s",
        yesno((uint64_t)(g.it_value.tv_sec + now.tv_sec) >= (uint64_t)KTIME_SEC_MAX - 1 && g.it_value.tv_sec + now.tv_sec <= KTIME_SEC_MAX));
    /* the wall clock jumps past both absolute timers: they fire at once, A before B */
    struct timespec fwd = ts_of(r0 + 6 * NSEC);
    CHECK(clock_settime(CLOCK_REALTIME, &fwd) == 0);
    int first = take(&set, 2000, NULL);
    int second = take(&set, 2000, NULL);
    int third = take(&set, 0, NULL);
    restore_clock();
    say("after the jump: %d then %d, then %d", first, second, third);
    CHECK(timer_gettime(c, &g) == 0);
    say("monotonic timer has 998..1000 s left: %s", yesno(g.it_value.tv_sec >= 998 && g.it_value.tv_sec <= 1000));
    CHECK(timer_gettime(d, &g) == 0);
    say("relative realtime timer still armed (1498..1500 s): %s", yesno(g.it_value.tv_sec >= 1498 && g.it_value.tv_sec <= 1500));
    CHECK(timer_gettime(a, &g) == 0);
    say("A after firing: value %ld.%09ld interval %ld.%09ld", (long)g.it_value.tv_sec, g.it_value.tv_nsec, (long)g.it_interval.tv_sec, g.it_interval.tv_nsec);
    /* the clock set back before an absolute timer's time: it waits for the new time to come */
    save_clock();
    r0 = ns_of(saved_real);
    arm(a, TIMER_ABSTIME, r0 + 5 * NSEC, 0);
    struct timespec back = ts_of(r0 - 5 * NSEC);
    CHECK(clock_settime(CLOCK_REALTIME, &back) == 0);
    CHECK(timer_gettime(a, &g) == 0);
    restore_clock();
    say("clock set back 5 s: the absolute timer has 9..10 s left: %s", yesno(g.it_value.tv_sec >= 9 && g.it_value.tv_sec <= 10));
    timer_delete(a);
    timer_delete(b);
    timer_delete(c);
    timer_delete(d);
    timer_delete(e);
    say("nothing else pending: %s", yesno(take(&set, 0, NULL) < 0));
}

static void test_time_overrun(void)
{
    int sig = SIGRTMIN + 3;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    int ov = 0;
    /* a 50 ms periodic absolute timer the clock jumps 5025 ms past */
    save_clock();
    uint64_t r0 = ns_of(saved_real);
    timer_t p = make_timer(CLOCK_REALTIME, sig, 7);
    arm(p, TIMER_ABSTIME, r0 + NSEC, 50000000);
    struct timespec fwd = ts_of(r0 + 6 * NSEC + 25000000);
    CHECK(clock_settime(CLOCK_REALTIME, &fwd) == 0);
    int v = take(&set, 2000, &ov);
    int after = timer_getoverrun(p);
    struct itimerspec g;
    CHECK(timer_gettime(p, &g) == 0);
    restore_clock();
    /* 100 periods passed unseen (101 when the signal is taken more than 25 ms late) */
    say("periodic 50 ms timer, clock 5025 ms past: value %d, si_overrun 100 or 101: %s, timer_getoverrun the same: %s",
        v, yesno(ov == 100 || ov == 101), yesno(after == ov));
    say("  interval %ld.%09ld", (long)g.it_interval.tv_sec, g.it_interval.tv_nsec);
    struct itimerspec off = {{0, 0}, {0, 0}};
    CHECK(timer_settime(p, 0, &off, NULL) == 0);
    while (take(&set, 0, NULL) >= 0) {}
    say("  after disarming: getoverrun %d", timer_getoverrun(p));
    /* a 1 ns period and a 3 s jump: more overruns than an int holds, reported as DELAYTIMER_MAX */
    save_clock();
    r0 = ns_of(saved_real);
    arm(p, TIMER_ABSTIME, r0 + 2 * NSEC, 1);
    fwd = ts_of(r0 + 4 * NSEC + NSEC / 5);
    CHECK(clock_settime(CLOCK_REALTIME, &fwd) == 0);
    v = take(&set, 2000, &ov);
    after = timer_getoverrun(p);
    CHECK(timer_settime(p, 0, &off, NULL) == 0);
    restore_clock();
    while (take(&set, 0, NULL) >= 0) {}
    say("1 ns period, 2.2 s jump: value %d si_overrun %d timer_getoverrun %d", v, ov, after);
    /* intervals and values read back exactly, KTIME_MAX for tv_sec from KTIME_SEC_MAX on */
    struct itimerspec its = { {KTIME_SEC_MAX + 5, 3}, {100000000L, 999999999L} };
    CHECK(timer_settime(p, 0, &its, NULL) == 0);
    CHECK(timer_gettime(p, &g) == 0);
    say("interval LONG-ish: %ld.%09ld; value below 1e8 s + 1: %s", (long)g.it_interval.tv_sec, g.it_interval.tv_nsec,
        yesno(g.it_value.tv_sec >= 99999998L && g.it_value.tv_sec <= 100000000L));
    its.it_interval.tv_sec = 9007199L;
    its.it_interval.tv_nsec = 254740993L;
    CHECK(timer_settime(p, 0, &its, NULL) == 0);
    CHECK(timer_gettime(p, &g) == 0);
    say("interval 2^53 + 1 ns: %ld.%09ld", (long)g.it_interval.tv_sec, g.it_interval.tv_nsec);
    its.it_value.tv_nsec = NSEC;
    say("value nsec 1e9: %s", res(timer_settime(p, 0, &its, NULL)));
    its.it_value.tv_nsec = 0;
    its.it_interval.tv_sec = -1;
    say("interval sec -1: %s", res(timer_settime(p, 0, &its, NULL)));
    timer_delete(p);
}

static volatile int alarms;
static void on_alarm(int s) { alarms++; }

/* nanosleep-family call interrupted by a 10 ms ITIMER_REAL (handled, no SA_RESTART) */
static void interrupted(const char *label, long (*call)(struct timespec *rem), struct timespec *rem)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = { {0, 0}, {0, 10000} };
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    long r = call(rem);
    say("%s: %s", label, r == 0 ? "0" : r > 0 ? ename((int)r) : res(r));
}

static struct timespec req;
static long do_nanosleep(struct timespec *rem) { return syscall(SYS_nanosleep, &req, rem); }
static long do_abs(struct timespec *rem) { return clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, rem); }

static void test_time_nanosleep_huge(void)
{
    struct timespec rem, mono;
    req.tv_sec = 0x7fffffffffffffffL;
    req.tv_nsec = 999999999L;
    interrupted("nanosleep LONG_MAX s", do_nanosleep, &rem);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    uint64_t sum = ns_of(rem) + ns_of(mono);
    say("  remaining + now - KTIME_MAX below 1 s: %s", yesno(sum >= KTIME_MAX && sum - KTIME_MAX < (uint64_t)NSEC));
    req.tv_sec = 9007199L;
    req.tv_nsec = 254740993L;
    interrupted("nanosleep 2^53 + 1 ns", do_nanosleep, &rem);
    uint64_t want = ns_of(req);
    say("  remaining within 1 s below the request: %s", yesno(ns_of(rem) < want + 1000000 && ns_of(rem) > want - (uint64_t)NSEC));
    req.tv_sec = KTIME_SEC_MAX + 5;
    req.tv_nsec = 0;
    rem.tv_sec = 77;
    rem.tv_nsec = 77;
    interrupted("clock_nanosleep ABSTIME past KTIME_MAX", do_abs, &rem);
    say("  remaining untouched: %s", yesno(rem.tv_sec == 77 && rem.tv_nsec == 77));
    struct timespec bad = { 1, NSEC };
    say("nanosleep nsec 1e9: %s", res(syscall(SYS_nanosleep, &bad, NULL)));
    bad.tv_nsec = -1;
    say("nanosleep nsec -1: %s", res(syscall(SYS_nanosleep, &bad, NULL)));
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    say("nanosleep sec -1: %s", res(syscall(SYS_nanosleep, &bad, NULL)));
    struct timespec zero = { 0, 0 };
    say("clock_nanosleep MONOTONIC_RAW: %s", ename(clock_nanosleep(CLOCK_MONOTONIC_RAW, 0, &zero, NULL)));
    say("clock_nanosleep MONOTONIC_COARSE: %s", ename(clock_nanosleep(CLOCK_MONOTONIC_COARSE, 0, &zero, NULL)));
    say("clock_nanosleep THREAD_CPUTIME: %s", ename(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &zero, NULL)));
    /* an absolute CLOCK_REALTIME sleep ends when the clock is set past it */
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        struct timespec r;
        clock_gettime(CLOCK_REALTIME, &r);
        r.tv_sec += 5;
        _exit(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &r, NULL));
    }
    /* wait until the child sleeps (state S in /proc/PID/stat) */
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", c);
    for (int i = 0; i < 100000; i++) {
        int fd = open(path, O_RDONLY);
        CHECK(fd >= 0);
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        buf[n > 0 ? n : 0] = 0;
        char *p = strrchr(buf, ')');
        if (p && p[2] == 'S') break;
        sched_yield();
    }
    save_clock();
    struct timespec fwd = ts_of(ns_of(saved_real) + 6 * NSEC);
    CHECK(clock_settime(CLOCK_REALTIME, &fwd) == 0);
    int st;
    pid_t w;
    for (int i = 0; i < 5000 && (w = waitpid(c, &st, WNOHANG)) == 0; i++) usleep(1000);
    restore_clock();
    if (w == 0) {
        kill(c, SIGKILL);
        waitpid(c, &st, 0);
        say("realtime ABSTIME sleep: still asleep after the jump");
    } else say("realtime ABSTIME sleep after the jump: %s", wstr(st));
}

static void test_time_itimer_roundtrip(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = SIG_IGN;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = { {1, 500000}, {100000000L, 999999} }, old, g;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK(getitimer(ITIMER_REAL, &g) == 0);
    say("interval %ld.%06ld; value within 1 s of 100000000.999999: %s", (long)g.it_interval.tv_sec, (long)g.it_interval.tv_usec,
        yesno(g.it_value.tv_sec >= 99999999L && g.it_value.tv_sec <= 100000000L));
    /* tv_sec of LONG_MAX saturates at KTIME_MAX: 9223372036.854775 s as a timeval */
    struct itimerval huge = { {0x7fffffffffffffffL, 0}, {0x7fffffffffffffffL, 0} };
    CHECK(setitimer(ITIMER_REAL, &huge, &old) == 0);
    say("old interval %ld.%06ld", (long)old.it_interval.tv_sec, (long)old.it_interval.tv_usec);
    CHECK(getitimer(ITIMER_REAL, &g) == 0);
    struct timespec mono;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    say("LONG_MAX interval reads %ld.%06ld", (long)g.it_interval.tv_sec, (long)g.it_interval.tv_usec);
    uint64_t sum = (uint64_t)g.it_value.tv_sec * NSEC + (uint64_t)g.it_value.tv_usec * 1000 + ns_of(mono);
    say("value + now within 1 s of KTIME_MAX: %s", yesno(sum + (uint64_t)NSEC >= KTIME_MAX && sum <= KTIME_MAX + (uint64_t)NSEC));
    struct itimerval bad = { {0, 0}, {1, 1000000} };
    say("usec 1000000: %s", res(setitimer(ITIMER_REAL, &bad, NULL)));
    bad.it_value.tv_usec = -1;
    say("usec -1: %s", res(setitimer(ITIMER_REAL, &bad, NULL)));
    bad.it_value.tv_usec = 0;
    bad.it_interval.tv_sec = -1;
    say("interval sec -1: %s", res(setitimer(ITIMER_REAL, &bad, NULL)));
    /* a value of 0 disarms and drops the interval */
    struct itimerval zero = { {5, 0}, {0, 0} };
    CHECK(setitimer(ITIMER_REAL, &zero, &old) == 0);
    CHECK(getitimer(ITIMER_REAL, &g) == 0);
    say("disarmed with interval 5: reads %ld.%06ld %ld.%06ld", (long)g.it_interval.tv_sec, (long)g.it_interval.tv_usec,
        (long)g.it_value.tv_sec, (long)g.it_value.tv_usec);
}

static void test_time_timerfd(void)
{
    say("create PROCESS_CPUTIME: %s", res(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0)));
    say("create flag 1: %s", res(timerfd_create(CLOCK_MONOTONIC, 1)));
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK(fd >= 0);
    struct itimerspec its = { {5, 0}, {0, 0} }, g;
    say("settime flag 4: %s", res(timerfd_settime(fd, 4, &its, NULL)));
    its.it_value.tv_nsec = NSEC;
    say("settime nsec 1e9: %s", res(timerfd_settime(fd, 0, &its, NULL)));
    its.it_value.tv_nsec = 0;
    int pfd[2];
    CHECK(pipe(pfd) == 0);
    say("settime on a pipe: %s", res(timerfd_settime(pfd[0], 0, &its, NULL)));
    say("gettime on a pipe: %s", res(timerfd_gettime(pfd[0], &g)));
    say("settime on fd 999: %s", res(timerfd_settime(999, 0, &its, NULL)));
    close(pfd[0]);
    close(pfd[1]);
    /* a zero value disarms but the interval is kept */
    CHECK(timerfd_settime(fd, 0, &its, NULL) == 0);
    CHECK(timerfd_gettime(fd, &g) == 0);
    say("value 0, interval 5: reads %ld.%09ld %ld.%09ld", (long)g.it_interval.tv_sec, g.it_interval.tv_nsec, (long)g.it_value.tv_sec, g.it_value.tv_nsec);
    uint64_t ticks;
    say("read while disarmed: %s", res(read(fd, &ticks, 8)));
    say("read of 4 bytes: %s", res(read(fd, &ticks, 4)));
    /* exact interval; KTIME_MAX value */
    struct itimerspec far = { {9007199L, 254740993L}, {KTIME_SEC_MAX + 5, 0} }, old;
    CHECK(timerfd_settime(fd, 0, &far, &old) == 0);
    say("old: %ld.%09ld %ld.%09ld", (long)old.it_interval.tv_sec, old.it_interval.tv_nsec, (long)old.it_value.tv_sec, old.it_value.tv_nsec);
    CHECK(timerfd_gettime(fd, &g) == 0);
    struct timespec mono;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    uint64_t sum = ns_of(g.it_value) + ns_of(mono);
    say("interval %ld.%09ld; value + now within 1 s of KTIME_MAX: %s", (long)g.it_interval.tv_sec, g.it_interval.tv_nsec,
        yesno(sum <= KTIME_MAX + (uint64_t)NSEC && sum + (uint64_t)NSEC >= KTIME_MAX));
    /* one nanosecond: it expires at once, one tick */
    struct itimerspec one = { {0, 0}, {0, 1} };
    CHECK(timerfd_settime(fd, 0, &one, NULL) == 0);
    struct pollfd p = { fd, POLLIN, 0 };
    poll(&p, 1, 5000);
    ssize_t got = read(fd, &ticks, 8);
    say("1 ns timer: poll %s, read %s, ticks %llu", p.revents & POLLIN ? "POLLIN" : "nothing", res(got), (unsigned long long)ticks);
    close(fd);
    /* an absolute CLOCK_REALTIME timerfd, 50 ms period, the clock set 5.025 s past it */
    fd = timerfd_create(CLOCK_REALTIME, 0);
    CHECK(fd >= 0);
    save_clock();
    uint64_t r0 = ns_of(saved_real);
    struct itimerspec rt = { {0, 50000000L}, ts_of(r0 + NSEC) };
    CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &rt, NULL) == 0);
    struct timespec fwd = ts_of(r0 + 6 * NSEC + 25000000);
    CHECK(clock_settime(CLOCK_REALTIME, &fwd) == 0);
    ticks = 0;
    p.fd = fd;
    p.revents = 0;
    poll(&p, 1, 2000);
    ssize_t n = read(fd, &ticks, 8);
    restore_clock();
    say("realtime timerfd after the jump: read %s, ticks 101 or 102: %s", res(n), yesno(ticks == 101 || ticks == 102));
    fcntl(fd, F_SETFL, O_NONBLOCK);
    say("after the clock went back: read %s", res(read(fd, &ticks, 8)));
    close(fd);
}

const struct conform_test ktime_tests[] = {
    T(time_settime_edges, "clock_settime/settimeofday: EINVAL for bad nsec, before boot, from TIME_SETTOD_SEC_MAX on; 2^53 ns and huge times read back"),
    T(time_realtime_abstime, "absolute CLOCK_REALTIME timers fire in order when the clock jumps past them; relative ones and KTIME_MAX stay"),
    T(time_overrun, "a periodic timer the clock jumps past: one signal, overruns counted, DELAYTIMER_MAX; exact itimerspec round trips"),
    T(time_nanosleep_huge, "nanosleep of LONG_MAX s and 2^53+1 ns interrupted: remaining time; ABSTIME past KTIME_MAX; realtime sleep woken by settime"),
    T(time_itimer_roundtrip, "setitimer/getitimer: exact intervals, LONG_MAX saturating at KTIME_MAX, EINVAL, disarm drops the interval"),
    T(time_timerfd, "timerfd: EINVAL/EBADF rules, interval kept at value 0, exact and KTIME_MAX values, ticks when the realtime clock jumps"),
    {0},
};
