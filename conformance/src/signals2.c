/* signals2.c - signal delivery details: siginfo fields, sigaction flags
 * (SA_SIGINFO, SA_RESTART, SA_NODEFER, SA_RESETHAND, SA_ONSTACK), masks and
 * pending sets, sigsuspend, sigtimedwait, real-time queueing, faults
 * (SIGSEGV, SIGBUS, SIGILL, SIGTRAP), timers (alarm, setitimer, timer_create),
 * pause, nanosleep, process groups, group stop with threads.
 *
 * A signal meant to interrupt a blocking call is sent by an "interrupter"
 * thread again and again (each time waiting for the handler to run) until
 * the call has returned: the call's result does not depend on whether the
 * first signal came before the call blocked. */
#include "conform.h"
#include <pthread.h>
#include <setjmp.h>
#include <time.h>
#include <sys/time.h>

static const char *en(int e) { return e == 0 ? "ok" : ename(e); }

static const char *rtname(int s)
{
    if (s == SIGRTMIN) return "SIGRTMIN";
    if (s == SIGRTMAX) return "SIGRTMAX";
    if (s > SIGRTMIN && s < SIGRTMAX) {
        static char b[4][32];
        static unsigned i;
        char *p = b[i++ % 4];
        snprintf(p, 32, "SIGRTMIN+%d", s - SIGRTMIN);
        return p;
    }
    return sname(s);
}

static const char *codestr(int signo, int c)
{
    switch (c) {
    case SI_USER: return "SI_USER";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TIMER: return "SI_TIMER";
    case SI_TKILL: return "SI_TKILL";
    }
    if (signo == SIGSEGV && c == SEGV_MAPERR) return "SEGV_MAPERR";
    if (signo == SIGSEGV && c == SEGV_ACCERR) return "SEGV_ACCERR";
    if (signo == SIGBUS && c == BUS_ADRALN) return "BUS_ADRALN";
    if (signo == SIGBUS && c == BUS_ADRERR) return "BUS_ADRERR";
    if (signo == SIGBUS && c == BUS_OBJERR) return "BUS_OBJERR";
    if (signo == SIGTRAP && c == TRAP_BRKPT) return "TRAP_BRKPT";
    if (signo == SIGCHLD) return cldstr(c);
    static char b[4][32];
    static unsigned i;
    char *p = b[i++ % 4];
    snprintf(p, 32, "si_code=%d", c);
    return p;
}

/* ---- a recording handler ---------------------------------------------------- */

static volatile int g_count, g_signo, g_code, g_value, g_errno_field;
static volatile pid_t g_pid, g_tid;
static volatile uid_t g_uid;
static void *volatile g_ptr;

static void rec(int s, siginfo_t *si, void *uc)
{
    int e = errno;
    g_signo = s;
    g_code = si->si_code;
    g_pid = si->si_pid;
    g_uid = si->si_uid;
    g_value = si->si_value.sival_int;
    g_ptr = si->si_value.sival_ptr;
    g_errno_field = si->si_errno;
    g_tid = sys_gettid();
    cnt_add(&g_count);
    errno = e;
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags, const sigset_t *mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    if (mask) sa.sa_mask = *mask;
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void dfl(int sig) { signal(sig, SIG_DFL); }

static void block(int how, int s1, int s2, sigset_t *old)
{
    sigset_t m;
    sigemptyset(&m);
    if (s1) sigaddset(&m, s1);
    if (s2) sigaddset(&m, s2);
    CHECK(sigprocmask(how, &m, old) == 0);
}

static int blocked(int sig)
{
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    return sigismember(&m, sig);
}

static int pending(int sig)
{
    sigset_t m;
    sigpending(&m);
    return sigismember(&m, sig);
}

static pthread_t start(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    fflush(NULL);
    CHECK(pthread_create(&t, NULL, fn, arg) == 0);
    return t;
}

static void *join(pthread_t t)
{
    void *r;
    CHECK(pthread_join(t, &r) == 0);
    return r;
}

/* ---- the interrupter ----------------------------------------------------------- */

static volatile int it_phase, it_done;
static pid_t it_target;
static int it_sig, it_times, it_write_fd;

/* it_times == 0: signal until it_done; else send it_times signals, then
 * write a byte to it_write_fd (if >= 0) */
static void *interrupter(void *a)
{
    ev_wait(&it_phase);
    for (int n = 0; it_times ? n < it_times : !__atomic_load_n(&it_done, __ATOMIC_SEQ_CST); n++) {
        int c = __atomic_load_n(&g_count, __ATOMIC_SEQ_CST);
        sys_tgkill(getpid(), it_target, it_sig);
        cnt_wait(&g_count, c + 1);
    }
    if (it_times && it_write_fd >= 0) CHECK(write(it_write_fd, "x", 1) == 1);
    return NULL;
}

static pthread_t interrupt_me(int sig, int times, int write_fd)
{
    it_phase = it_done = 0;
    it_target = sys_gettid();
    it_sig = sig;
    it_times = times;
    it_write_fd = write_fd;
    g_count = 0;
    return start(interrupter, NULL);
}

/* call just before the blocking call */
static void go(void) { ev_set(&it_phase); }

/* call right after it, then join */
static void done(pthread_t t)
{
    __atomic_store_n(&it_done, 1, __ATOMIC_SEQ_CST);
    join(t);
}

/* ---- siginfo ------------------------------------------------------------------------ */

static void test_sig_siginfo_fields(void)
{
    on(SIGUSR1, rec, 0, NULL);
    g_count = 0;
    kill(getpid(), SIGUSR1);
    say("kill(self): handled %d, si_signo %s, si_code %s, si_pid == getpid: %s, si_uid == getuid: %s, si_errno %d",
        g_count, sname(g_signo), codestr(g_signo, g_code), yesno(g_pid == getpid()), yesno(g_uid == getuid()),
        g_errno_field);
    g_count = 0;
    sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 42 });
    say("sigqueue(self, 42): handled %d, si_code %s, si_value %d, si_pid == getpid: %s", g_count,
        codestr(SIGUSR1, g_code), g_value, yesno(g_pid == getpid()));
    static int marker;
    g_count = 0;
    sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_ptr = &marker });
    say("sigqueue(self, pointer): si_value.sival_ptr intact: %s", yesno(g_ptr == &marker));
    g_count = 0;
    raise(SIGUSR1);
    say("raise: handled %d, si_code %s, si_pid == getpid: %s", g_count, codestr(SIGUSR1, g_code),
        yesno(g_pid == getpid()));

    sigset_t old;
    block(SIG_BLOCK, SIGUSR1, 0, &old);
    pid_t c = xfork();
    if (c == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    xwait(c, 0);
    g_count = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    say("kill from a child: handled %d, si_code %s, si_pid == child: %s", g_count, codestr(SIGUSR1, g_code),
        yesno(g_pid == c));

    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_pid = 12345;
    si.si_uid = 4242;
    si.si_value.sival_int = 7;
    g_count = 0;
    long r = syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si);
    say("rt_sigqueueinfo(self, SI_QUEUE, made-up si_pid/si_uid): %s, handled %d, si_pid as given: %s, si_uid as "
        "given: %s, value %d",
        res(r), g_count, yesno(g_pid == 12345), yesno(g_uid == 4242), g_value);
    si.si_code = SI_USER;
    g_count = 0;
    r = syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si);
    say("rt_sigqueueinfo(self, SI_USER): %s, handled %d", res(r), g_count);

    struct chan ch;
    chan_open(&ch);
    c = xfork();
    if (c == 0) {
        chan_recv(&ch);
        _exit(0);
    }
    si.si_code = SI_USER;
    say("rt_sigqueueinfo(child, SI_USER): %s", res(syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &si)));
    si.si_code = SI_TKILL;
    say("rt_sigqueueinfo(child, SI_TKILL): %s", res(syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &si)));
    si.si_code = SI_KERNEL;
    say("rt_sigqueueinfo(child, SI_KERNEL): %s", res(syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &si)));
    chan_send(&ch, 1);
    wait_print("child", c, 0);
    chan_close(&ch);
    dfl(SIGUSR1);
}

/* ---- SA_RESTART ------------------------------------------------------------------ */

static void test_sig_restart(void)
{
    struct chan p;
    chan_open(&p);
    char c;

    on(SIGUSR1, rec, 0, NULL);
    pthread_t t = interrupt_me(SIGUSR1, 0, -1);
    go();
    ssize_t r = read(p.r, &c, 1);
    int e = errno;
    done(t);
    say("read on an empty pipe, handler without SA_RESTART: %s", r < 0 ? ename(e) : "returned");

    on(SIGUSR1, rec, SA_RESTART, NULL);
    t = interrupt_me(SIGUSR1, 3, p.w);
    go();
    r = read(p.r, &c, 1);
    join(t);
    say("read with SA_RESTART: returned %zd after %d handled signals", r, g_count);

    struct pollfd pf = { p.r, POLLIN, 0 };
    t = interrupt_me(SIGUSR1, 0, -1);
    go();
    int pr = poll(&pf, 1, -1);
    e = errno;
    done(t);
    say("poll with SA_RESTART (never restarted): %s", pr < 0 ? ename(e) : "returned");

    struct chan rel;
    chan_open(&rel);
    pid_t ch = xfork();
    if (ch == 0) {
        chan_recv(&rel);
        _exit(5);
    }
    on(SIGUSR1, rec, 0, NULL);
    t = interrupt_me(SIGUSR1, 0, -1);
    go();
    int st;
    pid_t w = waitpid(ch, &st, 0);
    e = errno;
    done(t);
    say("waitpid on a running child, handler without SA_RESTART: %s", w < 0 ? ename(e) : "returned");
    on(SIGUSR1, rec, SA_RESTART, NULL);
    t = interrupt_me(SIGUSR1, 3, rel.w);
    go();
    w = waitpid(ch, &st, 0);
    join(t);
    say("waitpid with SA_RESTART: returned the child: %s, %s, after %d handled signals", yesno(w == ch),
        wstr(st), g_count);
    chan_close(&rel);
    chan_close(&p);
    dfl(SIGUSR1);
}

