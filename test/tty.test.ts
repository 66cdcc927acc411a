// The tty layer (src/tty) without a kernel: a pty pair driven byte by byte, compared with what the
// real kernel printed for the same steps (conformance/expected/pty_*.out, recorded natively), and
// the job-control rules over a fake host.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./lib/run.js";
import { PtsFs } from "../src/tty/pty.js";
import { Pid, Tty, TtyFile, TtyHost, TtyProcess } from "../src/tty/tty.js";
import { isBlocked, TtyRead, TtyWrite, ttyIoctl, ttyPoll, ttyRelease, UserMem } from "../src/tty/ttyio.js";
import {
  ECHO, ECHOCTL, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOPRT, ICANON, ICRNL, IEXTEN, IGNCR, INLCR, ISTRIP, IUCLC, IUTF8,
  IXANY, IXON, NOFLSH, OCRNL, OLCUC, ONLCR, ONLRET, ONOCR, OPOST, TAB3, TCFLSH, TCGETS, TCSETS, TCXONC, TIOCGPGRP,
  TIOCGPTN, TIOCGWINSZ, TIOCINQ, TIOCPKT, TIOCSCTTY, TIOCSPGRP, TIOCSPTLCK, TIOCSWINSZ, VEOL, VEOL2, VERASE, VKILL,
  VMIN, VTIME, TIOCNOTTY,
} from "../src/tty/termbits.js";
import { killOrphanedPgrp, disassociateCtty } from "../src/tty/jobctrl.js";

const O_RDWR = 2, O_NONBLOCK = 0o4000;
const EAGAIN = 11, EIO = 5, ENOTTY = 25, EPERM = 1, ESRCH = 3, ERESTARTSYS = 512;
const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGCONT = 18, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGWINCH = 28;

class Proc implements TtyProcess {
  ctty: Tty | null = null;
  ttyOldPgrp: Pid | null = null;
  constructor(public pid: number, public pgrp: number, public session: number) {}
  get leader(): boolean {
    return this.pid === this.session;
  }
}

/** a kernel reduced to a process table, a signal log and a clock */
class Host implements TtyHost {
  procs: Proc[] = [];
  cur!: Proc;
  sent: string[] = [];
  ignored = new Set<number>();
  orphaned = new Set<number>();
  time = 0;
  proc(pid: number, pgrp: number, session: number): Proc {
    const p = new Proc(pid, pgrp, session);
    this.procs.push(p);
    return p;
  }
  current(): TtyProcess {
    return this.cur;
  }
  ignoresSignal(sig: number): boolean {
    return this.ignored.has(sig);
  }
  isOrphanedPgrp(pgrp: Pid): boolean {
    return this.orphaned.has(pgrp);
  }
  signalPgrp(pgrp: Pid, sig: number): void {
    this.sent.push(`pgrp ${pgrp} ${sig}`);
  }
  signalProcess(p: TtyProcess, sig: number): void {
    this.sent.push(`pid ${(p as Proc).pid} ${sig}`);
  }
  sessionProcesses(session: Pid): Iterable<TtyProcess> {
    return this.procs.filter((p) => p.session === session);
  }
  findPid(nr: number): Pid | null {
    return this.procs.some((p) => p.pid === nr) ? nr : null;
  }
  sessionOfPgrp(pgrp: Pid): Pid | null {
    const p = this.procs.find((q) => q.pgrp === pgrp) ?? this.procs.find((q) => q.pid === pgrp);
    return p ? p.session : null;
  }
  pidNr(pid: Pid): number {
    return pid;
  }
  capSysAdmin(): boolean {
    return true;
  }
  now(): number {
    return this.time;
  }
}

/** guest memory: one page at address 0x1000 */
class Mem implements UserMem {
  buf = new Uint8Array(4096);
  read(addr: number, len: number): Uint8Array | null {
    if (addr < 0x1000 || addr + len > 0x2000) return null;
    return this.buf.slice(addr - 0x1000, addr - 0x1000 + len);
  }
  write(addr: number, data: Uint8Array): boolean {
    if (addr < 0x1000 || addr + data.length > 0x2000) return false;
    this.buf.set(data, addr - 0x1000);
    return true;
  }
  int(addr: number): number {
    return new DataView(this.buf.buffer).getInt32(addr - 0x1000, true);
  }
  setInt(addr: number, v: number): void {
    new DataView(this.buf.buffer).setInt32(addr - 0x1000, v, true);
  }
}

