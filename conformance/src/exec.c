/* exec.c - execve(2): what survives (fds, signal state, pid), exec from a
 * non-leader thread, #! scripts, errors.  Also the hidden helpers that the
 * exec, vfork, wait and ptrace tests run in a fresh image. */
#include "conform.h"

/* ---- helpers (run after execve) ---------------------------------------- */

static int h_true(int argc, char **argv) { return 0; }

static int h_exit(int argc, char **argv) { return argc > 1 ? atoi(argv[1]) : 0; }

/* fds LABEL FD LABEL FD ... : is each fd open? */
static int h_fds(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        int fd = atoi(argv[i + 1]);
        say("  after exec: %s open: %s", argv[i], yesno(fcntl(fd, F_GETFD) >= 0));
    }
    return 0;
}

static int h_sigstate(int argc, char **argv)
{
    say("  after exec: SIGUSR1 %s, SIGUSR2 %s, SIGCHLD %s, SIGTERM %s", disp(SIGUSR1), disp(SIGUSR2), disp(SIGCHLD),
        disp(SIGTERM));
    sigset_t m, p;
    sigprocmask(SIG_BLOCK, NULL, &m);
    sigpending(&p);
    say("  after exec: SIGINT blocked: %s, SIGINT pending: %s, SIGQUIT blocked: %s", yesno(sigismember(&m, SIGINT)),
        yesno(sigismember(&p, SIGINT)), yesno(sigismember(&m, SIGQUIT)));
    return 0;
}

/* wait-fd FD CODE: block until FD reads EOF or a byte, then exit CODE */
static int h_wait_fd(int argc, char **argv)
{
    char c;
    int fd = atoi(argv[1]);
    while (read(fd, &c, 1) < 0 && errno == EINTR) {}
    return argc > 2 ? atoi(argv[2]) : 0;
}

/* ids OLDTGID OLDPPID OTHERTID EXECERTID */
static int h_ids(int argc, char **argv)
{
    pid_t tgid = atoi(argv[1]), ppid = atoi(argv[2]), other = atoi(argv[3]), execer = atoi(argv[4]);
    say("  new image: getpid == old tgid: %s", yesno(getpid() == tgid));
    say("  new image: gettid == getpid: %s", yesno(sys_gettid() == getpid()));
    say("  new image: getppid unchanged: %s", yesno(getppid() == ppid));
    say("  new image: other thread gone: tgkill -> %s", res(sys_tgkill(getpid(), other, 0)));
    say("  new image: exec'ing thread's old tid: tgkill -> %s",
        execer == tgid ? "same" : res(sys_tgkill(getpid(), execer, 0)));
    return 0;
}

