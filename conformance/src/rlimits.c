/* Resource limits enforced by the kernel: RLIMIT_CPU (SIGXCPU at the soft limit and every
 * second after it, the soft limit moving on, SIGKILL at the hard limit) and RLIMIT_SIGPENDING
 * (queued signals per real user: EAGAIN for sigqueue and real-time tgkill, lost information
 * for kill, the count given back by delivery and by exit). */
#include "conform.h"
#include <sys/resource.h>
#include <time.h>

/* ---- RLIMIT_CPU ---------------------------------------------------------- */

static volatile int xcpu_fd = -1;

static void on_xcpu(int sig)
{
    struct rlimit rl;
    getrlimit(RLIMIT_CPU, &rl);
    long v = (long)rl.rlim_cur; /* the soft limit after this SIGXCPU */
    (void)sig;
    write(xcpu_fd, &v, sizeof v);
}

static void test_rlimit_cpu(void)
{
    struct chan c;
    chan_open(&c);
    pid_t p = fork();
    CHECK(p >= 0);
    if (p == 0) {
        close(c.r);
        xcpu_fd = c.w;
        struct sigaction sa = {0};
        sa.sa_handler = on_xcpu;
        sigaction(SIGXCPU, &sa, NULL);
        struct rlimit rl = {1, 3};
        CHECK(setrlimit(RLIMIT_CPU, &rl) == 0);
        volatile unsigned long x = 0;
        for (;;) x++;
    }
    close(c.w);
    long v;
    int n = 0;
    while (read(c.r, &v, sizeof v) == sizeof v) say("SIGXCPU %d: soft limit now %ld", ++n, v);
    close(c.r);
    wait_print("spinning child (RLIMIT_CPU 1 s, hard 3 s)", p, 0);

}

/* ---- RLIMIT_SIGPENDING --------------------------------------------------- */

static int queue(int sig, int val)
{
    union sigval v = {.sival_int = val};
    return sigqueue(getpid(), sig, v) == 0 ? 0 : errno;
}

static void take(int sig, const char *what)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    siginfo_t si;
    struct timespec ts = {0, 0};
    int r = (int)syscall(SYS_rt_sigtimedwait, &s, &si, &ts, 8);
    if (r < 0) say("%s: %s", what, ename(errno));
    else say("%s: %s si_code=%d si_pid %s si_value=%d", what, sname(r), si.si_code,
             si.si_pid == 0 ? "0" : si.si_pid == getpid() ? "self" : "other", si.si_code == SI_QUEUE ? si.si_value.sival_int : -1);
}

static void test_rlimit_sigpending(void)
{
    pid_t p = fork();
    CHECK(p >= 0);
    if (p == 0) {
        /* a user no other process has, so the count is this test's alone */
        struct rlimit rl = {4, 4};
        CHECK(setrlimit(RLIMIT_SIGPENDING, &rl) == 0);
        CHECK(setresgid(54321, 54321, 54321) == 0);
        CHECK(setresuid(54321, 54321, 54321) == 0);
        sigset_t all;
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        int ok = 0, err = 0;
        for (int i = 0; i < 6; i++) {
            int e = queue(SIGRTMIN, i);
            if (e == 0) ok++;
            else if (!err) err = e;
        }
        say("sigqueue SIGRTMIN x6 with limit 4: %d queued, then %s", ok, ename(err));
        say("tgkill SIGRTMIN+1 past the limit: %s", res(sys_tgkill(getpid(), sys_gettid(), SIGRTMIN + 1)));
        say("kill SIGRTMIN+2 past the limit: %s", res(kill(getpid(), SIGRTMIN + 2)));
        say("kill SIGRTMIN+2 again: %s", res(kill(getpid(), SIGRTMIN + 2)));
        say("sigqueue SIGUSR1 past the limit: %s", ename(queue(SIGUSR1, 77)));
        say("kill SIGUSR2 past the limit: %s", res(kill(getpid(), SIGUSR2)));
        take(SIGRTMIN + 2, "SIGRTMIN+2 (kill, no room)");
        take(SIGRTMIN + 2, "SIGRTMIN+2 again");
        take(SIGUSR1, "SIGUSR1 (sigqueue, no room)");
        take(SIGUSR2, "SIGUSR2 (kill, no room)");
        take(SIGRTMIN, "first SIGRTMIN");
        say("sigqueue after one was taken: %s", ename(queue(SIGRTMIN, 10)));
        say("sigqueue again: %s", ename(queue(SIGRTMIN, 11)));
        for (int i = 0; i < 5; i++) take(SIGRTMIN, "SIGRTMIN");
        /* a process of the same user that exits with its signals queued gives them back */
        pid_t c = fork();
        CHECK(c >= 0);
        if (c == 0) {
            int n = 0;
            for (int i = 0; i < 5; i++) n += queue(SIGRTMIN + 3, i) == 0;
            say("child of the same user queued %d", n);
            _exit(0);
        }
        waitpid(c, NULL, 0);
        ok = 0;
        for (int i = 0; i < 5; i++) ok += queue(SIGRTMIN, i) == 0;
        say("after that child exited: %d queued", ok);
        /* a larger limit lets more in; signals ignored while pending are discarded and uncounted */
        struct sigaction ign = {0};
        ign.sa_handler = SIG_IGN;
        sigaction(SIGRTMIN, &ign, NULL);
        ok = 0;
        for (int i = 0; i < 5; i++) ok += queue(SIGRTMIN + 4, i) == 0;
        say("after SIG_IGN discarded the queue: %d queued", ok);
        _exit(0);
    }
    wait_print("child", p, 0);
}

