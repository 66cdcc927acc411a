// System V semaphores (semget, semop, semtimedop, semctl; Linux: ipc/sem.c) and I/O priorities
// (ioprio_get/ioprio_set; block/ioprio.c): what CLONE_SYSVSEM and CLONE_IO share.

import { deadlineAfter } from "../kernel/clock.js";
import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import { Task, TaskState } from "../kernel/task.js";
import { SEMMSL, SEMOPM, SEMVMX, SemSet, SemUndoList } from "../kernel/sem.js";
import { readTimespec } from "./time.js";
import { findTask } from "../kernel/pidns.js";
import { INIT_USER_NS } from "../cred/userns.js";
import { CAP_IPC_OWNER, CAP_SYS_ADMIN, CAP_SYS_NICE } from "../cred/capability.js";
import { untilDone, type SysResult } from "../kernel/block.js";

const IPC_PRIVATE = 0, IPC_CREAT = 0o1000, IPC_EXCL = 0o2000, IPC_NOWAIT = 0o4000;
const IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3;
const GETPID = 11, GETVAL = 12, GETALL = 13, GETNCNT = 14, GETZCNT = 15, SETVAL = 16, SETALL = 17;
const SEM_STAT = 18, SEM_INFO = 19, SEM_STAT_ANY = 20;
const SEM_UNDO = 0x1000;

function access(t: Task, s: SemSet, write: boolean): boolean {
  if (t.can(CAP_IPC_OWNER, INIT_USER_NS)) return true;
  const need = write ? 2 : 4;
  const bits = t.cred.euid === s.uid ? (s.mode >> 6) & 7 : t.cred.egid === s.gid ? (s.mode >> 3) & 7 : s.mode & 7;
  return (bits & need) === need;
}

export const sysSemget: Handler = (k, t, r) => {
  const key = iarg(r, 0);
  const nsems = iarg(r, 1);
  const flg = iarg(r, 2);
  const ns = t.nsproxy.ipc;
  if (key !== IPC_PRIVATE) {
    const s = ns.semByKey(key);
    if (s) {
      if ((flg & (IPC_CREAT | IPC_EXCL)) === (IPC_CREAT | IPC_EXCL)) return -E.EEXIST;
      if (nsems > s.nsems) return -E.EINVAL;
      if (!access(t, s, false)) return -E.EACCES;
      return s.id;
    }
    if (!(flg & IPC_CREAT)) return -E.ENOENT;
  }
  if (nsems <= 0 || nsems > SEMMSL) return -E.EINVAL;
  const s = ns.newSem(key, flg & 0o777, t.cred.euid, t.cred.egid, nsems, k.clock.realtimeApprox());
  return s === null ? -E.ENOSPC : s.id;
};

interface Sop {
  num: number;
  op: number;
  flg: number;
}

function readSops(t: Task, addr: number, n: number): Sop[] | number {
  const b = t.mm!.read(addr, n * 6);
  if (b === null) return -E.EFAULT;
  const dv = new DataView(b.buffer);
  const out: Sop[] = [];
  for (let i = 0; i < n; i++) out.push({ num: dv.getUint16(i * 6, true), op: dv.getInt16(i * 6 + 2, true), flg: dv.getInt16(i * 6 + 4, true) });
  return out;
}

/** apply all operations or none (Linux: perform_atomic_semop); >0 = would block on that sop index+1 */
function tryOps(s: SemSet, sops: Sop[]): number {
  const v = Int32Array.from(s.vals);
  for (let i = 0; i < sops.length; i++) {
    const o = sops[i];
    const cur = v[o.num];
    if (o.op === 0) {
      if (cur !== 0) return o.flg & IPC_NOWAIT ? -E.EAGAIN : i + 1;
    } else {
      const next = cur + o.op;
      if (next < 0) return o.flg & IPC_NOWAIT ? -E.EAGAIN : i + 1;
      if (next > SEMVMX) return -E.ERANGE;
      v[o.num] = next;
    }
  }
  s.vals.set(v);
  return 0;
}

/** semop and semtimedop: every wake-up tries the operations again; the deadline is fixed by the
 *  first try, and a set removed while we waited gives EIDRM */
function semop(k: Kernel, t: Task, semid: number, sopsAddr: number, nsops: number, tmo: number): SysResult {
  let deadline: bigint | null = null;
  let waited = false;
  return untilDone(() => {
    const r = semopOnce(k, t, semid, sopsAddr, nsops, tmo, deadline, waited);
    if (typeof r === "object") {
      deadline = r.deadline;
      waited = true;
      return BLOCK;
    }
    return r;
  });
}

