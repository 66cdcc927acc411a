// Regression tests for host failures a hostile guest caused (reproducers in ../shared/fuzz-findings
// and test/fuzz/findings): guest-chosen lengths and counts must meet Linux's limits before the host
// allocates anything, and large buffers are copied in pieces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Guest, I, R, M, results, u64s } from "./lib/calls.js";
import { Mm } from "../src/mm/mm.js";
import { Kernel } from "../src/system.js";
import { Pool } from "./fuzz/pool.js";
import type { Job, Outcome } from "./fuzz/runner.js";

const GiB = 2 ** 30;
const MAP_ANON_PRIVATE = 0x22, MAP_FIXED = 0x10, MAP_NORESERVE = 0x4000;

/** count the bytes the kernel copies out of guest memory while fn runs */
function copiedDuring(fn: () => void): number {
  const orig = Mm.prototype.readInto;
  let n = 0;
  Mm.prototype.readInto = function (this: Mm, addr: number, out: Uint8Array, off: number, len: number) {
    n += len;
    return orig.call(this, addr, out, off, len);
  };
  try {
    fn();
  } finally {
    Mm.prototype.readInto = orig;
  }
  return n;
}

test("sendmsg: an iovec length of 2^63 or more is EINVAL, one outside user memory EFAULT, a control buffer past optmem_max ENOBUFS", () => {
  const g = new Guest();
  const sv = g.put(new Uint8Array(8));
  g.call("socketpair", I(1), I(1), I(0), I(sv));
  const buf = g.put(new Uint8Array(64));
  const msg = (iovLen: bigint, ctl = 0, ctlLen = 0n) => g.put(u64s(0, 0, g.put(u64s(buf, iovLen)), 1, ctl, ctlLen, 0));
  g.call("sendmsg", M(sv), I(msg(0xbcfd929ad3a39800n)));
  g.call("sendmsg", M(sv), I(msg(1n << 40n)));
  g.call("sendmsg", M(sv), I(msg(4n, buf, 0xdc68421b01aae914n)));
  g.call("sendmsg", M(sv), I(msg(4n, buf, 131073n)));
  g.call("sendmsg", M(sv), I(msg(4n)));
  g.call("sendmsg", M(sv), I(g.put(u64s(0, 0, g.put(u64s(buf, 4)), 1025, 0, 0, 0))));
  const { trace } = g.run();
  const got = results(trace, "sendmsg");
  [/^-1 EINVAL/, /^-1 EFAULT/, /^-1 ENOBUFS/, /^-1 ENOBUFS/, /^4$/, /^-1 EMSGSIZE/].forEach((re, i) => assert.match(got[i], re));
});

test("writev and pwrite64: huge lengths give Linux's errors; a total past MAX_RW_COUNT is cut, and untouched memory is not allocated to copy it", () => {
  const g = new Guest();
  const AT = 4 * GiB;
  g.call("mmap", I(AT), I(8 * GiB), I(3), I(MAP_ANON_PRIVATE | MAP_FIXED | MAP_NORESERVE), I(-1), I(0));
  const nul = g.call("openat", I(-100), I(g.put("/dev/null")), I(1));
  const buf = g.put(new Uint8Array(16));
  g.call("writev", R(nul), I(g.put(u64s(buf, 0x8000000000000000n))), I(1));
  g.call("writev", R(nul), I(g.put(u64s(buf, 1n << 40n))), I(1));
  g.call("writev", R(nul), I(g.put(u64s(buf, 4))), I(1025));
  g.call("writev", R(nul), I(g.put(u64s(AT, 3 * GiB, AT + 3 * GiB, 3 * GiB))), I(2));
  const file = g.call("openat", I(-100), I(g.put("/tmp/f")), I(0o102), I(0o644));
  g.call("pwrite64", R(file), I(buf), I(0x20000000000000n), I(4708));
  g.call("pwrite64", R(file), I(buf), I(8), I(0));
  // copying 2 GiB counts as 2^31 / 64 instructions against the budget
  const { trace, kernel } = g.run({}, 100_000_000);
  const w = results(trace, "writev");
  [/^-1 EINVAL/, /^-1 EFAULT/, /^-1 EINVAL/, /^2147479552$/].forEach((re, i) => assert.match(w[i], re));
  assert.deepEqual(results(trace, "pwrite64").map((x) => x.split(" ").slice(0, 2).join(" ")), ["-1 EFAULT", "8"]);
  assert.ok(kernel.frames.stats.peak < 4096, `frames at peak ${kernel.frames.stats.peak}`);
});

