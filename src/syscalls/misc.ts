// Time (clock_gettime, nanosleep, clock_nanosleep, gettimeofday, times), process groups and
// sessions, uname, sysinfo, getrusage, umask, prctl and getrandom (Linux: kernel/sys.c,
// kernel/time/posix-timers.c, kernel/time/hrtimer.c, drivers/char/random.c).

import { KERNEL_VERSION_STRING, kernelRelease } from "../kernel/personality.js";
import { bytestr, strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { Handler, arg, getTimespec, iarg, put64, putTimespec, uarg, u32arg } from "./args.js";
import { NS_PER_SEC, deadlineAfter } from "../kernel/clock.js";
import { TaskState } from "../kernel/task.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { writeRusage } from "./wait.js";
import { findTask, viewId, vtgid } from "../kernel/pidns.js";
import { CAP_LAST_CAP, CAP_SETPCAP, CAP_SYS_TIME, capBit } from "../cred/capability.js";
import { INIT_USER_NS } from "../cred/userns.js";
import { commitCreds } from "../cred/cred.js";
import { refuse } from "../base/errno.js";
import { Block, type SysResult } from "../kernel/block.js";


export const sysUname: Handler = (k, t, r) => {
  const b = new Uint8Array(65 * 6);
  const fields = ["Linux", t.nsproxy.uts.hostname, kernelRelease(k.personality), KERNEL_VERSION_STRING, "riscv64", t.nsproxy.uts.domainname];
  fields.forEach((s, i) => b.set(strbytes(s).subarray(0, 64), i * 65));
  return t.mm!.write(uarg(r, 0), b) ? 0 : -E.EFAULT;
};

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;

function clockNow(k: Kernel, t: Task, id: number): number {
  switch (id) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case 8: case 11:
      return k.clock.realtime();
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: case 9:
      return k.clock.now;
    case CLOCK_PROCESS_CPUTIME_ID:
      return t.group.threads.reduce((s, x) => s + x.utime, 0);
    case CLOCK_THREAD_CPUTIME_ID:
      return t.utime;
    default:
      return -1;
  }
}

function timespec(ns: number): Uint8Array {
  const b = new Uint8Array(16);
  putTimespec(new DataView(b.buffer), 0, ns);
  return b;
}

/** a struct timespec from user memory as ns, or -errno */
export function readTimespec(t: Task, addr: number): number {
  const b = t.mm!.read(addr, 16);
  if (b === null) return -E.EFAULT;
  const ns = getTimespec(b, 0);
  return ns < 0 ? -E.EINVAL : ns;
}

export const sysClockGettime: Handler = (k, t, r) => {
  const ns = clockNow(k, t, iarg(r, 0));
  if (ns < 0) return -E.EINVAL;
  return t.mm!.write(uarg(r, 1), timespec(ns)) ? 0 : -E.EFAULT;
};

/** clock_settime(clockid, tp): only CLOCK_REALTIME can be set, and only with CAP_SYS_TIME;
 *  a bad timespec is EINVAL before the privilege check (Linux: do_sys_settimeofday64) */
export const sysClockSettime: Handler = (k, t, r) => {
  const b = t.mm!.read(uarg(r, 1), 16);
  if (b === null) return -E.EFAULT;
  const id = iarg(r, 0);
  if (clockNow(k, t, id) < 0) return -E.EINVAL;
  if (id !== CLOCK_REALTIME) return refuse(E.EINVAL, "only CLOCK_REALTIME can be set");
  const ns = getTimespec(b, 0);
  if (ns < 0) return -E.EINVAL;
  if (!t.can(CAP_SYS_TIME, INIT_USER_NS)) return -E.EPERM;
  k.clock.setRealtime(ns);
  return 0;
};

/** settimeofday(tv, tz): the same through a timeval; the time zone is range-checked and ignored */
export const sysSettimeofday: Handler = (k, t, r) => {
  const tv = uarg(r, 0);
  const tz = uarg(r, 1);
  let ns = -1;
  if (tv !== 0) {
    const b = t.mm!.read(tv, 16);
    if (b === null) return -E.EFAULT;
    const dv = new DataView(b.buffer);
    const sec = dv.getUint32(0, true) + dv.getInt32(4, true) * 4294967296;
    const usec = dv.getUint32(8, true) + dv.getInt32(12, true) * 4294967296;
    if (sec < 0 || usec < 0 || usec >= 1_000_000) return -E.EINVAL;
    ns = sec * NS_PER_SEC + usec * 1000;
  }
  if (tz !== 0) {
    const z = t.mm!.read(tz, 8);
    if (z === null) return -E.EFAULT;
    const west = new DataView(z.buffer).getInt32(0, true);
    if (west < -15 * 60 || west > 15 * 60) return -E.EINVAL;
  }
  if (!t.can(CAP_SYS_TIME, INIT_USER_NS)) return -E.EPERM;
  if (ns >= 0) k.clock.setRealtime(ns);
  return 0;
};

