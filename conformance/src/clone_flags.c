/* clone_flags.c - what each clone flag shares, sets or changes. */
#include "conform.h"
#include <sys/sem.h>

static volatile int g_val;
static volatile int g_stage;

/* ---- CLONE_VM ----------------------------------------------------------- */

static int set_val(void *a)
{
    g_val = (int)(long)a;
    return 0;
}

static void test_clone_vm(void)
{
    g_val = 1;
    pid_t p = clone(set_val, stack_top(), CLONE_VM | SIGCHLD, (void *)42);
    CHECK(p > 0);
    wait_print("CLONE_VM child", p, 0);
    say("CLONE_VM: parent sees child's write: %s", yesno(g_val == 42));
    g_val = 1;
    p = clone(set_val, stack_top(), SIGCHLD, (void *)43);
    CHECK(p > 0);
    wait_print("plain child", p, 0);
    say("no CLONE_VM: parent sees child's write: %s", yesno(g_val == 43));
    say("no CLONE_VM: parent value unchanged: %s", yesno(g_val == 1));
}

/* ---- CLONE_FS ----------------------------------------------------------- */

static int fs_child(void *a)
{
    if (chdir("/") != 0) return 1;
    umask(077);
    return 0;
}

static void test_clone_fs(void)
{
    char before[4096], after[4096];
    CHECK(chdir(tmp_dir()) == 0);
    CHECK(getcwd(before, sizeof before) != NULL);
    umask(022);
    pid_t p = clone(fs_child, stack_top(), CLONE_FS | SIGCHLD, NULL);
    CHECK(p > 0);
    wait_print("CLONE_FS child", p, 0);
    CHECK(getcwd(after, sizeof after) != NULL);
    mode_t m = umask(022);
    say("CLONE_FS: parent cwd is now /: %s", yesno(strcmp(after, "/") == 0));
    say("CLONE_FS: parent umask is now 077: %s", yesno(m == 077));

    CHECK(chdir(tmp_dir()) == 0);
    umask(022);
    p = clone(fs_child, stack_top(), SIGCHLD, NULL);
    CHECK(p > 0);
    wait_print("plain child", p, 0);
    CHECK(getcwd(after, sizeof after) != NULL);
    m = umask(022);
    say("no CLONE_FS: parent cwd unchanged: %s", yesno(strcmp(after, before) == 0));
    say("no CLONE_FS: parent umask still 022: %s", yesno(m == 022));
    CHECK(chdir("/") == 0);
}

/* ---- CLONE_FILES -------------------------------------------------------- */

static volatile int *g_newfd;

static int files_child(void *a)
{
    int fd = (int)(long)a;
    *g_newfd = open("/dev/null", O_RDONLY);
    close(fd);
    return 0;
}

static void test_clone_files(void)
{
    g_newfd = shared_mem(4096);
    int fd = open("/dev/null", O_RDONLY);
    CHECK(fd >= 0);
    pid_t p = clone(files_child, stack_top(), CLONE_FILES | SIGCHLD, (void *)(long)fd);
    CHECK(p > 0);
    wait_print("CLONE_FILES child", p, 0);
    int nfd = *g_newfd;
    say("CLONE_FILES: child's close seen by parent: %s", yesno(fcntl(fd, F_GETFD) < 0 && errno == EBADF));
    say("CLONE_FILES: child's open seen by parent: %s", yesno(nfd >= 0 && fcntl(nfd, F_GETFD) >= 0));
    if (nfd >= 0) close(nfd);

    fd = open("/dev/null", O_RDONLY);
    CHECK(fd >= 0);
    *g_newfd = -1;
    p = clone(files_child, stack_top(), SIGCHLD, (void *)(long)fd);
    CHECK(p > 0);
    wait_print("plain child", p, 0);
    nfd = *g_newfd;
    say("no CLONE_FILES: fd still open in parent: %s", yesno(fcntl(fd, F_GETFD) >= 0));
    say("no CLONE_FILES: child's new fd absent in parent: %s", yesno(fcntl(nfd, F_GETFD) < 0 && errno == EBADF));
    close(fd);
}

/* ---- CLONE_SIGHAND ------------------------------------------------------ */

static void nop_handler(int sig) { (void)sig; }

static int sighand_child(void *a)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nop_handler;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, NULL);
    return 0;
}

