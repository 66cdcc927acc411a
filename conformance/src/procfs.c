/* procfs.c - /proc and /sys as Linux lays them out: field counts and layouts of
 * /proc/PID/stat, statm, status and limits, state letters through a child's life,
 * key sets of meminfo, stat and cpuinfo, /proc/PID files that can be written, fdinfo of
 * each kind of file, and /proc/sys writes with their errnos.  Values that differ between
 * machines are printed only as comparisons. */
#include "conform.h"
#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ptrace.h>
#include <sys/utsname.h>
#include <sys/auxv.h>
#include <sched.h>
#include <grp.h>
#include <sys/sysinfo.h>

/* ---- helpers ------------------------------------------------------------ */

/* the whole file, NUL-terminated; its length, or -1 with errno */
static long slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, size - 1 - n);
        if (r < 0) { int e = errno; close(fd); errno = e; return -1; }
        if (r == 0) break;
        n += (size_t)r;
        if (n == size - 1) break;
    }
    close(fd);
    buf[n] = 0;
    return (long)n;
}

/* fields of a stat line: after "pid (comm) "; f[0] is field 3 (state) */
static int stat_fields(pid_t pid, const char *tid, char *comm, char f[64][32])
{
    char path[64], buf[2048];
    if (tid) snprintf(path, sizeof path, "/proc/%d/task/%s/stat", pid, tid);
    else snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (slurp(path, buf, sizeof buf) < 0) return -1;
    char *l = strchr(buf, '('), *r = strrchr(buf, ')');
    if (!l || !r) return -1;
    if (comm) { memcpy(comm, l + 1, (size_t)(r - l - 1)); comm[r - l - 1] = 0; }
    int n = 0;
    for (char *p = strtok(r + 2, " \n"); p && n < 64; p = strtok(NULL, " \n")) snprintf(f[n++], 32, "%s", p);
    return n + 2;
}

static char state_of(pid_t pid)
{
    char f[64][32];
    if (stat_fields(pid, NULL, NULL, f) < 0) return '?';
    return f[0][0];
}

/* poll until the state letter is one of `want` (bounded: 5 s) */
static char wait_state(pid_t pid, const char *want)
{
    char s = '?';
    for (int i = 0; i < 5000; i++) {
        s = state_of(pid);
        if (strchr(want, s)) return s;
        usleep(1000);
    }
    return s;
}

/* the value of "Key:" in a /proc file of "Key:\tvalue" lines */
static int keyval(const char *text, const char *key, char *out, size_t size)
{
    size_t kl = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
            const char *v = p + kl + 1;
            while (*v == ' ' || *v == '\t') v++;
            size_t n = strcspn(v, "\n");
            if (n >= size) n = size - 1;
            memcpy(out, v, n);
            out[n] = 0;
            return 0;
        }
    }
    return -1;
}

static long keynum(const char *text, const char *key)
{
    char v[128];
    return keyval(text, key, v, sizeof v) == 0 ? atol(v) : -1;
}

static long write_at(const char *path, const char *s)
{
    return write_once(path, s);
}

/* a child that drops to uid/gid 65534 without capabilities */
static void become_nobody(void)
{
    CHECK(setgroups(0, NULL) == 0);
    CHECK(setresgid(65534, 65534, 65534) == 0);
    CHECK(setresuid(65534, 65534, 65534) == 0);
}

/* ---- /proc/PID/stat and statm --------------------------------------------- */

