/* namespaces.c - pid, uts, ipc, mount, network, user and cgroup namespaces
 * through clone, unshare and setns. */
#include "conform.h"
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/msg.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <grp.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

/* Run fn in a forked subprocess (so namespace changes stay there); report an
 * abnormal end. */
static void sub(void (*fn)(void))
{
    pid_t c = xfork();
    if (c == 0) {
        fn();
        _exit(0);
    }
    wait_clean("subprocess", c);
}

/* fork-like clone into a new pid namespace */
static pid_t clone_newpid(void)
{
    fflush(NULL);
    pid_t c = raw_clone(CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);
    if (c < 0) die("clone(CLONE_NEWPID): errno=%s", ename(errno));
    return c;
}

static int ns_stat(const char *path, struct stat *st)
{
    return stat(path, st);
}

static int same_ns(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static void ns_path(char *buf, size_t n, pid_t pid, const char *what)
{
    snprintf(buf, n, "/proc/%d/ns/%s", (int)pid, what);
}

/* ---- pid ---------------------------------------------------------------- */

static void test_ns_pid_init_ids(void)
{
    pid_t c = clone_newpid();
    if (c == 0) {
        say("child: getpid()==1: %s getppid()==0: %s", yesno(getpid() == 1), yesno(getppid() == 0));
        for (int i = 0; i < 2; i++) {
            pid_t g = xfork();
            if (g == 0) _exit(getpid() == 2 + i ? 0 : 1);
            say("grandchild %d: fork returned %d, own pid matched: %s", i + 1, (int)g,
                yesno(WEXITSTATUS(xwait(g, 0)) == 0));
        }
        _exit(7);
    }
    wait_print("init", c, 0);
    say("parent: clone returned a pid other than 1: %s", yesno(c != 1));
}

static void test_ns_pid_orphan_reparent(void)
{
    pid_t c = clone_newpid();
    if (c == 0) {
        struct chan go;
        chan_open(&go);
        pid_t a = xfork();
        if (a == 0) {
            pid_t b = xfork();
            if (b == 0) {
                close(go.w);
                chan_recv(&go); /* EOF once init closed its end after reaping a */
                _exit(getppid() == 1 ? 11 : 12);
            }
            _exit(3);
        }
        close(go.r);
        wait_print("middle child (pid 2)", a, 0);
        close(go.w);
        int st;
        pid_t r;
        do r = wait(&st);
        while (r < 0 && errno == EINTR);
        say("init reaped the orphan (pid 3): %s", yesno(r == 3));
        say("orphan saw getppid()==1: %s", yesno(WIFEXITED(st) && WEXITSTATUS(st) == 11));
        _exit(0);
    }
    wait_print("init", c, 0);
}

static void pid_init_exit_kills(void)
{
    CHECK(unshare(CLONE_NEWPID) == 0);
    struct chan ready, initgo;
    chan_open(&initgo);
    pid_t init = xfork();
    if (init == 0) {
        close(initgo.w);
        chan_recv(&initgo);
        _exit(5);
    }
    close(initgo.r);
    chan_open(&ready);
    pid_t g = xfork();
    if (g == 0) {
        close(ready.r);
        chan_send(&ready, getpid());
        for (;;) pause();
    }
    close(ready.w);
    say("second task in the namespace is pid 2: %s", yesno(chan_recv(&ready) == 2));
    chan_send(&initgo, 1);
    /* init's exit completes only once every task of the namespace is reaped */
    wait_print("sleeping task after init exit", g, 0);
    wait_print("init", init, 0);
    fflush(NULL);
    pid_t f = fork();
    if (f == 0) _exit(0);
    say("fork after init exit: %s", res(f));
    if (f > 0) xwait(f, 0);
}

static void test_ns_pid_init_exit_kills(void)
{
    sub(pid_init_exit_kills);
}

static void nspid_print(const char *who)
{
    FILE *f = fopen("/proc/self/status", "r");
    CHECK(f != NULL);
    char line[512];
    int count = -1;
    long last = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "NSpid:", 6) == 0) {
            count = 0;
            char *p = line + 6, *end;
            for (;;) {
                long v = strtol(p, &end, 10);
                if (end == p) break;
                count++;
                last = v;
                p = end;
            }
        }
    }
    fclose(f);
    say("%s: NSpid entries=%d last is 1: %s", who, count, yesno(last == 1));
}

static void test_ns_pid_nspid(void)
{
    {
        FILE *f = fopen("/proc/self/status", "r");
        CHECK(f != NULL);
        char line[512];
        int has = 0;
        while (fgets(line, sizeof line, f)) if (strncmp(line, "NSpid:", 6) == 0) has = 1;
        fclose(f);
        say("test process: has an NSpid line: %s", yesno(has));
    }
    pid_t c = clone_newpid();
    if (c == 0) {
        nspid_print("init of level 1");
        pid_t g = xfork();
        if (g == 0) {
            nspid_print("pid 2 of level 1");
            _exit(0);
        }
        xwait(g, 0);
        pid_t n = clone_newpid();
        if (n == 0) {
            nspid_print("init of level 2");
            _exit(0);
        }
        xwait(n, 0);
        _exit(0);
    }
    wait_print("init", c, 0);
}

