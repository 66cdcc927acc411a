/*
 * spawn [SAMPLES]: vfork+_exit+waitpid, clone(CLONE_VM|SIGCHLD) with a 64 KiB
 * stack + exit + waitpid, and pthread_create+pthread_join, in microseconds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

static void vfork_once(void *arg)
{
    (void)arg;
    pid_t pid = vfork();
    if (pid < 0)
        fatal("vfork");
    if (pid == 0)
        _exit(0);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fatal("waitpid(vfork)");
}

static char clone_stack[64 * 1024] __attribute__((aligned(16)));
static volatile int clone_count;

static int clone_child(void *arg)
{
    (void)arg;
    clone_count++;
    return 0;
}

static void clone_once(void *arg)
{
    (void)arg;
    pid_t pid = clone(clone_child, clone_stack + sizeof clone_stack, CLONE_VM | SIGCHLD, NULL);
    if (pid < 0)
        fatal("clone");
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fatal("waitpid(clone)");
}

static volatile int thread_count;

static void *thread_fn(void *arg)
{
    thread_count++;
    return arg;
}

static void pthread_once_op(void *arg)
{
    (void)arg;
    static int token;
    pthread_t t;
    void *ret;
    if (pthread_create(&t, NULL, thread_fn, &token) != 0)
        fatal("pthread_create");
    if (pthread_join(t, &ret) != 0 || ret != &token)
        fatal("pthread_join");
}

int bench_spawn(int argc, char **argv)
{
    int n = (int)arg_long(argc, argv, 1, samples(11));
    measure("vfork", vfork_once, NULL, n, 1);
    /* qemu-user refuses CLONE_VM without CLONE_THREAD or CLONE_VFORK (EINVAL) */
    clone_count = 0;
    pid_t pid = clone(clone_child, clone_stack + sizeof clone_stack, CLONE_VM | SIGCHLD, NULL);
    if (pid < 0) {
        printf("UNSUPPORTED name=clone_vm errno=%s\n", strerrorname_np(errno));
    } else {
        if (waitpid(pid, NULL, 0) != pid)
            fatal("waitpid(clone)");
        measure("clone_vm", clone_once, NULL, n, 1);
        if (clone_count == 0) {
            fprintf(stderr, "bench spawn: clone child did not run in the shared address space\n");
            return 1;
        }
    }
    measure("pthread", pthread_once_op, NULL, n, 1);
    if (thread_count == 0) {
        fprintf(stderr, "bench spawn: thread did not run\n");
        return 1;
    }
    return 0;
}
