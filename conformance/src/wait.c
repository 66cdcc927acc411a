/* wait.c - exit statuses, wait4/waitid and their options, reparenting,
 * auto-reaping, process groups and sessions, PR_SET_PDEATHSIG, PR_SET_NAME. */
#include "conform.h"

static const char *num(long v)
{
    static char b[8][24];
    static int i;
    char *s = b[i++ & 7];
    snprintf(s, 24, "%ld", v);
    return s;
}

static const char *siginfo_str(const siginfo_t *si, pid_t want)
{
    static char b[4][160];
    static int i;
    char *s = b[i++ & 3];
    if (si->si_pid == 0 && si->si_signo == 0) {
        snprintf(s, 160, "si_pid=0 si_signo=0");
        return s;
    }
    int st = si->si_status;
    const char *stat = (si->si_code == CLD_EXITED) ? num(st) : sname(st);
    snprintf(s, 160, "si_signo=%s si_code=%s si_status=%s si_pid==child: %s si_uid==getuid: %s", sname(si->si_signo),
             cldstr(si->si_code), stat, yesno(si->si_pid == want), yesno(si->si_uid == getuid()));
    return s;
}

/* A child that blocks until released (returns its pid; release closes w). */
static pid_t blocked_child(struct chan *ch, int code)
{
    chan_open(ch);
    pid_t c = xfork();
    if (c == 0) {
        close(ch->w);
        chan_recv(ch);
        _exit(code);
    }
    return c;
}

static void release(struct chan *ch)
{
    chan_send(ch, 1);
}

/* ---- statuses ------------------------------------------------------------ */

static void test_wait4_exit_status(void)
{
    static const int codes[] = { 0, 3, 255, 256, 257 };
    for (int i = 0; i < 5; i++) {
        pid_t c = xfork();
        if (c == 0) _exit(codes[i]);
        struct rusage ru;
        int st;
        pid_t r = wait4(c, &st, 0, &ru);
        say("_exit(%d): wait4 returned child: %s %s", codes[i], yesno(r == c), wstr(st));
    }
    pid_t c = xfork();
    if (c == 0) exit(42); /* through atexit/stdio */
    wait_print("exit(42)", c, 0);
    c = xfork();
    if (c == 0) syscall(SYS_exit_group, 300);
    wait_print("exit_group(300)", c, 0);
}

static void test_wait4_killed(void)
{
    static const int sigs[] = { SIGKILL, SIGTERM, SIGUSR1, SIGHUP, SIGALRM };
    for (int i = 0; i < 5; i++) {
        struct chan ch;
        pid_t c = blocked_child(&ch, 0);
        kill(c, sigs[i]);
        wait_print(sname(sigs[i]), c, 0);
        chan_close(&ch);
    }
}

static void test_waitid_exited(void)
{
    pid_t c = xfork();
    if (c == 0) _exit(3);
    siginfo_t si;
    memset(&si, 0x55, sizeof si);
    long r = sys_waitid(P_PID, c, &si, WEXITED, NULL);
    say("waitid(P_PID, WEXITED): %s returns 0: %s", res(r), yesno(r == 0));
    say("%s", siginfo_str(&si, c));
}

static void test_waitid_killed(void)
{
    struct chan ch;
    pid_t c = blocked_child(&ch, 0);
    kill(c, SIGTERM);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    say("waitid: %s", res(sys_waitid(P_PID, c, &si, WEXITED, NULL)));
    say("SIGTERM: %s", siginfo_str(&si, c));
    chan_close(&ch);
}

