/*
 * futex [SAMPLES]: two threads ping-pong through one private futex word with
 * FUTEX_WAIT_PRIVATE / FUTEX_WAKE_PRIVATE (no spinning).  The result is the
 * round trip divided by two: the wake-to-run latency, in microseconds.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bench.h"

/* 0: the main thread's turn, 1: the partner's turn, 2: stop */
static int turn;
static long trips;

static void fwait(int *addr, int val)
{
    syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void fwake(int *addr)
{
    syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *partner(void *arg)
{
    (void)arg;
    for (;;) {
        int v;
        while ((v = __atomic_load_n(&turn, __ATOMIC_ACQUIRE)) == 0)
            fwait(&turn, 0);
        if (v == 2)
            return NULL;
        __atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
        fwake(&turn);
    }
}

static void round_trip(void *arg)
{
    (void)arg;
    __atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
    fwake(&turn);
    while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == 1)
        fwait(&turn, 1);
    trips++;
}

int bench_futex(int argc, char **argv)
{
    int n = (int)arg_long(argc, argv, 1, samples(11));
    pthread_t t;
    if (pthread_create(&t, NULL, partner, NULL) != 0)
        fatal("pthread_create");
    measure("futex_wake", round_trip, NULL, n, 2);
    __atomic_store_n(&turn, 2, __ATOMIC_RELEASE);
    fwake(&turn);
    pthread_join(t, NULL);
    return trips > 0 ? 0 : 1;
}
