// wait4 and waitid (Linux: kernel/exit.c do_wait, wait_task_zombie/stopped/continued).

import { putKtimeval } from "../kernel/ktime.js";
import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, iarg, uarg, u32arg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import { Task, TaskState } from "../kernel/task.js";
import { SIGCHLD, SIGCONT, CLD_CONTINUED, CLD_DUMPED, CLD_EXITED, CLD_KILLED, CLD_STOPPED } from "../kernel/signals.js";
import { PidfdNode } from "../kernel/pidfd.js";
import { O_NONBLOCK } from "../fs/file.js";
import { findTask, vtgid, vtid } from "../kernel/pidns.js";
import { reap } from "../kernel/exit.js";
import { untilDone } from "../kernel/block.js";
import type { OpResult, Refusal } from "../base/errno.js";
import type { Regs } from "../cpu/regs.js";

export const WNOHANG = 1, WUNTRACED = 2, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000;
export const __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;
const P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;

interface Selector {
  /** a process, a process group (global ids), or any child */
  task?: Task;
  pgid?: number;
  any: boolean;
}

interface Report {
  child: Task;
  /** the id wait returns (a tracee thread's tid) */
  tid?: number;
  /** wait4's status word */
  status: number;
  code: number;
  siStatus: number;
}

function eligible(c: Task, sel: Selector, options: number): boolean {
  if (!c.isLeader) return false;
  if (!sel.any) {
    if (sel.task !== undefined && c !== sel.task) return false;
    if (sel.pgid !== undefined && c.group.pgid !== sel.pgid) return false;
  }
  // a "clone child" reports with a signal other than SIGCHLD (or none) and needs __WCLONE
  if (options & __WALL) return true;
  return (c.exitSignal !== SIGCHLD) === ((options & __WCLONE) !== 0);
}

function exitReport(c: Task): Report {
  const s = c.exitStatus;
  if ((s & 0x7f) === 0) return { child: c, status: s, code: CLD_EXITED, siStatus: (s >> 8) & 0xff };
  return { child: c, status: s, code: s & 0x80 ? CLD_DUMPED : CLD_KILLED, siStatus: s & 0x7f };
}

/** one pass over the children: a report, null when some child may report later, or -ECHILD.
 *  It walks the lists in place and stops at the first report: a parent of thousands of
 *  children scans them on every wake-up, and copying the lists each time made reaping
 *  1,000 children cost seconds. */
function scan(k: Kernel, t: Task, sel: Selector, options: number): Report | null | number {
  const waiters = options & __WNOTHREAD ? [t] : t.group.threads;
  let any = false;
  // tracees are waitable by their tracer whatever their exit signal (Linux: ptrace in eligible_child)
  for (const w of waiters)
    for (const c of w.ptrace.tracees) {
      if (!eligible(c, sel, options | __WALL) && c !== sel.task) continue;
      any = true;
      if (c.ptrace.stopped && c.ptrace.report !== null) {
        const st = c.ptrace.report;
        if (!(options & WNOWAIT)) c.ptrace.report = null;
        return { child: c, status: st, code: 4, siStatus: (st >> 8) & 0xff, tid: vtid(c, t) };
      }
      const isKid = eligible(c, sel, options) && waiters.some((x) => x.children.includes(c));
      if (!isKid && c.state === TaskState.Zombie && c.group.live().length === 0 && options & WEXITED && !c.ptrace.reportedToTracer) {
        // a tracer that is not the parent sees the exit first; the parent still reaps
        if (!(options & WNOWAIT)) c.ptrace.reportedToTracer = true;
        return { ...exitReport(c), tid: vtid(c, t) };
      }
    }
  for (const w of waiters)
    for (const c of w.children) {
      if (!eligible(c, sel, options)) continue;
      any = true;
      const r = childReport(k, c, options);
      if (r !== null) return r;
    }
  return any ? null : -E.ECHILD;
}

/** what an eligible child has to report (reaping it unless WNOWAIT), or null */
function childReport(k: Kernel, c: Task, options: number): Report | null {
  const g = c.group;
  if (options & WEXITED && c.state === TaskState.Zombie && g.live().length === 0) {
    const rep = exitReport(c);
    if (!(options & WNOWAIT)) reap(k, c);
    return rep;
  }
  if (options & WSTOPPED && g.stopped && g.reportStop) {
    if (!(options & WNOWAIT)) g.reportStop = false;
    return { child: c, status: (g.stopSignal << 8) | 0x7f, code: CLD_STOPPED, siStatus: g.stopSignal };
  }
  if (options & WCONTINUED && g.reportCont) {
    if (!(options & WNOWAIT)) g.reportCont = false;
    return { child: c, status: 0xffff, code: CLD_CONTINUED, siStatus: SIGCONT };
  }
  return null;
}

function waitOrSleep(k: Kernel, t: Task, sel: Selector, options: number): Report | number | typeof BLOCK {
  const r = scan(k, t, sel, options);
  if (r !== null) return r;
  if (options & WNOHANG) return 0;
  t.group.childWait.add(t);
  k.sched.sleep(t);
  return BLOCK;
}