static void test_proc_stat_layout(void)
{
    char comm[64], f[64][32];
    int n = stat_fields(getpid(), NULL, comm, f);
    say("stat fields: %d", n);
    char base[64];
    const char *slash = strrchr(conform_exe, '/');
    snprintf(base, sizeof base, "%.15s", slash ? slash + 1 : conform_exe);
    say("comm is the program's name (15 bytes at most): %s", yesno(strcmp(comm, base) == 0));
    say("state: %c", f[0][0]);
    say("ppid == getppid: %s", yesno(atoi(f[1]) == getppid()));
    say("pgrp == getpgrp: %s", yesno(atoi(f[2]) == getpgrp()));
    say("session == getsid: %s", yesno(atoi(f[3]) == getsid(0)));
    say("priority %s nice %s num_threads %s itrealvalue %s", f[15], f[16], f[17], f[18]);
    say("exit_signal %s rt_priority %s policy %s", f[35], f[37], f[38]);
    say("wchan field of a running task: %s", f[32]);
    say("rsslim unlimited: %s", yesno(strcmp(f[22], "18446744073709551615") == 0));
    say("vsize > 0: %s, rss > 0: %s", yesno(atol(f[20]) > 0), yesno(atol(f[21]) > 0));
    /* f[i] is field i + 3: arg_start is field 48 */
    say("arg_start < arg_end <= env_start < env_end: %s",
        yesno(strtoul(f[45], 0, 10) < strtoul(f[46], 0, 10) && strtoul(f[46], 0, 10) <= strtoul(f[47], 0, 10) &&
              strtoul(f[47], 0, 10) < strtoul(f[48], 0, 10)));
    say("exit_code of a live task: %s", f[49]);
    char buf[256];
    CHECK(slurp("/proc/self/statm", buf, sizeof buf) > 0);
    unsigned long v[8];
    int m = sscanf(buf, "%lu %lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    say("statm fields: %d, lib %lu dt %lu", m, v[4], v[6]);
    n = stat_fields(getpid(), NULL, NULL, f);
    say("statm size in pages == stat vsize: %s", yesno(v[0] * (unsigned long)getpagesize() == strtoul(f[20], 0, 10)));
    say("statm resident <= size: %s, text > 0: %s", yesno(v[1] <= v[0]), yesno(v[3] > 0));
}

static void test_proc_stat_states(void)
{
    struct chan go;
    chan_open(&go);
    volatile int *spin = shared_mem(4096);
    pid_t c = xfork();
    if (c == 0) {
        close(go.w);
        chan_recv(&go);             /* sleeps in read: S */
        while (*spin == 0) ;        /* runs: R */
        _exit(3);
    }
    close(go.r);
    say("blocked in read: %c", wait_state(c, "S"));
    kill(c, SIGSTOP);
    xwait(c, WUNTRACED);
    say("stopped: %c", state_of(c));
    kill(c, SIGCONT);
    say("continued, still reading: %c", wait_state(c, "S"));
    CHECK(ptrace(PTRACE_ATTACH, c, 0, 0) == 0);
    xwait(c, __WALL);
    say("ptrace-stopped: %c", state_of(c));
    CHECK(ptrace(PTRACE_DETACH, c, 0, 0) == 0);
    say("detached: %c", wait_state(c, "S"));
    chan_send(&go, 1);
    say("spinning: %c", wait_state(c, "R"));
    *spin = 1;
    say("exited, not yet reaped: %c", wait_state(c, "Z"));
    char f[64][32];
    stat_fields(c, NULL, NULL, f);
    say("zombie: num_threads %s vsize %s rss %s exit_code %s wchan %s", f[17], f[20], f[21], f[49], f[32]);
    wait_print("child", c, 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", c);
    say("after reaping: %s", res(access(path, F_OK)));
}

static void test_proc_stat_vfork_d(void)
{
    pid_t parent = getpid();
    volatile char st = '?';
    pid_t c = vfork();
    if (c == 0) {
        st = state_of(parent);
        _exit(0);
    }
    say("vfork parent while the child runs: %c", st);
    wait_print("child", c, 0);
}

static volatile int thr_go;
static void *thr_sleep(void *a)
{
    (void)a;
    while (!thr_go) futex_wait(&thr_go, 0);
    return NULL;
}

static void test_proc_stat_threads(void)
{
    pthread_t th;
    CHECK(pthread_create(&th, NULL, thr_sleep, NULL) == 0);
    char f[64][32], buf[8192];
    stat_fields(getpid(), NULL, NULL, f);
    say("num_threads with a thread: %s", f[17]);
    CHECK(slurp("/proc/self/status", buf, sizeof buf) > 0);
    say("status Threads: %ld", keynum(buf, "Threads"));
    DIR *d = opendir("/proc/self/task");
    CHECK(d);
    int n = 0, other = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        n++;
        if (atoi(e->d_name) != getpid()) {
            other = atoi(e->d_name);
            char comm[64], g[64][32];
            int k = stat_fields(getpid(), e->d_name, comm, g);
            say("thread stat fields: %d, pid field is the tid: %s, ppid same: %s, exit_signal %s",
                k, yesno(k > 0), yesno(atoi(g[1]) == getppid()), g[35]);
            char tpath[96];
            snprintf(tpath, sizeof tpath, "/proc/self/task/%s/comm", e->d_name);
            say("thread comm write: %s", res(write_at(tpath, "worker")));
        }
    }
    closedir(d);
    say("task entries: %d", n);
    char p2[64], comm2[32] = "";
    snprintf(p2, sizeof p2, "/proc/%d/task/%d/comm", getpid(), other);
    slurp(p2, comm2, sizeof comm2);
    say("thread comm now: %s", comm2);
    char own[32];
    slurp("/proc/self/comm", own, sizeof own);
    say("process comm unchanged: %s", yesno(strncmp(own, "worker", 6) != 0));
    snprintf(p2, sizeof p2, "/proc/%d/stat", other);
    say("/proc/TID of a thread: %s", res(access(p2, F_OK)));
    thr_go = 1;
    futex_wake(&thr_go, 1);
    pthread_join(th, NULL);
}

static void test_proc_starttime(void)
{
    char f[64][32];
    stat_fields(getpid(), NULL, NULL, f);
    unsigned long long me = strtoull(f[19], 0, 10);
    usleep(30000);
    struct chan c1;
    chan_open(&c1);
    pid_t c = xfork();
    if (c == 0) {
        chan_recv(&c1);
        _exit(0);
    }
    stat_fields(c, NULL, NULL, f);
    unsigned long long child = strtoull(f[19], 0, 10);
    say("child starttime > parent's: %s", yesno(child > me));
    chan_send(&c1, 1);
    wait_print("child", c, 0);
    char up[64];
    CHECK(slurp("/proc/uptime", up, sizeof up) > 0);
    say("starttime <= uptime in ticks: %s", yesno(child <= (unsigned long long)(atof(up) * 100) + 1));
}

/* ---- /proc/PID/status and limits ---------------------------------------- */

static void test_proc_status_layout(void)
{
    char buf[8192];
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGUSR2, SIG_IGN);
    CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
    CHECK(slurp("/proc/self/status", buf, sizeof buf) > 0);
    /* the keys, in order, leaving out x86-only lines */
    char keys[2048] = "";
    for (char *p = buf; *p; ) {
        char *nl = strchr(p, '\n');
        char *colon = strchr(p, ':');
        if (colon && (!nl || colon < nl) && strncmp(p, "x86_", 4) != 0) {
            strncat(keys, p, (size_t)(colon - p));
            strcat(keys, " ");
        }
        if (!nl) break;
        p = nl + 1;
    }
    say("keys: %s", keys);
    char v[128];
    keyval(buf, "State", v, sizeof v);
    say("State: %s", v);
    keyval(buf, "Uid", v, sizeof v);
    say("Uid: %s", v);
    say("Tgid == Pid == getpid: %s", yesno(keynum(buf, "Tgid") == getpid() && keynum(buf, "Pid") == getpid()));
    say("PPid == getppid: %s, TracerPid %ld", yesno(keynum(buf, "PPid") == getppid()), keynum(buf, "TracerPid"));
    keyval(buf, "SigBlk", v, sizeof v);
    say("SigBlk: %s", v);
    keyval(buf, "SigIgn", v, sizeof v);
    say("SigIgn: %s", v);
    say("NoNewPrivs: %ld, Seccomp: %ld", keynum(buf, "NoNewPrivs"), keynum(buf, "Seccomp"));
    keyval(buf, "Umask", v, sizeof v);
    say("Umask: %s", v);
    char statm[128];
    slurp("/proc/self/statm", statm, sizeof statm);
    say("VmSize kB == statm size * 4: %s", yesno(keynum(buf, "VmSize") == atol(statm) * 4));
    keyval(buf, "VmRSS", v, sizeof v);
    say("VmRSS ends in kB: %s", yesno(strstr(v, " kB") != NULL));
    keyval(buf, "CapEff", v, sizeof v);
    say("CapEff has 16 hex digits: %s", yesno(strlen(v) == 16));
}

