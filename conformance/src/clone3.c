/* clone3.c - clone3(2): struct versions, exit_signal, stack, set_tid,
 * CLONE_CLEAR_SIGHAND, CLONE_PIDFD and everything clone3 rejects. */
#include "conform.h"

static int ret0(void *a) { return 0; }

/* Try clone3 with the given args and size; a child that is created anyway
 * runs ret0 on its own stack (if CLONE_VM) and is reaped. */
static void try3(const char *label, struct cl_args *a, size_t size)
{
    long r;
    if (a->flags & CLONE_VM) {
        static char stk[65536] __attribute__((aligned(16)));
        if (!a->stack && !a->stack_size) {
            a->stack = (uint64_t)(uintptr_t)stk;
            a->stack_size = sizeof stk;
        }
        r = clone3_fn(a, size, ret0, NULL);
    } else {
        r = sys_clone3(a, size);
        if (r == 0) _exit(0);
    }
    say("%s: %s", label, res(r));
    if (r > 0 && !(a->flags & CLONE_THREAD)) xwait((pid_t)r, __WALL);
}

static void test_clone3_sizes(void)
{
    static const size_t sizes[] = { 64, 80, 88 };
    for (int i = 0; i < 3; i++) {
        struct cl_args a;
        memset(&a, 0, sizeof a);
        a.exit_signal = SIGCHLD;
        long r = sys_clone3(&a, sizes[i]);
        if (r == 0) _exit(40 + i);
        say("clone3 size %zu: %s", sizes[i], res(r));
        if (r > 0) wait_print("  child", (pid_t)r, 0);
    }
    /* larger than the kernel's struct, zero tail: accepted */
    static unsigned char big[4096];
    memset(big, 0, sizeof big);
    ((struct cl_args *)big)->exit_signal = SIGCHLD;
    long r = sys_clone3((struct cl_args *)big, 4096);
    if (r == 0) _exit(44);
    say("clone3 size 4096, zero tail: %s", res(r));
    if (r > 0) wait_print("  child", (pid_t)r, 0);
}

static void test_clone3_err_size(void)
{
    static unsigned char big[8192];
    struct cl_args *a = (struct cl_args *)big;
    memset(big, 0, sizeof big);
    a->exit_signal = SIGCHLD;
    try3("clone3 size 0", a, 0);
    try3("clone3 size 56", a, 56);
    try3("clone3 size 4097", a, 4097);
    try3("clone3 size 8192", a, 8192);
    big[90] = 1;
    try3("clone3 size 96, byte 90 nonzero", a, 96);
    big[90] = 0;
    big[4095] = 1;
    try3("clone3 size 4096, last byte nonzero", a, 4096);
    big[4095] = 0;
    try3("clone3 size 96, zero tail", a, 96);
    say("clone3 NULL args: %s", res(sys_clone3(NULL, 88)));
}

static void test_clone3_err_flags(void)
{
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_SIGHAND | CLONE_VM | CLONE_CLEAR_SIGHAND;
    a.exit_signal = SIGCHLD;
    try3("clone3 SIGHAND|VM|CLEAR_SIGHAND", &a, sizeof a);
    memset(&a, 0, sizeof a);
    a.flags = CLONE_DETACHED;
    a.exit_signal = SIGCHLD;
    try3("clone3 DETACHED", &a, sizeof a);
    memset(&a, 0, sizeof a);
    a.flags = 1ULL << 40;
    a.exit_signal = SIGCHLD;
    try3("clone3 unknown flag bit 40", &a, sizeof a);
    memset(&a, 0, sizeof a);
    a.flags = CLONE_INTO_CGROUP;
    a.exit_signal = SIGCHLD;
    try3("clone3 INTO_CGROUP with size 80", &a, 80);
    memset(&a, 0, sizeof a);
    a.flags = CLONE_SIGHAND | SIGCHLD;
    try3("clone3 SIGHAND without VM", &a, sizeof a);
    memset(&a, 0, sizeof a);
    a.flags = CSIGNAL & SIGCHLD;
    try3("clone3 exit signal in flags (CSIGNAL bits)", &a, sizeof a);
}

