/* vfork.c - vfork(2) and CLONE_VFORK: the parent sleeps until the child
 * execs or exits, the memory is shared meanwhile. */
#include "conform.h"

static volatile int g_stage;

static const char *num(long v)
{
    static char b[8][24];
    static int i;
    char *s = b[i++ & 7];
    snprintf(s, 24, "%ld", v);
    return s;
}

static void test_vfork_basic(void)
{
    volatile int local = 1;
    pid_t parent = getpid();
    volatile int ppid_ok = 0, pid_ok = 0;
    g_stage = 0;
    fflush(NULL);
    pid_t c = vfork();
    if (c == 0) {
        local = 2;
        g_stage = 1;
        ppid_ok = getppid() == parent;
        pid_ok = getpid() != parent;
        for (int i = 0; i < 100; i++) sched_yield();
        g_stage = 2;
        _exit(4);
    }
    CHECK(c > 0);
    say("parent resumed after child's _exit: %s", yesno(g_stage == 2));
    say("child's write to parent's stack variable visible: %s", yesno(local == 2));
    say("child's getppid == parent: %s", yesno(ppid_ok));
    say("child's getpid != parent: %s", yesno(pid_ok));
    wait_print("vfork child", c, 0);
}

static void test_vfork_nested(void)
{
    g_stage = 0;
    fflush(NULL);
    pid_t c = vfork();
    if (c == 0) {
        pid_t g = vfork();
        if (g == 0) {
            g_stage = 1;
            _exit(5);
        }
        int st = 0;
        waitpid(g, &st, 0);
        g_stage = g_stage == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 5 ? 2 : 3;
        _exit(6);
    }
    CHECK(c > 0);
    say("grandchild ran, then child reaped it, before parent resumed: %s", yesno(g_stage == 2));
    wait_print("vfork child", c, 0);
}

/* the vfork parent is released by the child's execve, before it exits */
static void test_vfork_exec_release(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    g_stage = 0;
    fflush(NULL);
    pid_t c = vfork();
    if (c == 0) {
        g_stage = 1;
        char *args[] = { (char *)num(p[0]), "7", NULL };
        exec_helper("wait-fd", args, NULL);
        _exit(127);
    }
    CHECK(c > 0);
    close(p[0]);
    int st;
    say("child ran before parent resumed: %s", yesno(g_stage == 1));
    say("parent resumed while the exec'd child still runs: %s", yesno(waitpid(c, &st, WNOHANG) == 0));
    close(p[1]); /* the helper sees EOF and exits 7 */
    wait_print("exec'd child", c, 0);
}

/* CLONE_CHILD_CLEARTID with a shared mm: cleared at exec (mm_release) */
static volatile int vf_ctid;
static int vf_exec_child(void *a)
{
    char **args = a;
    exec_helper("wait-fd", args, NULL);
    return 127;
}
static int vf_exit_child(void *a) { return 8; }

static void test_vfork_cleartid_exec(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    char *args[] = { (char *)num(p[0]), "9", NULL };
    vf_ctid = 12345;
    fflush(NULL);
    pid_t c = clone(vf_exec_child, stack_top(), CLONE_VM | CLONE_VFORK | CLONE_CHILD_CLEARTID | SIGCHLD, args, NULL,
                    NULL, (int *)&vf_ctid);
    CHECK(c > 0);
    close(p[0]);
    int st;
    say("ctid cleared by the child's execve: %s", yesno(vf_ctid == 0));
    say("child still running: %s", yesno(waitpid(c, &st, WNOHANG) == 0));
    close(p[1]);
    wait_print("exec'd child", c, 0);

    vf_ctid = 12345;
    c = clone(vf_exit_child, stack_top(), CLONE_VM | CLONE_VFORK | CLONE_CHILD_CLEARTID | SIGCHLD, NULL, NULL, NULL,
              (int *)&vf_ctid);
    CHECK(c > 0);
    say("ctid cleared by the child's exit: %s", yesno(vf_ctid == 0));
    wait_print("exiting child", c, 0);
}

static void test_vfork_exec_failure(void)
{
    volatile int err = 0;
    fflush(NULL);
    pid_t c = vfork();
    if (c == 0) {
        char *argv[] = { "x", NULL };
        execve("/nonexistent/prog", argv, argv + 1);
        err = errno;
        _exit(127);
    }
    CHECK(c > 0);
    say("failed execve in vfork child: errno=%s (written to shared memory)", ename(err));
    wait_print("child", c, 0);
}

const struct conform_test vfork_tests[] = {
    T(vfork_basic, "vfork: shared memory, parent waits for _exit"),
    T(vfork_nested, "vfork inside a vfork child"),
    T(vfork_exec_release, "vfork: the parent is released at the child's execve, not its exit"),
    T(vfork_cleartid_exec, "CLONE_VM|CLONE_VFORK|CLONE_CHILD_CLEARTID: ctid cleared at exec and at exit"),
    T(vfork_exec_failure, "vfork: a failed execve keeps the parent suspended until _exit"),
    { 0 }
};