/* timer_create takes one entry of RLIMIT_SIGPENDING for its signal until the timer is deleted;
 * a user namespace's users count in it and, up the chain, in its creator's count in the parent
 * namespace, which may not pass the limit the creator had when it made the namespace */
static void test_rlimit_sigpending_ns(void)
{
    pid_t p = fork();
    CHECK(p >= 0);
    if (p == 0) {
        struct rlimit rl = {4, 100};
        CHECK(setrlimit(RLIMIT_SIGPENDING, &rl) == 0);
        CHECK(setresgid(54322, 54322, 54322) == 0);
        CHECK(setresuid(54322, 54322, 54322) == 0);
        sigset_t all;
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        timer_t ids[6];
        int made = 0, err = 0;
        for (int i = 0; i < 6; i++) {
            struct sigevent ev = {0};
            ev.sigev_notify = i == 0 ? SIGEV_NONE : SIGEV_SIGNAL;
            ev.sigev_signo = SIGRTMIN;
            if (timer_create(CLOCK_MONOTONIC, &ev, &ids[made]) == 0) made++;
            else if (!err) err = errno;
        }
        say("timer_create x6 with limit 4 (one SIGEV_NONE): %d made, then %s", made, ename(err));
        say("sigqueue with 4 timers: %s", ename(queue(SIGRTMIN + 1, 1)));
        CHECK(timer_delete(ids[0]) == 0);
        say("sigqueue after timer_delete: %s", ename(queue(SIGRTMIN + 1, 2)));
        say("sigqueue again: %s", ename(queue(SIGRTMIN + 1, 3)));
        for (int i = 1; i < made; i++) timer_delete(ids[i]);
        /* two queued here, in the initial namespace; the new namespace is made with limit 4 */
        say("after deleting the rest: %s", ename(queue(SIGRTMIN + 1, 4)));
        CHECK(unshare(CLONE_NEWUSER) == 0);
        /* inside, the soft limit may rise to the hard one; the creator's count outside still binds */
        rl.rlim_cur = 100;
        CHECK(setrlimit(RLIMIT_SIGPENDING, &rl) == 0);
        int ok = 0;
        for (int i = 0; i < 10; i++) ok += queue(SIGRTMIN + 2, i) == 0;
        say("in a new user namespace, soft limit 100, 2 queued outside: %d more queued", ok);
        take(SIGRTMIN + 1, "an outside one taken");
        ok = 0;
        for (int i = 0; i < 10; i++) ok += queue(SIGRTMIN + 2, i) == 0;
        say("after that: %d more", ok);
        struct sigevent ev = {0};
        ev.sigev_notify = SIGEV_SIGNAL;
        ev.sigev_signo = SIGRTMIN;
        timer_t id;
        say("timer_create there: %s", res(timer_create(CLOCK_MONOTONIC, &ev, &id)));
        take(SIGRTMIN + 2, "an inside one taken");
        say("timer_create again: %s", res(timer_create(CLOCK_MONOTONIC, &ev, &id)));
        say("sigqueue: %s", ename(queue(SIGRTMIN + 2, 99)));
        _exit(0);
    }
    wait_print("child", p, 0);
}

const struct conform_test rlimits_tests[] = {
    T(rlimit_cpu, "RLIMIT_CPU: SIGXCPU at the soft limit and each second after (soft limit moves on), SIGKILL at the hard limit"),
    T(rlimit_sigpending, "RLIMIT_SIGPENDING: EAGAIN for sigqueue/tgkill of real-time signals, kill loses the information, exit and SIG_IGN give entries back"),
    T(rlimit_sigpending_ns, "RLIMIT_SIGPENDING: timer_create takes an entry until timer_delete; counts go up the user namespace chain"),
    {0},
};