static void test_waitid_core(void)
{
    /* core action with RLIMIT_CORE=0: killed, no dump */
    pid_t c = xfork();
    if (c == 0) {
        struct rlimit rl = { 0, 0 };
        setrlimit(RLIMIT_CORE, &rl);
        signal(SIGQUIT, SIG_DFL);
        raise(SIGQUIT);
        _exit(99);
    }
    siginfo_t si;
    memset(&si, 0, sizeof si);
    sys_waitid(P_PID, c, &si, WEXITED | WNOWAIT, NULL);
    say("SIGQUIT, RLIMIT_CORE=0: %s", siginfo_str(&si, c));
    wait_print("SIGQUIT, RLIMIT_CORE=0", c, 0);

    /* with a core limit the dump happens: CLD_DUMPED, WCOREDUMP (the core
     * file lands in our temporary directory, removed at the end) */
    const char *dir = tmp_dir();
    c = xfork();
    if (c == 0) {
        if (chdir(dir) != 0) _exit(98);
        struct rlimit rl = { 64 << 20, 64 << 20 };
        setrlimit(RLIMIT_CORE, &rl);
        signal(SIGABRT, SIG_DFL);
        raise(SIGABRT);
        _exit(99);
    }
    memset(&si, 0, sizeof si);
    sys_waitid(P_PID, c, &si, WEXITED | WNOWAIT, NULL);
    say("SIGABRT, RLIMIT_CORE=64M: %s", siginfo_str(&si, c));
    wait_print("SIGABRT, RLIMIT_CORE=64M", c, 0);
}

static void test_wait_stop_continue(void)
{
    struct chan ch;
    chan_open(&ch);
    pid_t c = xfork();
    if (c == 0) {
        close(ch.w);
        raise(SIGSTOP);
        chan_recv(&ch);
        _exit(0);
    }
    int st;
    wait_print("wait4(WUNTRACED)", c, WUNTRACED);
    say("wait4(WNOHANG) while stopped: returns 0: %s", yesno(waitpid(c, &st, WNOHANG) == 0));
    say("wait4(WUNTRACED|WNOHANG) again (reported once): returns 0: %s", yesno(waitpid(c, &st, WUNTRACED | WNOHANG) == 0));
    kill(c, SIGCONT);
    wait_print("wait4(WCONTINUED)", c, WCONTINUED);
    say("wait4(WCONTINUED|WNOHANG) again: returns 0: %s", yesno(waitpid(c, &st, WCONTINUED | WNOHANG) == 0));
    kill(c, SIGTSTP);
    wait_print("after kill(SIGTSTP): wait4(WUNTRACED)", c, WUNTRACED);
    kill(c, SIGCONT);
    wait_print("wait4(WCONTINUED)", c, WCONTINUED);
    release(&ch);
    wait_print("exit", c, 0);
    chan_close(&ch);
}

static void test_waitid_stop_continue(void)
{
    struct chan ch;
    chan_open(&ch);
    pid_t c = xfork();
    if (c == 0) {
        close(ch.w);
        raise(SIGSTOP);
        chan_recv(&ch);
        _exit(2);
    }
    siginfo_t si;
    memset(&si, 0, sizeof si);
    say("waitid(WSTOPPED|WNOWAIT): %s", res(sys_waitid(P_PID, c, &si, WSTOPPED | WNOWAIT, NULL)));
    say("  %s", siginfo_str(&si, c));
    memset(&si, 0, sizeof si);
    say("waitid(WSTOPPED): %s", res(sys_waitid(P_PID, c, &si, WSTOPPED, NULL)));
    say("  %s", siginfo_str(&si, c));
    memset(&si, 0, sizeof si);
    say("waitid(WSTOPPED|WNOHANG) again: %s", res(sys_waitid(P_PID, c, &si, WSTOPPED | WNOHANG, NULL)));
    say("  %s", siginfo_str(&si, c));
    kill(c, SIGCONT);
    memset(&si, 0, sizeof si);
    say("waitid(WCONTINUED): %s", res(sys_waitid(P_PID, c, &si, WCONTINUED, NULL)));
    say("  %s", siginfo_str(&si, c));
    release(&ch);
    memset(&si, 0, sizeof si);
    say("waitid(WEXITED|WSTOPPED|WCONTINUED): %s", res(sys_waitid(P_PID, c, &si, WEXITED | WSTOPPED | WCONTINUED, NULL)));
    say("  %s", siginfo_str(&si, c));
    chan_close(&ch);
}

/* ---- id types ------------------------------------------------------------- */