static void test_proc_limits_layout(void)
{
    struct rlimit rl = { 100, 200 };
    CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    struct rlimit core = { 0, RLIM_INFINITY };
    CHECK(setrlimit(RLIMIT_CORE, &core) == 0);
    char buf[4096];
    CHECK(slurp("/proc/self/limits", buf, sizeof buf) > 0);
    int lines = 0;
    for (char *p = buf; *p; p = strchr(p, '\n') + 1) {
        char *nl = strchr(p, '\n');
        if (!nl) break;
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(nl - p), p);
        /* the name column and the units column are fixed; values only for the limits set here */
        char name[32], unit[16];
        snprintf(name, sizeof name, "%.25s", line);
        snprintf(unit, sizeof unit, "%s", strlen(line) > 68 ? line + 68 : "");
        if (lines == 0 || strncmp(line, "Max open files", 14) == 0 || strncmp(line, "Max core file size", 18) == 0)
            say("[%s]", line);
        else say("%s|%s| len %zu", name, unit, strlen(line));
        lines++;
    }
    say("lines: %d", lines);
}

/* ---- system-wide files -------------------------------------------------- */

static const char *const MEMKEYS[] = {
    "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active", "Inactive",
    "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked",
    "SwapTotal", "SwapFree", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable", "Slab",
    "SReclaimable", "SUnreclaim", "KernelStack", "PageTables", "SecPageTables", "NFS_Unstable", "Bounce",
    "WritebackTmp", "CommitLimit", "Committed_AS", "VmallocTotal", "VmallocUsed", "VmallocChunk", "Percpu", NULL,
};

static void test_proc_meminfo_keys(void)
{
    char buf[8192];
    CHECK(slurp("/proc/meminfo", buf, sizeof buf) > 0);
    /* every line: "Key:" padded to 16 columns, the value in 8, " kB" (or no unit) */
    int bad = 0;
    for (char *p = buf; *p; p = strchr(p, '\n') + 1) {
        char *nl = strchr(p, '\n');
        if (!nl) break;
        char key[64], line[128];
        unsigned long val;
        char unit[8] = "";
        /* one line at a time: a unit-less line must not take the next line's key as its unit */
        snprintf(line, sizeof line, "%.*s", (int)(nl - p), p);
        int m = sscanf(line, "%63[^:]: %lu %7s", key, &val, unit);
        if (m < 2 || (m == 3 && strcmp(unit, "kB") != 0)) bad++;
        if (m == 3 && nl - p < 27) bad++;
    }
    say("malformed lines: %d", bad);
    const char *prev = buf;
    int order = 1;
    for (int i = 0; MEMKEYS[i]; i++) {
        char k[64];
        snprintf(k, sizeof k, "\n%s:", MEMKEYS[i]);
        char *at = i == 0 ? (strncmp(buf, "MemTotal:", 9) == 0 ? buf : NULL) : strstr(buf, k);
        say("%s: %s", MEMKEYS[i], at ? "present" : "missing");
        if (at && at < prev) order = 0;
        if (at) prev = at;
    }
    say("in Linux's order: %s", yesno(order));
    say("MemFree <= MemTotal: %s, MemAvailable <= MemTotal: %s", yesno(keynum(buf, "MemFree") <= keynum(buf, "MemTotal")),
        yesno(keynum(buf, "MemAvailable") <= keynum(buf, "MemTotal")));
    struct sysinfo si;
    CHECK(sysinfo(&si) == 0);
    say("sysinfo totalram == MemTotal: %s", yesno((long)(si.totalram * si.mem_unit / 1024) == keynum(buf, "MemTotal")));
}

static void test_proc_stat_keys(void)
{
    char buf[16384];
    CHECK(slurp("/proc/stat", buf, sizeof buf) > 0);
    say("first line starts with \"cpu  \": %s", yesno(strncmp(buf, "cpu  ", 5) == 0));
    int cpus = 0, cols = 0;
    char order[512] = "";
    for (char *p = buf; *p; p = strchr(p, '\n') + 1) {
        char *nl = strchr(p, '\n');
        if (!nl) break;
        char key[32];
        sscanf(p, "%31s", key);
        if (strncmp(key, "cpu", 3) == 0 && key[3]) cpus++;
        else if (strcmp(key, "cpu") == 0) {
            unsigned long long x[12];
            cols = sscanf(p + 3, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &x[0], &x[1], &x[2], &x[3], &x[4],
                          &x[5], &x[6], &x[7], &x[8], &x[9], &x[10]);
        } else {
            strcat(order, key);
            strcat(order, " ");
        }
    }
    say("cpu columns: %d", cols);
    say("cpuN lines == online CPUs: %s", yesno(cpus == sysconf(_SC_NPROCESSORS_ONLN)));
    say("other keys: %s", order);
    char *pr = strstr(buf, "\nprocesses ");
    long before = pr ? atol(pr + 11) : -1;
    pid_t c = xfork();
    if (c == 0) _exit(0);
    xwait(c, 0);
    CHECK(slurp("/proc/stat", buf, sizeof buf) > 0);
    pr = strstr(buf, "\nprocesses ");
    say("processes counts the fork: %s", yesno(pr && atol(pr + 11) > before));
    char *bt = strstr(buf, "\nbtime ");
    char up[64];
    slurp("/proc/uptime", up, sizeof up);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long d = (long)now.tv_sec - (bt ? atol(bt + 7) : 0) - (long)atof(up);
    say("btime + uptime == now: %s", yesno(d >= -1 && d <= 2));
    say("procs_running >= 1: %s", yesno(strstr(buf, "\nprocs_running ") && atol(strstr(buf, "\nprocs_running ") + 15) >= 1));
}