test("write of 1 GiB of never-touched memory to /dev/null: all of it written, no guest page allocated, copied in bounded pieces", () => {
  const g = new Guest();
  const p = g.call("mmap", I(0), I(GiB), I(3), I(MAP_ANON_PRIVATE), I(-1), I(0));
  const nul = g.call("openat", I(-100), I(g.put("/dev/null")), I(1));
  g.call("write", R(nul), R(p), I(GiB));
  g.call("write", R(nul), R(p), I(2n ** 63n));
  const before = process.memoryUsage().arrayBuffers;
  let trace: string[] = [];
  let peak = 0;
  const copied = copiedDuring(() => {
    const r = g.run();
    trace = r.trace;
    peak = r.kernel.frames.stats.peak;
  });
  const w = results(trace, "write");
  assert.equal(w[0], String(GiB));
  assert.match(w[1], /^-1 EFAULT/);
  assert.ok(peak < 256, `frames at peak ${peak}`);
  assert.ok(copied <= GiB + 65536, `copied ${copied}`);
  assert.ok(process.memoryUsage().arrayBuffers - before < 256 * 2 ** 20);
});

test("a 16 MiB write into a pipe drained 64 KiB at a time copies each byte about once (was once per wake-up)", () => {
  const N = 16 << 20;
  const g = new Guest();
  const fds = g.put(new Uint8Array(8));
  const SRC = 4 * GiB, DST = 0x20000000;
  g.call("mmap", I(SRC), I(N), I(3), I(MAP_ANON_PRIVATE | MAP_FIXED), I(-1), I(0));
  g.call("pipe2", I(fds), I(0));
  // the child reads the pipe dry, 64 KiB at a time, into its own buffer
  const fork = g.call("clone", I(17), I(0), I(0), I(0), I(0));
  const reader = new Guest();
  reader.call("mmap", I(DST), I(65536), I(3), I(MAP_ANON_PRIVATE | MAP_FIXED), I(-1), I(0));
  for (let i = 0; i < N / 65536 + 1; i++) reader.call("read", M(fds), I(DST), I(65536));
  g.calls[fork].child = reader.calls.map((x, i) => ({ ...x, id: 100 + i }));
  g.calls[fork].childExit = 94;
  g.call("write", M(fds + 4), I(SRC), I(N));
  g.call("wait4", I(-1), I(0), I(0), I(0));
  let trace: string[] = [];
  const copied = copiedDuring(() => (trace = g.run({ quantum: 5000 }).trace));
  assert.deepEqual(results(trace, "write"), [String(N)]);
  assert.ok(copied < 6 * N, `copied ${copied} bytes for a ${N}-byte write`);
});
test("tmpfs files are sparse: ftruncate far out (256 GiB, as Linux allows) and a write near 1 GiB cost no host memory for the hole", () => {
  const g = new Guest();
  for (let i = 0; i < 3; i++) {
    const fd = g.call("openat", I(-100), I(g.put(`/tmp/f${i}`)), I(0o102), I(0o644));
    g.call("ftruncate", R(fd), I(512 << 20));
    g.call("ftruncate", R(fd), I(GiB - 1));
    g.call("pwrite64", R(fd), I(g.put("Z")), I(1), I(GiB - 2));
  }
  g.call("ftruncate", I(3), I(256 * GiB));
  const before = process.memoryUsage().arrayBuffers;
  const { trace } = g.run({ memory: 64 << 20, user: { uid: 1000, gid: 1000 } });
  assert.deepEqual(results(trace, "pwrite64"), ["1", "1", "1"]);
  assert.equal(results(trace, "ftruncate").at(-1)!, "0");
  assert.ok(process.memoryUsage().arrayBuffers - before < 128 * 2 ** 20);
});

