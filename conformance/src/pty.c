/* pty.c - pseudo-terminals and the N_TTY line discipline seen from the master: pty
 * allocation, canonical editing and its echo bytes, input and output flags, EOF, VMIN/VTIME,
 * flow control and packet mode, hangup.  Shared helpers for ptyjob.c are in pty.h.
 *
 * Determinism: the kernel moves pty data with a worker thread.  A test writes to the master,
 * reads the slave until the line is there, then "settles" the slave (a non-blocking read
 * waits for its pending input work) and drains the master (a non-blocking read waits for
 * the master's), so every echo byte is seen. */
#include "pty.h"

static char hexbufs[8][2048];
static unsigned hexi;

const char *hexs(const void *p, ssize_t n)
{
    char *b = hexbufs[hexi++ % 8];
    const unsigned char *c = p;
    if (n < 0) return ename(errno);
    size_t o = 0;
    for (ssize_t i = 0; i < n && o + 3 < sizeof hexbufs[0]; i++) o += (size_t)sprintf(b + o, "%02x", c[i]);
    if (n == 0) strcpy(b, "-");
    return b;
}

const char *nres(ssize_t r)
{
    char *b = hexbufs[hexi++ % 8];
    if (r < 0) return ename(errno);
    snprintf(b, sizeof hexbufs[0], "%zd", r);
    return b;
}

void wait_state(pid_t pid, char state)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    for (int i = 0; i < 100000; i++) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0) return;
        buf[n] = 0;
        char *p = strrchr(buf, ')');
        if (p && p[1] == ' ' && p[2] == state) return;
        sched_yield();
    }
    die("pid never reached state %c", state);
}

int open_pty(int *slave, int slave_flags)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(grantpt(m) == 0);
    CHECK(unlockpt(m) == 0);
    if (slave) {
        *slave = open(ptsname(m), O_RDWR | slave_flags);
        CHECK(*slave >= 0);
    }
    return m;
}

static ssize_t nb_read(int fd, void *buf, size_t n)
{
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    ssize_t r = read(fd, buf, n);
    int e = errno;
    fcntl(fd, F_SETFL, fl);
    errno = e;
    return r;
}

void settle(int s)
{
    char c;
    ssize_t r = nb_read(s, &c, 1);
    if (r > 0) say("settle: unexpected byte %02x", (unsigned char)c);
}

/* wait until the slave processed everything written so far: "Q" then ^U (kill) are echoed
 * as Q and its erasure once the slave's input work has run; the echo before them is returned */
const char *echo_barrier(int m)
{
    static const unsigned char mark[] = "Q\b \b";
    unsigned char buf[1024];
    size_t n = 0;
    put(m, "Q\025", 2);
    while (n < sizeof buf) {
        ssize_t r = read(m, buf + n, sizeof buf - n);
        if (r <= 0) break;
        n += (size_t)r;
        if (n >= 4 && memcmp(buf + n - 4, mark, 4) == 0) return hexs(buf, (ssize_t)(n - 4));
    }
    die("echo barrier: %s", hexs(buf, (ssize_t)n));
}

const char *drain(int m)
{
    unsigned char buf[1024];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf && (r = nb_read(m, buf + n, sizeof buf - n)) > 0) n += (size_t)r;
    return hexs(buf, (ssize_t)n);
}

void put(int m, const char *s, size_t n)
{
    CHECK(write(m, s, n) == (ssize_t)n);
}

void tmod(int fd, int field, unsigned set, unsigned clr)
{
    struct termios t;
    CHECK(tcgetattr(fd, &t) == 0);
    tcflag_t *f = field == 'i' ? &t.c_iflag : field == 'o' ? &t.c_oflag : field == 'c' ? &t.c_cflag : &t.c_lflag;
    *f = (*f | set) & ~clr;
    CHECK(tcsetattr(fd, TCSANOW, &t) == 0);
}

void tcc(int fd, int idx, unsigned char v)
{
    struct termios t;
    CHECK(tcgetattr(fd, &t) == 0);
    t.c_cc[idx] = v;
    CHECK(tcsetattr(fd, TCSANOW, &t) == 0);
}

/* write `in` to the master, read one line from the slave, print it and the echo */
static void line(int m, int s, const char *label, const char *in, size_t n)
{
    unsigned char buf[512];
    put(m, in, n);
    ssize_t r = read(s, buf, sizeof buf);
    const char *got = hexs(buf, r);
    settle(s);
    say("%s: in=%s read=%s echo=%s", label, hexs(in, (ssize_t)n), got, drain(m));
}
#define LINE(m, s, label, lit) line(m, s, label, lit, sizeof(lit) - 1)