static void test_proc_cpuinfo(void)
{
    char buf[65536];
    CHECK(slurp("/proc/cpuinfo", buf, sizeof buf) > 0);
    int n = 0, numbered = 1, shaped = 1;
    for (char *p = buf; p && *p; ) {
        char *nl = strchr(p, '\n');
        if (strncmp(p, "processor\t: ", 12) == 0) {
            if (atoi(p + 12) != n) numbered = 0;
            n++;
        }
        /* x86's "power management:" has no value and no blank before the colon */
        if (nl && nl != p && strncmp(p, "power management:", 17) != 0) {
            char *colon = memchr(p, ':', (size_t)(nl - p));
            if (!colon || (colon[-1] != ' ' && colon[-1] != '\t')) shaped = 0;
        }
        p = nl ? nl + 1 : NULL;
    }
    say("processor blocks == online CPUs: %s", yesno(n == sysconf(_SC_NPROCESSORS_ONLN)));
    say("numbered from 0: %s, every line \"key<tabs>: value\": %s", yesno(numbered), yesno(shaped));
    say("first line is processor 0: %s", yesno(strncmp(buf, "processor\t: 0\n", 14) == 0));
}

static void test_proc_uptime_loadavg(void)
{
    char buf[256];
    CHECK(slurp("/proc/uptime", buf, sizeof buf) > 0);
    unsigned long a, b, c2, d;
    char end;
    say("uptime: %s", yesno(sscanf(buf, "%lu.%2lu %lu.%2lu%c", &a, &b, &c2, &d, &end) == 5 && end == '\n'));
    struct chan ready, go;
    chan_open(&ready);
    chan_open(&go);
    /* in a new pid namespace the last pid is ours to know */
    CHECK(unshare(CLONE_NEWPID) == 0);
    pid_t init = xfork();
    if (init == 0) {
        pid_t k = xfork();
        if (k == 0) _exit(0);
        xwait(k, 0);
        CHECK(slurp("/proc/loadavg", buf, sizeof buf) > 0);
        unsigned long l1, l1f, l5, l5f, l15, l15f, run, all;
        long last;
        int m = sscanf(buf, "%lu.%2lu %lu.%2lu %lu.%2lu %lu/%lu %ld", &l1, &l1f, &l5, &l5f, &l15, &l15f, &run, &all, &last);
        say("loadavg fields: %d, running <= all: %s, last pid is the last child's: %s", m, yesno(run <= all), yesno(last == k));
        char nl[32];
        slurp("/proc/sys/kernel/ns_last_pid", nl, sizeof nl);
        say("ns_last_pid: %ld", atol(nl));
        _exit(0);
    }
    wait_print("init", init, 0);
}

static void test_proc_sysfs_cpu(void)
{
    char on[64], pos[64], pre[64], want[64];
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n == 1) snprintf(want, sizeof want, "0\n");
    else snprintf(want, sizeof want, "0-%ld\n", n - 1);
    CHECK(slurp("/sys/devices/system/cpu/online", on, sizeof on) > 0);
    CHECK(slurp("/sys/devices/system/cpu/possible", pos, sizeof pos) > 0);
    CHECK(slurp("/sys/devices/system/cpu/present", pre, sizeof pre) > 0);
    say("online is the online CPUs: %s", yesno(strcmp(on, want) == 0));
    say("present == online: %s, possible starts at 0: %s", yesno(strcmp(pre, on) == 0), yesno(pos[0] == '0'));
    char fs[4096];
    CHECK(slurp("/proc/filesystems", fs, sizeof fs) > 0);
    const char *want_fs[] = { "nodev\tproc\n", "nodev\ttmpfs\n", "nodev\tsysfs\n", "nodev\tcgroup2\n", NULL };
    for (int i = 0; want_fs[i]; i++) say("filesystems has %.*s: %s", (int)strlen(want_fs[i]) - 1, want_fs[i], yesno(strstr(fs, want_fs[i]) != NULL));
    char l[64];
    ssize_t k = readlink("/proc/mounts", l, sizeof l - 1);
    l[k > 0 ? k : 0] = 0;
    say("/proc/mounts -> %s", l);
    struct stat st;
    say("/proc/config.gz: %s", res(stat("/proc/config.gz", &st)));
}

/* ---- /proc/sys ------------------------------------------------------------ */

