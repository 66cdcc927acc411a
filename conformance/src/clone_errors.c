/* clone_errors.c - flag combinations legacy clone(2) rejects (and a few it
 * accepts), namespace flags without privilege, RLIMIT_NPROC. */
#include "conform.h"
#include <grp.h>

static int exit0(void *a)
{
    sys_exit(0);
    return 0;
}

/* Try clone(flags) with glibc's wrapper on a fresh stack, so a call that
 * unexpectedly succeeds is harmless.  Prints "LABEL: ok|errno=X". */
static void try_clone(const char *label, unsigned long flags)
{
    static volatile int ctid;
    int ptid = -1;
    ctid = 1;
    unsigned long f = flags;
    if (f & CLONE_THREAD) f |= CLONE_CHILD_CLEARTID;
    fflush(NULL);
    long r = clone(exit0, stack_top(), (int)f, NULL, &ptid, NULL, (int *)&ctid);
    say("%s: %s", label, res(r));
    if (r > 0) {
        if (flags & CLONE_THREAD) wait_cleared(&ctid);
        else xwait((pid_t)r, __WALL);
        if ((flags & CLONE_PIDFD) && ptid >= 0) close(ptid);
    }
}

/* fork-like raw clone for flags that never share the VM */
static void try_fork_clone(const char *label, unsigned long flags)
{
    long r = raw_clone(flags, NULL, NULL, NULL, 0);
    if (r == 0) _exit(0);
    say("%s: %s", label, res(r));
    if (r > 0) xwait((pid_t)r, __WALL);
}

static void test_clone_err_sighand_without_vm(void)
{
    try_fork_clone("clone(CLONE_SIGHAND|SIGCHLD)", CLONE_SIGHAND | SIGCHLD);
}

static void test_clone_err_thread_without_sighand(void)
{
    try_clone("clone(CLONE_THREAD|CLONE_VM)", CLONE_THREAD | CLONE_VM);
}

static void test_clone_err_namespace_combos(void)
{
    try_fork_clone("clone(CLONE_NEWNS|CLONE_FS|SIGCHLD)", CLONE_NEWNS | CLONE_FS | SIGCHLD);
    try_fork_clone("clone(CLONE_NEWUSER|CLONE_FS|SIGCHLD)", CLONE_NEWUSER | CLONE_FS | SIGCHLD);
    try_clone("clone(CLONE_NEWUSER|CLONE_THREAD|CLONE_SIGHAND|CLONE_VM)",
              CLONE_NEWUSER | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM);
    try_clone("clone(CLONE_NEWPID|CLONE_THREAD|CLONE_SIGHAND|CLONE_VM)",
              CLONE_NEWPID | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM);
    try_fork_clone("clone(CLONE_NEWIPC|CLONE_SYSVSEM|SIGCHLD)", CLONE_NEWIPC | CLONE_SYSVSEM | SIGCHLD);
}

static void test_clone_err_pidfd(void)
{
    try_fork_clone("clone(CLONE_PIDFD|CLONE_PARENT_SETTID|SIGCHLD)", CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD);
    try_fork_clone("clone(CLONE_PIDFD|CLONE_DETACHED|SIGCHLD)", CLONE_PIDFD | CLONE_DETACHED | SIGCHLD);
}

static void test_clone_err_parent_from_pidns_init(void)
{
    pid_t c = raw_clone(CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);
    if (c < 0) die("clone(CLONE_NEWPID): errno=%s", ename(errno));
    if (c == 0) {
        say("in new pid namespace: getpid()==1: %s getppid()==0: %s", yesno(getpid() == 1), yesno(getppid() == 0));
        long r = raw_clone(CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0);
        if (r == 0) _exit(0);
        say("namespace init: clone(CLONE_PARENT|SIGCHLD): %s", res(r));
        pid_t g = xfork();
        if (g == 0) _exit(getpid() == 2 ? 0 : 1);
        wait_print("namespace init: plain fork child (0 = pid 2)", g, 0);
        _exit(0);
    }
    wait_print("namespace init", c, 0);
}

static void test_clone_err_thread_after_unshare_newpid(void)
{
    pid_t c = xfork();
    if (c == 0) {
        say("unshare(CLONE_NEWPID): %s", res(unshare(CLONE_NEWPID)));
        say("getpid unchanged after unshare: %s", yesno(getpid() == sys_gettid()));
        try_clone("clone(CLONE_THREAD|CLONE_SIGHAND|CLONE_VM)", CLONE_THREAD | CLONE_SIGHAND | CLONE_VM);
        pid_t g = xfork();
        if (g == 0) _exit(getpid() == 1 ? 0 : 1);
        wait_print("first child after unshare (0 = it is pid 1)", g, 0);
        long r = fork();
        if (r == 0) _exit(0);
        say("fork after the namespace init exited: %s", res(r));
        if (r > 0) xwait((pid_t)r, 0);
        _exit(0);
    }
    wait_print("child", c, 0);
}

static void drop_to_nobody(void)
{
    CHECK(setgroups(0, NULL) == 0);
    CHECK(setresgid(65534, 65534, 65534) == 0);
    CHECK(setresuid(65534, 65534, 65534) == 0);
}