static void test_pty_basics(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    char name[64];
    CHECK(ptsname_r(m, name, sizeof name) == 0);
    say("ptsname under /dev/pts/: %s", yesno(strncmp(name, "/dev/pts/", 9) == 0));
    unsigned n = 0;
    int r = ioctl(m, TIOCGPTN, &n);
    say("TIOCGPTN: %s, matches ptsname: %s", res(r), yesno((unsigned)atoi(name + 9) == n));
    int lk = -1;
    r = ioctl(m, TIOCGPTLCK, &lk);
    say("TIOCGPTLCK: %s locked=%d", res(r), lk);
    int s = open(name, O_RDWR | O_NOCTTY);
    say("open slave while locked: %s", res(s));
    if (s >= 0) close(s);
    char c;
    say("master read after the failed open: %s", nres(nb_read(m, &c, 1)));
    CHECK(grantpt(m) == 0);
    CHECK(unlockpt(m) == 0);
    ioctl(m, TIOCGPTLCK, &lk);
    say("after unlockpt locked=%d", lk);
    s = open(name, O_RDWR | O_NOCTTY);
    say("open slave: %s", res(s));
    CHECK(s >= 0);
    say("isatty master=%d slave=%d", isatty(m), isatty(s));
    struct termios tm, ts;
    CHECK(tcgetattr(m, &tm) == 0 && tcgetattr(s, &ts) == 0);
    say("slave termios iflag=%#x oflag=%#x cflag=%#x lflag=%#x line=%d cc=%s", ts.c_iflag, ts.c_oflag, ts.c_cflag,
        ts.c_lflag, ts.c_line, hexs(ts.c_cc, 17));
    say("speeds in=%u out=%u", (unsigned)cfgetispeed(&ts), (unsigned)cfgetospeed(&ts));
    say("master TCGETS shows the slave's termios: %s", yesno(memcmp(&tm, &ts, sizeof tm) == 0));
    struct stat st, sm;
    CHECK(fstat(s, &st) == 0 && fstat(m, &sm) == 0);
    say("slave: chr=%d major=%u minor matches TIOCGPTN: %s", S_ISCHR(st.st_mode), major(st.st_rdev),
        yesno(minor(st.st_rdev) == n));
    say("master: chr=%d major=%u minor=%u", S_ISCHR(sm.st_mode), major(sm.st_rdev), minor(sm.st_rdev));
    char tn[64];
    say("ttyname(slave) == ptsname: %s", yesno(ttyname_r(s, tn, sizeof tn) == 0 && strcmp(tn, name) == 0));
    int p = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    int e = errno;
    struct stat sp;
    int same = p >= 0 && fstat(p, &sp) == 0 && sp.st_rdev == st.st_rdev;
    errno = e;
    say("TIOCGPTPEER: %s same device: %s", res(p), yesno(same));
    if (p >= 0) close(p);
    say("TIOCGPTPEER on the slave: %s", res(ioctl(s, TIOCGPTPEER, O_RDWR)));
    say("TIOCGPTN on the slave: %s", res(ioctl(s, TIOCGPTN, &n)));
    int v = -1;
    r = ioctl(s, TIOCGETD, &v);
    say("TIOCGETD: %s ldisc=%d", res(r), v);
    struct winsize ws;
    memset(&ws, 0xff, sizeof ws);
    r = ioctl(s, TIOCGWINSZ, &ws);
    say("TIOCGWINSZ: %s %u %u %u %u", res(r), ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel);
    v = -1;
    r = ioctl(s, TIOCINQ, &v);
    say("TIOCINQ slave: %s %d", res(r), v);
    v = -1;
    r = ioctl(s, TIOCOUTQ, &v);
    say("TIOCOUTQ slave: %s %d", res(r), v);
    v = -1;
    r = ioctl(m, TIOCGPKT, &v);
    say("TIOCGPKT: %s %d", res(r), v);
    say("tcgetpgrp(slave) without a controlling tty: %s", res(tcgetpgrp(s)));
    pid_t pg = -1;
    r = ioctl(m, TIOCGPGRP, &pg);
    say("TIOCGPGRP via the master: %s pgrp=%d", res(r), (int)pg);
    say("TIOCGSID via the master: %s", res(ioctl(m, TIOCGSID, &pg)));
    say("TIOCSIG bad signal: %s", res(ioctl(m, TIOCSIG, SIGUSR1)));
    say("TIOCSETD 1: %s", res(ioctl(s, TIOCSETD, &(int){ 1 })));
    say("TIOCSTI without being the controlling tty (root): %s", res(ioctl(s, TIOCSTI, "q")));
    close(s);
    close(m);
}