/* pid OLDPID OLDPPID */
static int h_pid(int argc, char **argv)
{
    say("  after exec: getpid unchanged: %s", yesno(getpid() == atoi(argv[1])));
    say("  after exec: getppid unchanged: %s", yesno(getppid() == atoi(argv[2])));
    return 0;
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

static int h_comm(int argc, char **argv)
{
    char comm[64], pr[32] = { 0 }, want[16] = { 0 };
    const char *base = strrchr(conform_exe, '/');
    base = base ? base + 1 : conform_exe;
    memcpy(want, base, strnlen(base, 15));
    int ok = read_comm(comm, sizeof comm) == 0;
    prctl(PR_GET_NAME, pr);
    say("  after exec: /proc/self/comm == basename(exe)[:15]: %s", yesno(ok && strcmp(comm, want) == 0));
    say("  after exec: PR_GET_NAME == basename(exe)[:15]: %s", yesno(strcmp(pr, want) == 0));
    return 0;
}

/* args: print argc, argv[1..] and the environment */
static int h_args(int argc, char **argv)
{
    extern char **environ;
    say("  argc=%d", argc);
    for (int i = 0; i < argc; i++) {
        if (i == 0 && strcmp(argv[0], conform_exe) == 0) say("  argv[0]=<exe>");
        else say("  argv[%d]=\"%s\"", i, norm_path(argv[i]));
    }
    say("  argv[argc] is NULL: %s", yesno(argv[argc] == NULL));
    int n = 0;
    for (char **e = environ; e && *e; e++) say("  env[%d]=\"%s\"", n++, *e);
    say("  envc=%d", n);
    return 0;
}

/* #! interpreter entry: argv[0] is the interpreter path from the #! line */
static int h_interp(int argc, char **argv)
{
    say("  interpreter argc=%d", argc);
    say("  interpreter argv[0] is the #! path: %s", yesno(strcmp(argv[0], conform_exe) == 0));
    for (int i = 1; i < argc; i++) say("  interpreter argv[%d]=\"%s\"", i, norm_path(argv[i]));
    return 0;
}

/* raise SIG: kill itself with a signal after exec */
static int h_raise(int argc, char **argv)
{
    signal(atoi(argv[1]), SIG_DFL);
    raise(atoi(argv[1]));
    return 99;
}

/* ---- tests ---------------------------------------------------------------- */

static const char *num(long v)
{
    static char b[16][24];
    static int i;
    char *s = b[i++ & 15];
    snprintf(s, 24, "%ld", v);
    return s;
}

static void run_helper_child(const char *label, const char *name, char *const args[])
{
    pid_t c = xfork();
    if (c == 0) {
        exec_helper(name, args, NULL);
        say("execve: errno=%s", ename(errno));
        _exit(127);
    }
    wait_print(label, c, 0);
}

static void test_exec_cloexec_fds(void)
{
    int a = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int b = open("/dev/null", O_RDONLY);
    int c = open("/dev/null", O_RDONLY);
    CHECK(a >= 0 && b >= 0 && c >= 0);
    CHECK(fcntl(c, F_SETFD, FD_CLOEXEC) == 0);
    int d = dup(a); /* dup clears close-on-exec */
    int e = fcntl(b, F_DUPFD_CLOEXEC, 0);
    int p[2];
    CHECK(pipe2(p, O_CLOEXEC) == 0);
    char *args[] = { "O_CLOEXEC", (char *)num(a), "plain", (char *)num(b), "F_SETFD(FD_CLOEXEC)", (char *)num(c),
                     "dup(O_CLOEXEC fd)", (char *)num(d), "F_DUPFD_CLOEXEC", (char *)num(e),
                     "pipe2(O_CLOEXEC) read end", (char *)num(p[0]), NULL };
    run_helper_child("helper", "fds", args);
}

static void h_nop(int s) { (void)s; }

static void test_exec_signal_state(void)
{
    pid_t c = xfork();
    if (c == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = h_nop;
        sigaction(SIGUSR1, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGUSR2, SIG_IGN);
        signal(SIGCHLD, SIG_IGN);
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGINT);
        sigaddset(&m, SIGQUIT);
        sigprocmask(SIG_BLOCK, &m, NULL);
        raise(SIGINT);
        say("  before exec: SIGUSR1 %s, SIGUSR2 %s, SIGCHLD %s, SIGTERM %s", disp(SIGUSR1), disp(SIGUSR2),
            disp(SIGCHLD), disp(SIGTERM));
        char *args[] = { NULL };
        exec_helper("sigstate", args, NULL);
        _exit(127);
    }
    wait_print("child", c, 0);
}

static volatile int block_forever;
static volatile pid_t et_other, et_tgid, et_ppid;

static int et_block(void *a)
{
    for (;;) futex_wait(&block_forever, 0);
    return 0;
}

static int et_exec(void *a)
{
    pid_t me = sys_gettid();
    char *args[] = { (char *)num(et_tgid), (char *)num(et_ppid), (char *)num(et_other), (char *)num(me), NULL };
    exec_helper("ids", args, NULL);
    return 127;
}

static void test_exec_from_thread(void)
{
    pid_t c = xfork();
    if (c == 0) {
        static volatile int ct1, ct2;
        et_tgid = getpid();
        et_ppid = getppid();
        et_other = spawn_thread(et_block, NULL, &ct1);
        spawn_thread(et_exec, NULL, &ct2);
        for (;;) pause();
    }
    wait_print("process after a non-leader thread exec'd", c, 0);
}

static void test_exec_keeps_pid(void)
{
    pid_t c = xfork();
    if (c == 0) {
        char *args[] = { (char *)num(getpid()), (char *)num(getppid()), NULL };
        exec_helper("pid", args, NULL);
        _exit(127);
    }
    wait_print("child", c, 0);
}

static void test_exec_comm(void)
{
    pid_t c = xfork();
    if (c == 0) {
        prctl(PR_SET_NAME, "before-exec");
        char *args[] = { NULL };
        exec_helper("comm", args, NULL);
        _exit(127);
    }
    wait_print("child", c, 0);
}