static void test_proc_sys_kernel(void)
{
    struct utsname u;
    uname(&u);
    char buf[256];
    slurp("/proc/sys/kernel/ostype", buf, sizeof buf);
    say("ostype: %s", buf);
    slurp("/proc/sys/kernel/osrelease", buf, sizeof buf);
    say("osrelease == uname release: %s", yesno(strncmp(buf, u.release, strlen(u.release)) == 0 && buf[strlen(u.release)] == '\n'));
    slurp("/proc/sys/kernel/ngroups_max", buf, sizeof buf);
    say("ngroups_max: %s", buf);
    slurp("/proc/sys/kernel/random/boot_id", buf, sizeof buf);
    char b2[64];
    slurp("/proc/sys/kernel/random/boot_id", b2, sizeof b2);
    say("boot_id: uuid shape %s, version 4 %s, stable %s", yesno(strlen(buf) == 37 && buf[8] == '-' && buf[13] == '-' && buf[18] == '-' && buf[23] == '-'),
        yesno(buf[14] == '4'), yesno(strcmp(buf, b2) == 0));
    slurp("/proc/sys/kernel/random/uuid", buf, sizeof buf);
    slurp("/proc/sys/kernel/random/uuid", b2, sizeof b2);
    say("uuid differs per read: %s", yesno(strcmp(buf, b2) != 0));
    const char *ints[] = { "pid_max", "threads-max", "ns_last_pid", "cap_last_cap", NULL };
    for (int i = 0; ints[i]; i++) {
        char p[96];
        snprintf(p, sizeof p, "/proc/sys/kernel/%s", ints[i]);
        long n = slurp(p, buf, sizeof buf);
        say("%s: a number: %s", ints[i], yesno(n > 1 && isdigit((unsigned char)buf[0]) && buf[n - 1] == '\n'));
    }
    /* writes in a new UTS namespace go to that namespace */
    pid_t c = xfork();
    if (c == 0) {
        CHECK(unshare(CLONE_NEWUTS) == 0);
        say("write hostname: %s", res(write_at("/proc/sys/kernel/hostname", "conform-proc\nignored")));
        say("write domainname: %s", res(write_at("/proc/sys/kernel/domainname", "conform-dom")));
        struct utsname a;
        uname(&a);
        say("uname now: %s %s", a.nodename, a.domainname);
        char long_name[100];
        memset(long_name, 'x', 99);
        long_name[99] = 0;
        say("write 99 bytes: %s", res(write_at("/proc/sys/kernel/hostname", long_name)));
        uname(&a);
        say("hostname length after: %zu", strlen(a.nodename));
        say("write ostype: %s", res(write_at("/proc/sys/kernel/ostype", "x")));
        say("open ngroups_max for writing: %s", res(open("/proc/sys/kernel/ngroups_max", O_WRONLY)));
        _exit(0);
    }
    wait_print("child", c, 0);
    struct utsname u2;
    uname(&u2);
    say("parent hostname unchanged: %s", yesno(strcmp(u.nodename, u2.nodename) == 0));
    /* numbers: range and syntax checks */
    const char *bad[] = { "abc", "", "300", "4194305", "-5", "12x", NULL };
    for (int i = 0; bad[i]; i++) say("pid_max <- \"%s\": %s", bad[i], res(write_at("/proc/sys/kernel/pid_max", bad[i])));
    say("threads-max <- 0: %s", res(write_at("/proc/sys/kernel/threads-max", "0")));
    long cur = slurp("/proc/sys/kernel/threads-max", buf, sizeof buf);
    say("threads-max <- its own value: %s", res(cur > 0 ? write_at("/proc/sys/kernel/threads-max", buf) : -1));
    /* pid_max and ns_last_pid of a new pid namespace */
    CHECK(unshare(CLONE_NEWPID) == 0);
    pid_t init = xfork();
    if (init == 0) {
        say("ns_last_pid <- 100: %s", res(write_at("/proc/sys/kernel/ns_last_pid", "100")));
        pid_t k = xfork();
        if (k == 0) _exit(0);
        say("next child after ns_last_pid 100: %d", k);
        xwait(k, 0);
        say("ns_last_pid <- -1: %s", res(write_at("/proc/sys/kernel/ns_last_pid", "-1")));
        say("ns_last_pid <- 0x20: %s", res(write_at("/proc/sys/kernel/ns_last_pid", "0x20")));
        k = xfork();
        if (k == 0) _exit(0);
        say("next child after 0x20: %d", k);
        xwait(k, 0);
        pid_t u = xfork();
        if (u == 0) {
            become_nobody();
            int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
            say("unprivileged: open ns_last_pid for writing: %s", res(fd));
            say("unprivileged: write ns_last_pid: %s", res(write(fd, "5", 1)));
            say("unprivileged: open hostname for writing: %s", res(open("/proc/sys/kernel/hostname", O_WRONLY)));
            say("unprivileged: open pid_max for writing: %s", res(open("/proc/sys/kernel/pid_max", O_WRONLY)));
            _exit(0);
        }
        wait_print("unprivileged", u, 0);
        _exit(0);
    }
    wait_print("init", init, 0);
}

static void test_proc_sys_vm(void)
{
    char buf[64], cur[64];
    const char *files[] = { "overcommit_memory", "max_map_count", "overcommit_ratio", NULL };
    for (int i = 0; files[i]; i++) {
        char p[96];
        snprintf(p, sizeof p, "/proc/sys/vm/%s", files[i]);
        CHECK(slurp(p, cur, sizeof cur) > 0);
        say("%s <- -1: %s", files[i], res(write_at(p, "-1")));
        say("%s <- x: %s", files[i], res(write_at(p, "x")));
        say("%s <- its own value: %s", files[i], res(write_at(p, cur)));
        slurp(p, buf, sizeof buf);
        say("%s unchanged: %s", files[i], yesno(strcmp(buf, cur) == 0));
    }
    say("overcommit_memory <- 3: %s", res(write_at("/proc/sys/vm/overcommit_memory", "3")));
    pid_t c = xfork();
    if (c == 0) {
        become_nobody();
        say("unprivileged: open overcommit_memory for writing: %s", res(open("/proc/sys/vm/overcommit_memory", O_WRONLY)));
        _exit(0);
    }
    wait_print("child", c, 0);
}

/* ---- writable /proc/PID files ------------------------------------------- */

/* drop one capability from the effective set (the native host may lack it anyway: dropping it
 * makes both runs alike) */
