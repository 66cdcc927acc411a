/* ptrace.c - ptrace(2) as far as process creation is concerned: TRACEME,
 * ATTACH, SEIZE/INTERRUPT, fork/vfork/clone/exec events, PEEK/POKE,
 * GETREGSET, CLONE_PTRACE and CLONE_UNTRACED. */
#include "conform.h"
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <elf.h>

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

/* the NT_PRSTATUS register set: x86_64 user_regs_struct / riscv64 gregs */
#if defined(__x86_64__)
struct regs {
    unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags,
        rsp, ss, fs_base, gs_base, ds, es, fs, gs;
};
#define PC_OF(r) ((r).rip)
#define SP_OF(r) ((r).rsp)
#elif defined(__riscv)
struct regs {
    unsigned long pc, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7, s2, s3, s4, s5, s6, s7, s8,
        s9, s10, s11, t3, t4, t5, t6;
};
#define PC_OF(r) ((r).pc)
#define SP_OF(r) ((r).sp)
#endif

static long pt(int req, pid_t pid, void *addr, void *data)
{
    return syscall(SYS_ptrace, req, pid, addr, data);
}

/* fork a child that is traced by us and stopped in raise(SIGSTOP) */
static pid_t traced_child(void (*body)(void *), void *arg)
{
    pid_t c = xfork();
    if (c == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(120);
        /* keep SIGCHLD blocked: no signal-delivery stops to race with */
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGCHLD);
        sigprocmask(SIG_BLOCK, &m, NULL);
        raise(SIGSTOP);
        body(arg);
        _exit(0);
    }
    int st = xwait(c, 0);
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) die("tracee did not stop: %s", wstr(st));
    return c;
}

/* continue a tracee until it exits, printing every stop; if it is
 * stopped now, resume it first */
static void finish(const char *label, pid_t pid, int stopped)
{
    if (stopped) pt(PTRACE_CONT, pid, 0, 0);
    for (int n = 0; n < 20; n++) {
        int st = xwait(pid, __WALL);
        say("%s: %s", label, wstr(st));
        if (!WIFSTOPPED(st)) return;
        int sig = WSTOPSIG(st);
        if (sig == SIGTRAP || (st >> 16) || sig == SIGSTOP) sig = 0;
        pt(PTRACE_CONT, pid, 0, (void *)(long)sig);
    }
    die("too many stops");
}

static void test_ptrace_traceme_exec(void)
{
    pid_t c = xfork();
    if (c == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(120);
        char *args[] = { "3", NULL };
        exec_helper("exit", args, NULL);
        _exit(127);
    }
    wait_print("after execve", c, 0);
    say("PTRACE_CONT: %s", res(pt(PTRACE_CONT, c, 0, 0)));
    wait_print("end", c, 0);
    c = xfork();
    if (c == 0) {
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        long r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        _exit(r == -1 && errno == EPERM ? 0 : 1);
    }
    wait_print("  child (0 = second TRACEME gave EPERM)", c, 0);
}

static void test_ptrace_attach_detach(void)
{
    struct chan ch;
    chan_open(&ch);
    pid_t c = xfork();
    if (c == 0) {
        close(ch.w);
        chan_recv(&ch);
        _exit(5);
    }
    say("PTRACE_CONT before attaching: %s", res(pt(PTRACE_CONT, c, 0, 0)));
    say("PTRACE_ATTACH: %s", res(pt(PTRACE_ATTACH, c, 0, 0)));
    wait_print("tracee", c, 0);
    say("PTRACE_ATTACH again: %s", res(pt(PTRACE_ATTACH, c, 0, 0)));
    say("PTRACE_ATTACH self: %s", res(pt(PTRACE_ATTACH, getpid(), 0, 0)));
    say("PTRACE_DETACH: %s", res(pt(PTRACE_DETACH, c, 0, 0)));
    int st;
    say("running again after detach: %s", yesno(waitpid(c, &st, WNOHANG | WUNTRACED) == 0));
    say("PTRACE_CONT after detach: %s", res(pt(PTRACE_CONT, c, 0, 0)));
    chan_send(&ch, 1);
    wait_print("exit", c, 0);
    chan_close(&ch);
}

