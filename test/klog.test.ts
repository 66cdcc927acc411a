// The kernel log (src/kernel/printk.ts, kmsg.ts, traps.ts): syslog(2) and /dev/kmsg as a guest
// sees them (guest/klog, whose output matched the same program built for x86_64 on Linux 6.18
// except for the fault line, which x86 words differently), busybox dmesg, the 2.6 personality's
// CLONE_STOPPED (guest/cstopped), the OOM killer's lines and the rate limits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runGuest, image } from "./lib/run.js";
import { Kernel } from "../src/system.js";
import { KernelLog, RateLimit, printk, KERN_ERR, LOG_BUF_LEN } from "../src/kernel/printk.js";

const dmesgLines = (k: Kernel): string[] => k.log.from(0).map((r) => r.text);

test("guest/klog: syslog actions, /dev/kmsg records and seeks, and the unhandled-signal line as Linux 6.x", () => {
  const r = runGuest("klog");
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = r.stdout.replace(/in klog\[[0-9a-f]+,[0-9a-f]+\+[0-9a-f]+\]/, "in klog[OFF,START+SIZE]");
  assert.equal(out, [
    "SIZE_BUFFER 131072",
    "bad action: -1 Invalid argument",
    "READ_ALL NULL: -1 Invalid argument",
    "CONSOLE_LEVEL 9: -1 Invalid argument",
    "READ_ALL of 0 bytes: 0",
    "write: 22",
    "lseek SEEK_END: 0",
    "read at end: -1 Resource temporarily unavailable",
    "lseek 1 SEEK_SET: -1 Illegal seek",
    "record: prio 14 flag - text klog: hello\\x5cworld",
    "found 1; then Resource temporarily unavailable",
    "read into 8 bytes: -1 Invalid argument",
    "child killed by 11",
    // the child's pid: 3 is the program, 4 the launcher (the kernel task whose job it is)
    "log: <6> klog[5]: unhandled signal 11 code 0x1 at 0x0000000000000000 in klog[OFF,START+SIZE]",
    "SIZE_UNREAD > 0: 1",
    "CLEAR: 0",
    "READ_ALL after CLEAR: 0",
    "read after SEEK_DATA: -1 Resource temporarily unavailable",
    "",
  ].join("\n"));
  // the fault line's mapping is the program's text: the offset inside it is the faulting pc's
  const m = /in klog\[([0-9a-f]+),([0-9a-f]+)\+([0-9a-f]+)\]/.exec(r.stdout)!;
  assert.ok(parseInt(m[1], 16) < parseInt(m[3], 16));
  // after it, __show_regs: the CPU line and the registers, continuation records flagged 'c'
  const texts = dmesgLines(r.kernel);
  const i = texts.findIndex((t) => t.includes("unhandled signal 11"));
  assert.match(texts[i + 1], /^CPU: 0 UID: 0 PID: 5 Comm: klog Not tainted 6\.12\.0-forkscope #1$/);
  assert.match(texts[i + 3], /^epc : [0-9a-f]{16} ra : [0-9a-f]{16} sp : [0-9a-f]{16}$/);
  assert.match(texts[i + 14], /^status: 0000000200004020 badaddr: 0000000000000000 cause: 000000000000000f$/);
  const rec = r.kernel.log.from(0).find((x) => x.text.startsWith(" gp :"))!;
  assert.ok(rec.cont);
  assert.match(KernelLog.kmsgText(rec), /^4,\d+,\d+,c; gp : /);
});

test("busybox dmesg prints the log: the boot banner, user records, fault lines; dmesg -c clears it", () => {
  const lines = sh("echo '<12>from the shell' > /dev/kmsg; dmesg; dmesg -r | head -1; dmesg -c > /dev/null; dmesg | wc -c").split("\n");
  assert.match(lines[0], /^\[ {4}0\.000000\] Linux version 6\.12\.0-forkscope \(forkscope@forkscope\) \(forkscope [0-9.]+, TypeScript\) #1 SMP forkscope$/);
  assert.match(lines[1], /^\[ {4}0\.\d{6}\] from the shell$/);
  assert.match(lines[2], /^<5>\[ {4}0\.000000\] Linux version /);
  assert.equal(lines[3].trim(), "0");
});

/** run a busybox shell command; its output */
function sh(cmd: string, opts: ConstructorParameters<typeof Kernel>[0] = {}, before?: (k: Kernel) => void): string {
  const out: number[] = [];
  const k = new Kernel({ ...opts, initramfs: image(), output: { write: (_s, d) => void out.push(...d) } });
  before?.(k);
  k.spawn(null, ["/bin/sh", "-c", cmd], ["PATH=/bin:/usr/bin"], "/bin/sh");
  assert.equal(k.run().state, "exited");
  return Buffer.from(out).toString("latin1");
}

test("syslog(2), /dev/kmsg and /proc/kmsg permissions: a user may read the log but not clear it; dmesg_restrict needs CAP_SYSLOG", () => {
  const user = { user: { uid: 1000, gid: 1000 } };
  const out = sh("dmesg | head -c 14; echo; dmesg -c; echo rc=$?; cat /proc/kmsg; echo rc=$?; head -c 2 /dev/kmsg; echo rc=$?", user);
  assert.equal(out, "[    0.000000]\ndmesg: klogctl: Operation not permitted\nrc=1\ncat: can't open '/proc/kmsg': Permission denied\nrc=1\n5,rc=0\n");
  const restricted = sh("dmesg; echo rc=$?; head -c 2 /dev/kmsg; echo rc=$?", user, (k) => (k.log.dmesgRestrict = 1));
  assert.equal(restricted, "dmesg: klogctl: Operation not permitted\nrc=1\nhead: /dev/kmsg: Operation not permitted\nrc=1\n");
  // root reads /proc/kmsg, which consumes: SIZE_UNREAD drops to 0 and a second reader would wait
  assert.match(sh("head -c 3 /proc/kmsg"), /^<5>$/);
});

test("the ring keeps LOG_BUF_LEN bytes: old records go, /dev/kmsg readers that fell behind get EPIPE once", () => {
  const log = new KernelLog(() => 0);
  for (let i = 0; i < 3000; i++) printk(log, KERN_ERR, `message ${i} ${"x".repeat(60)}`);
  assert.ok(log.firstSeq > 0);
  const bytes = log.from(0).reduce((a, r) => a + r.text.length + 16, 0);
  assert.ok(bytes <= LOG_BUF_LEN);
  assert.equal(log.read(0)!.seq, log.firstSeq);
  assert.equal(KernelLog.syslogText(log.read(log.firstSeq)!).slice(0, 18), "<3>[    0.000000] ");
});

test("___ratelimit: a burst, then silence until the interval ends and a count of what was suppressed", () => {
  const rl = new RateLimit(5e9, 10);
  const said: number[] = [];
  let ok = 0;
  for (let i = 0; i < 25; i++) if (rl.allow(1e9, (n) => said.push(n))) ok++;
  assert.equal(ok, 10);
  assert.ok(rl.allow(7e9, (n) => said.push(n)));
  assert.deepEqual(said, [15]);
});

test("linux-2.6: bit 0x02000000 is CLONE_STOPPED: the child waits stopped for SIGCONT, wait reports nothing; the deprecation line is logged", () => {
  const r = runGuest("cstopped", [], { personality: "linux-2.6" });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.stdout, [
    "release 2.",
    "child state T; waitpid(WNOHANG|WUNTRACED|WCONTINUED) reports nothing",
    "child runs; cgroup 0::/",
    "after SIGCONT: exited 7",
    "clone(CLONE_NEWUSER|CLONE_THREAD|...): -1 Invalid argument",
    "unshare(CLONE_NEWPID): Invalid argument",
    "",
  ].join("\n"));
  assert.ok(dmesgLines(r.kernel).includes("fork(): process `cstopped' used deprecated clone flags 0x2000000"));
  const rec = r.kernel.log.from(0).find((x) => x.text.startsWith("fork():"))!;
  assert.equal(rec.level, 6);
  // --trace names the bit as the personality does
  assert.ok(r.trace.some((l) => /clone\(child_stack=NULL, flags=CLONE_STOPPED\|SIGCHLD\)/.test(l)), r.trace.join("\n"));
});

test("linux-2.6: CLONE_NEWUSER needs CAP_SYS_ADMIN, CAP_SETUID and CAP_SETGID (EPERM for a user); 6.x lets the user have one", () => {
  const old = runGuest("cstopped", [], { personality: "linux-2.6", user: { uid: 1000, gid: 1000 } });
  assert.match(old.stdout, /unprivileged clone\(CLONE_NEWUSER\): Operation not permitted/);
  const now = runGuest("cstopped", [], { user: { uid: 1000, gid: 1000 } });
  assert.match(now.stdout, /unprivileged clone\(CLONE_NEWUSER\): ok/);
  // the order of the checks: 2.6's do_fork tests CLONE_NEWUSER's capabilities before
  // copy_process's flag rules; both test CAP_SYS_ADMIN before CLONE_NEWIPC|CLONE_SYSVSEM
  const combos = (out: string) => out.split("\n").filter((l) => /^unprivileged clone\(CLONE_NEW\w+\|/.test(l));
  assert.deepEqual(combos(old.stdout), [
    "unprivileged clone(CLONE_NEWUSER|CLONE_FS): Operation not permitted",
    "unprivileged clone(CLONE_NEWNS|CLONE_FS): Invalid argument",
    "unprivileged clone(CLONE_NEWIPC|CLONE_SYSVSEM): Operation not permitted",
  ]);
  assert.deepEqual(combos(now.stdout), [
    "unprivileged clone(CLONE_NEWUSER|CLONE_FS): Invalid argument",
    "unprivileged clone(CLONE_NEWNS|CLONE_FS): Invalid argument",
    "unprivileged clone(CLONE_NEWIPC|CLONE_SYSVSEM): Operation not permitted",
  ]);
});

test("linux-6 (default): the same bit is CLONE_NEWCGROUP and the child runs at once, as on Linux 6.x; no deprecation line", () => {
  const r = runGuest("cstopped");
  assert.equal(r.code, 0);
  assert.equal(r.stdout, [
    "release 6.",
    "child runs; cgroup 0::/",
    "without SIGCONT: exited 7",
    "clone(CLONE_NEWUSER|CLONE_THREAD|...): -1 Invalid argument",
    "unshare(CLONE_NEWPID): ok",
    "",
  ].join("\n"));
  assert.ok(!dmesgLines(r.kernel).some((t) => t.startsWith("fork():")));
  assert.ok(r.trace.some((l) => /clone\(child_stack=NULL, flags=CLONE_NEWCGROUP\|SIGCHLD\)/.test(l)));
});

test("linux-2.6: the deprecation line is rate limited (printk_ratelimit: 10 per 5 s) and said at most 100 times", async () => {
  const { Guest, I } = await import("./lib/calls.js");
  const g = new Guest();
  const ts = g.put(new Uint8Array([6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])); // 6 s
  // 11 rounds of 12 stopped children, 6 s of virtual time apart; then the whole group is killed
  for (let round = 0; round < 11; round++) {
    for (let i = 0; i < 12; i++) {
      const c = g.call("clone", I(0x02000000 | 17), I(0), I(0), I(0), I(0));
      g.calls[c].child = [];
      g.calls[c].childExit = 94;
    }
    g.call("nanosleep", I(ts), I(0));
  }
  g.call("kill", I(0), I(9));
  const { kernel } = g.run({ personality: "linux-2.6" }, 50_000_000);
  const texts = dmesgLines(kernel);
  const said = texts.filter((t) => t.startsWith("fork(): process `t' used deprecated clone flags 0x2000000"));
  assert.equal(said.length, 100);
  assert.equal(kernel.cloneStoppedWarnings, 0);
  // each 5 s interval lets 10 through; the 2 suppressed are counted when the next one starts
  assert.equal(texts.filter((t) => t === "do_fork: 2 callbacks suppressed").length, 9);
});

test("execve with a NULL argv: the empty string added and Linux 6.x's pr_warn_once line, once per boot", async () => {
  const { Guest, I } = await import("./lib/calls.js");
  const g = new Guest();
  g.call("execve", I(g.put("/bin/t")), I(0), I(0));
  const { kernel } = g.run({}, 2_000_000);
  const lines = dmesgLines(kernel).filter((t) => t.includes("NULL argv"));
  assert.deepEqual(lines, ["process 't' launched '/bin/t' with NULL argv: empty string added"]);
});

test("the OOM killer writes its lines to the kernel log at Linux's levels (pr_warn, pr_err)", () => {
  const r = runGuest("bomb", ["mem"], { memory: 64 << 20 });
  assert.match(r.stdout, /killed by KILL/);
  const recs = r.kernel.log.from(0);
  const invoked = recs.find((x) => x.text.includes("invoked oom-killer"))!;
  const killed = recs.find((x) => x.text.startsWith("Out of memory: Killed process"))!;
  assert.equal(invoked.level, 4);
  assert.equal(killed.level, 3);
  assert.match(killed.text, /^Out of memory: Killed process \d+ \(bomb\) total-vm:\d+kB, anon-rss:\d+kB, file-rss:\d+kB, shmem-rss:0kB, UID:0 pgtables:\d+kB oom_score_adj:0$/);
  // strace shows only the victim's end; the log line is not in the trace
  assert.ok(!r.trace.some((l) => l.includes("Out of memory")));
  assert.ok(r.trace.some((l) => /\+\+\+ killed by SIGKILL \+\+\+/.test(l)));
});