static void test_pty_canon_edit(void)
{
    int s, m = open_pty(&s, O_NOCTTY);
    LINE(m, s, "plain", "hello\n");
    LINE(m, s, "erase", "abc\177d\n");
    LINE(m, s, "erase past start", "a\177\177\177b\n");
    LINE(m, s, "kill", "junk\025ok\n");
    LINE(m, s, "werase", "one two  \027three\n");
    LINE(m, s, "werase punct", "a.b_c\027\n");
    LINE(m, s, "ctrl echo", "x\001y\n");
    LINE(m, s, "erase ctrl", "x\001\177\n");
    LINE(m, s, "erase tab", "ab\t\177c\n");
    LINE(m, s, "erase tab after tab", "\tx\t\177\177\177y\n");
    LINE(m, s, "erase tab after ctrl", "\002\t\177z\n");
    LINE(m, s, "lnext", "a\026\003\026\177b\n");
    LINE(m, s, "reprint", "abc\022d\n");
    LINE(m, s, "eol2 off, eol disabled", "\000x\n");
    LINE(m, s, "del 0xff", "\377\n");
    LINE(m, s, "cr", "cr\r");
    /* output column: the prompt is not erased */
    put(s, "pr> ", 4);
    LINE(m, s, "after prompt", "ab\t\177\177\177\177x\n");
    LINE(m, s, "utf8 off", "\303\251\177\n");
    tmod(s, 'i', IUTF8, 0);
    LINE(m, s, "utf8 on", "\303\251\177z\n");
    LINE(m, s, "utf8 werase", "x \303\251\303\251\027\n");
    close(s);
    close(m);
}

static void test_pty_echo_flags(void)
{
    int s, m = open_pty(&s, O_NOCTTY);
    tmod(s, 'l', 0, ECHOCTL);
    LINE(m, s, "-echoctl ctrl", "a\001\n");
    LINE(m, s, "-echoctl erase ctrl", "a\001\177\n");
    tmod(s, 'l', ECHOCTL, ECHOE);
    LINE(m, s, "-echoe erase", "ab\177\n");
    LINE(m, s, "-echoe kill", "ab\025c\n");
    tmod(s, 'l', ECHOE, ECHOKE);
    LINE(m, s, "-echoke kill", "ab\025c\n");
    tmod(s, 'l', 0, ECHOK);
    LINE(m, s, "-echok -echoke kill", "ab\025c\n");
    tmod(s, 'l', ECHOK | ECHOKE | ECHOPRT, 0);
    LINE(m, s, "echoprt erase", "abc\177\177d\n");
    LINE(m, s, "echoprt kill", "abc\025d\n");
    LINE(m, s, "echoprt werase", "ab cd\027e\n");
    tmod(s, 'l', 0, ECHOPRT | ECHO);
    LINE(m, s, "-echo", "abc\177\n");
    tmod(s, 'l', ECHONL, 0);
    LINE(m, s, "-echo echonl", "abc\n");
    LINE(m, s, "-echo kill", "abc\025d\n");
    tmod(s, 'l', ECHO, ECHONL | IEXTEN);
    LINE(m, s, "-iexten werase lnext", "ab\027\026c\n");
    close(s);
    close(m);
}

