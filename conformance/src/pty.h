/* pty.h - helpers shared by the pseudo-terminal tests (pty.c, ptyjob.c). */
#ifndef PTY_H
#define PTY_H
#include "conform.h"
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

/* bytes as hex ("-" for none, the errno name for n < 0) */
const char *hexs(const void *p, ssize_t n);
/* a count, or the errno name */
const char *nres(ssize_t r);
/* a new unlocked pty; the slave opened with O_RDWR|slave_flags when slave != NULL */
int open_pty(int *slave, int slave_flags);
/* a non-blocking read: waits for input the kernel is still moving to the slave */
void settle(int s);
/* wait until the slave processed all input so far (needs ECHO, canonical); echo before it */
const char *echo_barrier(int m);
/* everything the master can read now, as hex */
const char *drain(int m);
void put(int m, const char *s, size_t n);
/* termios field 'i' 'o' 'c' 'l': set and clear bits; tcc: one control character */
void tmod(int fd, int field, unsigned set, unsigned clr);
void tcc(int fd, int idx, unsigned char v);
/* wait until /proc/PID/stat says the task sleeps (S) or is stopped (T) */
void wait_state(pid_t pid, char state);
#endif