const ARG = 0x1000;

class Pair {
  host = new Host();
  mem = new Mem();
  devpts = new PtsFs(this.host);
  m: TtyFile;
  s: TtyFile;
  shell: Proc;
  constructor(ctty = false) {
    this.shell = this.host.proc(100, 100, 100);
    this.host.cur = this.shell;
    this.m = this.devpts.openMaster(O_RDWR, true, true) as TtyFile;
    this.mem.setInt(ARG, 0);
    assert.equal(this.ioctl(this.m, TIOCSPTLCK, ARG), 0);
    assert.equal(this.ioctl(this.m, TIOCGPTN, ARG), 0);
    this.s = this.devpts.openSlave(this.mem.int(ARG), O_RDWR, true, true, !ctty) as TtyFile;
    assert.ok(this.s instanceof TtyFile);
  }
  ioctl(f: TtyFile, cmd: number, arg: number): number {
    return ttyIoctl(f, cmd, arg, { mem: this.mem, openPeer: () => -EIO });
  }
  write(f: TtyFile, data: Uint8Array | string): number {
    const b = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    const r = new TtyWrite(f, b).step();
    assert.equal(typeof r, "number");
    return r as number;
  }
  /** one read: the bytes, -errno, or "block" */
  read(f: TtyFile, n = 512, nonblock = false): Buffer | number | "block" {
    const save = f.flags;
    if (nonblock) f.flags |= O_NONBLOCK;
    const r = new TtyRead(f, n);
    let s = r.step();
    // a VTIME wait: let virtual time reach the deadline, as the kernel's timer would
    while (isBlocked(s) && s.deadline !== null) {
      this.host.time = s.deadline;
      s = r.step();
    }
    f.flags = save;
    if (isBlocked(s)) return "block";
    if (s < 0) return s;
    return Buffer.from(r.data);
  }
  drain(): string {
    let out = "";
    for (;;) {
      const r = this.read(this.m, 1024, true);
      if (!(r instanceof Buffer) || r.length === 0) break;
      out += r.toString("hex");
    }
    return out || "-";
  }
  tmod(field: "i" | "o" | "l", set: number, clr: number): void {
    assert.equal(this.ioctl(this.s, TCGETS, ARG), 0);
    const off = { i: 0, o: 4, l: 12 }[field];
    const v = new DataView(this.mem.buf.buffer).getUint32(off, true);
    new DataView(this.mem.buf.buffer).setUint32(off, ((v | set) & ~clr) >>> 0, true);
    assert.equal(this.ioctl(this.s, TCSETS, ARG), 0);
  }
  tcc(idx: number, v: number): void {
    assert.equal(this.ioctl(this.s, TCGETS, ARG), 0);
    this.mem.buf[17 + idx] = v;
    assert.equal(this.ioctl(this.s, TCSETS, ARG), 0);
  }
}

const hex = (r: Buffer | number | "block"): string =>
  r instanceof Buffer ? (r.length ? r.toString("hex") : "-") : r === "block" ? "block" : `E${-r}`;

/** expected lines "label: in=HEX read=HEX echo=HEX" of a native run, by label */
function nativeLines(name: string): Map<string, { input: Buffer; read: string; echo: string }> {
  const file = path.join(ROOT, "conformance/expected", `${name}.out`);
  const out = new Map<string, { input: Buffer; read: string; echo: string }>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^(.*): in=([0-9a-f-]+) read=(\S+) echo=(\S+)$/.exec(line);
    if (m) out.set(m[1], { input: Buffer.from(m[2] === "-" ? "" : m[2], "hex"), read: m[3], echo: m[4] });
  }
  return out;
}

/** replay the native steps of a conformance test: flag changes between lines as in its C source */
function replay(name: string, steps: (string | ((p: Pair) => void))[]): void {
  const want = nativeLines(name);
  const p = new Pair();
  for (const st of steps) {
    if (typeof st === "function") {
      st(p);
      continue;
    }
    const w = want.get(st);
    assert.ok(w, `${name}: no native line ${st}`);
    p.write(p.m, w.input);
    const got = hex(p.read(p.s));
    assert.deepEqual({ label: st, read: got, echo: p.drain() }, { label: st, read: w.read, echo: w.echo });
  }
}

