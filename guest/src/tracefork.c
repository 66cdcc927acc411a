/*
 * tracefork: a fork/wait/signal program whose --trace is compared with strace -f of its
 * native build (test/trace.test.ts).  Children exit with a status, are killed by SIGKILL,
 * fault with SIGSEGV (RLIMIT_CORE is 0, so no core), and report with SIGCHLD to a handler;
 * events are ordered with pipes and wait, so every task's own call sequence is fixed.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_chld(int sig)
{
    (void)sig;
    got++;
}

static void say(const char *s)
{
    if (write(1, s, strlen(s)) < 0)
        _exit(99);
}

int main(void)
{
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR1);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);

    /* 1: a child that exits with 3 */
    pid_t p = fork();
    if (p == 0) {
        say("child: exiting with 3\n");
        _exit(3);
    }
    int st;
    waitpid(p, &st, 0);
    say(WIFEXITED(st) && WEXITSTATUS(st) == 3 ? "parent: child exited 3\n" : "parent: ?\n");

    /* 2: a child that stops itself and is killed with SIGKILL while stopped */
    p = fork();
    if (p == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    waitpid(p, &st, WUNTRACED);
    say(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP ? "parent: child stopped\n" : "parent: ?\n");
    kill(p, SIGKILL);
    waitpid(p, &st, 0);
    say(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? "parent: child killed\n" : "parent: ?\n");

    /* 2b: a pipe between parent and child */
    int fd[2];
    if (pipe(fd) != 0)
        return 1;
    p = fork();
    if (p == 0) {
        char c = 0;
        close(fd[1]);
        if (read(fd[0], &c, 1) != 1)
            _exit(98);
        _exit(c == 'x' ? 0 : 1);
    }
    close(fd[0]);
    if (write(fd[1], "x", 1) != 1)
        return 1;
    close(fd[1]);
    waitpid(p, &st, 0);
    say(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "parent: child read the pipe\n" : "parent: ?\n");

    /* 3: a child that writes through a NULL pointer */
    p = fork();
    if (p == 0) {
        *(volatile int *)0 = 1;
        _exit(0);
    }
    waitpid(p, &st, 0);
    say(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? "parent: child segfaulted\n" : "parent: ?\n");

    /* 4: a signal sent to itself, blocked and then unblocked */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    kill(getpid(), SIGCHLD);
    sigprocmask(SIG_SETMASK, &old, NULL);
    say(got >= 5 ? "parent: handler ran\n" : "parent: ?\n");
    return 0;
}
