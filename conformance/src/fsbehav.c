/* fsbehav.c - file behaviours programs rely on: FIFO opens that wait for the
 * other end, rename's rules, st_blocks and directory sizes on tmpfs, and
 * writes to /dev/full.  Sizes are checked on /dev/shm, a tmpfs on both the
 * native host and forkscope. */
#include "conform.h"
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

static char state_letter(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return '?';
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return '?';
    buf[n] = 0;
    char *r = strrchr(buf, ')');
    return r && r[1] ? r[2] : '?';
}

/* poll until the child sleeps (bounded: 5 s) */
static char wait_sleeping(pid_t pid)
{
    char s = '?';
    for (int i = 0; i < 5000; i++) {
        s = state_letter(pid);
        if (s == 'S') return s;
        usleep(1000);
    }
    return s;
}

static volatile int got_usr1;
static void on_usr1(int sig) { got_usr1++; }

/* ---- FIFOs --------------------------------------------------------------- */

static void test_fs_fifo_open(void)
{
    const char *f = tmp_path("fifo");
    CHECK(mkfifo(f, 0600) == 0);
    struct stat st;
    CHECK(stat(f, &st) == 0);
    say("mkfifo: S_ISFIFO=%d nlink=%d size=%ld", S_ISFIFO(st.st_mode), (int)st.st_nlink, (long)st.st_size);

    /* non-blocking opens never wait: a reader goes on, a writer without a reader is ENXIO */
    int r = open(f, O_RDONLY | O_NONBLOCK);
    say("O_RDONLY|O_NONBLOCK without a writer: %s", res(r));
    char c;
    say("  read: %s", res(read(r, &c, 1)));
    int w = open(f, O_WRONLY | O_NONBLOCK);
    say("O_WRONLY|O_NONBLOCK with a reader: %s", res(w));
    close(w);
    say("  read after the writer closed: %s", res(read(r, &c, 1)));
    close(r);
    errno = 0;
    say("O_WRONLY|O_NONBLOCK without a reader: %s", res(open(f, O_WRONLY | O_NONBLOCK)));
    int rw = open(f, O_RDWR);
    say("O_RDWR alone: %s", res(rw));
    close(rw);

    /* a blocking reader waits until a writer opens */
    struct chan done;
    chan_open(&done);
    pid_t kid = xfork();
    if (kid == 0) {
        int fd = open(f, O_RDONLY);
        char b[8] = {0};
        ssize_t n = read(fd, b, sizeof b);
        ssize_t n2 = read(fd, b + 4, 1);
        chan_send(&done, (n == 2 && memcmp(b, "hi", 2) == 0 && n2 == 0) ? 1 : 0);
        _exit(0);
    }
    say("reader waits in open: %c", wait_sleeping(kid));
    int wfd = open(f, O_WRONLY);
    say("writer's open: %s", res(wfd));
    CHECK(write(wfd, "hi", 2) == 2);
    close(wfd);
    say("reader got the data, then EOF: %s", yesno(chan_recv(&done) == 1));
    wait_clean("reader", kid);

    /* a blocking writer waits until a reader opens */
    kid = xfork();
    if (kid == 0) {
        int fd = open(f, O_WRONLY);
        ssize_t n = write(fd, "yo", 2);
        chan_send(&done, n);
        _exit(0);
    }
    say("writer waits in open: %c", wait_sleeping(kid));
    int rfd = open(f, O_RDONLY);
    say("reader's open: %s", res(rfd));
    say("writer wrote: %ld", chan_recv(&done));
    char b[4] = {0};
    say("read: %s %.2s", res(read(rfd, b, 2)), b);
    close(rfd);
    wait_clean("writer", kid);

    /* a signal ends the wait: EINTR without SA_RESTART */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    kid = xfork();
    if (kid == 0) {
        int fd = open(f, O_RDONLY);
        chan_send(&done, fd < 0 ? -errno : 0);
        _exit(0);
    }
    say("reader waits: %c", wait_sleeping(kid));
    kill(kid, SIGUSR1);
    long e = chan_recv(&done);
    say("open interrupted by a handler: %s", e < 0 ? ename((int)-e) : "ok");
    wait_clean("interrupted", kid);

    /* with SA_RESTART the open goes on waiting and completes when a writer comes */
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    kid = xfork();
    if (kid == 0) {
        int fd = open(f, O_RDONLY);
        chan_send(&done, fd < 0 ? -errno : got_usr1);
        _exit(0);
    }
    say("reader waits: %c", wait_sleeping(kid));
    kill(kid, SIGUSR1);
    say("still waiting after the handler: %c", wait_sleeping(kid));
    wfd = open(f, O_WRONLY);
    say("writer's open: %s", res(wfd));
    e = chan_recv(&done);
    say("restarted open: %s, handler ran %ld time(s)", e < 0 ? ename((int)-e) : "ok", e);
    close(wfd);
    wait_clean("restarted", kid);
    signal(SIGUSR1, SIG_DFL);

    /* a FIFO whose writers all closed: the reader sees EOF and poll POLLHUP */
    r = open(f, O_RDONLY | O_NONBLOCK);
    w = open(f, O_WRONLY);
    CHECK(write(w, "z", 1) == 1);
    close(w);
    say("read after the last writer closed: %s, then %s", res(read(r, &c, 1)), res(read(r, &c, 1)));
    close(r);
    unlink(f);
}

