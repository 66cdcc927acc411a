/* signals.c - default actions, kill/tkill/tgkill, thread-directed and
 * process-directed delivery, what fork passes on. */
#include "conform.h"

static pid_t blocked_child(struct chan *ch, int core0)
{
    chan_open(ch);
    if (core0) { /* set before fork: a signal may arrive before the child runs */
        struct rlimit rl = { 0, 0 };
        CHECK(setrlimit(RLIMIT_CORE, &rl) == 0);
    }
    pid_t c = xfork();
    if (c == 0) {
        close(ch->w);
        chan_recv(ch);
        _exit(0);
    }
    return c;
}

static void test_sig_default_terminate(void)
{
    static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR2, SIGALRM, SIGPROF };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct chan ch;
        pid_t c = blocked_child(&ch, 1);
        kill(c, sigs[i]);
        wait_print(sname(sigs[i]), c, 0);
        chan_close(&ch);
    }
}

static void test_sig_default_core(void)
{
    static const int sigs[] = { SIGQUIT, SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGXCPU };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct chan ch;
        pid_t c = blocked_child(&ch, 1);
        kill(c, sigs[i]);
        siginfo_t si;
        memset(&si, 0, sizeof si);
        sys_waitid(P_PID, c, &si, WEXITED | WNOWAIT, NULL);
        int st = xwait(c, 0);
        say("%s with RLIMIT_CORE=0: %s %s", sname(sigs[i]), wstr(st), cldstr(si.si_code));
        chan_close(&ch);
    }
}

static void test_sig_default_ignore(void)
{
    struct chan ch;
    pid_t c = blocked_child(&ch, 1);
    static const int sigs[] = { SIGCHLD, SIGURG, SIGWINCH, SIGCONT };
    int st;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        say("kill(%s): %s", sname(sigs[i]), res(kill(c, sigs[i])));
        say("  child still running: %s", yesno(waitpid(c, &st, WNOHANG | WUNTRACED) == 0));
    }
    chan_send(&ch, 1);
    wait_print("after release", c, 0);
    chan_close(&ch);
}

static void test_sig_stop_cont(void)
{
    struct chan ch;
    pid_t c = blocked_child(&ch, 1);
    static const int stops[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        kill(c, stops[i]);
        wait_print(sname(stops[i]), c, WUNTRACED);
        kill(c, SIGCONT);
        wait_print("  SIGCONT", c, WCONTINUED);
    }
    kill(c, SIGSTOP);
    wait_print("SIGSTOP", c, WUNTRACED);
    kill(c, SIGTERM);
    int st;
    say("SIGTERM to a stopped child: still stopped (no report): %s", yesno(waitpid(c, &st, WNOHANG) == 0));
    kill(c, SIGCONT);
    wait_print("SIGCONT delivers the pending SIGTERM", c, 0);
    chan_close(&ch);
    c = blocked_child(&ch, 1);
    kill(c, SIGSTOP);
    wait_print("SIGSTOP", c, WUNTRACED);
    kill(c, SIGKILL);
    wait_print("SIGKILL to a stopped child", c, 0);
    chan_close(&ch);
}

static volatile int h_count, h_signo, h_code;
static volatile pid_t h_tid, h_pid;
static void on_sig(int s, siginfo_t *si, void *uc)
{
    h_signo = s;
    h_code = si->si_code;
    h_pid = si->si_pid;
    h_tid = sys_gettid();
    __atomic_fetch_add(&h_count, 1, __ATOMIC_SEQ_CST); /* last: others poll it */
}

static void install(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static const char *code_str(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_KERNEL: return "SI_KERNEL";
    }
    static char b[32];
    snprintf(b, sizeof b, "si_code=%d", code);
    return b;
}