static void test_clone3_err_exit_signal(void)
{
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
    a.exit_signal = SIGCHLD;
    try3("clone3 THREAD|SIGHAND|VM exit_signal=SIGCHLD", &a, sizeof a);
    memset(&a, 0, sizeof a);
    a.flags = CLONE_PARENT;
    a.exit_signal = SIGCHLD;
    try3("clone3 PARENT exit_signal=SIGCHLD", &a, sizeof a);
    memset(&a, 0, sizeof a);
    a.exit_signal = 65;
    try3("clone3 exit_signal=65", &a, sizeof a);
    memset(&a, 0, sizeof a);
    a.exit_signal = 1ULL << 32 | SIGCHLD;
    try3("clone3 exit_signal with high bits", &a, sizeof a);
    memset(&a, 0, sizeof a);
    a.flags = CLONE_PARENT;
    a.exit_signal = 0;
    /* CLONE_PARENT with exit_signal 0 is fine; the child is our sibling */
    long r = sys_clone3(&a, sizeof a);
    if (r == 0) _exit(0);
    say("clone3 PARENT exit_signal=0: %s", res(r));
}

static void test_clone3_err_stack(void)
{
    static char stk[65536] __attribute__((aligned(16)));
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.exit_signal = SIGCHLD;
    a.stack = (uint64_t)(uintptr_t)stk;
    try3("clone3 stack without stack_size", &a, sizeof a);
    memset(&a, 0, sizeof a);
    a.exit_signal = SIGCHLD;
    a.stack_size = sizeof stk;
    try3("clone3 stack_size without stack", &a, sizeof a);
}

static void test_clone3_err_set_tid(void)
{
    pid_t tids[40];
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.exit_signal = SIGCHLD;
    tids[0] = getpid();
    a.set_tid = (uint64_t)(uintptr_t)tids;
    a.set_tid_size = 1;
    try3("clone3 set_tid={own pid}", &a, sizeof a);
    tids[0] = 1;
    try3("clone3 set_tid={1}", &a, sizeof a);
    tids[0] = 0;
    try3("clone3 set_tid={0}", &a, sizeof a);
    tids[0] = -5;
    try3("clone3 set_tid={-5}", &a, sizeof a);
    tids[0] = tids[1] = getpid();
    a.set_tid_size = 2;
    try3("clone3 set_tid_size 2 without a nested pid namespace", &a, sizeof a);
    a.set_tid_size = 33;
    try3("clone3 set_tid_size 33", &a, sizeof a);
    a.set_tid = 0;
    a.set_tid_size = 1;
    try3("clone3 set_tid NULL, size 1", &a, sizeof a);
    a.set_tid = (uint64_t)(uintptr_t)tids;
    a.set_tid_size = 0;
    try3("clone3 set_tid given, size 0", &a, sizeof a);
    tids[0] = getpid();
    a.set_tid_size = 1;
    try3("clone3 set_tid={own pid} with size 64 (field ignored)", &a, 64);
}

static void test_clone3_set_tid(void)
{
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_NEWPID;
    a.exit_signal = SIGCHLD;
    long r = sys_clone3(&a, sizeof a);
    if (r < 0) die("clone3(CLONE_NEWPID): errno=%s", ename(errno));
    if (r == 0) {
        say("namespace init: getpid()==1: %s", yesno(getpid() == 1));
        pid_t t[3] = { 42, 0, 0 };
        struct cl_args b;
        memset(&b, 0, sizeof b);
        b.exit_signal = SIGCHLD;
        b.set_tid = (uint64_t)(uintptr_t)t;
        b.set_tid_size = 1;
        struct chan ch;
        chan_open(&ch);
        long c = sys_clone3(&b, sizeof b);
        if (c == 0) {
            chan_recv(&ch);
            _exit(getpid() == 42 ? 0 : 1);
        }
        say("clone3 set_tid={42}: %s returned 42: %s", res(c), yesno(c == 42));
        try3("clone3 set_tid={42} while 42 lives", &b, sizeof b);
        t[0] = 300;
        b.set_tid_size = 3;
        try3("clone3 set_tid_size 3 at nesting level 1", &b, sizeof b);
        chan_send(&ch, 1);
        if (c > 0) wait_print("set_tid child (0 = getpid()==42)", (pid_t)c, 0);
        t[0] = 42;
        b.set_tid_size = 1;
        c = sys_clone3(&b, sizeof b);
        if (c == 0) _exit(0);
        say("clone3 set_tid={42} after it was reaped: %s returned 42: %s", res(c), yesno(c == 42));
        if (c > 0) xwait((pid_t)c, 0);
        _exit(0);
    }
    wait_print("namespace init", (pid_t)r, 0);

    /* two levels: pid in the new namespace and in ours */
    memset(&a, 0, sizeof a);
    a.flags = CLONE_NEWPID;
    a.exit_signal = SIGCHLD;
    pid_t t2[2] = { 1, getpid() };
    a.set_tid = (uint64_t)(uintptr_t)t2;
    a.set_tid_size = 2;
    try3("clone3 NEWPID set_tid={1, own pid}", &a, sizeof a);
    t2[0] = 7;
    a.set_tid_size = 1;
    try3("clone3 NEWPID set_tid={7} (init must be 1)", &a, sizeof a);
}