/* ---- rename -------------------------------------------------------------- */

static void test_fs_rename_rules(void)
{
    char a[256], ab[256], abc[256], d[256], fl[256], e[256];
    snprintf(a, sizeof a, "%s", tmp_path("a"));
    snprintf(ab, sizeof ab, "%s/b", a);
    snprintf(abc, sizeof abc, "%s/b/c", a);
    snprintf(d, sizeof d, "%s", tmp_path("d"));
    snprintf(fl, sizeof fl, "%s", tmp_path("file"));
    snprintf(e, sizeof e, "%s", tmp_path("empty"));
    CHECK(mkdir(a, 0755) == 0);
    CHECK(mkdir(ab, 0755) == 0);
    CHECK(mkdir(d, 0755) == 0);
    CHECK(mkdir(e, 0755) == 0);
    write_file(fl, "x", 0644);
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s/inner", d);
    write_file(tmp, "y", 0644);

    say("dir into its own subdirectory: %s", res(rename(a, abc)));
    say("dir into itself: %s", res(rename(a, ab)));
    struct stat st;
    say("  the tree is still there: %s", yesno(stat(ab, &st) == 0 && S_ISDIR(st.st_mode)));
    say("dir onto a non-empty dir: %s", res(rename(a, d)));
    say("dir onto a file: %s", res(rename(a, fl)));
    say("file onto a dir: %s", res(rename(fl, e)));
    say("to itself: %s", res(rename(fl, fl)));
    snprintf(tmp, sizeof tmp, "%s/sub", fl);
    say("under a file: %s", res(rename(d, tmp)));
    snprintf(tmp, sizeof tmp, "%s/.", a);
    say("from '.': %s", res(rename(tmp, tmp_path("dot"))));
    say("missing source: %s", res(rename(tmp_path("nope"), tmp_path("x"))));
    say("dir onto an empty dir: %s", res(rename(e, tmp_path("e2")) == 0 && rename(tmp_path("e2"), e) == 0 ? 0 : -1));
    CHECK(mkdir(tmp_path("e3"), 0755) == 0);
    say("dir onto an empty dir (replaces it): %s", res(rename(e, tmp_path("e3"))));
    say("  old name gone: %s", yesno(stat(e, &st) < 0 && errno == ENOENT));

    write_file(tmp_path("g"), "g", 0644);
    say("RENAME_NOREPLACE onto an existing name: %s", res(syscall(SYS_renameat2, AT_FDCWD, fl, AT_FDCWD, tmp_path("g"), RENAME_NOREPLACE)));
    say("RENAME_EXCHANGE file and dir: %s", res(syscall(SYS_renameat2, AT_FDCWD, fl, AT_FDCWD, tmp_path("e3"), RENAME_EXCHANGE)));
    say("  file name is a dir now: %s", yesno(stat(fl, &st) == 0 && S_ISDIR(st.st_mode)));
    say("RENAME_EXCHANGE with a missing name: %s", res(syscall(SYS_renameat2, AT_FDCWD, fl, AT_FDCWD, tmp_path("nope"), RENAME_EXCHANGE)));
    say("both flags: %s", res(syscall(SYS_renameat2, AT_FDCWD, fl, AT_FDCWD, tmp_path("g"), RENAME_EXCHANGE | RENAME_NOREPLACE)));
    /* a parent into its child through a second name of the same place */
    snprintf(tmp, sizeof tmp, "%s/b/../b/c", a);
    say("dir into its subdirectory via '..': %s", res(rename(a, tmp)));
}