static void drop_effective(int cap)
{
    struct { uint32_t version; int pid; } hdr = { 0x20080522, 0 };
    struct { uint32_t eff, prm, inh; } data[2];
    CHECK(syscall(SYS_capget, &hdr, data) == 0);
    data[cap / 32].eff &= ~(1u << (cap % 32));
    CHECK(syscall(SYS_capset, &hdr, data) == 0);
}

static void test_proc_pid_writes(void)
{
    char buf[256], name[32];
    drop_effective(24); /* CAP_SYS_RESOURCE: lowering oom_adj then needs the old value */
    say("comm <- \"renamed\": %s", res(write_at("/proc/self/comm", "renamed")));
    prctl(PR_GET_NAME, name, 0, 0, 0);
    say("PR_GET_NAME: %s", name);
    say("comm <- 20 bytes: %s", res(write_at("/proc/self/comm", "abcdefghijklmnopqrst")));
    slurp("/proc/self/comm", buf, sizeof buf);
    say("comm now: %s", buf);
    say("comm <- \"nl\\n\": %s", res(write_at("/proc/self/comm", "nl\n")));
    prctl(PR_GET_NAME, name, 0, 0, 0);
    say("PR_GET_NAME ends in a newline: %s", yesno(strcmp(name, "nl\n") == 0));
    struct chan go;
    chan_open(&go);
    pid_t c = xfork();
    if (c == 0) {
        chan_recv(&go);
        _exit(0);
    }
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/comm", c);
    say("another process's comm: %s", res(write_at(p, "other")));
    chan_send(&go, 1);
    wait_print("child", c, 0);

    slurp("/proc/self/oom_score_adj", buf, sizeof buf);
    say("oom_score_adj: %s", buf);
    const char *adj[] = { "500", "1001", "-1001", "abc", " 12 ", "0x10", NULL };
    for (int i = 0; adj[i]; i++) {
        long r = write_at("/proc/self/oom_score_adj", adj[i]);
        slurp("/proc/self/oom_score_adj", buf, sizeof buf);
        char o[16];
        slurp("/proc/self/oom_adj", o, sizeof o);
        buf[strcspn(buf, "\n")] = 0;
        o[strcspn(o, "\n")] = 0;
        say("oom_score_adj <- \"%s\": %s, now %s, oom_adj %s", adj[i], res(r), buf, o);
    }
    const char *oadj[] = { "15", "-17", "7", "16", "-18", NULL };
    for (int i = 0; oadj[i]; i++) {
        long r = write_at("/proc/self/oom_adj", oadj[i]);
        slurp("/proc/self/oom_score_adj", buf, sizeof buf);
        buf[strcspn(buf, "\n")] = 0;
        say("oom_adj <- %s: %s, oom_score_adj %s", oadj[i], res(r), buf);
    }
    write_at("/proc/self/oom_score_adj", "0");
    slurp("/proc/self/oom_score", buf, sizeof buf);
    say("oom_score a number in 0..2000: %s", yesno(isdigit((unsigned char)buf[0]) && atol(buf) <= 2000));
    c = xfork();
    if (c == 0) {
        become_nobody();
        say("unprivileged oom_score_adj <- 100: %s", res(write_at("/proc/self/oom_score_adj", "100")));
        say("unprivileged oom_score_adj <- 0: %s", res(write_at("/proc/self/oom_score_adj", "0")));
        say("unprivileged oom_score_adj <- -1: %s", res(write_at("/proc/self/oom_score_adj", "-1")));
        _exit(0);
    }
    wait_print("child", c, 0);
}