static void test_pty_io_flags(void)
{
    int s, m = open_pty(&s, O_NOCTTY);
    tmod(s, 'i', 0, ICRNL);
    LINE(m, s, "-icrnl cr", "a\rb\n");
    tmod(s, 'i', INLCR | ICRNL, 0);
    LINE(m, s, "inlcr icrnl", "a\nb\r");
    tmod(s, 'i', IGNCR | ICRNL, INLCR);
    LINE(m, s, "igncr", "a\rb\n");
    tmod(s, 'i', ISTRIP, IGNCR);
    LINE(m, s, "istrip", "\341\342\n");
    tmod(s, 'i', IUCLC, ISTRIP);
    LINE(m, s, "iuclc", "AbC\n");
    tmod(s, 'i', 0, IUCLC);
    tcc(s, VEOL, ';');
    LINE(m, s, "veol", "ab;");
    tcc(s, VEOL2, '|');
    LINE(m, s, "veol2", "cd|");
    tcc(s, VEOL, 0);
    tcc(s, VEOL2, 0);
    tcc(s, VERASE, '#');
    tcc(s, VKILL, '@');
    LINE(m, s, "erase # kill @", "ab#c@de#f\n");
    tcc(s, VERASE, 0177);
    tcc(s, VKILL, 025);
    /* output processing of what the slave writes */
    static const struct { const char *label; int set, clr; } outs[] = {
        { "onlcr", 0, 0 },
        { "-onlcr", 0, ONLCR },
        { "ocrnl", OCRNL, 0 },
        { "onocr", ONOCR, OCRNL },
        { "onlret", ONLRET, ONOCR },
        { "tab3", TAB3, ONLRET },
        { "olcuc", OLCUC, TAB3 },
        { "-opost", 0, OPOST },
    };
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
        tmod(s, 'o', outs[i].set, outs[i].clr);
        put(s, "\rab\tc\n\rd\xe9", 10);
        say("output %s: %s", outs[i].label, drain(m));
    }
    close(s);
    close(m);
}

static void test_pty_eof(void)
{
    int s, m = open_pty(&s, O_NOCTTY);
    char buf[64];
    put(m, "abc\004", 4);
    ssize_t r = read(s, buf, sizeof buf);
    say("abc^D: read=%s", hexs(buf, r));
    put(m, "\004", 1);
    r = read(s, buf, sizeof buf);
    say("^D at line start: read=%zd", r);
    put(m, "x\n", 2);
    r = read(s, buf, sizeof buf);
    say("next read (EOF does not stick): %s", hexs(buf, r));
    put(m, "\004\004y\n", 4);
    int n = -1;
    say("echo so far: %s", echo_barrier(m));
    ioctl(s, FIONREAD, &n);
    say("FIONREAD with two EOFs and y\\n buffered: %d", n);
    r = read(s, buf, sizeof buf);
    say("read: %zd", r);
    r = read(s, buf, sizeof buf);
    say("read: %zd", r);
    r = read(s, buf, sizeof buf);
    say("read: %s", hexs(buf, r));
    put(m, "abc\004", 4);
    r = read(s, buf, 3);
    say("abc^D read(3): %s", hexs(buf, r));
    put(m, "z\n", 2);
    r = read(s, buf, sizeof buf);
    say("then (the EOF was consumed): %s", hexs(buf, r));
    put(m, "long line\n", 10);
    r = read(s, buf, 4);
    say("read(4) of a line: %s", hexs(buf, r));
    r = read(s, buf, sizeof buf);
    say("rest: %s", hexs(buf, r));
    settle(s);
    say("echo: %s", drain(m));
    close(s);
    close(m);
}