export const sysClockGetres: Handler = (k, t, r) => {
  if (clockNow(k, t, iarg(r, 0)) < 0) return -E.EINVAL;
  if (uarg(r, 1) === 0) return 0;
  return t.mm!.write(uarg(r, 1), timespec(1)) ? 0 : -E.EFAULT;
};

export const sysGettimeofday: Handler = (k, t, r) => {
  const tv = uarg(r, 0);
  if (tv !== 0) {
    const ns = k.clock.realtime();
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    const s = Math.floor(ns / NS_PER_SEC);
    dv.setUint32(0, s % 4294967296, true);
    dv.setUint32(4, Math.floor(s / 4294967296), true);
    dv.setUint32(8, Math.floor((ns % NS_PER_SEC) / 1000), true);
    if (!t.mm!.write(tv, b)) return -E.EFAULT;
  }
  if (uarg(r, 1) !== 0 && !t.mm!.write(uarg(r, 1), new Uint8Array(8))) return -E.EFAULT;
  return 0;
};

/** sleep until an absolute monotonic deadline (Linux: hrtimer_nanosleep); a handled signal that
 *  ends the sleep early writes the time left to remAddr (0: nowhere) */
function sleepUntil(k: Kernel, t: Task, deadline: number, remAddr: number): SysResult {
  if (k.clock.now >= deadline) return 0;
  // interrupted by a handled signal: report the time left (Linux: restart_block / rem)
  const reportLeft = remAddr !== 0 ? () => void t.mm!.write(remAddr, timespec(Math.max(0, deadline - k.clock.now))) : null;
  const sleeping: Block = new Block(() => {
    if (k.clock.now >= deadline) return 0;
    k.sched.sleep(t, deadline);
    return sleeping;
  }, reportLeft);
  k.sched.sleep(t, deadline);
  return sleeping;
}

export const sysNanosleep: Handler = (k, t, r) => {
  const ns = readTimespec(t, uarg(r, 0));
  if (ns < 0) return ns;
  return sleepUntil(k, t, deadlineAfter(k.clock.now, ns), uarg(r, 1));
};

const TIMER_ABSTIME = 1;

export const sysClockNanosleep: Handler = (k, t, r) => {
  const id = iarg(r, 0);
  const flags = iarg(r, 1);
  if (id === CLOCK_THREAD_CPUTIME_ID) return -E.EINVAL;
  const now = clockNow(k, t, id);
  if (now < 0) return -E.EINVAL;
  const ns = readTimespec(t, uarg(r, 2));
  if (ns < 0) return ns;
  const rel = flags & TIMER_ABSTIME ? ns - now : ns;
  // TIMER_ABSTIME sleeps leave the remaining time untouched when interrupted
  return sleepUntil(k, t, deadlineAfter(k.clock.now, rel), flags & TIMER_ABSTIME ? 0 : uarg(r, 3));
};

const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;

export const sysGetrandom: Handler = (k, t, r) => {
  const flags = u32arg(r, 2);
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -E.EINVAL;
  if ((flags & (GRND_RANDOM | GRND_INSECURE)) === (GRND_RANDOM | GRND_INSECURE)) return -E.EINVAL;
  const len = Math.min(uarg(r, 1), 33554431);
  const b = new Uint8Array(len);
  k.rand.fill(b);
  return t.mm!.write(uarg(r, 0), b) ? len : -E.EFAULT;
};

export const sysUmask: Handler = (_k, t, r) => {
  const old = t.fs.umask;
  t.fs.umask = u32arg(r, 0) & 0o777;
  return old;
};

const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;

export const sysGetrusage: Handler = (k, t, r) => {
  const who = iarg(r, 0);
  let n: number;
  if (who === RUSAGE_SELF) n = t.group.threads.reduce((s, x) => s + x.utime, 0);
  else if (who === RUSAGE_THREAD) n = t.utime;
  else if (who === RUSAGE_CHILDREN) n = t.group.cutime;
  else return -E.EINVAL;
  return writeRusage(k, t, uarg(r, 1), n) ? 0 : -E.EFAULT;
};

export const sysTimes: Handler = (k, t, r) => {
  const addr = uarg(r, 0);
  const ticks = (ns: number) => Math.floor(ns / 10_000_000);
  if (addr !== 0) {
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, ticks(t.group.threads.reduce((s, x) => s + x.utime, 0)), true);
    dv.setUint32(16, ticks(t.group.cutime), true);
    if (!t.mm!.write(addr, b)) return -E.EFAULT;
  }
  return ticks(k.clock.now);
};

/** sysinfo (Linux: do_sysinfo): uptime, the load averages scaled to SI_LOAD_SHIFT, memory as
 *  /proc/meminfo counts it, and the number of tasks */
