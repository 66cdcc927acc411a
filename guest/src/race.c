/* race: threads and forked processes that write without any ordering between them, so the
 * output shows the schedule: the same seed must give the same bytes, another seed another order
 * (test/determinism.test.ts). Each worker also counts on a shared counter with atomics. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long counter;

static void work(const char *who) {
  char line[64];
  for (int i = 0; i < 20; i++) {
    /* a little arithmetic between writes, different for each worker */
    volatile unsigned long x = 0;
    for (unsigned long j = 0; j < 2000 + 37 * (unsigned long)(who[1] - '0') * (unsigned long)i; j++) x += j;
    __atomic_fetch_add(&counter, 1, __ATOMIC_SEQ_CST);
    int n = snprintf(line, sizeof line, "%s %d\n", who, i);
    write(1, line, n);
  }
}

static void *thread_main(void *arg) {
  work(arg);
  return NULL;
}

int main(void) {
  static const char *names[] = {"t1", "t2", "t3", "t4"};
  pthread_t ts[4];
  pid_t kids[2];
  for (int i = 0; i < 2; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      pthread_t t;
      pthread_create(&t, NULL, thread_main, i ? "c4" : "c3");
      work(i ? "p2" : "p1");
      pthread_join(t, NULL);
      _exit(0);
    }
  }
  for (int i = 0; i < 4; i++) pthread_create(&ts[i], NULL, thread_main, (void *)names[i]);
  for (int i = 0; i < 4; i++) pthread_join(ts[i], NULL);
  for (int i = 0; i < 2; i++) waitpid(kids[i], NULL, 0);
  printf("counter %ld\n", counter);
  return 0;
}