static void test_clone_sighand(void)
{
    signal(SIGUSR1, SIG_DFL);
    pid_t p = clone(sighand_child, stack_top(), CLONE_VM | CLONE_SIGHAND | SIGCHLD, NULL);
    CHECK(p > 0);
    wait_print("CLONE_SIGHAND child", p, 0);
    say("CLONE_SIGHAND: parent's SIGUSR1 disposition: %s", disp(SIGUSR1));
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    say("CLONE_SIGHAND: child's blocked mask seen by parent: %s", yesno(sigismember(&cur, SIGUSR2)));

    signal(SIGUSR1, SIG_DFL);
    p = clone(sighand_child, stack_top(), CLONE_VM | SIGCHLD, NULL);
    CHECK(p > 0);
    wait_print("CLONE_VM-only child", p, 0);
    say("no CLONE_SIGHAND: parent's SIGUSR1 disposition: %s", disp(SIGUSR1));
    signal(SIGUSR1, SIG_DFL);
}

/* ---- CLONE_THREAD ------------------------------------------------------- */

static volatile pid_t t_pid, t_tid, t_ppid;

static int ids_thread(void *a)
{
    t_pid = getpid();
    t_tid = sys_gettid();
    t_ppid = getppid();
    return 0;
}

static void test_clone_thread_ids(void)
{
    static volatile int ctid;
    pid_t tid = spawn_thread(ids_thread, NULL, &ctid);
    wait_cleared(&ctid);
    say("thread tgid == parent tgid: %s", yesno(t_pid == getpid()));
    say("thread tid != parent tid: %s", yesno(t_tid != sys_gettid()));
    say("thread tid == clone return value: %s", yesno(t_tid == tid));
    say("thread getppid == parent getppid: %s", yesno(t_ppid == getppid()));
    say("main thread tid == tgid: %s", yesno(sys_gettid() == getpid()));
    int st;
    say("waitpid(-1, __WALL|WNOHANG) for a thread: %s", res(waitpid(-1, &st, __WALL | WNOHANG)));
}

static int exit_group_thread(void *a)
{
    syscall(SYS_exit_group, 7);
    return 99;
}

static int exit_thread(void *a)
{
    return 5; /* glibc clone() calls exit(2): this thread only */
}

static void test_clone_thread_exit_group(void)
{
    pid_t c = xfork();
    if (c == 0) {
        static volatile int ctid;
        spawn_thread(exit_group_thread, NULL, &ctid);
        for (;;) pause();
    }
    wait_print("exit_group(7) from a thread: process", c, 0);

    c = xfork();
    if (c == 0) {
        static volatile int ctid;
        spawn_thread(exit_thread, NULL, &ctid);
        wait_cleared(&ctid);
        _exit(3);
    }
    wait_print("exit(5) from a thread, then main exits 3: process", c, 0);
}

static volatile int sigchld_count;
static void count_sigchld(int sig) { sigchld_count++; }

static void test_clone_thread_no_sigchld(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count_sigchld;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    static volatile int ctid;
    pid_t tid = spawn_thread(exit_thread, NULL, &ctid);
    wait_cleared(&ctid);
    /* the thread is gone once tgkill says ESRCH (after exit_notify) */
    for (int i = 0; i < 1000000 && sys_tgkill(getpid(), tid, 0) == 0; i++) sched_yield();
    say("thread gone: %s", yesno(sys_tgkill(getpid(), tid, 0) < 0 && errno == ESRCH));
    say("SIGCHLD count after thread exit: %d", sigchld_count);
    siginfo_t si;
    say("waitid(P_ALL, WEXITED|__WALL|WNOHANG): %s", res(sys_waitid(P_ALL, 0, &si, WEXITED | __WALL | WNOHANG, NULL)));
    pid_t c = xfork();
    if (c == 0) _exit(0);
    wait_print("forked child", c, 0);
    say("SIGCHLD count after child exit: %d", sigchld_count);
    signal(SIGCHLD, SIG_DFL);
}

/* ---- CLONE_SYSVSEM ------------------------------------------------------ */

static int semval(int id) { return semctl(id, 0, GETVAL); }

static void sem_up_undo(int id)
{
    struct sembuf op = { 0, 1, SEM_UNDO };
    if (semop(id, &op, 1) != 0) _exit(9);
}