/* ---- SA_NODEFER, sa_mask, SA_RESETHAND -------------------------------------------- */

static char trail[128];
static volatile int depth, calls, usr1_blocked_inside, usr2_blocked_inside;

static void add(const char *s)
{
    size_t n = strlen(trail);
    if (n + strlen(s) + 2 < sizeof trail) {
        if (n) trail[n++] = ' ';
        strcpy(trail + n, s);
    }
}

static void nd_handler(int s, siginfo_t *si, void *uc)
{
    char b[16];
    depth++;
    calls++;
    int first = calls == 1;
    snprintf(b, sizeof b, "%s%d", s == SIGUSR1 ? "E" : "U", depth);
    add(b);
    if (first) {
        usr1_blocked_inside = blocked(SIGUSR1);
        usr2_blocked_inside = blocked(SIGUSR2);
        if (s == SIGUSR1) raise(SIGUSR1);
        if (s == SIGUSR1) raise(SIGUSR2);
    }
    snprintf(b, sizeof b, "%s%d", s == SIGUSR1 ? "L" : "l", depth);
    add(b);
    depth--;
}

static void test_sig_nodefer_mask(void)
{
    sigset_t m;
    on(SIGUSR2, nd_handler, 0, NULL);
    static const struct { int flags; int mask_usr2; const char *what; } cases[] = {
        { 0, 0, "default" }, { SA_NODEFER, 0, "SA_NODEFER" }, { 0, 1, "sa_mask {SIGUSR2}" },
        { SA_NODEFER, 1, "SA_NODEFER, sa_mask {SIGUSR2}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sigemptyset(&m);
        if (cases[i].mask_usr2) sigaddset(&m, SIGUSR2);
        on(SIGUSR1, nd_handler, cases[i].flags, &m);
        trail[0] = 0;
        depth = calls = 0;
        raise(SIGUSR1);
        say("%s: SIGUSR1 blocked in its handler: %s, SIGUSR2: %s", cases[i].what, yesno(usr1_blocked_inside),
            yesno(usr2_blocked_inside));
        say("  handler raises SIGUSR1 and SIGUSR2: \"%s\"", trail);
        say("  afterwards SIGUSR1 blocked: %s, SIGUSR2 blocked: %s", yesno(blocked(SIGUSR1)),
            yesno(blocked(SIGUSR2)));
    }
    say("(E/L: enter/leave the SIGUSR1 handler, U/l: the SIGUSR2 handler; digits: nesting depth)");
    dfl(SIGUSR1);
    dfl(SIGUSR2);
}

static void rh_handler(int s, siginfo_t *si, void *uc)
{
    calls++;
    usr1_blocked_inside = blocked(SIGUSR1);
}

static void test_sig_resethand(void)
{
    pid_t c = xfork();
    if (c == 0) {
        calls = 0;
        on(SIGUSR1, rh_handler, SA_RESETHAND, NULL);
        raise(SIGUSR1);
        struct sigaction cur;
        sigaction(SIGUSR1, NULL, &cur);
        say("  child: handler ran %d time(s), SIGUSR1 blocked inside it: %s", calls, yesno(usr1_blocked_inside));
        say("  child: disposition now %s; sa_flags: SA_RESETHAND %s, SA_SIGINFO %s, SA_NODEFER %s", disp(SIGUSR1),
            yesno(cur.sa_flags & SA_RESETHAND), yesno(cur.sa_flags & SA_SIGINFO),
            yesno(cur.sa_flags & SA_NODEFER));
        raise(SIGUSR1);
        say("  child: survived the second SIGUSR1");
        _exit(0);
    }
    wait_print("child after the second SIGUSR1", c, 0);

    c = xfork();
    if (c == 0) {
        calls = 0;
        on(SIGUSR1, rh_handler, SA_RESETHAND | SA_NODEFER, NULL);
        raise(SIGUSR1);
        say("  child: SA_RESETHAND|SA_NODEFER: ran %d, blocked inside: %s, now %s", calls,
            yesno(usr1_blocked_inside), disp(SIGUSR1));
        signal(SIGUSR1, SIG_IGN);
        raise(SIGUSR1);
        say("  child: set to SIG_IGN again, survives: yes");
        _exit(0);
    }
    wait_print("child", c, 0);
}

/* ---- SA_ONSTACK and sigaltstack --------------------------------------------------- */

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
#define ALT_SIZE (64 * 1024)
static char *alt, *alt2;
static volatile uintptr_t as_addr;
static volatile int as_flags_inside, as_change_err, as_count;

static const char *ssflags(int f)
{
    static char b[4][64];
    static unsigned i;
    char *p = b[i++ % 4];
    p[0] = 0;
    if (f & SS_ONSTACK) strcat(p, "|SS_ONSTACK");
    if (f & SS_DISABLE) strcat(p, "|SS_DISABLE");
    if (f & (int)SS_AUTODISARM) strcat(p, "|SS_AUTODISARM");
    if (f & ~(SS_ONSTACK | SS_DISABLE | (int)SS_AUTODISARM)) snprintf(p + strlen(p), 32, "|0x%x", f);
    return p[0] ? p + 1 : "0";
}

static void as_handler(int s, siginfo_t *si, void *uc)
{
    volatile char local = 0;
    as_addr = (uintptr_t)&local;
    stack_t cur;
    sigaltstack(NULL, &cur);
    as_flags_inside = cur.ss_flags;
    stack_t n = { .ss_sp = alt2, .ss_size = ALT_SIZE, .ss_flags = 0 };
    as_change_err = sigaltstack(&n, NULL) < 0 ? errno : 0;
    as_count++;
}

static int on_alt(void) { return as_addr >= (uintptr_t)alt && as_addr < (uintptr_t)alt + ALT_SIZE; }

static stack_t query(void)
{
    stack_t s;
    memset(&s, 0, sizeof s);
    CHECK(sigaltstack(NULL, &s) == 0);
    return s;
}

static void set_alt(char *sp, int flags)
{
    stack_t s = { .ss_sp = sp, .ss_size = ALT_SIZE, .ss_flags = flags };
    CHECK(sigaltstack(&s, NULL) == 0);
}

static volatile int th_flags;
static void *alt_thread(void *a)
{
    th_flags = query().ss_flags;
    return NULL;
}

static void test_sig_altstack(void)
{
    alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    alt2 = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(alt != MAP_FAILED && alt2 != MAP_FAILED);
    stack_t s = query();
    say("initially: ss_flags %s", ssflags(s.ss_flags));
    stack_t bad = { .ss_sp = alt, .ss_size = 1024, .ss_flags = 0 };
    say("sigaltstack(size 1024): %s", res(sigaltstack(&bad, NULL)));
    bad.ss_size = ALT_SIZE;
    bad.ss_flags = 0x1234;
    say("sigaltstack(flags 0x1234): %s", res(sigaltstack(&bad, NULL)));
    set_alt(alt, 0);
    s = query();
    say("after setting a %d KiB stack: ss_flags %s, ss_sp and ss_size as given: %s", ALT_SIZE / 1024,
        ssflags(s.ss_flags), yesno(s.ss_sp == alt && s.ss_size == ALT_SIZE));

    on(SIGUSR1, as_handler, SA_ONSTACK, NULL);
    raise(SIGUSR1);
    say("SA_ONSTACK handler: on the alternate stack: %s, ss_flags inside %s, changing it inside: %s", yesno(on_alt()),
        ssflags(as_flags_inside), en(as_change_err));
    on(SIGUSR1, as_handler, 0, NULL);
    raise(SIGUSR1);
    say("handler without SA_ONSTACK: on the alternate stack: %s, ss_flags inside %s, changing it inside: %s",
        yesno(on_alt()), ssflags(as_flags_inside), en(as_change_err));
    s = query();
    say("  after it returned: the original stack again (sigreturn restores uc_stack): %s", yesno(s.ss_sp == alt));
    set_alt(alt, 0);

    join(start(alt_thread, NULL));
    say("a new thread: ss_flags %s", ssflags(th_flags));
    pid_t c = xfork();
    if (c == 0) {
        stack_t cs = query();
        _exit(cs.ss_sp == alt && cs.ss_flags == 0 ? 0 : 1);
    }
    wait_print("fork child keeps the alternate stack (exit 0)", c, 0);

    set_alt(alt, (int)SS_AUTODISARM);
    s = query();
    say("SS_AUTODISARM: ss_flags %s", ssflags(s.ss_flags));
    on(SIGUSR1, as_handler, SA_ONSTACK, NULL);
    raise(SIGUSR1);
    say("  SA_ONSTACK handler: on the alternate stack: %s, ss_flags inside %s, changing it inside: %s",
        yesno(on_alt()), ssflags(as_flags_inside), en(as_change_err));
    s = query();
    say("  after the handler: ss_flags %s, ss_sp is the original one: %s", ssflags(s.ss_flags), yesno(s.ss_sp == alt));

    stack_t dis = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
    say("SS_DISABLE: %s", res(sigaltstack(&dis, NULL)));
    s = query();
    say("  ss_flags %s", ssflags(s.ss_flags));
    on(SIGUSR1, as_handler, SA_ONSTACK, NULL);
    raise(SIGUSR1);
    say("  SA_ONSTACK handler with the stack disabled: on the alternate stack: %s", yesno(on_alt()));
    sigaltstack(&dis, NULL);
    dfl(SIGUSR1);
    munmap(alt, ALT_SIZE);
    munmap(alt2, ALT_SIZE);
}

static volatile int recurse_limit = INT_MAX;
static char *ovf_alt;

__attribute__((noinline)) static int recurse(volatile char *prev, int n)
{
    volatile char buf[512];
    buf[0] = (char)n;
    buf[511] = prev ? prev[0] : 0;
    if (n >= recurse_limit) return buf[0];
    return recurse(buf, n + 1) + buf[511];
}

static void wr(const char *s) { CHECK(write(1, s, strlen(s)) == (ssize_t)strlen(s)); }

static void ovf_handler(int s, siginfo_t *si, void *uc)
{
    volatile char local = 0;
    int onalt = ovf_alt && (uintptr_t)&local >= (uintptr_t)ovf_alt && (uintptr_t)&local < (uintptr_t)ovf_alt + ALT_SIZE;
    wr(onalt ? "  child: SIGSEGV handler runs on the alternate stack: yes\n"
             : "  child: SIGSEGV handler runs on the alternate stack: no\n");
    wr(si->si_code == SEGV_ACCERR ? "  child: si_code SEGV_ACCERR\n"
       : si->si_code == SEGV_MAPERR ? "  child: si_code SEGV_MAPERR\n" : "  child: si_code other\n");
    _exit(0);
}

static void *ovf_thread(void *a)
{
    if (a) {
        ovf_alt = malloc(ALT_SIZE);
        stack_t ss = { .ss_sp = ovf_alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
        CHECK(sigaltstack(&ss, NULL) == 0);
    }
    recurse(NULL, 0);
    return NULL;
}

static void test_sig_stack_overflow(void)
{
    for (int with_alt = 1; with_alt >= 0; with_alt--) {
        say("%s:", with_alt ? "thread (256 KiB stack) overflows, with an alternate stack"
                            : "same without an alternate stack");
        pid_t c = xfork();
        if (c == 0) {
            struct rlimit rl = { 0, 0 };
            setrlimit(RLIMIT_CORE, &rl);
            on(SIGSEGV, ovf_handler, SA_ONSTACK, NULL);
            pthread_attr_t at;
            pthread_attr_init(&at);
            pthread_attr_setstacksize(&at, 256 * 1024);
            pthread_t t;
            CHECK(pthread_create(&t, &at, ovf_thread, (void *)(long)with_alt) == 0);
            pthread_join(t, NULL);
            _exit(3);
        }
        wait_print("  child", c, 0);
    }
}

/* ---- masks, pending, sigsuspend, sigtimedwait ------------------------------------------ */

static void test_sig_mask_pending(void)
{
    sigset_t empty, old, cur;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, &old);
    block(SIG_BLOCK, SIGUSR1, 0, &cur);
    say("SIG_BLOCK {USR1}: old mask had SIGUSR1: %s; now blocked: %s", yesno(sigismember(&cur, SIGUSR1)),
        yesno(blocked(SIGUSR1)));
    block(SIG_BLOCK, SIGUSR2, 0, NULL);
    say("SIG_BLOCK {USR2}: SIGUSR1 %s, SIGUSR2 %s", yesno(blocked(SIGUSR1)), yesno(blocked(SIGUSR2)));
    block(SIG_UNBLOCK, SIGUSR1, 0, NULL);
    say("SIG_UNBLOCK {USR1}: SIGUSR1 %s, SIGUSR2 %s", yesno(blocked(SIGUSR1)), yesno(blocked(SIGUSR2)));
    block(SIG_SETMASK, SIGHUP, 0, &cur);
    say("SIG_SETMASK {HUP}: old had SIGUSR2: %s; now SIGHUP %s, SIGUSR2 %s", yesno(sigismember(&cur, SIGUSR2)),
        yesno(blocked(SIGHUP)), yesno(blocked(SIGUSR2)));
    sigset_t m;
    sigemptyset(&m);
    say("sigprocmask(how 99): %s", res(sigprocmask(99, &m, NULL)));
    uint64_t all = ~0ULL, got = 0;
    long r = syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &got, 8);
    say("raw rt_sigprocmask(SETMASK, all 64): %s; SIGKILL blocked %s, SIGSTOP blocked %s, SIGUSR1 %s, SIGRTMAX %s",
        res(r), yesno(!!(got & (1ULL << (SIGKILL - 1)))), yesno(!!(got & (1ULL << (SIGSTOP - 1)))),
        yesno(!!(got & (1ULL << (SIGUSR1 - 1)))), yesno(!!(got & (1ULL << (64 - 1)))));
    say("raw rt_sigprocmask(sigsetsize 4): %s", res(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 4)));
    say("raw rt_sigprocmask(sigsetsize 16): %s", res(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 16)));
    sigprocmask(SIG_SETMASK, &empty, NULL);

    on(SIGUSR1, rec, 0, NULL);
    block(SIG_BLOCK, SIGUSR1, 0, NULL);
    g_count = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);
    say("SIGUSR1 raised twice while blocked: pending %s, handled %d", yesno(pending(SIGUSR1)), g_count);
    uint64_t pset = 0;
    r = syscall(SYS_rt_sigpending, &pset, 8);
    say("raw rt_sigpending: %s, bit for SIGUSR1: %s", res(r), yesno(!!(pset & (1ULL << (SIGUSR1 - 1)))));
    uint32_t small = 0;
    r = syscall(SYS_rt_sigpending, &small, 4);
    say("raw rt_sigpending(sigsetsize 4): %s", res(r));
    say("raw rt_sigpending(sigsetsize 16): %s", res(syscall(SYS_rt_sigpending, &pset, 16)));
    block(SIG_UNBLOCK, SIGUSR1, 0, NULL);
    say("unblocked: handled %d, still pending %s", g_count, yesno(pending(SIGUSR1)));

    block(SIG_BLOCK, SIGUSR2, SIGURG, NULL);
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    raise(SIGURG);
    say("blocked and ignored SIGUSR2 raised: pending %s; blocked default-ignored SIGURG: pending %s",
        yesno(pending(SIGUSR2)), yesno(pending(SIGURG)));
    signal(SIGUSR2, SIG_IGN);
    signal(SIGURG, SIG_IGN);
    say("sigaction(SIG_IGN) again: SIGUSR2 pending %s, SIGURG pending %s", yesno(pending(SIGUSR2)),
        yesno(pending(SIGURG)));
    sigprocmask(SIG_SETMASK, &empty, NULL);
    raise(SIGUSR2);
    say("unblocked ignored SIGUSR2 raised: pending %s", yesno(pending(SIGUSR2)));
    dfl(SIGUSR2);
    dfl(SIGURG);
    dfl(SIGUSR1);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static volatile int su_usr2_blocked, su_usr1_blocked;