test("canonical editing and its echo bytes match the kernel (pty_canon_edit)", () => {
  replay("pty_canon_edit", [
    "plain", "erase", "erase past start", "kill", "werase", "werase punct", "ctrl echo", "erase ctrl", "erase tab",
    "erase tab after tab", "erase tab after ctrl", "lnext", "reprint", "eol2 off, eol disabled", "del 0xff", "cr",
    (p) => assert.equal(p.write(p.s, "pr> "), 4),
    "after prompt", "utf8 off", (p) => p.tmod("i", IUTF8, 0), "utf8 on", "utf8 werase",
  ]);
});

test("echo flags match the kernel (pty_echo_flags)", () => {
  replay("pty_echo_flags", [
    (p) => p.tmod("l", 0, ECHOCTL), "-echoctl ctrl", "-echoctl erase ctrl",
    (p) => p.tmod("l", ECHOCTL, ECHOE), "-echoe erase", "-echoe kill",
    (p) => p.tmod("l", ECHOE, ECHOKE), "-echoke kill",
    (p) => p.tmod("l", 0, ECHOK), "-echok -echoke kill",
    (p) => p.tmod("l", ECHOK | ECHOKE | ECHOPRT, 0), "echoprt erase", "echoprt kill", "echoprt werase",
    (p) => p.tmod("l", 0, ECHOPRT | ECHO), "-echo",
    (p) => p.tmod("l", ECHONL, 0), "-echo echonl", "-echo kill",
    (p) => p.tmod("l", ECHO, ECHONL | IEXTEN), "-iexten werase lnext",
  ]);
});

test("input flags, VEOL/VEOL2 and other edit characters match the kernel (pty_io_flags)", () => {
  replay("pty_io_flags", [
    (p) => p.tmod("i", 0, ICRNL), "-icrnl cr",
    (p) => p.tmod("i", INLCR | ICRNL, 0), "inlcr icrnl",
    (p) => p.tmod("i", IGNCR | ICRNL, INLCR), "igncr",
    (p) => p.tmod("i", ISTRIP, IGNCR), "istrip",
    (p) => p.tmod("i", IUCLC, ISTRIP), "iuclc",
    (p) => { p.tmod("i", 0, IUCLC); p.tcc(VEOL, 0x3b); }, "veol",
    (p) => p.tcc(VEOL2, 0x7c), "veol2",
    (p) => { p.tcc(VEOL, 0); p.tcc(VEOL2, 0); p.tcc(VERASE, 0x23); p.tcc(VKILL, 0x40); }, "erase # kill @",
  ]);
});

test("output processing matches the kernel (pty_io_flags)", () => {
  const lines = fs.readFileSync(path.join(ROOT, "conformance/expected/pty_io_flags.out"), "utf8");
  const p = new Pair();
  const outs: [string, number, number][] = [
    ["onlcr", 0, 0], ["-onlcr", 0, ONLCR], ["ocrnl", OCRNL, 0], ["onocr", ONOCR, OCRNL], ["onlret", ONLRET, ONOCR],
    ["tab3", TAB3, ONLRET], ["olcuc", OLCUC, TAB3], ["-opost", 0, OPOST],
  ];
  for (const [label, set, clr] of outs) {
    p.tmod("o", set, clr);
    p.write(p.s, Buffer.from("\rab\tc\n\rd\xe9\0", "latin1"));
    const want = new RegExp(`^output ${label}: (\\S+)$`, "m").exec(lines);
    assert.ok(want, label);
    assert.equal(p.drain(), want[1], label);
  }
});

test("EOF ends a line, gives 0 once at line start, and never sticks", () => {
  const p = new Pair();
  p.write(p.m, "abc\x04");
  assert.equal(hex(p.read(p.s)), "616263");
  p.write(p.m, "\x04");
  assert.equal(hex(p.read(p.s)), "-");
  p.write(p.m, "x\n");
  assert.equal(hex(p.read(p.s)), "780a");
  p.write(p.m, "\x04\x04y\n");
  assert.equal(p.ioctl(p.s, TIOCINQ, ARG), 0);
  assert.equal(p.mem.int(ARG), 2, "FIONREAD does not count EOFs");
  assert.equal(hex(p.read(p.s)), "-");
  assert.equal(hex(p.read(p.s)), "-");
  assert.equal(hex(p.read(p.s)), "790a");
  p.write(p.m, "abc\x04");
  assert.equal(hex(p.read(p.s, 3)), "616263");
  p.write(p.m, "z\n");
  assert.equal(hex(p.read(p.s)), "7a0a", "a read that fills the buffer before an EOF consumes it");
  p.write(p.m, "long line\n");
  assert.equal(hex(p.read(p.s, 4)), "6c6f6e67");
  assert.equal(hex(p.read(p.s)), "206c696e650a");
  assert.equal(p.read(p.s, 512, true), -EAGAIN);
});