static void test_clone_sysvsem(void)
{
    int id = semget(IPC_PRIVATE, 1, 0600 | IPC_CREAT);
    CHECK(id >= 0);
    CHECK(semctl(id, 0, SETVAL, 0) == 0);

    pid_t c = raw_clone(SIGCHLD, NULL, NULL, NULL, 0);
    CHECK(c >= 0);
    if (c == 0) {
        sem_up_undo(id);
        _exit(0);
    }
    wait_print("child without CLONE_SYSVSEM (semop +1 SEM_UNDO)", c, 0);
    say("semval after its exit: %d", semval(id));

    c = xfork();
    if (c == 0) {
        pid_t b = raw_clone(CLONE_SYSVSEM | SIGCHLD, NULL, NULL, NULL, 0);
        if (b < 0) die("clone(CLONE_SYSVSEM): errno=%s", ename(errno));
        if (b == 0) {
            sem_up_undo(id);
            _exit(0);
        }
        wait_print("  CLONE_SYSVSEM grandchild (semop +1 SEM_UNDO)", b, 0);
        say("  semval after grandchild exit, sharer alive: %d", semval(id));
        _exit(0);
    }
    wait_print("sharing child", c, 0);
    say("semval after the last sharer exits: %d", semval(id));
    CHECK(semctl(id, 0, IPC_RMID) == 0);
}

/* ---- CLONE_IO ----------------------------------------------------------- */

#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_VALUE(cls, data) (((cls) << IOPRIO_CLASS_SHIFT) | (data))
#define IOPRIO_WHO_PROCESS 1

static long ioprio_get_self(void) { return syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0); }
static long ioprio_set_self(int v) { return syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, v); }
static const char *ioprio_str(long v)
{
    static char b[2][64];
    static int i;
    char *s = b[i++ & 1];
    if (v < 0) snprintf(s, 64, "errno=%s", ename(errno));
    else snprintf(s, 64, "class=%ld data=%ld", v >> IOPRIO_CLASS_SHIFT, v & 0x1fff);
    return s;
}

static void io_case(unsigned long flags, const char *label)
{
    CHECK(ioprio_set_self(IOPRIO_VALUE(2, 4)) == 0);
    pid_t c = raw_clone(flags | SIGCHLD, NULL, NULL, NULL, 0);
    CHECK(c >= 0);
    if (c == 0) {
        long inh = ioprio_get_self();
        if (ioprio_set_self(IOPRIO_VALUE(2, 7)) != 0) _exit(2);
        _exit(inh == IOPRIO_VALUE(2, 4) ? 0 : 1);
    }
    wait_print(label, c, 0);
    say("%s: parent ioprio after child's ioprio_set(BE,7): %s", label, ioprio_str(ioprio_get_self()));
}

static void test_clone_io(void)
{
    io_case(CLONE_IO, "CLONE_IO");
    io_case(0, "no CLONE_IO");
}

/* ---- CLONE_PARENT ------------------------------------------------------- */

static void test_clone_parent(void)
{
    struct chan ch;
    chan_open(&ch);
    pid_t me = getpid();
    pid_t a = xfork();
    if (a == 0) {
        pid_t b = raw_clone(CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0);
        if (b < 0) die("clone(CLONE_PARENT): errno=%s", ename(errno));
        if (b == 0) _exit(getppid() == me ? 11 : 12);
        int st;
        say("middle: waitpid(grandchild): %s", res(waitpid(b, &st, 0)));
        chan_send(&ch, b);
        _exit(0);
    }
    wait_print("middle child", a, 0);
    pid_t b = (pid_t)chan_recv(&ch);
    CHECK(b > 0);
    wait_print("CLONE_PARENT child reaped by grandparent (11 = getppid is grandparent)", b, 0);
    chan_close(&ch);
}

/* ---- CLONE_SETTLS ------------------------------------------------------- */

static uint64_t tlsbuf[64] __attribute__((aligned(64)));
static volatile uintptr_t g_tp;

static int tls_child(void *a)
{
    g_tp = (uintptr_t)__builtin_thread_pointer();
    return 0;
}

static void test_clone_settls(void)
{
    uintptr_t mine = (uintptr_t)__builtin_thread_pointer();
    tlsbuf[0] = (uint64_t)(uintptr_t)tlsbuf; /* x86_64 reads %fs:0 */
    g_tp = 0;
    pid_t p = clone(tls_child, stack_top(), CLONE_VM | CLONE_VFORK | CLONE_SETTLS | SIGCHLD, NULL, NULL, tlsbuf, NULL);
    CHECK(p > 0);
    wait_print("CLONE_SETTLS child", p, 0);
    say("CLONE_SETTLS: child's thread pointer is the given tls: %s", yesno(g_tp == (uintptr_t)tlsbuf));
    say("parent's thread pointer unchanged: %s", yesno((uintptr_t)__builtin_thread_pointer() == mine));
    g_tp = 0;
    p = clone(tls_child, stack_top(), CLONE_VM | CLONE_VFORK | SIGCHLD, NULL, NULL, tlsbuf, NULL);
    CHECK(p > 0);
    wait_print("child without CLONE_SETTLS", p, 0);
    say("no CLONE_SETTLS: child inherits parent's thread pointer: %s", yesno(g_tp == mine));
}