static void test_pty_noncanon(void)
{
    int s, m = open_pty(&s, O_NOCTTY);
    char buf[256];
    tmod(s, 'l', 0, ICANON | ECHO);
    tcc(s, VMIN, 0);
    tcc(s, VTIME, 0);
    ssize_t r = read(s, buf, sizeof buf);
    say("MIN=0 TIME=0 nothing: %s", hexs(buf, r));
    tcc(s, VTIME, 2);
    r = read(s, buf, sizeof buf);
    say("MIN=0 TIME=2 nothing (timer expires): %s", hexs(buf, r));
    put(m, "ab", 2);
    r = read(s, buf, sizeof buf);
    say("MIN=0 TIME=2 data: %s", hexs(buf, r));
    tcc(s, VMIN, 3);
    tcc(s, VTIME, 0);
    put(m, "cdefg", 5);
    r = read(s, buf, 2);
    say("MIN=3 read(2): %s", hexs(buf, r));
    r = read(s, buf, sizeof buf);
    say("MIN=3 rest: %s", hexs(buf, r));
    tcc(s, VTIME, 1);
    put(m, "h", 1);
    r = read(s, buf, sizeof buf);
    say("MIN=3 TIME=1 one byte (inter-byte timer): %s", hexs(buf, r));
    tcc(s, VMIN, 100);
    tcc(s, VTIME, 0);
    memset(buf, 'z', 200);
    put(m, buf, 200);
    r = read(s, buf, sizeof buf);
    say("MIN=100 with 200 written, read(256): %zd", r);
    r = read(s, buf, sizeof buf);
    say("again: %zd", r);
    tcc(s, VMIN, 0);
    r = read(s, buf, sizeof buf);
    say("MIN=0: the rest: %zd", r);
    /* poll with VMIN and no VTIME waits for VMIN bytes */
    tcc(s, VMIN, 4);
    put(m, "123", 3);
    struct pollfd pf = { s, POLLIN, 0 };
    int pr = poll(&pf, 1, 0);
    say("poll MIN=4 three bytes: %d revents=%#x", pr, pf.revents);
    put(m, "4", 1);
    pr = poll(&pf, 1, 5000);
    say("poll MIN=4 four bytes: %d revents=%#x", pr, pf.revents);
    int n = -1;
    ioctl(s, FIONREAD, &n);
    say("FIONREAD: %d", n);
    r = read(s, buf, sizeof buf);
    say("read: %s", hexs(buf, r));
    /* switching back to canonical mode with bytes buffered: they are a line */
    put(m, "pq", 2);
    tcc(s, VMIN, 2);
    pr = poll(&pf, 1, 5000);
    say("poll MIN=2 pq: %d", pr);
    tmod(s, 'l', ICANON, 0);
    r = read(s, buf, sizeof buf);
    say("canonical again with pq buffered: %s", hexs(buf, r));
    r = nb_read(s, buf, sizeof buf);
    say("then: %s", hexs(buf, r));
    say("echo: %s", drain(m));
    close(s);
    close(m);
}

static void test_pty_flow_packet(void)
{
    int s, m = open_pty(&s, O_NOCTTY);
    char buf[64];
    put(m, "\023", 1);
    settle(s);
    ssize_t r = nb_read(s, buf, 1);
    say("^S is not input: %s", hexs(buf, r));
    int fl = fcntl(s, F_GETFL);
    fcntl(s, F_SETFL, fl | O_NONBLOCK);
    r = write(s, "out", 3);
    say("write while stopped: %s", nres(r));
    fcntl(s, F_SETFL, fl);
    put(m, "e\n", 2);
    r = read(s, buf, sizeof buf);
    const char *got = hexs(buf, r);
    settle(s);
    say("read while stopped: %s; echo held: %s", got, drain(m));
    put(m, "\021", 1);
    settle(s);
    say("after ^Q: %s", drain(m));
    tmod(s, 'i', IXANY, 0);
    put(m, "\023", 1);
    put(m, "k", 1);
    settle(s);
    say("ixany: any key restarts: %s", drain(m));
    tmod(s, 'i', 0, IXON | IXANY);
    put(m, "\023\021\n", 3);
    r = read(s, buf, sizeof buf);
    got = hexs(buf, r);
    settle(s);
    say("-ixon: ^S ^Q are input: %s echo=%s", got, drain(m));
    tmod(s, 'i', IXON, 0);
    say("tcflow TCOOFF: %s", res(tcflow(s, TCOOFF)));
    fcntl(s, F_SETFL, fl | O_NONBLOCK);
    r = write(s, "x", 1);
    say("write after TCOOFF: %s", nres(r));
    fcntl(s, F_SETFL, fl);
    put(m, "\021", 1);
    settle(s);
    r = nb_read(m, buf, sizeof buf);
    say("^Q does not undo TCOOFF: %s", hexs(buf, r));
    say("tcflow TCOON: %s", res(tcflow(s, TCOON)));
    r = write(s, "y", 1);
    say("write: %zd, master reads %s", r, drain(m));
    int rr = tcflow(s, TCIOFF);
    say("tcflow TCIOFF: %s master reads %s", res(rr), drain(m));
    say("tcflow bad: %s", res(tcflow(s, 9)));
    /* packet mode */
    int one = 1;
    say("TIOCPKT on: %s", res(ioctl(m, TIOCPKT, &one)));
    CHECK(write(s, "hi", 2) == 2);
    r = read(m, buf, sizeof buf);
    say("packet data: %s", hexs(buf, r));
    put(m, "\023", 1);
    settle(s);
    r = read(m, buf, sizeof buf);
    say("packet after ^S: %s", hexs(buf, r));
    put(m, "\021", 1);
    settle(s);
    r = read(m, buf, sizeof buf);
    say("packet after ^Q: %s", hexs(buf, r));
    tcflush(s, TCIFLUSH);
    r = read(m, buf, sizeof buf);
    say("packet after TCIFLUSH: %s", hexs(buf, r));
    tcflush(s, TCOFLUSH);
    r = read(m, buf, sizeof buf);
    say("packet after TCOFLUSH: %s", hexs(buf, r));
    tmod(s, 'i', 0, IXON);
    r = read(m, buf, sizeof buf);
    say("packet after -ixon: %s", hexs(buf, r));
    struct pollfd pf = { m, POLLIN | POLLPRI, 0 };
    say("poll idle: %d", poll(&pf, 1, 0));
    tmod(s, 'i', IXON, 0);
    int pr = poll(&pf, 1, 0);
    say("poll after +ixon: %d revents=%#x", pr, pf.revents);
    r = read(m, buf, sizeof buf);
    say("packet: %s", hexs(buf, r));
    close(s);
    close(m);
}