/** struct rusage: user time from the instruction count (1 ns each) */
export function writeRusage(_k: Kernel, t: Task, addr: number, utime: number, stime: number): boolean {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  // ru_utime and ru_stime: timevals, microseconds rounded down
  putKtimeval(dv, 0, BigInt(utime));
  putKtimeval(dv, 16, BigInt(stime));
  return t.mm!.write(addr, b);
}

/** wait4(pid, wstatus, options, rusage) */
export const sysWait4: Handler = (k, t, r) => untilDone(() => wait4Once(k, t, r));

/** one try of wait4: BLOCK when it must wait (the handler sleeps and tries again) */
function wait4Once(k: Kernel, t: Task, r: Regs): OpResult | Refusal {
  const pid = iarg(r, 0);
  const statusAddr = uarg(r, 1);
  let options = u32arg(r, 2);
  const rusage = uarg(r, 3);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -E.EINVAL;
  if (pid === -2147483648) return -E.ESRCH;
  options |= WEXITED;
  const sel = selector(t, pid > 0 ? 1 : pid === -1 ? 0 : 2, pid > 0 ? pid : pid === -1 ? 0 : -pid);
  if (sel === null) return -E.ECHILD;
  const rep = waitOrSleep(k, t, sel, options);
  if (typeof rep !== "object") return rep;
  if (statusAddr !== 0 && !t.mm!.writeU32(statusAddr, rep.status)) return -E.EFAULT;
  if (rusage !== 0 && !writeRusage(k, t, rusage, rep.child.utime + rep.child.group.cutime, rep.child.stime + rep.child.group.cstime)) return -E.EFAULT;
  return rep.tid ?? vtgid(rep.child, t);
}

/** what wait looks for, from ids in the caller's pid namespace (null: nothing can match) */
function selector(t: Task, idtype: number, id: number): Selector | null {
  if (idtype === 0) return { any: true };
  if (idtype === 1) {
    const task = findTask(t, id);
    return task ? { task, any: false } : null;
  }
  if (id === 0) return { pgid: t.group.pgid, any: false };
  const leader = findTask(t, id);
  return { pgid: leader ? leader.tid : -1, any: false };
}

/** waitid(idtype, id, infop, options, rusage) */
export const sysWaitid: Handler = (k, t, r) => untilDone(() => waitidOnce(k, t, r));

/** one try of waitid: BLOCK when it must wait (the handler sleeps and tries again) */
function waitidOnce(k: Kernel, t: Task, r: Regs): OpResult | Refusal {
  const idtype = iarg(r, 0);
  const id = iarg(r, 1);
  const infop = uarg(r, 2);
  const options = u32arg(r, 3);
  const rusage = uarg(r, 4);
  if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)) return -E.EINVAL;
  if (!(options & (WEXITED | WSTOPPED | WCONTINUED))) return -E.EINVAL;
  let sel: Selector;
  let nonblock = false;
  switch (idtype) {
    case P_ALL:
      sel = { any: true };
      break;
    case P_PID: {
      if (id <= 0) return -E.EINVAL;
      const s = selector(t, 1, id);
      if (s === null) return -E.ECHILD;
      sel = s;
      break;
    }
    case P_PGID:
      if (id < 0) return -E.EINVAL;
      sel = selector(t, 2, id)!;
      break;
    case P_PIDFD: {
      if (id < 0) return -E.EINVAL;
      const f = t.files.lookup(id);
      if (f === null) return -E.EBADF;
      if (!(f.node instanceof PidfdNode)) return -E.EBADF;
      sel = { task: f.node.task, any: false };
      nonblock = (f.flags & O_NONBLOCK) !== 0;
      break;
    }
    default:
      return -E.EINVAL;
  }
  const rep = waitOrSleep(k, t, sel, options | (nonblock ? WNOHANG : 0));
  if (rep === BLOCK) return BLOCK;
  if (typeof rep === "number" && rep < 0) return rep;
  if (nonblock && rep === 0 && !(options & WNOHANG)) return -E.EAGAIN;
  if (infop !== 0) {
    const b = new Uint8Array(128);
    if (typeof rep === "object") {
      const dv = new DataView(b.buffer);
      dv.setInt32(0, SIGCHLD, true);
      dv.setInt32(8, rep.code, true);
      dv.setInt32(16, vtgid(rep.child, t), true);
      dv.setInt32(20, rep.child.cred.uid, true);
      dv.setInt32(24, rep.siStatus, true);
    }
    if (!t.mm!.write(infop, b.subarray(0, 32))) return -E.EFAULT;
  }
  if (rusage !== 0 && typeof rep === "object" && !writeRusage(k, t, rusage, rep.child.utime + rep.child.group.cutime, rep.child.stime + rep.child.group.cstime)) return -E.EFAULT;
  return 0;
}
