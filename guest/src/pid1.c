/* pid1: what a program sees when it runs as init (forkscope run --init, Linux's init=):
 * its ids, an orphan reparented to it, wait() finding only its own children (never kthreadd),
 * signals it has no handler for not reaching it, and, with "crash", a fault that kills it
 * (the kernel then panics: "Attempted to kill init!"). Run without --init it shows the
 * ordinary answers instead. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_usr1(int s) { got = s; }

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("pid %d ppid %d pgrp %d sid %d\n", getpid(), getppid(), getpgrp(), getsid(0));
    int p[2];
    if (pipe(p) != 0) return 1;
    pid_t mid = fork();
    if (mid == 0) {
        if (fork() == 0) {
            char c;
            close(p[1]);
            read(p[0], &c, 1); /* EOF once the middle process and init closed the pipe */
            printf("orphan's parent is now %d\n", getppid());
            _exit(7);
        }
        _exit(0);
    }
    close(p[0]);
    int st;
    pid_t w = waitpid(mid, &st, 0);
    printf("middle reaped: %s, status %d\n", w == mid ? "yes" : "no", WEXITSTATUS(st));
    close(p[1]);
    w = wait(&st);
    printf("orphan reaped by me: %s, status %d\n", w > 0 && w != mid ? "yes" : "no", WEXITSTATUS(st));
    errno = 0;
    w = waitpid(-1, &st, WNOHANG);
    printf("more children: %d %s\n", (int)w, strerror(errno));
    printf("kill(self, SIGKILL) = %d\n", kill(getpid(), SIGKILL));
    printf("kill(self, SIGTERM) = %d\n", kill(getpid(), SIGTERM));
    signal(SIGUSR1, on_usr1);
    kill(getpid(), SIGUSR1);
    printf("handled signal %d\n", (int)got);
    if (argc > 1 && strcmp(argv[1], "crash") == 0) {
        printf("faulting\n");
        volatile int *volatile bad = (volatile int *)8;
        *bad = 1;
    }
    return 5;
}
