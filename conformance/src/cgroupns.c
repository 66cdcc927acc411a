/* cgroupns.c - cgroup namespaces and the cgroup v2 hierarchy: cgroup.procs, /proc/PID/cgroup,
 * unshare and setns(CLONE_NEWCGROUP), clone3 CLONE_INTO_CGROUP, subtree_control, mountinfo.
 *
 * The machine that generates the expectations mounts cgroup v1 at /sys/fs/cgroup, so every
 * test runs in a "session" process with a private mount namespace that mounts cgroup2 (a v2
 * hierarchy needs no controllers, so it mounts even while they are bound to v1) on <tmp>/cg.
 * The session creates the test cgroup <cg> = <tmp>/cg/conform-cg.PID at the mount root,
 * runs the test body in a child, then removes every cgroup below <cg> and <cg> itself (also
 * after a failed body) and restores what it enabled in the root's subtree_control; cgroups
 * left by a killed run are removed at the start.  The mount goes away with the namespace.
 * Paths print relative to <cg> or to a namespace root, never the host's own cgroups.
 *
 * pids.max cannot be checked on that machine (pids is bound to v1 there): the hidden helper
 * "conform --helper cgroup-pids" prints its observations, test/cgroup.test.ts compares them
 * under forkscope with what Linux's pids controller does, and on a host whose cgroup2 root
 * offers pids the same helper runs natively. */
#include "conform.h"
#include <dirent.h>
#include <pthread.h>
#include <sys/mount.h>
#include <sys/vfs.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#define CGROUP2_MAGIC 0x63677270

static char MNT[128];      /* the session's cgroup2 mount */
static char NAME[64];      /* conform-cg.PID, the test cgroup's name */
static char CTRL[32];      /* a domain controller the root offers ("" if none) */

/* <cg>/rel (rel "" is <cg> itself) */
static const char *cg(const char *rel)
{
    static char b[8][256];
    static unsigned k;
    char *o = b[k++ % 8];
    snprintf(o, 256, "%s/%s%s%s", MNT, NAME, *rel ? "/" : "", rel);
    return o;
}

static long put_pid(const char *path, pid_t pid)
{
    char b[32];
    snprintf(b, sizeof b, "%d", (int)pid);
    return write_once(path, b);
}