static void test_ptrace_seize_interrupt(void)
{
    struct chan ch;
    chan_open(&ch);
    pid_t c = xfork();
    if (c == 0) {
        close(ch.w);
        chan_recv(&ch);
        _exit(6);
    }
    say("PTRACE_SEIZE: %s", res(pt(PTRACE_SEIZE, c, 0, 0)));
    int st;
    say("no stop after SEIZE: %s", yesno(waitpid(c, &st, WNOHANG | __WALL) == 0));
    say("PTRACE_DETACH while running: %s", res(pt(PTRACE_DETACH, c, 0, 0)));
    say("PTRACE_INTERRUPT: %s", res(pt(PTRACE_INTERRUPT, c, 0, 0)));
    st = xwait(c, __WALL);
    say("stop: %s event==PTRACE_EVENT_STOP: %s", wstr(st), yesno((st >> 16) == PTRACE_EVENT_STOP));
    say("PTRACE_CONT: %s", res(pt(PTRACE_CONT, c, 0, 0)));
    say("PTRACE_INTERRUPT: %s", res(pt(PTRACE_INTERRUPT, c, 0, 0)));
    st = xwait(c, __WALL);
    say("stop: %s", wstr(st));
    say("PTRACE_DETACH: %s", res(pt(PTRACE_DETACH, c, 0, 0)));
    chan_send(&ch, 1);
    wait_print("exit", c, 0);
    chan_close(&ch);
}

/* ---- events ----------------------------------------------------------------- */

static struct chan ev_ch;

static void fork_body(void *a)
{
    pid_t g = fork();
    if (g == 0) _exit(5);
    chan_send(&ev_ch, g);
    int st = 0;
    waitpid(g, &st, 0);
    _exit(WIFEXITED(st) ? 10 + WEXITSTATUS(st) : 99);
}

static void test_ptrace_event_fork(void)
{
    chan_open(&ev_ch);
    pid_t c = traced_child(fork_body, NULL);
    say("PTRACE_SETOPTIONS(TRACEFORK): %s", res(pt(PTRACE_SETOPTIONS, c, 0, (void *)(long)PTRACE_O_TRACEFORK)));
    pt(PTRACE_CONT, c, 0, 0);
    int st = xwait(c, __WALL);
    say("tracee: %s event==PTRACE_EVENT_FORK: %s", wstr(st), yesno((st >> 16) == PTRACE_EVENT_FORK));
    unsigned long msg = 0;
    say("PTRACE_GETEVENTMSG: %s", res(pt(PTRACE_GETEVENTMSG, c, 0, &msg)));
    st = xwait((pid_t)msg, __WALL);
    say("new child (auto-attached): %s", wstr(st));
    say("PTRACE_DETACH new child: %s", res(pt(PTRACE_DETACH, (pid_t)msg, 0, 0)));
    pt(PTRACE_CONT, c, 0, 0);
    pid_t g = (pid_t)chan_recv(&ev_ch);
    say("GETEVENTMSG == the child's pid: %s", yesno((pid_t)msg == g));
    finish("tracee", c, 0);
    chan_close(&ev_ch);
}

static void vfork_body(void *a)
{
    fflush(NULL);
    pid_t g = vfork();
    if (g == 0) _exit(6);
    chan_send(&ev_ch, g);
    int st = 0;
    waitpid(g, &st, 0);
    _exit(WIFEXITED(st) ? 10 + WEXITSTATUS(st) : 99);
}

