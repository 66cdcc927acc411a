// Process groups and sessions, uname, sysinfo, getrusage, umask, prctl and getrandom (Linux:
// kernel/sys.c, drivers/char/random.c); the clocks and sleeps are in time.ts.

import { KERNEL_VERSION_STRING, kernelRelease } from "../kernel/personality.js";
import { bytestr, strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { Handler, arg, iarg, put64, uarg, u32arg } from "./args.js";
import { NSEC_PER_SEC } from "../kernel/ktime.js";
import { TaskState } from "../kernel/task.js";
import type { Task } from "../kernel/task.js";
import { writeRusage } from "./wait.js";
import { findTask, viewId, vtgid } from "../kernel/pidns.js";
import { CAP_LAST_CAP, CAP_SETPCAP, capBit } from "../cred/capability.js";
import { commitCreds } from "../cred/cred.js";
import { refuse } from "../base/errno.js";


export const sysUname: Handler = (k, t, r) => {
  const b = new Uint8Array(65 * 6);
  const fields = ["Linux", t.nsproxy.uts.hostname, kernelRelease(k.personality), KERNEL_VERSION_STRING, "riscv64", t.nsproxy.uts.domainname];
  fields.forEach((s, i) => b.set(strbytes(s).subarray(0, 64), i * 65));
  return t.mm!.write(uarg(r, 0), b) ? 0 : -E.EFAULT;
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
  let u: number, s: number;
  const g = t.group;
  if (who === RUSAGE_SELF) {
    // the live threads and the released ones (Linux: thread_group_cputime_adjusted)
    u = g.threads.reduce((a, x) => a + x.utime, g.deadUtime);
    s = g.threads.reduce((a, x) => a + x.stime, g.deadStime);
  } else if (who === RUSAGE_THREAD) {
    u = t.utime;
    s = t.stime;
  } else if (who === RUSAGE_CHILDREN) {
    u = g.cutime;
    s = g.cstime;
  } else return -E.EINVAL;
  return writeRusage(k, t, uarg(r, 1), u, s) ? 0 : -E.EFAULT;
};

/** sysinfo (Linux: do_sysinfo): uptime, the load averages scaled to SI_LOAD_SHIFT, memory as
 *  /proc/meminfo counts it, and the number of tasks */
export const sysSysinfo: Handler = (k, t, r) => {
  const b = new Uint8Array(112);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, k.clock.now / NSEC_PER_SEC, true);
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