static void test_proc_pid_reads(void)
{
    /* cmdline and environ of a program exec'd with known arguments */
    pid_t c = xfork();
    if (c == 0) {
        char *args[] = { (char *)"one", (char *)"two three", NULL };
        char *env[] = { (char *)"A=1", (char *)"B=two", NULL };
        exec_helper("proc-self", args, env);
        _exit(99);
    }
    wait_print("helper", c, 0);
    /* auxv */
    char buf[4096];
    int fd = open("/proc/self/auxv", O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    unsigned long *v = (unsigned long *)buf;
    int entries = 0, pagesz = 0, uid = 0, last_null = 0;
    for (ssize_t i = 0; i + 1 < n / 8; i += 2) {
        entries++;
        if (v[i] == AT_PAGESZ) pagesz = v[i + 1] == (unsigned long)getpagesize();
        if (v[i] == AT_UID) uid = v[i + 1] == getuid();
        if (v[i] == AT_NULL) last_null = i + 2 == n / 8;
    }
    say("auxv: whole pairs %s, AT_PAGESZ ok %s, AT_UID ok %s, ends with AT_NULL %s, AT_RANDOM == getauxval %s",
        yesno(n % 16 == 0 && entries > 5), yesno(pagesz), yesno(uid), yesno(last_null), yesno(getauxval(AT_RANDOM) != 0));
    /* io accounting: one read of io, three reads of 100 bytes */
    char tmp[4096];
    write_file(tmp_path("data"), "0123456789012345678901234567890123456789012345678901234567890123456789"
                                 "012345678901234567890123456789", 0644);
    int dfd = open(tmp_path("data"), O_RDONLY);
    int iofd = open("/proc/self/io", O_RDONLY);
    char a[512], b[512], chunk[100];
    ssize_t an = read(iofd, a, sizeof a - 1);
    for (int i = 0; i < 3; i++) CHECK(pread(dfd, chunk, 100, 0) == 100);
    lseek(iofd, 0, SEEK_SET);
    ssize_t bn = read(iofd, b, sizeof b - 1);
    a[an > 0 ? an : 0] = 0;
    b[bn > 0 ? bn : 0] = 0;
    say("io keys: %s", yesno(strstr(a, "rchar: ") == a && strstr(a, "\nwchar: ") && strstr(a, "\nsyscr: ") && strstr(a, "\nsyscw: ") &&
                             strstr(a, "\nread_bytes: ") && strstr(a, "\nwrite_bytes: ") && strstr(a, "\ncancelled_write_bytes: ")));
    say("syscr grew by 4: %s", yesno(keynum(b, "syscr") - keynum(a, "syscr") == 4));
    say("rchar grew by the io text and 300: %s", yesno(keynum(b, "rchar") - keynum(a, "rchar") == an + 300));
    say("wchar unchanged: %s", yesno(keynum(b, "wchar") == keynum(a, "wchar")));
    close(iofd);
    close(dfd);
    (void)tmp;
    /* wchan of a child asleep in a pipe read, in waitpid, in nanosleep */
    struct chan go;
    chan_open(&go);
    pid_t r = xfork();
    if (r == 0) {
        chan_recv(&go);
        _exit(0);
    }
    wait_state(r, "S");
    char p[64], w[64];
    snprintf(p, sizeof p, "/proc/%d/wchan", r);
    slurp(p, w, sizeof w);
    say("wchan in a pipe read: %s", w);
    chan_send(&go, 1);
    xwait(r, 0);
    slurp("/proc/self/wchan", w, sizeof w);
    say("own wchan: %s", w);
    pid_t s = xfork();
    if (s == 0) {
        struct timespec ts = { 5, 0 };
        nanosleep(&ts, NULL);
        _exit(0);
    }
    wait_state(s, "S");
    snprintf(p, sizeof p, "/proc/%d/wchan", s);
    slurp(p, w, sizeof w);
    say("wchan in nanosleep: %s", w);
    kill(s, SIGKILL);
    xwait(s, 0);
}

static int helper_proc_self(int argc, char **argv)
{
    char buf[4096];
    long n = slurp("/proc/self/cmdline", buf, sizeof buf);
    /* argv[0] is the exe path: compare what follows it */
    size_t skip = strlen(buf) + 1;
    const char want[] = "--helper\0proc-self\0one\0two three\0";
    say("cmdline after argv[0]: %s", yesno(n == (long)(skip + sizeof want - 1) && memcmp(buf + skip, want, sizeof want - 1) == 0));
    n = slurp("/proc/self/environ", buf, sizeof buf);
    say("environ: %s", yesno(n == 10 && memcmp(buf, "A=1\0B=two\0", 10) == 0));
    (void)argc;
    (void)argv;
    return 0;
}

/* ---- fdinfo and fd links ----------------------------------------------------- */

static void fdinfo(int fd, char *buf, size_t size)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fdinfo/%d", fd);
    CHECK(slurp(p, buf, size) >= 0);
}

static void test_proc_fdinfo(void)
{
    char buf[2048], v[128];
    int fd = open(tmp_path("f"), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello world", 11) == 11);
    lseek(fd, 5, SEEK_SET);
    fdinfo(fd, buf, sizeof buf);
    struct stat st;
    fstat(fd, &st);
    keyval(buf, "flags", v, sizeof v);
    say("file: pos %ld flags %s ino matches %s mnt_id %s", keynum(buf, "pos"), v, yesno(keynum(buf, "ino") == (long)st.st_ino),
        yesno(keynum(buf, "mnt_id") > 0));
    CHECK(flock(fd, LOCK_EX) == 0);
    fdinfo(fd, buf, sizeof buf);
    char *lk = strstr(buf, "lock:\t");
    say("locked file has a lock line: %s", yesno(lk != NULL));
    if (lk) {
        char kind[64];
        sscanf(lk + 6, "%*d: %63[A-Z ]", kind);
        say("lock: %s", kind);
    }
    int pfd[2];
    CHECK(pipe(pfd) == 0);
    fdinfo(pfd[0], buf, sizeof buf);
    keyval(buf, "flags", v, sizeof v);
    say("pipe read end flags %s", v);
    fdinfo(pfd[1], buf, sizeof buf);
    keyval(buf, "flags", v, sizeof v);
    say("pipe write end flags %s", v);
    int efd = eventfd(5, EFD_SEMAPHORE | EFD_NONBLOCK);
    fdinfo(efd, buf, sizeof buf);
    keyval(buf, "eventfd-count", v, sizeof v);
    say("eventfd-count: [%s]", v);
    say("eventfd-semaphore: %ld, eventfd-id present: %s", keynum(buf, "eventfd-semaphore"), yesno(strstr(buf, "\neventfd-id: ") != NULL));
    keyval(buf, "flags", v, sizeof v);
    say("eventfd flags %s", v);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u64 = 0x1234abcd };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, pfd[0], &ev) == 0);
    fdinfo(ep, buf, sizeof buf);
    char *tfd = strstr(buf, "tfd: ");
    int t = -1;
    unsigned events = 0;
    unsigned long long data = 0;
    if (tfd) sscanf(tfd, "tfd: %d events: %x data: %llx", &t, &events, &data);
    say("epoll: tfd is the watched fd %s, events %x, data %llx, line layout %s", yesno(t == pfd[0]), events, data,
        yesno(tfd && strncmp(tfd + 5, "       ", 8 - snprintf(v, sizeof v, "%d", pfd[0])) == 0));
    struct chan go;
    chan_open(&go);
    pid_t c = xfork();
    if (c == 0) {
        chan_recv(&go);
        _exit(0);
    }
    int pidfd = (int)sys_pidfd_open(c, 0);
    CHECK(pidfd >= 0);
    fdinfo(pidfd, buf, sizeof buf);
    keyval(buf, "flags", v, sizeof v);
    say("pidfd: Pid is the child %s, NSpid %s, flags %s", yesno(keynum(buf, "Pid") == c), yesno(keynum(buf, "NSpid") == c), v);
    chan_send(&go, 1);
    siginfo_t si;
    waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    fdinfo(pidfd, buf, sizeof buf);
    say("pidfd of a zombie: Pid is the child %s", yesno(keynum(buf, "Pid") == c));
    xwait(c, 0);
    fdinfo(pidfd, buf, sizeof buf);
    say("pidfd of a reaped child: Pid %ld NSpid %ld", keynum(buf, "Pid"), keynum(buf, "NSpid"));
    /* a pidfd of a child in a new pid namespace: NSpid has both levels */
    CHECK(unshare(CLONE_NEWPID) == 0);
    pid_t init = xfork();
    if (init == 0) {
        chan_recv(&go);
        _exit(0);
    }
    int pfd2 = (int)sys_pidfd_open(init, 0);
    fdinfo(pfd2, buf, sizeof buf);
    keyval(buf, "NSpid", v, sizeof v);
    char want[64];
    snprintf(want, sizeof want, "%d\t1", init);
    say("pidfd of a namespace init: NSpid \"<pid>\\t1\" %s", yesno(strcmp(v, want) == 0));
    chan_send(&go, 1);
    xwait(init, 0);
}