static void test_exec_argv_envp(void)
{
    char *args[] = { "one", "", "three with spaces", NULL };
    char *env[] = { "A=1", "EMPTY=", "NOEQUALS", NULL };
    pid_t c = xfork();
    if (c == 0) {
        exec_helper("args", args, env);
        _exit(127);
    }
    wait_print("child", c, 0);
    /* empty argv: the kernel supplies argv[0]="" (argc 1) */
    c = xfork();
    if (c == 0) {
        char *argv0[] = { NULL };
        char *env2[] = { "CONFORM_HELPER=args", NULL };
        execve(conform_exe, argv0, env2);
        _exit(127);
    }
    wait_print("child with empty argv", c, 0);
}

static void exec_expect(const char *label, const char *path, char *const argv[], char *const envp[])
{
    pid_t c = xfork();
    if (c == 0) {
        execve(path, argv, envp);
        say("%s: errno=%s", label, ename(errno));
        _exit(0);
    }
    int st = xwait(c, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) say("%s: child %s", label, wstr(st));
}

static char *const noargv[] = { "x", NULL };
static char *const noenv[] = { NULL };

static void test_exec_err_enoent(void)
{
    exec_expect("execve(\"/nonexistent/prog\")", "/nonexistent/prog", noargv, noenv);
    exec_expect("execve(\"\")", "", noargv, noenv);
    write_file(tmp_path("badinterp"), "#!/nonexistent/interpreter\n", 0755);
    exec_expect("execve(script with missing interpreter)", tmp_path("badinterp"), noargv, noenv);
}

static void test_exec_err_eacces(void)
{
    write_file(tmp_path("noexec"), "#!/bin/sh\nexit 0\n", 0644);
    exec_expect("execve(mode 0644 file)", tmp_path("noexec"), noargv, noenv);
    exec_expect("execve(directory)", tmp_dir(), noargv, noenv);
    exec_expect("execve(\"/tmp/\")", "/tmp/", noargv, noenv);
}

static void test_exec_err_enoexec(void)
{
    write_file(tmp_path("text"), "hello world\n", 0755);
    exec_expect("execve(text file without #!)", tmp_path("text"), noargv, noenv);
    write_file(tmp_path("empty"), "", 0755);
    exec_expect("execve(empty file)", tmp_path("empty"), noargv, noenv);
    write_file(tmp_path("elfstub"), "\177ELF", 0755);
    exec_expect("execve(4-byte \\177ELF file)", tmp_path("elfstub"), noargv, noenv);
}

static void test_exec_err_e2big(void)
{
    pid_t c = xfork();
    if (c == 0) {
        struct rlimit rl = { 8 << 20, 8 << 20 };
        CHECK(setrlimit(RLIMIT_STACK, &rl) == 0);
        size_t n = 200000;
        char *big = malloc(n + 1);
        CHECK(big != NULL);
        memset(big, 'a', n);
        big[n] = 0;
        char *argv1[] = { "x", big, NULL };
        execve(conform_exe, argv1, noenv);
        say("execve(one 200000-byte argument): errno=%s", ename(errno));
        big[100000] = 0;
        char *argv2[40];
        for (int i = 0; i < 39; i++) argv2[i] = big;
        argv2[39] = NULL;
        execve(conform_exe, argv2, noenv);
        say("execve(39 x 100000-byte arguments): errno=%s", ename(errno));
        char *env1[] = { big, NULL };
        big[100000] = 'a';
        execve(conform_exe, noargv, env1);
        say("execve(one 200000-byte environment string): errno=%s", ename(errno));
        _exit(0);
    }
    wait_print("child", c, 0);
}

static void test_exec_err_path(void)
{
    write_file(tmp_path("file"), "x", 0755);
    exec_expect("execve(\"<tmp>/file/x\")", tmp_path("file/x"), noargv, noenv);
    char longname[300];
    memset(longname, 'n', 299);
    longname[299] = 0;
    char lp[512];
    snprintf(lp, sizeof lp, "%s/%s", tmp_dir(), longname);
    exec_expect("execve(300-char component)", lp, noargv, noenv);
    char *longpath = malloc(5000);
    CHECK(longpath != NULL);
    for (int i = 0; i < 4999; i++) longpath[i] = (i % 2) ? '/' : 'a';
    longpath[4999] = 0;
    longpath[0] = '/';
    exec_expect("execve(4999-char path)", longpath, noargv, noenv);
    exec_expect("execve((char *)1)", (const char *)1, noargv, noenv);
    char *const *volatile bad = (char *const *)1;
    exec_expect("execve(exe, argv=(char **)1)", conform_exe, bad, noenv);
    exec_expect("execve(exe, envp=(char **)1)", conform_exe, noargv, bad);
}

