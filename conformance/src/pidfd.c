/* pidfd.c - process file descriptors: CLONE_PIDFD, pidfd_open,
 * pidfd_send_signal, poll, waitid(P_PIDFD). */
#include "conform.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static const char *num(long v)
{
    static char b[8][24];
    static int i;
    char *s = b[i++ & 7];
    snprintf(s, 24, "%ld", v);
    return s;
}

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

static const char *pollstr(int fd, int timeout)
{
    static char b[2][64];
    static int i;
    char *s = b[i++ & 1];
    struct pollfd pf = { fd, POLLIN, 0 };
    int n = poll(&pf, 1, timeout);
    snprintf(s, 64, "poll=%d POLLIN=%d POLLHUP=%d", n, (pf.revents & POLLIN) ? 1 : 0, (pf.revents & POLLHUP) ? 1 : 0);
    return s;
}

static void test_pidfd_clone_cloexec(void)
{
    int pidfd = -1;
    struct chan ch;
    chan_open(&ch);
    long c = raw_clone(CLONE_PIDFD | SIGCHLD, NULL, &pidfd, NULL, 0);
    if (c == 0) {
        chan_recv(&ch);
        _exit(0);
    }
    say("clone(CLONE_PIDFD|SIGCHLD): %s", res(c));
    CHECK(c > 0);
    say("pidfd written to parent_tid: %s", yesno(pidfd >= 0 && fcntl(pidfd, F_GETFD) >= 0));
    say("pidfd has FD_CLOEXEC: %s", yesno((fcntl(pidfd, F_GETFD) & FD_CLOEXEC) != 0));
    int fl = fcntl(pidfd, F_GETFL);
    say("pidfd O_RDWR: %s O_NONBLOCK: %s", yesno((fl & O_ACCMODE) == O_RDWR), yesno(fl & O_NONBLOCK));
    pid_t e = xfork();
    if (e == 0) {
        char *args[] = { "pidfd", (char *)num(pidfd), NULL };
        exec_helper("fds", args, NULL);
        _exit(127);
    }
    wait_print("exec'd child", e, 0);
    chan_send(&ch, 1);
    wait_print("child", (pid_t)c, 0);
    close(pidfd);
    chan_close(&ch);
}

static void test_pidfd_poll_exit(void)
{
    struct chan ch;
    pid_t c = blocked_child(&ch, 3);
    int fd = (int)sys_pidfd_open(c, 0);
    CHECK(fd >= 0);
    say("running: %s", pollstr(fd, 0));
    chan_send(&ch, 1);
    say("after exit (blocking poll): %s", pollstr(fd, -1));
    siginfo_t si;
    sys_waitid(P_PID, c, &si, WEXITED | WNOWAIT, NULL);
    say("zombie: %s", pollstr(fd, 0));
    xwait(c, 0);
    say("reaped: %s", pollstr(fd, 0));
    close(fd);
    chan_close(&ch);
}

static volatile int thr_go;
static int thr_wait(void *a)
{
    while (!thr_go) futex_wait(&thr_go, 0);
    return 0;
}

