/*
 * files: stdio, file descriptors, directories, devices, time and identity.
 *
 * All file work happens inside a fresh mkdtemp() directory that is removed at
 * the end; its path is never printed.  Nothing printed depends on pids, fd
 * numbers inherited from the host, timing, directory order or whether stdout
 * is a terminal.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static char g_tmpdir[64];

static const char *yesno(int c) { return c ? "yes" : "no"; }

static const char *ename(int e)
{
    static char buf[32];
    switch (e) {
    case 0: return "OK";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EAGAIN: return "EAGAIN";
    case ESPIPE: return "ESPIPE";
    case ERANGE: return "ERANGE";
    case ENOTTY: return "ENOTTY";
    case EPIPE: return "EPIPE";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EFAULT: return "EFAULT";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    }
    snprintf(buf, sizeof buf, "errno%d", e);
    return buf;
}

/* Print "<what>: <ret> <ERRNO>" for a call that returns -1 on error. */
#define CALL(what, expr)                                                \
    do {                                                                \
        errno = 0;                                                      \
        long r_ = (long)(expr);                                         \
        int e_ = errno;                                                 \
        printf("%s: %ld %s\n", what, r_, r_ < 0 ? ename(e_) : "OK");   \
    } while (0)

static void die(const char *what)
{
    printf("FATAL: %s: %s\n", what, ename(errno));
    exit(1);
}

static int xopen(const char *path, int flags, mode_t mode)
{
    int fd = open(path, flags, mode);
    if (fd < 0)
        die(path);
    return fd;
}

static uint32_t fnv(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static const char *ftype(mode_t m)
{
    if (S_ISREG(m)) return "regular";
    if (S_ISDIR(m)) return "directory";
    if (S_ISCHR(m)) return "chardev";
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISLNK(m)) return "symlink";
    return "other";
}

static void show_fd_content(const char *what, int fd)
{
    char buf[256];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n < 0)
        n = 0;
    buf[n] = 0;
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\n')
            buf[i] = '|';
        else if (buf[i] == 0)
            buf[i] = '0';
    printf("%s: [%s] (%zd bytes)\n", what, buf, n);
}

/* ------------------------------------------------------------------ */

static void test_stdin(void)
{
    printf("== stdin\n");
    char buf[4096];
    long total = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0)
        total += n;
    printf("stdin bytes until EOF: %ld (last read %zd)\n", total, n);
}