static void test_waitid_idtypes(void)
{
    siginfo_t si;
    struct chan ch;
    pid_t c = blocked_child(&ch, 21);
    setpgid(c, c);
    release(&ch);
    memset(&si, 0, sizeof si);
    say("waitid(P_PGID, own pgrp, WNOHANG) with the child in its own group: %s",
        res(sys_waitid(P_PGID, getpgid(0), &si, WEXITED | WNOHANG, NULL)));
    memset(&si, 0, sizeof si);
    say("waitid(P_PGID, child's pgrp): %s", res(sys_waitid(P_PGID, c, &si, WEXITED, NULL)));
    say("  %s", siginfo_str(&si, c));
    chan_close(&ch);

    c = xfork();
    if (c == 0) _exit(22);
    memset(&si, 0, sizeof si);
    say("waitid(P_PGID, 0 = caller's group): %s", res(sys_waitid(P_PGID, 0, &si, WEXITED, NULL)));
    say("  %s", siginfo_str(&si, c));

    c = xfork();
    if (c == 0) _exit(23);
    memset(&si, 0, sizeof si);
    say("waitid(P_ALL): %s", res(sys_waitid(P_ALL, 0, &si, WEXITED, NULL)));
    say("  %s", siginfo_str(&si, c));

    c = xfork();
    if (c == 0) _exit(24);
    memset(&si, 0, sizeof si);
    say("waitid(P_PID): %s", res(sys_waitid(P_PID, c, &si, WEXITED, NULL)));
    say("  %s", siginfo_str(&si, c));

    c = blocked_child(&ch, 25);
    setpgid(c, c);
    release(&ch);
    int st;
    pid_t r = waitpid(-c, &st, 0);
    say("waitpid(-pgid): returned child: %s %s", yesno(r == c), wstr(st));
    chan_close(&ch);
    c = xfork();
    if (c == 0) _exit(26);
    r = waitpid(0, &st, 0);
    say("waitpid(0): returned child: %s %s", yesno(r == c), wstr(st));
}

static void test_wait_errors(void)
{
    siginfo_t si;
    int st;
    say("wait4(-1) without children: %s", res(wait4(-1, &st, 0, NULL)));
    say("waitid(P_ALL) without children: %s", res(sys_waitid(P_ALL, 0, &si, WEXITED, NULL)));
    say("waitpid(1) (not a child): %s", res(waitpid(1, &st, 0)));
    say("waitid(options 0): %s", res(sys_waitid(P_ALL, 0, &si, 0, NULL)));
    say("waitid(bad idtype 9): %s", res(sys_waitid(9, 0, &si, WEXITED, NULL)));
    say("waitid(P_PID, 0): %s", res(sys_waitid(P_PID, 0, &si, WEXITED, NULL)));
    say("wait4(bad option bit 0x100): %s", res(wait4(-1, &st, 0x100, NULL)));
    say("waitid(P_PGID, -1): %s", res(sys_waitid(P_PGID, -1, &si, WEXITED, NULL)));
    pid_t c = xfork();
    if (c == 0) _exit(0);
    say("wait4(child, status=(int*)1): %s", res(wait4(c, (int *)1, 0, NULL)));
    say("wait4 again after the EFAULT: %s", res(wait4(c, &st, WNOHANG, NULL)));
}

static void test_wait_wnohang(void)
{
    struct chan ch;
    pid_t c = blocked_child(&ch, 31);
    int st = 12345;
    pid_t r = waitpid(c, &st, WNOHANG);
    say("wait4(WNOHANG) on a running child: returns 0: %s", yesno(r == 0));
    siginfo_t si;
    memset(&si, 0x55, sizeof si);
    long w = sys_waitid(P_PID, c, &si, WEXITED | WNOHANG, NULL);
    say("waitid(WNOHANG) on a running child: %s, si_pid zeroed: %s si_signo zeroed: %s", res(w), yesno(si.si_pid == 0),
        yesno(si.si_signo == 0));
    release(&ch);
    wait_print("after release", c, 0);
    chan_close(&ch);
}

