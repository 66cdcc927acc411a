// Process syscalls: clone, exit, wait4, execve, ids, limits, futex.

import * as E from "../kernel/errno.js";
import { BLOCK } from "../kernel/errno.js";
import { Handler, arg, iarg, uarg, u32arg } from "./args.js";
import { kernelClone, CLONE_VFORK, CLONE_PIDFD, CLONE_PARENT_SETTID } from "../kernel/fork.js";
import { Task, TaskState, RLIM_INFINITY } from "../kernel/task.js";
import type { Kernel } from "../kernel/kernel.js";
import { doExecve } from "../kernel/exec.js";
import { SIGCHLD } from "../kernel/signals.js";

/** clone(flags, stack, parent_tid, tls, child_tid) — riscv64 argument order */
export const sysClone: Handler = (k, t, r) => {
  if (t.sysState !== null) return vforkWait(k, t);
  const raw = uarg(r, 0);
  const low = raw % 4294967296;
  if ((low & CLONE_PIDFD) !== 0 && (low & CLONE_PARENT_SETTID) !== 0) {
    k.reason = "CLONE_PIDFD cannot be combined with CLONE_PARENT_SETTID in clone()";
    return -E.EINVAL;
  }
  // legacy clone: only the low 32 bits are flags; the low byte is the exit signal
  const flags = (low - (low & 0xff)) >>> 0;
  const exitSignal = low & 0xff;
  const c = kernelClone(k, t, { flags, exitSignal, stack: uarg(r, 1), parentTid: uarg(r, 2), tls: uarg(r, 3), childTid: uarg(r, 4) });
  if (typeof c === "number") return c;
  if ((flags & CLONE_VFORK) !== 0) {
    t.sysState = c;
    return vforkWait(k, t);
  }
  return c.tid;
};

/** the vfork parent sleeps until the child execs or exits (Linux: wait_for_vfork_done) */
function vforkWait(k: Kernel, t: Task): number | typeof BLOCK {
  const c = t.sysState as Task;
  if (c.vforkParent === t) {
    k.sleep(t);
    return BLOCK;
  }
  return c.tid;
}

export const sysExit: Handler = (k, t, r) => {
  k.doExit(t, (iarg(r, 0) & 0xff) << 8, false);
  return 0;
};

export const sysExitGroup: Handler = (k, t, r) => {
  k.groupExit(t, (iarg(r, 0) & 0xff) << 8);
  return 0;
};

const WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000;
const __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;
void WEXITED; void WNOWAIT; void WUNTRACED; void WCONTINUED;

/** children of the caller's whole thread group (or only of the caller with __WNOTHREAD) */
function waitChildren(t: Task, options: number): Task[] {
  if (options & __WNOTHREAD) return t.children;
  return t.group.threads.flatMap((x) => x.children);
}

function eligible(c: Task, pid: number, t: Task, options: number): boolean {
  if (!c.isLeader) return false;
  if (pid > 0 && c.tgid !== pid) return false;
  if (pid === 0 && c.group.pgid !== t.group.pgid) return false;
  if (pid < -1 && c.group.pgid !== -pid) return false;
  // a "clone child" reports with a signal other than SIGCHLD (or none) and needs __WCLONE
  const cloneChild = c.exitSignal !== SIGCHLD;
  if (options & __WALL) return true;
  return cloneChild === ((options & __WCLONE) !== 0);
}

/** wait4(pid, wstatus, options, rusage) */
export const sysWait4: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const statusAddr = uarg(r, 1);
  const options = u32arg(r, 2);
  const rusage = uarg(r, 3);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -E.EINVAL;
  if (pid === -2147483648) return -E.ESRCH;
  const kids = waitChildren(t, options).filter((c) => eligible(c, pid, t, options));
  if (kids.length === 0) return -E.ECHILD;
  const z = kids.find((c) => c.state === TaskState.Zombie && c.group.live().length === 0);
  if (z) {
    if (statusAddr !== 0 && !t.mm!.writeU32(statusAddr, z.exitStatus)) return -E.EFAULT;
    if (rusage !== 0 && !writeRusage(k, t, rusage, z.utime + z.group.cutime)) return -E.EFAULT;
    const id = z.tgid;
    k.reap(z);
    return id;
  }
  if (options & WNOHANG) return 0;
  t.group.childWait.add(t);
  k.sleep(t);
  return BLOCK;
};

/** struct rusage with user time from instruction counts (1 ns each) */
export function writeRusage(k: Kernel, t: Task, addr: number, instructions: number): boolean {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  const us = Math.floor(instructions / 1000);
  dv.setUint32(0, Math.floor(us / 1e6), true);
  dv.setUint32(8, us % 1e6, true);
  void k;
  return t.mm!.write(addr, b);
}