static void test_ptrace_event_vfork(void)
{
    chan_open(&ev_ch);
    pid_t c = traced_child(vfork_body, NULL);
    long opts = PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE;
    say("PTRACE_SETOPTIONS(TRACEVFORK|TRACEVFORKDONE): %s", res(pt(PTRACE_SETOPTIONS, c, 0, (void *)opts)));
    pt(PTRACE_CONT, c, 0, 0);
    int st = xwait(c, __WALL);
    say("tracee: %s event==PTRACE_EVENT_VFORK: %s", wstr(st), yesno((st >> 16) == PTRACE_EVENT_VFORK));
    unsigned long msg = 0, msg2 = 0;
    pt(PTRACE_GETEVENTMSG, c, 0, &msg);
    st = xwait((pid_t)msg, __WALL);
    say("new child (auto-attached): %s", wstr(st));
    say("PTRACE_DETACH new child: %s", res(pt(PTRACE_DETACH, (pid_t)msg, 0, 0)));
    pt(PTRACE_CONT, c, 0, 0);
    st = xwait(c, __WALL);
    say("tracee: %s event==PTRACE_EVENT_VFORK_DONE: %s", wstr(st), yesno((st >> 16) == PTRACE_EVENT_VFORK_DONE));
    pt(PTRACE_GETEVENTMSG, c, 0, &msg2);
    say("VFORK_DONE GETEVENTMSG == VFORK GETEVENTMSG: %s", yesno(msg2 == msg));
    pt(PTRACE_CONT, c, 0, 0);
    pid_t g = (pid_t)chan_recv(&ev_ch);
    say("GETEVENTMSG == the child's pid: %s", yesno((pid_t)msg == g));
    finish("tracee", c, 0);
    chan_close(&ev_ch);
}

static int thread_exit(void *a) { return 0; }

static void clone_body(void *a)
{
    static volatile int ctid;
    pid_t t = spawn_thread(thread_exit, NULL, &ctid);
    wait_cleared(&ctid);
    chan_send(&ev_ch, t);
    _exit(0);
}

static void test_ptrace_event_clone(void)
{
    chan_open(&ev_ch);
    pid_t c = traced_child(clone_body, NULL);
    say("PTRACE_SETOPTIONS(TRACECLONE): %s", res(pt(PTRACE_SETOPTIONS, c, 0, (void *)(long)PTRACE_O_TRACECLONE)));
    pt(PTRACE_CONT, c, 0, 0);
    int st = xwait(c, __WALL);
    say("tracee: %s event==PTRACE_EVENT_CLONE: %s", wstr(st), yesno((st >> 16) == PTRACE_EVENT_CLONE));
    unsigned long msg = 0;
    pt(PTRACE_GETEVENTMSG, c, 0, &msg);
    st = xwait((pid_t)msg, __WALL);
    say("new thread (auto-attached): %s", wstr(st));
    say("PTRACE_DETACH new thread: %s", res(pt(PTRACE_DETACH, (pid_t)msg, 0, 0)));
    pt(PTRACE_CONT, c, 0, 0);
    pid_t t = (pid_t)chan_recv(&ev_ch);
    say("GETEVENTMSG == the thread's tid: %s", yesno((pid_t)msg == t));
    finish("tracee", c, 0);
    chan_close(&ev_ch);
}

static void exec_body(void *a)
{
    char *args[] = { "4", NULL };
    exec_helper("exit", args, NULL);
    _exit(127);
}

static void test_ptrace_event_exec(void)
{
    pid_t c = traced_child(exec_body, NULL);
    say("PTRACE_SETOPTIONS(TRACEEXEC): %s", res(pt(PTRACE_SETOPTIONS, c, 0, (void *)(long)PTRACE_O_TRACEEXEC)));
    pt(PTRACE_CONT, c, 0, 0);
    int st = xwait(c, __WALL);
    say("tracee: %s event==PTRACE_EVENT_EXEC: %s", wstr(st), yesno((st >> 16) == PTRACE_EVENT_EXEC));
    unsigned long msg = 0;
    pt(PTRACE_GETEVENTMSG, c, 0, &msg);
    say("GETEVENTMSG == tracee pid (former tid): %s", yesno((pid_t)msg == c));
    finish("tracee", c, 1);
}