static void test_sig_kill_tkill_tgkill(void)
{
    install(SIGUSR1);
    h_count = 0;
    const char *kr = res(kill(getpid(), SIGUSR1));
    say("kill(self, SIGUSR1): %s handler ran: %d si_code=%s si_pid==self: %s", kr, h_count, code_str(h_code),
        yesno(h_pid == getpid()));
    h_count = 0;
    long r = sys_tgkill(getpid(), sys_gettid(), SIGUSR1);
    say("tgkill(self, self, SIGUSR1): %s handler ran: %d si_code=%s", res(r), h_count, code_str(h_code));
    h_count = 0;
    r = sys_tkill(sys_gettid(), SIGUSR1);
    say("tkill(self, SIGUSR1): %s handler ran: %d si_code=%s", res(r), h_count, code_str(h_code));
    signal(SIGUSR1, SIG_DFL);

    struct chan ch;
    pid_t c = blocked_child(&ch, 1);
    say("kill(child, 0): %s", res(kill(c, 0)));
    say("kill(child, 65): %s", res(kill(c, 65)));
    say("tgkill(child, child, 0): %s", res(sys_tgkill(c, c, 0)));
    say("tgkill(self, child, 0) (wrong tgid): %s", res(sys_tgkill(getpid(), c, 0)));
    say("tgkill(0, child, 0): %s", res(sys_tgkill(0, c, 0)));
    say("tgkill(child, 0, 0): %s", res(sys_tgkill(c, 0, 0)));
    say("tkill(0, 0): %s", res(sys_tkill(0, 0)));
    say("tgkill(child, child, SIGTERM): %s", res(sys_tgkill(c, c, SIGTERM)));
    siginfo_t si;
    sys_waitid(P_PID, c, &si, WEXITED | WNOWAIT, NULL);
    say("kill(zombie, SIGTERM): %s", res(kill(c, SIGTERM)));
    wait_print("child", c, 0);
    say("kill(reaped, 0): %s", res(kill(c, 0)));
    chan_close(&ch);
    c = blocked_child(&ch, 1);
    say("tkill(child, SIGKILL): %s", res(sys_tkill(c, SIGKILL)));
    wait_print("child", c, 0);
    chan_close(&ch);
    say("kill(-1 pgrp of nobody: pid -999999, 0): %s", res(kill(-999999, 0)));
}

static volatile int th_ready, th_stop;
static int sig_thread(void *a)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    th_ready = 1;
    futex_wake(&th_ready, 1);
    while (!th_stop) futex_wait(&th_stop, 0);
    return 0;
}

static void test_sig_thread_directed(void)
{
    install(SIGUSR1);
    install(SIGUSR2);
    static volatile int ctid;
    th_ready = th_stop = 0;
    pid_t tid = spawn_thread(sig_thread, NULL, &ctid);
    while (!th_ready) futex_wait(&th_ready, 0);

    h_count = 0;
    h_tid = 0;
    sys_tgkill(getpid(), tid, SIGUSR1);
    while (h_count == 0) sched_yield();
    say("tgkill(tgid, thread, SIGUSR1): handler ran in that thread: %s", yesno(h_tid == tid));

    /* process-directed, blocked in the main thread: goes to the other */
    sigset_t m, old;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, &old);
    h_count = 0;
    h_tid = 0;
    kill(getpid(), SIGUSR2);
    while (h_count == 0) sched_yield();
    say("kill(self, SIGUSR2) blocked in main thread: handled by the other thread: %s", yesno(h_tid == tid));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* thread-directed at main while main blocks it: stays pending for main */
    sigprocmask(SIG_BLOCK, &m, &old);
    h_count = 0;
    sys_tgkill(getpid(), getpid(), SIGUSR2);
    sigset_t pend;
    sigpending(&pend);
    say("tgkill(main) while main blocks it: pending in main: %s, handled: %d", yesno(sigismember(&pend, SIGUSR2)),
        h_count);
    h_tid = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    say("after unblocking: handled by main: %s", yesno(h_count == 1 && h_tid == getpid()));

    th_stop = 1;
    futex_wake(&th_stop, 1);
    wait_cleared(&ctid);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

static int idle_thread(void *a)
{
    struct chan *ch = a;
    chan_send(ch, sys_gettid());
    for (;;) pause();
    return 0;
}

static void test_sig_thread_group_kill(void)
{
    static const int sigs[] = { SIGKILL, SIGTERM };
    for (int i = 0; i < 2; i++) {
        struct chan ch;
        chan_open(&ch);
        pid_t c = xfork();
        if (c == 0) {
            static volatile int ctid;
            spawn_thread(idle_thread, &ch, &ctid);
            for (;;) pause();
        }
        pid_t tid = (pid_t)chan_recv(&ch);
        say("tgkill(child, its second thread, %s): %s", sname(sigs[i]), res(sys_tgkill(c, tid, sigs[i])));
        wait_print("  whole process", c, 0);
        chan_close(&ch);
    }
}