/* the whole file (up to 4 KiB) or "" */
static const char *slurp(const char *path)
{
    static char b[4][4096];
    static unsigned k;
    char *o = b[k++ % 4];
    o[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return o;
    ssize_t n = 0, r;
    while (n < 4095 && (r = read(fd, o + n, 4095 - (size_t)n)) > 0) n += r;
    close(fd);
    o[n] = 0;
    return o;
}

static const char *first_line(const char *path)
{
    const char *s = slurp(path);
    static char b[4][256];
    static unsigned k;
    char *o = b[k++ % 4];
    snprintf(o, 256, "%.*s", (int)strcspn(s, "\n"), s);
    return o;
}

/* is word a space-separated word of the file? */
static int lists(const char *path, const char *word)
{
    char b[4096];
    snprintf(b, sizeof b, "%s", slurp(path));
    for (char *w = strtok(b, " \n"); w; w = strtok(NULL, " \n"))
        if (strcmp(w, word) == 0) return 1;
    return 0;
}

/* number of lines of a cgroup.procs file, and whether pid is one of them */
static int procs_count(const char *dir)
{
    char p[300];
    snprintf(p, sizeof p, "%s/cgroup.procs", dir);
    int n = 0;
    for (const char *s = slurp(p); *s; s++) n += *s == '\n';
    return n;
}

static int procs_has(const char *dir, pid_t pid)
{
    char p[300], w[32];
    snprintf(p, sizeof p, "%s/cgroup.procs", dir);
    snprintf(w, sizeof w, "%d", (int)pid);
    return lists(p, w);
}

/* the "0::" line of /proc/PID/cgroup (pid 0: self) without "0::", the test cgroup as <cg>.
 * A v1 host lists its v1 hierarchies too; only the v2 line is printed. */
static const char *cgroup_of(pid_t pid)
{
    char p[64];
    if (pid) snprintf(p, sizeof p, "/proc/%d/cgroup", (int)pid);
    else snprintf(p, sizeof p, "/proc/self/cgroup");
    const char *s = slurp(p), *l = s;
    while (l && strncmp(l, "0::", 3) != 0) {
        l = strchr(l, '\n');
        if (l) l++;
    }
    static char b[4][256];
    static unsigned k;
    char *o = b[k++ % 4];
    if (!l) return "(no 0:: line)";
    l += 3;
    int len = (int)strcspn(l, "\n");
    const char *at = strstr(l, NAME);
    if (at && at - l < len)
        snprintf(o, 256, "%.*s<cg>%.*s", (int)(at - l - 1), l, len - (int)(at - l) - (int)strlen(NAME), at + strlen(NAME));
    else snprintf(o, 256, "%.*s", len, l);
    return o;
}

static void mkcg(const char *rel)
{
    CHECK(mkdir(cg(rel), 0755) == 0);
}

static int same_ns(const char *a, const char *b)
{
    struct stat x, y;
    CHECK(stat(a, &x) == 0 && stat(b, &y) == 0);
    return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* ---- the session ---------------------------------------------------------- */

/* remove dir's cgroups depth first, then dir; loud: report failures */
static void rm_cgroups(const char *dir, int loud)
{
    char names[32][64]; /* the tests' cgroups have short names */
    int n = 0;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL && n < 32) {
            char p[512];
            struct stat st;
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (e->d_name[0] != '.' && lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                snprintf(names[n++], 64, "%.63s", e->d_name);
        }
        closedir(d);
    }
    for (int i = 0; i < n; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%.63s", dir, names[i]);
        rm_cgroups(p, loud);
    }
    if (rmdir(dir) != 0 && loud) say("cleanup: rmdir %s: %s", dir + strlen(MNT) + 1, ename(errno));
}

/* cgroups of earlier runs that were killed before their cleanup */
static void sweep(void)
{
    DIR *d = opendir(MNT);
    CHECK(d != NULL);
    struct dirent *e;
    char stale[16][64];
    int n = 0;
    while ((e = readdir(d)) != NULL && n < 16) {
        int pid;
        if (sscanf(e->d_name, "conform-cg.%d", &pid) == 1 && pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH)
            snprintf(stale[n++], 64, "%.63s", e->d_name);
    }
    closedir(d);
    for (int i = 0; i < n; i++) {
        char p[256];
        snprintf(p, sizeof p, "%.127s/%.63s", MNT, stale[i]);
        rm_cgroups(p, 0);
    }
}

/* The controller a test wants, enabled in the root's subtree_control: `want` by name, or ""
 * for the first one the root offers that is not threaded (cpu, cpuset, perf_event and pids
 * are).  CTRL stays "" when the root offers none; returns whether the session enabled it. */
static int root_controller(const char *want)
{
    char p[256], b[4096];
    snprintf(p, sizeof p, "%s/cgroup.controllers", MNT);
    snprintf(b, sizeof b, "%s", slurp(p));
    static const char *threaded[] = { "cpu", "cpuset", "perf_event", "pids", NULL };
    for (char *w = strtok(b, " \n"); w; w = strtok(NULL, " \n")) {
        int t = 0;
        for (int i = 0; threaded[i]; i++) t |= strcmp(w, threaded[i]) == 0;
        if (*want ? strcmp(w, want) == 0 : !t) {
            snprintf(CTRL, sizeof CTRL, "%s", w);
            break;
        }
    }
    if (!CTRL[0]) return 0;
    snprintf(p, sizeof p, "%s/cgroup.subtree_control", MNT);
    if (lists(p, CTRL)) return 0;
    char plus[40];
    snprintf(plus, sizeof plus, "+%s", CTRL);
    CHECK(write_once(p, plus) >= 0);
    return 1;
}

/* Run body in a child of a session process (see the top of the file); ctrl: the controller
 * the body needs (see root_controller), or NULL. */
static void session(void (*body)(void), const char *ctrl)
{
    tmp_dir(); /* made here, so that this process removes it */
    pid_t s = xfork();
    if (s == 0) {
        CHECK(unshare(CLONE_NEWNS) == 0);
        CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
        snprintf(MNT, sizeof MNT, "%s", tmp_path("cg"));
        CHECK(mkdir(MNT, 0755) == 0);
        CHECK(mount("none", MNT, "cgroup2", 0, NULL) == 0);
        sweep();
        int enabled = ctrl ? root_controller(ctrl) : 0;
        snprintf(NAME, sizeof NAME, "conform-cg.%d", (int)getpid());
        CHECK(mkdir(cg(""), 0755) == 0);
        pid_t b = xfork();
        if (b == 0) {
            body();
            _exit(0);
        }
        wait_clean("body", b);
        rm_cgroups(cg(""), 1);
        if (enabled) {
            char p[256], minus[40];
            snprintf(p, sizeof p, "%s/cgroup.subtree_control", MNT);
            snprintf(minus, sizeof minus, "-%s", CTRL);
            if (write_once(p, minus) < 0) say("cleanup: root subtree_control: %s", ename(errno));
        }
        _exit(0);
    }
    wait_clean("session", s);
}

/* a child that waits for one message, then runs fn (if any) and exits 0 */
static pid_t parked(struct chan *go, void (*fn)(void))
{
    chan_open(go);
    pid_t c = xfork();
    if (c == 0) {
        close(go->w);
        chan_recv(go);
        if (fn) fn();
        _exit(0);
    }
    close(go->r);
    return c;
}

static void release(struct chan *go, pid_t c, const char *label)
{
    chan_send(go, 1);
    close(go->w);
    wait_print(label, c, 0);
}

/* ---- unshare -------------------------------------------------------------- */

static void show_self(void)
{
    say("child: /proc/self/cgroup: %s", cgroup_of(0));
}

static void unshare_body(void)
{
    mkcg("a");
    mkcg("a/sub");
    mkcg("b");
    say("move self to <cg>/a: %s", res(write_once(cg("a/cgroup.procs"), "0")));
    say("/proc/self/cgroup: %s", cgroup_of(0));
    struct chan og;
    pid_t outside = parked(&og, NULL); /* stays in the first namespace, in <cg>/a */
    int old = open("/proc/self/ns/cgroup", O_RDONLY | O_CLOEXEC);
    CHECK(old >= 0);
    say("unshare(CLONE_NEWCGROUP): %s", res(unshare(CLONE_NEWCGROUP)));
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/ns/cgroup", (int)outside);
    say("ns/cgroup differs from before: %s", yesno(!same_ns("/proc/self/ns/cgroup", p)));
    say("/proc/self/cgroup: %s", cgroup_of(0));
    say("still a member of <cg>/a: %s", yesno(procs_has(cg("a"), getpid())));
    say("a process of the old namespace in <cg>/a: %s", cgroup_of(outside));

    struct chan go;
    pid_t c = parked(&go, show_self);
    snprintf(p, sizeof p, "/proc/%d/ns/cgroup", (int)c);
    say("child shares the new namespace: %s", yesno(same_ns("/proc/self/ns/cgroup", p)));
    say("child in <cg>/a: %s", cgroup_of(c));
    say("move child to <cg>/a/sub: %s", res(put_pid(cg("a/sub/cgroup.procs"), c)));
    say("child: %s", cgroup_of(c));
    say("move child to <cg>/b: %s", res(put_pid(cg("b/cgroup.procs"), c)));
    say("child: %s", cgroup_of(c));
    say("move child to <cg>: %s", res(put_pid(cg("cgroup.procs"), c)));
    say("child: %s", cgroup_of(c));
    say("move child to <cg>/b again: %s", res(put_pid(cg("b/cgroup.procs"), c)));
    release(&go, c, "child");

    /* a namespace made in <cg>/b sees <cg>/a as a sibling */
    pid_t g = xfork();
    if (g == 0) {
        CHECK(write_once(cg("b/cgroup.procs"), "0") > 0);
        say("grandchild: unshare(CLONE_NEWCGROUP) in <cg>/b: %s", res(unshare(CLONE_NEWCGROUP)));
        say("grandchild: /proc/self/cgroup: %s", cgroup_of(0));
        say("grandchild: its parent: %s", cgroup_of(getppid()));
        say("grandchild: setns back to the first namespace: %s", res(setns(old, CLONE_NEWCGROUP)));
        say("grandchild: /proc/self/cgroup: %s", cgroup_of(0));
        _exit(0);
    }
    wait_print("grandchild", g, 0);
    release(&og, outside, "outside");
}

static void test_ns_cgroup_unshare(void)
{
    session(unshare_body, NULL);
}

/* ---- cgroup.procs and friends --------------------------------------------- */

static volatile int thr_go, thr_tid;

static int thread_park(void *arg)
{
    ev_wait(&thr_go);
    return 0;
}

static void procs_body(void)
{
    mkcg("a");
    mkcg("b");
    say("<cg>/a cgroup.type: %s", first_line(cg("a/cgroup.type")));
    say("<cg>/a cgroup.events: %s", first_line(cg("a/cgroup.events")));
    say("<cg>/a cgroup.procs lines: %d", procs_count(cg("a")));
    static const struct { const char *in, *label; } bad[] = {
        { "abc", "\"abc\"" }, { "-1", "\"-1\"" }, { "", "\"\" (0 bytes)" }, { "\n", "\"\\n\"" },
        { "1 2", "\"1 2\"" }, { "4194304", "\"4194304\" (no such pid)" }, { "2", "\"2\" (kthreadd)" },
        { NULL, NULL },
    };
    for (int i = 0; bad[i].in; i++) say("write %s: %s", bad[i].label, res(write_once(cg("a/cgroup.procs"), bad[i].in)));
    say("after them, <cg>/a cgroup.procs lines: %d", procs_count(cg("a")));
    say("write \" 0 \" (self, blanks): %s", res(write_once(cg("a/cgroup.procs"), " 0 ")));
    say("/proc/self/cgroup: %s", cgroup_of(0));
    say("<cg>/a lists self: %s, lines: %d", yesno(procs_has(cg("a"), getpid())), procs_count(cg("a")));
    say("<cg>/a cgroup.events: %s", first_line(cg("a/cgroup.events")));
    say("<cg> cgroup.events (populated below): %s", first_line(cg("cgroup.events")));
    say("<cg> cgroup.procs lines: %d", procs_count(cg("")));
    say("write \"0x0\" to <cg>/b: %s", res(write_once(cg("b/cgroup.procs"), "0x0")));
    say("/proc/self/cgroup: %s", cgroup_of(0));

    /* a thread's tid moves its whole process; cgroup.threads only moves within a domain */
    pid_t t = spawn_thread(thread_park, NULL, &thr_tid);
    say("write the thread's tid to <cg>/a: %s", res(put_pid(cg("a/cgroup.procs"), t)));
    say("/proc/self/cgroup: %s, the thread's: %s", cgroup_of(0), cgroup_of(t));
    say("<cg>/a lists the tid: %s, lines: %d", yesno(procs_has(cg("a"), t)), procs_count(cg("a")));
    char tid[32];
    snprintf(tid, sizeof tid, "%d", (int)t);
    say("<cg>/a cgroup.threads lists the tid: %s", yesno(lists(cg("a/cgroup.threads"), tid)));
    say("write self to <cg>/b cgroup.threads: %s", res(write_once(cg("b/cgroup.threads"), "0")));
    say("write self to <cg>/a cgroup.threads: %s", res(write_once(cg("a/cgroup.threads"), "0")));
    ev_set(&thr_go);
    wait_cleared(&thr_tid);

    /* a child: moved by pid, its children inherit its cgroup */
    struct chan go;
    pid_t c = parked(&go, show_self);
    say("move child to <cg>/b: %s", res(put_pid(cg("b/cgroup.procs"), c)));
    say("child: %s; <cg>/b lists it: %s, lines: %d", cgroup_of(c), yesno(procs_has(cg("b"), c)), procs_count(cg("b")));
    say("<cg>/b cgroup.events: %s", first_line(cg("b/cgroup.events")));
    say("rmdir <cg>/b while populated: %s", res(rmdir(cg("b"))));
    chan_send(&go, 1);
    close(go.w);
    siginfo_t si;
    CHECK(waitid(P_PID, c, &si, WEXITED | WNOWAIT) == 0);
    /* a zombie is no member any more, but keeps its cgroup in /proc/PID/cgroup */
    say("zombie child: <cg>/b lines: %d, %s", procs_count(cg("b")), first_line(cg("b/cgroup.events")));
    say("zombie child: %s", cgroup_of(c));
    say("rmdir <cg>/b: %s", res(rmdir(cg("b"))));
    say("zombie child: %s", cgroup_of(c));
    wait_print("child", c, 0);
    mkcg("b");

    /* a pid namespace sees processes outside it as 0 */
    fflush(NULL);
    pid_t n = (pid_t)raw_clone(CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);
    if (n == 0) {
        char buf[4096], out[256] = "";
        snprintf(buf, sizeof buf, "%s", slurp(cg("a/cgroup.procs")));
        for (char *w = strtok(buf, "\n"); w; w = strtok(NULL, "\n")) {
            strcat(out, " ");
            strcat(out, atoi(w) > 1 ? "N" : w);
        }
        say("new pid namespace: <cg>/a cgroup.procs:%s", out);
        _exit(0);
    }
    CHECK(n > 0);
    wait_print("pid namespace init", n, 0);

    say("rmdir <cg> (has children): %s", res(rmdir(cg(""))));
    say("rmdir <cg>/a/cgroup.procs: %s", res(rmdir(cg("a/cgroup.procs"))));
    say("unlink <cg>/a/cgroup.procs: %s", res(unlink(cg("a/cgroup.procs"))));
    say("mkdir <cg>/a again: %s", res(mkdir(cg("a"), 0755)));
    say("mkdir <cg>/cgroup.procs: %s", res(mkdir(cg("cgroup.procs"), 0755)));
    say("create a regular file: %s", res(open(cg("b/file"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)));
    mkcg("gone");
    int procs = open(cg("gone/cgroup.procs"), O_RDWR | O_CLOEXEC);
    CHECK(procs >= 0);
    say("rmdir <cg>/gone: %s", res(rmdir(cg("gone"))));
    say("write to its open cgroup.procs: %s", res(write(procs, "0", 1)));
    char b[64];
    say("read its open cgroup.procs: %s", res(pread(procs, b, sizeof b, 0)));
    close(procs);
    say("rmdir <cg>/b: %s", res(rmdir(cg("b"))));
}

static void test_ns_cgroup_procs(void)
{
    session(procs_body, NULL);
}

/* ---- clone3 CLONE_INTO_CGROUP --------------------------------------------- */

static void show_self_and_fork(void)
{
    say("child: /proc/self/cgroup: %s", cgroup_of(0));
    pid_t g = xfork();
    if (g == 0) {
        say("grandchild: /proc/self/cgroup: %s", cgroup_of(0));
        _exit(0);
    }
    xwait(g, 0);
}

/* clone3 into the cgroup of fd; the child runs fn, the parent waits and prints */
static void into(const char *label, int fd, uint64_t extra, void (*fn)(void))
{
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_INTO_CGROUP | extra;
    a.exit_signal = SIGCHLD;
    a.cgroup = (uint64_t)(unsigned)fd;
    if (fd == -1) a.cgroup = ~0ULL;
    long r = sys_clone3(&a, sizeof a);
    if (r == 0) {
        if (fn) fn();
        _exit(0);
    }
    if (r < 0) say("%s: %s", label, res(r));
    else wait_print(label, (pid_t)r, 0);
}

static volatile int c3_tid;

static int c3_thread(void *arg)
{
    return 0;
}

static void into_thread(const char *label, int fd)
{
    static char stk[65536] __attribute__((aligned(16)));
    struct cl_args a;
    memset(&a, 0, sizeof a);
    a.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
              CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_INTO_CGROUP;
    a.parent_tid = a.child_tid = (uint64_t)(uintptr_t)&c3_tid;
    a.stack = (uint64_t)(uintptr_t)stk;
    a.stack_size = sizeof stk;
    a.cgroup = (uint64_t)fd;
    c3_tid = -1;
    long r = clone3_fn(&a, sizeof a, c3_thread, NULL);
    say("%s: %s", label, res(r));
    if (r > 0) wait_cleared(&c3_tid);
}

static void clone_into_body(void)
{
    mkcg("a");
    mkcg("b");
    CHECK(write_once(cg("a/cgroup.procs"), "0") > 0);
    int b = open(cg("b"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int bpath = open(cg("b"), O_PATH | O_CLOEXEC);
    int file = open(cg("b/cgroup.procs"), O_RDONLY | O_CLOEXEC);
    int notcg = open(tmp_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CHECK(b >= 0 && bpath >= 0 && file >= 0 && notcg >= 0);
    into("clone3 into <cg>/b", b, 0, show_self_and_fork);
    say("parent: /proc/self/cgroup: %s", cgroup_of(0));
    into("clone3 into <cg>/b by an O_PATH fd", bpath, 0, show_self);
    into("clone3 into <cg>/b with CLONE_NEWCGROUP", b, CLONE_NEWCGROUP, show_self);
    into("clone3 into a directory that is no cgroup", notcg, 0, NULL);
    into("clone3 into a cgroup.procs fd", file, 0, NULL);
    into("clone3 into a closed fd", 999, 0, NULL);
    into("clone3 into fd -1", -1, 0, NULL);
    mkcg("gone");
    int gone = open(cg("gone"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CHECK(gone >= 0 && rmdir(cg("gone")) == 0);
    into("clone3 into a removed cgroup", gone, 0, NULL);
    int a = open(cg("a"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    into_thread("clone3 CLONE_THREAD into <cg>/b", b);
    into_thread("clone3 CLONE_THREAD into its own cgroup", a);
    say("<cg>/b lines after all: %d", procs_count(cg("b")));
}

static void test_ns_cgroup_clone_into(void)
{
    session(clone_into_body, NULL);
}

/* ---- setns -------------------------------------------------------------- */

static void setns_body(void)
{
    mkcg("a");
    mkcg("b");
    struct chan ready, go;
    chan_open(&ready);
    chan_open(&go);
    pid_t h = xfork();
    if (h == 0) {
        CHECK(write_once(cg("a/cgroup.procs"), "0") > 0);
        CHECK(unshare(CLONE_NEWCGROUP) == 0);
        chan_send(&ready, 1);
        chan_recv(&go);
        _exit(0);
    }
    CHECK(chan_recv(&ready) == 1);
    CHECK(write_once(cg("b/cgroup.procs"), "0") > 0);
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/ns/cgroup", (int)h);
    int fd = open(p, O_RDONLY | O_CLOEXEC), self = open("/proc/self/ns/cgroup", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0 && self >= 0);
    say("holder (in its namespace's root): %s", cgroup_of(h));
    pid_t u = xfork();
    if (u == 0) {
        CHECK(setresuid(65534, 65534, 65534) == 0);
        say("uid 65534: setns: %s", res(setns(fd, CLONE_NEWCGROUP)));
        say("uid 65534: unshare(CLONE_NEWCGROUP): %s", res(unshare(CLONE_NEWCGROUP)));
        _exit(0);
    }
    wait_print("unprivileged child", u, 0);
    say("setns(cgroup fd, CLONE_NEWUTS): %s", res(setns(fd, CLONE_NEWUTS)));
    say("setns(cgroup fd, CLONE_NEWCGROUP): %s", res(setns(fd, CLONE_NEWCGROUP)));
    say("same namespace as the holder: %s", yesno(same_ns("/proc/self/ns/cgroup", p)));
    say("/proc/self/cgroup: %s", cgroup_of(0));
    say("holder: %s", cgroup_of(h));
    say("setns did not move us: <cg>/b lists self: %s", yesno(procs_has(cg("b"), getpid())));
    pid_t c = xfork();
    if (c == 0) {
        show_self();
        _exit(0);
    }
    wait_print("child", c, 0);
    say("setns(own old fd, 0): %s", res(setns(self, 0)));
    say("/proc/self/cgroup: %s", cgroup_of(0));
    say("holder: %s", cgroup_of(h));
    chan_send(&go, 1);
    wait_print("holder", h, 0);
}

static void test_ns_cgroup_setns(void)
{
    session(setns_body, NULL);
}

/* ---- mountinfo -------------------------------------------------------------- */

/* the root field and the fstype/source of the top mount at path (relative to <tmp>) */
static void show_mount(const char *who, const char *rel)
{
    char want[160], line[1024], found[512] = "(not mounted)";
    snprintf(want, sizeof want, "%s", tmp_path(rel));
    FILE *f = fopen("/proc/self/mountinfo", "r");
    CHECK(f != NULL);
    while (fgets(line, sizeof line, f)) {
        char root[256], point[256], fstype[64], source[64];
        const char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*d %*d %*s %255s %255s", root, point) != 2) continue;
        if (strcmp(point, want) != 0 || sscanf(dash + 3, "%63s %63s", fstype, source) != 2) continue;
        char *at = strstr(root, NAME);
        char r[300];
        if (at) snprintf(r, sizeof r, "%.*s<cg>%s", (int)(at - root - 1), root, at + strlen(NAME));
        else snprintf(r, sizeof r, "%s", root);
        snprintf(found, sizeof found, "root %s, %s %s", r, fstype, source);
    }
    fclose(f);
    say("%s: <tmp>/%s: %s", who, rel, found);
}

static void outside_view(void)
{
    show_mount("outside", "cg");
    show_mount("outside", "cg2");
    show_mount("outside", "cg3");
}

static void mountinfo_body(void)
{
    mkcg("a");
    mkcg("a/sub");
    mkcg("b");
    CHECK(write_once(cg("a/cgroup.procs"), "0") > 0);
    struct chan go;
    pid_t outside = parked(&go, outside_view);
    show_mount("first namespace", "cg");
    say("unshare(CLONE_NEWCGROUP): %s", res(unshare(CLONE_NEWCGROUP)));
    show_mount("new namespace", "cg");
    CHECK(mkdir(tmp_path("cg2"), 0755) == 0 && mkdir(tmp_path("cg3"), 0755) == 0);
    say("mount cgroup2 on <tmp>/cg2: %s", res(mount("inner", tmp_path("cg2"), "cgroup2", 0, NULL)));
    show_mount("new namespace", "cg2");
    say("bind <cg>/b on <tmp>/cg3: %s", res(mount(cg("b"), tmp_path("cg3"), NULL, MS_BIND, NULL)));
    show_mount("new namespace", "cg3");
    struct stat r2, ra, r1;
    CHECK(stat(tmp_path("cg2"), &r2) == 0 && stat(cg("a"), &ra) == 0 && stat(MNT, &r1) == 0);
    say("<tmp>/cg2 is <cg>/a: %s, same device as <tmp>/cg: %s",
        yesno(r2.st_ino == ra.st_ino && r2.st_dev == ra.st_dev), yesno(r2.st_dev == r1.st_dev));
    /* how runtimes tell cgroup v2 from v1 */
    struct statfs sf;
    CHECK(statfs(tmp_path("cg2"), &sf) == 0);
    say("statfs(<tmp>/cg2) is CGROUP2_SUPER_MAGIC: %s", yesno((unsigned long)sf.f_type == CGROUP2_MAGIC));
    int fd = open(cg("a/cgroup.procs"), O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0 && fstatfs(fd, &sf) == 0);
    close(fd);
    say("fstatfs(<cg>/a/cgroup.procs) is CGROUP2_SUPER_MAGIC: %s", yesno((unsigned long)sf.f_type == CGROUP2_MAGIC));
    CHECK(statfs(tmp_dir(), &sf) == 0);
    say("statfs(<tmp>) is CGROUP2_SUPER_MAGIC: %s", yesno((unsigned long)sf.f_type == CGROUP2_MAGIC));
    char p[200];
    snprintf(p, sizeof p, "%s/sub", tmp_path("cg2"));
    say("<tmp>/cg2/sub exists: %s", yesno(access(p, F_OK) == 0));
    snprintf(p, sizeof p, "%s/new", tmp_path("cg2"));
    say("mkdir <tmp>/cg2/new: %s", res(mkdir(p, 0755)));
    say("seen as <cg>/a/new: %s", yesno(access(cg("a/new"), F_OK) == 0));
    say("<tmp>/cg2 lists self: %s", yesno(procs_has(tmp_path("cg2"), getpid())));
    release(&go, outside, "outside");
    /* the mounts go with the session's mount namespace */
}

static void test_ns_cgroup_mountinfo(void)
{
    session(mountinfo_body, NULL);
}

/* ---- subtree_control and the no-internal-process rule ----------------------------- */

static long ctl(const char *rel, char sign)
{
    char w[40], p[300];
    snprintf(w, sizeof w, "%c%s", sign, CTRL);
    snprintf(p, sizeof p, "%s/cgroup.subtree_control", cg(rel));
    return write_once(p, w);
}

static int enabled(const char *rel, const char *file)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", cg(rel), file);
    return lists(p, CTRL);
}

static void subtree_body(void)
{
    if (!CTRL[0]) {
        say("skipped: the cgroup2 root offers no domain controller");
        return;
    }
    mkcg("a");
    mkcg("a/x");
    say("<cg>/a offers it before <cg> enables it: %s", yesno(enabled("a", "cgroup.controllers")));
    say("enable in <cg>/a first: %s", res(ctl("a", '+')));
    say("write the name without + or -: %s", res(write_once(cg("cgroup.subtree_control"), CTRL)));
    say("write +nosuchcontroller: %s", res(write_once(cg("cgroup.subtree_control"), "+nosuchcontroller")));
    say("disable where not enabled: %s", res(ctl("", '-')));
    say("enable in <cg>: %s", res(ctl("", '+')));
    say("enable in <cg> again: %s", res(ctl("", '+')));
    say("<cg> subtree_control lists it: %s; <cg>/a offers it: %s, enables it: %s",
        yesno(enabled("", "cgroup.subtree_control")), yesno(enabled("a", "cgroup.controllers")),
        yesno(enabled("a", "cgroup.subtree_control")));
    say("move self to <cg>/a: %s", res(write_once(cg("a/cgroup.procs"), "0")));
    say("enable in <cg>/a while it holds a process: %s", res(ctl("a", '+')));
    say("move self to <cg>/a/x: %s", res(write_once(cg("a/x/cgroup.procs"), "0")));
    say("enable in <cg>/a, now empty: %s", res(ctl("a", '+')));
    say("<cg>/a/x offers it: %s", yesno(enabled("a/x", "cgroup.controllers")));
    say("move self to <cg>/a: %s", res(write_once(cg("a/cgroup.procs"), "0")));
    int a = open(cg("a"), O_RDONLY | O_DIRECTORY | O_CLOEXEC), x = open(cg("a/x"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CHECK(a >= 0 && x >= 0);
    into("clone3 into <cg>/a", a, 0, NULL);
    into("clone3 into <cg>/a/x", x, 0, show_self);
    say("disable in <cg> while <cg>/a enables it: %s", res(ctl("", '-')));
    say("disable in <cg>/a: %s", res(ctl("a", '-')));
    say("move self to <cg>/a: %s", res(write_once(cg("a/cgroup.procs"), "0")));
    say("disable in <cg>: %s", res(ctl("", '-')));
    say("/proc/self/cgroup: %s", cgroup_of(0));
}

static void test_ns_cgroup_subtree_control(void)
{
    session(subtree_body, "");
}

/* ---- pids.max (a hidden helper: the generating machine binds pids to cgroup v1) ---------- */

static void *thread_ret(void *arg)
{
    return arg;
}

static const char *try_fork(void)
{
    pid_t f = fork();
    if (f == 0) _exit(0);
    if (f < 0) return res(f);
    xwait(f, 0);
    return "ok";
}

static void pids_body(void)
{
    if (!CTRL[0]) {
        say("skipped: the cgroup2 root does not offer pids");
        return;
    }
    mkcg("a");
    mkcg("b");
    say("<cg>/a has pids.max before <cg> enables pids: %s", yesno(access(cg("a/pids.max"), F_OK) == 0));
    say("enable pids in <cg>: %s", res(ctl("", '+')));
    say("<cg>/a pids.max: %s", first_line(cg("a/pids.max")));
    say("<cg>/a pids.current: %s", first_line(cg("a/pids.current")));
    static const char *bad[] = { "-1", "4194305", "abc", "", "1 2", NULL };
    for (int i = 0; bad[i]; i++) say("write pids.max \"%s\": %s", bad[i], res(write_once(cg("a/pids.max"), bad[i])));
    say("write pids.max 2: %s", res(write_once(cg("a/pids.max"), "2")));
    say("<cg>/a pids.max: %s", first_line(cg("a/pids.max")));
    say("move self to <cg>/a: %s", res(write_once(cg("a/cgroup.procs"), "0")));
    say("<cg>/a pids.current: %s", first_line(cg("a/pids.current")));
    struct chan go;
    pid_t c = parked(&go, NULL);
    say("one child: <cg>/a pids.current: %s", first_line(cg("a/pids.current")));
    say("fork at the limit: %s", try_fork());
    pthread_t th;
    say("pthread_create at the limit: %s", ename(pthread_create(&th, NULL, thread_ret, NULL)));
    say("enable pids in <cg>/a, which holds processes: %s", res(ctl("a", '+')));
    mkcg("a/x");
    say("<cg>/a/x pids.max: %s", first_line(cg("a/x/pids.max")));
    say("move the child to <cg>/a/x: %s", res(put_pid(cg("a/x/cgroup.procs"), c)));
    say("pids.current: <cg>/a %s, <cg>/a/x %s", first_line(cg("a/pids.current")), first_line(cg("a/x/pids.current")));
    say("fork at the parent's limit: %s", try_fork());
    say("write pids.max max: %s", res(write_once(cg("a/pids.max"), "max\n")));
    say("fork: %s", try_fork());
    pid_t z = xfork();
    if (z == 0) _exit(0);
    siginfo_t si;
    CHECK(waitid(P_PID, z, &si, WEXITED | WNOWAIT) == 0);
    say("with a zombie child: <cg>/a pids.current: %s", first_line(cg("a/pids.current")));
    xwait(z, 0);
    say("reaped: <cg>/a pids.current: %s", first_line(cg("a/pids.current")));
    say("write pids.max 1, below pids.current: %s", res(write_once(cg("a/pids.max"), "1")));
    say("fork: %s", try_fork());
    say("write <cg>/b pids.max 0: %s", res(write_once(cg("b/pids.max"), "0")));
    int b = open(cg("b"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CHECK(b >= 0);
    into("clone3 into <cg>/b", b, 0, NULL);
    say("disable pids in <cg>/a: %s", res(ctl("a", '-')));
    say("<cg>/a/x has pids.max: %s", yesno(access(cg("a/x/pids.max"), F_OK) == 0));
    say("disable pids in <cg>: %s", res(ctl("", '-')));
    say("<cg>/a has pids.max: %s", yesno(access(cg("a/pids.max"), F_OK) == 0));
    say("fork with no limit: %s", try_fork());
    say("enable pids in <cg> again: %s", res(ctl("", '+')));
    say("<cg>/a pids.max: %s", first_line(cg("a/pids.max")));
    release(&go, c, "child");
}

static int helper_pids(int argc, char **argv)
{
    session(pids_body, "pids");
    tmp_cleanup();
    return 0;
}

const struct conform_helper cgroupns_helpers[] = {
    { "cgroup-pids", helper_pids },
    { NULL, NULL },
};

const struct conform_test cgroupns_tests[] = {
    T(ns_cgroup_unshare, "unshare(CLONE_NEWCGROUP): paths relative to the namespace root, /.. for siblings, setns back"),
    T(ns_cgroup_procs, "cgroup.procs: moves by pid, tid and 0, bad writes, pid namespaces, cgroup.threads, events, rmdir"),
    T(ns_cgroup_clone_into, "clone3 CLONE_INTO_CGROUP: the child starts there, O_PATH fds, EBADF, removed cgroups, threads"),
    T(ns_cgroup_setns, "setns to a cgroup namespace: paths change, membership does not; EINVAL, EPERM unprivileged"),
    T(ns_cgroup_mountinfo, "cgroup2 mounted in a cgroup namespace: the mountinfo root field as each namespace sees it"),
    T(ns_cgroup_subtree_control, "subtree_control: ENOENT, EINVAL, and the no-internal-process rule (EBUSY) for moves and clone3"),
    { NULL, NULL, NULL },
};
