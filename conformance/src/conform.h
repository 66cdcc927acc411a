/* conform.h - shared helpers for the forkscope conformance suite.
 *
 * Every test prints normalized observations only: comparisons, errno names,
 * decoded wait statuses.  Never raw pids, tids, addresses, fd numbers or
 * timings, so that the output of the native x86_64 kernel and of forkscope
 * (riscv64) can be compared byte for byte.
 */
#ifndef CONFORM_H
#define CONFORM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

/* ---- test registry ---------------------------------------------------- */

struct conform_test {
    const char *name;
    void (*fn)(void);
    const char *desc;
};

struct conform_helper {
    const char *name;
    int (*fn)(int argc, char **argv); /* argv[0] is the helper name */
};

#define T(name, desc) { #name, test_##name, desc }

extern const struct conform_test clone_flags_tests[];
extern const struct conform_test clone_errors_tests[];
extern const struct conform_test clone3_tests[];
extern const struct conform_test vfork_tests[];
extern const struct conform_test wait_tests[];
extern const struct conform_test pidfd_tests[];
extern const struct conform_test exec_tests[];
extern const struct conform_test signals_tests[];
extern const struct conform_test ptrace_tests[];
extern const struct conform_test threads_tests[];
extern const struct conform_test futex_tests[];
extern const struct conform_test signals2_tests[];
extern const struct conform_test namespaces_tests[];
extern const struct conform_test netns_tests[];
extern const struct conform_test mountns_tests[];
extern const struct conform_test cgroupns_tests[];
extern const struct conform_test pty_tests[];
extern const struct conform_test ptyjob_tests[];
extern const struct conform_test procfs_tests[];
extern const struct conform_test fsbehav_tests[];
extern const struct conform_test resource_tests[];
extern const struct conform_test rlimits_tests[];
extern const struct conform_test bits64_tests[];
extern const struct conform_helper exec_helpers[];
extern const struct conform_helper cgroupns_helpers[];
extern const struct conform_helper procfs_helpers[];

/* ---- output ------------------------------------------------------------ */

/* Format one chunk and write(2) it straight to fd 1: no stdio buffer that a
 * fork could duplicate or an _exit could lose. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "FAIL: ..." and _exit(1): a setup step the test relies on failed. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

const char *ename(int e);        /* "EINVAL" */
const char *sname(int sig);      /* "SIGCHLD", "SIG200" */
const char *wstr(int status);    /* "WIFEXITED=1 WEXITSTATUS=3" ... */
const char *cldstr(int code);    /* "CLD_EXITED" */
const char *yesno(int b);           /* "yes" / "no" */
/* "ok" if r >= 0, else "errno=NAME" (errno read immediately). */
const char *res(long r);

#define CHECK(x) do { if (!(x)) die("%s:%d: %s (errno=%s)", __FILE__, __LINE__, #x, ename(errno)); } while (0)

/* ---- raw system calls ------------------------------------------------- */

static inline long raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid, unsigned long tls)
{
#if defined(__x86_64__)
    return syscall(SYS_clone, flags, stack, ptid, ctid, tls);
#elif defined(__riscv)
    return syscall(SYS_clone, flags, stack, ptid, tls, ctid);
#else
#error "unsupported architecture"
#endif
}

/* linux/sched.h struct clone_args, all versions (VER0 64, VER1 80, VER2 88). */
struct cl_args {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
};

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

/* fork-like clone3 (stack 0): returns like fork. */
static inline long sys_clone3(struct cl_args *a, size_t size)
{
    return syscall(SYS_clone3, a, size);
}

/* clone3 with a new stack: the child calls fn(arg) on that stack, then
 * exit(2)s with its return value.  fn must not touch TLS if CLONE_VM is set
 * without CLONE_SETTLS (errno is fine only if nothing fails). */
long clone3_fn(struct cl_args *a, size_t size, int (*fn)(void *), void *arg);