test("VMIN/VTIME: empty reads, the VTIME timer in virtual time, the 64-byte chunk, poll", () => {
  const p = new Pair();
  p.tmod("l", 0, ICANON | ECHO);
  p.tcc(VMIN, 0);
  p.tcc(VTIME, 0);
  assert.equal(hex(p.read(p.s)), "-");
  p.tcc(VTIME, 2);
  const r = new TtyRead(p.s, 256);
  const st = r.step();
  assert.ok(isBlocked(st) && st.deadline === 200_000_000, "MIN=0 TIME=2 waits 0.2 s");
  p.host.time = 200_000_000;
  assert.equal(r.step(), 0);
  p.write(p.m, "ab");
  assert.equal(hex(p.read(p.s)), "6162");
  p.tcc(VMIN, 3);
  p.tcc(VTIME, 0);
  p.write(p.m, "cdefg");
  assert.equal(hex(p.read(p.s, 2)), "6364");
  assert.equal(hex(p.read(p.s)), "656667");
  p.tcc(VTIME, 1);
  p.write(p.m, "h");
  const t0 = p.host.time;
  const r2 = new TtyRead(p.s, 256);
  const s2 = r2.step();
  assert.ok(isBlocked(s2) && s2.deadline === t0 + 100_000_000, "the inter-byte timer starts after a byte");
  p.host.time = t0 + 100_000_000;
  assert.equal(r2.step(), 1);
  p.tcc(VMIN, 100);
  p.tcc(VTIME, 0);
  p.write(p.m, Buffer.alloc(200, 0x7a));
  assert.equal((p.read(p.s, 256) as Buffer).length, 64, "MIN above the 64-byte chunk returns 64");
  assert.equal((p.read(p.s, 256) as Buffer).length, 64);
  p.tcc(VMIN, 0);
  assert.equal((p.read(p.s, 256) as Buffer).length, 72);
  p.tcc(VMIN, 4);
  p.write(p.m, "123");
  assert.equal(ttyPoll(p.s) & 1, 0);
  p.write(p.m, "4");
  assert.equal(ttyPoll(p.s) & 1, 1);
  p.write(p.m, "pq");
  p.tmod("l", ICANON, 0);
  assert.equal(hex(p.read(p.s)), "3132333470" + "71", "canonical again: buffered bytes are a line");
});

test("a VMIN read keeps its bytes across the wait and returns them when a signal ends it", () => {
  const p = new Pair();
  p.tmod("l", 0, ICANON | ECHO);
  p.tcc(VMIN, 5);
  p.write(p.m, "ab");
  const r = new TtyRead(p.s, 64);
  assert.ok(isBlocked(r.step()));
  p.write(p.m, "c");
  assert.ok(isBlocked(r.step()));
  assert.equal(r.interrupted(), 3);
  assert.equal(Buffer.from(r.data).toString(), "abc");
});

test("flow control: ^S holds output and echo, ^Q releases them; packet mode status bytes", () => {
  const p = new Pair();
  p.write(p.m, "\x13");
  p.s.flags |= O_NONBLOCK;
  assert.equal(new TtyWrite(p.s, Buffer.from("out")).step(), -EAGAIN);
  p.s.flags &= ~O_NONBLOCK;
  p.write(p.m, "e\n");
  assert.equal(hex(p.read(p.s)), "650a");
  assert.equal(p.drain(), "-");
  p.write(p.m, "\x11");
  assert.equal(p.drain(), "650d0a");
  p.tmod("i", IXANY, 0);
  p.write(p.m, "\x13k");
  assert.equal(p.drain(), "6b");
  p.tmod("i", 0, IXON | IXANY);
  p.tmod("i", IXON, 0);
  p.write(p.m, "\n");
  p.read(p.s);
  p.drain();
  p.mem.setInt(ARG, 1);
  assert.equal(p.ioctl(p.m, TIOCPKT, ARG), 0);
  p.write(p.s, "hi");
  assert.equal(hex(p.read(p.m)), "006869");
  p.write(p.m, "\x13");
  assert.equal(hex(p.read(p.m)), "04");
  p.write(p.m, "\x11");
  assert.equal(hex(p.read(p.m)), "08");
  assert.equal(p.ioctl(p.s, TCFLSH, 0), 0);
  assert.equal(hex(p.read(p.m)), "01");
  assert.equal(p.ioctl(p.s, TCFLSH, 1), 0);
  assert.equal(hex(p.read(p.m)), "02");
  p.tmod("i", 0, IXON);
  assert.equal(hex(p.read(p.m)), "10");
  p.tmod("i", IXON, 0);
  assert.equal(hex(p.read(p.m)), "20");
  assert.equal(p.ioctl(p.s, TCXONC, 9), -22);
});