static void test_pidfd_open_states(void)
{
    struct chan ch;
    pid_t c = blocked_child(&ch, 0);
    long fd = sys_pidfd_open(c, 0);
    say("pidfd_open(running child): %s", res(fd));
    long fd2 = sys_pidfd_open(c, PIDFD_NONBLOCK);
    say("pidfd_open(running child, PIDFD_NONBLOCK): %s O_NONBLOCK set: %s", res(fd2),
        yesno(fd2 >= 0 && (fcntl((int)fd2, F_GETFL) & O_NONBLOCK)));
    say("pidfd_open(child, flags=1): %s", res(sys_pidfd_open(c, 1)));
    chan_send(&ch, 1);
    siginfo_t si;
    sys_waitid(P_PID, c, &si, WEXITED | WNOWAIT, NULL);
    long fd3 = sys_pidfd_open(c, 0);
    say("pidfd_open(zombie child): %s", res(fd3));
    xwait(c, 0);
    say("pidfd_open(reaped child): %s", res(sys_pidfd_open(c, 0)));
    say("pidfd_open(0): %s", res(sys_pidfd_open(0, 0)));
    say("pidfd_open(-1): %s", res(sys_pidfd_open(-1, 0)));
    long self = sys_pidfd_open(getpid(), 0);
    say("pidfd_open(self): %s", res(self));
    static volatile int ctid;
    thr_go = 0;
    pid_t tid = spawn_thread(thr_wait, NULL, &ctid);
    say("pidfd_open(thread tid): %s", res(sys_pidfd_open(tid, 0)));
    long tfd = sys_pidfd_open(tid, PIDFD_THREAD);
    say("pidfd_open(thread tid, PIDFD_THREAD): %s", res(tfd));
    thr_go = 1;
    futex_wake(&thr_go, 1);
    wait_cleared(&ctid);
    if (fd >= 0) close((int)fd);
    if (fd2 >= 0) close((int)fd2);
    if (fd3 >= 0) close((int)fd3);
    if (self >= 0) close((int)self);
    if (tfd >= 0) close((int)tfd);
    chan_close(&ch);
}

static void test_pidfd_send_signal(void)
{
    struct chan ch;
    pid_t c = blocked_child(&ch, 0);
    int fd = (int)sys_pidfd_open(c, 0);
    CHECK(fd >= 0);
    say("pidfd_send_signal(sig 0): %s", res(sys_pidfd_send_signal(fd, 0, NULL, 0)));
    say("pidfd_send_signal(flags 0x100): %s", res(sys_pidfd_send_signal(fd, SIGTERM, NULL, 0x100)));
    say("pidfd_send_signal(sig 65): %s", res(sys_pidfd_send_signal(fd, 65, NULL, 0)));
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR1;
    info.si_code = SI_QUEUE;
    say("pidfd_send_signal(SIGTERM, info with si_signo SIGUSR1): %s", res(sys_pidfd_send_signal(fd, SIGTERM, &info, 0)));
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    say("pidfd_send_signal(/dev/null fd): %s", res(sys_pidfd_send_signal(devnull, SIGTERM, NULL, 0)));
    say("pidfd_send_signal(-1): %s", res(sys_pidfd_send_signal(-1, SIGTERM, NULL, 0)));
    close(devnull);
    say("pidfd_send_signal(SIGTERM): %s", res(sys_pidfd_send_signal(fd, SIGTERM, NULL, 0)));
    siginfo_t si;
    sys_waitid(P_PID, c, &si, WEXITED | WNOWAIT, NULL);
    say("pidfd_send_signal(zombie, sig 0): %s", res(sys_pidfd_send_signal(fd, 0, NULL, 0)));
    wait_print("child", c, 0);
    say("pidfd_send_signal(reaped, SIGTERM): %s", res(sys_pidfd_send_signal(fd, SIGTERM, NULL, 0)));
    close(fd);
    chan_close(&ch);
}

static void test_pidfd_waitid(void)
{
    struct chan ch;
    pid_t c = blocked_child(&ch, 9);
    int fd = (int)sys_pidfd_open(c, 0);
    int nfd = (int)sys_pidfd_open(c, PIDFD_NONBLOCK);
    CHECK(fd >= 0 && nfd >= 0);
    siginfo_t si;
    memset(&si, 0x55, sizeof si);
    long r = sys_waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG, NULL);
    say("waitid(P_PIDFD, WNOHANG) running: %s si_pid==0: %s", res(r), yesno(si.si_pid == 0));
    say("waitid(P_PIDFD, nonblocking pidfd) running: %s", res(sys_waitid(P_PIDFD, nfd, &si, WEXITED, NULL)));
    say("waitid(P_PIDFD, -1): %s", res(sys_waitid(P_PIDFD, -1, &si, WEXITED, NULL)));
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    say("waitid(P_PIDFD, /dev/null fd): %s", res(sys_waitid(P_PIDFD, devnull, &si, WEXITED, NULL)));
    close(devnull);
    chan_send(&ch, 1);
    memset(&si, 0, sizeof si);
    say("waitid(P_PIDFD, WEXITED): %s", res(sys_waitid(P_PIDFD, fd, &si, WEXITED, NULL)));
    say("  si_code=%s si_status=%d si_pid==child: %s", cldstr(si.si_code), si.si_status, yesno(si.si_pid == c));
    say("waitid(P_PIDFD) after reap: %s", res(sys_waitid(P_PIDFD, fd, &si, WEXITED, NULL)));
    close(fd);
    close(nfd);
    chan_close(&ch);
}