static void su_handler(int s, siginfo_t *si, void *uc)
{
    su_usr1_blocked = blocked(SIGUSR1);
    su_usr2_blocked = blocked(SIGUSR2);
    rec(s, si, uc);
}

static volatile int su_ready;
static pid_t su_main;
static void *su_sender(void *a)
{
    ev_wait(&su_ready);
    sys_tgkill(getpid(), su_main, SIGUSR1);
    return NULL;
}

static void test_sig_sigsuspend(void)
{
    sigset_t old, m;
    on(SIGUSR1, su_handler, 0, NULL);
    block(SIG_BLOCK, SIGUSR1, 0, &old);
    g_count = 0;
    raise(SIGUSR1);
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    int r = sigsuspend(&m);
    int e = errno;
    say("pending SIGUSR1, sigsuspend({USR2}): returned %d %s, handled %d", r, ename(e), g_count);
    say("  inside the handler: SIGUSR1 blocked %s, SIGUSR2 blocked %s", yesno(su_usr1_blocked),
        yesno(su_usr2_blocked));
    say("  after: mask restored (SIGUSR1 blocked %s, SIGUSR2 blocked %s)", yesno(blocked(SIGUSR1)),
        yesno(blocked(SIGUSR2)));

    g_count = 0;
    su_ready = 0;
    su_main = sys_gettid();
    pthread_t t = start(su_sender, NULL); /* inherits SIGUSR1 blocked */
    ev_set(&su_ready);
    sigemptyset(&m);
    r = sigsuspend(&m);
    e = errno;
    join(t);
    say("SIGUSR1 from another thread (maybe before we suspend): sigsuspend %s, handled in main: %s", ename(e),
        yesno(g_count == 1 && g_tid == sys_gettid()));
    uint64_t none = 0;
    say("raw rt_sigsuspend(sigsetsize 4): %s", res(syscall(SYS_rt_sigsuspend, &none, 4)));
    sigprocmask(SIG_SETMASK, &old, NULL);
    dfl(SIGUSR1);
}

static volatile int tw_ready, tw_got;
static void *tw_thread(void *a)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    ev_set(&tw_ready);
    siginfo_t si;
    tw_got = sigwaitinfo(&s, &si);
    return NULL;
}