static void test_sig_fork_inherit(void)
{
    install(SIGUSR1);
    signal(SIGUSR2, SIG_IGN);
    sigset_t m, old;
    sigemptyset(&m);
    sigaddset(&m, SIGINT);
    sigaddset(&m, SIGHUP);
    sigprocmask(SIG_BLOCK, &m, &old);
    raise(SIGHUP); /* pending in the parent */
    pid_t c = xfork();
    if (c == 0) {
        sigset_t cm, cp;
        sigprocmask(SIG_BLOCK, NULL, &cm);
        sigpending(&cp);
        say("  child: SIGUSR1 %s, SIGUSR2 %s", disp(SIGUSR1), disp(SIGUSR2));
        say("  child: SIGINT blocked: %s, SIGHUP blocked: %s", yesno(sigismember(&cm, SIGINT)),
            yesno(sigismember(&cm, SIGHUP)));
        say("  child: parent's pending SIGHUP pending here: %s", yesno(sigismember(&cp, SIGHUP)));
        _exit(0);
    }
    wait_print("child", c, 0);
    sigset_t pp;
    sigpending(&pp);
    say("parent: SIGHUP still pending: %s", yesno(sigismember(&pp, SIGHUP)));
    signal(SIGHUP, SIG_IGN); /* discard it */
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

static volatile int cont_handled;
static void on_cont(int s) { cont_handled++; }

static void test_sig_cont_handler(void)
{
    struct chan ch, rep;
    chan_open(&ch);
    chan_open(&rep);
    pid_t c = xfork();
    if (c == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_cont;
        sigaction(SIGCONT, &sa, NULL);
        chan_send(&rep, 0);
        while (chan_recv(&ch) == 0) {}
        chan_send(&rep, cont_handled);
        _exit(0);
    }
    chan_recv(&rep);
    kill(c, SIGSTOP);
    wait_print("SIGSTOP", c, WUNTRACED);
    kill(c, SIGCONT);
    wait_print("SIGCONT", c, WCONTINUED);
    chan_send(&ch, 1);
    say("child's SIGCONT handler ran: %ld", chan_recv(&rep));
    wait_print("child", c, 0);
    chan_close(&ch);
    chan_close(&rep);
}

static void test_sig_sigchld_info_killed(void)
{
    install(SIGCHLD);
    h_count = 0;
    struct chan ch;
    pid_t c = blocked_child(&ch, 1);
    kill(c, SIGKILL);
    wait_print("child", c, 0);
    say("SIGCHLD handler ran: %d si_code=%s", h_count, cldstr(h_code));
    chan_close(&ch);
    c = blocked_child(&ch, 1);
    h_count = 0;
    kill(c, SIGSTOP);
    wait_print("child", c, WUNTRACED);
    say("SIGCHLD handler ran: %d si_code=%s", h_count, cldstr(h_code));
    kill(c, SIGKILL);
    wait_print("child", c, 0);
    signal(SIGCHLD, SIG_DFL);
    chan_close(&ch);
}

const struct conform_test signals_tests[] = {
    T(sig_default_terminate, "default action terminate: SIGTERM, SIGINT, SIGHUP, SIGPIPE, ..."),
    T(sig_default_core, "default action core with RLIMIT_CORE=0: killed, WCOREDUMP=0, CLD_KILLED"),
    T(sig_default_ignore, "default action ignore: SIGCHLD, SIGURG, SIGWINCH, SIGCONT leave the child running"),
    T(sig_stop_cont, "stop signals and SIGCONT; signals to a stopped child"),
    T(sig_kill_tkill_tgkill, "kill/tkill/tgkill: si_code, errors, zombies"),
    T(sig_thread_directed, "tgkill targets one thread; a process signal goes to a thread not blocking it"),
    T(sig_thread_group_kill, "a fatal signal sent to one thread kills the whole thread group"),
    T(sig_fork_inherit, "fork keeps handlers, ignores and the mask; pending signals are not inherited"),
    T(sig_cont_handler, "SIGCONT resumes a stopped child and runs its handler"),
    T(sig_sigchld_info_killed, "SIGCHLD siginfo for killed and stopped children"),
    { 0 }
};