export const sysExecve: Handler = (k, t, r) => {
  const mm = t.mm!;
  const path = mm.readString(uarg(r, 0), 4096);
  if (path === null) return -E.EFAULT;
  if (path === undefined) return -E.ENAMETOOLONG;
  const argv = readStrings(k, t, uarg(r, 1));
  if (typeof argv === "number") return argv;
  const envp = readStrings(k, t, uarg(r, 2));
  if (typeof envp === "number") return envp;
  return doExecve(k, t, path, argv, envp);
};

function readStrings(_k: Kernel, t: Task, addr: number): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  if (addr === 0) return out;
  const mm = t.mm!;
  const enc = new TextEncoder();
  for (let i = 0; ; i++) {
    if (i > 0x20000) return -E.E2BIG;
    const p = mm.readU64(addr + i * 8);
    if (p === null) return -E.EFAULT;
    if (p === 0) return out;
    const s = mm.readString(p, 32 * 4096);
    if (s === null) return -E.EFAULT;
    if (s === undefined) return -E.E2BIG;
    out.push(enc.encode(s));
  }
}

export const sysGetpid: Handler = (_k, t) => t.tgid;
export const sysGettid: Handler = (_k, t) => t.tid;
export const sysGetppid: Handler = (_k, t) => {
  const p = t.group.leader.parent;
  return p ? p.tgid : 0;
};
export const sysGetuid: Handler = (_k, t) => t.uid;
export const sysGeteuid: Handler = (_k, t) => t.euid;
export const sysGetgid: Handler = (_k, t) => t.gid;
export const sysGetegid: Handler = (_k, t) => t.egid;

export const sysSetTidAddress: Handler = (_k, t, r) => {
  t.clearChildTid = uarg(r, 0);
  return t.tid;
};

export const sysSetRobustList: Handler = (_k, t, r) => {
  if (uarg(r, 1) !== 24) return -E.EINVAL;
  t.robustList = uarg(r, 0);
  t.robustLen = 24;
  return 0;
};

export const sysSchedYield: Handler = (_k, t) => {
  t.slice = 0;
  return 0;
};

const RLIM_NLIMITS = 16;

/** prlimit64(pid, resource, new, old) */
export const sysPrlimit64: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const res = u32arg(r, 1);
  const nw = uarg(r, 2);
  const old = uarg(r, 3);
  if (res >= RLIM_NLIMITS) return -E.EINVAL;
  const target = pid === 0 ? t : k.tasks.get(pid);
  if (!target || target.state === TaskState.Dead) return -E.ESRCH;
  const lim = target.group.rlimits[res];
  let next = null;
  if (nw !== 0) {
    const cur = t.mm!.readU64(nw);
    const max = t.mm!.readU64(nw + 8);
    if (cur === null || max === null) return -E.EFAULT;
    const c = cur >= 2 ** 63 ? RLIM_INFINITY : cur;
    const m = max >= 2 ** 63 ? RLIM_INFINITY : max;
    if (c > m) return -E.EINVAL;
    if (m > lim.max && t.euid !== 0) return -E.EPERM;
    next = { cur: c, max: m };
  }
  if (old !== 0) {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    const put = (o: number, v: number) => {
      if (v === RLIM_INFINITY) { dv.setInt32(o, -1, true); dv.setInt32(o + 4, -1, true); }
      else { dv.setUint32(o, v % 4294967296, true); dv.setUint32(o + 4, Math.floor(v / 4294967296), true); }
    };
    put(0, lim.cur);
    put(8, lim.max);
    if (!t.mm!.write(old, b)) return -E.EFAULT;
  }
  if (next) target.group.rlimits[res] = next;
  return 0;
};

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_PRIVATE = 128, FUTEX_CLOCK_REALTIME = 256;

/** futex: WAIT and WAKE (the full futex is the threads issue's work) */
export const sysFutex: Handler = (k, t, r) => {
  const addr = uarg(r, 0);
  const op = iarg(r, 1) & ~(FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);
  const val = iarg(r, 2);
  const mm = t.mm!;
  if (op === FUTEX_WAKE) return k.futexWake(mm, addr, val);
  if (op === FUTEX_WAIT) {
    if (t.sysState === "woken") return 0;
    const cur = mm.readU32(addr);
    if (cur === null) return -E.EFAULT;
    if ((cur | 0) !== val) return -E.EAGAIN;
    const key = k.futexKey(mm, addr);
    const q = k.futexQueues.get(key) ?? [];
    q.push(t);
    k.futexQueues.set(key, q);
    t.sysState = "waiting";
    k.sleep(t);
    return BLOCK;
  }
  k.reason = "futex operation not implemented yet";
  return -E.ENOSYS;
};

export { arg };