static void test_sig_sigtimedwait(void)
{
    sigset_t old, s1, s12;
    block(SIG_BLOCK, SIGUSR1, SIGUSR2, &old);
    sigemptyset(&s1);
    sigaddset(&s1, SIGUSR1);
    sigemptyset(&s12);
    sigaddset(&s12, SIGUSR1);
    sigaddset(&s12, SIGUSR2);
    siginfo_t si;
    struct timespec zero = { 0, 0 }, ten = { 0, 10 * 1000000 }, a, b;
    int r = sigtimedwait(&s1, &si, &zero);
    say("sigtimedwait(timeout 0), nothing pending: %s", res(r));
    clock_gettime(CLOCK_MONOTONIC, &a);
    r = sigtimedwait(&s1, &si, &ten);
    const char *rs = res(r);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ns = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
    say("sigtimedwait(10 ms): %s, waited at least 10 ms: %s", rs, yesno(ns >= 10000000));
    raise(SIGUSR1);
    memset(&si, 0, sizeof si);
    r = sigtimedwait(&s1, &si, &zero);
    say("raise(SIGUSR1), sigtimedwait: %s, si_code %s (glibc folds SI_TKILL into SI_USER), si_pid == getpid: %s",
        rtname(r), codestr(r, si.si_code), yesno(si.si_pid == getpid()));
    raise(SIGUSR1);
    memset(&si, 0, sizeof si);
    r = (int)syscall(SYS_rt_sigtimedwait, &s1, &si, &zero, 8);
    say("raise(SIGUSR1), raw rt_sigtimedwait: %s, si_code %s", rtname(r), codestr(r, si.si_code));
    say("raw rt_sigtimedwait(sigsetsize 4): %s", res(syscall(SYS_rt_sigtimedwait, &s1, &si, &zero, 4)));
    sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 99 });
    r = sigwaitinfo(&s1, &si);
    say("sigqueue(99), sigwaitinfo: %s, si_code %s, value %d", rtname(r), codestr(r, si.si_code),
        si.si_value.sival_int);
    raise(SIGUSR2);
    raise(SIGUSR1);
    int first = sigwaitinfo(&s12, NULL);
    int second = sigwaitinfo(&s12, NULL);
    say("SIGUSR2 then SIGUSR1 pending, sigwaitinfo twice: %s, %s", rtname(first), rtname(second));
    say("sigtimedwait(tv_nsec = 1e9): %s", res(sigtimedwait(&s1, &si, &(struct timespec){ 0, 1000000000 })));

    on(SIGUSR1, rec, 0, NULL);
    g_count = 0;
    raise(SIGUSR1);
    r = sigwaitinfo(&s1, &si);
    say("with a handler installed, sigwaitinfo takes it: %s, handler ran: %d", rtname(r), g_count);

    /* an unblocked handled signal interrupts it */
    on(SIGUSR2, rec, SA_RESTART, NULL);
    block(SIG_UNBLOCK, SIGUSR2, 0, NULL);
    pthread_t t = interrupt_me(SIGUSR2, 0, -1);
    go();
    r = sigtimedwait(&s1, &si, &(struct timespec){ 30, 0 });
    int e = errno;
    done(t);
    say("sigtimedwait(30 s) interrupted by a handled SIGUSR2 (SA_RESTART): %s", r < 0 ? ename(e) : "returned");
    block(SIG_BLOCK, SIGUSR2, 0, NULL);

    tw_ready = 0;
    tw_got = 0;
    t = start(tw_thread, NULL);
    ev_wait(&tw_ready);
    CHECK(pthread_kill(t, SIGUSR1) == 0); /* to that thread only */
    r = sigtimedwait(&s1, &si, &ten);
    say("SIGUSR1 sent to another thread: main's sigtimedwait(10 ms): %s", res(r));
    join(t);
    say("  the other thread's sigwaitinfo: %s", rtname(tw_got));
    dfl(SIGUSR1);
    dfl(SIGUSR2);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* ---- real-time queueing ------------------------------------------------------------------ */

static int q_sig[64], q_val[64], q_code[64];
static volatile int q_n;
static void q_handler(int s, siginfo_t *si, void *uc)
{
    if (q_n < 64) {
        q_sig[q_n] = s;
        q_val[q_n] = si->si_value.sival_int;
        q_code[q_n] = si->si_code;
        q_n++;
    }
}

static void q_print(const char *what)
{
    char line[1024] = "";
    for (int i = 0; i < q_n; i++) {
        char b[64];
        if (q_code[i] == SI_QUEUE) snprintf(b, sizeof b, "%s%s(%d)", i ? " " : "", rtname(q_sig[i]), q_val[i]);
        else snprintf(b, sizeof b, "%s%s[%s]", i ? " " : "", rtname(q_sig[i]), codestr(q_sig[i], q_code[i]));
        strncat(line, b, sizeof line - strlen(line) - 1);
    }
    say("%s: %s", what, line);
}

static void q_send(void)
{
    int r0 = SIGRTMIN;
    sigqueue(getpid(), r0 + 2, (union sigval){ .sival_int = 1 });
    sigqueue(getpid(), r0 + 2, (union sigval){ .sival_int = 2 });
    sigqueue(getpid(), r0, (union sigval){ .sival_int = 4 });
    kill(getpid(), SIGUSR1);
    sigqueue(getpid(), r0 + 2, (union sigval){ .sival_int = 3 });
    sigqueue(getpid(), r0, (union sigval){ .sival_int = 5 });
    kill(getpid(), SIGUSR1);
    sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 9 });
    sigqueue(getpid(), r0 + 1, (union sigval){ .sival_int = 6 });
    kill(getpid(), r0 + 3);
    kill(getpid(), r0 + 3);
    sigqueue(getpid(), SIGRTMAX, (union sigval){ .sival_int = 7 });
}

static void test_sig_rt_queue(void)
{
    int sigs[] = { SIGUSR1, SIGRTMIN, SIGRTMIN + 1, SIGRTMIN + 2, SIGRTMIN + 3, SIGRTMAX };
    int ns = sizeof sigs / sizeof sigs[0];
    sigset_t all, old;
    sigemptyset(&all);
    for (int i = 0; i < ns; i++) sigaddset(&all, sigs[i]);
    for (int i = 0; i < ns; i++) on(sigs[i], q_handler, 0, &all);
    sigprocmask(SIG_BLOCK, &all, &old);
    say("sent while blocked: RTMIN+2(1) RTMIN+2(2) RTMIN(4) kill(USR1) RTMIN+2(3) RTMIN(5) kill(USR1) "
        "sigqueue(USR1,9) RTMIN+1(6) kill(RTMIN+3) kill(RTMIN+3) RTMAX(7)");
    q_n = 0;
    q_send();
    sigset_t p;
    sigpending(&p);
    int npend = 0;
    for (int i = 0; i < ns; i++) npend += sigismember(&p, sigs[i]) == 1;
    say("pending signal numbers: %d of %d", npend, ns);
    sigprocmask(SIG_SETMASK, &old, NULL);
    q_print("delivered on unblocking (handlers block all of them)");

    sigprocmask(SIG_BLOCK, &all, &old);
    q_send();
    q_n = 0;
    siginfo_t si;
    struct timespec zero = { 0, 0 };
    int s;
    while ((s = sigtimedwait(&all, &si, &zero)) > 0 && q_n < 64) {
        q_sig[q_n] = s;
        q_val[q_n] = si.si_value.sival_int;
        q_code[q_n] = si.si_code;
        q_n++;
    }
    q_print("taken with sigtimedwait");
    sigprocmask(SIG_SETMASK, &old, NULL);
    for (int i = 0; i < ns; i++) dfl(sigs[i]);
}

/* ---- process-directed vs thread-directed pending ----------------------------------------- */

enum { C_NONE, C_PENDING, C_UNBLOCK, C_WAIT_USR2, C_EXIT };
struct worker {
    pthread_t th;
    pid_t tid;
    volatile int cmd, ack, seq;
    int p_usr1, p_usr2, got;
};

static void *worker_fn(void *a)
{
    struct worker *w = a;
    w->tid = sys_gettid();
    int seen = 0;
    cnt_add(&w->ack);
    for (;;) {
        int s;
        while ((s = __atomic_load_n(&w->seq, __ATOMIC_SEQ_CST)) == seen) futex_wait(&w->seq, s);
        seen = s;
        sigset_t m;
        switch (w->cmd) {
        case C_PENDING:
            sigpending(&m);
            w->p_usr1 = sigismember(&m, SIGUSR1);
            w->p_usr2 = sigismember(&m, SIGUSR2);
            break;
        case C_UNBLOCK: block(SIG_UNBLOCK, SIGUSR1, 0, NULL); break;
        case C_WAIT_USR2:
            sigemptyset(&m);
            sigaddset(&m, SIGUSR2);
            w->got = sigwaitinfo(&m, NULL);
            break;
        case C_EXIT: cnt_add(&w->ack); return NULL;
        }
        cnt_add(&w->ack);
    }
}

static void cmd(struct worker *w, int c)
{
    int a = w->ack;
    w->cmd = c;
    __atomic_fetch_add(&w->seq, 1, __ATOMIC_SEQ_CST);
    futex_wake(&w->seq, 1);
    cnt_wait(&w->ack, a + 1);
}

