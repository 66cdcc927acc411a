// End to end: an interactive busybox sh run by the CLI in a host pseudo-terminal (Python's pty
// module, test/lib/ptydrive.py), driven as a person would: the prompt, line editing and history,
// ^C, job control (&, jobs, fg, ^Z, bg, kill %1), sleep that really waits, vi, the window size
// and SIGWINCH, the escape key, and the host terminal restored afterwards. No timing is asserted:
// every step waits for output (with a generous limit for a loaded machine).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./lib/run.js";

const CLI = path.join(ROOT, "dist/forkscope.mjs");
const DRIVER = path.join(ROOT, "test/lib/ptydrive.py");
const python = spawnSync("python3", ["-c", "import pty, termios"]);
const NO_PTY = python.status === 0 ? false : "python3 with the pty module is not installed (the host pseudo-terminal)";

type Step =
  | { send: string }
  | { expect: string; timeout?: number; retry?: string; every?: number }
  | { pause: number }
  | { resize: [number, number] }
  | { signal: number }
  | { stopped: number }
  | { raw: number }
  | { cooked: number }
  | { exit: number };

interface Drive {
  output: string;
  failed: (Step & { step: number }) | null;
  exit: number | null;
  restored: boolean | null;
}

function drive(args: string[], steps: Step[]): Drive {
  const r = spawnSync("python3", [DRIVER, process.execPath, CLI, ...args], { input: JSON.stringify(steps), encoding: "utf8", timeout: 600_000, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Drive;
}

/** the prompt busybox ash prints (root in /), then its cursor position query: it asks only when
 *  no key is waiting, just before it reads, so keys sent after this are not typed ahead */
const PROMPT = "/ # \x1b[6n";

function check(d: Drive): void {
  assert.equal(d.failed, null, `step ${JSON.stringify(d.failed)} did not happen; output:\n${JSON.stringify(d.output)}`);
}

test("interactive sh: prompt, history and line editing, ^C reaches the job and the shell survives, ^D ends only cat's input", { skip: NO_PTY }, () => {
  const d = drive(["run", "/bin/sh"], [
    { expect: PROMPT },
    { send: "tty; stty size; echo one\r" },
    { expect: "/dev/ttyS0\r\n24 80\r\none\r\n" },
    // up arrow brings the line back, two left arrows and an X edit it
    { expect: PROMPT },
    { send: "\x1b[A\x1b[D\x1b[DX\r" },
    { expect: "oXne\r\n" },
    { expect: PROMPT },
    // ^C while the job runs: SIGINT to the foreground group, the shell prints a new prompt
    { send: "echo started; sleep 100; echo not-interrupted\r" },
    { expect: "started\r\n" },
    { expect: PROMPT, retry: "\x03" },
    { send: "\x15echo ali''ve $?\r" },
    { expect: "alive 130\r\n" },
    { expect: PROMPT },
    // the process's terminal, session and foreground group in /proc/PID/stat (tty_nr 4:64)
    { send: "set -- $(cat /proc/self/stat); echo tty_nr=$7 fg=$(( $8 == $5 ))\r" },
    { expect: "tty_nr=1088 fg=1\r\n" },
    { expect: PROMPT },
    // ^D ends cat's input, once: the shell reads on (EOF does not stick)
    { send: "sh -c 'echo ready; exec cat'\r" },
    { expect: "ready\r\n" },
    { send: "x\r" },
    { expect: "x\r\nx\r\n" },
    { send: "\x04" },
    { expect: PROMPT },
    { send: "echo after-e''of\r" },
    { expect: "after-eof\r\n" },
    { expect: PROMPT },
    { send: "exit 7\r" },
    { exit: 60 },
  ]);
  check(d);
  assert.equal(d.exit, 7);
  assert.equal(d.restored, true, "the host terminal's modes are restored");
});

test("job control: sleep 100 & stays Running, fg, ^Z stops it, bg continues it, kill %1 ends it", { skip: NO_PTY }, () => {
  const d = drive(["run", "/bin/sh"], [
    { expect: PROMPT },
    // virtual time waits for the person: the background sleep is still running at the next prompt
    { send: "sleep 100 &\r" },
    { expect: PROMPT },
    { send: "jobs\r" },
    { expect: "[1]+  Running                    sleep 100\r\n" },
    { expect: PROMPT },
    { send: "fg\r" },
    { expect: "sleep 100\r\n" },
    { expect: "[1]+  Stopped                    sleep 100\r\n", retry: "\x1a" },
    { expect: PROMPT },
    { send: "\x15jobs\r" },
    { expect: "[1]+  Stopped                    sleep 100\r\n" },
    { expect: PROMPT },
    { send: "bg\r" },
    { expect: "[1] sleep 100\r\n" },
    { expect: PROMPT },
    { send: "jobs\r" },
    { expect: "[1]+  Running                    sleep 100\r\n" },
    { expect: PROMPT },
    { send: "kill %1\r" },
    { expect: PROMPT },
    { send: "jobs\r" },
    { expect: "[1]+  Terminated                 sleep 100\r\n" },
    { expect: PROMPT },
    { send: "exit\r" },
    { exit: 60 },
  ]);
  check(d);
  assert.equal(d.exit, 0);
  assert.equal(d.restored, true);
});

test("vi opens and quits; the window size follows the host terminal and a resize is SIGWINCH", { skip: NO_PTY }, () => {
  const d = drive(["run", "/bin/sh"], [
    { expect: PROMPT },
    { send: "vi /tmp/x\r" },
    // the alternate screen, then the status line on the last of 24 rows
    { expect: "\x1b[?1049h" },
    { expect: "\x1b[24;1H" },
    { send: "ihello" },
    { expect: "hello" },
    // Escape alone, as a person types it (ESC followed at once by more is an unknown key sequence)
    { pause: 0.5 },
    { send: "\x1b" },
    { pause: 0.5 },
    { send: ":wq\r" },
    { expect: "\x1b[?1049l" },
    { expect: PROMPT },
    { send: "cat /tmp/x\r" },
    { expect: "hello\r\n" },
    { expect: PROMPT },
    // a job that reports SIGWINCH; the host window changes while it runs
    { send: "sh -c 'trap \"stty size\" WINCH; echo waiting; while :; do sleep 1; done'\r" },
    { expect: "waiting\r\n" },
    { resize: [30, 100] },
    { expect: "30 100\r\n" },
    { expect: PROMPT, retry: "\x03" },
    { send: "\x15stty size\r" },
    { expect: "30 100\r\n" },
    { expect: PROMPT },
    // the escape key: Ctrl-] q leaves forkscope, the guest is killed
    { send: "\x1dq" },
    { exit: 60 },
  ]);
  check(d);
  assert.match(d.output, /forkscope: quit \(Ctrl-\] q\)/);
  assert.equal(d.exit, 130);
  assert.equal(d.restored, true);
});

test("the host terminal is restored when the guest is killed and when forkscope gets SIGTERM", { skip: NO_PTY }, () => {
  const killed = drive(["run", "/bin/sh"], [{ expect: PROMPT }, { send: "kill -9 $$\r" }, { exit: 60 }]);
  check(killed);
  assert.equal(killed.exit, 128 + 9);
  assert.equal(killed.restored, true);
  const term = drive(["run", "/bin/sh"], [{ expect: PROMPT }, { send: "sleep 100\r" }, { expect: "sleep 100\r\n" }, { signal: 15 }, { exit: 60 }]);
  check(term);
  assert.equal(term.exit, 128 + 15);
  assert.equal(term.restored, true);
});

test("^Z on a program run directly stops it and forkscope with it; fg (SIGCONT) continues both", { skip: NO_PTY }, () => {
  const d = drive(["run", "/bin/cat"], [
    // keys typed once forkscope has the terminal in raw mode (before, the host's own line
    // discipline would echo them)
    { raw: 60 },
    { send: "abc\r" },
    { expect: "abc\r\nabc\r\n" },
    { send: "\x1a" },
    { expect: "^Z" },
    { stopped: 60 },
    // stopped, forkscope gives the host shell its terminal back as it found it
    { cooked: 60 },
    { signal: 18 },
    { raw: 60 },
    { send: "def\r" },
    { expect: "def\r\ndef\r\n" },
    { send: "\x04" },
    { exit: 60 },
  ]);
  check(d);
  assert.equal(d.exit, 0);
  assert.equal(d.restored, true);
});

test("with stdin not a terminal the guest sees no terminal, as isatty on the host says", { skip: NO_PTY }, () => {
  const r = spawnSync(process.execPath, [CLI, "run", "/bin/sh", "-c", "tty; [ -t 0 ] && echo t0; [ -t 1 ] && echo t1; stty size 2>&1; echo done"], { input: "", encoding: "utf8", timeout: 120_000 });
  assert.equal(r.stdout, "not a tty\nstty: standard input: Inappropriate ioctl for device\ndone\n");
});