static void test_clone_err_unprivileged_namespaces(void)
{
    pid_t c = xfork();
    if (c == 0) {
        drop_to_nobody();
        static const struct { unsigned long f; const char *n; } ns[] = {
            { CLONE_NEWNS, "CLONE_NEWNS" },     { CLONE_NEWPID, "CLONE_NEWPID" },
            { CLONE_NEWUTS, "CLONE_NEWUTS" },   { CLONE_NEWIPC, "CLONE_NEWIPC" },
            { CLONE_NEWNET, "CLONE_NEWNET" },   { CLONE_NEWCGROUP, "CLONE_NEWCGROUP" },
        };
        char label[128];
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
            snprintf(label, sizeof label, "uid 65534: clone(%s|SIGCHLD)", ns[i].n);
            try_fork_clone(label, ns[i].f | SIGCHLD);
        }
        /* the order of copy_process's checks: CLONE_NEWNS|CLONE_FS before the capability,
         * CAP_SYS_ADMIN before CLONE_NEWIPC|CLONE_SYSVSEM (copy_namespaces) */
        try_fork_clone("uid 65534: clone(CLONE_NEWNS|CLONE_FS|SIGCHLD)", CLONE_NEWNS | CLONE_FS | SIGCHLD);
        try_fork_clone("uid 65534: clone(CLONE_NEWIPC|CLONE_SYSVSEM|SIGCHLD)", CLONE_NEWIPC | CLONE_SYSVSEM | SIGCHLD);
        say("uid 65534: unshare(CLONE_NEWPID): %s", res(unshare(CLONE_NEWPID)));
        try_fork_clone("uid 65534: clone(CLONE_NEWUSER|SIGCHLD)", CLONE_NEWUSER | SIGCHLD);
        try_fork_clone("uid 65534: clone(CLONE_NEWUSER|CLONE_NEWPID|SIGCHLD)", CLONE_NEWUSER | CLONE_NEWPID | SIGCHLD);
        _exit(0);
    }
    wait_print("child", c, 0);
}

static void test_clone_err_rlimit_nproc(void)
{
    pid_t c = xfork();
    if (c == 0) {
        struct rlimit rl = { 0, 0 };
        CHECK(setrlimit(RLIMIT_NPROC, &rl) == 0);
        try_fork_clone("root, RLIMIT_NPROC=0: fork", SIGCHLD);
        drop_to_nobody();
        try_fork_clone("uid 65534, RLIMIT_NPROC=0: fork", SIGCHLD);
        /* RLIMIT_NPROC is checked before copy_namespaces' CAP_SYS_ADMIN */
        try_fork_clone("uid 65534, RLIMIT_NPROC=0: clone(CLONE_NEWUTS|SIGCHLD)", CLONE_NEWUTS | SIGCHLD);
        struct cl_args a;
        memset(&a, 0, sizeof a);
        a.exit_signal = SIGCHLD;
        long r = sys_clone3(&a, sizeof a);
        if (r == 0) _exit(0);
        say("uid 65534, RLIMIT_NPROC=0: clone3: %s", res(r));
        if (r > 0) xwait((pid_t)r, 0);
        _exit(0);
    }
    wait_print("child", c, 0);
}

static void test_clone_ok_sighand_vm(void)
{
    try_clone("clone(CLONE_SIGHAND|CLONE_VM|SIGCHLD)", CLONE_SIGHAND | CLONE_VM | SIGCHLD);
    try_clone("clone(CLONE_SIGHAND|CLONE_VM|CLONE_FILES|CLONE_FS|SIGCHLD)",
              CLONE_SIGHAND | CLONE_VM | CLONE_FILES | CLONE_FS | SIGCHLD);
}

static void test_clone_ok_pidfd_thread(void)
{
    static volatile int ctid;
    int pidfd = -1;
    ctid = 1;
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_CHILD_CLEARTID | CLONE_PIDFD;
    fflush(NULL);
    long r = clone(exit0, stack_top(), flags, NULL, &pidfd, NULL, (int *)&ctid);
    say("clone(thread flags|CLONE_PIDFD): %s", res(r));
    if (r > 0) {
        wait_cleared(&ctid);
        say("pidfd returned: %s", yesno(pidfd >= 0 && fcntl(pidfd, F_GETFD) >= 0));
        say("pidfd close-on-exec: %s", yesno(pidfd >= 0 && (fcntl(pidfd, F_GETFD) & FD_CLOEXEC)));
        if (pidfd >= 0) close(pidfd);
    }
}

const struct conform_test clone_errors_tests[] = {
    T(clone_err_sighand_without_vm, "CLONE_SIGHAND without CLONE_VM: EINVAL"),
    T(clone_err_thread_without_sighand, "CLONE_THREAD without CLONE_SIGHAND: EINVAL"),
    T(clone_err_namespace_combos, "NEWNS|FS, NEWUSER|FS, NEWUSER|THREAD, NEWPID|THREAD, NEWIPC|SYSVSEM: EINVAL"),
    T(clone_err_pidfd, "legacy clone: PIDFD|PARENT_SETTID and PIDFD|DETACHED: EINVAL"),
    T(clone_err_parent_from_pidns_init, "CLONE_PARENT from a pid namespace init: EINVAL"),
    T(clone_err_thread_after_unshare_newpid, "after unshare(CLONE_NEWPID): CLONE_THREAD EINVAL, first child is pid 1"),
    T(clone_err_unprivileged_namespaces, "uid 65534: namespace flags EPERM, CLONE_NEWUSER alone succeeds"),
    T(clone_err_rlimit_nproc, "RLIMIT_NPROC=0: root may fork, uid 65534 gets EAGAIN"),
    T(clone_ok_sighand_vm, "CLONE_SIGHAND|CLONE_VM without CLONE_THREAD is accepted"),
    T(clone_ok_pidfd_thread, "CLONE_PIDFD|CLONE_THREAD is accepted"),
    { 0 }
};