static void test_sig_thread_pending(void)
{
    sigset_t old;
    on(SIGUSR1, rec, 0, NULL);
    block(SIG_BLOCK, SIGUSR1, SIGUSR2, &old);
    static struct worker A, B;
    memset(&A, 0, sizeof A);
    memset(&B, 0, sizeof B);
    A.th = start(worker_fn, &A);
    B.th = start(worker_fn, &B);
    cnt_wait(&A.ack, 1);
    cnt_wait(&B.ack, 1);
    sys_tgkill(getpid(), A.tid, SIGUSR1);
    cmd(&A, C_PENDING);
    cmd(&B, C_PENDING);
    say("tgkill(A, SIGUSR1), blocked everywhere: pending in A %s, in B %s, in main %s", yesno(A.p_usr1),
        yesno(B.p_usr1), yesno(pending(SIGUSR1)));
    kill(getpid(), SIGUSR2);
    cmd(&A, C_PENDING);
    cmd(&B, C_PENDING);
    say("kill(self, SIGUSR2), blocked everywhere: pending in A %s, in B %s, in main %s", yesno(A.p_usr2),
        yesno(B.p_usr2), yesno(pending(SIGUSR2)));
    g_count = 0;
    cmd(&A, C_UNBLOCK);
    say("A unblocks SIGUSR1: handled %d, in A: %s", g_count, yesno(g_count == 1 && g_tid == A.tid));
    g_count = 0;
    kill(getpid(), SIGUSR1);
    cnt_wait(&g_count, 1);
    say("kill(self, SIGUSR1): handled by A, the only thread not blocking it: %s", yesno(g_tid == A.tid));
    cmd(&B, C_WAIT_USR2);
    say("B's sigwaitinfo takes the process-wide SIGUSR2: %s; still pending in main: %s", rtname(B.got),
        yesno(pending(SIGUSR2)));
    cmd(&A, C_EXIT);
    cmd(&B, C_EXIT);
    join(A.th);
    join(B.th);
    sigprocmask(SIG_SETMASK, &old, NULL);
    dfl(SIGUSR1);
}

/* ---- faults ---------------------------------------------------------------------------- */

static sigjmp_buf jb;
static volatile int f_signo, f_code, f_count;
static void *volatile f_addr;

static void fault_handler(int s, siginfo_t *si, void *uc)
{
    f_signo = s;
    f_code = si->si_code;
    f_addr = si->si_addr;
    f_count++;
    siglongjmp(jb, 1);
}

/* noinline and called through a volatile pointer: the compiler must not see
 * (and replace with a trap) a NULL dereference */
__attribute__((noinline)) static void do_write(void *p) { *(volatile char *)p = 1; }
__attribute__((noinline)) static void do_read(void *p) { (void)*(volatile char *)p; }
__attribute__((noinline)) static void do_exec(void *p) { ((void (*)(void))p)(); }
__attribute__((noinline)) static void do_kill(void *p) { kill(getpid(), (int)(long)p); }

/* run fn(arg); returns 1 if a handled fault (longjmp) ended it */
static int try_fault(void (*fn)(void *), void *arg)
{
    f_signo = 0;
    f_code = 0;
    f_addr = (void *)-1;
    void (*volatile call)(void *) = fn;
    if (sigsetjmp(jb, 1) == 0) {
        call(arg);
        return 0;
    }
    return 1;
}

static void fault_line(const char *what, void (*fn)(void *), void *arg)
{
    int caught = try_fault(fn, arg);
    say("%s: caught %s, %s %s, si_addr is the address: %s", what, yesno(caught), sname(f_signo),
        codestr(f_signo, f_code), yesno(f_addr == arg));
}

static char *fix_page;
static volatile int fix_count;
static void fix_handler(int s, siginfo_t *si, void *uc)
{
    fix_count++;
    f_code = si->si_code;
    f_addr = si->si_addr;
    mprotect(fix_page, 4096, PROT_READ | PROT_WRITE);
}

static void test_sig_segv(void)
{
    on(SIGSEGV, fault_handler, 0, NULL);
    char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK(munmap(p + 4096, 4096) == 0); /* hole in the middle */
    CHECK(mprotect(p, 4096, PROT_READ) == 0);
    CHECK(mprotect(p + 2 * 4096, 4096, PROT_NONE) == 0);
    fault_line("write to an unmapped page", do_write, p + 4096 + 100);
    fault_line("read from an unmapped page", do_read, p + 4096 + 8);
    fault_line("read from NULL", do_read, NULL);
    fault_line("read from address 16", do_read, (void *)16);
    fault_line("write to a PROT_READ page", do_write, p + 20);
    fault_line("read from a PROT_NONE page", do_read, p + 2 * 4096 + 4);
    char *x = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(x != MAP_FAILED);
    fault_line("jump into a page without PROT_EXEC", do_exec, x);
    say("reads from the PROT_READ page still work: %s", yesno(try_fault(do_read, p) == 0));
    int caught = try_fault(do_kill, (void *)(long)SIGSEGV);
    say("kill(self, SIGSEGV): caught %s, si_code %s", yesno(caught), codestr(SIGSEGV, f_code));

    fix_page = x;
    CHECK(mprotect(x, 4096, PROT_READ) == 0);
    on(SIGSEGV, fix_handler, 0, NULL);
    fix_count = 0;
    *(volatile char *)(x + 7) = 42;
    say("handler makes the page writable and returns: store completed: %s, handler ran %d, %s, si_addr is the "
        "address: %s",
        yesno(x[7] == 42), fix_count, codestr(SIGSEGV, f_code), yesno(f_addr == x + 7));
    dfl(SIGSEGV);
    munmap(p, 3 * 4096);
    munmap(x, 4096);
}

static void test_sig_sigbus(void)
{
    const char *path = tmp_path("sigbus");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, "0123456789", 10) == 10);
    char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    on(SIGBUS, fault_handler, 0, NULL);
    on(SIGSEGV, fault_handler, 0, NULL);
    int caught = try_fault(do_read, m + 5);
    say("file of 10 bytes mapped MAP_SHARED over 3 pages: read byte 5: caught %s, value '%c'", yesno(caught), m[5]);
    caught = try_fault(do_read, m + 100);
    say("read past EOF in the last partial page: caught %s, value %d", yesno(caught), m[100]);
    caught = try_fault(do_write, m + 200);
    struct stat st;
    fstat(fd, &st);
    say("write past EOF in the last partial page: caught %s, file size still 10: %s", yesno(caught),
        yesno(st.st_size == 10));
    fault_line("read from the second page (past EOF)", do_read, m + 4096 + 16);
    fault_line("write to the third page (past EOF)", do_write, m + 2 * 4096);
    CHECK(ftruncate(fd, 2 * 4096) == 0);
    caught = try_fault(do_read, m + 4096 + 16);
    say("after ftruncate to 2 pages: second page readable: %s, value %d", yesno(!caught), m[4096 + 16]);
    caught = try_fault(do_kill, (void *)(long)SIGBUS);
    say("kill(self, SIGBUS): caught %s, si_code %s", yesno(caught), codestr(SIGBUS, f_code));
    dfl(SIGBUS);
    dfl(SIGSEGV);
    munmap(m, 3 * 4096);
    close(fd);
    unlink(path);
}

#if defined(__x86_64__)
__asm__(".text\n"
        ".globl conform_ill_insn\n.type conform_ill_insn,@function\n"
        "conform_ill_insn:\n    ud2\n    ret\n"
        ".globl conform_brk_insn\n.type conform_brk_insn,@function\n"
        "conform_brk_insn:\n    int3\n    ret\n");
#elif defined(__riscv)
__asm__(".text\n"
        ".globl conform_ill_insn\n.type conform_ill_insn,@function\n"
        "conform_ill_insn:\n    .4byte 0\n    ret\n"
        ".globl conform_brk_insn\n.type conform_brk_insn,@function\n"
        "conform_brk_insn:\n    ebreak\n    ret\n");
#endif
extern char conform_ill_insn[], conform_brk_insn[];
static void call_code(void *p) { ((void (*)(void))p)(); }

static void test_sig_ill_trap(void)
{
    on(SIGILL, fault_handler, 0, NULL);
    on(SIGTRAP, fault_handler, 0, NULL);
    int caught = try_fault(do_kill, (void *)(long)SIGILL);
    say("kill(self, SIGILL): caught %s, si_code %s", yesno(caught), codestr(SIGILL, f_code));
    on(SIGILL, rec, 0, NULL);
    g_count = 0;
    raise(SIGILL);
    say("raise(SIGILL), handler returns: handled %d, si_code %s", g_count, codestr(SIGILL, g_code));
    on(SIGTRAP, rec, 0, NULL);
    g_count = 0;
    raise(SIGTRAP);
    say("raise(SIGTRAP), handler returns: handled %d, si_code %s", g_count, codestr(SIGTRAP, g_code));
    on(SIGILL, fault_handler, 0, NULL);
    on(SIGTRAP, fault_handler, 0, NULL);
    caught = try_fault(call_code, conform_ill_insn);
    say("an illegal instruction: caught %s, %s, si_addr is the instruction: %s", yesno(caught), sname(f_signo),
        yesno(f_addr == conform_ill_insn));
    caught = try_fault(call_code, conform_brk_insn);
    say("a breakpoint instruction: caught %s, %s", yesno(caught), sname(f_signo));
    dfl(SIGILL);
    dfl(SIGTRAP);

    pid_t c = xfork();
    if (c == 0) {
        struct rlimit rl = { 0, 0 };
        setrlimit(RLIMIT_CORE, &rl);
        on(SIGABRT, rec, 0, NULL);
        g_count = 0;
        abort();
    }
    wait_print("abort() with a SIGABRT handler that returns", c, 0);
    c = xfork();
    if (c == 0) {
        struct rlimit rl = { 0, 0 };
        setrlimit(RLIMIT_CORE, &rl);
        call_code(conform_ill_insn);
        _exit(0);
    }
    wait_print("illegal instruction without a handler", c, 0);
    c = xfork();
    if (c == 0) {
        struct rlimit rl = { 0, 0 };
        setrlimit(RLIMIT_CORE, &rl);
        block(SIG_BLOCK, SIGSEGV, 0, NULL);
        do_write((void *)16); /* a blocked synchronous fault is still fatal */
        _exit(0);
    }
    wait_print("SIGSEGV fault while SIGSEGV is blocked", c, 0);
    c = xfork();
    if (c == 0) {
        struct rlimit rl = { 0, 0 };
        setrlimit(RLIMIT_CORE, &rl);
        signal(SIGSEGV, SIG_IGN);
        do_write((void *)16); /* an ignored synchronous fault is still fatal */
        _exit(0);
    }
    wait_print("SIGSEGV fault while SIGSEGV is ignored", c, 0);
}

