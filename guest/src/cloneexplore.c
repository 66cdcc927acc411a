/*
 * cloneexplore: the clone explorer.  Takes clone flags as arguments, calls clone(2) with
 * them, and reports what the child shares with its parent:
 *
 *   cloneexplore CLONE_VM|CLONE_SIGHAND       names joined by | (or given as several args)
 *   cloneexplore 0x111                        a number (hex or decimal)
 *   cloneexplore CLONE_VM SIGCHLD             an exit signal is a signal name or number
 *
 * With no arguments it clones with SIGCHLD alone, which is fork().
 * The child looks at each kernel object in turn and the parent then checks whether it
 * saw the change: memory (the child writes a global), the fd table (the child opens a
 * file), the filesystem info (the child chdirs), the signal handlers (the child installs
 * one), and the ids (pid, tid, ppid) and namespaces (/proc/self/ns links) on each side.
 * An invalid combination makes clone fail: the errno is printed, and forkscope's trace
 * shows the rule that rejected it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct { const char *name; unsigned long bit; const char *what; } FLAGS[] = {
    {"CLONE_VM", CLONE_VM, "share the address space"},
    {"CLONE_FS", CLONE_FS, "share cwd, root and umask"},
    {"CLONE_FILES", CLONE_FILES, "share the fd table"},
    {"CLONE_SIGHAND", CLONE_SIGHAND, "share signal handlers"},
    {"CLONE_PIDFD", CLONE_PIDFD, "return a pidfd"},
    {"CLONE_PTRACE", CLONE_PTRACE, "trace the child too if traced"},
    {"CLONE_VFORK", CLONE_VFORK, "suspend the parent until the child execs or exits"},
    {"CLONE_PARENT", CLONE_PARENT, "the child's parent is our parent"},
    {"CLONE_THREAD", CLONE_THREAD, "same thread group"},
    {"CLONE_NEWNS", CLONE_NEWNS, "new mount namespace"},
    {"CLONE_SYSVSEM", CLONE_SYSVSEM, "share SysV semaphore undo"},
    {"CLONE_SETTLS", CLONE_SETTLS, "set the thread pointer"},
    {"CLONE_PARENT_SETTID", CLONE_PARENT_SETTID, "store the tid in the parent"},
    {"CLONE_CHILD_CLEARTID", CLONE_CHILD_CLEARTID, "clear the tid at exit"},
    {"CLONE_DETACHED", 0x00400000, "ignored"},
    {"CLONE_UNTRACED", CLONE_UNTRACED, "no forced CLONE_PTRACE"},
    {"CLONE_CHILD_SETTID", CLONE_CHILD_SETTID, "store the tid in the child"},
    {"CLONE_NEWCGROUP", CLONE_NEWCGROUP, "new cgroup namespace"},
    {"CLONE_NEWUTS", CLONE_NEWUTS, "new UTS namespace"},
    {"CLONE_NEWIPC", CLONE_NEWIPC, "new IPC namespace"},
    {"CLONE_NEWUSER", CLONE_NEWUSER, "new user namespace"},
    {"CLONE_NEWPID", CLONE_NEWPID, "new pid namespace"},
    {"CLONE_NEWNET", CLONE_NEWNET, "new network namespace"},
    {"CLONE_IO", CLONE_IO, "share the I/O context"},
    {"CLONE_NEWTIME", CLONE_NEWTIME, "new time namespace"},
};
#define NFLAGS (sizeof FLAGS / sizeof FLAGS[0])

static const char *NS[] = {"cgroup", "ipc", "mnt", "net", "pid", "user", "uts"};
#define NNS (sizeof NS / sizeof NS[0])

/* what the child saw and did, written to the parent through a pipe */
struct report {
    int pid, tid, ppid;
    int fd;                 /* the fd the child opened */
    char ns[NNS][48];       /* its /proc/self/ns links */
    char hostname[64];
};

static volatile int marker = 1;  /* the child writes 2 */
static const char *new_cwd = "/tmp";  /* where the child chdirs: not where we are */
static int report_pipe[2];
static pid_t ptid, ctid;