static void test_stdio(void)
{
    printf("== stdio\n");
    FILE *f = fopen("stdio.txt", "w");
    if (!f)
        die("fopen w");
    for (int i = 1; i <= 3; i++)
        fprintf(f, "line %d: %s %5.2f %-4s|%x\n", i, "abc", i * 1.25, "xy", i * 255);
    printf("fclose after write: %d\n", fclose(f));

    f = fopen("stdio.txt", "r");
    if (!f)
        die("fopen r");
    char line[128];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        printf("fgets: %s\n", line);
    }
    printf("feof: %d ferror: %d\n", feof(f) != 0, ferror(f) != 0);
    printf("fseek(0, SEEK_END): %d ftell: %ld\n", fseek(f, 0, SEEK_END), ftell(f));
    printf("fseek(5, SEEK_SET): %d ftell: %ld\n", fseek(f, 5, SEEK_SET), ftell(f));
    char chunk[8] = {0};
    size_t got = fread(chunk, 1, 7, f);
    printf("fread 7: %zu [%s] ftell: %ld\n", got, chunk, ftell(f));
    printf("fseek(-3, SEEK_CUR): %d ftell: %ld\n", fseek(f, -3, SEEK_CUR), ftell(f));
    printf("fgetc: %c\n", fgetc(f));
    rewind(f);
    printf("after rewind fgetc: %c\n", fgetc(f));
    fclose(f);

    /* Binary fwrite/fread of structured data, and r+ updates. */
    uint32_t nums[1000];
    for (int i = 0; i < 1000; i++)
        nums[i] = (uint32_t)i * 2654435761u;
    f = fopen("stdio.bin", "w+");
    if (!f)
        die("fopen w+");
    printf("fwrite 1000 words: %zu\n", fwrite(nums, sizeof nums[0], 1000, f));
    fseek(f, 400 * 4, SEEK_SET);
    uint32_t v = 0xdeadbeef;
    fwrite(&v, 4, 1, f);
    fflush(f);
    rewind(f);
    uint32_t back[1000];
    printf("fread 1000 words: %zu\n", fread(back, sizeof back[0], 1000, f));
    nums[400] = 0xdeadbeef;
    printf("binary round trip: %s checksum %08x\n",
           yesno(memcmp(nums, back, sizeof nums) == 0), fnv((void *)back, sizeof back));
    printf("fread at EOF: %zu feof: %d\n", fread(back, 4, 1, f), feof(f) != 0);
    fclose(f);

    f = fopen("stdio.txt", "a");
    fputs("appended\n", f);
    fclose(f);
    f = fopen("stdio.txt", "r");
    int lines = 0;
    while (fgets(line, sizeof line, f))
        lines++;
    line[strcspn(line, "\n")] = 0;
    printf("after append: %d lines, last [%s]\n", lines, line);
    fclose(f);

    errno = 0;
    f = fopen("no-such-file", "r");
    printf("fopen missing: %s %s\n", f ? "non-null" : "NULL", ename(errno));

    char sbuf[64];
    int n = snprintf(sbuf, sizeof sbuf, "%d %s %c %08.3f %lld", -42, "str", 'c', 3.14159,
                     -9000000000LL);
    printf("snprintf: %d [%s]\n", n, sbuf);
    int a = 0;
    char word[16];
    printf("sscanf: %d", sscanf("17 seventeen", "%d %15s", &a, word));
    printf(" -> %d %s\n", a, word);
    unlink("stdio.txt");
    unlink("stdio.bin");
}