static void test_ptrace_setoptions_errors(void)
{
    pid_t c = traced_child(exec_body, NULL);
    say("PTRACE_SETOPTIONS(0x80000000): %s", res(pt(PTRACE_SETOPTIONS, c, 0, (void *)0x80000000L)));
    say("PTRACE_GETEVENTMSG with no event: %s", res(pt(PTRACE_GETEVENTMSG, c, 0, &(unsigned long){ 0 })));
    say("PTRACE_SETOPTIONS(TRACESYSGOOD): %s", res(pt(PTRACE_SETOPTIONS, c, 0, (void *)(long)PTRACE_O_TRACESYSGOOD)));
    finish("tracee (no TRACEEXEC: plain SIGTRAP after exec)", c, 1);
}

/* ---- memory and registers ------------------------------------------------------ */

static volatile long g_peek = 0x1234;
static void peek_body(void *a) { _exit(g_peek == 0x5678 ? 0 : 1); }

static void test_ptrace_peekpoke(void)
{
    pid_t c = traced_child(peek_body, NULL);
    errno = 0;
    long v = ptrace(PTRACE_PEEKDATA, c, (void *)&g_peek, NULL);
    say("PTRACE_PEEKDATA(&var): %s value == 0x1234: %s", errno ? ename(errno) : "ok", yesno(v == 0x1234));
    g_peek = 0x9999; /* our copy only */
    say("PTRACE_POKEDATA(&var, 0x5678): %s", res(pt(PTRACE_POKEDATA, c, (void *)&g_peek, (void *)0x5678L)));
    errno = 0;
    v = ptrace(PTRACE_PEEKDATA, c, (void *)&g_peek, NULL);
    say("PTRACE_PEEKDATA again == 0x5678: %s", yesno(errno == 0 && v == 0x5678));
    errno = 0;
    v = ptrace(PTRACE_PEEKDATA, c, (void *)8, NULL);
    say("PTRACE_PEEKDATA(address 8): %s", errno ? ename(errno) : "ok");
    say("PTRACE_POKEDATA(address 8): %s", res(pt(PTRACE_POKEDATA, c, (void *)8, 0)));
    say("our copy unchanged: %s", yesno(g_peek == 0x9999));
    finish("tracee (0 = it saw the poked value)", c, 1);
}

static void regs_body(void *a)
{
    _exit(0);
}

static void test_ptrace_getregset(void)
{
    volatile char marker;
    pid_t c = traced_child(regs_body, NULL);
    struct regs r;
    memset(&r, 0, sizeof r);
    struct iovec iov = { &r, sizeof r };
    say("PTRACE_GETREGSET(NT_PRSTATUS): %s", res(pt(PTRACE_GETREGSET, c, (void *)NT_PRSTATUS, &iov)));
    say("iov_len == sizeof(user_regs_struct): %s", yesno(iov.iov_len == sizeof r));
    say("pc nonzero: %s", yesno(PC_OF(r) != 0));
    uintptr_t m = (uintptr_t)&marker;
    say("sp within 64 KiB below our stack frame (fork copies the stack): %s",
        yesno(SP_OF(r) < m && m - SP_OF(r) < 65536));
    unsigned long small[2];
    struct iovec iov2 = { small, sizeof small };
    say("PTRACE_GETREGSET(NT_PRSTATUS, 16-byte buffer): %s", res(pt(PTRACE_GETREGSET, c, (void *)NT_PRSTATUS, &iov2)));
    say("iov_len == 16: %s", yesno(iov2.iov_len == 16));
    say("first register equals the full read: %s", yesno(small[0] == ((unsigned long *)&r)[0]));
    say("PTRACE_GETREGSET(bad type 0x999): %s", res(pt(PTRACE_GETREGSET, c, (void *)0x999, &iov)));
    /* SETREGSET round trip */
    iov.iov_len = sizeof r;
    say("PTRACE_SETREGSET(NT_PRSTATUS, same values): %s", res(pt(PTRACE_SETREGSET, c, (void *)NT_PRSTATUS, &iov)));
    finish("tracee", c, 1);
}