/** one try: the result, or the deadline when it sleeps */
function semopOnce(k: Kernel, t: Task, semid: number, sopsAddr: number, nsops: number, tmo: number, knownDeadline: bigint | null, waited: boolean): number | { deadline: bigint } {
  if (nsops < 1) return -E.EINVAL;
  if (nsops > SEMOPM) return -E.E2BIG;
  const s = t.nsproxy.ipc.sems.get(semid);
  if (!s || s.removed) return waited ? -E.EIDRM : -E.EINVAL;
  const sops = readSops(t, sopsAddr, nsops);
  if (typeof sops === "number") return sops;
  let alter = false;
  for (const o of sops) {
    if (o.num >= s.nsems) return -E.EFBIG;
    if (o.op !== 0) alter = true;
  }
  if (!access(t, s, alter)) return -E.EACCES;
  let deadline = knownDeadline ?? -1n;
  if (knownDeadline === null && tmo !== 0) {
    const ns = readTimespec(t, tmo);
    if (ns < 0n) return Number(ns);
    deadline = deadlineAfter(k.clock.now, ns);
  }
  const res = tryOps(s, sops);
  if (res < 0) return res;
  if (res > 0) {
    if (deadline >= 0n && k.clock.now >= deadline) return -E.EAGAIN;
    s.waiters.add(t);
    k.sched.sleep(t, deadline);
    return { deadline };
  }
  for (const o of sops) {
    s.pids[o.num] = t.tgid;
    if (o.flg & SEM_UNDO && o.op !== 0) {
      let a = t.semUndo.adj.get(semid);
      if (!a) t.semUndo.adj.set(semid, (a = new Int32Array(s.nsems)));
      a[o.num] -= o.op;
    }
  }
  s.otime = k.clock.realtimeApprox();
  s.waiters.wakeAll();
  return 0;
}

export const sysSemop: Handler = (k, t, r) => semop(k, t, iarg(r, 0), uarg(r, 1), uarg(r, 2), 0);
export const sysSemtimedop: Handler = (k, t, r) => semop(k, t, iarg(r, 0), uarg(r, 1), uarg(r, 2), uarg(r, 3));

function allUndoLists(k: Kernel): Set<SemUndoList> {
  const out = new Set<SemUndoList>();
  for (const x of k.tasks.values()) if (x.state !== TaskState.Dead && x.regs) out.add(x.semUndo);
  return out;
}

function semidDs(s: SemSet): Uint8Array {
  const b = new Uint8Array(88);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, s.key, true);
  dv.setUint32(4, s.uid, true);
  dv.setUint32(8, s.gid, true);
  dv.setUint32(12, s.uid, true);
  dv.setUint32(16, s.gid, true);
  dv.setUint32(20, s.mode, true);
  dv.setUint16(24, Math.floor(s.id / 32768), true);
  dv.setUint32(48, Math.floor(s.otime / 1e9), true);
  dv.setUint32(56, Math.floor(s.ctime / 1e9), true);
  dv.setUint32(64, s.nsems, true);
  return b;
}

/** semctl(semid, semnum, cmd, arg) — arg is the union semun passed by value */
export const sysSemctl: Handler = (k, t, r) => {
  const semid = iarg(r, 0);
  const semnum = iarg(r, 1);
  const cmd = iarg(r, 2) & ~0x100; // IPC_64
  const argp = uarg(r, 3);
  const argv = iarg(r, 3);
  if (cmd === IPC_INFO || cmd === SEM_INFO) {
    const b = new Uint8Array(40);
    const dv = new DataView(b.buffer);
    [32000, 1024000000, 32000, 32000, 500, 0, 32000, SEMVMX, 32767, 0].forEach((v, i) => dv.setInt32(i * 4, v, true));
    if (!t.mm!.write(argp, b)) return -E.EFAULT;
    return Math.max(0, ...[...t.nsproxy.ipc.sems.keys()].map((id) => id % 32768));
  }
  const s = t.nsproxy.ipc.sems.get(semid);
  if (cmd === SEM_STAT || cmd === SEM_STAT_ANY) return -E.EINVAL;
  if (!s || s.removed) return -E.EINVAL;
  const checkNum = () => semnum >= 0 && semnum < s.nsems;
  switch (cmd) {
    case IPC_RMID:
      if (!t.can(CAP_SYS_ADMIN, INIT_USER_NS) && t.cred.euid !== s.uid) return -E.EPERM;
      s.removed = true;
      t.nsproxy.ipc.sems.delete(semid);
      SemUndoList.clear(allUndoLists(k), semid, -1);
      s.waiters.wakeAll();
      return 0;
    case IPC_STAT:
      if (!access(t, s, false)) return -E.EACCES;
      return t.mm!.write(argp, semidDs(s)) ? 0 : -E.EFAULT;
    case IPC_SET: {
      if (!t.can(CAP_SYS_ADMIN, INIT_USER_NS) && t.cred.euid !== s.uid) return -E.EPERM;
      const b = t.mm!.read(argp, 88);
      if (b === null) return -E.EFAULT;
      s.mode = new DataView(b.buffer).getUint32(20, true) & 0o777;
      s.ctime = k.clock.realtimeApprox();
      return 0;
    }
    case GETVAL:
      if (!access(t, s, false)) return -E.EACCES;
      return checkNum() ? s.vals[semnum] : -E.EINVAL;
    case GETPID:
      if (!access(t, s, false)) return -E.EACCES;
      return checkNum() ? s.pids[semnum] : -E.EINVAL;
    case GETNCNT:
    case GETZCNT:
      if (!access(t, s, false)) return -E.EACCES;
      return checkNum() ? 0 : -E.EINVAL;
    case GETALL: {
      if (!access(t, s, false)) return -E.EACCES;
      const b = new Uint8Array(2 * s.nsems);
      const dv = new DataView(b.buffer);
      s.vals.forEach((v, i) => dv.setUint16(2 * i, v, true));
      return t.mm!.write(argp, b) ? 0 : -E.EFAULT;
    }
    case SETVAL:
      if (!access(t, s, true)) return -E.EACCES;
      if (!checkNum()) return -E.EINVAL;
      if (argv < 0 || argv > SEMVMX) return -E.ERANGE;
      s.vals[semnum] = argv;
      s.pids[semnum] = t.tgid;
      s.ctime = k.clock.realtimeApprox();
      SemUndoList.clear(allUndoLists(k), semid, semnum);
      s.waiters.wakeAll();
      return 0;
    case SETALL: {
      if (!access(t, s, true)) return -E.EACCES;
      const b = t.mm!.read(argp, 2 * s.nsems);
      if (b === null) return -E.EFAULT;
      const dv = new DataView(b.buffer);
      for (let i = 0; i < s.nsems; i++) if (dv.getUint16(2 * i, true) > SEMVMX) return -E.ERANGE;
      for (let i = 0; i < s.nsems; i++) {
        s.vals[i] = dv.getUint16(2 * i, true);
        s.pids[i] = t.tgid;
      }
      s.ctime = k.clock.realtimeApprox();
      SemUndoList.clear(allUndoLists(k), semid, -1);
      s.waiters.wakeAll();
      return 0;
    }
    default:
      return -E.EINVAL;
  }
};