/* ---- sizes on tmpfs -------------------------------------------------------- */

static void test_fs_tmpfs_sizes(void)
{
    char dir[] = "/dev/shm/conform-fs.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char p[128], q[128];
    struct stat st;
    CHECK(stat(dir, &st) == 0);
    say("empty dir: size=%ld blocks=%ld nlink=%d", (long)st.st_size, (long)st.st_blocks, (int)st.st_nlink);
    snprintf(p, sizeof p, "%s/f", dir);
    int fd = open(p, O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0);
    CHECK(fstat(fd, &st) == 0);
    say("empty file: size=%ld blocks=%ld blksize=%ld", (long)st.st_size, (long)st.st_blocks, (long)st.st_blksize);
    CHECK(write(fd, "x", 1) == 1);
    CHECK(fstat(fd, &st) == 0);
    say("1 byte: size=%ld blocks=%ld", (long)st.st_size, (long)st.st_blocks);
    char big[5000];
    memset(big, 'b', sizeof big);
    CHECK(write(fd, big, sizeof big) == (ssize_t)sizeof big);
    CHECK(fstat(fd, &st) == 0);
    say("5001 bytes: size=%ld blocks=%ld", (long)st.st_size, (long)st.st_blocks);
    CHECK(ftruncate(fd, 1 << 20) == 0);
    CHECK(fstat(fd, &st) == 0);
    say("grown to 1 MiB by ftruncate: size=%ld blocks=%ld", (long)st.st_size, (long)st.st_blocks);
    CHECK(pwrite(fd, "y", 1, 500000) == 1);
    CHECK(fstat(fd, &st) == 0);
    say("one byte written in the hole: blocks=%ld", (long)st.st_blocks);
    CHECK(ftruncate(fd, 100) == 0);
    CHECK(fstat(fd, &st) == 0);
    say("truncated to 100: size=%ld blocks=%ld", (long)st.st_size, (long)st.st_blocks);
    close(fd);
    CHECK(stat(dir, &st) == 0);
    say("dir with one file: size=%ld", (long)st.st_size);
    snprintf(q, sizeof q, "%s/sub", dir);
    CHECK(mkdir(q, 0755) == 0);
    CHECK(stat(dir, &st) == 0);
    say("dir with a file and a subdir: size=%ld nlink=%d", (long)st.st_size, (int)st.st_nlink);
    snprintf(q, sizeof q, "%s/hard", dir);
    CHECK(link(p, q) == 0);
    CHECK(stat(dir, &st) == 0);
    say("after a hard link: size=%ld", (long)st.st_size);
    snprintf(q, sizeof q, "%s/short", dir);
    CHECK(symlink("f", q) == 0);
    CHECK(lstat(q, &st) == 0);
    say("short symlink: size=%ld blocks=%ld", (long)st.st_size, (long)st.st_blocks);
    char target[200];
    memset(target, 't', sizeof target - 1);
    target[sizeof target - 1] = 0;
    snprintf(q, sizeof q, "%s/long", dir);
    CHECK(symlink(target, q) == 0);
    CHECK(lstat(q, &st) == 0);
    say("199-byte symlink: size=%ld blocks=%ld", (long)st.st_size, (long)st.st_blocks);
    snprintf(q, sizeof q, "%s/fifo", dir);
    CHECK(mkfifo(q, 0600) == 0);
    CHECK(stat(q, &st) == 0);
    say("fifo: size=%ld blocks=%ld", (long)st.st_size, (long)st.st_blocks);
    CHECK(stat(dir, &st) == 0);
    say("dir with six entries: size=%ld", (long)st.st_size);
    struct statfs sf;
    CHECK(statfs(dir, &sf) == 0);
    say("statfs: type tmpfs %s, bsize=%ld, bfree <= blocks %s, ffree <= files %s",
        yesno(sf.f_type == 0x01021994), (long)sf.f_bsize, yesno(sf.f_bfree <= sf.f_blocks), yesno(sf.f_ffree <= sf.f_files));
    /* statfs counts pages and inodes as they come and go */
    unsigned long before = sf.f_bfree, ibefore = sf.f_ffree;
    snprintf(q, sizeof q, "%s/pages", dir);
    fd = open(q, O_RDWR | O_CREAT, 0644);
    char page[4096];
    memset(page, 1, sizeof page);
    for (int i = 0; i < 10; i++) CHECK(write(fd, page, sizeof page) == (ssize_t)sizeof page);
    CHECK(statfs(dir, &sf) == 0);
    say("10 pages written: bfree down by %ld, ffree down by %ld", (long)(before - sf.f_bfree), (long)(ibefore - sf.f_ffree));
    close(fd);
    unlink(q);
    CHECK(statfs(dir, &sf) == 0);
    say("file removed: bfree back: %s, ffree back: %s", yesno(sf.f_bfree == before), yesno(sf.f_ffree == ibefore));
    /* an unlinked file keeps its pages while open */
    fd = open(q, O_RDWR | O_CREAT, 0644);
    for (int i = 0; i < 4; i++) CHECK(write(fd, page, sizeof page) == (ssize_t)sizeof page);
    unlink(q);
    CHECK(statfs(dir, &sf) == 0);
    say("unlinked but open: bfree down by %ld", (long)(before - sf.f_bfree));
    close(fd);
    CHECK(statfs(dir, &sf) == 0);
    say("closed: bfree back: %s", yesno(sf.f_bfree == before));

    const char *names[] = {"f", "hard", "short", "long", "fifo"};
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(q, sizeof q, "%s/%s", dir, names[i]);
        unlink(q);
    }
    snprintf(q, sizeof q, "%s/sub", dir);
    rmdir(q);
    CHECK(stat(dir, &st) == 0);
    say("emptied dir: size=%ld nlink=%d", (long)st.st_size, (int)st.st_nlink);
    CHECK(rmdir(dir) == 0);
}

