/* escape MNT CANARY_DIR: tries every known way out of a read-write host mount at MNT.
 * CANARY_DIR is the host directory (outside the mount) holding a file named "canary": under
 * forkscope no host path exists in the guest, so every attempt must end inside the guest.
 * Prints one line per attempt: what was tried and its result (errno name or "ok").
 * Natively (with MNT a real directory and CANARY_DIR on the same host) the stale-directory
 * attempts give the same answers, which is what Linux's inode semantics promise. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/syscall.h>

static const char *mnt, *cdir;
static char buf[4096];

static const char *en(int e) {
    switch (e) {
    case 0: return "ok";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case EINVAL: return "EINVAL";
    case ELOOP: return "ELOOP";
    case ENOTDIR: return "ENOTDIR";
    case EROFS: return "EROFS";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENOTEMPTY: return "ENOTEMPTY";
    default: return strerror(e);
    }
}

static void report(const char *what, int rc) {
    printf("%s: %s\n", what, en(rc < 0 ? errno : 0));
}

/* try to read the canary through `path` relative to `dirfd`; prints what came back */
static void try_read(const char *what, int dirfd, const char *path) {
    int fd = openat(dirfd, path, O_RDONLY);
    if (fd < 0) {
        printf("%s: %s\n", what, en(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    printf("%s: read %zd bytes%s\n", what, n, strstr(buf, "CANARY") ? " OF THE CANARY" : "");
}

/* try to create a file through `path` relative to `dirfd` */
static void try_create(const char *what, int dirfd, const char *path) {
    int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
        write(fd, "PWNED\n", 6);
        close(fd);
    }
    report(what, fd);
}

static char *p(const char *a, const char *b) {
    static char s[4][512];
    static int i;
    char *r = s[i++ & 3];
    snprintf(r, 512, "%s/%s", a, b);
    return r;
}

/* swap t between a directory and a symlink out, 300 times (a thread of the race in 12) */
static void *swap_t(void *arg) {
    char d[512], cd[512];
    (void)arg;
    snprintf(d, sizeof d, "%s/t", mnt);
    snprintf(cd, sizeof cd, "%s", cdir);
    for (int i = 0; i < 300; i++) {
        rmdir(d);
        symlink(cd, d);
        unlink(d);
        mkdir(d, 0755);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: escape MNT CANARY_DIR\n");
        return 2;
    }
    mnt = argv[1];
    cdir = argv[2];
    char canary[512];
    snprintf(canary, sizeof canary, "%s/canary", cdir);
    setvbuf(stdout, NULL, _IONBF, 0);

    /* 1. a stale working directory whose name now holds a symlink out */
    report("mkdir d", mkdir(p(mnt, "d"), 0755));
    report("chdir d", chdir(p(mnt, "d")));
    report("rmdir d", rmdir(p(mnt, "d")));
    report("symlink d -> /", symlink("/", p(mnt, "d")));
    try_read("stale cwd: read etc/passwd", AT_FDCWD, "etc/passwd");
    report("unlink d", unlink(p(mnt, "d")));
    report("symlink d -> CANARY_DIR", symlink(cdir, p(mnt, "d")));
    try_read("stale cwd: read canary", AT_FDCWD, "canary");
    try_create("stale cwd: create pwned", AT_FDCWD, "pwned");
    try_read("stale cwd: read ./canary via ..", AT_FDCWD, "../d/canary");
    report("chdir mnt", chdir(mnt));

    /* 2. a directory fd kept open across rmdir + symlink */
    report("mkdir e", mkdir(p(mnt, "e"), 0755));
    int efd = open(p(mnt, "e"), O_RDONLY | O_DIRECTORY);
    report("open e", efd);
    report("rmdir e", rmdir(p(mnt, "e")));
    report("symlink e -> CANARY_DIR", symlink(cdir, p(mnt, "e")));
    try_read("stale dirfd: read canary", efd, "canary");
    try_create("stale dirfd: create pwned", efd, "pwned");
    close(efd);

    /* 3. symlinks pointing out, absolute and relative, followed from inside */
    report("symlink abs -> CANARY", symlink(canary, p(mnt, "abs")));
    try_read("read abs", AT_FDCWD, p(mnt, "abs"));
    try_create("create through abs-dir", AT_FDCWD, p(mnt, "e/pwned2"));
    report("symlink up -> ../../../../../../../..", symlink("../../../../../../../..", p(mnt, "up")));
    int mfd = open(mnt, O_RDONLY | O_DIRECTORY);
    snprintf(buf, sizeof buf, "up%s", canary);
    try_read("read up/CANARY via dirfd", mfd, buf);
    snprintf(buf, sizeof buf, "../../../../../../../..%s", canary);
    try_read("read ../..(past the mount root)/CANARY", mfd, buf);

    /* 4. hard links and renames */
    try_create("create x", mfd, "x");
    report("link x y", linkat(mfd, "x", mfd, "y", 0));
    try_read("read x after link", mfd, "x");
    try_read("read y after link", mfd, "y");
    report("rename x -> /tmp/x (out of the mount)", rename(p(mnt, "x"), "/tmp/x"));
    report("rename y z", renameat(mfd, "y", mfd, "z"));
    try_read("read z", mfd, "z");
    try_read("read y", mfd, "y");
    report("link abs abs2 (a symlink, not followed)", linkat(mfd, "abs", mfd, "abs2", 0));
    try_read("read abs2", mfd, "abs2");

    /* 5. a renamed directory keeps its identity: cwd follows it */
    report("mkdir a", mkdir(p(mnt, "a"), 0755));
    report("chdir a", chdir(p(mnt, "a")));
    report("rename a b", rename(p(mnt, "a"), p(mnt, "b")));
    try_create("create f in cwd", AT_FDCWD, "f");
    try_read("read b/f", mfd, "b/f");
    report("rename b b/sub (into itself)", rename(p(mnt, "b"), p(mnt, "b/sub")));

    /* 6. an open file survives unlink and rename of its name */
    int ufd = open(p(mnt, "u"), O_RDWR | O_CREAT | O_EXCL, 0644);
    report("create u", ufd);
    write(ufd, "kept\n", 5);
    report("unlink u", unlink(p(mnt, "u")));
    report("symlink u -> CANARY", symlink(canary, p(mnt, "u")));
    ssize_t n = pread(ufd, buf, sizeof buf, 0);
    printf("read the unlinked u: %zd bytes \"%.4s\"\n", n, n > 0 ? buf : "");
    close(ufd);

    /* 7. the kernel's own magic links */
    report("chdir b", chdir(p(mnt, "b")));
    report("rmdir b/f", unlink(p(mnt, "b/f")));
    report("rmdir b", rmdir(p(mnt, "b")));
    report("symlink b -> CANARY_DIR", symlink(cdir, p(mnt, "b")));
    try_read("read /proc/self/cwd/canary", AT_FDCWD, "/proc/self/cwd/canary");
    snprintf(buf, sizeof buf, "/proc/self/root%s", canary);
    try_read("read /proc/self/root/CANARY", AT_FDCWD, buf);
    report("chdir mnt", chdir(mnt));

    /* 8. a race: a child swaps s between a directory and a symlink out while we open s/canary */
    report("mkdir s", mkdir(p(mnt, "s"), 0755));
    pid_t c = fork();
    if (c == 0) {
        for (int i = 0; i < 300; i++) {
            rmdir(p(mnt, "s"));
            symlink(cdir, p(mnt, "s"));
            unlink(p(mnt, "s"));
            mkdir(p(mnt, "s"), 0755);
        }
        _exit(0);
    }
    int leaks = 0;
    for (int i = 0; i < 300; i++) {
        int fd = open(p(mnt, "s/canary"), O_RDONLY);
        if (fd >= 0) {
            ssize_t k = read(fd, buf, sizeof buf - 1);
            buf[k > 0 ? k : 0] = 0;
            if (strstr(buf, "CANARY")) leaks++;
            close(fd);
        }
        fd = open(p(mnt, "s/pwned"), O_WRONLY | O_CREAT, 0644);
        if (fd >= 0) {
            close(fd);
            unlink(p(mnt, "s/pwned"));
        }
    }
    waitpid(c, NULL, 0);
    printf("race: %d reads of the canary\n", leaks);

    /* 9. names are bytes: \xffA and \xfeA are two files, listed as they were made */
    report("mkdir bytes", mkdir(p(mnt, "bytes"), 0755));
    try_create("create \\xffA", AT_FDCWD, p(mnt, "bytes/\xff" "A"));
    try_create("create \\xfeA", AT_FDCWD, p(mnt, "bytes/\xfe" "A"));
    try_read("read \\xffA", AT_FDCWD, p(mnt, "bytes/\xff" "A"));
    DIR *dir = opendir(p(mnt, "bytes"));
    struct dirent *de;
    int names = 0;
    while (dir && (de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.') continue;
        printf("entry:");
        for (char *c = de->d_name; *c; c++) printf(" %02x", (unsigned char)*c);
        printf("\n");
        names++;
    }
    if (dir) closedir(dir);
    printf("%d entries\n", names);

    /* 10. openat2's scoped resolution from the mount's directory */
    struct { unsigned long long flags, mode, resolve; } how = {O_RDONLY, 0, 0};
    static const struct { const char *what, *path; unsigned long long resolve; } scoped[] = {
        {"RESOLVE_BENEATH up/CANARY", "up", 0x08},
        {"RESOLVE_BENEATH abs", "abs", 0x08},
        {"RESOLVE_BENEATH ../..", "../..", 0x08},
        {"RESOLVE_BENEATH /", "/", 0x08},
        {"RESOLVE_IN_ROOT abs", "abs", 0x10},
        {"RESOLVE_IN_ROOT ../../..(CANARY)", "../../../../../../../..", 0x10},
        {"RESOLVE_NO_SYMLINKS abs", "abs", 0x04},
        {"no flags /proc/self/cwd/z", "/proc/self/cwd/z", 0},
        {"RESOLVE_NO_MAGICLINKS /proc/self/cwd/z", "/proc/self/cwd/z", 0x02},
        {"RESOLVE_IN_ROOT /proc/self/cwd/z", "/proc/self/cwd/z", 0x10},
        {"RESOLVE_BENEATH z (inside)", "z", 0x08},
        {"RESOLVE_IN_ROOT /z (inside)", "/z", 0x10},
    };
    for (size_t i = 0; i < sizeof scoped / sizeof scoped[0]; i++) {
        const char *sp = scoped[i].path;
        if (!strcmp(sp, "up") || !strncmp(sp, "../../../..", 11)) {
            snprintf(buf, sizeof buf, "%s%s", sp, canary);
            sp = buf;
        }
        how.resolve = scoped[i].resolve;
        int fd = (int)syscall(437 /* SYS_openat2 */, mfd, sp, &how, sizeof how);
        if (fd < 0) printf("openat2 %s: %s\n", scoped[i].what, en(errno));
        else {
            ssize_t k = read(fd, buf, sizeof buf - 1);
            printf("openat2 %s: read %zd bytes%s\n", scoped[i].what, k, k > 0 && !memcmp(buf, "CANARY", 6) ? " OF THE CANARY" : "");
            close(fd);
        }
    }
    how.resolve = 0x40;
    printf("openat2 unknown resolve bit: %s\n", syscall(437, mfd, "z", &how, sizeof how) < 0 ? en(errno) : "ok");
    how.resolve = 0x18;
    printf("openat2 BENEATH|IN_ROOT: %s\n", syscall(437, mfd, "z", &how, sizeof how) < 0 ? en(errno) : "ok");

    /* 11. /proc/PID/cwd of another process whose working directory was replaced by a symlink out */
    report("mkdir w", mkdir(p(mnt, "w"), 0755));
    int gate[2], ready[2];
    pipe(gate);
    pipe(ready);
    pid_t w = fork();
    if (w == 0) {
        char b;
        chdir(p(mnt, "w"));
        write(ready[1], "r", 1);
        read(gate[0], &b, 1);
        _exit(0);
    }
    char b;
    read(ready[0], &b, 1);
    snprintf(buf, sizeof buf, "/proc/%d/cwd", w);
    char pcwd[4096];
    snprintf(pcwd, sizeof pcwd, "%s", buf);
    try_create("create via /proc/PID/cwd (inside)", AT_FDCWD, p(pcwd, "inside"));
    try_read("read w/inside", mfd, "w/inside");
    report("unlink w/inside", unlinkat(mfd, "w/inside", 0));
    report("rmdir w", rmdir(p(mnt, "w")));
    report("symlink w -> CANARY_DIR", symlink(cdir, p(mnt, "w")));
    try_read("read /proc/PID/cwd/canary", AT_FDCWD, p(pcwd, "canary"));
    try_create("create via /proc/PID/cwd", AT_FDCWD, p(pcwd, "pwned"));
    write(gate[1], "g", 1);
    waitpid(w, NULL, 0);

    /* 12. the race again with two threads of one process sharing the descriptor table */
    report("mkdir t", mkdir(p(mnt, "t"), 0755));
    pthread_t swapper;
    pthread_create(&swapper, NULL, swap_t, NULL);
    leaks = 0;
    for (int i = 0; i < 300; i++) {
        int fd = open(p(mnt, "t/canary"), O_RDONLY);
        if (fd >= 0) {
            char tb[64];
            ssize_t k = read(fd, tb, sizeof tb - 1);
            tb[k > 0 ? k : 0] = 0;
            if (strstr(tb, "CANARY")) leaks++;
            close(fd);
        }
    }
    pthread_join(swapper, NULL);
    printf("thread race: %d reads of the canary\n", leaks);
    return 0;
}