static void pid_unshare_fork(void)
{
    pid_t before = getpid();
    struct stat a, b, c0, c1, d, f1;
    CHECK(ns_stat("/proc/self/ns/pid", &a) == 0);
    CHECK(ns_stat("/proc/self/ns/pid_for_children", &c0) == 0);
    say("before: pid_for_children same as ns/pid: %s", yesno(same_ns(&a, &c0)));
    say("unshare(CLONE_NEWPID): %s", res(unshare(CLONE_NEWPID)));
    say("getpid unchanged: %s", yesno(getpid() == before));
    CHECK(ns_stat("/proc/self/ns/pid", &b) == 0);
    say("ns/pid unchanged: %s", yesno(same_ns(&a, &b)));
    say("stat pid_for_children before the first child: %s", res(ns_stat("/proc/self/ns/pid_for_children", &c1)));
    struct chan go;
    chan_open(&go);
    pid_t first = xfork();
    if (first == 0) {
        close(go.w);
        int ok = getpid() == 1 && getppid() == 0;
        chan_recv(&go);
        _exit(ok ? 0 : 1);
    }
    close(go.r);
    char p[64];
    ns_path(p, sizeof p, first, "pid");
    CHECK(ns_stat(p, &f1) == 0);
    CHECK(ns_stat("/proc/self/ns/pid_for_children", &c1) == 0);
    say("pid_for_children now differs from ns/pid: %s", yesno(!same_ns(&c1, &b)));
    say("first child's ns/pid is pid_for_children: %s", yesno(same_ns(&c1, &f1)));
    pid_t second = xfork();
    if (second == 0) _exit(getpid() == 2 ? 0 : 1);
    say("second child is pid 2 (parent outside): %s", yesno(WEXITSTATUS(xwait(second, 0)) == 0));
    close(go.w);
    say("first child: pid 1, ppid 0: %s", yesno(WEXITSTATUS(xwait(first, 0)) == 0));
    CHECK(ns_stat("/proc/self/ns/pid", &d) == 0);
    say("caller's ns/pid still the old one: %s", yesno(same_ns(&a, &d)));
}

static void test_ns_pid_unshare_fork(void)
{
    sub(pid_unshare_fork);
}

static void test_ns_pid_setns(void)
{
    struct chan ready, go;
    chan_open(&ready);
    chan_open(&go);
    pid_t init = clone_newpid();
    if (init == 0) {
        close(ready.r);
        close(go.w);
        chan_send(&ready, 1);
        chan_recv(&go);
        _exit(0);
    }
    close(ready.w);
    close(go.r);
    chan_recv(&ready);
    pid_t j = xfork();
    if (j == 0) {
        char p[64];
        ns_path(p, sizeof p, init, "pid");
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        CHECK(fd >= 0);
        int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        CHECK(own >= 0);
        pid_t me = getpid();
        struct stat s0, s1, s2, t;
        CHECK(ns_stat("/proc/self/ns/pid", &s0) == 0);
        say("setns(pid fd, CLONE_NEWPID): %s", res(setns(fd, CLONE_NEWPID)));
        CHECK(ns_stat("/proc/self/ns/pid", &s1) == 0);
        CHECK(ns_stat("/proc/self/ns/pid_for_children", &s2) == 0);
        CHECK(fstat(fd, &t) == 0);
        say("getpid unchanged: %s", yesno(getpid() == me));
        say("ns/pid unchanged: %s", yesno(same_ns(&s0, &s1)));
        say("pid_for_children is the target: %s", yesno(same_ns(&s2, &t)));
        pid_t k = xfork();
        if (k == 0) _exit(getpid() == 2 && getppid() == 0 ? 0 : 1);
        say("child is pid 2 with getppid()==0: %s", yesno(WEXITSTATUS(xwait(k, 0)) == 0));
        say("setns back to the own active pid ns: %s", res(setns(own, CLONE_NEWPID)));
        k = xfork();
        if (k == 0) {
            struct stat s3;
            _exit(ns_stat("/proc/self/ns/pid", &s3) == 0 && same_ns(&s3, &s0) ? 0 : 1);
        }
        say("child after setns back is in the caller's pid ns: %s", yesno(WEXITSTATUS(xwait(k, 0)) == 0));
        _exit(0);
    }
    wait_print("joiner", j, 0);
    chan_send(&go, 1);
    wait_print("init", init, 0);
}

static void test_ns_pid_init_signals(void)
{
    struct chan ready, ask, answer;
    chan_open(&ready);
    chan_open(&ask);
    chan_open(&answer);
    pid_t init = clone_newpid();
    if (init == 0) {
        close(ask.w);
        close(answer.r);
        close(ready.r);
        say("init: kill(1, SIGTERM) from itself: %s", res(kill(1, SIGTERM)));
        pid_t k = xfork();
        if (k == 0) {
            say("pid 2: kill(1, SIGTERM): %s", res(kill(1, SIGTERM)));
            say("pid 2: kill(1, SIGKILL): %s", res(kill(1, SIGKILL)));
            say("pid 2: kill(1, SIGINT): %s", res(kill(1, SIGINT)));
            _exit(0);
        }
        wait_print("init: pid 2", k, 0);
        say("init: still alive after signals from inside");
        chan_send(&ready, 1);
        for (;;) {
            long v = chan_recv(&ask);
            if (v < 0) break;
            chan_send(&answer, v);
        }
        _exit(0);
    }
    close(ask.r);
    close(answer.w);
    close(ready.w);
    chan_recv(&ready);
    say("parent: kill(init, SIGTERM): %s", res(kill(init, SIGTERM)));
    chan_send(&ask, 1);
    say("init answers after SIGTERM from the parent namespace: %s", yesno(chan_recv(&answer) == 1));
    say("parent: kill(init, SIGKILL): %s", res(kill(init, SIGKILL)));
    wait_print("init", init, 0);
}