test("MAP_SHARED of a large sparse tmpfs file with little guest memory keeps the file's bytes", () => {
  const g = new Guest();
  const fd = g.call("openat", I(-100), I(g.put("/tmp/f")), I(0o102), I(0o644));
  g.call("pwrite64", R(fd), I(g.put("XYZ")), I(3), I(60 << 20));
  g.call("mmap", I(0), I(4096), I(3), I(1), R(fd), I(0));
  const buf = g.put(new Uint8Array(4));
  g.call("pread64", R(fd), I(buf), I(3), I(60 << 20));
  g.call("write", I(1), I(buf), I(3));
  const { stdout } = g.run({ memory: 32 << 20 });
  assert.equal(stdout, "XYZ");
});

/** run a guest in a watched child process: a host hang or memory blow-up fails the test instead of hanging it */
async function watched(g: Guest, kernel: Partial<Job["kernel"]> = {}, limit = 10_000_000): Promise<Outcome> {
  const pool = new Pool(20_000, 2 * GiB);
  try {
    const r = await pool.run({ id: 1, elf: g.elf(), kernel: { seed: 1, memory: 256 << 20, jit: 0, quantum: 200_000, maxTasks: 64, ...kernel }, limit });
    assert.ok(r.ok, r.ok ? "" : `host ${r.fail.kind}: ${r.fail.detail}\n${r.fail.frames.join("\n")}`);
    return r.out;
  } finally {
    pool.close();
  }
}

const timespec = (sec: bigint | number, nsec: bigint | number = 0) => u64s(sec, nsec);
const itimerval = (intervalUs: number, valueUs: number) => u64s(0, intervalUs, 0, valueUs);

test("a sleep of LONG_MAX seconds never ends (Linux: KTIME_MAX); a timer armed that far never fires", async () => {
  const g = new Guest();
  g.call("setitimer", I(0), I(g.put(u64s(0, 0, 2n ** 62n, 0))), I(0));
  g.call("nanosleep", I(g.put(timespec(0x7fffffffffffffffn))), I(0));
  const out = await watched(g);
  assert.equal(out.state, "deadlock");
});

test("periodic timers that cannot wake anyone (signal blocked, ignored, SIGEV_NONE, every task stopped): run() reports a deadlock", async () => {
  const full = (g0: Guest) => g0.put(u64s(0xffffffffffffffffn));
  // setitimer + sigsuspend with every signal blocked
  const a = new Guest();
  a.call("setitimer", I(0), I(a.put(itimerval(100, 100))), I(0));
  a.call("rt_sigsuspend", I(full(a)), I(8));
  // a SIGEV_NONE POSIX timer every millisecond + sigsuspend
  const b = new Guest();
  const id = b.put(new Uint8Array(8));
  b.call("timer_create", I(1), I(b.put(u64s(0, 1n << 32n))), I(id));
  b.call("timer_settime", M(id), I(0), I(b.put(u64s(0, 1e6, 0, 1e6))), I(0));
  b.call("rt_sigsuspend", I(b.put(u64s(0))), I(8));
  // setitimer + SIGALRM ignored + the whole group stopped
  const c = new Guest();
  c.call("setitimer", I(0), I(c.put(itimerval(100, 100))), I(0));
  c.call("kill", I(0), I(19));
  for (const g of [a, b, c]) assert.equal((await watched(g)).state, "deadlock");
});

test("a microsecond interval timer while the only task sleeps a day: the clock jumps to the sleeper and the timer catches up in one step", async () => {
  const g = new Guest();
  g.call("rt_sigaction", I(14), I(g.put(u64s(1, 0, 0))), I(0), I(8)); // SIGALRM ignored
  g.call("setitimer", I(0), I(g.put(itimerval(1, 1))), I(0));
  g.call("nanosleep", I(g.put(timespec(86400))), I(0));
  g.call("getitimer", I(0), I(g.put(new Uint8Array(32))));
  g.call("exit_group", I(7));
  const out = await watched(g);
  assert.equal(out.state, "exited");
  assert.equal(out.status, 7 << 8);
});

