# Drive a program through a host pseudo-terminal, as a person at a terminal would: the program
# (argv) runs as the session leader of a new pty; steps (JSON on stdin) send keys, wait for
# output, resize the window. Prints one JSON object: the output (latin-1), the step that failed
# (if any), the exit status, and whether the pty's termios at the end equal those at the start.
# Used by test/interactive.test.ts; Python's pty module is the host pty (no npm native module).
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

steps = json.load(sys.stdin)
argv = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
start = termios.tcgetattr(fd)
out = b""
cursor = 0
status = None
failed = None


def pump(timeout):
    """read what the program wrote within `timeout` seconds; False at end of output"""
    global out
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        d = os.read(fd, 65536)
    except OSError:
        return False
    if not d:
        return False
    out += d
    return True


def expect(pat, timeout):
    """wait until `pat` appears after the last match; the cursor moves past it"""
    global cursor
    p = pat.encode("latin-1")
    end = time.time() + timeout
    while True:
        i = out.find(p, cursor)
        if i >= 0:
            cursor = i + len(p)
            return True
        if time.time() > end or not pump(0.05):
            return out.find(p, cursor) >= 0


def wait_until(cond, timeout):
    """poll `cond` (reading output meanwhile) until it holds or `timeout` seconds pass"""
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        pump(0.05)
    return False


for i, s in enumerate(steps):
    ok = True
    if "send" in s:
        os.write(fd, s["send"].encode("latin-1"))
    elif "expect" in s:
        # "retry": keys sent again every `every` seconds until the output shows up (a key that
        # can race the program's own terminal setup, as ^Z right after fg)
        retry = s.get("retry")
        if retry is None:
            ok = expect(s["expect"], s.get("timeout", 60))
        else:
            ok = False
            end = time.time() + s.get("timeout", 60)
            while not ok and time.time() < end:
                os.write(fd, retry.encode("latin-1"))
                ok = expect(s["expect"], s.get("every", 3))
    elif "pause" in s:
        end = time.time() + s["pause"]
        while time.time() < end and pump(0.05):
            pass
    elif "resize" in s:
        rows, cols = s["resize"]
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    elif "signal" in s:
        os.kill(pid, s["signal"])
    elif "stopped" in s:
        # the program is stopped (a job of this "shell")
        def stopped():
            p, st = os.waitpid(pid, os.WNOHANG | os.WUNTRACED)
            return bool(p) and os.WIFSTOPPED(st)
        ok = wait_until(stopped, s["stopped"])
    elif "raw" in s:
        # the program has put the terminal in raw mode (no echo, no canonical input)
        ok = wait_until(lambda: not termios.tcgetattr(fd)[3] & (termios.ECHO | termios.ICANON), s["raw"])
    elif "cooked" in s:
        # the terminal's modes are those it started with
        ok = wait_until(lambda: termios.tcgetattr(fd) == start, s["cooked"])
    elif "exit" in s:
        end = time.time() + s["exit"]
        while time.time() < end:
            p, st = os.waitpid(pid, os.WNOHANG)
            if p:
                status = st
                break
            pump(0.05)
    if not ok:
        failed = {"step": i, **s}
        break

if status is None:
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        status = st
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
# the terminal as the program left it (the slave's termios, seen through the master)
try:
    restored = termios.tcgetattr(fd) == start
except termios.error:
    restored = None
while pump(0.05):
    pass
print(json.dumps({
    "output": out.decode("latin-1"),
    "failed": failed,
    "exit": None if status is None else (os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)),
    "restored": restored,
}))