static void test_pty_close_hangup(void)
{
    char buf[64];
    int s, m = open_pty(&s, O_NOCTTY);
    CHECK(write(s, "bye\n", 4) == 4);
    close(s);
    struct pollfd pf = { m, POLLIN | POLLOUT, 0 };
    int pr = poll(&pf, 1, 0);
    say("master poll after slave close: %d revents=%#x", pr, pf.revents);
    ssize_t r = read(m, buf, sizeof buf);
    say("master read: %s", hexs(buf, r));
    r = read(m, buf, sizeof buf);
    say("master read again: %s", hexs(buf, r));
    r = write(m, "in\n", 3);
    say("master write: %s", nres(r));
    char name[64];
    CHECK(ptsname_r(m, name, sizeof name) == 0);
    s = open(name, O_RDWR | O_NOCTTY);
    say("reopen slave: %s", res(s));
    r = read(s, buf, sizeof buf);
    say("slave reads what the master wrote meanwhile: %s", hexs(buf, r));
    r = nb_read(m, buf, sizeof buf);
    say("master after reopen: %s", hexs(buf, r));
    int s2 = open(name, O_RDWR | O_NOCTTY);
    say("second slave open: %s", res(s2));
    close(s2);
    r = nb_read(m, buf, sizeof buf);
    say("master after one of two slaves closed: %s", hexs(buf, r));
    close(m);
    r = read(s, buf, sizeof buf);
    say("slave read after master close: %s", hexs(buf, r));
    say("slave write after master close: %s", nres(write(s, "x", 1)));
    struct termios t;
    say("slave TCGETS after master close: %s", res(tcgetattr(s, &t)));
    pid_t pg = 1;
    say("slave TIOCSPGRP after master close: %s", res(ioctl(s, TIOCSPGRP, &pg)));
    pf.fd = s;
    pr = poll(&pf, 1, 0);
    say("slave poll after master close: %d revents=%#x", pr, pf.revents);
    struct stat st;
    say("stat %s after master close: %s", "/dev/pts/N", res(stat(name, &st)));
    close(s);
}

const struct conform_test pty_tests[] = {
    T(pty_basics, "posix_openpt/grantpt/unlockpt/ptsname, TIOCGPTN, lock, TIOCGPTPEER, default termios, ioctls on each side"),
    T(pty_canon_edit, "canonical input: erase, kill, werase, ^V, ^R, tab and control-character erase, UTF-8; echo bytes"),
    T(pty_echo_flags, "ECHOCTL, ECHOE, ECHOK, ECHOKE, ECHOPRT, ECHO, ECHONL, IEXTEN: echo bytes of edits"),
    T(pty_io_flags, "ICRNL, INLCR, IGNCR, ISTRIP, IUCLC, VEOL, VEOL2, other erase/kill; ONLCR, OCRNL, ONOCR, ONLRET, TAB3, OLCUC, OPOST"),
    T(pty_eof, "EOF: ends a line without itself, 0 once at line start, never sticks; FIONREAD; short reads"),
    T(pty_noncanon, "VMIN/VTIME reads, the VTIME timer, MIN above 64, poll with VMIN, back to canonical mode"),
    T(pty_flow_packet, "IXON ^S/^Q, IXANY, TCOOFF/TCOON/TCIOFF, packet mode status bytes"),
    T(pty_close_hangup, "slave close: master EIO and POLLHUP; reopen; master close hangs the slave up"),
    { 0 }
};
