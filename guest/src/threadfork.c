/*
 * threadfork: a process tree with threads for --tree (test/tree.test.ts): the main thread starts
 * a thread that forks a child, then forks a child itself; pstree -pt shows the thread under its
 * process and each child once, under the thread that created it.
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static void *worker(void *arg)
{
    (void)arg;
    pid_t p = fork();
    if (p == 0)
        _exit(1);
    waitpid(p, NULL, 0);
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 1;
    pthread_join(t, NULL);
    pid_t p = fork();
    if (p == 0)
        _exit(2);
    waitpid(p, NULL, 0);
    return 0;
}