static volatile int usr1_count, chld_count;
static void on_usr1(int s) { usr1_count++; }
static void on_chld(int s) { chld_count++; }

static void test_clone3_exit_signal(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    sa.sa_handler = on_chld;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.exit_signal = SIGUSR1;
    long r = sys_clone3(&a, sizeof a);
    if (r == 0) _exit(12);
    CHECK(r > 0);
    int st;
    say("exit_signal=SIGUSR1: waitpid(child, 0): %s", res(waitpid((pid_t)r, &st, 0)));
    wait_print("exit_signal=SIGUSR1: waitpid(child, __WCLONE)", (pid_t)r, __WCLONE);
    say("SIGUSR1 handler ran: %d, SIGCHLD handler ran: %d", usr1_count, chld_count);
    a.exit_signal = 0;
    r = sys_clone3(&a, sizeof a);
    if (r == 0) _exit(13);
    CHECK(r > 0);
    say("exit_signal=0: waitpid(child, 0): %s", res(waitpid((pid_t)r, &st, 0)));
    wait_print("exit_signal=0: waitpid(child, __WALL)", (pid_t)r, __WALL);
    say("SIGUSR1 handler ran: %d, SIGCHLD handler ran: %d", usr1_count, chld_count);
    a.exit_signal = SIGCHLD;
    r = sys_clone3(&a, sizeof a);
    if (r == 0) _exit(14);
    CHECK(r > 0);
    wait_print("exit_signal=SIGCHLD: waitpid(child, 0)", (pid_t)r, 0);
    say("SIGUSR1 handler ran: %d, SIGCHLD handler ran: %d", usr1_count, chld_count);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
}

static char c3stack[65536] __attribute__((aligned(16)));
static volatile int c3_in_stack, c3_pid_ok;

static int stack_child(void *a)
{
    volatile char here;
    uintptr_t p = (uintptr_t)&here;
    c3_in_stack = p >= (uintptr_t)c3stack && p < (uintptr_t)c3stack + sizeof c3stack;
    c3_pid_ok = getpid() != (pid_t)(long)a;
    return 15;
}

static void test_clone3_stack(void)
{
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_VM | CLONE_VFORK;
    a.exit_signal = SIGCHLD;
    a.stack = (uint64_t)(uintptr_t)c3stack;
    a.stack_size = sizeof c3stack;
    long r = clone3_fn(&a, sizeof a, stack_child, (void *)(long)getpid());
    say("clone3 VM|VFORK with stack+stack_size: %s", res(r));
    if (r > 0) {
        say("child ran on the given stack: %s", yesno(c3_in_stack));
        say("child has its own pid: %s", yesno(c3_pid_ok));
        wait_print("child", (pid_t)r, 0);
    }
}

static volatile int thr_ctid;
static volatile pid_t thr_pid;
static int thread_child(void *a)
{
    thr_pid = getpid();
    return 0;
}

static void test_clone3_thread(void)
{
    static char stk[65536] __attribute__((aligned(16)));
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
              CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    a.parent_tid = (uint64_t)(uintptr_t)&thr_ctid;
    a.child_tid = (uint64_t)(uintptr_t)&thr_ctid;
    a.stack = (uint64_t)(uintptr_t)stk;
    a.stack_size = sizeof stk;
    long r = clone3_fn(&a, sizeof a, thread_child, NULL);
    say("clone3 thread: %s", res(r));
    if (r > 0) {
        wait_cleared(&thr_ctid);
        say("thread's getpid == ours: %s", yesno(thr_pid == getpid()));
        say("parent_tid/child_tid cleared at exit: yes");
    }
}