static volatile int *depth_info; /* [0] deepest level reached, [1] errno of the failure */

static void nest(void)
{
    for (int level = 0;; level++) {
        fflush(NULL);
        pid_t c = raw_clone(CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);
        if (c < 0) {
            depth_info[0] = level;
            depth_info[1] = errno;
            _exit(0);
        }
        if (c > 0) {
            int st = xwait(c, 0);
            _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 99);
        }
    }
}

static void test_ns_pid_nesting_limit(void)
{
    depth_info = shared_mem(4096);
    pid_t c = xfork();
    if (c == 0) nest();
    wait_print("chain", c, 0);
    say("nested pid namespaces created: %d, next clone: errno=%s", depth_info[0], ename(depth_info[1]));
}

/* ---- uts ---------------------------------------------------------------- */

static void test_ns_uts_sethostname(void)
{
    struct utsname u0, u1;
    CHECK(uname(&u0) == 0);
    struct chan ready, go;
    chan_open(&ready);
    chan_open(&go);
    pid_t c = xfork();
    if (c == 0) {
        close(ready.r);
        close(go.w);
        say("child: unshare(CLONE_NEWUTS): %s", res(unshare(CLONE_NEWUTS)));
        struct utsname a;
        uname(&a);
        say("child: nodename inherited: %s", yesno(strcmp(a.nodename, u0.nodename) == 0));
        say("child: sethostname: %s", res(sethostname("conform-uts", 11)));
        say("child: setdomainname: %s", res(setdomainname("conform-dom", 11)));
        uname(&a);
        say("child: nodename=%s domainname=%s", a.nodename, a.domainname);
        chan_send(&ready, 1);
        chan_recv(&go);
        _exit(0);
    }
    close(ready.w);
    close(go.r);
    chan_recv(&ready);
    CHECK(uname(&u1) == 0);
    say("parent: nodename unchanged: %s", yesno(strcmp(u0.nodename, u1.nodename) == 0));
    say("parent: domainname unchanged: %s", yesno(strcmp(u0.domainname, u1.domainname) == 0));
    chan_send(&go, 1);
    wait_print("child", c, 0);
}

/* A child in new namespaces (flags) that set hostname "conform-joined" and
 * made a semaphore with key 0x436f6e31 when in a new ipc ns; it waits on
 * *go.  *ready is signalled once it is set up. */
#define JOIN_KEY 0x436f6e31
static pid_t ns_holder(int flags, struct chan *ready, struct chan *go)
{
    chan_open(ready);
    chan_open(go);
    pid_t c = xfork();
    if (c == 0) {
        close(ready->r);
        close(go->w);
        CHECK(unshare(flags) == 0);
        if (flags & CLONE_NEWUTS) CHECK(sethostname("conform-joined", 14) == 0);
        if (flags & CLONE_NEWIPC) CHECK(semget(JOIN_KEY, 1, IPC_CREAT | IPC_EXCL | 0600) >= 0);
        chan_send(ready, 1);
        chan_recv(go);
        _exit(0);
    }
    close(ready->w);
    close(go->r);
    CHECK(chan_recv(ready) == 1);
    return c;
}

static pid_t holder_pid;

/* fds for the holder's namespace of a type (its path into p) and for our own */
static void open_holder_ns(const char *type, char *p, size_t n, int *fd, int *self)
{
    char mine[64];
    ns_path(p, n, holder_pid, type);
    snprintf(mine, sizeof mine, "/proc/self/ns/%s", type);
    *fd = open(p, O_RDONLY | O_CLOEXEC);
    *self = open(mine, O_RDONLY | O_CLOEXEC);
    CHECK(*fd >= 0 && *self >= 0);
}

static void uts_setns(void)
{
    char p[64];
    int fd, self;
    open_holder_ns("uts", p, sizeof p, &fd, &self);
    struct utsname u;
    uname(&u);
    say("before: nodename is conform-joined: %s", yesno(strcmp(u.nodename, "conform-joined") == 0));
    say("setns(uts fd, CLONE_NEWIPC): %s", res(setns(fd, CLONE_NEWIPC)));
    say("setns(uts fd, CLONE_NEWUTS): %s", res(setns(fd, CLONE_NEWUTS)));
    uname(&u);
    say("after: nodename=%s", u.nodename);
    say("sethostname in the joined namespace: %s", res(sethostname("conform-set2", 12)));
    say("setns(old uts fd, 0): %s", res(setns(self, 0)));
    uname(&u);
    say("back: nodename is conform-joined: %s", yesno(strcmp(u.nodename, "conform-joined") == 0));
    say("setns(uts fd, 0) again: %s", res(setns(fd, 0)));
    uname(&u);
    say("joined again: nodename=%s", u.nodename);
}

/* run fn in a subprocess while a holder keeps namespaces of the given types */
static void with_holder(int flags, void (*fn)(void))
{
    struct chan ready, go;
    holder_pid = ns_holder(flags, &ready, &go);
    sub(fn);
    chan_send(&go, 1);
    wait_print("holder", holder_pid, 0);
}

static void test_ns_uts_setns(void)
{
    with_holder(CLONE_NEWUTS, uts_setns);
}

/* ---- ipc ---------------------------------------------------------------- */

#define IPC_KEY 0x436f6e32