static void test_waitid_wnowait(void)
{
    pid_t c = xfork();
    if (c == 0) _exit(5);
    siginfo_t si;
    for (int i = 0; i < 2; i++) {
        memset(&si, 0, sizeof si);
        say("waitid(WEXITED|WNOWAIT) #%d: %s", i + 1, res(sys_waitid(P_PID, c, &si, WEXITED | WNOWAIT, NULL)));
        say("  %s", siginfo_str(&si, c));
    }
    int st;
    say("wait4(WNOHANG) still sees the zombie: returned child: %s", yesno(waitpid(c, &st, WNOHANG | __WNOTHREAD) == c));
    memset(&si, 0, sizeof si);
    say("waitid(WEXITED) after it was reaped: %s", res(sys_waitid(P_PID, c, &si, WEXITED, NULL)));

    c = xfork();
    if (c == 0) _exit(6);
    memset(&si, 0, sizeof si);
    sys_waitid(P_PID, c, &si, WEXITED | WNOWAIT, NULL);
    memset(&si, 0, sizeof si);
    say("waitid(WEXITED) after WNOWAIT: %s", res(sys_waitid(P_PID, c, &si, WEXITED, NULL)));
    say("  %s", siginfo_str(&si, c));
    say("waitid(WEXITED) again: %s", res(sys_waitid(P_PID, c, &si, WEXITED, NULL)));
}

static volatile pid_t wn_child;
static volatile long wn_r1, wn_e1, wn_r2, wn_e2, wn_status;
static int wnothread_thread(void *a)
{
    siginfo_t si;
    wn_r1 = sys_waitid(P_PID, wn_child, &si, WEXITED | WNOHANG | __WNOTHREAD, NULL);
    wn_e1 = wn_r1 < 0 ? errno : 0;
    memset(&si, 0, sizeof si);
    wn_r2 = sys_waitid(P_PID, wn_child, &si, WEXITED | WNOHANG, NULL);
    wn_e2 = wn_r2 < 0 ? errno : 0;
    wn_status = si.si_pid == wn_child ? si.si_status : -1;
    return 0;
}

static void test_wait_wnothread(void)
{
    pid_t c = xfork();
    if (c == 0) _exit(17);
    siginfo_t si;
    sys_waitid(P_PID, c, &si, WEXITED | WNOWAIT, NULL); /* it is a zombie now */
    wn_child = c;
    static volatile int ctid;
    spawn_thread(wnothread_thread, NULL, &ctid);
    wait_cleared(&ctid);
    say("other thread: waitid(__WNOTHREAD) for our child: %s", wn_r1 < 0 ? ename((int)wn_e1) : "ok");
    say("other thread: waitid() for our child: %s, status %ld", wn_r2 < 0 ? ename((int)wn_e2) : "ok", wn_status);
    int st;
    say("main: waitpid after the other thread reaped it: %s", res(waitpid(c, &st, WNOHANG)));
}

static void test_wait_wclone_wall(void)
{
    pid_t a = xfork(); /* SIGCHLD child */
    if (a == 0) _exit(1);
    pid_t b = raw_clone(0, NULL, NULL, NULL, 0); /* "clone" child: exit signal 0 */
    if (b == 0) _exit(2);
    CHECK(b > 0);
    siginfo_t si;
    sys_waitid(P_PID, a, &si, WEXITED | WNOWAIT, NULL);
    sys_waitid(P_PID, b, &si, WEXITED | WNOWAIT | __WCLONE, NULL);
    int st;
    pid_t r = waitpid(-1, &st, 0);
    say("waitpid(-1, 0) picks the SIGCHLD child: %s %s", yesno(r == a), wstr(st));
    say("waitpid(-1, WNOHANG) with only a clone child left: %s", res(waitpid(-1, &st, WNOHANG)));
    r = waitpid(-1, &st, __WCLONE);
    say("waitpid(-1, __WCLONE) picks the clone child: %s %s", yesno(r == b), wstr(st));
    a = xfork();
    if (a == 0) _exit(3);
    r = waitpid(-1, &st, __WCLONE | WNOHANG);
    say("waitpid(-1, __WCLONE|WNOHANG) with only a SIGCHLD child: %s", r == 0 ? "0" : res(r));
    r = waitpid(-1, &st, __WALL);
    say("waitpid(-1, __WALL) picks the SIGCHLD child: %s %s", yesno(r == a), wstr(st));
}

