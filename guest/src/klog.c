/* The kernel log from user space: syslog(2) (klogctl) actions, /dev/kmsg records, and the
 * line the kernel writes when a child dies of a SIGSEGV nobody handles. Prints what it sees. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[1 << 17];

int main(int argc, char **argv) {
    int size = klogctl(10, NULL, 0); /* SYSLOG_ACTION_SIZE_BUFFER */
    printf("SIZE_BUFFER %d\n", size);
    int r = klogctl(42, NULL, 0);
    printf("bad action: %d %s\n", r, strerror(errno));
    r = klogctl(3, NULL, 10);
    printf("READ_ALL NULL: %d %s\n", r, strerror(errno));
    r = klogctl(8, NULL, 9);
    printf("CONSOLE_LEVEL 9: %d %s\n", r, strerror(errno));
    r = klogctl(3, buf, 0);
    printf("READ_ALL of 0 bytes: %d\n", r);

    /* a record from user space: "<14>" is facility user (1), level info (6) */
    int fd = open("/dev/kmsg", O_RDWR | O_NONBLOCK);
    if (fd < 0) { printf("open /dev/kmsg: %s\n", strerror(errno)); return 1; }
    const char *msg = "<14>klog: hello\\world\n";
    printf("write: %zd\n", write(fd, msg, strlen(msg)));
    /* SEEK_END then read: nothing newer yet */
    printf("lseek SEEK_END: %ld\n", (long)lseek(fd, 0, SEEK_END));
    ssize_t n = read(fd, buf, sizeof buf);
    printf("read at end: %zd %s\n", n, n < 0 ? strerror(errno) : "");
    long o = lseek(fd, 1, SEEK_SET);
    printf("lseek 1 SEEK_SET: %ld %s\n", o, strerror(errno));
    lseek(fd, 0, SEEK_SET);
    /* find our record, one record per read */
    int found = 0;
    while ((n = read(fd, buf, sizeof buf - 1)) > 0) {
        buf[n] = 0;
        char *semi = strchr(buf, ';');
        if (semi && strstr(semi, "klog: hello")) {
            int prio; unsigned long long seq, usec; char flag;
            sscanf(buf, "%d,%llu,%llu,%c", &prio, &seq, &usec, &flag);
            printf("record: prio %d flag %c text %s", prio, flag, semi + 1);
            found = 1;
        }
    }
    printf("found %d; then %s\n", found, strerror(errno));
    lseek(fd, 0, SEEK_SET);
    n = read(fd, buf, 8);
    printf("read into 8 bytes: %zd %s\n", n, strerror(errno));

    /* a child that dereferences NULL: the kernel logs it */
    pid_t pid = fork();
    if (pid == 0) {
        volatile int *p = (int *)(long)(argc - 1);
        *p = 1;
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child killed by %d\n", WTERMSIG(st));
    n = klogctl(3, buf, sizeof buf - 1); /* READ_ALL */
    buf[n > 0 ? n : 0] = 0;
    char *line = strstr(buf, "unhandled signal");
    if (line) {
        while (line > buf && line[-1] != '\n') line--;
        char *end = strchr(line, '\n');
        if (end) *end = 0;
        /* "<6>[    0.123456] klog[4]: unhandled signal 11 code 0x1 at 0x0000000000000000 in klog[...]" */
        char *sp = strchr(line, ']');
        printf("log: %.3s %s\n", line, sp ? sp + 2 : line);
    } else {
        printf("no unhandled-signal line\n");
    }
    int unread = klogctl(9, NULL, 0);
    printf("SIZE_UNREAD > 0: %d\n", unread > 0);
    printf("CLEAR: %d\n", klogctl(5, NULL, 0));
    printf("READ_ALL after CLEAR: %d\n", klogctl(3, buf, sizeof buf));
    /* SEEK_DATA: the first record after the clear (none) */
    lseek(fd, 0, SEEK_DATA);
    n = read(fd, buf, sizeof buf);
    printf("read after SEEK_DATA: %zd %s\n", n, n < 0 ? strerror(errno) : "");
    close(fd);
    return 0;
}