test("the syscall number is the whole of a7: 2^32 + 172 is not getpid but ENOSYS", () => {
  const g = new Guest();
  g.calls.push({ id: 0, nr: 0x1000000ac, args: [I(0), I(0), I(0), I(0), I(0), I(0)] });
  g.call("getpid");
  const { trace } = g.run();
  assert.match(trace[0], /= -1 ENOSYS/);
  assert.match(trace[1], /getpid\(\) += \d+/);
});

test("an odd quantum gives whole time slices (instruction counts and virtual time stay integers)", () => {
  const g = new Guest();
  for (let i = 0; i < 50; i++) g.call("getppid");
  for (const quantum of [997, 101, 3]) {
    const { kernel } = g.run({ quantum });
    assert.ok(Number.isInteger(kernel.totalInstructions), `quantum ${quantum}: ${kernel.totalInstructions} instructions`);
    assert.equal(typeof kernel.clock.now, "bigint");
  }
});

test("a blocked pipe write that has written part of its buffer returns that count when a handled signal comes, not restarting and writing it twice", () => {
  const g = new Guest();
  const fds = g.put(new Uint8Array(8));
  g.call("rt_sigaction", I(14), I(g.put(u64s(0x10000, 0x10000000, 0))), I(0), I(8)); // SIGALRM: return at once, SA_RESTART
  g.call("pipe2", I(fds), I(0));
  g.call("setitimer", I(0), I(g.put(itimerval(1000, 1000))), I(0));
  g.call("write", M(fds + 4), I(g.put(new Uint8Array(100_000))), I(100_000));
  g.call("ioctl", M(fds), I(0x541b), I(g.put(new Uint8Array(4)))); // FIONREAD
  g.call("exit_group", I(0));
  const { trace } = g.run({}, 200_000);
  assert.deepEqual(results(trace, "write"), ["65536"]);
});

test("recursive bind mounts under shared propagation stop at fs.mount-max with ENOSPC (mounts multiply with each bind, as on Linux)", async () => {
  const g = new Guest();
  g.call("mount", I(0), I(g.put("/")), I(0), I(0x104000)); // MS_REC | MS_SHARED
  g.call("mkdirat", I(-100), I(g.put("/tmp/m")), I(0o755));
  for (let i = 0; i < 6; i++) g.call("mount", I(g.put("/")), I(g.put("/tmp/m")), I(0), I(0x5000)); // MS_BIND | MS_REC
  g.call("umount2", I(g.put("/tmp/m")), I(2)); // MNT_DETACH: everything under /tmp/m goes
  g.call("mount", I(g.put("/proc")), I(g.put("/tmp/m")), I(0), I(0x1000));
  const { trace } = g.run({}, 1_000_000);
  // Linux 6.x with 40 mounts to start gives 40, 120, 840, 36120 and then ENOSPC; forkscope starts with 4
  assert.deepEqual(results(trace, "mount").slice(1).map((x) => x.split(" ").slice(0, 2).join(" ")), ["0", "0", "0", "0", "-1 ENOSPC", "-1 ENOSPC", "0"]);
});