test("closing the slave makes master reads EIO after the data; closing the master hangs up the slave", () => {
  const p = new Pair();
  p.write(p.s, "bye\n");
  ttyRelease(p.s);
  assert.equal(ttyPoll(p.m) & (0x5 | 0x18), 0x15, "POLLIN POLLOUT POLLHUP (as revents for POLLIN|POLLOUT)");
  assert.equal(hex(p.read(p.m)), "6279650d0a");
  assert.equal(p.read(p.m), -EIO);
  assert.equal(p.write(p.m, "in\n"), 3);
  const s = p.devpts.openSlave(0, O_RDWR, true, true, true) as TtyFile;
  assert.equal(hex(p.read(s)), "696e0a");
  assert.equal(hex(p.read(p.m)), "696e0d0a");
  ttyRelease(p.m);
  assert.equal(hex(p.read(s)), "-");
  assert.equal(new TtyWrite(s, Buffer.from("x")).step(), -EIO);
  assert.equal(p.ioctl(s, TCGETS, ARG), -EIO);
  assert.equal(p.ioctl(s, TIOCSPGRP, ARG), -ENOTTY);
  assert.equal(ttyPoll(s) & (0x5 | 0x18), 0x1d);
  assert.equal(p.devpts.nodes.size, 0, "the /dev/pts node is gone");
  assert.equal(p.devpts.openSlave(0, O_RDWR, true, true, true), -EIO);
});

test("^C ^\\ ^Z signal the foreground group and flush, unless NOFLSH", () => {
  const p = new Pair(true);
  assert.equal(p.s.tty.session, 100, "the leader's open made it the controlling tty");
  p.write(p.m, "abc");
  p.drain();
  p.write(p.m, "\x03");
  assert.deepEqual(p.host.sent, [`pgrp 100 ${SIGINT}`]);
  assert.equal(p.drain(), "5e43");
  p.write(p.m, "x\n");
  assert.equal(hex(p.read(p.s)), "780a", "abc was flushed");
  p.tmod("l", NOFLSH, 0);
  p.write(p.m, "abc\x1cd\n");
  assert.equal(hex(p.read(p.s)), "616263640a");
  p.write(p.m, "\x1a");
  assert.deepEqual(p.host.sent.slice(1), [`pgrp 100 ${SIGQUIT}`, `pgrp 100 ${SIGTSTP}`]);
});

test("job control: background reads get SIGTTIN or EIO, TOSTOP writes and termios changes SIGTTOU", () => {
  const p = new Pair(true);
  const h = p.host;
  const bg = h.proc(200, 200, 100);
  bg.ctty = p.s.tty;
  h.cur = bg;
  assert.equal(new TtyRead(p.s, 10).step(), -ERESTARTSYS);
  assert.deepEqual(h.sent, [`pgrp 200 ${SIGTTIN}`]);
  h.ignored.add(SIGTTIN);
  assert.equal(new TtyRead(p.s, 10).step(), -EIO);
  h.ignored.clear();
  h.orphaned.add(200);
  assert.equal(new TtyRead(p.s, 10).step(), -EIO);
  h.orphaned.clear();
  assert.equal(p.write(p.s, "bg\n"), 3, "no TOSTOP: background writes go through");
  h.cur = p.shell;
  p.tmod("l", 0x100, 0);
  h.cur = bg;
  assert.equal(new TtyWrite(p.s, Buffer.from("x")).step(), -ERESTARTSYS);
  assert.equal(p.ioctl(p.s, TCSETS, ARG), -ERESTARTSYS);
  assert.equal(p.ioctl(p.s, TCGETS, ARG), 0);
  assert.deepEqual(h.sent.slice(1), [`pgrp 200 ${SIGTTOU}`, `pgrp 200 ${SIGTTOU}`]);
  h.ignored.add(SIGTTOU);
  p.mem.setInt(ARG, 200);
  assert.equal(p.ioctl(p.s, TIOCSPGRP, ARG), 0, "SIGTTOU ignored: tcsetpgrp from the background works");
  assert.equal(p.s.tty.pgrp, 200);
  h.orphaned.add(100);
  h.ignored.clear();
  h.cur = p.shell;
  p.mem.setInt(ARG, 100);
  assert.equal(p.ioctl(p.s, TIOCSPGRP, ARG), -ENOTTY, "an orphaned group's tcsetpgrp is ENOTTY");
});