static void test_wait_rusage(void)
{
    pid_t c = xfork();
    if (c == 0) {
        volatile unsigned long x = 0;
        for (unsigned long i = 0; i < 2000000; i++) x += i;
        _exit(0);
    }
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    int st;
    pid_t r = wait4(c, &st, 0, &ru);
    say("wait4 with rusage: returned child: %s %s", yesno(r == c), wstr(st));
    say("  ru_utime valid: %s ru_stime valid: %s", yesno(ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000),
        yesno(ru.ru_stime.tv_sec >= 0 && ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000));
    c = xfork();
    if (c == 0) _exit(1);
    siginfo_t si;
    memset(&ru, 0xff, sizeof ru);
    long w = sys_waitid(P_PID, c, &si, WEXITED, &ru);
    say("waitid with rusage: %s ru_utime valid: %s", res(w),
        yesno(ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000));
    struct rusage ch;
    memset(&ch, 0xff, sizeof ch);
    const char *gr = res(getrusage(RUSAGE_CHILDREN, &ch));
    say("getrusage(RUSAGE_CHILDREN): %s ru_utime valid: %s", gr,
        yesno(ch.ru_utime.tv_sec >= 0 && ch.ru_utime.tv_usec >= 0 && ch.ru_utime.tv_usec < 1000000));
}

/* ---- reparenting ------------------------------------------------------------- */

/* Run inside a new pid namespace, so that no subreaper among the host's
 * ancestors (a user's systemd, a container runtime) changes the answer:
 * there, init is pid 1 of the namespace and is this test's own child. */
static void test_reparent_init(void)
{
    struct chan ch;
    chan_open(&ch);
    pid_t ns = raw_clone(CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);
    if (ns < 0) die("clone(CLONE_NEWPID): errno=%s", ename(errno));
    if (ns == 0) {
        pid_t c = xfork();
        if (c == 0) {
            pid_t me = getpid();
            pid_t g = xfork();
            if (g == 0) {
                while (getppid() == me) sched_yield();
                chan_send(&ch, getppid() == 1 ? 1 : 0);
                _exit(44);
            }
            _exit(0);
        }
        wait_print("  middle child", c, 0);
        say("  orphaned grandchild's getppid() == 1: %s", yesno(chan_recv(&ch) == 1));
        int st;
        pid_t r = waitpid(-1, &st, 0);
        say("  init reaps the orphan: %s %s", yesno(r > 0), wstr(st));
        say("  no more children: %s", res(waitpid(-1, &st, WNOHANG)));
        _exit(0);
    }
    wait_print("pid namespace init", ns, 0);
    chan_close(&ch);
}

static void test_reparent_subreaper(void)
{
    int on = -1;
    say("PR_SET_CHILD_SUBREAPER: %s", res(prctl(PR_SET_CHILD_SUBREAPER, 1)));
    prctl(PR_GET_CHILD_SUBREAPER, &on);
    say("PR_GET_CHILD_SUBREAPER: %d", on);
    struct chan ch;
    chan_open(&ch);
    pid_t me = getpid();
    pid_t c = xfork();
    if (c == 0) {
        int inh = -1;
        prctl(PR_GET_CHILD_SUBREAPER, &inh);
        pid_t mid = getpid();
        pid_t g = xfork();
        if (g == 0) {
            while (getppid() == mid) sched_yield();
            chan_send(&ch, getppid() == me ? 1 : 0);
            chan_send(&ch, getpid());
            _exit(33);
        }
        _exit(inh == 0 ? 0 : 1);
    }
    wait_print("middle child (0 = subreaper flag not inherited)", c, 0);
    say("orphan's getppid() == subreaper: %s", yesno(chan_recv(&ch) == 1));
    pid_t g = (pid_t)chan_recv(&ch);
    wait_print("subreaper reaps the orphan", g, 0);
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    chan_close(&ch);
}

/* ---- auto-reaping ----------------------------------------------------------- */

static volatile int chld_count;
static void on_chld(int s) { chld_count++; }

static void test_sigchld_ign_autoreap(void)
{
    signal(SIGCHLD, SIG_IGN);
    pid_t c = xfork();
    if (c == 0) _exit(1);
    int st;
    say("SIGCHLD=SIG_IGN: wait4(child) blocks until it is gone, then: %s", res(waitpid(c, &st, 0)));
    c = xfork();
    if (c == 0) _exit(1);
    siginfo_t si;
    say("SIGCHLD=SIG_IGN: waitid(P_ALL): %s", res(sys_waitid(P_ALL, 0, &si, WEXITED, NULL)));
    signal(SIGCHLD, SIG_DFL);
    c = xfork();
    if (c == 0) _exit(2);
    wait_print("SIGCHLD=SIG_DFL again", c, 0);
}