export const sysSysinfo: Handler = (k, t, r) => {
  const b = new Uint8Array(112);
  const dv = new DataView(b.buffer);
  put64(dv, 0, Math.floor(k.clock.now / NS_PER_SEC));
  // avenrun is in FSHIFT (11) fixed point, sysinfo's loads in SI_LOAD_SHIFT (16)
  k.loadavg.avenrun.forEach((v, i) => put64(dv, 8 + 8 * i, v * 32));
  const total = k.frames.maxFrames * 4096;
  put64(dv, 32, total);
  put64(dv, 40, Math.max(0, k.frames.free) * 4096);
  put64(dv, 48, k.frames.stats.shmem * 4096);
  dv.setUint16(80, Math.min(k.tasks.size, 0xffff), true);
  dv.setUint32(104, 1, true);
  return t.mm!.write(uarg(r, 0), b) ? 0 : -E.EFAULT;
};

// ---- process groups and sessions ----

export const sysSetpgid: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const want = iarg(r, 1);
  if (want < 0) return -E.EINVAL;
  const target = pid === 0 ? t.group.leader : findTask(t, pid);
  if (!target || !target.isLeader) return -E.ESRCH;
  if (target.group !== t.group && target.parent?.group !== t.group) return -E.ESRCH;
  if (target.group !== t.group && target.execed) return -E.EACCES;
  if (target.group.sid === target.tid) return -E.EPERM;
  if (target.group.sid !== t.group.sid) return -E.EPERM;
  // process group ids are kept as global pids
  let pgid = target.tid;
  if (want !== 0) {
    const leader = findTask(t, want);
    if (!leader) return -E.EPERM;
    pgid = leader.tid;
  }
  if (pgid !== target.tid) {
    const exists = [...k.tasks.values()].some((x) => x.group.pgid === pgid && x.group.sid === t.group.sid && x.state !== TaskState.Dead);
    if (!exists) return -E.EPERM;
  }
  target.group.pgid = pgid;
  return 0;
};

export const sysGetpgid: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const target = pid === 0 ? t : findTask(t, pid);
  if (!target || target.state === TaskState.Dead) return -E.ESRCH;
  return viewId(k, target.group.pgid, t);
};

export const sysGetsid: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const target = pid === 0 ? t : findTask(t, pid);
  if (!target || target.state === TaskState.Dead) return -E.ESRCH;
  return viewId(k, target.group.sid, t);
};

export const sysSetsid: Handler = (k, t) => {
  const id = t.group.leader.tid;
  if ([...k.tasks.values()].some((x) => x.group.pgid === id && x.state !== TaskState.Dead)) return -E.EPERM;
  t.group.sid = id;
  t.group.pgid = id;
  // proc_clear_tty: a new session starts without a controlling terminal
  t.group.tty.ctty = null;
  return vtgid(t, t);
};

const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24,
  PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39, PR_SET_NAME = 15, PR_GET_NAME = 16,
  PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37;

export const sysPrctl: Handler = (k, t, r) => {
  const op = iarg(r, 0);
  const a2 = uarg(r, 1);
  switch (op) {
    case PR_SET_PDEATHSIG:
      if (a2 > 64) return -E.EINVAL;
      t.pdeathSignal = a2;
      return 0;
    case PR_GET_PDEATHSIG:
      return t.mm!.writeU32(a2, t.pdeathSignal) ? 0 : -E.EFAULT;
    case PR_CAPBSET_READ:
      if (a2 > CAP_LAST_CAP) return -E.EINVAL;
      return (t.cred.capBnd & capBit(a2)) !== 0n ? 1 : 0;
    case PR_CAPBSET_DROP:
      if (a2 > CAP_LAST_CAP) return -E.EINVAL;
      if (!t.can(CAP_SETPCAP)) return -E.EPERM;
      commitCreds(t, t.cred.with({ capBnd: t.cred.capBnd & ~capBit(a2) }));
      return 0;
    case PR_SET_NO_NEW_PRIVS:
      if (a2 !== 1) return -E.EINVAL;
      t.noNewPrivs = true;
      return 0;
    case PR_GET_NO_NEW_PRIVS:
      return t.noNewPrivs ? 1 : 0;
    case PR_GET_DUMPABLE:
      return t.dumpable ? 1 : 0;
    case PR_SET_DUMPABLE:
      if (a2 > 1) return -E.EINVAL;
      t.dumpable = a2 === 1;
      return 0;
    case PR_SET_NAME: {
      const b = t.mm!.read(a2, 16);
      if (b === null) return -E.EFAULT;
      const end = b.indexOf(0);
      t.comm = bytestr(b, 0, end < 0 ? 15 : Math.min(end, 15));
      return 0;
    }
    case PR_GET_NAME: {
      const b = new Uint8Array(16);
      b.set(strbytes(t.comm).subarray(0, 15));
      return t.mm!.write(a2, b) ? 0 : -E.EFAULT;
    }
    case PR_SET_CHILD_SUBREAPER:
      t.group.isSubreaper = a2 !== 0;
      return 0;
    case PR_GET_CHILD_SUBREAPER:
      return t.mm!.writeU32(a2, t.group.isSubreaper ? 1 : 0) ? 0 : -E.EFAULT;
    default:
      return refuse(E.EINVAL, `prctl option ${op} is not implemented yet`);
  }
};

export { arg };