test("tcsetpgrp, TIOCSCTTY, TIOCNOTTY, TIOCGPGRP rules", () => {
  const p = new Pair(true);
  const h = p.host;
  const other = h.proc(300, 300, 300);
  h.proc(101, 100, 100);
  p.mem.setInt(ARG, -1);
  assert.equal(p.ioctl(p.s, TIOCSPGRP, ARG), -22);
  p.mem.setInt(ARG, 999);
  assert.equal(p.ioctl(p.s, TIOCSPGRP, ARG), -ESRCH);
  p.mem.setInt(ARG, 300);
  assert.equal(p.ioctl(p.s, TIOCSPGRP, ARG), -EPERM);
  p.mem.setInt(ARG, 101);
  assert.equal(p.ioctl(p.s, TIOCSPGRP, ARG), 0, "a non-leader pid of the session is accepted");
  assert.equal(p.ioctl(p.m, TIOCGPGRP, ARG), 0);
  assert.equal(p.mem.int(ARG), 101);
  assert.equal(p.ioctl(p.s, TIOCSCTTY, 0), 0, "already ours");
  h.cur = other;
  assert.equal(p.ioctl(p.s, TIOCGPGRP, ARG), -ENOTTY);
  assert.equal(p.ioctl(p.s, TIOCSCTTY, 0), -EPERM);
  assert.equal(p.ioctl(p.s, TIOCNOTTY, 0), -ENOTTY);
  h.cur = p.shell;
  assert.equal(p.ioctl(p.s, TIOCNOTTY, 0), 0);
  assert.deepEqual(h.sent, [`pgrp 101 ${SIGHUP}`, `pgrp 101 ${SIGCONT}`]);
  assert.equal(p.shell.ctty, null);
  assert.equal(p.s.tty.session, null);
  h.cur = other;
  assert.equal(p.ioctl(p.s, TIOCSCTTY, 0), 0, "a free tty can be taken");
});

test("session leader exit: SIGHUP to the foreground group of a pty; orphaned stopped groups", () => {
  const p = new Pair(true);
  const h = p.host;
  const job = h.proc(101, 101, 100);
  job.ctty = p.s.tty;
  p.mem.setInt(ARG, 101);
  assert.equal(p.ioctl(p.s, TIOCSPGRP, ARG), 0);
  disassociateCtty(h, true);
  assert.deepEqual(h.sent, [`pgrp 101 ${SIGHUP}`]);
  assert.equal(job.ctty, null);
  assert.equal(p.s.tty.session, null);
  h.sent = [];
  assert.equal(killOrphanedPgrp(h, 101, { parentInOtherPgrpSameSession: true, becomesOrphaned: true, hasStoppedJobs: false }), false);
  assert.equal(killOrphanedPgrp(h, 101, { parentInOtherPgrpSameSession: true, becomesOrphaned: true, hasStoppedJobs: true }), true);
  assert.deepEqual(h.sent, [`pgrp 101 ${SIGHUP}`, `pgrp 101 ${SIGCONT}`]);
});

test("TIOCSWINSZ: SIGWINCH to the foreground group only on a change", () => {
  const p = new Pair(true);
  p.mem.buf.set([24, 0, 80, 0, 0, 0, 0, 0]);
  assert.equal(p.ioctl(p.m, TIOCSWINSZ, ARG), 0);
  assert.equal(p.ioctl(p.m, TIOCSWINSZ, ARG), 0);
  assert.deepEqual(p.host.sent, [`pgrp 100 ${SIGWINCH}`]);
  p.mem.buf.fill(0, 0, 8);
  assert.equal(p.ioctl(p.s, TIOCGWINSZ, ARG), 0);
  assert.deepEqual([...p.mem.buf.subarray(0, 4)], [24, 0, 80, 0]);
  assert.equal(p.ioctl(p.m, TIOCSWINSZ, 8), -14);
});