/* ---- CLONE_PARENT_SETTID / CLONE_CHILD_SETTID --------------------------- */

static volatile int g_ptid, g_ctid;

static int settid_vm_child(void *a)
{
    g_val = (g_ptid == sys_gettid());
    return 0;
}

static void test_clone_parent_settid(void)
{
    int ptid = 0;
    pid_t c = raw_clone(CLONE_PARENT_SETTID | SIGCHLD, NULL, &ptid, NULL, 0);
    CHECK(c >= 0);
    if (c == 0) _exit(ptid == 0 ? 20 : ptid == sys_gettid() ? 21 : 22);
    say("parent's ptid == child pid: %s", yesno(ptid == c));
    wait_print("child (20 = its copy of ptid still 0)", c, 0);

    g_ptid = 0;
    g_val = -1;
    c = clone(settid_vm_child, stack_top(), CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID | SIGCHLD, NULL, (int *)&g_ptid, NULL, NULL);
    CHECK(c > 0);
    wait_print("CLONE_VM child", c, 0);
    say("CLONE_VM child sees ptid == its tid: %s", yesno(g_val == 1));
    say("parent's ptid == child pid: %s", yesno(g_ptid == c));
}

static void test_clone_child_settid(void)
{
    int ctid = 0;
    pid_t c = raw_clone(CLONE_CHILD_SETTID | SIGCHLD, NULL, NULL, &ctid, 0);
    CHECK(c >= 0);
    if (c == 0) _exit(ctid == sys_gettid() ? 30 : ctid == 0 ? 31 : 32);
    wait_print("child (30 = its ctid == its tid)", c, 0);
    say("parent's ctid untouched: %s", yesno(ctid == 0));
}

/* ---- CLONE_CHILD_CLEARTID ----------------------------------------------- */

static volatile int ct_ready, ct_go, ct_seen;

static int cleartid_thread(void *a)
{
    ct_seen = (g_ctid == sys_gettid());
    ct_ready = 1;
    futex_wake(&ct_ready, 1);
    while (!ct_go) futex_wait(&ct_go, 0);
    return 0;
}

static void test_clone_child_cleartid(void)
{
    g_ctid = 0;
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
    pid_t t = clone(cleartid_thread, stack_top(), flags, NULL, NULL, NULL, (int *)&g_ctid);
    CHECK(t > 0);
    while (!ct_ready) futex_wait(&ct_ready, 0);
    say("thread saw ctid == its tid: %s", yesno(ct_seen));
    say("ctid == tid while the thread runs: %s", yesno(g_ctid == t));
    ct_go = 1;
    futex_wake(&ct_go, 1);
    wait_cleared(&g_ctid);
    say("ctid cleared and FUTEX_WAKE'd at thread exit: yes");
}

/* ---- CLONE_VFORK -------------------------------------------------------- */

static int vfork_child(void *a)
{
    g_stage = 1;
    for (int i = 0; i < 200; i++) sched_yield();
    g_stage = 2;
    return 5;
}

