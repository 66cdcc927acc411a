/* Clone's bit 0x02000000 under each personality: CLONE_STOPPED on forkscope's linux-2.6 (the
 * child starts in TASK_STOPPED with SIGSTOP pending and runs only after SIGCONT; wait does not
 * report that stop), CLONE_NEWCGROUP on Linux 6.x (the child runs at once in a new cgroup
 * namespace). Also 2.6's CLONE_NEWUSER rule and 2.6's unshare flags. Prints what it sees. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIT25 0x02000000

static char state_of(pid_t pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return '?';
    char st = '?';
    while (fgets(buf, sizeof buf, f))
        if (strncmp(buf, "State:", 6) == 0) {
            char *p = buf + 6;
            while (*p == ' ' || *p == '\t') p++;
            st = *p;
        }
    fclose(f);
    return st;
}

static void show_status(const char *what, int st) {
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by %d\n", what, WTERMSIG(st));
    else if (WIFSTOPPED(st)) printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    else if (WIFCONTINUED(st)) printf("%s: continued\n", what);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct utsname u;
    uname(&u);
    printf("release %.2s\n", u.release);
    fflush(stdout);
    long pid = syscall(SYS_clone, BIT25 | SIGCHLD, 0, 0, 0, 0);
    if (pid < 0) printf("clone(0x02000000|SIGCHLD): %s\n", strerror(errno));
    if (pid == 0) {
        char cg[256] = "";
        FILE *f = fopen("/proc/self/cgroup", "r");
        if (f) {
            if (!fgets(cg, sizeof cg, f)) cg[0] = 0;
            fclose(f);
        }
        printf("child runs; cgroup %s", cg);
        fflush(stdout);
        _exit(7);
    }
    /* give a child that may run a chance to run and finish first */
    for (int i = 0; i < 20; i++) sched_yield();
    int st = 0;
    pid_t w = pid > 0 ? waitpid(pid, &st, WNOHANG | WUNTRACED | WCONTINUED) : -1;
    if (pid < 0) {
    } else if (w == 0) {
        printf("child state %c; waitpid(WNOHANG|WUNTRACED|WCONTINUED) reports nothing\n", state_of(pid));
        kill(pid, SIGCONT);
        w = waitpid(pid, &st, WUNTRACED | WCONTINUED);
        show_status("after SIGCONT", st);
    } else {
        show_status("without SIGCONT", st);
    }
    /* CLONE_NEWUSER with CLONE_THREAD: EINVAL in both; CLONE_NEWUSER alone: 2.6 needs three caps */
    errno = 0;
    long r = syscall(SYS_clone, CLONE_NEWUSER | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM, 0, 0, 0, 0);
    printf("clone(CLONE_NEWUSER|CLONE_THREAD|...): %ld %s\n", r, r < 0 ? strerror(errno) : "");
    if (getuid() != 0) {
        r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
        if (r == 0) _exit(0);
        if (r > 0) waitpid(r, 0, 0);
        printf("unprivileged clone(CLONE_NEWUSER): %s\n", r < 0 ? strerror(errno) : "ok");
        /* the order of the checks: 2.6's do_fork checks CLONE_NEWUSER's capabilities before
         * copy_process's CLONE_FS rule, 6.x the other way round; both check CAP_SYS_ADMIN before
         * CLONE_NEWIPC|CLONE_SYSVSEM (copy_namespaces), after CLONE_NEWNS|CLONE_FS (copy_process) */
        static const struct { long f; const char *n; } combos[] = {
            { CLONE_NEWUSER | CLONE_FS, "CLONE_NEWUSER|CLONE_FS" },
            { CLONE_NEWNS | CLONE_FS, "CLONE_NEWNS|CLONE_FS" },
            { CLONE_NEWIPC | CLONE_SYSVSEM, "CLONE_NEWIPC|CLONE_SYSVSEM" },
        };
        for (unsigned i = 0; i < sizeof combos / sizeof combos[0]; i++) {
            errno = 0;
            r = syscall(SYS_clone, combos[i].f | SIGCHLD, 0, 0, 0, 0);
            if (r == 0) _exit(0);
            if (r > 0) waitpid(r, 0, 0);
            printf("unprivileged clone(%s): %s\n", combos[i].n, r < 0 ? strerror(errno) : "ok");
        }
    }
    r = unshare(CLONE_NEWPID);
    printf("unshare(CLONE_NEWPID): %s\n", r < 0 ? strerror(errno) : "ok");
    return 0;
}
