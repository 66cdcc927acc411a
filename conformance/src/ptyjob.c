/* ptyjob.c - sessions, controlling terminals and job control on a pty: ^C ^\ ^Z, stopping
 * and continuing the foreground job, SIGTTIN/SIGTTOU for background jobs (and EIO for
 * orphaned ones), tcsetpgrp rules, SIGHUP when the session leader exits, orphaned process
 * groups, SIGWINCH, and terminal ioctls on things that are not terminals.
 *
 * Each test forks a session leader S (setsid, then the pty slave opened without O_NOCTTY
 * becomes its controlling terminal) that plays both the shell and the terminal emulator:
 * it starts jobs in their own process groups, writes keys to the master and waits for the
 * jobs.  Jobs print only while S is blocked waiting for them. */
#include "pty.h"

static volatile sig_atomic_t got[65];
static volatile sig_atomic_t order[8];
static volatile sig_atomic_t norder;

static void on_sig(int sig)
{
    got[sig]++;
    if (norder < 8) order[norder++] = sig;
}

static void handle(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sig;
    sa.sa_flags = flags;
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void dispose(int sig, void (*h)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static int M, S; /* master and slave of the session's terminal */

/* the session leader: new session, a pty as controlling terminal, SIGTTOU ignored as shells do */
static void session(void)
{
    CHECK(setsid() > 0);
    M = open_pty(&S, 0);
    dispose(SIGTTOU, SIG_IGN);
    struct rlimit rl = { 0, 0 };
    CHECK(setrlimit(RLIMIT_CORE, &rl) == 0);
}

/* run the test body fn in a session leader and wait for it */
static void in_session(void (*fn)(void))
{
    pid_t p = xfork();
    if (p == 0) {
        session();
        fn();
        _exit(0);
    }
    wait_clean("session", p);
}

/* start a job in its own process group (foreground if fg): once S let it go it runs setup
 * (handlers), says it is ready, and runs fn; S returns when it is ready */
static pid_t job2(int fg, void (*setup)(void), void (*fn)(void))
{
    struct chan go, ready;
    chan_open(&go);
    chan_open(&ready);
    pid_t c = xfork();
    if (c == 0) {
        setpgid(0, 0);
        dispose(SIGTTOU, SIG_DFL);
        chan_recv(&go);
        if (setup) setup();
        chan_send(&ready, 1);
        chan_close(&go);
        chan_close(&ready);
        fn();
        _exit(0);
    }
    setpgid(c, c);
    if (fg) CHECK(tcsetpgrp(S, c) == 0);
    chan_send(&go, 1);
    CHECK(chan_recv(&ready) == 1);
    chan_close(&go);
    chan_close(&ready);
    return c;
}

static pid_t job(int fg, void (*fn)(void))
{
    return job2(fg, NULL, fn);
}

/* back to the shell: S in the foreground again */
static void shell_fg(void)
{
    CHECK(tcsetpgrp(S, getpgrp()) == 0);
}

/* S's view of the terminal settled: a poll waits for the slave's pending input work */
static void settle_poll(void)
{
    struct pollfd pf = { S, POLLIN, 0 };
    poll(&pf, 1, 0);
}

static char rbuf[256];

static void job_read(void)
{
    ssize_t r = read(S, rbuf, sizeof rbuf);
    int e = errno;
    say("  job read: %s handlers: INT=%d QUIT=%d TSTP=%d TTIN=%d", r < 0 ? ename(e) : hexs(rbuf, r), got[SIGINT],
        got[SIGQUIT], got[SIGTSTP], got[SIGTTIN]);
}

static void job_read_default(void) { job_read(); }
static void int_restart(void) { handle(SIGINT, SA_RESTART); }
static void int_plain(void) { handle(SIGINT, 0); }
static struct chan step;
/* the first read is interrupted; S types the next line only once it returned, or the line
 * could arrive before the job saw the signal (input that is there wins over a pending signal) */
static void job_read_twice(void) { job_read(); chan_send(&step, 1); job_read(); }

static void test_pty_isig_body(void)
{
    pid_t j = job(1, job_read_default);
    wait_state(j, 'S');
    put(M, "\003", 1);
    wait_print("^C, no handler", j, 0);
    settle_poll();
    say("echo: %s", drain(M));
    shell_fg();

    j = job(1, job_read_default);
    wait_state(j, 'S');
    put(M, "\034", 1);
    wait_print("^\\, no handler", j, 0);
    settle_poll();
    say("echo: %s", drain(M));
    shell_fg();

    j = job2(1, int_restart, job_read_default);
    put(M, "abc", 3);
    settle_poll();
    say("typed abc, echo: %s", drain(M));
    put(M, "\003", 1);
    put(M, "x\n", 2);
    wait_print("^C with an SA_RESTART handler", j, 0);
    settle_poll();
    say("echo: %s", drain(M));
    shell_fg();

    chan_open(&step);
    j = job2(1, int_plain, job_read_twice);
    wait_state(j, 'S');
    put(M, "ab\003", 3);
    CHECK(chan_recv(&step) == 1);
    chan_close(&step);
    put(M, "y\n", 2);
    wait_print("^C with a handler, no SA_RESTART", j, 0);
    settle_poll();
    say("echo: %s", drain(M));
    shell_fg();

    tmod(S, 'l', NOFLSH, 0);
    j = job2(1, int_restart, job_read_default);
    put(M, "abc", 3);
    settle_poll();
    drain(M);
    put(M, "\003", 1);
    put(M, "d\n", 2);
    wait_print("^C with NOFLSH", j, 0);
    settle_poll();
    say("echo: %s", drain(M));
    shell_fg();
    tmod(S, 'l', 0, NOFLSH | ISIG);

    j = job(1, job_read_default);
    put(M, "\003\034\032\n", 4);
    wait_print("-isig: ^C ^\\ ^Z are input", j, 0);
    settle_poll();
    say("echo: %s", drain(M));
    shell_fg();
    tmod(S, 'l', ISIG, 0);

    j = job(1, job_read_default);
    wait_state(j, 'S');
    say("TIOCSIG SIGQUIT from the master: %s", res(ioctl(M, TIOCSIG, SIGQUIT)));
    wait_print("after TIOCSIG", j, 0);
    shell_fg();
    say("nothing echoed for TIOCSIG: %s", drain(M));
}

static void test_pty_isig(void) { in_session(test_pty_isig_body); }

static void test_pty_stop_cont_body(void)
{
    pid_t j = job(1, job_read_default);
    wait_state(j, 'S');
    put(M, "\032", 1);
    wait_print("^Z", j, WUNTRACED);
    settle_poll();
    say("echo: %s", drain(M));
    shell_fg();
    pid_t pg = -1;
    ioctl(S, TIOCGPGRP, &pg);
    say("shell in the foreground again: %s", yesno(pg == getpgrp()));
    kill(-j, SIGCONT);
    wait_print("bg: continued in the background, it reads", j, WUNTRACED);
    CHECK(tcsetpgrp(S, j) == 0);
    kill(-j, SIGCONT);
    wait_print("fg", j, WCONTINUED);
    put(M, "go\n", 3);
    wait_print("job done", j, 0);
    shell_fg();
    settle_poll();
    say("echo: %s", drain(M));
}

static void test_pty_stop_cont(void) { in_session(test_pty_stop_cont_body); }

static void bg_read_ign(void) { dispose(SIGTTIN, SIG_IGN); job_read(); }
static void bg_read_block(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTTIN);
    sigprocmask(SIG_BLOCK, &s, NULL);
    job_read();
    sigpending(&s);
    say("  SIGTTIN pending: %s", yesno(sigismember(&s, SIGTTIN)));
}
static void bg_read_handler(void) { handle(SIGTTIN, 0); job_read(); }
static void bg_write(void)
{
    ssize_t r = write(S, "bg\n", 3);
    say("  job write: %s", nres(r));
}
static void bg_write_ign(void) { dispose(SIGTTOU, SIG_IGN); bg_write(); }
static void bg_tcsetattr(void)
{
    struct termios t;
    say("  tcgetattr: %s", res(tcgetattr(S, &t)));
    say("  tcsetattr: %s", res(tcsetattr(S, TCSANOW, &t)));
}
static void bg_tcsetpgrp(void) { say("  tcsetpgrp(self): %s", res(tcsetpgrp(S, getpgrp()))); }
static void bg_tcsetpgrp_ign(void) { dispose(SIGTTOU, SIG_IGN); bg_tcsetpgrp(); }
static void bg_misc(void)
{
    int n = -1;
    say("  FIONREAD: %s", res(ioctl(S, FIONREAD, &n)));
    struct winsize ws;
    say("  TIOCGWINSZ: %s", res(ioctl(S, TIOCGWINSZ, &ws)));
    say("  tcflush (stops it): %s", res(tcflush(S, TCIFLUSH)));
}

static struct chan orphan_go, orphan_rep;

static const char *rstr(long r, int e)
{
    return r < 0 ? ename(e) : "ok";
}

static void orphan_job(void)
{
    close(orphan_rep.r);
    chan_recv(&orphan_go);
    char b[300];
    struct termios t;
    tcgetattr(S, &t);
    ssize_t r1 = read(S, rbuf, sizeof rbuf);
    int e1 = errno;
    ssize_t r2 = write(S, "o\n", 2);
    int e2 = errno;
    int r3 = tcsetattr(S, TCSANOW, &t);
    int e3 = errno;
    int r4 = tcsetpgrp(S, getpgrp());
    int e4 = errno;
    snprintf(b, sizeof b, "orphaned group: read %s, write with TOSTOP %s, tcsetattr %s, tcsetpgrp %s", rstr(r1, e1),
             rstr(r2, e2), rstr(r3, e3), rstr(r4, e4));
    CHECK(write(orphan_rep.w, b, strlen(b)) > 0);
}

static void print_report(struct chan *c);

static void test_pty_background_body(void)
{
    pid_t j = job(0, job_read_default);
    wait_print("background read", j, WUNTRACED);
    kill(j, SIGKILL);
    wait_print("killed", j, 0);
    j = job(0, bg_read_ign);
    wait_print("background read, SIGTTIN ignored", j, 0);
    j = job(0, bg_read_block);
    wait_print("background read, SIGTTIN blocked", j, 0);
    j = job(0, bg_read_handler);
    wait_print("background read, SIGTTIN handler", j, 0);
    j = job(0, bg_misc);
    wait_print("background FIONREAD/TIOCGWINSZ/tcflush", j, WUNTRACED);
    kill(j, SIGKILL);
    xwait(j, 0);
    j = job(0, bg_write);
    wait_print("background write", j, 0);
    say("master reads: %s", drain(M));
    j = job(0, bg_tcsetattr);
    wait_print("background tcsetattr", j, WUNTRACED);
    kill(j, SIGKILL);
    xwait(j, 0);
    j = job(0, bg_tcsetpgrp);
    wait_print("background tcsetpgrp", j, WUNTRACED);
    kill(j, SIGKILL);
    xwait(j, 0);
    j = job(0, bg_tcsetpgrp_ign);
    wait_print("background tcsetpgrp, SIGTTOU ignored", j, 0);
    pid_t pg = -1;
    ioctl(S, TIOCGPGRP, &pg);
    say("its group took the foreground: %s", yesno(pg == j));
    shell_fg();
    tmod(S, 'l', TOSTOP, 0);
    j = job(0, bg_write);
    wait_print("background write with TOSTOP", j, WUNTRACED);
    kill(j, SIGKILL);
    xwait(j, 0);
    j = job(0, bg_write_ign);
    wait_print("background write with TOSTOP, SIGTTOU ignored", j, 0);
    say("master reads: %s", drain(M));
    /* an orphaned background group: its parent (in the session, another group) exits */
    chan_open(&orphan_go);
    chan_open(&orphan_rep);
    pid_t mid = xfork();
    if (mid == 0) {
        setpgid(0, 0);
        dispose(SIGTTOU, SIG_DFL);
        pid_t o = xfork();
        if (o == 0) {
            setpgid(0, 0);
            orphan_job();
            _exit(0);
        }
        _exit(0);
    }
    xwait(mid, 0);
    close(orphan_go.r);
    close(orphan_rep.w);
    chan_send(&orphan_go, 1);
    print_report(&orphan_rep);
    close(orphan_go.w);
    close(orphan_rep.r);
    say("master reads: %s", drain(M));
}

static void test_pty_background(void) { in_session(test_pty_background_body); }

static void test_pty_tcsetpgrp_body(void)
{
    pid_t pg = -1;
    say("tcgetpgrp == getpgrp: %s", yesno(tcgetpgrp(S) == getpgrp()));
    say("TIOCGSID == getsid: %s", yesno(ioctl(S, TIOCGSID, &pg) == 0 && pg == getsid(0)));
    pg = -1;
    say("TIOCGSID via the master == getsid: %s", yesno(ioctl(M, TIOCGSID, &pg) == 0 && pg == getsid(0)));
    say("tcsetpgrp(-1): %s", res(tcsetpgrp(S, -1)));
    pid_t dead = xfork();
    if (dead == 0) _exit(0);
    xwait(dead, 0);
    say("tcsetpgrp(no such group): %s", res(tcsetpgrp(S, dead)));
    say("tcsetpgrp(group of another session): %s", res(tcsetpgrp(S, getpgid(getppid()))));
    struct chan hold;
    chan_open(&hold);
    pid_t member = xfork();
    if (member == 0) {
        chan_recv(&hold);
        _exit(0);
    }
    say("tcsetpgrp(pid of a non-leader in the session): %s", res(tcsetpgrp(S, member)));
    say("tcgetpgrp is that pid: %s", yesno(tcgetpgrp(S) == member));
    shell_fg();
    chan_send(&hold, 1);
    xwait(member, 0);
    int s2, m2 = open_pty(&s2, 0);
    say("second pty: not our controlling tty, tcgetpgrp: %s", res(tcgetpgrp(s2)));
    say("second pty: tcsetpgrp: %s", res(tcsetpgrp(s2, getpgrp())));
    say("second pty: TIOCGSID: %s", res(ioctl(s2, TIOCGSID, &pg)));
    say("second pty: TIOCSCTTY while having one: %s", res(ioctl(s2, TIOCSCTTY, 0)));
    say("own tty: TIOCSCTTY again: %s", res(ioctl(S, TIOCSCTTY, 0)));
    say("second pty: TIOCNOTTY: %s", res(ioctl(s2, TIOCNOTTY)));
    int t = open("/dev/tty", O_RDWR);
    struct stat st;
    say("open /dev/tty: %s", res(t));
    if (t >= 0) {
        CHECK(fstat(t, &st) == 0);
        say("/dev/tty: major=%u minor=%u isatty=%d O_NONBLOCK=%d", major(st.st_rdev), minor(st.st_rdev), isatty(t),
            (fcntl(t, F_GETFL) & O_NONBLOCK) != 0);
        say("/dev/tty tcgetpgrp == getpgrp: %s", yesno(tcgetpgrp(t) == getpgrp()));
        close(t);
    }
    struct chan ch;
    chan_open(&ch);
    pid_t c = xfork();
    if (c == 0) {
        say("  child: TIOCSCTTY (not a leader): %s", res(ioctl(s2, TIOCSCTTY, 0)));
        say("  child: tcgetpgrp inherited controlling tty: %s", yesno(tcgetpgrp(S) == getpgid(getppid())));
        CHECK(setsid() > 0);
        say("  child after setsid: tcgetpgrp: %s", res(tcgetpgrp(S)));
        say("  child: open /dev/tty: %s", res(open("/dev/tty", O_RDWR)));
        say("  child: TIOCSCTTY on a tty of another session: %s", res(ioctl(S, TIOCSCTTY, 0)));
        say("  child: TIOCSCTTY on a free tty: %s", res(ioctl(s2, TIOCSCTTY, 0)));
        pid_t p = -1;
        say("  child: its TIOCGSID is its session: %s", yesno(ioctl(s2, TIOCGSID, &p) == 0 && p == getpid()));
        dispose(SIGHUP, SIG_IGN); /* TIOCNOTTY sends SIGHUP and SIGCONT to the foreground group: ours */
        say("  child: TIOCNOTTY: %s", res(ioctl(s2, TIOCNOTTY)));
        say("  child: tcgetpgrp after TIOCNOTTY: %s", res(tcgetpgrp(s2)));
        say("  child: TIOCSCTTY 1 steals the other session's tty (root): %s", res(ioctl(S, TIOCSCTTY, 1)));
        say("  child: tcgetpgrp of the stolen tty is ours: %s", yesno(tcgetpgrp(S) == getpgrp()));
        _exit(0);
    }
    wait_clean("child", c);
    say("after the steal: tcgetpgrp: %s", res(tcgetpgrp(S)));
    close(s2);
    close(m2);
}

static void test_pty_tcsetpgrp(void) { in_session(test_pty_tcsetpgrp_body); }

/* ---- session leader exit and orphaned groups ------------------------------------------- */

static struct chan rep_fg, rep_bg, bg_go;
static pid_t leader; /* the process whose exit the jobs wait for before reporting */

/* what the job saw; `first` (which handler ran first) only where both signals were queued
 * while it was stopped, so that their order does not depend on scheduling */
static void report2(struct chan *c, const char *who, int first)
{
    char b[200];
    while (leader && getppid() == leader) sched_yield();
    pid_t pg = -1;
    int r = S > 0 ? ioctl(S, TIOCGPGRP, &pg) : 0;
    int e = errno;
    snprintf(b, sizeof b, "%s: SIGHUP=%d SIGCONT=%d%s%s%s%s", who, got[SIGHUP], got[SIGCONT], first ? " first=" : "",
             first ? (norder ? sname(order[0]) : "none") : "", S > 0 ? ", then tcgetpgrp: " : "", S > 0 ? rstr(r, e) : "");
    CHECK(write(c->w, b, strlen(b)) > 0);
}

static void report(struct chan *c, const char *who) { report2(c, who, 0); }

static void hup_cont(void)
{
    handle(SIGHUP, 0);
    handle(SIGCONT, 0);
}

static void fg_job_hup(void)
{
    close(rep_fg.r);
    while (!got[SIGHUP]) pause();
    report(&rep_fg, "foreground job");
}

/* TIOCNOTTY: report once the leader says its ioctl returned */
static void fg_job_notty(void)
{
    close(rep_fg.r);
    chan_recv(&bg_go);
    report(&rep_fg, "foreground job");
}

static void bg_job_stopped(void)
{
    close(rep_bg.r);
    raise(SIGSTOP);
    while (!got[SIGCONT]) pause();
    report2(&rep_bg, "stopped background job", 1);
}

static void bg_job_running(void)
{
    close(rep_bg.r);
    chan_recv(&bg_go);
    report(&rep_bg, "running background job");
}

/* read one report with a 5 s bound, so a lost signal shows instead of hanging */
static void print_report(struct chan *c)
{
    char b[256];
    ssize_t n = 0;
    struct pollfd pf = { c->r, POLLIN, 0 };
    if (poll(&pf, 1, 5000) > 0) n = read(c->r, b, sizeof b - 1);
    b[n > 0 ? n : 0] = 0;
    say("%s", n > 0 ? b : "no report");
}

static void test_pty_leader_exit(void)
{
    chan_open(&rep_fg);
    chan_open(&rep_bg);
    chan_open(&bg_go);
    pid_t p = xfork();
    if (p == 0) {
        session();
        leader = getpid();
        pid_t f = job2(1, hup_cont, fg_job_hup);
        pid_t b = job2(0, hup_cont, bg_job_stopped);
        pid_t r = job2(0, hup_cont, bg_job_running);
        xwait(b, WUNTRACED);
        (void)f;
        (void)r;
        _exit(0); /* the session leader exits: its controlling terminal's foreground group gets SIGHUP */
    }
    close(rep_fg.w);
    close(rep_bg.w);
    close(bg_go.r);
    wait_clean("session leader", p);
    print_report(&rep_fg);
    print_report(&rep_bg);
    chan_send(&bg_go, 1);
    print_report(&rep_bg);
    close(rep_fg.r);
    close(rep_bg.r);
    close(bg_go.w);
}

static void test_pty_notty(void)
{
    chan_open(&rep_fg);
    chan_open(&bg_go);
    pid_t p = xfork();
    if (p == 0) {
        session();
        pid_t f = job2(1, hup_cont, fg_job_notty);
        close(rep_fg.w);
        close(bg_go.r);
        wait_state(f, 'S');
        int r = ioctl(S, TIOCNOTTY);
        say("TIOCNOTTY by the session leader: %s", res(r));
        chan_send(&bg_go, 1);
        print_report(&rep_fg);
        say("then tcgetpgrp: %s", res(tcgetpgrp(S)));
        xwait(f, 0);
        r = ioctl(S, TIOCSCTTY, 0);
        say("TIOCSCTTY again: %s", res(r));
        say("tcgetpgrp == getpgrp: %s", yesno(tcgetpgrp(S) == getpgrp()));
        _exit(0);
    }
    close(rep_fg.w);
    close(bg_go.r);
    close(bg_go.w);
    wait_clean("session", p);
    close(rep_fg.r);
}

static void test_pty_orphaned_pgrp(void)
{
    chan_open(&rep_bg);
    chan_open(&rep_fg);
    chan_open(&bg_go);
    pid_t p = xfork();
    if (p == 0) {
        CHECK(setsid() > 0);
        leader = getpid();
        pid_t stopped = xfork();
        if (stopped == 0) {
            setpgid(0, 0);
            hup_cont();
            bg_job_stopped();
            _exit(0);
        }
        pid_t running = xfork();
        if (running == 0) {
            setpgid(0, 0);
            close(rep_fg.r);
            hup_cont();
            chan_recv(&bg_go);
            report(&rep_fg, "running group");
            _exit(0);
        }
        setpgid(stopped, stopped);
        setpgid(running, running);
        xwait(stopped, WUNTRACED);
        _exit(0); /* both groups are orphaned now; only the one with a stopped member is signalled */
    }
    close(rep_bg.w);
    close(rep_fg.w);
    close(bg_go.r);
    wait_clean("parent", p);
    print_report(&rep_bg);
    chan_send(&bg_go, 1);
    print_report(&rep_fg);
    close(rep_bg.r);
    close(rep_fg.r);
    close(bg_go.w);
}

static void test_pty_sigwinch_body(void)
{
    handle(SIGWINCH, 0);
    struct winsize ws = { 24, 80, 0, 0 }, rd;
    int r = ioctl(M, TIOCSWINSZ, &ws);
    say("TIOCSWINSZ on the master: %s SIGWINCH=%d", res(r), got[SIGWINCH]);
    r = ioctl(M, TIOCSWINSZ, &ws);
    say("same size again: %s SIGWINCH=%d", res(r), got[SIGWINCH]);
    ws.ws_row = 30;
    ws.ws_col = 100;
    r = ioctl(S, TIOCSWINSZ, &ws);
    say("TIOCSWINSZ on the slave: %s SIGWINCH=%d", res(r), got[SIGWINCH]);
    ioctl(M, TIOCGWINSZ, &rd);
    say("master sees %ux%u", rd.ws_row, rd.ws_col);
    ioctl(S, TIOCGWINSZ, &rd);
    say("slave sees %ux%u", rd.ws_row, rd.ws_col);
    ws.ws_xpixel = 640;
    r = ioctl(M, TIOCSWINSZ, &ws);
    say("pixels only: %s SIGWINCH=%d", res(r), got[SIGWINCH]);
    pid_t j = job(1, (void (*)(void))pause);
    CHECK(j > 0);
    wait_state(j, 'S');
    ws.ws_row = 10;
    r = ioctl(M, TIOCSWINSZ, &ws);
    say("with a foreground job (SIGWINCH default: ignored): %s SIGWINCH here=%d", res(r), got[SIGWINCH]);
    kill(j, SIGKILL);
    xwait(j, 0);
    shell_fg();
    say("TIOCSWINSZ bad pointer: %s", res(ioctl(M, TIOCSWINSZ, (void *)8)));
}

static void test_pty_sigwinch(void) { in_session(test_pty_sigwinch_body); }

/* /proc/PID/stat fields 5-8 of the caller: pgrp, session, tty_nr, tpgid */
static void stat_tty(long f[4])
{
    char buf[512];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    CHECK(n > 0);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    CHECK(p && sscanf(p + 2, "%*c %*d %ld %ld %ld %ld", &f[0], &f[1], &f[2], &f[3]) == 4);
}

/* what /proc/self/stat says about the caller's terminal, against what the tty calls say */
static void say_stat(const char *who)
{
    long f[4];
    stat_tty(f);
    struct stat st;
    CHECK(fstat(S, &st) == 0);
    unsigned maj = major(st.st_rdev), min = minor(st.st_rdev);
    long enc = (long)((min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12));
    if (f[2] == 0) {
        say("%s: tty_nr=0 tpgid=%ld pgrp==getpgrp: %s session==getsid: %s", who, f[3],
            f[0] == getpgrp() ? "yes" : "no", f[1] == getsid(0) ? "yes" : "no");
        return;
    }
    pid_t fg = tcgetpgrp(S);
    say("%s: tty_nr is the slave's device: %s (major %ld) tpgid==tcgetpgrp: %s tpgid==own pgrp: %s"
        " pgrp==getpgrp: %s session==getsid: %s", who, f[2] == enc ? "yes" : "no", (f[2] >> 8) & 0xfff,
        f[3] == fg ? "yes" : "no", f[3] == getpgrp() ? "yes" : "no", f[0] == getpgrp() ? "yes" : "no",
        f[1] == getsid(0) ? "yes" : "no");
}

static void stat_fg_job(void) { say_stat("foreground job"); }
static void stat_bg_job(void) { say_stat("background job"); }

static void test_pty_proc_stat_body(void)
{
    say_stat("session leader");
    pid_t j = job(1, stat_fg_job);
    xwait(j, 0);
    shell_fg();
    j = job(0, stat_bg_job);
    xwait(j, 0);
    pid_t c = xfork();
    if (c == 0) {
        CHECK(setsid() > 0);
        say_stat("new session");
        _exit(0);
    }
    xwait(c, 0);
    /* TIOCNOTTY by the leader (its own group, in the foreground, gets SIGHUP: ignored here):
     * the terminal is gone from its stat line */
    dispose(SIGHUP, SIG_IGN);
    say("TIOCNOTTY: %s", res(ioctl(S, TIOCNOTTY)));
    say_stat("after TIOCNOTTY");
}

static void test_pty_proc_stat(void) { in_session(test_pty_proc_stat_body); }

static void test_pty_not_tty(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    struct termios t;
    struct winsize ws;
    pid_t pg;
    say("pipe: TCGETS: %s", res(ioctl(p[0], TCGETS, &t)));
    say("pipe: tcgetattr: %s", res(tcgetattr(p[0], &t)));
    say("pipe: TIOCGPGRP: %s", res(ioctl(p[0], TIOCGPGRP, &pg)));
    say("pipe: tcgetpgrp: %s", res(tcgetpgrp(p[1])));
    say("pipe: TIOCSPGRP: %s", res(ioctl(p[1], TIOCSPGRP, &pg)));
    say("pipe: TIOCGWINSZ: %s", res(ioctl(p[0], TIOCGWINSZ, &ws)));
    say("pipe: TIOCSCTTY: %s", res(ioctl(p[0], TIOCSCTTY, 0)));
    errno = 0;
    int tty = isatty(p[0]);
    say("pipe: isatty: %d %s", tty, ename(errno));
    int n = open("/dev/null", O_RDWR);
    CHECK(n >= 0);
    say("/dev/null: TCGETS: %s", res(ioctl(n, TCGETS, &t)));
    say("/dev/null: TIOCGPGRP: %s", res(ioctl(n, TIOCGPGRP, &pg)));
    int f = open(tmp_path("file"), O_RDWR | O_CREAT, 0600);
    CHECK(f >= 0);
    say("regular file: TCGETS: %s", res(ioctl(f, TCGETS, &t)));
    say("regular file: TIOCGWINSZ: %s", res(ioctl(f, TIOCGWINSZ, &ws)));
    say("bad fd: TCGETS: %s", res(ioctl(99, TCGETS, &t)));
    pid_t c = xfork();
    if (c == 0) {
        CHECK(setsid() > 0);
        say("  no controlling tty: open /dev/tty: %s", res(open("/dev/tty", O_RDWR)));
        _exit(0);
    }
    wait_clean("child", c);
    close(p[0]);
    close(p[1]);
    close(n);
    close(f);
}

const struct conform_test ptyjob_tests[] = {
    T(pty_isig, "^C ^\\ with and without handlers, SA_RESTART, NOFLSH, -ISIG, TIOCSIG; the echo bytes"),
    T(pty_stop_cont, "^Z stops the foreground job; bg gets SIGTTIN on read; fg and continue"),
    T(pty_background, "background jobs: SIGTTIN (stop, ignored, blocked, handler), TOSTOP/SIGTTOU, tcsetattr/tcsetpgrp, orphaned EIO"),
    T(pty_tcsetpgrp, "tcsetpgrp/TIOCSCTTY/TIOCNOTTY/TIOCGSID rules: ENOTTY, EPERM, ESRCH, EINVAL; /dev/tty; stealing"),
    T(pty_leader_exit, "session leader exit: foreground group gets SIGHUP, a stopped orphaned group SIGHUP+SIGCONT"),
    T(pty_notty, "TIOCNOTTY by the session leader: SIGHUP and SIGCONT to the foreground group, the tty is freed"),
    T(pty_orphaned_pgrp, "a process group orphaned with a stopped member gets SIGHUP then SIGCONT; a running one nothing"),
    T(pty_sigwinch, "TIOCSWINSZ: SIGWINCH to the foreground group only on a change; both sides see the size"),
    T(pty_not_tty, "terminal ioctls on a pipe, /dev/null, a file: ENOTTY; /dev/tty without a controlling tty: ENXIO"),
    T(pty_proc_stat, "/proc/self/stat tty_nr and tpgid: session leader, foreground and background jobs, a new session, after TIOCNOTTY"),
    { 0 }
};