/* ---- timers ------------------------------------------------------------------------------ */

static void wait_signal(int sig)
{
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    sigdelset(&m, sig);
    int c = g_count;
    while (g_count == c) sigsuspend(&m);
}

static void test_sig_alarm_itimer(void)
{
    sigset_t old;
    on(SIGALRM, rec, 0, NULL);
    block(SIG_BLOCK, SIGALRM, 0, &old);
    say("alarm(0) with nothing armed: %u", alarm(0));
    say("alarm(100): %u", alarm(100));
    unsigned prev = alarm(50);
    say("alarm(50) returns the previous one, 99 or 100: %s", yesno(prev == 99 || prev == 100));
    prev = alarm(0);
    say("alarm(0) returns 49 or 50: %s", yesno(prev == 49 || prev == 50));
    g_count = 0;
    alarm(1);
    wait_signal(SIGALRM);
    say("alarm(1): SIGALRM delivered: %s, si_code %s", yesno(g_count == 1), codestr(SIGALRM, g_code));

    struct itimerval it = { { 0, 0 }, { 0, 20000 } }, cur;
    g_count = 0;
    say("setitimer(ITIMER_REAL, 20 ms): %s", res(setitimer(ITIMER_REAL, &it, NULL)));
    getitimer(ITIMER_REAL, &cur);
    say("  getitimer: armed, <= 20 ms: %s", yesno((cur.it_value.tv_sec || cur.it_value.tv_usec) &&
                                                   cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 20000));
    wait_signal(SIGALRM);
    say("  SIGALRM delivered: %s, si_code %s", yesno(g_count == 1), codestr(SIGALRM, g_code));
    getitimer(ITIMER_REAL, &cur);
    say("  getitimer afterwards: disarmed: %s", yesno(!cur.it_value.tv_sec && !cur.it_value.tv_usec));

    struct itimerval per = { { 0, 5000 }, { 0, 5000 } };
    g_count = 0;
    setitimer(ITIMER_REAL, &per, NULL);
    for (int i = 0; i < 3; i++) wait_signal(SIGALRM);
    getitimer(ITIMER_REAL, &cur);
    say("periodic 5 ms: 3 SIGALRMs received: %s, it_interval reads back 5 ms: %s", yesno(g_count >= 3),
        yesno(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 5000));
    struct itimerval zero = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &zero, NULL);
    sigset_t ms;
    sigemptyset(&ms);
    sigaddset(&ms, SIGALRM);
    struct timespec z = { 0, 0 };
    while (sigtimedwait(&ms, NULL, &z) > 0) {} /* drop a queued one */

    struct itimerval ten = { { 0, 0 }, { 10, 0 } }, oldv;
    setitimer(ITIMER_REAL, &ten, NULL);
    setitimer(ITIMER_REAL, &zero, &oldv);
    say("setitimer returns the old value, between 9 and 10 s: %s",
        yesno(oldv.it_value.tv_sec == 9 || (oldv.it_value.tv_sec == 10 && oldv.it_value.tv_usec == 0)));
    say("setitimer(which 99): %s", res(setitimer(99, &ten, NULL)));
    struct itimerval badv = { { 0, 0 }, { 0, 1000000 } };
    say("setitimer(tv_usec 1000000): %s", res(setitimer(ITIMER_REAL, &badv, NULL)));
    say("getitimer(which 99): %s", res(getitimer(99, &cur)));

    alarm(100);
    pid_t c = xfork();
    if (c == 0) _exit(alarm(0) == 0 ? 0 : 1);
    wait_print("fork child has no alarm (exit 0)", c, 0);
    alarm(0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    dfl(SIGALRM);
}

static volatile int te_count;
static volatile pid_t te_tid;
static volatile int te_value;
static void te_func(union sigval v)
{
    te_tid = sys_gettid();
    te_value = v.sival_int;
    cnt_add(&te_count);
}

static volatile int tid_stop;
static volatile pid_t tid_tid;
static void *tid_thread(void *a)
{
    tid_tid = sys_gettid();
    block(SIG_UNBLOCK, SIGUSR2, 0, NULL);
    cnt_add(&te_count);
    ev_wait(&tid_stop);
    return NULL;
}

static timer_t mk_timer(clockid_t clk, int notify, int sig, int val)
{
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = notify;
    ev.sigev_signo = sig;
    ev.sigev_value.sival_int = val;
    timer_t t;
    CHECK(timer_create(clk, &ev, &t) == 0);
    return t;
}

static void arm(timer_t t, long ms, long interval_ms, int flags)
{
    struct itimerspec its = { { interval_ms / 1000, (interval_ms % 1000) * 1000000 },
                              { ms / 1000, (ms % 1000) * 1000000 } };
    CHECK(timer_settime(t, flags, &its, NULL) == 0);
}

static void test_sig_timer_create(void)
{
    sigset_t old, s1;
    sigemptyset(&s1);
    sigaddset(&s1, SIGUSR1);
    on(SIGUSR1, rec, 0, NULL);
    on(SIGUSR2, rec, 0, NULL);
    block(SIG_BLOCK, SIGUSR1, SIGUSR2, &old);

    timer_t t = mk_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 7);
    arm(t, 10, 0, 0);
    siginfo_t si;
    int s = sigwaitinfo(&s1, &si);
    say("CLOCK_MONOTONIC SIGEV_SIGNAL one-shot 10 ms: %s, si_code %s, value %d, si_overrun %d", rtname(s),
        codestr(s, si.si_code), si.si_value.sival_int, si.si_overrun);
    struct itimerspec cur;
    timer_gettime(t, &cur);
    say("  timer_gettime after it fired: disarmed: %s; timer_getoverrun %d",
        yesno(!cur.it_value.tv_sec && !cur.it_value.tv_nsec), timer_getoverrun(t));
    struct timespec past;
    clock_gettime(CLOCK_MONOTONIC, &past); /* in the past by the time it is used */
    struct itimerspec abs = { { 0, 0 }, past };
    say("TIMER_ABSTIME in the past: settime %s", res(timer_settime(t, TIMER_ABSTIME, &abs, NULL)));
    s = sigtimedwait(&s1, &si, &(struct timespec){ 5, 0 });
    say("  fires at once: %s", rtname(s));
    arm(t, 10000, 2000, 0);
    timer_gettime(t, &cur);
    say("armed 10 s, interval 2 s: remaining in (9 s, 10 s]: %s, interval reads back 2 s: %s",
        yesno(cur.it_value.tv_sec == 9 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_nsec == 0)),
        yesno(cur.it_interval.tv_sec == 2 && cur.it_interval.tv_nsec == 0));
    struct itimerspec oldv;
    struct itimerspec off = { { 0, 0 }, { 0, 0 } };
    timer_settime(t, 0, &off, &oldv);
    say("disarm returns the old value (armed): %s", yesno(oldv.it_value.tv_sec || oldv.it_value.tv_nsec));
    say("timer_delete: %s", res(timer_delete(t)));
    say("timer_settime on a deleted timer: %s", res(timer_settime(t, 0, &off, NULL)));
    say("timer_delete again: %s", res(timer_delete(t)));

    te_count = 0;
    tid_stop = 0;
    g_count = 0;
    pthread_t th = start(tid_thread, NULL); /* unblocks SIGUSR2; main keeps it blocked */
    cnt_wait(&te_count, 1);
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGUSR2;
    ev.sigev_value.sival_int = 8;
    ev._sigev_un._tid = tid_tid;
    int r = timer_create(CLOCK_MONOTONIC, &ev, &t);
    say("SIGEV_THREAD_ID to another thread: timer_create %s", res(r));
    arm(t, 10, 0, 0);
    cnt_wait(&g_count, 1);
    say("  handler ran in that thread: %s, si_code %s, value %d", yesno(g_tid == tid_tid),
        codestr(SIGUSR2, g_code), g_value);
    ev_set(&tid_stop);
    join(th);
    timer_delete(t);
    sigset_t s2;
    sigemptyset(&s2);
    sigaddset(&s2, SIGUSR2);

    ev.sigev_notify = SIGEV_THREAD_ID;
    ev._sigev_un._tid = sys_gettid();
    r = timer_create(CLOCK_MONOTONIC, &ev, &t);
    say("SIGEV_THREAD_ID to ourselves: %s", res(r));
    arm(t, 10, 0, 0);
    s = sigwaitinfo(&s2, &si);
    say("  %s, si_code %s, value %d", rtname(s), codestr(s, si.si_code), si.si_value.sival_int);
    timer_delete(t);

    pid_t c = xfork();
    if (c == 0) {
        pause();
        _exit(0);
    }
    ev._sigev_un._tid = c;
    say("SIGEV_THREAD_ID with another process's pid: %s", res(timer_create(CLOCK_MONOTONIC, &ev, &t)));
    kill(c, SIGKILL);
    xwait(c, 0);

    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = te_func;
    ev.sigev_value.sival_int = 9;
    te_count = 0;
    say("SIGEV_THREAD: timer_create %s", res(timer_create(CLOCK_MONOTONIC, &ev, &t)));
    arm(t, 10, 0, 0);
    cnt_wait(&te_count, 1);
    say("  function ran in another thread: %s, value %d", yesno(te_tid != sys_gettid()), te_value);
    timer_delete(t);

    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_NONE;
    CHECK(timer_create(CLOCK_REALTIME, &ev, &t) == 0);
    arm(t, 10000, 0, 0);
    timer_gettime(t, &cur);
    say("SIGEV_NONE armed 10 s: counts down, remaining in (9 s, 10 s]: %s",
        yesno(cur.it_value.tv_sec == 9 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_nsec == 0)));
    timer_delete(t);

    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 0;
    say("timer_create(SIGEV_SIGNAL, signal 0): %s", res(timer_create(CLOCK_MONOTONIC, &ev, &t)));
    ev.sigev_signo = 65;
    say("timer_create(SIGEV_SIGNAL, signal 65): %s", res(timer_create(CLOCK_MONOTONIC, &ev, &t)));
    ev.sigev_signo = SIGUSR1;
    ev.sigev_notify = 99;
    say("timer_create(sigev_notify 99): %s", res(timer_create(CLOCK_MONOTONIC, &ev, &t)));
    ev.sigev_notify = SIGEV_SIGNAL;
    say("timer_create(clock 12345): %s", res(timer_create(12345, &ev, &t)));
    t = mk_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0);
    struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
    say("timer_settime(tv_nsec 1e9): %s", res(timer_settime(t, 0, &bad, NULL)));
    timer_delete(t);

    /* drop anything left, restore */
    while (sigtimedwait(&s1, NULL, &(struct timespec){ 0, 0 }) > 0) {}
    while (sigtimedwait(&s2, NULL, &(struct timespec){ 0, 0 }) > 0) {}
    sigprocmask(SIG_SETMASK, &old, NULL);
    dfl(SIGUSR1);
    dfl(SIGUSR2);
}

