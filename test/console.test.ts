// The console as the embedding API sees it (kernel.console, a browser page or a test driving it
// without a host terminal): key bytes in, output out, resize, and virtual time that waits for a
// person when the host gives its clock (a fake one here, moved by hand: nothing depends on timing).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Kernel } from "../src/system.js";
import type { RunResult } from "../src/kernel/sched.js";
import { DEFAULT_ENV } from "../src/defaults.js";
import { image } from "./lib/run.js";

interface Session {
  k: Kernel;
  /** everything the guest wrote so far */
  out(): string;
  /** run until every task waits (or the program ends); with a host clock, waits shorter than a
   *  second pass in host time at once (the line editor's 20 ms polls: a person is slower) */
  settle(): RunResult;
  /** type keys, then settle; the output they caused */
  type(keys: string): string;
  /** the fake host clock, in ns */
  host: { now: number };
}

function session(argv: string[], opts: { hostClock?: boolean; tty?: boolean } = {}): Session {
  let out = "";
  const host = { now: 0 };
  const k = new Kernel({
    initramfs: image(),
    tty: opts.tty ?? true,
    hostClock: opts.hostClock === false ? undefined : () => host.now,
    output: { write: (_s, d) => void (out += Buffer.from(d).toString("latin1")) },
  });
  k.spawn(null, argv, DEFAULT_ENV, argv[0]);
  const settle = (): RunResult => {
    for (let i = 0; i < 200; i++) {
      const r = k.run(50_000_000);
      if (r.state === "input" && opts.hostClock !== false && r.wait !== null && r.wait < 1e9) {
        host.now += r.wait;
        continue;
      }
      if (r.state !== "limit") return r;
    }
    throw new Error("the guest kept running");
  };
  const type = (keys: string): string => {
    const from = out.length;
    k.console.write(keys);
    settle();
    return out.slice(from);
  };
  return { k, out: () => out, settle, type, host };
}

test("kernel.console: a terminal with a line discipline, its window size, and ^C to the foreground job", () => {
  const s = session(["/bin/sh"]);
  assert.equal(s.settle().state, "input");
  assert.match(s.out(), /# \x1b\[6n$/, "the prompt, then busybox's cursor position query");
  assert.equal(s.k.console.isTty, true);
  assert.deepEqual(s.k.console.size, { cols: 80, rows: 24 });
  assert.match(s.type("tty; stty size\r"), /\/dev\/ttyS0\r\n24 80\r\n/);
  s.k.console.resize(100, 30);
  assert.deepEqual(s.k.console.size, { cols: 100, rows: 30 });
  assert.match(s.type("stty size\r"), /\r\n30 100\r\n/);
  // the job waits for its timer; the person presses ^C: SIGINT to the foreground group
  s.type("sleep 50\r");
  assert.match(s.type("\x03"), /^\^C\r\n/);
  assert.match(s.type("echo status $?\r"), /status 130\r\n/);
  s.type("exit 3\r");
  assert.deepEqual(s.settle(), { state: "exited", status: 3 << 8 }, "a wait status");
});

test("with a host clock, virtual time never runs ahead of the host while the guest waits for the person", () => {
  const s = session(["/bin/sh"]);
  s.settle();
  s.type("sleep 5; echo wo''ke\r");
  // everything sleeps: the run says how long until the guest's next timer instead of jumping there
  const r1 = s.settle();
  assert.equal(r1.state, "input");
  const w1 = (r1 as { wait: number | null }).wait;
  assert.ok(w1 !== null && w1 > 4.9e9 && w1 <= 5e9, `wait ${w1}`);
  const t1 = s.k.clock.now;
  // two seconds of host time pass: virtual time moves as much, and the timer is 2 s nearer
  s.host.now += 2e9;
  const r2 = s.settle();
  assert.equal(s.k.clock.now - t1, 2_000_000_000n);
  assert.equal((r2 as { wait: number | null }).wait, w1 - 2e9);
  assert.doesNotMatch(s.out(), /woke/);
  // a long host pause moves time only up to the timer, which then fires
  s.host.now += 60e9;
  s.settle();
  assert.match(s.out(), /woke\r\n/);
  assert.equal(s.k.clock.now - t1 <= 5_050_000_000n, true, "time stopped at the timer (plus the instructions run after it)");
  // a background job is still running at the next prompt
  assert.match(s.type("sleep 100 &\r"), /# /);
  assert.match(s.type("jobs\r"), /\[1\]\+  Running +sleep 100\r\n/);
});

test("without a host clock, waits take no time and the run is deterministic, as before", () => {
  const runs = [0, 1].map(() => {
    const s = session(["/bin/sh"], { hostClock: false });
    s.settle();
    const out = s.type("sleep 100; echo done; date +%s\r");
    return { out, now: s.k.clock.now };
  });
  assert.match(runs[0].out, /done\r\n\d+\r\n/);
  assert.deepEqual(runs[1], runs[0]);
});

test("^Z stops the first program's job; kernel.continueMain() continues it in the foreground", () => {
  const s = session(["/bin/cat"]);
  assert.equal(s.type("abc\r"), "abc\r\nabc\r\n");
  assert.equal(s.k.mainStopped, false);
  assert.equal(s.type("\x1a"), "^Z");
  assert.equal(s.k.mainStopped, true);
  s.k.continueMain();
  s.settle();
  assert.equal(s.k.mainStopped, false);
  assert.equal(s.type("def\r"), "def\r\ndef\r\n");
  s.k.console.write("\x04");
  assert.deepEqual(s.settle(), { state: "exited", status: 0 });
});

test("a stream console is no terminal: isatty is false and reads take the host's bytes", () => {
  const s = session(["/bin/sh", "-c", "tty; [ -t 0 ] || echo not-a-terminal; read x; echo got $x"], { tty: false });
  assert.equal(s.settle().state, "input");
  assert.equal(s.k.console.isTty, false);
  s.k.console.write("hello\n");
  s.k.console.end();
  assert.deepEqual(s.settle(), { state: "exited", status: 0 });
  assert.equal(s.out(), "not a tty\nnot-a-terminal\ngot hello\n");
});