static void test_sa_nocldwait(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sa.sa_flags = SA_NOCLDWAIT;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    chld_count = 0;
    pid_t c = xfork();
    if (c == 0) _exit(1);
    int st;
    say("SA_NOCLDWAIT: wait4(child): %s", res(waitpid(c, &st, 0)));
    say("SA_NOCLDWAIT: handler still ran: %d", chld_count);
    signal(SIGCHLD, SIG_DFL);
    /* SIG_IGN does not apply to stopped/continued: with SA_NOCLDSTOP-less
     * default, a stop is still reported */
    c = xfork();
    if (c == 0) _exit(2);
    wait_print("SIGCHLD=SIG_DFL again", c, 0);
}

static void test_sa_nocldstop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sa.sa_flags = SA_NOCLDSTOP;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    chld_count = 0;
    struct chan ch;
    pid_t c = blocked_child(&ch, 3);
    kill(c, SIGSTOP);
    wait_print("stopped", c, WUNTRACED);
    say("SA_NOCLDSTOP: SIGCHLD count after stop: %d", chld_count);
    kill(c, SIGCONT);
    wait_print("continued", c, WCONTINUED);
    release(&ch);
    wait_print("exit", c, 0);
    say("SA_NOCLDSTOP: SIGCHLD count after continue and exit: %d", chld_count);
    sa.sa_flags = 0;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    chld_count = 0;
    chan_close(&ch);
    /* this child echoes a 0 on "ack" (proof it ran after SIGCONT, so its
     * CLD_CONTINUED notification was sent) and exits on a 1 */
    struct chan ack;
    chan_open(&ch);
    chan_open(&ack);
    c = xfork();
    if (c == 0) {
        while (chan_recv(&ch) == 0) chan_send(&ack, 0);
        _exit(4);
    }
    kill(c, SIGSTOP);
    wait_print("stopped", c, WUNTRACED);
    say("without SA_NOCLDSTOP: SIGCHLD count after stop: %d", chld_count);
    kill(c, SIGCONT);
    wait_print("continued", c, WCONTINUED);
    chan_send(&ch, 0);
    chan_recv(&ack);
    say("without SA_NOCLDSTOP: SIGCHLD count after continue: %d", chld_count);
    release(&ch);
    wait_print("exit", c, 0);
    say("without SA_NOCLDSTOP: SIGCHLD count after exit: %d", chld_count);
    chan_close(&ack);
    signal(SIGCHLD, SIG_DFL);
    chan_close(&ch);
}

/* ---- process groups and sessions ---------------------------------------------- */

static void test_pgid_session(void)
{
    struct chan go;
    chan_open(&go);
    pid_t c = xfork();
    if (c == 0) {
        pid_t me = getpid();
        say("  child: getpgid(0) == parent's pgid: %s", yesno(getpgid(0) == getpgid(getppid())));
        say("  child: getsid(0) == parent's sid: %s", yesno(getsid(0) == getsid(getppid())));
        const char *r = res(setpgid(0, 0));
        say("  child: setpgid(0, 0): %s, getpgid(0) == getpid: %s", r, yesno(getpgid(0) == me));
        say("  child: setsid() as group leader: %s", res(setsid()));
        pid_t g = xfork();
        if (g == 0) {
            pid_t s = setsid();
            say("  grandchild: setsid(): %s, returns its pid: %s", res(s), yesno(s == getpid()));
            say("  grandchild: getsid(0) == getpid: %s, getpgid(0) == getpid: %s", yesno(getsid(0) == getpid()),
                yesno(getpgid(0) == getpid()));
            say("  grandchild: setsid() again: %s", res(setsid()));
            say("  grandchild: setpgid(0, 0) as session leader: %s", res(setpgid(0, 0)));
            say("  grandchild: setpgid(0, parent's group) across sessions: %s", res(setpgid(0, me)));
            _exit(0);
        }
        wait_print("  grandchild", g, 0);
        _exit(0);
    }
    wait_print("child", c, 0);
    chan_close(&go);
}