static void test_sig_timer_overrun(void)
{
    sigset_t old, s1;
    sigemptyset(&s1);
    sigaddset(&s1, SIGUSR1);
    block(SIG_BLOCK, SIGUSR1, 0, &old);
    timer_t t = mk_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 3);
    say("timer_getoverrun on a new timer: %d", timer_getoverrun(t));
    arm(t, 1, 1, 0);
    struct timespec d = { 0, 30 * 1000000 };
    while (nanosleep(&d, &d) < 0 && errno == EINTR) {}
    siginfo_t si;
    int s = sigwaitinfo(&s1, &si);
    int ov = timer_getoverrun(t);
    say("1 ms periodic timer, SIGUSR1 blocked for 30 ms: one signal %s, si_overrun > 0: %s, timer_getoverrun > 0: "
        "%s, they agree: %s",
        rtname(s), yesno(si.si_overrun > 0), yesno(ov > 0), yesno(ov == si.si_overrun));
    struct itimerspec off = { { 0, 0 }, { 0, 0 } };
    timer_settime(t, 0, &off, NULL);
    while (sigtimedwait(&s1, NULL, &(struct timespec){ 0, 0 }) > 0) {}
    timer_delete(t);

    on(SIGUSR1, rec, 0, NULL);
    t = mk_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 4);
    g_count = 0;
    arm(t, 2, 2, 0);
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    sigdelset(&m, SIGUSR1);
    while (g_count < 3) sigsuspend(&m);
    timer_settime(t, 0, &off, NULL);
    say("2 ms periodic timer with a handler: at least 3 deliveries: %s, si_code %s, value %d", yesno(g_count >= 3),
        codestr(SIGUSR1, g_code), g_value);
    while (sigtimedwait(&s1, NULL, &(struct timespec){ 0, 0 }) > 0) {}
    timer_delete(t);
    sigprocmask(SIG_SETMASK, &old, NULL);
    dfl(SIGUSR1);
}

/* ---- pause, nanosleep ------------------------------------------------------------------- */

static void test_sig_pause(void)
{
    on(SIGUSR1, rec, 0, NULL);
    pthread_t t = interrupt_me(SIGUSR1, 0, -1);
    go();
    int r = pause();
    int e = errno;
    done(t);
    say("pause, handled SIGUSR1 from another thread: returned %d %s", r, ename(e));
    on(SIGUSR1, rec, SA_RESTART, NULL);
    t = interrupt_me(SIGUSR1, 0, -1);
    go();
    r = pause();
    e = errno;
    done(t);
    say("pause with SA_RESTART: returned %d %s", r, ename(e));
    dfl(SIGUSR1);
    struct chan ch;
    chan_open(&ch);
    pid_t c = xfork();
    if (c == 0) {
        signal(SIGUSR2, SIG_IGN);
        chan_send(&ch, 1);
        pause();
        _exit(0);
    }
    chan_recv(&ch);
    kill(c, SIGUSR2); /* ignored: does not end the pause */
    kill(c, SIGTERM);
    wait_print("child in pause: ignored SIGUSR2 then SIGTERM", c, 0);
    chan_close(&ch);
}

static void test_sig_nanosleep_eintr(void)
{
    on(SIGUSR1, rec, 0, NULL);
    struct timespec req = { 10, 0 }, rem = { -1, -1 };
    pthread_t t = interrupt_me(SIGUSR1, 0, -1);
    go();
    int r = nanosleep(&req, &rem);
    int e = errno;
    done(t);
    say("nanosleep(10 s) interrupted: returned %d %s, remaining > 0: %s, remaining about 10 s at most: %s", r,
        ename(e), yesno(rem.tv_sec > 0 || rem.tv_nsec > 0), yesno(rem.tv_sec <= 10));
    on(SIGUSR1, rec, SA_RESTART, NULL);
    t = interrupt_me(SIGUSR1, 0, -1);
    go();
    r = nanosleep(&req, &rem);
    e = errno;
    done(t);
    say("with SA_RESTART: returned %d %s", r, ename(e));
    rem.tv_sec = rem.tv_nsec = -1;
    t = interrupt_me(SIGUSR1, 0, -1);
    go();
    int cr = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
    done(t);
    say("clock_nanosleep(CLOCK_MONOTONIC, 10 s): returns %s, remaining > 0: %s", en(cr),
        yesno(rem.tv_sec > 0 || rem.tv_nsec > 0));
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_sec += 10;
    rem.tv_sec = rem.tv_nsec = -1;
    t = interrupt_me(SIGUSR1, 0, -1);
    go();
    cr = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, &rem);
    done(t);
    say("clock_nanosleep(TIMER_ABSTIME now + 10 s): returns %s, remaining left untouched: %s", en(cr),
        yesno(rem.tv_sec == -1 && rem.tv_nsec == -1));
    dfl(SIGUSR1);

    struct chan ch;
    chan_open(&ch);
    pid_t c = xfork();
    if (c == 0) {
        struct timespec a, b, d = { 0, 200 * 1000000 };
        clock_gettime(CLOCK_MONOTONIC, &a);
        chan_send(&ch, 1);
        int rr = nanosleep(&d, NULL);
        clock_gettime(CLOCK_MONOTONIC, &b);
        long ns = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
        _exit(rr == 0 && ns >= 200 * 1000000L ? 0 : 1);
    }
    chan_recv(&ch);
    kill(c, SIGSTOP);
    wait_print("child in nanosleep(200 ms): SIGSTOP", c, WUNTRACED);
    kill(c, SIGCONT);
    wait_print("SIGCONT", c, WCONTINUED);
    wait_print("child (exit 0: slept the whole 200 ms, returned 0)", c, 0);
    chan_close(&ch);
}

/* ---- process groups ---------------------------------------------------------------------- */

static void test_sig_kill_pgrp(void)
{
    sigset_t old;
    on(SIGUSR1, rec, 0, NULL);
    g_count = 0;
    block(SIG_BLOCK, SIGUSR1, 0, &old); /* children inherit it blocked */
    struct chan rep, go2;
    chan_open(&rep);
    chan_open(&go2);
    pid_t c1 = xfork();
    if (c1 == 0) {
        setpgid(0, 0);
        chan_recv(&go2); /* c2 has joined our group */
        kill(0, SIGUSR1);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        siginfo_t si;
        int r = sigwaitinfo(&s, &si);
        chan_send(&rep, r == SIGUSR1 && si.si_pid == getpid() ? 1 : 0);
        for (;;) pause();
    }
    setpgid(c1, c1);
    pid_t c2 = xfork();
    if (c2 == 0) {
        setpgid(0, c1);
        chan_send(&rep, 7);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        siginfo_t si;
        int r = sigwaitinfo(&s, &si);
        chan_send(&rep, r == SIGUSR1 && si.si_pid == c1 ? 2 : 0);
        for (;;) pause();
    }
    setpgid(c2, c1);
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK(chan_recv(&rep) == 7);
    say("c1 leads a new process group, c2 joined it: getpgid(c2) == c1: %s", yesno(getpgid(c2) == c1));
    chan_send(&go2, 1);
    long a = chan_recv(&rep), b = chan_recv(&rep);
    say("c1 does kill(0, SIGUSR1): c1 received it from itself: %s, c2 received it from c1: %s",
        yesno(a == 1 || b == 1), yesno(a == 2 || b == 2));
    say("parent (another group) received it: %s", yesno(g_count != 0));
    say("kill(-c1, 0): %s", res(kill(-c1, 0)));
    say("killpg(c1, SIGTERM): %s", res(killpg(c1, SIGTERM)));
    wait_print("c1", c1, 0);
    wait_print("c2", c2, 0);
    say("kill(-c1, 0) after both are reaped: %s", res(kill(-c1, 0)));
    chan_close(&rep);
    chan_close(&go2);
    dfl(SIGUSR1);
}

/* ---- group stop with threads ---------------------------------------------------------------- */

