/* main.c - the conform multi-call program and the shared helpers.
 *
 *   conform list            test names, one per line
 *   conform describe        "name<TAB>description" per test
 *   conform NAME            run one test (exit 0 when it ran to completion)
 *   conform --helper NAME   hidden helpers used by exec tests
 *   conform interp-...      #! interpreter entry points (see exec.c)
 */
#include "conform.h"
#include <dirent.h>

char conform_exe[4096];

/* ---- output ------------------------------------------------------------ */

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

void say(const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    int saved = errno;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    if (n > (int)sizeof buf - 2) n = (int)sizeof buf - 2;
    buf[n++] = '\n';
    write_all(1, buf, (size_t)n);
    errno = saved;
}

void die(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    say("FAIL: %s", buf);
    _exit(1);
}

#define NBUF 8
static char *rot(void)
{
    static char bufs[NBUF][128];
    static unsigned i;
    return bufs[i++ % NBUF];
}

const char *ename(int e)
{
    if (e == 0) return "0";
    const char *n = strerrorname_np(e);
    if (n) return n;
    char *b = rot();
    snprintf(b, 128, "E%d", e);
    return b;
}

const char *sname(int sig)
{
    const char *a = (sig > 0 && sig < SIGRTMIN) ? sigabbrev_np(sig) : NULL;
    char *b = rot();
    if (a) snprintf(b, 128, "SIG%s", a);
    else snprintf(b, 128, "SIG%d", sig);
    return b;
}

const char *wstr(int st)
{
    char *b = rot();
    if (WIFEXITED(st))
        snprintf(b, 128, "WIFEXITED=1 WEXITSTATUS=%d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(b, 128, "WIFSIGNALED=1 WTERMSIG=%s WCOREDUMP=%d", sname(WTERMSIG(st)), WCOREDUMP(st) ? 1 : 0);
    else if (WIFSTOPPED(st)) {
        if (st >> 16)
            snprintf(b, 128, "WIFSTOPPED=1 WSTOPSIG=%s event=%d", sname(WSTOPSIG(st)), st >> 16);
        else
            snprintf(b, 128, "WIFSTOPPED=1 WSTOPSIG=%s", sname(WSTOPSIG(st)));
    } else if (WIFCONTINUED(st))
        snprintf(b, 128, "WIFCONTINUED=1");
    else
        snprintf(b, 128, "status=0x%x", st);
    return b;
}

const char *cldstr(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_TRAPPED: return "CLD_TRAPPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    case 0: return "0";
    }
    char *b = rot();
    snprintf(b, 128, "si_code=%d", code);
    return b;
}

const char *yesno(int b) { return b ? "yes" : "no"; }

const char *res(long r)
{
    int e = errno;
    if (r >= 0) return "ok";
    char *b = rot();
    snprintf(b, 128, "errno=%s", ename(e));
    return b;
}

const char *disp(int sig)
{
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) != 0) return "error";
    if (sa.sa_handler == SIG_DFL) return "default";
    if (sa.sa_handler == SIG_IGN) return "ignore";
    return "handler";
}

/* ---- clone3 with a new stack ------------------------------------------ */

#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".globl conform_clone3_asm\n"
    ".type conform_clone3_asm,@function\n"
    "conform_clone3_asm:\n"          /* rdi=args rsi=size rdx=fn rcx=arg */
    "    mov %rdx, %r8\n"
    "    mov %rcx, %r9\n"
    "    mov $435, %eax\n"
    "    syscall\n"
    "    test %rax, %rax\n"
    "    jnz 1f\n"
    "    xor %ebp, %ebp\n"
    "    and $-16, %rsp\n"
    "    mov %r9, %rdi\n"
    "    call *%r8\n"
    "    mov %eax, %edi\n"
    "    mov $60, %eax\n"
    "    syscall\n"
    "    hlt\n"
    "1:  ret\n"
    ".size conform_clone3_asm, .-conform_clone3_asm\n");