static void test_setpgid_errors(void)
{
    say("setpgid(1, 1) (not our child): %s", res(setpgid(1, 1)));
    say("setpgid(0, -1): %s", res(setpgid(0, -1)));
    say("getpgid(-1): %s", res(getpgid(-1)));
    pid_t c = xfork();
    if (c == 0) _exit(0);
    xwait(c, 0);
    say("getpgid(reaped child): %s", res(getpgid(c)));
    say("getsid(reaped child): %s", res(getsid(c)));
    say("setpgid(reaped child, 0): %s", res(setpgid(c, 0)));

    /* child in another session: EPERM */
    struct chan ch;
    chan_open(&ch);
    struct chan ready;
    chan_open(&ready);
    c = xfork();
    if (c == 0) {
        setsid();
        chan_send(&ready, 1);
        chan_recv(&ch);
        _exit(0);
    }
    chan_recv(&ready);
    say("setpgid(child that called setsid, child): %s", res(setpgid(c, c)));
    say("getsid(child) == child: %s", yesno(getsid(c) == c));
    chan_send(&ch, 1);
    xwait(c, 0);
    chan_close(&ch);
    chan_close(&ready);

    /* moving a child into a group of another session: EPERM;
     * into a nonexistent group: EPERM */
    struct chan r2;
    chan_open(&r2);
    c = xfork();
    if (c == 0) {
        chan_recv(&r2);
        _exit(0);
    }
    say("setpgid(child, nonexistent group 1): %s", res(setpgid(c, 1)));
    say("setpgid(child, child): %s", res(setpgid(c, c)));
    say("setpgid(child, own pgid back): %s", res(setpgid(c, getpgid(0))));
    chan_send(&r2, 1);
    xwait(c, 0);
    chan_close(&r2);

    /* after the child execs: EACCES */
    int p[2];
    CHECK(pipe(p) == 0);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    c = vfork();
    if (c == 0) {
        char *args[] = { (char *)num(p[0]), "0", NULL };
        exec_helper("wait-fd", args, NULL);
        _exit(127);
    }
    close(p[0]);
    say("setpgid(child after execve, child): %s", res(setpgid(c, c)));
    close(p[1]);
    xwait(c, 0);
}

/* ---- PR_SET_PDEATHSIG, PR_SET_NAME ------------------------------------------- */

static volatile int pdeath_got;
static void on_pdeath(int s) { pdeath_got = s; }

static void test_pdeathsig(void)
{
    struct chan ch, ack;
    chan_open(&ch);
    chan_open(&ack);
    pid_t c = xfork();
    if (c == 0) {
        pid_t mid = getpid();
        pid_t g = xfork();
        if (g == 0) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_pdeath;
            sigaction(SIGUSR1, &sa, NULL);
            sigset_t block, old;
            sigemptyset(&block);
            sigaddset(&block, SIGUSR1);
            sigprocmask(SIG_BLOCK, &block, &old);
            prctl(PR_SET_PDEATHSIG, SIGUSR1);
            int v = -1;
            prctl(PR_GET_PDEATHSIG, &v);
            chan_send(&ch, v == SIGUSR1);
            chan_send(&ack, 1); /* let the parent exit */
            while (!pdeath_got) sigsuspend(&old);
            chan_send(&ch, pdeath_got);
            chan_send(&ch, getppid() != mid);
            _exit(0);
        }
        chan_recv(&ack);
        _exit(0);
    }
    wait_print("middle child", c, 0);
    say("PR_GET_PDEATHSIG == SIGUSR1: %s", yesno(chan_recv(&ch) == 1));
    say("signal received when the parent died: %s", sname((int)chan_recv(&ch)));
    say("reparented by then: %s", yesno(chan_recv(&ch) == 1));
    chan_close(&ch);
    chan_close(&ack);

    /* cleared across fork */
    prctl(PR_SET_PDEATHSIG, SIGUSR2);
    c = xfork();
    if (c == 0) {
        int v = -1;
        prctl(PR_GET_PDEATHSIG, &v);
        _exit(v);
    }
    wait_print("fork child's PR_GET_PDEATHSIG (exit status)", c, 0);
    prctl(PR_SET_PDEATHSIG, 0);
    say("PR_SET_PDEATHSIG(65): %s", res(prctl(PR_SET_PDEATHSIG, 65)));
}