static void test_clone_vfork(void)
{
    g_stage = 0;
    pid_t c = clone(vfork_child, stack_top(), CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
    CHECK(c > 0);
    say("parent resumed after the child finished: %s", yesno(g_stage == 2));
    wait_print("CLONE_VFORK child", c, 0);
}

/* ---- CLONE_DETACHED ----------------------------------------------------- */

static void test_clone_detached(void)
{
    pid_t c = raw_clone(CLONE_DETACHED | SIGCHLD, NULL, NULL, NULL, 0);
    if (c == 0) _exit(6);
    say("clone(CLONE_DETACHED|SIGCHLD): %s", res(c));
    if (c > 0) wait_print("CLONE_DETACHED child (flag ignored)", c, 0);
}

/* ---- exit signals ------------------------------------------------------- */

static volatile int usr1_count;
static void count_usr1(int sig) { usr1_count++; }

static void test_clone_exit_signal_zero(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count_sigchld;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    sigchld_count = 0;
    int st;
    pid_t c = raw_clone(0, NULL, NULL, NULL, 0);
    CHECK(c >= 0);
    if (c == 0) _exit(4);
    say("waitpid(child, 0): %s", res(waitpid(c, &st, 0)));
    say("waitpid(child, WNOHANG): %s", res(waitpid(c, &st, WNOHANG)));
    wait_print("waitpid(child, __WCLONE)", c, __WCLONE);
    c = raw_clone(0, NULL, NULL, NULL, 0);
    CHECK(c >= 0);
    if (c == 0) _exit(5);
    wait_print("waitpid(child, __WALL)", c, __WALL);
    say("SIGCHLD count: %d", sigchld_count);
    signal(SIGCHLD, SIG_DFL);
}

static void test_clone_exit_signal_usr1(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    sa.sa_handler = count_sigchld;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    usr1_count = sigchld_count = 0;
    pid_t c = raw_clone(SIGUSR1, NULL, NULL, NULL, 0);
    CHECK(c >= 0);
    if (c == 0) _exit(8);
    int st;
    say("waitpid(child, 0): %s", res(waitpid(c, &st, 0)));
    wait_print("waitpid(child, __WCLONE)", c, __WCLONE);
    say("SIGUSR1 handler ran: %d", usr1_count);
    say("SIGCHLD handler ran: %d", sigchld_count);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
}

static volatile int chld_code, chld_status, chld_pid, chld_signo;
static void chld_info(int sig, siginfo_t *si, void *uc)
{
    chld_signo = si->si_signo;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_pid = si->si_pid;
    sigchld_count++;
}

static void test_clone_exit_signal_sigchld(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = chld_info;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    sigchld_count = 0;
    pid_t c = raw_clone(SIGCHLD, NULL, NULL, NULL, 0);
    CHECK(c >= 0);
    if (c == 0) _exit(9);
    wait_print("child", c, 0);
    say("SIGCHLD handler ran: %d", sigchld_count);
    say("si_signo=%s si_code=%s si_status=%d si_pid==child: %s", sname(chld_signo), cldstr(chld_code), chld_status,
        yesno(chld_pid == c));
    signal(SIGCHLD, SIG_DFL);
}

static void test_clone_exit_signal_200(void)
{
    pid_t c = raw_clone(200, NULL, NULL, NULL, 0);
    if (c == 0) _exit(10);
    say("clone(exit signal 200): %s", res(c));
    if (c < 0) return;
    int st;
    say("waitpid(child, 0): %s", res(waitpid(c, &st, 0)));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    long r = sys_waitid(P_PID, c, &si, WEXITED | __WCLONE | WNOWAIT, NULL);
    say("waitid(__WCLONE|WNOWAIT): %s si_signo=%s si_code=%s si_status=%d", res(r), sname(si.si_signo),
        cldstr(si.si_code), si.si_status);
    wait_print("waitpid(child, __WCLONE)", c, __WCLONE);
}

const struct conform_test clone_flags_tests[] = {
    T(clone_vm, "CLONE_VM: a child's store is seen by the parent only with CLONE_VM"),
    T(clone_fs, "CLONE_FS: chdir and umask in the child reach the parent only with CLONE_FS"),
    T(clone_files, "CLONE_FILES: close/open in the child change the parent's table only with CLONE_FILES"),
    T(clone_sighand, "CLONE_SIGHAND: sigaction shared, blocked mask not"),
    T(clone_thread_ids, "CLONE_THREAD: same tgid, new tid, same parent, not waitable"),
    T(clone_thread_exit_group, "exit_group from a thread ends the group; exit from a thread does not"),
    T(clone_thread_no_sigchld, "a thread's exit sends no SIGCHLD and leaves nothing to wait for"),
    T(clone_sysvsem, "CLONE_SYSVSEM: SEM_UNDO applied when the last sharer exits, per child otherwise"),
    T(clone_io, "CLONE_IO: ioprio_set in the child is seen by the parent only with CLONE_IO"),
    T(clone_parent, "CLONE_PARENT: child's parent is the grandparent, which reaps it"),
    T(clone_settls, "CLONE_SETTLS: the child's thread pointer is the tls argument"),
    T(clone_parent_settid, "CLONE_PARENT_SETTID writes the tid in the parent (not a fork child's copy)"),
    T(clone_child_settid, "CLONE_CHILD_SETTID writes the tid in the child's memory only"),
    T(clone_child_cleartid, "CLONE_CHILD_CLEARTID: ctid zeroed and futex-woken at thread exit"),
    T(clone_vfork, "CLONE_VFORK: the parent is suspended until the child exits"),
    T(clone_detached, "CLONE_DETACHED is ignored by legacy clone"),
    T(clone_exit_signal_zero, "exit signal 0: reaped only with __WCLONE or __WALL, no SIGCHLD"),
    T(clone_exit_signal_usr1, "exit signal SIGUSR1: parent's handler runs, __WCLONE needed"),
    T(clone_exit_signal_sigchld, "exit signal SIGCHLD: handler's siginfo (CLD_EXITED, status)"),
    T(clone_exit_signal_200, "legacy clone accepts exit signal 200; nothing is sent, __WCLONE reaps"),
    { 0 }
};