static void usr1_handler(int sig) { (void)sig; }

static int parse_signal(const char *s, unsigned long *out)
{
    static const struct { const char *n; int v; } SIGS[] = {
        {"SIGCHLD", SIGCHLD}, {"SIGUSR1", SIGUSR1}, {"SIGUSR2", SIGUSR2}, {"SIGTERM", SIGTERM},
        {"SIGHUP", SIGHUP}, {"SIGINT", SIGINT}, {"SIGKILL", SIGKILL},
    };
    for (unsigned i = 0; i < sizeof SIGS / sizeof SIGS[0]; i++)
        if (!strcmp(s, SIGS[i].n) || !strcmp(s, SIGS[i].n + 3)) {
            *out = (unsigned long)SIGS[i].v;
            return 1;
        }
    return 0;
}

/* one token: a flag name (with or without CLONE_), a signal name, or a number */
static int parse_token(const char *tok, unsigned long *flags)
{
    if (!*tok)
        return 1;
    char *end;
    unsigned long v = strtoul(tok, &end, 0);
    if (end != tok && !*end) {
        *flags |= v;
        return 1;
    }
    for (unsigned i = 0; i < NFLAGS; i++)
        if (!strcasecmp(tok, FLAGS[i].name) || !strcasecmp(tok, FLAGS[i].name + 6)) {
            *flags |= FLAGS[i].bit;
            return 1;
        }
    if (parse_signal(tok, &v)) {
        *flags = (*flags & ~0xffUL) | v;
        return 1;
    }
    fprintf(stderr, "cloneexplore: unknown flag '%s'\n", tok);
    return 0;
}

static void print_flags(unsigned long flags)
{
    int first = 1;
    for (unsigned i = 0; i < NFLAGS; i++)
        if (flags & FLAGS[i].bit) {
            printf("%s%s", first ? "" : "|", FLAGS[i].name);
            first = 0;
        }
    unsigned long sig = flags & 0xff;
    if (sig)
        printf("%s%s", first ? "" : "|", sig == SIGCHLD ? "SIGCHLD" : strsignal((int)sig));
    else if (first)
        printf("0");
}

static void read_ns(char out[NNS][48])
{
    for (unsigned i = 0; i < NNS; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/ns/%s", NS[i]);
        ssize_t n = readlink(path, out[i], 47);
        out[i][n > 0 ? n : 0] = 0;
        if (n <= 0)
            snprintf(out[i], 48, "?");
    }
}

/* the child: change one thing per kernel object, then tell the parent what it saw */
static int child_main(void *arg)
{
    (void)arg;
    struct report r;
    memset(&r, 0, sizeof r);
    r.pid = getpid();
    r.tid = (int)syscall(SYS_gettid);
    r.ppid = getppid();
    marker = 2;                                   /* memory */
    r.fd = open("/dev/null", O_RDONLY);           /* fd table */
    int cd = chdir(new_cwd);                      /* cwd: fs_struct */
    (void)cd;
    struct sigaction sa;                          /* signal handlers */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = usr1_handler;
    sigaction(SIGUSR1, &sa, NULL);
    read_ns(r.ns);
    gethostname(r.hostname, sizeof r.hostname - 1);
    if (write(report_pipe[1], &r, sizeof r) != (ssize_t)sizeof r)
        return 1;
    return 0;                                     /* glibc's clone then calls exit(), not exit_group() */
}

static const char *yes(int c) { return c ? "SHARED" : "separate"; }