/* ---- CLONE_PTRACE / CLONE_UNTRACED ------------------------------------------------ */

static void cptrace_body(void *a)
{
    unsigned long flags = (unsigned long)a;
    pid_t g = raw_clone(flags | SIGCHLD, NULL, NULL, NULL, 0);
    if (g == 0) _exit(7);
    chan_send(&ev_ch, g);
    int st = 0;
    waitpid(g, &st, 0);
    _exit(WIFEXITED(st) ? 10 + WEXITSTATUS(st) : 99);
}

static void test_ptrace_clone_ptrace(void)
{
    chan_open(&ev_ch);
    pid_t c = traced_child(cptrace_body, (void *)(unsigned long)CLONE_PTRACE);
    pt(PTRACE_CONT, c, 0, 0);
    pid_t g = (pid_t)chan_recv(&ev_ch);
    int st = xwait(g, __WALL);
    say("CLONE_PTRACE child: traced by us: %s", wstr(st));
    say("PTRACE_DETACH it: %s", res(pt(PTRACE_DETACH, g, 0, 0)));
    finish("tracee", c, 0);
    chan_close(&ev_ch);
}

static void test_ptrace_clone_untraced(void)
{
    chan_open(&ev_ch);
    pid_t c = traced_child(cptrace_body, (void *)(unsigned long)CLONE_UNTRACED);
    say("PTRACE_SETOPTIONS(TRACEFORK): %s", res(pt(PTRACE_SETOPTIONS, c, 0, (void *)(long)PTRACE_O_TRACEFORK)));
    pt(PTRACE_CONT, c, 0, 0);
    pid_t g = (pid_t)chan_recv(&ev_ch);
    int st;
    say("CLONE_UNTRACED child: waitpid(__WALL|WNOHANG) by us: %s", res(waitpid(g, &st, __WALL | WNOHANG)));
    say("PTRACE_CONT on it: %s", res(pt(PTRACE_CONT, g, 0, 0)));
    finish("tracee (no fork event)", c, 0);
    chan_close(&ev_ch);
}

const struct conform_test ptrace_tests[] = {
    T(ptrace_traceme_exec, "PTRACE_TRACEME then execve: SIGTRAP stop; TRACEME twice EPERM"),
    T(ptrace_attach_detach, "PTRACE_ATTACH gives a SIGSTOP stop; DETACH resumes"),
    T(ptrace_seize_interrupt, "PTRACE_SEIZE (no stop) and PTRACE_INTERRUPT (PTRACE_EVENT_STOP)"),
    T(ptrace_event_fork, "PTRACE_O_TRACEFORK: fork event stop, GETEVENTMSG is the child, which starts stopped"),
    T(ptrace_event_vfork, "PTRACE_O_TRACEVFORK/TRACEVFORKDONE event stops"),
    T(ptrace_event_clone, "PTRACE_O_TRACECLONE: clone event stop, GETEVENTMSG is the thread's tid"),
    T(ptrace_event_exec, "PTRACE_O_TRACEEXEC: exec event stop, GETEVENTMSG is the pid"),
    T(ptrace_setoptions_errors, "bad PTRACE_SETOPTIONS; without TRACEEXEC exec gives a plain SIGTRAP"),
    T(ptrace_peekpoke, "PTRACE_PEEKDATA/POKEDATA on a variable of the tracee"),
    T(ptrace_getregset, "PTRACE_GETREGSET/SETREGSET NT_PRSTATUS"),
    T(ptrace_clone_ptrace, "CLONE_PTRACE: the tracee's child is traced too"),
    T(ptrace_clone_untraced, "CLONE_UNTRACED: no fork event, the child is not traced"),
    { 0 }
};