static void test_proc_fd_links(void)
{
    char l[256], want[256];
    int d = open(tmp_dir(), O_RDONLY | O_DIRECTORY);
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", d);
    ssize_t n = readlink(p, l, sizeof l - 1);
    l[n > 0 ? n : 0] = 0;
    say("directory fd link: %s", norm_path(l));
    struct stat a, b;
    int d2 = open(p, O_RDONLY | O_DIRECTORY);
    fstat(d, &a);
    fstat(d2, &b);
    say("opening it gives the directory: %s", yesno(d2 >= 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev));
    lstat(p, &a);
    say("fd link: mode %o", a.st_mode & 0777);
    int pfd[2];
    CHECK(pipe(pfd) == 0);
    snprintf(p, sizeof p, "/proc/self/fd/%d", pfd[1]);
    n = readlink(p, l, sizeof l - 1);
    l[n > 0 ? n : 0] = 0;
    fstat(pfd[1], &a);
    snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)a.st_ino);
    say("pipe fd link is pipe:[ino]: %s", yesno(strcmp(l, want) == 0));
    int w2 = open(p, O_WRONLY);
    say("reopening the pipe's write end: %s", res(w2));
    CHECK(write(w2, "x", 1) == 1);
    char c;
    say("read through the original: %s", yesno(read(pfd[0], &c, 1) == 1 && c == 'x'));
    const char *links[] = { "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/fd", NULL };
    for (int i = 0; links[i]; i++) {
        n = readlink(links[i], l, sizeof l - 1);
        l[n > 0 ? n : 0] = 0;
        say("%s -> %s", links[i], n > 0 ? l : ename(errno));
    }
    int e = dup(2);
    say("open /dev/stderr for writing: %s", yesno(open("/dev/stderr", O_WRONLY) >= 0));
    close(e);
    snprintf(p, sizeof p, "/dev/fd/%d", pfd[0]);
    say("/dev/fd/N stat is the pipe: %s", yesno(stat(p, &a) == 0 && S_ISFIFO(a.st_mode)));
}

const struct conform_test procfs_tests[] = {
    T(proc_stat_layout, "/proc/self/stat: 52 fields, comm, state, ids, fixed fields; statm's 7 fields against stat"),
    T(proc_stat_states, "state letters of a child: S in read, T stopped, t traced, R running, Z exited, gone once reaped"),
    T(proc_stat_vfork_d, "a vfork parent waiting for its child shows D"),
    T(proc_stat_threads, "threads: num_threads, Threads, /proc/self/task, per-thread stat and comm, hidden /proc/TID"),
    T(proc_starttime, "starttime: a child's is later than its parent's, and not past uptime"),
    T(proc_status_layout, "/proc/self/status keys in order, ids, signal masks, NoNewPrivs, VmSize against statm"),
    T(proc_limits_layout, "/proc/self/limits: header, names, units, column widths, a changed limit"),
    T(proc_meminfo_keys, "/proc/meminfo: line format, the keys every configuration has, in order; sysinfo agrees"),
    T(proc_stat_keys, "/proc/stat: cpu columns, one cpuN per CPU, key order, processes counts forks, btime + uptime"),
    T(proc_cpuinfo, "/proc/cpuinfo: one block per online CPU, numbered from 0, key: value lines"),
    T(proc_uptime_loadavg, "/proc/uptime and /proc/loadavg formats; loadavg's last pid and ns_last_pid in a new pid namespace"),
    T(proc_sysfs_cpu, "/sys/devices/system/cpu online/possible/present, /proc/filesystems, /proc/mounts link, config.gz"),
    T(proc_sys_kernel, "/proc/sys/kernel: ostype, osrelease, uts writes per namespace, pid_max/threads-max/ns_last_pid checks, permissions"),
    T(proc_sys_vm, "/proc/sys/vm: overcommit_memory, max_map_count, overcommit_ratio range checks and permissions"),
    T(proc_pid_writes, "writing /proc/PID/comm, oom_score_adj and oom_adj: truncation, ranges, scaling, EINVAL/EACCES"),
    T(proc_pid_reads, "cmdline, environ, auxv, io accounting, wchan of a sleeping child"),
    T(proc_fdinfo, "/proc/PID/fdinfo: pos/flags/ino of a file, flock line, pipes, eventfd, epoll, pidfd Pid/NSpid"),
    T(proc_fd_links, "/proc/self/fd links of a directory and a pipe, reopening them; /dev/stdin, stdout, stderr, fd"),
    { 0, 0, 0 },
};

const struct conform_helper procfs_helpers[] = {
    { "proc-self", helper_proc_self },
    { 0, 0 },
};