test("RLIMIT_FSIZE: writes are cut at the limit, past it EFBIG and SIGXFSZ (which kills by default), truncate may not grow past it (checked against Linux 6.18)", () => {
  const g = new Guest();
  const buf = g.put(new Uint8Array(300).fill(97));
  g.call("prlimit64", I(0), I(1), I(g.put(u64s(100, 100))), I(0));
  g.call("rt_sigaction", I(25), I(g.put(u64s(1, 0, 0))), I(0), I(8)); // SIGXFSZ ignored
  const fd = g.call("openat", I(-100), I(g.put("/tmp/f")), I(0o1102), I(0o644));
  g.call("write", R(fd), I(buf), I(200));
  g.call("write", R(fd), I(buf), I(1));
  g.call("ftruncate", R(fd), I(1000));
  g.call("ftruncate", R(fd), I(100));
  g.call("ftruncate", R(fd), I(50));
  g.call("pwrite64", R(fd), I(buf), I(10), I(95));
  g.call("write", R(fd), I(buf), I(0));
  g.call("rt_sigaction", I(25), I(g.put(u64s(0, 0, 0))), I(0), I(8)); // SIG_DFL
  g.call("lseek", R(fd), I(100), I(0));
  g.call("write", R(fd), I(buf), I(1));
  g.call("exit_group", I(0));
  const { trace, result } = g.run();
  const short = (name: string) => results(trace, name).map((x) => x.split(" ").slice(0, 2).join(" "));
  assert.deepEqual(short("write"), ["100", "-1 EFBIG", "0", "-1 EFBIG"]);
  assert.deepEqual(short("ftruncate"), ["-1 EFBIG", "0", "0"]);
  assert.deepEqual(short("pwrite64"), ["5"]);
  assert.deepEqual(result, { state: "exited", status: 25 });
});

test("a stream socket send blocked after some progress returns that count when a signal comes, and copies the message in pieces", () => {
  const N = 4 << 20;
  const g = new Guest();
  const sv = g.put(new Uint8Array(8));
  g.call("rt_sigaction", I(14), I(g.put(u64s(0x10000, 0x10000000, 0))), I(0), I(8)); // SIGALRM: return at once, SA_RESTART
  g.call("socketpair", I(1), I(1), I(0), I(sv));
  g.call("mmap", I(4 * GiB), I(N), I(3), I(MAP_ANON_PRIVATE | MAP_FIXED), I(-1), I(0));
  g.call("setitimer", I(0), I(g.put(itimerval(50, 50))), I(0));
  g.call("sendto", M(sv), I(4 * GiB), I(N), I(0), I(0), I(0));
  g.call("exit_group", I(0));
  let trace: string[] = [];
  const copied = copiedDuring(() => (trace = g.run({}, 300_000).trace));
  const sent = Number(results(trace, "sendto")[0]);
  assert.ok(sent > 0 && sent < N, `sendto returned ${sent}`);
  assert.ok(copied < N, `copied ${copied} bytes`);
});

test("exec reads only what the program's headers point at: a 1 GiB sparse file costs no host memory to refuse or to run", () => {
  const g = new Guest();
  const fd = g.call("openat", I(-100), I(g.put("/tmp/x")), I(0o102), I(0o755));
  g.call("ftruncate", R(fd), I(GiB - 1));
  g.call("close", R(fd));
  g.call("execve", I(g.put("/tmp/x")), I(g.put(new Uint8Array(16))), I(0));
  // the same with a real program at its start
  const fd2 = g.call("openat", I(-100), I(g.put("/tmp/y")), I(0o102), I(0o755));
  g.call("ftruncate", R(fd2), I(GiB - 1));
  const self = g.call("openat", I(-100), I(g.put("/bin/t")), I(0));
  const buf = g.put(new Uint8Array(0x8000));
  g.call("read", R(self), I(buf), I(0x8000));
  g.call("pwrite64", R(fd2), I(buf), I(0x8000), I(0));
  g.call("close", R(fd2));
  g.call("execve", I(g.put("/tmp/y")), I(g.put(new Uint8Array(16))), I(0));
  const before = process.memoryUsage().arrayBuffers;
  const { trace } = g.run({ memory: 64 << 20 }, 200_000);
  assert.match(results(trace, "execve")[0], /^-1 ENOEXEC/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 256 * 2 ** 20);
});

