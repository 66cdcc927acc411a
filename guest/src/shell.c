/* shell: the C library's ways of running a command through /bin/sh -- system(), popen() in
 * both directions, posix_spawn() and posix_spawnp() -- with their exit statuses, the way
 * test harnesses use them. Prints no pids, paths or times. (posix_spawn of a missing file is
 * left out: qemu-user runs CLONE_VFORK children as forks, so glibc cannot report the exec
 * error there and the reference output would differ from Linux's.) */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void status(const char *what, int st)
{
    if (st == -1)
        printf("%s: failed\n", what);
    else if (WIFEXITED(st))
        printf("%s: exit %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: status %#x\n", what, st);
}

static void spawn(const char *what, int usepath, char *const argv[])
{
    pid_t pid;
    int st, r;
    fflush(stdout);
    r = usepath ? posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ)
                : posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
    if (r != 0) {
        printf("%s: posix_spawn error %s\n", what, strerror(r));
        return;
    }
    if (waitpid(pid, &st, 0) != pid) {
        printf("%s: waitpid failed\n", what);
        return;
    }
    status(what, st);
}

int main(void)
{
    char line[256];
    FILE *p;
    int n;

    setvbuf(stdout, NULL, _IONBF, 0);
    printf("system(NULL) says a shell exists: %d\n", system(NULL) != 0);
    status("system echo", system("echo hi"));
    status("system exit 3", system("exit 3"));
    status("system pipeline", system("echo one two three | wc -w"));
    status("system kill", system("kill -TERM $$"));
    status("system missing", system("/nonexistent/command 2>/dev/null"));

    p = popen("echo from popen; echo second line; exit 5", "r");
    if (!p) {
        printf("popen r: failed\n");
    } else {
        n = 0;
        while (fgets(line, sizeof line, p))
            printf("popen r line %d: %s", ++n, line);
        status("pclose r", pclose(p));
    }

    p = popen("tr a-z A-Z", "w");
    if (!p) {
        printf("popen w: failed\n");
    } else {
        fputs("written through popen\n", p);
        status("pclose w", pclose(p));
    }

    {
        char *a1[] = {"/bin/sh", "-c", "echo spawned; exit 7", NULL};
        char *a2[] = {"sh", "-c", "echo spawnp through PATH", NULL};
        char *a3[] = {"/bin/sh", "-c", "test -n \"$HOME\" && echo has HOME", NULL};
        spawn("posix_spawn", 0, a1);
        spawn("posix_spawnp", 1, a2);
        spawn("posix_spawn env", 0, a3);
    }
    return 0;
}