static int read_comm(char *buf, size_t n)
{
    int fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t r = read(fd, buf, n - 1);
    close(fd);
    if (r < 0) return -1;
    buf[r] = 0;
    char *nl = strchr(buf, '\n');
    if (nl) *nl = 0;
    return 0;
}

static void test_prctl_name(void)
{
    char comm[64], name[32];
    say("PR_SET_NAME(\"conform-test\"): %s", res(prctl(PR_SET_NAME, "conform-test")));
    memset(name, 0, sizeof name);
    prctl(PR_GET_NAME, name);
    say("PR_GET_NAME: \"%s\"", name);
    say("/proc/self/comm: %s", read_comm(comm, sizeof comm) == 0 ? comm : "(unreadable)");
    prctl(PR_SET_NAME, "abcdefghijklmnopqrstuvwxyz");
    memset(name, 0, sizeof name);
    prctl(PR_GET_NAME, name);
    say("PR_GET_NAME after a 26-char name: \"%s\"", name);
    say("/proc/self/comm: %s", read_comm(comm, sizeof comm) == 0 ? comm : "(unreadable)");
    pid_t c = xfork();
    if (c == 0) {
        char n2[32] = { 0 };
        prctl(PR_GET_NAME, n2);
        _exit(strcmp(n2, "abcdefghijklmno") == 0 ? 0 : 1);
    }
    wait_print("fork child inherits the name (0 = yes)", c, 0);
}

const struct conform_test wait_tests[] = {
    T(wait4_exit_status, "exit codes through wait4: low 8 bits, exit() and exit_group"),
    T(wait4_killed, "wait4 status of children killed by various signals"),
    T(waitid_exited, "waitid siginfo for an exited child (CLD_EXITED, si_status, si_pid, si_uid)"),
    T(waitid_killed, "waitid siginfo for a killed child (CLD_KILLED)"),
    T(waitid_core, "core-action signal: RLIMIT_CORE=0 gives CLD_KILLED/WCOREDUMP=0; a dump gives CLD_DUMPED"),
    T(wait_stop_continue, "wait4 WUNTRACED/WCONTINUED: stop and continue reported once each"),
    T(waitid_stop_continue, "waitid WSTOPPED/WCONTINUED/WNOWAIT: CLD_STOPPED, CLD_CONTINUED"),
    T(waitid_idtypes, "waitid P_PID, P_PGID, P_ALL; waitpid(-pgid), waitpid(0)"),
    T(wait_errors, "ECHILD, EINVAL and EFAULT from wait4/waitid"),
    T(wait_wnohang, "WNOHANG on a running child: wait4 returns 0, waitid zeroes siginfo"),
    T(waitid_wnowait, "WNOWAIT leaves the zombie: collected twice, then reaped"),
    T(wait_wnothread, "__WNOTHREAD: another thread cannot wait for this thread's child"),
    T(wait_wclone_wall, "__WCLONE and __WALL select clone children"),
    T(wait_rusage, "wait4/waitid fill in rusage"),
    T(reparent_init, "an orphan is reparented to init (getppid()==1), which reaps it"),
    T(reparent_subreaper, "an orphan is reparented to a PR_SET_CHILD_SUBREAPER ancestor"),
    T(sigchld_ign_autoreap, "SIGCHLD=SIG_IGN: children are auto-reaped, wait gives ECHILD"),
    T(sa_nocldwait, "SA_NOCLDWAIT: auto-reaped, the handler still runs"),
    T(sa_nocldstop, "SA_NOCLDSTOP: no SIGCHLD for stop/continue"),
    T(pgid_session, "setpgid/getpgid/setsid/getsid in children"),
    T(setpgid_errors, "setpgid ESRCH, EPERM, EACCES after the child execs"),
    T(pdeathsig, "PR_SET_PDEATHSIG: signal at the parent's death; cleared in fork children"),
    T(prctl_name, "PR_SET_NAME is seen in PR_GET_NAME and /proc/self/comm, truncated to 15"),
    { 0 }
};