static void test_pidfd_not_child(void)
{
    struct chan ch, rel;
    chan_open(&ch);
    chan_open(&rel);
    pid_t c = xfork();
    if (c == 0) {
        pid_t g = xfork();
        if (g == 0) {
            chan_recv(&rel);
            _exit(4);
        }
        chan_send(&ch, g);
        int st = xwait(g, 0);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 99);
    }
    pid_t g = (pid_t)chan_recv(&ch);
    int fd = (int)sys_pidfd_open(g, 0);
    say("pidfd_open(grandchild): %s", res(fd));
    siginfo_t si;
    say("waitid(P_PIDFD, grandchild): %s", res(sys_waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG, NULL)));
    chan_send(&rel, 1);
    struct pollfd pf = { fd, POLLIN, 0 };
    int n = poll(&pf, 1, -1);
    say("grandchild exit seen by poll: poll=%d POLLIN=%d", n, (pf.revents & POLLIN) ? 1 : 0);
    wait_print("child (exit status of grandchild)", c, 0);
    close(fd);
    chan_close(&ch);
    chan_close(&rel);
}

/* what a SA_SIGINFO handler saw, in memory shared with the parent */
struct seen { int n; int signo[8]; int code[8]; int pid[8]; int val[8]; };
static volatile struct seen *seen;

static void record(int sig, siginfo_t *si, void *uc)
{
    int i = seen->n;
    if (i < 8) {
        seen->signo[i] = sig;
        seen->code[i] = si->si_code;
        seen->pid[i] = si->si_pid;
        seen->val[i] = si->si_value.sival_int;
    }
    cnt_add(&seen->n);
}

#ifndef PIDFD_SIGNAL_THREAD
#define PIDFD_SIGNAL_THREAD (1UL << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1UL << 1)
#define PIDFD_SIGNAL_PROCESS_GROUP (1UL << 2)
#endif

static const char *codename(int c)
{
    switch (c) {
    case SI_USER: return "SI_USER";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TKILL: return "SI_TKILL";
    case SI_MESGQ: return "SI_MESGQ";
    default: { static char b[16]; snprintf(b, sizeof b, "%d", c); return b; }
    }
}