static inline pid_t sys_gettid(void) { return (pid_t)syscall(SYS_gettid); }
static inline long sys_tgkill(pid_t tgid, pid_t tid, int sig) { return syscall(SYS_tgkill, tgid, tid, sig); }
static inline long sys_tkill(pid_t tid, int sig) { return syscall(SYS_tkill, tid, sig); }
static inline long sys_pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static inline long sys_pidfd_send_signal(int fd, int sig, siginfo_t *si, unsigned flags)
{
    return syscall(SYS_pidfd_send_signal, fd, sig, si, flags);
}
static inline long sys_waitid(int idtype, long id, siginfo_t *si, int options, struct rusage *ru)
{
    return syscall(SYS_waitid, idtype, id, si, options, ru);
}
static inline long sys_exit(int code) { return syscall(SYS_exit, code); }
static inline long futex_wait(volatile int *addr, int val)
{
    return syscall(SYS_futex, addr, FUTEX_WAIT, val, NULL, NULL, 0);
}
static inline long futex_wake(volatile int *addr, int n)
{
    return syscall(SYS_futex, addr, FUTEX_WAKE, n, NULL, NULL, 0);
}

/* One-shot events and counters on futex words, for threads of one process or
 * processes sharing MAP_SHARED memory: ev_set/ev_wait (0 -> 1), cnt_add (+1
 * and wake) / cnt_wait (until >= n).  Safe in signal handlers. */
static inline void ev_set(volatile int *w)
{
    __atomic_store_n(w, 1, __ATOMIC_SEQ_CST);
    futex_wake(w, INT_MAX);
}
static inline void ev_wait(volatile int *w)
{
    while (__atomic_load_n(w, __ATOMIC_SEQ_CST) == 0) futex_wait(w, 0);
}
static inline void cnt_add(volatile int *w)
{
    __atomic_fetch_add(w, 1, __ATOMIC_SEQ_CST);
    futex_wake(w, INT_MAX);
}
static inline void cnt_wait(volatile int *w, int n)
{
    int v;
    while ((v = __atomic_load_n(w, __ATOMIC_SEQ_CST)) < n) futex_wait(w, v);
}

/* ---- helpers ------------------------------------------------------------ */

extern char conform_exe[4096]; /* readlink("/proc/self/exe") at startup */

/* A 256 KiB stack (mmap'ed); returns its top for glibc clone(). */
void *stack_top(void);
/* Anonymous MAP_SHARED memory (zeroed). */
void *shared_mem(size_t size);

/* fork() after nothing is buffered; returns like fork, dies on failure. */
pid_t xfork(void);
/* waitpid(pid, &st, flags) that dies on error; returns status. */
int xwait(pid_t pid, int flags);
/* Wait and print "LABEL: <wait status>". */
void wait_print(const char *label, pid_t pid, int flags);
/* Wait; print "LABEL: <wait status>" only if the child did not exit 0. */
void wait_clean(const char *label, pid_t pid);

/* Pipes used as one-shot events. */
struct chan { int r, w; };
void chan_open(struct chan *c);        /* pipe2(O_CLOEXEC) */
void chan_send(struct chan *c, long v); /* write one long */
long chan_recv(struct chan *c);         /* read one long; -1 on EOF */
void chan_close(struct chan *c);

/* Wait until *addr becomes 0 (CLONE_CHILD_CLEARTID wake). */
void wait_cleared(volatile int *addr);

/* A glibc-clone()'d thread (CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|
 * CHILD_CLEARTID|CHILD_SETTID).  *ctid receives its tid and is cleared at
 * its exit.  Returns the tid. */
pid_t spawn_thread(int (*fn)(void *), void *arg, volatile int *ctid);

/* Run the named hidden helper via execve(conform_exe, {exe, name, args...}).
 * Returns only on failure (-1, errno set). */
int exec_helper(const char *name, char *const args[], char *const envp[]);

/* A private mkdtemp() directory under /tmp; tmp_path() joins a name. */
const char *tmp_dir(void);
const char *tmp_path(const char *name);
void tmp_cleanup(void);
void write_file(const char *path, const char *content, mode_t mode);
/* open(O_WRONLY), one write(2) of s, close: the write's result (-1 with errno on failure) */
long write_once(const char *path, const char *s);

/* "/tmp/conform.XXXXXX/foo" -> "<tmp>/foo"; anything else unchanged. */
const char *norm_path(const char *p);

/* Current disposition of a signal. */
const char *disp(int sig); /* "default" / "ignore" / "handler" */

#endif