static void test_ns_ipc_sem(void)
{
    semctl(semget(IPC_KEY, 0, 0), 0, IPC_RMID);
    int id = semget(IPC_KEY, 1, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    pid_t c = xfork();
    if (c == 0) {
        say("child: semget before unshare finds it: %s", yesno(semget(IPC_KEY, 0, 0) == id));
        say("child: unshare(CLONE_NEWIPC): %s", res(unshare(CLONE_NEWIPC)));
        say("child: semget(key, 0, 0): %s", res(semget(IPC_KEY, 0, 0)));
        say("child: semctl(old id, IPC_STAT): %s", res(semctl(id, 0, IPC_STAT, &(struct semid_ds){0})));
        int n = semget(IPC_KEY, 1, IPC_CREAT | IPC_EXCL | 0600);
        say("child: new semget(key, IPC_CREAT|IPC_EXCL): %s", res(n));
        _exit(0);
    }
    wait_print("child", c, 0);
    say("parent: semget finds the original: %s", yesno(semget(IPC_KEY, 0, 0) == id));
    say("parent: IPC_RMID: %s", res(semctl(id, 0, IPC_RMID)));
}

/* setns into another process's IPC namespace through /proc/PID/ns/ipc: its objects become
 * visible, and leaving one applies this process's semaphore undo records there first */
static void ipc_setns(void)
{
    char p[64];
    int fd, self;
    open_holder_ns("ipc", p, sizeof p, &fd, &self);
    say("before: semget(joined key): %s", res(semget(JOIN_KEY, 0, 0)));
    say("setns(ipc fd, CLONE_NEWUTS): %s", res(setns(fd, CLONE_NEWUTS)));
    say("setns(ipc fd, CLONE_NEWIPC): %s", res(setns(fd, CLONE_NEWIPC)));
    int id = semget(JOIN_KEY, 0, 0);
    say("after: semget(joined key): %s", res(id));
    struct stat a, b;
    CHECK(stat("/proc/self/ns/ipc", &a) == 0 && stat(p, &b) == 0);
    say("/proc/self/ns/ipc is the holder's: %s", yesno(same_ns(&a, &b)));
    struct sembuf up = { 0, 3, SEM_UNDO };
    say("semop +3 with SEM_UNDO: %s", res(semop(id, &up, 1)));
    say("semval: %ld", (long)semctl(id, 0, GETVAL));
    say("setns(old ipc fd, 0): %s", res(setns(self, 0)));
    say("semget(joined key) back home: %s", res(semget(JOIN_KEY, 0, 0)));
    say("setns(ipc fd, 0) again: %s", res(setns(fd, 0)));
    say("semval after leaving (undo applied): %ld", (long)semctl(id, 0, GETVAL));
}

static void test_ns_ipc_setns(void)
{
    with_holder(CLONE_NEWIPC, ipc_setns);
}

static void test_ns_ipc_shm(void)
{
    shmctl(shmget(IPC_KEY, 0, 0), IPC_RMID, NULL);
    int id = shmget(IPC_KEY, 4096, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    char *m = shmat(id, NULL, 0);
    CHECK(m != (void *)-1);
    strcpy(m, "hello");
    pid_t c = xfork();
    if (c == 0) {
        say("child: unshare(CLONE_NEWIPC): %s", res(unshare(CLONE_NEWIPC)));
        say("child: shmget(key, 0, 0): %s", res(shmget(IPC_KEY, 0, 0)));
        say("child: inherited attachment still reads: %s", m);
        say("child: shmat(old id): %s", res((long)shmat(id, NULL, 0) == -1 ? -1 : 0));
        say("child: new shmget(key, IPC_CREAT|IPC_EXCL): %s", res(shmget(IPC_KEY, 4096, IPC_CREAT | IPC_EXCL | 0600)));
        _exit(0);
    }
    wait_print("child", c, 0);
    say("parent: shmget finds the original: %s", yesno(shmget(IPC_KEY, 0, 0) == id));
    shmdt(m);
    say("parent: IPC_RMID: %s", res(shmctl(id, IPC_RMID, NULL)));
}

static void test_ns_ipc_msg(void)
{
    msgctl(msgget(IPC_KEY, 0), IPC_RMID, NULL);
    int id = msgget(IPC_KEY, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    struct { long type; char text[16]; } msg = { 1, "outer" };
    CHECK(msgsnd(id, &msg, sizeof msg.text, 0) == 0);
    pid_t c = xfork();
    if (c == 0) {
        say("child: unshare(CLONE_NEWIPC): %s", res(unshare(CLONE_NEWIPC)));
        say("child: msgget(key, 0): %s", res(msgget(IPC_KEY, 0)));
        int n = msgget(IPC_KEY, IPC_CREAT | IPC_EXCL | 0600);
        say("child: new msgget(key, IPC_CREAT|IPC_EXCL): %s", res(n));
        struct { long type; char text[16]; } r;
        say("child: msgrcv on the new queue (IPC_NOWAIT): %s", res(msgrcv(n, &r, sizeof r.text, 0, IPC_NOWAIT)));
        _exit(0);
    }
    wait_print("child", c, 0);
    say("parent: msgget finds the original: %s", yesno(msgget(IPC_KEY, 0) == id));
    struct { long type; char text[16]; } r;
    long n = msgrcv(id, &r, sizeof r.text, 0, IPC_NOWAIT);
    say("parent: message still queued: %s %s", res(n), n > 0 ? r.text : "");
    say("parent: IPC_RMID: %s", res(msgctl(id, IPC_RMID, NULL)));
}

/* ---- mount -------------------------------------------------------------- */

static int in_mounts(const char *path)
{
    FILE *f = fopen("/proc/self/mounts", "r");
    CHECK(f != NULL);
    char line[1024];
    int found = 0;
    size_t n = strlen(path);
    while (fgets(line, sizeof line, f)) {
        char *p = strchr(line, ' ');
        if (p && strncmp(p + 1, path, n) == 0 && p[1 + n] == ' ') found = 1;
    }
    fclose(f);
    return found;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void new_mntns(void)
{
    say("child: unshare(CLONE_NEWNS): %s", res(unshare(CLONE_NEWNS)));
    say("child: make / MS_REC|MS_PRIVATE: %s", res(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL)));
}

static void test_ns_mnt_tmpfs_private(void)
{
    char d[128], f[160];
    snprintf(d, sizeof d, "%s", tmp_path("mnt"));
    snprintf(f, sizeof f, "%s/file", d);
    CHECK(mkdir(d, 0755) == 0);
    struct chan ready, go;
    chan_open(&ready);
    chan_open(&go);
    pid_t c = xfork();
    if (c == 0) {
        close(ready.r);
        close(go.w);
        new_mntns();
        say("child: mount tmpfs on <tmp>/mnt: %s", res(mount("conform", d, "tmpfs", 0, "size=64k")));
        write_file(f, "x", 0644);
        say("child: file visible: %s", yesno(exists(f)));
        say("child: in /proc/self/mounts: %s", yesno(in_mounts(d)));
        chan_send(&ready, 1);
        chan_recv(&go);
        _exit(0);
    }
    close(ready.w);
    close(go.r);
    chan_recv(&ready);
    say("parent: file visible: %s", yesno(exists(f)));
    say("parent: in /proc/self/mounts: %s", yesno(in_mounts(d)));
    chan_send(&go, 1);
    wait_print("child", c, 0);
    say("after child exit: in /proc/self/mounts: %s", yesno(in_mounts(d)));
}

static void test_ns_mnt_bind_umount(void)
{
    char src[128], dst[128], fs[160], fd[160];
    snprintf(src, sizeof src, "%s", tmp_path("src"));
    snprintf(dst, sizeof dst, "%s", tmp_path("dst"));
    snprintf(fs, sizeof fs, "%s/file", src);
    snprintf(fd, sizeof fd, "%s/file", dst);
    CHECK(mkdir(src, 0755) == 0);
    CHECK(mkdir(dst, 0755) == 0);
    write_file(fs, "bound", 0644);
    pid_t c = xfork();
    if (c == 0) {
        new_mntns();
        say("dst/file before bind: %s", yesno(exists(fd)));
        say("in mounts before: %s", yesno(in_mounts(dst)));
        say("mount(src, dst, MS_BIND): %s", res(mount(src, dst, NULL, MS_BIND, NULL)));
        struct stat a, b;
        say("dst/file after bind: %s", yesno(exists(fd)));
        CHECK(stat(fs, &a) == 0 && stat(fd, &b) == 0);
        say("same inode and device: %s", yesno(a.st_ino == b.st_ino && a.st_dev == b.st_dev));
        char buf[16] = { 0 };
        int f = open(fd, O_RDONLY);
        CHECK(f >= 0 && read(f, buf, sizeof buf - 1) >= 0);
        close(f);
        say("content: %s", buf);
        write_file(tmp_path("dst/new"), "n", 0644);
        say("file created through dst appears in src: %s", yesno(exists(tmp_path("src/new"))));
        say("in mounts: %s", yesno(in_mounts(dst)));
        say("umount2(src) (not a mount point): %s", res(umount2(src, 0)));
        say("umount2(dst): %s", res(umount2(dst, 0)));
        say("dst/file after umount: %s", yesno(exists(fd)));
        say("in mounts after umount: %s", yesno(in_mounts(dst)));
        say("umount2(dst) again: %s", res(umount2(dst, 0)));
        _exit(0);
    }
    wait_print("child", c, 0);
}

static void test_ns_mnt_remount_ro(void)
{
    char d[128], f[160], g[160];
    snprintf(d, sizeof d, "%s", tmp_path("ro"));
    snprintf(f, sizeof f, "%s/file", d);
    snprintf(g, sizeof g, "%s/other", d);
    CHECK(mkdir(d, 0755) == 0);
    pid_t c = xfork();
    if (c == 0) {
        new_mntns();
        say("mount tmpfs: %s", res(mount("conform", d, "tmpfs", 0, "size=64k")));
        write_file(f, "x", 0644);
        say("remount MS_RDONLY: %s", res(mount(NULL, d, NULL, MS_REMOUNT | MS_RDONLY, NULL)));
        say("open existing O_WRONLY: %s", res(open(f, O_WRONLY)));
        say("create: %s", res(open(g, O_WRONLY | O_CREAT, 0644)));
        say("mkdir: %s", res(mkdir(g, 0755)));
        say("unlink: %s", res(unlink(f)));
        say("open O_RDONLY: %s", res(open(f, O_RDONLY)));
        say("remount read-write: %s", res(mount(NULL, d, NULL, MS_REMOUNT, NULL)));
        say("create after rw remount: %s", res(open(g, O_WRONLY | O_CREAT, 0644)));
        say("umount2: %s", res(umount2(d, MNT_DETACH)));
        _exit(0);
    }
    wait_print("child", c, 0);
}

/* ---- network ------------------------------------------------------------ */

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "%s", name);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static void test_ns_net_abstract_unix(void)
{
    char name[64];
    snprintf(name, sizeof name, "conform-ns-net-%d", (int)getpid());
    struct sockaddr_un a;
    socklen_t len = abstract_addr(&a, name);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(s >= 0);
    CHECK(bind(s, (struct sockaddr *)&a, len) == 0);
    CHECK(listen(s, 4) == 0);
    pid_t c = xfork();
    if (c == 0) {
        struct stat n0, n1;
        CHECK(ns_stat("/proc/self/ns/net", &n0) == 0);
        int t = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        say("connect before unshare: %s", res(connect(t, (struct sockaddr *)&a, len)));
        close(t);
        say("unshare(CLONE_NEWNET): %s", res(unshare(CLONE_NEWNET)));
        CHECK(ns_stat("/proc/self/ns/net", &n1) == 0);
        say("ns/net same as before: %s", yesno(same_ns(&n0, &n1)));
        t = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        say("connect after unshare: %s", res(connect(t, (struct sockaddr *)&a, len)));
        close(t);
        t = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        say("bind of the same name after unshare: %s", res(bind(t, (struct sockaddr *)&a, len)));
        int u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        say("second bind of the name in the new namespace: %s", res(bind(u, (struct sockaddr *)&a, len)));
        say("socket inherited from before is usable (getsockname): %s",
            res(getsockname(s, (struct sockaddr *)&(struct sockaddr_un){0}, &(socklen_t){sizeof(struct sockaddr_un)})));
        _exit(0);
    }
    wait_print("child", c, 0);
    int t = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    say("parent: connect still works: %s", res(connect(t, (struct sockaddr *)&a, len)));
    close(t);
    close(s);
}

/* ---- user --------------------------------------------------------------- */

static int write_proc(const char *path, const char *s)
{
    return write_once(path, s) == (long)strlen(s) ? 0 : -1;
}

static void become_nobody(void)
{
    CHECK(setgroups(0, NULL) == 0);
    CHECK(setresgid(65534, 65534, 65534) == 0);
    CHECK(setresuid(65534, 65534, 65534) == 0);
    CHECK(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0);
}

static void test_ns_user_maps(void)
{
    CHECK(chmod(tmp_dir(), 0777) == 0);
    char f[160];
    snprintf(f, sizeof f, "%s", tmp_path("owned"));
    pid_t c = xfork();
    if (c == 0) {
        become_nobody();
        say("uid 65534: unshare(CLONE_NEWUTS) before: %s", res(unshare(CLONE_NEWUTS)));
        say("unshare(CLONE_NEWUSER): %s", res(unshare(CLONE_NEWUSER)));
        say("unmapped: getuid()=%d getgid()=%d", (int)getuid(), (int)getgid());
        say("write gid_map before setgroups=deny: %s", res(write_proc("/proc/self/gid_map", "0 65534 1\n")));
        say("write uid_map \"0 65534 1\": %s", res(write_proc("/proc/self/uid_map", "0 65534 1\n")));
        say("write uid_map again: %s", res(write_proc("/proc/self/uid_map", "0 65534 1\n")));
        say("write setgroups \"deny\": %s", res(write_proc("/proc/self/setgroups", "deny")));
        say("write gid_map \"0 65534 1\": %s", res(write_proc("/proc/self/gid_map", "0 65534 1\n")));
        say("mapped: getuid()=%d getgid()=%d geteuid()=%d", (int)getuid(), (int)getgid(), (int)geteuid());
        say("setgroups(0) after deny: %s", res(setgroups(0, NULL)));
        say("unshare(CLONE_NEWUTS): %s", res(unshare(CLONE_NEWUTS)));
        say("sethostname: %s", res(sethostname("conform-user", 12)));
        say("setuid(1) (unmapped): %s", res(setuid(1)));
        write_file(f, "x", 0644);
        struct stat st;
        CHECK(stat(f, &st) == 0);
        say("inside: file uid=%d gid=%d", (int)st.st_uid, (int)st.st_gid);
        _exit(0);
    }
    wait_print("child", c, 0);
    struct stat st;
    CHECK(stat(f, &st) == 0);
    say("outside: file uid=%d gid=%d", (int)st.st_uid, (int)st.st_gid);
}

static void test_ns_user_ns_files(void)
{
    pid_t c = xfork();
    if (c == 0) {
        become_nobody();
        struct stat u0, u1, p0, p1;
        CHECK(ns_stat("/proc/self/ns/user", &u0) == 0);
        CHECK(ns_stat("/proc/self/ns/uts", &p0) == 0);
        int up = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
        CHECK(up >= 0);
        say("clone(CLONE_NEWUSER|CLONE_NEWUTS) as uid 65534 ...");
        fflush(NULL);
        pid_t g = raw_clone(CLONE_NEWUSER | CLONE_NEWUTS | SIGCHLD, NULL, NULL, NULL, 0);
        if (g == 0) {
            CHECK(ns_stat("/proc/self/ns/user", &u1) == 0);
            CHECK(ns_stat("/proc/self/ns/uts", &p1) == 0);
            say("grandchild: user ns differs: %s, uts ns differs: %s", yesno(!same_ns(&u0, &u1)), yesno(!same_ns(&p0, &p1)));
            say("grandchild: getuid()=%d", (int)getuid());
            say("grandchild: sethostname (no mapping needed): %s", res(sethostname("conform-u", 9)));
            say("grandchild: setns back to the parent user ns: %s",
                res(setns(up, CLONE_NEWUSER)));
            _exit(0);
        }
        if (g < 0) say("clone: %s", res(g));
        else wait_print("grandchild", g, 0);
        _exit(0);
    }
    wait_print("child", c, 0);
}

/* ---- setns -------------------------------------------------------------- */

static void setns_pidfd(void)
{
    struct stat n0, n1, u1, i1, hu, hi;
    char p[64];
    CHECK(ns_stat("/proc/self/ns/net", &n0) == 0);
    int pfd = (int)sys_pidfd_open(holder_pid, 0);
    CHECK(pfd >= 0);
    say("semget(key) before: %s", res(semget(JOIN_KEY, 0, 0)));
    say("setns(pidfd, 0): %s", res(setns(pfd, 0)));
    say("setns(pidfd, CLONE_NEWUTS|CLONE_NEWIPC): %s", res(setns(pfd, CLONE_NEWUTS | CLONE_NEWIPC)));
    struct utsname u;
    uname(&u);
    say("nodename=%s", u.nodename);
    say("semget(key) after: %s", res(semget(JOIN_KEY, 0, 0)));
    CHECK(ns_stat("/proc/self/ns/net", &n1) == 0);
    CHECK(ns_stat("/proc/self/ns/uts", &u1) == 0);
    CHECK(ns_stat("/proc/self/ns/ipc", &i1) == 0);
    ns_path(p, sizeof p, holder_pid, "uts");
    CHECK(ns_stat(p, &hu) == 0);
    ns_path(p, sizeof p, holder_pid, "ipc");
    CHECK(ns_stat(p, &hi) == 0);
    say("uts same as holder: %s, ipc same as holder: %s, net unchanged: %s",
        yesno(same_ns(&u1, &hu)), yesno(same_ns(&i1, &hi)), yesno(same_ns(&n0, &n1)));
    say("setns(pidfd, 0x1) (not a namespace flag): %s", res(setns(pfd, 1)));
    close(pfd);
}

static void test_ns_setns_pidfd(void)
{
    semctl(semget(JOIN_KEY, 0, 0), 0, IPC_RMID);
    with_holder(CLONE_NEWUTS | CLONE_NEWIPC, setns_pidfd);
}

static void setns_errors(void)
{
    static const struct { const char *n; int t; } ns[] = {
        { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
        { "mnt", CLONE_NEWNS },  { "pid", CLONE_NEWPID }, { "user", CLONE_NEWUSER },
    };
    int fds[6];
    for (int i = 0; i < 6; i++) {
        char p[64];
        snprintf(p, sizeof p, "/proc/self/ns/%s", ns[i].n);
        fds[i] = open(p, O_RDONLY | O_CLOEXEC);
        CHECK(fds[i] >= 0);
    }
    for (int i = 0; i < 6; i++) {
        int wrong = ns[(i + 1) % 6].t;
        say("%s fd with %s type: %s", ns[i].n, ns[(i + 1) % 6].n, res(setns(fds[i], wrong)));
    }
    say("uts fd with CLONE_NEWUTS|CLONE_NEWIPC: %s", res(setns(fds[0], CLONE_NEWUTS | CLONE_NEWIPC)));
    say("uts fd, own namespace, type 0: %s", res(setns(fds[0], 0)));
    say("ipc fd, own namespace, CLONE_NEWIPC: %s", res(setns(fds[1], CLONE_NEWIPC)));
    say("user fd, own namespace: %s", res(setns(fds[5], CLONE_NEWUSER)));
    int nf = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    say("regular file fd: %s", res(setns(nf, 0)));
    say("closed fd: %s", res(setns(999, 0)));
    say("-1: %s", res(setns(-1, CLONE_NEWUTS)));
}

static void test_ns_setns_errors(void)
{
    sub(setns_errors);
}

static void stat_compare(void)
{
    static const char *names[] = { "uts", "ipc", "net", "mnt", "pid", "user", "cgroup" };
    struct stat before[7], after[7], back[7];
    int uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
    int ipc = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
    CHECK(uts >= 0 && ipc >= 0);
    for (int i = 0; i < 7; i++) {
        char p[64];
        snprintf(p, sizeof p, "/proc/self/ns/%s", names[i]);
        CHECK(ns_stat(p, &before[i]) == 0);
    }
    say("all namespace files on one device: %s",
        yesno(before[0].st_dev == before[1].st_dev && before[0].st_dev == before[6].st_dev));
    say("distinct inodes for distinct types: %s", yesno(before[0].st_ino != before[1].st_ino));
    say("unshare(CLONE_NEWUTS|CLONE_NEWIPC): %s", res(unshare(CLONE_NEWUTS | CLONE_NEWIPC)));
    for (int i = 0; i < 7; i++) {
        char p[64];
        snprintf(p, sizeof p, "/proc/self/ns/%s", names[i]);
        CHECK(ns_stat(p, &after[i]) == 0);
        say("%s: same dev: %s same ns: %s", names[i], yesno(before[i].st_dev == after[i].st_dev),
            yesno(same_ns(&before[i], &after[i])));
    }
    struct stat fdst;
    CHECK(fstat(uts, &fdst) == 0);
    say("fd opened before unshare still names the old uts: %s", yesno(same_ns(&fdst, &before[0])));
    say("setns back to old uts and ipc: %s %s", res(setns(uts, CLONE_NEWUTS)), res(setns(ipc, CLONE_NEWIPC)));
    for (int i = 0; i < 2; i++) {
        char p[64];
        snprintf(p, sizeof p, "/proc/self/ns/%s", names[i]);
        CHECK(ns_stat(p, &back[i]) == 0);
        say("%s after setns back: same as before: %s", names[i], yesno(same_ns(&before[i], &back[i])));
    }
    struct stat l;
    say("lstat ns/uts is a symlink: %s", yesno(lstat("/proc/self/ns/uts", &l) == 0 && S_ISLNK(l.st_mode)));
    char lk[64] = { 0 };
    say("readlink ns/uts starts with \"uts:[\": %s",
        yesno(readlink("/proc/self/ns/uts", lk, sizeof lk - 1) > 0 && strncmp(lk, "uts:[", 5) == 0));
}

static void test_ns_stat_compare(void)
{
    sub(stat_compare);
}

static void test_ns_clone_flags_each(void)
{
    static const struct { const char *n; const char *f; int t; } ns[] = {
        { "uts", "CLONE_NEWUTS", CLONE_NEWUTS }, { "ipc", "CLONE_NEWIPC", CLONE_NEWIPC },
        { "net", "CLONE_NEWNET", CLONE_NEWNET }, { "mnt", "CLONE_NEWNS", CLONE_NEWNS },
        { "pid", "CLONE_NEWPID", CLONE_NEWPID }, { "user", "CLONE_NEWUSER", CLONE_NEWUSER },
    };
    struct stat before[6];
    for (int i = 0; i < 6; i++) {
        char p[64];
        snprintf(p, sizeof p, "/proc/self/ns/%s", ns[i].n);
        CHECK(ns_stat(p, &before[i]) == 0);
    }
    volatile int *res_mask = shared_mem(4096);
    for (int i = 0; i < 6; i++) {
        *res_mask = 0;
        fflush(NULL);
        pid_t c = raw_clone(ns[i].t | SIGCHLD, NULL, NULL, NULL, 0);
        if (c == 0) {
            int m = 0;
            for (int j = 0; j < 6; j++) {
                char p[64];
                struct stat s;
                snprintf(p, sizeof p, "/proc/self/ns/%s", ns[j].n);
                if (ns_stat(p, &s) == 0 && !same_ns(&s, &before[j])) m |= 1 << j;
            }
            *res_mask = m;
            _exit(0);
        }
        if (c < 0) {
            say("clone(%s): %s", ns[i].f, res(c));
            continue;
        }
        xwait(c, 0);
        char line[256] = "";
        for (int j = 0; j < 6; j++)
            if (*res_mask & (1 << j)) {
                strcat(line, " ");
                strcat(line, ns[j].n);
            }
        say("clone(%s): new:%s", ns[i].f, line[0] ? line : " none");
    }
}

const struct conform_test namespaces_tests[] = {
    T(ns_pid_init_ids, "clone(CLONE_NEWPID): child is pid 1 with ppid 0, its children 2 and 3"),
    T(ns_pid_orphan_reparent, "an orphan inside a pid namespace is reparented to its init"),
    T(ns_pid_init_exit_kills, "init exit SIGKILLs the namespace; a later fork into it is ENOMEM"),
    T(ns_pid_nspid, "/proc/self/status NSpid: one entry per level, last 1 for an init"),
    T(ns_pid_unshare_fork, "unshare(CLONE_NEWPID): caller keeps its pid, first child is 1, second 2"),
    T(ns_pid_setns, "setns to a pid namespace changes only the children's namespace"),
    T(ns_pid_init_signals, "init without handlers ignores signals from inside and SIGTERM from outside; SIGKILL kills"),
    T(ns_pid_nesting_limit, "32 nested pid namespaces, the 33rd clone is ENOSPC"),
    T(ns_uts_sethostname, "sethostname/setdomainname in a new UTS namespace leave the parent's unchanged"),
    T(ns_uts_setns, "setns to another UTS namespace via /proc/PID/ns/uts, wrong type EINVAL, back again"),
    T(ns_ipc_sem, "unshare(CLONE_NEWIPC) hides a semaphore (ENOENT, EINVAL by id), same key reusable"),
    T(ns_ipc_shm, "unshare(CLONE_NEWIPC) hides a shm segment; an existing attachment stays"),
    T(ns_ipc_setns, "setns to another IPC namespace via /proc/PID/ns/ipc: its semaphore appears, SEM_UNDO applied on leaving"),
    T(ns_ipc_msg, "unshare(CLONE_NEWIPC) hides a message queue, the parent's keeps its message"),
    T(ns_mnt_tmpfs_private, "tmpfs mounted in a private mount namespace is invisible to the parent"),
    T(ns_mnt_bind_umount, "bind mount shows the same files; umount2; /proc/self/mounts entry comes and goes"),
    T(ns_mnt_remount_ro, "MS_REMOUNT|MS_RDONLY makes writes EROFS; read-write remount restores them"),
    T(ns_net_abstract_unix, "unshare(CLONE_NEWNET) hides an abstract AF_UNIX name; ns/net differs"),
    T(ns_user_maps, "uid 65534 unshare(CLONE_NEWUSER): uid_map/setgroups/gid_map rules, root inside, file owner outside"),
    T(ns_user_ns_files, "clone(CLONE_NEWUSER|CLONE_NEWUTS) unprivileged: new namespaces, overflow uid, caps inside"),
    T(ns_setns_pidfd, "setns(pidfd, CLONE_NEWUTS|CLONE_NEWIPC) joins both, nothing else"),
    T(ns_setns_errors, "setns with the wrong nstype, a non-namespace fd, bad fds: EINVAL/EBADF"),
    T(ns_stat_compare, "/proc/self/ns/X stat identity before and after unshare and setns back"),
    T(ns_clone_flags_each, "each CLONE_NEW* flag of clone gives exactly that new namespace"),
    { NULL, NULL, NULL },
};
