/*
 * tracethreads: a pthreads program whose --trace is compared with strace -f of its native
 * build (test/trace.test.ts).  Two threads are created and joined one after the other; each
 * writes one line and returns.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static void *worker(void *arg)
{
    const char *s = arg;
    if (write(1, s, strlen(s)) < 0)
        return (void *)1;
    return NULL;
}

int main(void)
{
    pthread_t t;
    char *msgs[] = { "thread one\n", "thread two\n" };
    for (int i = 0; i < 2; i++) {
        if (pthread_create(&t, NULL, worker, msgs[i]) != 0)
            return 1;
        pthread_join(t, NULL);
    }
    if (write(1, "joined\n", 7) != 7)
        return 1;
    return 0;
}