static void test_pidfd_send_siginfo(void)
{
    seen = shared_mem(4096);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = record;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    struct chan ready;
    chan_open(&ready);
    pid_t c = xfork();
    if (c == 0) {
        CHECK(setpgid(0, 0) == 0);
        chan_send(&ready, 1);
        for (;;) pause();
    }
    chan_recv(&ready);
    int fd = (int)sys_pidfd_open(c, 0);
    CHECK(fd >= 0);
    siginfo_t info;
    int want = 0;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR1;
    info.si_code = SI_QUEUE;
    info.si_pid = 4242;
    info.si_uid = 99;
    info.si_value.sival_int = 1234;
    say("SI_QUEUE to another process: %s", res(sys_pidfd_send_signal(fd, SIGUSR1, &info, 0)));
    cnt_wait(&seen->n, ++want);
    say("  the child saw %s code %s pid is the given one: %s value %d", sname(seen->signo[0]), codename(seen->code[0]),
        yesno(seen->pid[0] == 4242), seen->val[0]);
    info.si_code = SI_USER;
    say("SI_USER (a kernel code) to another process: %s", res(sys_pidfd_send_signal(fd, SIGUSR1, &info, 0)));
    info.si_code = SI_TKILL;
    say("SI_TKILL to another process: %s", res(sys_pidfd_send_signal(fd, SIGUSR1, &info, 0)));
    info.si_code = 3;
    say("positive code to another process: %s", res(sys_pidfd_send_signal(fd, SIGUSR1, &info, 0)));
    info.si_code = SI_MESGQ;
    info.si_signo = SIGUSR2;
    say("SI_MESGQ with si_signo SIGUSR2 for SIGUSR1: %s", res(sys_pidfd_send_signal(fd, SIGUSR1, &info, 0)));
    info.si_signo = SIGUSR1;
    say("bad siginfo address: %s", res(sys_pidfd_send_signal(fd, SIGUSR1, (siginfo_t *)8, 0)));
    say("PIDFD_SIGNAL_THREAD|THREAD_GROUP: %s", res(sys_pidfd_send_signal(fd, SIGUSR1, NULL, PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP)));
    say("PIDFD_SIGNAL_PROCESS_GROUP: %s", res(sys_pidfd_send_signal(fd, SIGUSR2, NULL, PIDFD_SIGNAL_PROCESS_GROUP)));
    cnt_wait(&seen->n, ++want);
    say("  the child saw %s code %s", sname(seen->signo[1]), codename(seen->code[1]));
    say("PIDFD_SIGNAL_THREAD: %s", res(sys_pidfd_send_signal(fd, SIGUSR1, NULL, PIDFD_SIGNAL_THREAD)));
    cnt_wait(&seen->n, ++want);
    say("  the child saw %s code %s", sname(seen->signo[2]), codename(seen->code[2]));
    info.si_code = SI_QUEUE;
    info.si_value.sival_int = 77;
    say("SI_QUEUE with PIDFD_SIGNAL_PROCESS_GROUP: %s", res(sys_pidfd_send_signal(fd, SIGUSR1, &info, PIDFD_SIGNAL_PROCESS_GROUP)));
    cnt_wait(&seen->n, ++want);
    say("  the child saw code %s value %d", codename(seen->code[3]), seen->val[3]);
    kill(c, SIGKILL);
    wait_print("child", c, 0);
    close(fd);

    /* a process may give itself any code */
    seen->n = 0;
    int self = (int)sys_pidfd_open(getpid(), 0);
    CHECK(self >= 0);
    info.si_signo = SIGUSR2;
    info.si_code = SI_USER;
    info.si_pid = 77;
    say("SI_USER to itself: %s", res(sys_pidfd_send_signal(self, SIGUSR2, &info, 0)));
    say("  handled: %s code %s pid is the given one: %s", yesno(seen->n == 1), codename(seen->code[0]), yesno(seen->pid[0] == 77));
    info.si_code = 3;
    say("positive code to itself: %s", res(sys_pidfd_send_signal(self, SIGUSR2, &info, 0)));
    info.si_code = SI_USER;
    say("SI_USER to its own process group: %s", res(sys_pidfd_send_signal(self, SIGUSR2, &info, PIDFD_SIGNAL_PROCESS_GROUP)));
    close(self);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
    chan_close(&ready);
}

const struct conform_test pidfd_tests[] = {
    T(pidfd_clone_cloexec, "CLONE_PIDFD: fd in parent_tid, O_RDWR, close-on-exec, gone after exec"),
    T(pidfd_poll_exit, "pidfd poll: nothing while running, POLLIN at exit, POLLHUP after reap"),
    T(pidfd_open_states, "pidfd_open: running, zombie ok; reaped ESRCH; thread tid rejected unless PIDFD_THREAD"),
    T(pidfd_send_signal, "pidfd_send_signal: signals, bad arguments, zombie and reaped targets"),
    T(pidfd_send_siginfo, "pidfd_send_signal with a siginfo (rt_sigqueueinfo's rules: EPERM for kernel codes to others) and PIDFD_SIGNAL_* scopes"),
    T(pidfd_waitid, "waitid(P_PIDFD): WNOHANG, PIDFD_NONBLOCK EAGAIN, EBADF, reap, ECHILD"),
    T(pidfd_not_child, "pidfd of a grandchild: poll works, waitid gives ECHILD"),
    { 0 }
};