// ---- I/O priorities (Linux: block/ioprio.c) ----

const IOPRIO_WHO_PROCESS = 1, IOPRIO_WHO_PGRP = 2, IOPRIO_WHO_USER = 3;
const IOPRIO_CLASS_NONE = 0, IOPRIO_CLASS_RT = 1, IOPRIO_CLASS_BE = 2, IOPRIO_CLASS_IDLE = 3;

function targets(k: Kernel, t: Task, which: number, who: number): Task[] | number {
  const live = [...k.tasks.values()].filter((x) => x.regs && x.state !== TaskState.Dead && x.state !== TaskState.Zombie);
  switch (which) {
    case IOPRIO_WHO_PROCESS: {
      const x = who === 0 ? t : findTask(t, who);
      return x && x.state !== TaskState.Dead && x.state !== TaskState.Zombie ? [x] : -E.ESRCH;
    }
    case IOPRIO_WHO_PGRP: {
      const pg = who === 0 ? t.group.pgid : findTask(t, who)?.tid ?? -1;
      const l = live.filter((x) => x.group.pgid === pg);
      return l.length ? l : -E.ESRCH;
    }
    case IOPRIO_WHO_USER: {
      const uid = who === 0 ? t.cred.uid : who;
      const l = live.filter((x) => x.cred.uid === uid);
      return l.length ? l : -E.ESRCH;
    }
    default:
      return -E.EINVAL;
  }
}

export const sysIoprioSet: Handler = (k, t, r) => {
  const which = iarg(r, 0);
  const who = iarg(r, 1);
  const prio = iarg(r, 2);
  const cls = (prio >> 13) & 7;
  const data = prio & 0x1fff;
  switch (cls) {
    case IOPRIO_CLASS_RT:
      if (!t.can(CAP_SYS_ADMIN, INIT_USER_NS) && !t.can(CAP_SYS_NICE, INIT_USER_NS)) return -E.EPERM;
    // fall through
    case IOPRIO_CLASS_BE:
      if (data >= 8) return -E.EINVAL;
      break;
    case IOPRIO_CLASS_IDLE:
      break;
    case IOPRIO_CLASS_NONE:
      if (data) return -E.EINVAL;
      break;
    default:
      return -E.EINVAL;
  }
  if (prio >>> 16 !== 0) return -E.EINVAL;
  const ts = targets(k, t, which, who);
  if (typeof ts === "number") return ts;
  for (const x of ts) x.io.ioprio = prio;
  return 0;
};

export const sysIoprioGet: Handler = (k, t, r) => {
  const ts = targets(k, t, iarg(r, 0), iarg(r, 1));
  if (typeof ts === "number") return ts;
  // with several targets Linux reports the best (lowest) priority
  return Math.min(...ts.map((x) => x.io.ioprio));
};

export { IOPRIO_CLASS_BE };