#elif defined(__riscv)
__asm__(
    ".text\n"
    ".globl conform_clone3_asm\n"
    ".type conform_clone3_asm,@function\n"
    "conform_clone3_asm:\n"          /* a0=args a1=size a2=fn a3=arg */
    "    mv t0, a2\n"
    "    mv t1, a3\n"
    "    li a7, 435\n"
    "    ecall\n"
    "    bnez a0, 1f\n"
    "    andi sp, sp, -16\n"
    "    mv a0, t1\n"
    "    jalr t0\n"
    "    li a7, 93\n"
    "    ecall\n"
    "    unimp\n"
    "1:  ret\n"
    ".size conform_clone3_asm, .-conform_clone3_asm\n");
#endif
extern long conform_clone3_asm(struct cl_args *a, size_t size, int (*fn)(void *), void *arg);

long clone3_fn(struct cl_args *a, size_t size, int (*fn)(void *), void *arg)
{
    long r = conform_clone3_asm(a, size, fn, arg);
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

/* ---- processes ---------------------------------------------------------- */

void *stack_top(void)
{
    size_t sz = 256 * 1024;
    char *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    CHECK(p != MAP_FAILED);
    return p + sz;
}

void *shared_mem(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    return p;
}

pid_t xfork(void)
{
    fflush(NULL);
    pid_t p = fork();
    CHECK(p >= 0);
    return p;
}

int xwait(pid_t pid, int flags)
{
    int st = 0;
    pid_t r;
    do r = waitpid(pid, &st, flags);
    while (r < 0 && errno == EINTR);
    if (r < 0) die("waitpid: errno=%s", ename(errno));
    if (pid > 0 && r != pid && !(flags & WNOHANG)) die("waitpid returned another pid");
    return st;
}

void wait_clean(const char *label, pid_t pid)
{
    int st = xwait(pid, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) say("%s: %s", label, wstr(st));
}

void wait_print(const char *label, pid_t pid, int flags)
{
    int st = xwait(pid, flags);
    say("%s: %s", label, wstr(st));
}

void chan_open(struct chan *c)
{
    int fds[2];
    CHECK(pipe2(fds, O_CLOEXEC) == 0);
    c->r = fds[0];
    c->w = fds[1];
}

void chan_send(struct chan *c, long v)
{
    CHECK(write(c->w, &v, sizeof v) == sizeof v);
}

long chan_recv(struct chan *c)
{
    long v;
    ssize_t n;
    do n = read(c->r, &v, sizeof v);
    while (n < 0 && errno == EINTR);
    if (n != sizeof v) return -1;
    return v;
}

void chan_close(struct chan *c)
{
    if (c->r >= 0) close(c->r);
    if (c->w >= 0) close(c->w);
    c->r = c->w = -1;
}

void wait_cleared(volatile int *addr)
{
    for (;;) {
        int v = *addr;
        if (v == 0) return;
        futex_wait(addr, v);
    }
}

pid_t spawn_thread(int (*fn)(void *), void *arg, volatile int *ctid)
{
    *ctid = -1;
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID;
    fflush(NULL);
    int r = clone(fn, stack_top(), flags, arg, (int *)ctid, NULL, (int *)ctid);
    CHECK(r > 0);
    return r;
}

int exec_helper(const char *name, char *const args[], char *const envp[])
{
    char *argv[64];
    int n = 0;
    argv[n++] = conform_exe;
    argv[n++] = (char *)"--helper";
    argv[n++] = (char *)name;
    for (int i = 0; args && args[i] && n < 63; i++) argv[n++] = args[i];
    argv[n] = NULL;
    static char *empty_env[] = { NULL };
    extern char **environ;
    return execve(conform_exe, argv, envp ? envp : (environ ? environ : empty_env));
}

/* ---- temporary directory ---------------------------------------------- */

static char tmpdir[64];

const char *tmp_dir(void)
{
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/conform.XXXXXX");
        CHECK(mkdtemp(tmpdir) != NULL);
    }
    return tmpdir;
}

const char *tmp_path(const char *name)
{
    char *b = rot();
    snprintf(b, 128, "%s/%s", tmp_dir(), name);
    return b;
}