test("a handler that faults at once on the alternate stack: frames fill the stack and then SIGSEGV kills (Linux riscv get_sigframe), each fault counted as an instruction", async () => {
  const g = new Guest();
  g.call("sigaltstack", I(g.put(u64s(0xa40000, 0, 0x8000))), I(0));
  // the handler is in the data segment, which is not executable
  const act = g.put(u64s(0x900000 + 0x7000, 0x08000000 | 0x40000000 | 4, 0)); // SA_ONSTACK | SA_NODEFER | SA_SIGINFO
  g.call("rt_sigaction", I(11), I(act), I(0), I(8));
  g.call("kill", I(0), I(11));
  g.call("exit_group", I(0));
  const out = await watched(g, {}, 2_000_000);
  assert.equal(out.state, "exited");
  assert.equal(out.status, 11);
  let signals = 0;
  const k = new Kernel({ output: { write() {} }, onEvent: (e) => void (e.type === "signal" && signals++) });
  k.spawn(g.elf(), ["/bin/t"], [], "/bin/t");
  k.run(2_000_000);
  assert.ok(signals > 10 && signals < 40, `${signals} frames fit in 32 KiB`);
  assert.ok(k.totalInstructions >= signals);
});

test("ktime arithmetic is exact bigint ns saturating at KTIME_MAX (ktime_add_safe, timespec64_to_ktime, hrtimer_forward)", async () => {
  const kt = await import("../src/kernel/ktime.js");
  const { deadlineAfter, KTIME_MAX } = kt;
  assert.equal(deadlineAfter(0n, 2n ** 64n), KTIME_MAX);
  assert.equal(deadlineAfter(KTIME_MAX - 2n ** 20n, 2n ** 62n), KTIME_MAX);
  assert.equal(deadlineAfter(7n, -1n), 7n);
  assert.equal(deadlineAfter(2n ** 53n, 1n), 2n ** 53n + 1n);
  // struct timespec: tv_sec from KTIME_SEC_MAX on is KTIME_MAX; bad tv_nsec or negative tv_sec is invalid
  assert.equal(kt.getKtimespec(u64s(9223372035n, 999999999n), 0), 9223372035999999999n);
  assert.equal(kt.getKtimespec(u64s(9223372036n, 0), 0), KTIME_MAX);
  assert.equal(kt.getKtimespec(u64s(-1n, 0), 0), -1n);
  assert.equal(kt.getKtimespec(u64s(0, 1e9), 0), -1n);
  assert.equal(kt.getKtimespec(u64s(0, -1n), 0), -1n);
  // a periodic timer 10.5 periods late fires once with 10 overruns and moves past now
  assert.deepEqual(kt.hrtimerForward(100n, 1150n, 100n), { expires: 1200n, orun: 11n });
  assert.deepEqual(kt.hrtimerForward(100n, 120n, 100n), { expires: 200n, orun: 1n });
  assert.deepEqual(kt.hrtimerForward(KTIME_MAX - 5n, KTIME_MAX - 1n, 100n), { expires: KTIME_MAX, orun: 1n });
});

/** a guest that arms POSIX timers at absolute CLOCK_MONOTONIC times (signal, ns) and takes their
 *  signals with sigtimedwait, reading CLOCK_MONOTONIC after each: the signals in the order taken,
 *  and the times read */
function timersAt(timers: [number, bigint][]): { signals: string[]; times: bigint[] } {
  const g = new Guest();
  const ts = g.put(new Uint8Array(16));
  let mask = 0n;
  for (const [sig] of timers) mask |= 1n << BigInt(sig - 1);
  const set = g.put(u64s(mask));
  g.call("rt_sigprocmask", I(0), I(set), I(0), I(8));
  for (const [sig, at] of timers) {
    const id = g.put(new Uint8Array(8));
    g.call("timer_create", I(1), I(g.put(u64s(0, sig))), I(id));
    g.call("timer_settime", M(id), I(1), I(g.put(u64s(0, 0, at / 1_000_000_000n, at % 1_000_000_000n))), I(0));
  }
  for (let i = 0; i < timers.length; i++) {
    g.call("rt_sigtimedwait", I(set), I(0), I(0), I(8));
    g.call("clock_gettime", I(1), I(ts));
  }
  g.call("exit_group", I(0));
  const { trace, result } = g.run();
  assert.equal(result.state, "exited");
  const times = trace.filter((l) => l.startsWith("clock_gettime(")).map((l) => {
    const [sec, nsec] = /tv_sec=(\d+), tv_nsec=(\d+)/.exec(l)!.slice(1).map(BigInt);
    return sec * 1_000_000_000n + nsec;
  });
  return { signals: results(trace, "rt_sigtimedwait").map((x) => x.split(" ")[0]), times };
}