int main(int argc, char **argv)
{
    unsigned long flags = 0;
    int any = 0;
    for (int i = 1; i < argc; i++) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", argv[i]);
        for (char *tok = strtok(buf, "|, "); tok; tok = strtok(NULL, "|, ")) {
            if (!parse_token(tok, &flags))
                return 2;
            any = 1;
        }
    }
    if (!any)
        flags = SIGCHLD;

    setvbuf(stdout, NULL, _IONBF, 0);
    printf("clone(");
    print_flags(flags);
    printf(")\n");

    if (pipe(report_pipe) != 0) {
        perror("pipe");
        return 1;
    }
    char cwd_before[256];
    if (!getcwd(cwd_before, sizeof cwd_before))
        strcpy(cwd_before, "?");
    if (!strcmp(cwd_before, "/tmp"))
        new_cwd = "/";
    char ns_parent[NNS][48];
    read_ns(ns_parent);
    char host_parent[64] = {0};
    gethostname(host_parent, sizeof host_parent - 1);

    size_t stack_size = 256 * 1024;
    char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    int pidfd = -1;
    void *tls = __builtin_thread_pointer();
    pid_t pid = clone(child_main, stack + stack_size, (int)flags, NULL,
                      (flags & CLONE_PIDFD) ? (void *)&pidfd : (void *)&ptid, tls, &ctid);
    if (pid < 0) {
        int e = errno;
        printf("clone failed: %s (%s)\n", strerrorname_np(e), strerror(e));
        printf("the kernel refused this combination; the trace shows the rule that rejected it\n");
        return 1;
    }
    printf("clone returned %d in the parent\n", pid);

    struct report r;
    ssize_t got = 0;
    while (got < (ssize_t)sizeof r) {
        ssize_t n = read(report_pipe[0], (char *)&r + got, sizeof r - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += n;
    }
    if (got != (ssize_t)sizeof r) {
        printf("the child did not report\n");
        return 1;
    }
    /* reap it (a thread reaps itself: wait until it is gone) */
    if (flags & CLONE_THREAD) {
        while (syscall(SYS_tgkill, getpid(), r.tid, 0) == 0)
            sched_yield();
    } else {
        int st;
        while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
            ;
    }

    pid_t me = getpid();
    int mytid = (int)syscall(SYS_gettid);
    printf("\n%-10s %-10s %-10s\n", "", "parent", "child");
    printf("%-10s %-10d %-10d%s\n", "pid", me, r.pid, r.pid == me ? "  same process (thread group)" : "");
    printf("%-10s %-10d %-10d\n", "tid", mytid, r.tid);
    printf("%-10s %-10d %-10d%s\n", "ppid", getppid(), r.ppid,
           r.ppid == getppid() ? "  same parent" : r.ppid == me ? "  the child's parent is us" :
           r.ppid == 0 ? "  (parent outside its pid namespace)" : "");
    if (r.pid != pid && !(flags & CLONE_THREAD))
        printf("%-10s the child sees itself as pid %d; we see it as %d (new pid namespace)\n", "", r.pid, pid);

    printf("\nwhat the child changed, and whether the parent sees it:\n");
    printf("  memory     child wrote marker=2, parent reads %d: %s\n", marker, yes(marker == 2));
    int seen = fcntl(r.fd, F_GETFD) >= 0;
    printf("  fd table   child opened fd %d, parent %s it: %s\n", r.fd, seen ? "has" : "does not have", yes(seen));
    char cwd_after[256];
    if (!getcwd(cwd_after, sizeof cwd_after))
        strcpy(cwd_after, "?");
    printf("  fs         child did chdir(\"%s\"), parent's cwd is %s: %s\n", new_cwd, cwd_after,
           yes(strcmp(cwd_after, cwd_before) != 0));
    struct sigaction old;
    sigaction(SIGUSR1, NULL, &old);
    printf("  sighand    child set a SIGUSR1 handler, parent's is %s: %s\n",
           old.sa_handler == usr1_handler ? "that handler" : "SIG_DFL", yes(old.sa_handler == usr1_handler));
    if (flags & (CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
        printf("  tid words  parent_tid=%d child_tid=%d (CLEARTID zeroes it at exit)\n", (int)ptid, (int)ctid);
    if (flags & CLONE_PIDFD)
        printf("  pidfd      %d\n", pidfd);

    printf("\nnamespaces:\n");
    for (unsigned i = 0; i < NNS; i++)
        printf("  %-7s %s%s\n", NS[i], r.ns[i], strcmp(r.ns[i], ns_parent[i]) ? "  (new: differs from the parent's)" : "");
    if (strcmp(r.hostname, host_parent))
        printf("  hostname seen by the child: %s\n", r.hostname);
    return 0;
}
