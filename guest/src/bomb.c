/* bomb KIND: what a hostile program does to the machine it runs on, each ending the way Linux
 * ends it; run by test/bombs.test.ts under a memory cap. Prints one line per outcome, no pids,
 * addresses or timing. KIND: fork, thread, mem, mmap, mmap-noreserve, recurse, files, argv,
 * tmpfs-write, pipes, exec-sparse, deep [N]. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* the outcome of a child running f: exit status or signal */
static void report(const char *what, pid_t pid) {
  int st;
  if (waitpid(pid, &st, 0) < 0) {
    printf("%s: waitpid: %s\n", what, strerrorname_np(errno));
    return;
  }
  if (WIFSIGNALED(st)) printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(st)));
  else printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

/* fork until fork fails; every child waits on a pipe that the parent closes at the end */
static int fork_bomb(void) {
  int p[2];
  if (pipe(p) < 0) return 1;
  long n = 0;
  int err = 0;
  for (;;) {
    pid_t c = fork();
    if (c < 0) {
      err = errno;
      break;
    }
    if (c == 0) {
      char b;
      close(p[1]);
      read(p[0], &b, 1);
      _exit(0);
    }
    n++;
  }
  close(p[1]);
  close(p[0]);
  long reaped = 0;
  while (wait(NULL) > 0) reaped++;
  printf("fork failed with %s after %s children; all %s reaped\n", strerrorname_np(err), n > 100 ? "many" : "few",
         reaped == n ? "were" : "were NOT");
  return 0;
}

static int thread_gate[2];
static void *sleeper(void *a) {
  char b;
  (void)a;
  read(thread_gate[0], &b, 1);
  return NULL;
}

/* create threads until pthread_create fails */
static int thread_bomb(void) {
  if (pipe(thread_gate) < 0) return 1;
  static pthread_t ts[1 << 20];
  long n = 0;
  int err = 0;
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setstacksize(&at, 64 * 1024);
  for (; n < (1 << 20); n++) {
    int e = pthread_create(&ts[n], &at, sleeper, NULL);
    if (e != 0) {
      err = e;
      break;
    }
  }
  close(thread_gate[1]);
  for (long i = 0; i < n; i++) pthread_join(ts[i], NULL);
  printf("pthread_create failed with %s after %s threads; all joined\n", strerrorname_np(err), n > 100 ? "many" : "few");
  return 0;
}

/* malloc and touch 1 MiB at a time, forever: the OOM killer ends it */
static int mem_bomb(void) {
  pid_t c = fork();
  if (c == 0) {
    for (;;) {
      char *p = malloc(1 << 20);
      if (!p) {
        printf("malloc failed\n");
        _exit(1);
      }
      memset(p, 1, 1 << 20);
    }
  }
  report("malloc-and-touch child", c);
  return 0;
}

/* a mapping larger than memory: refused unless MAP_NORESERVE; touching it then OOM-kills */
static int mmap_bomb(int noreserve) {
  size_t len = (size_t)1 << 36; /* 64 GiB: more than memory, inside Sv39's 256 GiB */
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | (noreserve ? MAP_NORESERVE : 0), -1, 0);
  if (p == MAP_FAILED) {
    printf("mmap 64 GiB%s: %s\n", noreserve ? " MAP_NORESERVE" : "", strerrorname_np(errno));
    return 0;
  }
  printf("mmap 64 GiB%s: ok\n", noreserve ? " MAP_NORESERVE" : "");
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    for (size_t i = 0;; i += 4096) p[i] = 1;
  }
  report("touching child", c);
  return 0;
}

static int depth(int n) {
  volatile char pad[256];
  pad[0] = (char)n;
  return depth(n + 1) + pad[0];
}

/* unbounded recursion: the stack limit gives SIGSEGV */
static int recurse(void) {
  pid_t c = fork();
  if (c == 0) _exit(depth(0));
  report("recursing child", c);
  return 0;
}

/* 100,000 files in a tmpfs directory, then all removed */
static int files(void) {
  char dir[] = "/tmp/bombXXXXXX";
  if (!mkdtemp(dir)) return 1;
  char name[64];
  long made = 0;
  int err = 0;
  for (long i = 0; i < 100000; i++) {
    snprintf(name, sizeof name, "%s/f%ld", dir, i);
    int fd = open(name, O_CREAT | O_WRONLY | O_EXCL, 0644);
    if (fd < 0) {
      err = errno;
      break;
    }
    close(fd);
    made++;
  }
  long removed = 0;
  for (long i = 0; i < made; i++) {
    snprintf(name, sizeof name, "%s/f%ld", dir, i);
    if (unlink(name) == 0) removed++;
  }
  rmdir(dir);
  if (err) printf("created %ld files, then %s; removed %ld\n", made, strerrorname_np(err), removed);
  else printf("created %ld files; removed %ld\n", made, removed);
  return 0;
}