static void test_fds(void)
{
    printf("== open/read/write/lseek/pread/pwrite/fstat\n");
    int fd = xopen("raw.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CALL("write 10", write(fd, "0123456789", 10));
    CALL("lseek(0, SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
    CALL("lseek(2, SEEK_SET)", lseek(fd, 2, SEEK_SET));
    char buf[64] = {0};
    CALL("read 3", read(fd, buf, 3));
    printf("read data: [%s]\n", buf);
    CALL("lseek(-2, SEEK_CUR)", lseek(fd, -2, SEEK_CUR));
    CALL("write AB", write(fd, "AB", 2));
    CALL("lseek(-1, SEEK_END)", lseek(fd, -1, SEEK_END));
    memset(buf, 0, sizeof buf);
    CALL("read at end-1", read(fd, buf, 10));
    printf("read data: [%s]\n", buf);
    CALL("read at EOF", read(fd, buf, 10));
    CALL("lseek(-100, SEEK_SET)", lseek(fd, -100, SEEK_SET));
    CALL("lseek(0, 99)", lseek(fd, 0, 99));
    show_fd_content("content", fd);

    /* pread/pwrite do not move the offset. */
    CALL("lseek(1, SEEK_SET)", lseek(fd, 1, SEEK_SET));
    CALL("pwrite 'xyz' at 7", pwrite(fd, "xyz", 3, 7));
    memset(buf, 0, sizeof buf);
    CALL("pread 4 at 0", pread(fd, buf, 4, 0));
    printf("pread data: [%s]\n", buf);
    CALL("offset still", lseek(fd, 0, SEEK_CUR));
    CALL("pwrite past end at 14", pwrite(fd, "END", 3, 14));
    show_fd_content("content with hole", fd);

    struct stat st;
    CALL("fstat", fstat(fd, &st));
    printf("fstat: size=%lld type=%s nlink=%lu mode=%04o\n", (long long)st.st_size,
           ftype(st.st_mode), (unsigned long)st.st_nlink, st.st_mode & 07777);
    struct stat st2;
    CALL("stat", stat("raw.dat", &st2));
    printf("stat matches fstat (dev, ino, size): %s\n",
           yesno(st.st_dev == st2.st_dev && st.st_ino == st2.st_ino &&
                 st.st_size == st2.st_size));
    printf("st_blksize > 0: %s\n", yesno(st.st_blksize > 0));

    /* Seek far past the end and write: the gap reads back as zeros. */
    CALL("lseek(100000, SEEK_SET)", lseek(fd, 100000, SEEK_SET));
    CALL("write at 100000", write(fd, "Z", 1));
    fstat(fd, &st);
    printf("size after sparse write: %lld\n", (long long)st.st_size);
    static unsigned char gap[100001];
    CALL("pread whole file", pread(fd, gap, sizeof gap, 0));
    int zeros = 1;
    for (int i = 17; i < 100000; i++)
        if (gap[i])
            zeros = 0;
    printf("gap is zero: %s, last byte: %c\n", yesno(zeros), gap[100000]);
    CALL("lseek(0, SEEK_END)", lseek(fd, 0, SEEK_END));
    CALL("close", close(fd));

    /* A large write spanning many pages, read back in odd-sized pieces. */
    static unsigned char big[300000], rb[300000];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof big; i++) {
        x = x * 1664525u + 1013904223u;
        big[i] = (unsigned char)(x >> 24);
    }
    fd = xopen("big.dat", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CALL("write 300000", write(fd, big, sizeof big));
    close(fd);
    fd = xopen("big.dat", O_RDONLY, 0);
    size_t off = 0;
    ssize_t n;
    while ((n = read(fd, rb + off, off + 4099 > sizeof rb ? sizeof rb - off : 4099)) > 0)
        off += (size_t)n;
    printf("read back %zu bytes, equal: %s, checksum %08x\n", off,
           yesno(off == sizeof big && memcmp(big, rb, sizeof big) == 0), fnv(rb, off));
    close(fd);
    unlink("big.dat");

    printf("== open flags\n");
    errno = 0;
    CALL("open O_CREAT|O_EXCL existing", open("raw.dat", O_WRONLY | O_CREAT | O_EXCL, 0644));
    fd = open("excl.dat", O_WRONLY | O_CREAT | O_EXCL, 0644);
    printf("open O_CREAT|O_EXCL new: %s\n", yesno(fd >= 0));
    close(fd);
    CALL("open missing O_RDONLY", open("missing.dat", O_RDONLY));
    CALL("open missing dir component", open("nodir/x", O_RDONLY));
    CALL("open file as dir component", open("raw.dat/x", O_RDONLY));
    CALL("open file with O_DIRECTORY", open("raw.dat", O_RDONLY | O_DIRECTORY));
    CALL("open '.' O_WRONLY", open(".", O_WRONLY));
    CALL("open '.' O_RDWR", open(".", O_RDWR));
    CALL("open empty path", open("", O_RDONLY));

    fd = xopen("app.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "first\n", 6);
    close(fd);
    fd = xopen("app.dat", O_WRONLY | O_APPEND, 0);
    CALL("O_APPEND lseek(0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
    CALL("O_APPEND write", write(fd, "second\n", 7));
    CALL("O_APPEND offset after write", lseek(fd, 0, SEEK_CUR));
    close(fd);
    fd = xopen("app.dat", O_RDWR, 0);
    show_fd_content("after O_APPEND", fd);
    close(fd);
    fd = xopen("app.dat", O_RDWR | O_TRUNC, 0);
    fstat(fd, &st);
    printf("O_TRUNC size: %lld\n", (long long)st.st_size);
    CALL("read after O_TRUNC", read(fd, buf, 10));
    close(fd);

    /* O_RDONLY fd cannot be written, O_WRONLY cannot be read. */
    fd = xopen("raw.dat", O_RDONLY, 0);
    CALL("write on O_RDONLY fd", write(fd, "x", 1));
    close(fd);
    fd = xopen("raw.dat", O_WRONLY, 0);
    CALL("read on O_WRONLY fd", read(fd, buf, 1));
    close(fd);

    /* Lowest free descriptor is reused. */
    int a = xopen("raw.dat", O_RDONLY, 0);
    int b = xopen("raw.dat", O_RDONLY, 0);
    close(a);
    int c = xopen("raw.dat", O_RDONLY, 0);
    printf("lowest free fd reused: %s, second fd is next: %s\n", yesno(c == a),
           yesno(b == a + 1));
    close(b);
    close(c);

    /* An unlinked file stays usable through its open descriptor. */
    fd = xopen("ghost.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "boo", 3);
    CALL("unlink open file", unlink("ghost.dat"));
    CALL("access after unlink", access("ghost.dat", F_OK));
    fstat(fd, &st);
    printf("fstat after unlink: size=%lld nlink=%lu\n", (long long)st.st_size,
           (unsigned long)st.st_nlink);
    show_fd_content("content after unlink", fd);
    close(fd);

    /* rename replaces the target. */
    fd = xopen("r1.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "one", 3);
    close(fd);
    fd = xopen("r2.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "two!", 4);
    close(fd);
    CALL("rename r1 -> r2", rename("r1.dat", "r2.dat"));
    CALL("access r1", access("r1.dat", F_OK));
    fd = xopen("r2.dat", O_RDONLY, 0);
    show_fd_content("r2 after rename", fd);
    close(fd);
    CALL("rename missing", rename("r1.dat", "r3.dat"));
    unlink("r2.dat");

    printf("== EBADF\n");
    CALL("close(-1)", close(-1));
    CALL("read(9999)", read(9999, buf, 1));
    fd = xopen("raw.dat", O_RDONLY, 0);
    close(fd);
    CALL("read closed fd", read(fd, buf, 1));
    CALL("close closed fd", close(fd));
    CALL("fstat closed fd", fstat(fd, &st));
    CALL("lseek closed fd", lseek(fd, 0, SEEK_SET));
    CALL("dup closed fd", dup(fd));

    unlink("raw.dat");
    unlink("excl.dat");
    unlink("app.dat");
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_dirs(void)
{
    printf("== directories\n");
    mode_t old = umask(022);
    CALL("mkdir d", mkdir("d", 0777));
    CALL("mkdir d again", mkdir("d", 0777));
    CALL("mkdir d/sub", mkdir("d/sub", 0750));
    CALL("mkdir missing/parent", mkdir("missing/x", 0777));
    struct stat st;
    stat("d", &st);
    printf("d: type=%s mode=%04o\n", ftype(st.st_mode), st.st_mode & 07777);
    stat("d/sub", &st);
    printf("d/sub: type=%s mode=%04o\n", ftype(st.st_mode), st.st_mode & 07777);
    static const char *names[] = {"zeta", "alpha", "Mid", "b.txt", "_u", "a"};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[64];
        snprintf(p, sizeof p, "d/%s", names[i]);
        int fd = xopen(p, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        write(fd, names[i], strlen(names[i]));
        close(fd);
    }
    stat("d/zeta", &st);
    printf("file created 0666 under umask 022: mode=%04o\n", st.st_mode & 07777);
    CALL("mkdir over file", mkdir("d/zeta", 0777));
    CALL("mkdir under file", mkdir("d/zeta/x", 0777));

    DIR *dir = opendir("d");
    if (!dir)
        die("opendir");
    char *list[32];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL && n < 32) {
        list[n] = malloc(strlen(de->d_name) + 16);
        const char *t = de->d_type == DT_REG ? "f" : de->d_type == DT_DIR ? "d" : "?";
        sprintf(list[n], "%s %s", de->d_name, t);
        n++;
    }
    closedir(dir);
    qsort(list, n, sizeof list[0], cmpstr);
    printf("readdir d (%d entries, sorted):", n);
    for (int i = 0; i < n; i++) {
        printf(" [%s]", list[i]);
        free(list[i]);
    }
    printf("\n");
    errno = 0;
    dir = opendir("d/zeta");
    printf("opendir on file: %s %s\n", dir ? "non-null" : "NULL", ename(errno));
    errno = 0;
    dir = opendir("nothere");
    printf("opendir missing: %s %s\n", dir ? "non-null" : "NULL", ename(errno));

    /* openat relative to a directory fd. */
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    printf("open d O_DIRECTORY: %s\n", yesno(dfd >= 0));
    int fd = openat(dfd, "alpha", O_RDONLY);
    show_fd_content("openat(d, alpha)", fd);
    close(fd);
    fstat(dfd, &st);
    printf("fstat dir fd: type=%s\n", ftype(st.st_mode));
    char tmp[8];
    CALL("read on dir fd", read(dfd, tmp, sizeof tmp));
    close(dfd);

    CALL("rmdir non-empty", rmdir("d"));
    CALL("rmdir file", rmdir("d/alpha"));
    CALL("unlink dir", unlink("d/sub"));
    CALL("rmdir missing", rmdir("d/nothing"));
    CALL("unlink missing", unlink("d/nothing"));

    printf("== chdir/getcwd\n");
    char cwd[512], want[512];
    CALL("chdir d/sub", chdir("d/sub"));
    printf("getcwd ok: %s\n", yesno(getcwd(cwd, sizeof cwd) != NULL));
    snprintf(want, sizeof want, "%s/d/sub", g_tmpdir);
    printf("getcwd is <tmpdir>/d/sub: %s\n", yesno(strcmp(cwd, want) == 0));
    fd = open("../alpha", O_RDONLY);
    show_fd_content("open ../alpha", fd);
    close(fd);
    errno = 0;
    char *r = getcwd(cwd, 4);
    printf("getcwd into 4 bytes: %s %s\n", r ? "non-null" : "NULL", ename(errno));
    CALL("chdir ../..", chdir("../.."));
    getcwd(cwd, sizeof cwd);
    printf("back in tmpdir: %s\n", yesno(strcmp(cwd, g_tmpdir) == 0));
    CALL("chdir to file", chdir("d/alpha"));
    CALL("chdir missing", chdir("nope"));

    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[64];
        snprintf(p, sizeof p, "d/%s", names[i]);
        if (unlink(p) != 0)
            printf("unlink %s failed\n", names[i]);
    }
    CALL("rmdir d/sub", rmdir("d/sub"));
    CALL("rmdir d", rmdir("d"));
    CALL("access d", access("d", F_OK));

    printf("== umask\n");
    umask(027);
    printf("umask(022) returns previous: %03o\n", (unsigned)umask(022));
    printf("umask(077) returns previous: %03o\n", (unsigned)umask(077));
    fd = xopen("masked", O_WRONLY | O_CREAT | O_TRUNC, 0666);
    fstat(fd, &st);
    printf("file created 0666 under umask 077: mode=%04o\n", st.st_mode & 07777);
    close(fd);
    unlink("masked");
    umask(old);
}

static void test_dup_fcntl(void)
{
    printf("== dup/dup2/dup3/fcntl\n");
    int fd = xopen("dup.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int d = dup(fd);
    printf("dup returns a new fd: %s\n", yesno(d >= 0 && d != fd));
    write(fd, "hello", 5);
    CALL("offset seen through dup", lseek(d, 0, SEEK_CUR));
    write(d, " world", 6);
    CALL("offset seen through original", lseek(fd, 0, SEEK_CUR));
    show_fd_content("shared writes", fd);
    CALL("F_GETFD on dup", fcntl(d, F_GETFD));
    close(d);

    CALL("dup2(fd, 100)", dup2(fd, 100));
    CALL("F_GETFD on 100", fcntl(100, F_GETFD));
    printf("dup2(fd, fd) returns fd: %s\n", yesno(dup2(fd, fd) == fd));
    int other = xopen("dup2.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(other, "other", 5);
    CALL("dup2(other, 100) replaces", dup2(other, 100));
    CALL("offset of new 100", lseek(100, 0, SEEK_CUR));
    CALL("dup2(fd, -1)", dup2(fd, -1));
    CALL("dup2 from bad fd", dup2(9999, 101));
    CALL("dup3(fd, 101, O_CLOEXEC)", dup3(fd, 101, O_CLOEXEC));
    CALL("F_GETFD on 101 == FD_CLOEXEC", fcntl(101, F_GETFD) == FD_CLOEXEC ? 1 : 0);
    CALL("dup3(fd, fd, 0)", dup3(fd, fd, 0));
    CALL("dup3 bad flags", dup3(fd, 102, 0x12345));

    CALL("F_SETFD FD_CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC));
    CALL("F_GETFD", fcntl(fd, F_GETFD));
    CALL("F_SETFD 0", fcntl(fd, F_SETFD, 0));
    CALL("F_GETFD", fcntl(fd, F_GETFD));
    int fl = fcntl(fd, F_GETFL);
    printf("F_GETFL: accmode=%s append=%d nonblock=%d\n",
           (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : (fl & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "O_RDONLY",
           !!(fl & O_APPEND), !!(fl & O_NONBLOCK));
    CALL("F_SETFL O_APPEND|O_NONBLOCK", fcntl(fd, F_SETFL, fl | O_APPEND | O_NONBLOCK));
    fl = fcntl(fd, F_GETFL);
    printf("F_GETFL: accmode=%s append=%d nonblock=%d\n",
           (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : (fl & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "O_RDONLY",
           !!(fl & O_APPEND), !!(fl & O_NONBLOCK));
    int fl100 = fcntl(101, F_GETFL);
    printf("status flags shared with dup3 copy: append=%d\n", !!(fl100 & O_APPEND));
    lseek(fd, 0, SEEK_SET);
    write(fd, "!", 1);
    show_fd_content("after append via F_SETFL", fd);
    int c = fcntl(fd, F_DUPFD_CLOEXEC, 50);
    printf("F_DUPFD_CLOEXEC(50): fd>=50: %s cloexec: %d\n", yesno(c >= 50),
           fcntl(c, F_GETFD) == FD_CLOEXEC);
    int c2 = fcntl(fd, F_DUPFD, 50);
    printf("F_DUPFD(50): next free: %s cloexec: %d\n", yesno(c2 == c + 1),
           fcntl(c2, F_GETFD) == FD_CLOEXEC);
    CALL("fcntl bad fd", fcntl(9999, F_GETFD));
    close(c);
    close(c2);
    close(100);
    close(101);
    close(other);
    close(fd);
    unlink("dup.dat");
    unlink("dup2.dat");
}

static void test_pipe_iov(void)
{
    printf("== pipe2 and readv/writev\n");
    int p[2];
    CALL("pipe2(O_CLOEXEC|O_NONBLOCK)", pipe2(p, O_CLOEXEC | O_NONBLOCK));
    printf("pipe fds cloexec: %d %d\n", fcntl(p[0], F_GETFD) == FD_CLOEXEC,
           fcntl(p[1], F_GETFD) == FD_CLOEXEC);
    char buf[64] = {0};
    CALL("read empty nonblocking pipe", read(p[0], buf, sizeof buf));
    CALL("write pipe", write(p[1], "through the pipe", 16));
    CALL("read pipe", read(p[0], buf, sizeof buf));
    printf("pipe data: [%s]\n", buf);
    CALL("lseek on pipe", lseek(p[0], 0, SEEK_CUR));
    struct stat st;
    fstat(p[0], &st);
    printf("pipe fstat type: %s\n", ftype(st.st_mode));
    CALL("write on read end", write(p[0], "x", 1));
    /* Fill the pipe without blocking. */
    static char junk[4096];
    long total = 0;
    ssize_t n;
    while ((n = write(p[1], junk, sizeof junk)) > 0)
        total += n;
    printf("nonblocking fill stops with EAGAIN: %s, capacity >= 4096: %s\n",
           yesno(n < 0 && errno == EAGAIN), yesno(total >= 4096));
    close(p[1]);
    long drained = 0;
    while ((n = read(p[0], junk, sizeof junk)) > 0)
        drained += n;
    printf("drained all: %s, then EOF: %s\n", yesno(drained == total), yesno(n == 0));
    close(p[0]);

    CALL("pipe2(0)", pipe2(p, 0));
    printf("pipe fds cloexec: %d %d\n", fcntl(p[0], F_GETFD) == FD_CLOEXEC,
           fcntl(p[1], F_GETFD) == FD_CLOEXEC);
    close(p[0]);
    close(p[1]);

    int fd = xopen("iov.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct iovec w[3] = {
        {.iov_base = "alpha-", .iov_len = 6},
        {.iov_base = "", .iov_len = 0},
        {.iov_base = "beta-gamma", .iov_len = 10},
    };
    CALL("writev", writev(fd, w, 3));
    lseek(fd, 0, SEEK_SET);
    char r1[4] = {0}, r2[20] = {0};
    struct iovec r[2] = {{.iov_base = r1, .iov_len = 3}, {.iov_base = r2, .iov_len = 19}};
    CALL("readv", readv(fd, r, 2));
    printf("readv pieces: [%.3s] [%s]\n", r1, r2);
    CALL("readv at EOF", readv(fd, r, 2));
    close(fd);
    unlink("iov.dat");
}

static void test_devices(void)
{
    printf("== devices\n");
    struct stat st;
    int fd = open("/dev/null", O_RDWR);
    printf("open /dev/null: %s\n", yesno(fd >= 0));
    fstat(fd, &st);
    printf("/dev/null type: %s\n", ftype(st.st_mode));
    char buf[64];
    CALL("read /dev/null", read(fd, buf, sizeof buf));
    CALL("write /dev/null", write(fd, "discarded", 9));
    close(fd);
    CALL("stat /dev/null", stat("/dev/null", &st));
    printf("stat /dev/null: S_ISCHR=%d S_ISREG=%d S_ISDIR=%d\n", !!S_ISCHR(st.st_mode),
           !!S_ISREG(st.st_mode), !!S_ISDIR(st.st_mode));
    stat("/dev", &st);
    printf("stat /dev: S_ISCHR=%d S_ISREG=%d S_ISDIR=%d\n", !!S_ISCHR(st.st_mode),
           !!S_ISREG(st.st_mode), !!S_ISDIR(st.st_mode));

    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 0x5a, sizeof buf);
    CALL("read /dev/zero", read(fd, buf, sizeof buf));
    int allz = 1;
    for (unsigned i = 0; i < sizeof buf; i++)
        if (buf[i])
            allz = 0;
    printf("/dev/zero gives zeros: %s\n", yesno(allz));
    close(fd);

    fd = open("/dev/urandom", O_RDONLY);
    unsigned char rnd[16] = {0};
    CALL("read /dev/urandom 16", read(fd, rnd, sizeof rnd));
    close(fd);
    char link[4096];
    ssize_t n = readlink("/proc/self/exe", link, sizeof link - 1);
    printf("readlink /proc/self/exe ok: %s\n", yesno(n > 0));
    if (n > 0) {
        link[n] = 0;
        printf("exe path ends with /files: %s\n",
               yesno(n >= 6 && strcmp(link + n - 6, "/files") == 0));
        printf("exe path is absolute: %s\n", yesno(link[0] == '/'));
    }
    fd = open("tty-check", O_RDWR | O_CREAT | O_TRUNC, 0600);
    errno = 0;
    int t = isatty(fd);
    printf("isatty(regular file): %d %s\n", t, ename(errno));
    close(fd);
    unlink("tty-check");
}

static void test_system(void)
{
    printf("== system information and time\n");
    struct utsname u;
    CALL("uname", uname(&u));
    printf("sysname: %s\n", u.sysname);
    printf("machine: %s\n", u.machine);

    struct timespec a, b;
    CALL("clock_gettime(MONOTONIC)", clock_gettime(CLOCK_MONOTONIC, &a));
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("monotonic non-decreasing: %s\n",
           yesno(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec)));
    printf("tv_nsec in range: %s\n", yesno(a.tv_nsec >= 0 && a.tv_nsec < 1000000000));
    struct timespec rt;
    CALL("clock_gettime(REALTIME)", clock_gettime(CLOCK_REALTIME, &rt));
    printf("realtime after 2020: %s\n", yesno(rt.tv_sec > 1577836800));
    struct timeval tv;
    CALL("gettimeofday", gettimeofday(&tv, NULL));
    printf("gettimeofday usec in range: %s, close to realtime: %s\n",
           yesno(tv.tv_usec >= 0 && tv.tv_usec < 1000000),
           yesno(tv.tv_sec - rt.tv_sec >= 0 && tv.tv_sec - rt.tv_sec < 60));
    time_t tt = time(NULL);
    printf("time() close to realtime: %s\n", yesno(tt - rt.tv_sec >= 0 && tt - rt.tv_sec < 60));
    struct timespec res;
    CALL("clock_getres(MONOTONIC)", clock_getres(CLOCK_MONOTONIC, &res));

    struct timespec req = {0, 1000000}, rem = {7, 7};
    clock_gettime(CLOCK_MONOTONIC, &a);
    CALL("nanosleep 1ms", nanosleep(&req, &rem));
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long ns = (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    printf("slept at least 1ms: %s\n", yesno(ns >= 1000000));
    struct timespec bad = {0, 1000000000};
    CALL("nanosleep invalid nsec", nanosleep(&bad, NULL));

    printf("getuid == geteuid: %s\n", yesno(getuid() == geteuid()));
    printf("getgid == getegid: %s\n", yesno(getgid() == getegid()));
    printf("getpid > 0: %s, getppid >= 0: %s\n", yesno(getpid() > 0), yesno(getppid() >= 0));
}

int main(void)
{
    /* Identical buffering on a tty and a pipe. */
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    printf("files: start\n");
    test_stdin();
    umask(022); /* the inherited umask is not part of the test */

    strcpy(g_tmpdir, "/tmp/forkscope-files-XXXXXX");
    if (!mkdtemp(g_tmpdir))
        die("mkdtemp");
    struct stat st;
    stat(g_tmpdir, &st);
    printf("mkdtemp: type=%s mode=%04o\n", ftype(st.st_mode), st.st_mode & 07777);
    if (chdir(g_tmpdir) != 0)
        die("chdir tmpdir");

    test_stdio();
    test_fds();
    test_dirs();
    test_dup_fcntl();
    test_pipe_iov();
    test_devices();
    test_system();

    printf("== cleanup\n");
    DIR *dir = opendir(".");
    int left = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            left++;
    closedir(dir);
    printf("entries left in tmpdir: %d\n", left);
    CALL("chdir /", chdir("/"));
    CALL("rmdir tmpdir", rmdir(g_tmpdir));
    CALL("stat tmpdir", stat(g_tmpdir, &st));
    printf("files: done\n");
    return 0;
}