static int gs_req[3][2], gs_resp[2];
static void *gs_thread(void *a)
{
    long i = (long)a;
    pid_t me = sys_gettid();
    CHECK(write(gs_resp[1], &me, sizeof me) == sizeof me);
    for (;;) {
        char c;
        ssize_t n = read(gs_req[i][0], &c, 1);
        if (n == 1) {
            pid_t v = (pid_t)(100 + i);
            CHECK(write(gs_resp[1], &v, sizeof v) == sizeof v);
        } else if (n == 0) {
            return NULL;
        }
    }
}

static long gs_get(int timeout_ms)
{
    struct pollfd pf = { gs_resp[0], POLLIN, 0 };
    int r;
    do r = poll(&pf, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r <= 0) return -1;
    pid_t v;
    if (read(gs_resp[0], &v, sizeof v) != sizeof v) return -1;
    return v;
}

static void test_sig_group_stop_threads(void)
{
    for (int i = 0; i < 3; i++) CHECK(pipe2(gs_req[i], O_CLOEXEC) == 0);
    CHECK(pipe2(gs_resp, O_CLOEXEC) == 0);
    pid_t c = xfork();
    if (c == 0) {
        pthread_t t[3];
        for (long i = 0; i < 3; i++) t[i] = start(gs_thread, (void *)i);
        for (int i = 0; i < 3; i++) join(t[i]);
        _exit(0);
    }
    pid_t tids[3];
    for (int i = 0; i < 3; i++) tids[i] = (pid_t)gs_get(-1);
    for (int i = 0; i < 3; i++) CHECK(write(gs_req[i][1], "p", 1) == 1);
    long sum = 0;
    for (int i = 0; i < 3; i++) sum += gs_get(-1);
    say("child with 3 threads answering pings: all answered: %s", yesno(sum == 303));
    kill(c, SIGSTOP);
    wait_print("kill(child, SIGSTOP)", c, WUNTRACED);
    int st;
    say("  reported once: %s", yesno(waitpid(c, &st, WNOHANG | WUNTRACED) == 0));
    CHECK(write(gs_req[1][1], "p", 1) == 1);
    say("  ping to thread 1 while stopped: no answer within 100 ms: %s", yesno(gs_get(100) == -1));
    kill(c, SIGCONT);
    wait_print("kill(child, SIGCONT)", c, WCONTINUED);
    say("  the pending ping is answered: %s", yesno(gs_get(-1) == 101));
    say("tgkill(child, thread 2, SIGSTOP): %s", res(sys_tgkill(c, tids[2], SIGSTOP)));
    wait_print("  whole process", c, WUNTRACED);
    CHECK(write(gs_req[0][1], "p", 1) == 1);
    say("  ping to thread 0 while stopped: no answer within 100 ms: %s", yesno(gs_get(100) == -1));
    say("tgkill(child, thread 1, SIGCONT): %s", res(sys_tgkill(c, tids[1], SIGCONT)));
    wait_print("  whole process", c, WCONTINUED);
    say("  the pending ping is answered: %s", yesno(gs_get(-1) == 100));
    kill(c, SIGSTOP);
    wait_print("kill(child, SIGSTOP)", c, WUNTRACED);
    kill(c, SIGKILL);
    wait_print("SIGKILL to the stopped process", c, 0);
    for (int i = 0; i < 3; i++) {
        close(gs_req[i][0]);
        close(gs_req[i][1]);
    }
    close(gs_resp[0]);
    close(gs_resp[1]);
}

/* ---- sigaction itself ------------------------------------------------------------------------ */

static void dummy_handler(int s) {}

static void test_sig_sigaction_errors(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = dummy_handler;
    say("sigaction(SIGKILL, handler): %s", res(sigaction(SIGKILL, &sa, NULL)));
    say("sigaction(SIGSTOP, handler): %s", res(sigaction(SIGSTOP, &sa, NULL)));
    struct sigaction ign = { 0 };
    ign.sa_handler = SIG_IGN;
    say("sigaction(SIGKILL, SIG_IGN): %s", res(sigaction(SIGKILL, &ign, NULL)));
    struct sigaction d = { 0 };
    d.sa_handler = SIG_DFL;
    say("sigaction(SIGKILL, SIG_DFL): %s", res(sigaction(SIGKILL, &d, NULL)));
    int r = sigaction(SIGKILL, NULL, &old);
    say("sigaction(SIGKILL, NULL, &old): %s, %s", res(r), old.sa_handler == SIG_DFL ? "default" : "not default");
    say("sigaction(0): %s", res(sigaction(0, &sa, NULL)));
    say("sigaction(65): %s", res(sigaction(65, &sa, NULL)));
    uint64_t kold[8]; /* struct kernel_sigaction, whatever the architecture's layout */
    say("raw rt_sigaction(sigsetsize 4): %s", res(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &kold, 4)));
    say("raw rt_sigaction(0): %s", res(syscall(SYS_rt_sigaction, 0, NULL, &kold, 8)));
    say("raw rt_sigaction(SIGRTMIN-1 = 33, query): %s", res(syscall(SYS_rt_sigaction, 33, NULL, &kold, 8)));

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = dummy_handler;
    sa.sa_flags = SA_RESTART | SA_NODEFER | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaddset(&sa.sa_mask, SIGKILL);
    sigaddset(&sa.sa_mask, SIGSTOP);
    sigaction(SIGUSR1, &sa, NULL);
    memset(&old, 0, sizeof old);
    sigaction(SIGUSR1, NULL, &old);
    int f = old.sa_flags & ~0x04000000; /* SA_RESTORER: x86 glibc sets it, riscv has none */
    say("read back: handler same: %s, flags same: %s, sa_mask has SIGUSR2: %s, SIGKILL: %s, SIGSTOP: %s",
        yesno(old.sa_handler == dummy_handler), yesno(f == (int)(SA_RESTART | SA_NODEFER | SA_ONSTACK | SA_RESETHAND)),
        yesno(sigismember(&old.sa_mask, SIGUSR2)), yesno(sigismember(&old.sa_mask, SIGKILL)),
        yesno(sigismember(&old.sa_mask, SIGSTOP)));
    sa.sa_flags = SA_RESTART | 0x400; /* SA_UNSUPPORTED */
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR1, NULL, &old);
    f = old.sa_flags & ~0x04000000;
    say("flag 0x400 (SA_UNSUPPORTED) read back: %s; SA_RESTART kept: %s", yesno(f & 0x400), yesno(f & SA_RESTART));
    sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP | SA_NOCLDWAIT;
    sigaction(SIGCHLD, &sa, &old);
    struct sigaction back;
    sigaction(SIGCHLD, NULL, &back);
    f = back.sa_flags & ~0x04000000;
    say("SIGCHLD SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT read back: %s",
        yesno(f == (SA_SIGINFO | SA_NOCLDSTOP | SA_NOCLDWAIT)));
    sigaction(SIGCHLD, &d, NULL);
    dfl(SIGUSR1);
}

const struct conform_test signals2_tests[] = {
    T(sig_siginfo_fields, "SA_SIGINFO: si_code/si_pid/si_uid/si_value for kill, sigqueue, raise, rt_sigqueueinfo"),
    T(sig_restart, "SA_RESTART: read and waitpid restart, without it EINTR; poll always EINTR"),
    T(sig_nodefer_mask, "SA_NODEFER re-entrant delivery; sa_mask defers another signal; mask restored"),
    T(sig_resethand, "SA_RESETHAND: handler once, then default action kills (in a child)"),
    T(sig_altstack, "sigaltstack and SA_ONSTACK: handler on the alternate stack, EPERM, threads, SS_AUTODISARM"),
    T(sig_stack_overflow, "stack overflow in a thread: SIGSEGV handler on the alternate stack, or death"),
    T(sig_mask_pending, "rt_sigprocmask semantics and errors; pending standard signals merge; ignored+blocked"),
    T(sig_sigsuspend, "rt_sigsuspend: handler runs with the temporary mask, returns EINTR, mask restored"),
    T(sig_sigtimedwait, "sigtimedwait/sigwaitinfo: EAGAIN timeouts, si_code, values, order, EINTR, per thread"),
    T(sig_rt_queue, "real-time signals queue in order, lowest number first; standard signals merge"),
    T(sig_thread_pending, "thread-directed vs process-directed pending sets; delivery to the unblocking thread"),
    T(sig_segv, "SIGSEGV: SEGV_MAPERR vs SEGV_ACCERR, si_addr; handler that fixes the page and returns"),
    T(sig_sigbus, "SIGBUS BUS_ADRERR for a MAP_SHARED file mapping beyond EOF; fine after ftruncate"),
    T(sig_ill_trap, "SIGILL and SIGTRAP via raise and instructions; abort; blocked/ignored faults are fatal"),
    T(sig_alarm_itimer, "alarm and setitimer(ITIMER_REAL): values, SIGALRM delivery, periodic, errors, fork"),
    T(sig_timer_create, "timer_create: SIGEV_SIGNAL, SIGEV_THREAD_ID, SIGEV_THREAD, SIGEV_NONE, errors"),
    T(sig_timer_overrun, "POSIX timer overrun while the signal is blocked; periodic delivery to a handler"),
    T(sig_pause, "pause returns EINTR after a handled signal (also with SA_RESTART); ignored signals do not"),
    T(sig_nanosleep_eintr, "nanosleep/clock_nanosleep interrupted: EINTR and remaining time; stop/continue"),
    T(sig_kill_pgrp, "kill(0, sig) reaches the caller's process group only; killpg"),
    T(sig_group_stop_threads, "SIGSTOP/SIGCONT stop and resume every thread; tgkill of a stop signal"),
    T(sig_sigaction_errors, "rt_sigaction: SIGKILL/SIGSTOP EINVAL, bad numbers and sizes, read-back of flags"),
    { 0 }
};