test("deadlines past 2^53 ns fire exactly at their ns: one ns later is one ns later, and timers fire in deadline order", () => {
  const e = 2n ** 54n + 1n;
  // the clock jumps to the expiry and reads it a fixed number of instructions later: a double
  // (4 ns apart there) could not tell e from e + 1
  const a = timersAt([[35, e]]).times[0];
  const b = timersAt([[35, e + 1n]]).times[0];
  assert.equal(b - a, 1n);
  assert.ok(a > e && a - e < 1000n, `woke at e + ${a - e}`);
  // the earlier deadline first, whatever the signal numbers and the order of arming
  const two = timersAt([[34, e + 1_000_000n], [35, e]]);
  assert.deepEqual(two.signals, ["35", "34"]);
  assert.ok(two.times[1] > e + 1_000_000n && two.times[0] < e + 1_000_000n);
  // and a deadline near KTIME_MAX still works as a deadline: it fires when it is the next
  const far = timersAt([[34, 2n ** 62n], [35, 2n ** 62n + 1_000_000n]]);
  assert.deepEqual(far.signals, ["34", "35"]);
  assert.ok(far.times[0] > 2n ** 62n && far.times[0] < 2n ** 62n + 1_000_000n);
  assert.ok(far.times[1] > 2n ** 62n + 1_000_000n);
});

test("a timerfd armed past 2^53 ns fires at its exact ns", () => {
  const run = (at: bigint): { read: string; now: bigint } => {
    const g = new Guest();
    const ts = g.put(new Uint8Array(16));
    const fd = g.call("timerfd_create", I(1), I(0));
    g.call("timerfd_settime", R(fd), I(1), I(g.put(u64s(0, 0, at / 1_000_000_000n, at % 1_000_000_000n))), I(0));
    g.call("read", R(fd), I(g.put(new Uint8Array(8))), I(8));
    g.call("clock_gettime", I(1), I(ts));
    g.call("exit_group", I(0));
    const { trace } = g.run();
    const [sec, nsec] = /tv_sec=(\d+), tv_nsec=(\d+)/.exec(trace.find((l) => l.startsWith("clock_gettime("))!)!.slice(1).map(BigInt);
    return { read: results(trace, "read")[0], now: sec * 1_000_000_000n + nsec };
  };
  const e = 2n ** 54n + 1n;
  const a = run(e), b = run(e + 1n);
  assert.equal(a.read, "8");
  assert.equal(b.now - a.now, 1n);
  assert.ok(a.now > e && a.now - e < 1000n);
});

test("a nanosleep of 2^53 + 1 ns ends exactly that long after it began", () => {
  const run = (ns: bigint): bigint => {
    const g = new Guest();
    const ts = g.put(new Uint8Array(16));
    g.call("clock_gettime", I(1), I(ts));
    g.call("nanosleep", I(g.put(timespec(ns / 1_000_000_000n, ns % 1_000_000_000n))), I(0));
    g.call("clock_gettime", I(1), I(ts));
    g.call("exit_group", I(0));
    const { trace } = g.run();
    const t = trace.filter((l) => l.startsWith("clock_gettime(")).map((l) => {
      const [sec, nsec] = /tv_sec=(\d+), tv_nsec=(\d+)/.exec(l)!.slice(1).map(BigInt);
      return sec * 1_000_000_000n + nsec;
    });
    return t[1] - t[0];
  };
  const n = 2n ** 53n + 1n;
  assert.equal(run(n + 1n) - run(n), 1n);
  assert.ok(run(n) > n);
});