/* Linux's rule (fs/exec.c bprm_stack_limits, copy_strings): the strings of the file name,
 * environment and arguments with their NULs, plus a pointer for each argument (at least one) and
 * environment string, fit in max(min(6 MiB, RLIMIT_STACK / 4), 128 KiB); each string in 128 KiB */
static long room_for_args(const char *self, char **envp, long *envc_out) {
  struct rlimit rl;
  getrlimit(RLIMIT_STACK, &rl);
  unsigned long limit = 6ul << 20;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 4 < limit) limit = rl.rlim_cur / 4;
  if (limit < (128ul << 10)) limit = 128ul << 10;
  long used = strlen(self) + 1, envc = 0;
  for (char **e = envp; *e; e++, envc++) used += strlen(*e) + 1;
  *envc_out = envc;
  return (long)limit - used - 8 * envc;
}

static int try_exec(char **av) {
  pid_t c = fork();
  if (c == 0) {
    execv(av[0], av);
    _exit(errno == E2BIG ? 100 : 101);
  }
  int st;
  waitpid(c, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* execve of huge argument lists: one string past MAX_ARG_STRLEN, 4 MiB in all, 200,000
 * one-byte arguments (fine with an 8 MiB stack), and the exact count where E2BIG starts */
static int argv_bomb(const char *self, char **envp) {
  static char *av[400000];
  static char big[(32 * 4096) + 1];
  memset(big, 'x', sizeof big - 1);
  av[0] = (char *)self;
  av[1] = "true";
  av[2] = big; /* 131072 bytes with its NUL: one more than MAX_ARG_STRLEN */
  av[3] = NULL;
  printf("one argument of 131072 bytes: %s\n", try_exec(av) == 100 ? "E2BIG" : "ran");
  big[sizeof big - 2] = 0;
  printf("one argument of 131071 bytes: %s\n", try_exec(av) == 0 ? "ran" : "E2BIG");
  for (int i = 2; i < 2 + 40; i++) av[i] = big; /* 5 MiB */
  av[42] = NULL;
  printf("5 MiB of arguments: %s\n", try_exec(av) == 100 ? "E2BIG" : "ran");
  for (long i = 2; i < 200002; i++) av[i] = "y";
  av[200002] = NULL;
  printf("200,000 one-byte arguments: %s\n", try_exec(av) == 0 ? "ran" : "E2BIG");
  /* the largest argc of one-byte strings: self and "true" take the rest */
  long envc;
  long room = room_for_args(self, envp, &envc);
  room -= (long)strlen(self) + 1 + 5 + 16; /* argv[0], "true" and their pointers */
  long fit = room / 10;                    /* "y" and NUL, and a pointer */
  for (long i = 2; i < 2 + fit + 1; i++) av[i] = "y";
  av[2 + fit] = NULL;
  int at = try_exec(av);
  av[2 + fit] = "y";
  av[2 + fit + 1] = NULL;
  int over = try_exec(av);
  printf("E2BIG exactly past Linux's limit: %s\n", at == 0 && over == 100 ? "yes" : "no");
  return 0;
}

/* write 10 GiB to a tmpfs file in 1 MiB pieces: tmpfs's size (half of memory) stops it */
static int tmpfs_write(void) {
  int fd = open("/tmp/big", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0) return 1;
  static char buf[1 << 20];
  memset(buf, 7, sizeof buf);
  long long done = 0;
  int err = 0;
  while (done < (10ll << 30)) {
    ssize_t n = write(fd, buf, sizeof buf);
    if (n < 0) {
      err = errno;
      break;
    }
    done += n;
  }
  struct stat st;
  fstat(fd, &st);
  close(fd);
  unlink("/tmp/big");
  printf("write stopped with %s; the file held %s\n", err ? strerrorname_np(err) : "no error", st.st_size == done ? "what was written" : "something else");
  return 0;
}

/* 30,000 pipes, each filled to its 64 KiB */
static int pipes(void) {
  struct rlimit rl = {70000, 70000};
  if (setrlimit(RLIMIT_NOFILE, &rl) < 0) printf("setrlimit: %s\n", strerrorname_np(errno));
  long made = 0;
  int err = 0;
  static char buf[65536];
  for (; made < 30000; made++) {
    int p[2];
    if (pipe2(p, O_NONBLOCK) < 0) {
      err = errno;
      break;
    }
    ssize_t n = write(p[1], buf, sizeof buf);
    if (n < (ssize_t)sizeof buf) {
      err = n < 0 ? errno : EAGAIN;
      made++;
      break;
    }
  }
  printf("%s pipes filled%s%s\n", made == 30000 ? "30000" : "not all", err ? ", then " : "", err ? strerrorname_np(err) : "");
  return 0;
}

/* exec of a program grown to a 3 GiB sparse file */
static int exec_sparse(const char *self) {
  int in = open(self, O_RDONLY), out = open("/tmp/sparse", O_CREAT | O_WRONLY | O_TRUNC, 0755);
  static char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0) write(out, buf, n);
  close(in);
  if (ftruncate(out, 3ll << 30) < 0) printf("ftruncate: %s\n", strerrorname_np(errno));
  close(out);
  char *av[] = {"/tmp/sparse", "true", NULL};
  int r = try_exec(av);
  printf("exec of a 3 GiB sparse program: %s\n", r == 0 ? "ran" : "failed");
  unlink("/tmp/sparse");
  return 0;
}

/* N directories, each inside the last (default 10,000): made with mkdir and chdir, the file at
 * the bottom read through one long relative path, getcwd past PATH_MAX, all the way back up
 * with "..", and every directory removed again */
static int deep(long n) {
  struct stat start, st;
  if (stat(".", &start) < 0) return 1;
  for (long i = 0; i < n; i++) {
    if (mkdir("d", 0755) < 0 || chdir("d") < 0) {
      printf("level %ld: %s\n", i, strerrorname_np(errno));
      return 1;
    }
  }
  int fd = open("leaf", O_CREAT | O_WRONLY | O_EXCL, 0644);
  if (fd < 0 || write(fd, "bottom\n", 7) != 7) return 1;
  close(fd);
  char cwd[4096];
  printf("%ld levels made; getcwd: %s\n", n, getcwd(cwd, sizeof cwd) ? "ok" : strerrorname_np(errno));
  for (long i = 0; i < n; i++)
    if (chdir("..") < 0) return 1;
  stat(".", &st);
  printf("back up by \"..\": %s\n", st.st_ino == start.st_ino && st.st_dev == start.st_dev ? "at the start" : "somewhere else");
  /* the leaf through relative paths of 1,000 components each (under PATH_MAX) */
  static char path[4096];
  int dirfd = open(".", O_RDONLY | O_DIRECTORY);
  long left = n;
  while (left > 0) {
    long k = left < 1000 ? left : 1000;
    char *p = path;
    for (long i = 0; i < k; i++) p += sprintf(p, i ? "/d" : "d");
    int next = openat(dirfd, path, O_RDONLY | O_DIRECTORY);
    if (next < 0) {
      printf("openat of %ld components: %s\n", k, strerrorname_np(errno));
      return 1;
    }
    close(dirfd);
    dirfd = next;
    left -= k;
  }
  char buf[16] = {0};
  fd = openat(dirfd, "leaf", O_RDONLY);
  printf("the leaf through %ld-component paths: %s", n, fd >= 0 && read(fd, buf, sizeof buf - 1) > 0 ? buf : "unreadable\n");
  close(fd);
  close(dirfd);
  /* down again, then remove from the bottom */
  for (long i = 0; i < n; i++)
    if (chdir("d") < 0) return 1;
  unlink("leaf");
  long removed = 0;
  for (long i = 0; i < n; i++) {
    if (chdir("..") < 0) return 1;
    if (rmdir("d") == 0) removed++;
  }
  printf("removed %ld directories\n", removed);
  return 0;
}

int main(int argc, char **argv, char **envp) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *k = argc > 1 ? argv[1] : "";
  if (!strcmp(k, "true")) return 0;
  if (!strcmp(k, "fork")) return fork_bomb();
  if (!strcmp(k, "thread")) return thread_bomb();
  if (!strcmp(k, "mem")) return mem_bomb();
  if (!strcmp(k, "mmap")) return mmap_bomb(0);
  if (!strcmp(k, "mmap-noreserve")) return mmap_bomb(1);
  if (!strcmp(k, "recurse")) return recurse();
  if (!strcmp(k, "files")) return files();
  if (!strcmp(k, "argv")) return argv_bomb(argv[0], envp);
  if (!strcmp(k, "tmpfs-write")) return tmpfs_write();
  if (!strcmp(k, "pipes")) return pipes();
  if (!strcmp(k, "exec-sparse")) return exec_sparse(argv[0]);
  if (!strcmp(k, "deep")) return deep(argc > 2 ? atol(argv[2]) : 10000);
  fprintf(stderr, "usage: bomb fork|thread|mem|mmap|mmap-noreserve|recurse|files|argv|tmpfs-write|pipes|exec-sparse|deep [N]\n");
  return 2;
}