/* ---- devices --------------------------------------------------------------- */

static void test_fs_dev_files(void)
{
    int fd = open("/dev/full", O_RDWR);
    say("open /dev/full: %s", res(fd));
    char b[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    say("write: %s", res(write(fd, "x", 1)));
    long n = read(fd, b, sizeof b);
    say("read: %s zeros: %s", res(n), yesno(memcmp(b, "\0\0\0\0\0\0\0\0", 8) == 0));
    say("lseek: %s", res(lseek(fd, 100, SEEK_SET)));
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    say("chr=%d major=%d minor=%d", S_ISCHR(st.st_mode), (int)major(st.st_rdev), (int)minor(st.st_rdev));
    close(fd);
    const char *devs[] = {"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/tty"};
    for (unsigned i = 0; i < sizeof devs / sizeof *devs; i++) {
        CHECK(stat(devs[i], &st) == 0);
        say("%s: chr=%d major=%d minor=%d mode=%o", devs[i], S_ISCHR(st.st_mode), (int)major(st.st_rdev), (int)minor(st.st_rdev), st.st_mode & 07777);
    }
    fd = open("/dev/random", O_RDONLY);
    say("read /dev/random: %s", res(read(fd, b, sizeof b)));
    close(fd);
    /* a shell redirection to /dev/stderr reaches fd 2 (the link, not a new file) */
    int p[2];
    CHECK(pipe(p) == 0);
    int saved = dup(2);
    CHECK(dup2(p[1], 2) == 2);
    fd = open("/dev/stderr", O_WRONLY);
    say("open /dev/stderr: %s", res(fd));
    CHECK(write(fd, "e", 1) == 1);
    close(fd);
    CHECK(dup2(saved, 2) == 2);
    close(saved);
    close(p[1]);
    char c = 0;
    say("it reached the pipe: %s", yesno(read(p[0], &c, 1) == 1 && c == 'e'));
    close(p[0]);
    CHECK(lstat("/dev/stdin", &st) == 0);
    say("/dev/stdin is a symlink: %s", yesno(S_ISLNK(st.st_mode)));
    CHECK(stat("/dev/fd/0", &st) == 0);
    say("/dev/fd/0 resolves: yes");
}

const struct conform_test fsbehav_tests[] = {
    T(fs_fifo_open, "FIFO opens: O_NONBLOCK reader/writer (ENXIO), O_RDWR, blocking ends wait for each other, EINTR and SA_RESTART"),
    T(fs_rename_rules, "rename: into its own subdirectory EINVAL, ENOTEMPTY, EISDIR, ENOTDIR, EBUSY, RENAME_NOREPLACE/EXCHANGE"),
    T(fs_tmpfs_sizes, "tmpfs sizes: st_blocks of files, holes, symlinks; directory sizes; statfs pages and inodes"),
    T(fs_dev_files, "/dev/full, device numbers, /dev/random, /dev/stderr reaches fd 2, /dev/stdin and /dev/fd links"),
    { 0, 0, 0 },
};