test("execve's argument strings are charged to guest memory before the host holds them: E2BIG when they do not fit, and given back after", () => {
  const run = (memory: number) => {
    const g = new Guest();
    const y = g.put("y");
    const argv = g.put(u64s(...new Array(6000).fill(y), 0));
    g.call("execve", I(g.put("/nonexistent")), I(argv), I(0));
    g.call("execve", I(g.put("/nonexistent")), I(g.put(u64s(y, 0))), I(0));
    g.call("exit_group", I(0));
    return results(g.run({ memory }).trace, "execve");
  };
  // 6,000 one-byte arguments fit Linux's 2 MiB argument room; their host cost does not fit in 512 KiB
  assert.deepEqual(run(512 << 10), ["-1 E2BIG (Argument list too long)", "-1 ENOENT (No such file or directory)"]);
  assert.deepEqual(run(64 << 20), ["-1 ENOENT (No such file or directory)", "-1 ENOENT (No such file or directory)"]);
});

test("syscall work is system time: getrusage's ru_stime, times() and the clock count the bytes syscalls copied (64 per ns)", () => {
  const g = new Guest();
  const p = g.call("mmap", I(0), I(1 << 20), I(3), I(MAP_ANON_PRIVATE), I(-1), I(0));
  const ts = g.put(new Uint8Array(16));
  g.call("clock_gettime", I(2), I(ts));
  for (let i = 0; i < 20; i++) g.call("getrandom", R(p), I(1 << 20), I(0));
  g.call("clock_gettime", I(2), I(ts));
  g.call("getrusage", I(0), I(g.put(new Uint8Array(144))));
  g.call("getrusage", I(1), I(g.put(new Uint8Array(144))));
  g.call("exit_group", I(0));
  const { trace, kernel } = g.run();
  // 20 MiB written to the guest: 327,680 units of work, 328 us of system time and a little more
  const stime = trace.filter((l) => l.startsWith("getrusage(")).map((l) => Number(/ru_stime=\{tv_sec=0, tv_usec=(\d+)\}/.exec(l)![1]));
  assert.equal(stime.length, 2);
  for (const us of stime) assert.ok(us >= 327 && us < 400, `ru_stime ${us} us`);
  assert.equal(stime[0], stime[1], "one thread: the process's and the thread's are the same");
  // the process CPU clock counts it too, and the clock moved by it
  const cpu = trace.filter((l) => l.startsWith("clock_gettime(")).map((l) => Number(/tv_nsec=(\d+)/.exec(l)![1]));
  assert.ok(cpu[1] - cpu[0] >= 327_680, `CPU clock moved ${cpu[1] - cpu[0]} ns`);
  assert.ok(kernel.clock.now >= BigInt(kernel.totalInstructions + kernel.totalWork));
});

test("syscall copying counts against run()'s budget: getrandom of 32 MiB in a loop stops run(1e6) after a call or two, and the run goes on the same", () => {
  const g = new Guest();
  const p = g.call("mmap", I(0), I(32 << 20), I(3), I(MAP_ANON_PRIVATE), I(-1), I(0));
  for (let i = 0; i < 8; i++) g.call("getrandom", R(p), I(32 << 20), I(0));
  const { trace, result, kernel } = g.run({}, 1_000_000);
  assert.deepEqual(result, { state: "limit" });
  const done = results(trace, "getrandom").length;
  assert.ok(done >= 1 && done <= 2, `${done} getrandom calls in run(1e6)`);
  // the rest of the run is unchanged: the remaining calls finish in later slices
  for (let i = 0; i < 100 && kernel.run(1_000_000).state === "limit"; i++);
  // (getrandom returns at most 32 MiB - 1 bytes here, Linux before 5.18's INT_MAX >> 6)
  assert.deepEqual(results(trace, "getrandom"), Array(8).fill("33554431"));
});

test("an exec loop: the pages each exec zeroes and copies count against run()'s budget, so run(1e6) holds a bounded number of execs (uncharged, each exec cost a handful of instructions)", () => {
  const g = new Guest();
  const argv = g.put(u64s(0));
  g.call("execve", I(g.put("/bin/t")), I(argv), I(argv));
  const { trace, result, kernel } = g.run({}, 1_000_000);
  assert.deepEqual(result, { state: "limit" });
  const execs = results(trace, "execve").length;
  assert.ok(kernel.totalWork > 500_000, `work charged ${kernel.totalWork}`);
  assert.ok(execs > 10 && execs < 20_000, `${execs} execs in run(1e6)`);
});