static void test_exec_script(void)
{
    char buf[8192];
    /* one optional argument: everything after the interpreter, trimmed */
    snprintf(buf, sizeof buf, "#!%s interp-opt  x y \t\nthis line is not read\n", conform_exe);
    write_file(tmp_path("script-arg"), buf, 0755);
    /* no argument */
    snprintf(buf, sizeof buf, "#! %s\n", conform_exe);
    write_file(tmp_path("script-noarg"), buf, 0755);
    char *argv1[] = { "ignored-argv0", "a", "b c", NULL };
    pid_t c = xfork();
    if (c == 0) {
        execve(tmp_path("script-arg"), argv1, noenv);
        die("execve: errno=%s", ename(errno));
    }
    wait_print("script with an optional argument", c, 0);
    c = xfork();
    if (c == 0) {
        execve(tmp_path("script-noarg"), argv1, noenv);
        die("execve: errno=%s", ename(errno));
    }
    wait_print("script without an argument", c, 0);
    c = xfork();
    if (c == 0) {
        CHECK(chdir(tmp_dir()) == 0);
        execve("./script-arg", argv1, noenv);
        die("execve: errno=%s", ename(errno));
    }
    wait_print("script run by a relative path", c, 0);
}

static void test_exec_script_nested(void)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "#!%s interp-inner\n", conform_exe);
    write_file(tmp_path("inner"), buf, 0755);
    snprintf(buf, sizeof buf, "#!%s outer-arg\n", tmp_path("inner"));
    write_file(tmp_path("outer"), buf, 0755);
    char *argv1[] = { "argv0", "z", NULL };
    pid_t c = xfork();
    if (c == 0) {
        execve(tmp_path("outer"), argv1, noenv);
        die("execve: errno=%s", ename(errno));
    }
    wait_print("script whose interpreter is a script", c, 0);
    write_file(tmp_path("noexec-interp"), "#!/bin/sh\n", 0644);
    snprintf(buf, sizeof buf, "#!%s\n", tmp_path("noexec-interp"));
    write_file(tmp_path("s2"), buf, 0755);
    exec_expect("execve(script whose interpreter has no x bit)", tmp_path("s2"), argv1, noenv);
}

const struct conform_test exec_tests[] = {
    T(exec_cloexec_fds, "execve closes close-on-exec fds and keeps the others"),
    T(exec_signal_state, "execve resets handled signals, keeps ignored ones, the mask and pending signals"),
    T(exec_from_thread, "execve from a non-leader thread: same pid, other threads gone"),
    T(exec_keeps_pid, "execve keeps pid and parent"),
    T(exec_comm, "execve sets comm to the file's basename"),
    T(exec_argv_envp, "argv and envp arrive intact; empty argv gives argc 1"),
    T(exec_err_enoent, "execve ENOENT: missing file, empty path, missing #! interpreter"),
    T(exec_err_eacces, "execve EACCES: no x bit, a directory"),
    T(exec_err_enoexec, "execve ENOEXEC: text without #!, empty file, truncated ELF"),
    T(exec_err_e2big, "execve E2BIG: long argument, too many bytes, long environment"),
    T(exec_err_path, "execve ENOTDIR, ENAMETOOLONG, EFAULT"),
    T(exec_script, "#! scripts: interpreter gets the optional argument, the script path and the args"),
    T(exec_script_nested, "#! script whose interpreter is itself a script"),
    { 0 }
};

const struct conform_helper exec_helpers[] = {
    { "true", h_true },
    { "exit", h_exit },
    { "fds", h_fds },
    { "sigstate", h_sigstate },
    { "wait-fd", h_wait_fd },
    { "ids", h_ids },
    { "pid", h_pid },
    { "comm", h_comm },
    { "args", h_args },
    { "interp", h_interp },
    { "raise", h_raise },
    { 0 }
};