static void test_clone3_settid_fields(void)
{
    int ptid = 0, ctid = 0;
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_PARENT_SETTID | CLONE_CHILD_SETTID;
    a.exit_signal = SIGCHLD;
    a.parent_tid = (uint64_t)(uintptr_t)&ptid;
    a.child_tid = (uint64_t)(uintptr_t)&ctid;
    long r = sys_clone3(&a, sizeof a);
    if (r == 0) _exit(ctid == sys_gettid() ? 0 : 1);
    CHECK(r > 0);
    say("parent_tid == child pid in parent: %s", yesno(ptid == r));
    say("child_tid untouched in parent: %s", yesno(ctid == 0));
    wait_print("child (0 = its child_tid == its tid)", (pid_t)r, 0);
}

static void h_usr1(int s) { (void)s; }

static void test_clone3_clear_sighand(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    signal(SIGUSR2, SIG_IGN);
    for (int pass = 0; pass < 2; pass++) {
        struct cl_args a;
        memset(&a, 0, sizeof a);
        a.flags = pass ? 0 : CLONE_CLEAR_SIGHAND;
        a.exit_signal = SIGCHLD;
        long r = sys_clone3(&a, sizeof a);
        if (r == 0) {
            say("  child: SIGUSR1 %s, SIGUSR2 %s", disp(SIGUSR1), disp(SIGUSR2));
            _exit(0);
        }
        int e = errno;
        if (r > 0) xwait((pid_t)r, 0);
        errno = e;
        say("clone3 %s: %s", pass ? "without CLEAR_SIGHAND" : "CLEAR_SIGHAND", res(r));
    }
    say("parent: SIGUSR1 %s, SIGUSR2 %s", disp(SIGUSR1), disp(SIGUSR2));
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

static void test_clone3_pidfd(void)
{
    int pidfd = -1;
    struct chan ch;
    chan_open(&ch);
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_PIDFD;
    a.pidfd = (uint64_t)(uintptr_t)&pidfd;
    a.exit_signal = SIGCHLD;
    long r = sys_clone3(&a, sizeof a);
    if (r == 0) {
        chan_recv(&ch);
        _exit(16);
    }
    say("clone3 CLONE_PIDFD: %s", res(r));
    CHECK(r > 0);
    say("pidfd valid: %s", yesno(fcntl(pidfd, F_GETFD) >= 0));
    say("pidfd close-on-exec: %s", yesno(fcntl(pidfd, F_GETFD) & FD_CLOEXEC));
    struct pollfd pf = { pidfd, POLLIN, 0 };
    say("poll before exit: %d", poll(&pf, 1, 0));
    chan_send(&ch, 1);
    pf.revents = 0;
    int n = poll(&pf, 1, -1);
    say("poll after exit: %d POLLIN: %s", n, yesno(pf.revents & POLLIN));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    say("waitid(P_PIDFD): %s", res(sys_waitid(P_PIDFD, pidfd, &si, WEXITED, NULL)));
    say("si_code=%s si_status=%d si_pid==child: %s", cldstr(si.si_code), si.si_status, yesno(si.si_pid == r));
    close(pidfd);
    chan_close(&ch);
}

const struct conform_test clone3_tests[] = {
    T(clone3_sizes, "clone3 with struct sizes 64, 80, 88 and a zero-filled 4096"),
    T(clone3_err_size, "clone3 size < 64 EINVAL, > 4096 E2BIG, nonzero bytes past 88 E2BIG"),
    T(clone3_err_flags, "clone3 rejects SIGHAND|CLEAR_SIGHAND, DETACHED, unknown bits, CSIGNAL bits"),
    T(clone3_err_exit_signal, "clone3 exit_signal with THREAD or PARENT, or > 64: EINVAL"),
    T(clone3_err_stack, "clone3 stack without stack_size and vice versa: EINVAL"),
    T(clone3_err_set_tid, "clone3 set_tid: used pid EEXIST, bad sizes and values EINVAL"),
    T(clone3_set_tid, "clone3 set_tid in a new pid namespace gives the requested pid"),
    T(clone3_exit_signal, "clone3 exit_signal SIGUSR1, 0, SIGCHLD: which handler runs, which wait flags"),
    T(clone3_stack, "clone3 stack+stack_size: the child runs on the given stack"),
    T(clone3_thread, "clone3 creates a thread; CHILD_CLEARTID wakes the parent"),
    T(clone3_settid_fields, "clone3 parent_tid/child_tid fields"),
    T(clone3_clear_sighand, "CLONE_CLEAR_SIGHAND: handled signals reset to default, ignored stay ignored"),
    T(clone3_pidfd, "clone3 CLONE_PIDFD: close-on-exec fd, POLLIN at exit, waitid(P_PIDFD)"),
    { 0 }
};