static int rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return -1;
    if (S_ISDIR(st.st_mode)) {
        char cmd[512];
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
                snprintf(cmd, sizeof cmd, "%s/%s", path, e->d_name);
                rm_tree(cmd);
            }
            closedir(d);
        }
        return rmdir(path);
    }
    return unlink(path);
}

void tmp_cleanup(void)
{
    if (tmpdir[0]) {
        rm_tree(tmpdir);
        tmpdir[0] = 0;
    }
}

void write_file(const char *path, const char *content, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    CHECK(fd >= 0);
    write_all(fd, content, strlen(content));
    struct stat st;
    if (fstat(fd, &st) == 0 && (st.st_mode & 07777) != mode) CHECK(fchmod(fd, mode) == 0);
    close(fd);
}

long write_once(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    long r = write(fd, s, strlen(s));
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

const char *norm_path(const char *p)
{
    if (strncmp(p, "/tmp/conform.", 13) == 0) {
        const char *s = strchr(p + 13, '/');
        char *b = rot();
        snprintf(b, 128, "<tmp>%s", s ? s : "");
        return b;
    }
    if (conform_exe[0] && strcmp(p, conform_exe) == 0) return "<exe>";
    return p;
}

/* ---- dispatch ----------------------------------------------------------- */

static const struct conform_test *const groups[] = {
    clone_flags_tests, clone_errors_tests, clone3_tests, vfork_tests, wait_tests,
    pidfd_tests, exec_tests, signals_tests, ptrace_tests, threads_tests, futex_tests, signals2_tests,
    namespaces_tests, netns_tests, mountns_tests, cgroupns_tests, pty_tests, ptyjob_tests,
    procfs_tests, fsbehav_tests, resource_tests, rlimits_tests, bits64_tests,
};

int main(int argc, char **argv)
{
    ssize_t n = readlink("/proc/self/exe", conform_exe, sizeof conform_exe - 1);
    if (n > 0) conform_exe[n] = 0;
    else if (argc > 0) snprintf(conform_exe, sizeof conform_exe, "%s", argv[0]);
    setvbuf(stdout, NULL, _IONBF, 0);

    if (argc >= 2 && (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "describe") == 0)) {
        int desc = argv[1][0] == 'd';
        for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
            for (const struct conform_test *t = groups[g]; t->name; t++) {
                if (desc) say("%s\t%s", t->name, t->desc);
                else say("%s", t->name);
            }
        return 0;
    }
    /* #! interpreter entries and hidden helpers */
    if (argc >= 2) {
        const char *name = NULL;
        int off = 0;
        if (strcmp(argv[1], "--helper") == 0 && argc >= 3) { name = argv[2]; off = 2; }
        else if (strncmp(argv[1], "interp", 6) == 0) { name = "interp"; off = 0; }
        else if (argv[1][0] == '/' || strncmp(argv[1], "./", 2) == 0) { name = "interp"; off = 0; }
        if (name) {
            for (const struct conform_helper *h = exec_helpers; h->name; h++)
                if (strcmp(h->name, name) == 0) return h->fn(argc - off, argv + off);
            for (const struct conform_helper *h = cgroupns_helpers; h->name; h++)
                if (strcmp(h->name, name) == 0) return h->fn(argc - off, argv + off);
            for (const struct conform_helper *h = procfs_helpers; h->name; h++)
                if (strcmp(h->name, name) == 0) return h->fn(argc - off, argv + off);
            say("unknown helper %s", name);
            return 2;
        }
    }
    if (argc < 2 && getenv("CONFORM_HELPER")) {
        const char *name = getenv("CONFORM_HELPER");
        for (const struct conform_helper *h = exec_helpers; h->name; h++)
            if (strcmp(h->name, name) == 0) return h->fn(argc, argv);
        return 2;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: conform list | describe | TESTNAME\n");
        return 2;
    }
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        for (const struct conform_test *t = groups[g]; t->name; t++)
            if (strcmp(t->name, argv[1]) == 0) {
                t->fn();
                tmp_cleanup();
                return 0;
            }
    fprintf(stderr, "conform: unknown test %s\n", argv[1]);
    return 2;
}
