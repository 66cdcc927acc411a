// Timers and scheduling parameters (Linux: kernel/time/itimer.c, kernel/time/posix-timers.c,
// kernel/sched/syscalls.c): setitimer/getitimer (ITIMER_REAL; alarm() uses them), POSIX timers,
// sched_* queries, CPU affinity and getcpu.

import { deadlineAfter } from "../kernel/clock.js";
import * as E from "../base/errno.js";
import { Handler, getTimespec, iarg, putTimespec, uarg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import type { ThreadGroup } from "../kernel/group.js";
import { sendToGroup, sendToThread } from "../kernel/sigdeliver.js";
import { SIGALRM, SI_KERNEL } from "../kernel/signals.js";
import { findTask } from "../kernel/pidns.js";
import type { PosixTimer } from "../kernel/timer.js";
import { refuse } from "../base/errno.js";

const ITIMER_REAL = 0;

function readTimeval(b: Uint8Array, o: number): number {
  const dv = new DataView(b.buffer, b.byteOffset);
  const sec = dv.getUint32(o, true) + dv.getInt32(o + 4, true) * 4294967296;
  const usec = dv.getUint32(o + 8, true) + dv.getInt32(o + 12, true) * 4294967296;
  if (sec < 0 || usec < 0 || usec >= 1e6) return -1;
  return sec * 1e9 + usec * 1000;
}

function writeTimeval(dv: DataView, o: number, ns: number): void {
  // round up to whole microseconds as Linux reports remaining time
  const us = Math.ceil(ns / 1000);
  const sec = Math.floor(us / 1e6);
  dv.setUint32(o, sec % 4294967296, true);
  dv.setUint32(o + 4, Math.floor(sec / 4294967296), true);
  dv.setUint32(o + 8, us % 1e6, true);
}

function itimerval(k: Kernel, g: ThreadGroup): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  const it = g.itimerReal;
  if (it) {
    writeTimeval(dv, 0, it.interval);
    const d = k.timers.deadline(it.timer);
    writeTimeval(dv, 16, d < 0 ? 0 : Math.max(1000, d - k.clock.now));
  }
  return b;
}

function arm(k: Kernel, g: ThreadGroup, value: number, interval: number): void {
  if (g.itimerReal) k.timers.cancel(g.itimerReal.timer);
  g.itimerReal = null;
  if (value === 0) return;
  const fire = (at: number) => {
    const timer = k.timers.add(at, () => {
      sendToGroup(k, g, { signo: SIGALRM, code: SI_KERNEL });
      if (interval > 0 && g.live().length > 0) fire(deadlineAfter(at, interval));
      else g.itimerReal = null;
    });
    g.itimerReal = { timer, interval };
  };
  fire(deadlineAfter(k.clock.now, value));
}

export const sysGetitimer: Handler = (k, t, r) => {
  if (iarg(r, 0) !== ITIMER_REAL) {
    return refuse(E.EINVAL, "only ITIMER_REAL is implemented");
  }
  return t.mm!.write(uarg(r, 1), itimerval(k, t.group)) ? 0 : -E.EFAULT;
};

export const sysSetitimer: Handler = (k, t, r) => {
  if (iarg(r, 0) !== ITIMER_REAL) {
    return refuse(E.EINVAL, "only ITIMER_REAL is implemented");
  }
  const nw = uarg(r, 1);
  const old = uarg(r, 2);
  let value = 0;
  let interval = 0;
  if (nw !== 0) {
    const b = t.mm!.read(nw, 32);
    if (b === null) return -E.EFAULT;
    interval = readTimeval(b, 0);
    value = readTimeval(b, 16);
    if (interval < 0 || value < 0) return -E.EINVAL;
  }
  if (old !== 0 && !t.mm!.write(old, itimerval(k, t.group))) return -E.EFAULT;
  arm(k, t.group, value, interval);
  return 0;
};

/** one CPU: forkscope runs every task on a single virtual hart */
export const sysSchedGetaffinity: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const len = uarg(r, 1);
  if (pid < 0) return -E.EINVAL;
  if (pid !== 0 && !findTask(t, pid)) return -E.ESRCH;
  if (len < 8 || len % 8 !== 0) return -E.EINVAL;
  const b = new Uint8Array(8);
  b[0] = 1;
  return t.mm!.write(uarg(r, 2), b) ? 8 : -E.EFAULT;
};

export const sysSchedSetaffinity: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  if (pid < 0) return -E.EINVAL;
  if (pid !== 0 && !findTask(t, pid)) return -E.ESRCH;
  const len = Math.min(uarg(r, 1), 128);
  const b = t.mm!.read(uarg(r, 2), len);
  if (b === null) return -E.EFAULT;
  return len > 0 && (b[0] & 1) !== 0 ? 0 : -E.EINVAL;
};

export const sysGetcpu: Handler = (_k, t, r) => {
  const cpu = uarg(r, 0);
  const node = uarg(r, 1);
  if (cpu !== 0 && !t.mm!.writeU32(cpu, 0)) return -E.EFAULT;
  if (node !== 0 && !t.mm!.writeU32(node, 0)) return -E.EFAULT;
  return 0;
};

export const sysSchedGetscheduler: Handler = (_k, t, r) => (iarg(r, 0) < 0 ? -E.EINVAL : iarg(r, 0) && !findTask(t, iarg(r, 0)) ? -E.ESRCH : 0);
export const sysSchedGetparam: Handler = (k, t, r) => {
  if (iarg(r, 0) < 0) return -E.EINVAL;
  if (iarg(r, 0) && !findTask(t, iarg(r, 0))) return -E.ESRCH;
  return t.mm!.writeU32(uarg(r, 1), 0) ? 0 : -E.EFAULT;
};
export const sysSchedGetPriorityMax: Handler = (_k, _t, r) => ([1, 2].includes(iarg(r, 0)) ? 99 : [0, 3, 5].includes(iarg(r, 0)) ? 0 : -E.EINVAL);
export const sysSchedGetPriorityMin: Handler = (_k, _t, r) => ([1, 2].includes(iarg(r, 0)) ? 1 : [0, 3, 5].includes(iarg(r, 0)) ? 0 : -E.EINVAL);

// ---- POSIX timers (Linux: kernel/time/posix-timers.c) ----

const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD_ID = 4;
const SI_TIMER = -2;
const TIMER_ABSTIME = 1;


function fireTimer(k: Kernel, g: ThreadGroup, pt: PosixTimer): void {
  if (pt.notify === SIGEV_NONE) return;
  if (pt.queued) {
    pt.queued.overrun++;
    return;
  }
  const info = { signo: pt.signo, code: SI_TIMER, timerId: pt.id, overrun: 0, value: pt.valueLo, valueHi: pt.valueHi };
  pt.queued = info;
  // the queued siginfo's overrun keeps counting until it is delivered
  const onDeliver = () => {
    pt.overrun = info.overrun;
    pt.queued = null;
  };
  Object.assign(info, { onDeliver });
  if (pt.notify === SIGEV_THREAD_ID && pt.target) sendToThread(k, pt.target, info);
  else sendToGroup(k, g, info);
}

function armPosix(k: Kernel, g: ThreadGroup, pt: PosixTimer, deadline: number): void {
  if (pt.timer) k.timers.cancel(pt.timer);
  pt.timer = 0;
  if (deadline < 0) return;
  pt.timer = k.timers.add(deadline, () => {
    pt.timer = 0;
    fireTimer(k, g, pt);
    if (pt.interval > 0 && g.live().length > 0) armPosix(k, g, pt, deadlineAfter(deadline, pt.interval));
  });
}

const CLOCKS_OK = [0, 1, 7, 5, 6, 4];

/** timer_create(clockid, sigevent *, timer_t *) */
export const sysTimerCreate: Handler = (k, t, r) => {
  const clock = iarg(r, 0);
  if (!CLOCKS_OK.includes(clock)) {
    return refuse(E.EINVAL, "CPU-time clocks are not implemented for timers");
  }
  let notify = SIGEV_SIGNAL;
  let signo = SIGALRM;
  let lo = 0;
  let hi = 0;
  let target = null;
  const ev = uarg(r, 1);
  if (ev !== 0) {
    const b = t.mm!.read(ev, 24);
    if (b === null) return -E.EFAULT;
    const dv = new DataView(b.buffer);
    lo = dv.getInt32(0, true);
    hi = dv.getInt32(4, true);
    signo = dv.getInt32(8, true);
    notify = dv.getInt32(12, true);
    if (notify === SIGEV_THREAD_ID) {
      target = findTask(t, dv.getInt32(16, true)) ?? null;
      if (!target || target.group !== t.group) return -E.EINVAL;
    } else if (notify !== SIGEV_SIGNAL && notify !== SIGEV_NONE) return -E.EINVAL;
    if (notify !== SIGEV_NONE && (signo < 1 || signo > 64)) return -E.EINVAL;
  } else {
    // the default sigevent carries the timer id as its value
  }
  const g = t.group;
  let id = 0;
  while (g.posixTimers.has(id)) id++;
  if (ev === 0) lo = id;
  g.posixTimers.set(id, { id, clock, notify, signo, valueLo: lo, valueHi: hi, target, timer: 0, interval: 0, overrun: 0, queued: null });
  if (!t.mm!.writeU32(uarg(r, 2), id)) {
    g.posixTimers.delete(id);
    return -E.EFAULT;
  }
  return 0;
};

function timerOf(t: import("../kernel/task.js").Task, id: number): PosixTimer | undefined {
  return t.group.posixTimers.get(id);
}

function itimerspec(k: Kernel, pt: PosixTimer): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  putTimespec(dv, 0, pt.interval);
  const d = pt.timer ? k.timers.deadline(pt.timer) : -1;
  putTimespec(dv, 16, d < 0 ? 0 : Math.max(1, d - k.clock.now));
  return b;
}

/** timer_settime(id, flags, new, old) */
export const sysTimerSettime: Handler = (k, t, r) => {
  const pt = timerOf(t, iarg(r, 0));
  if (!pt) return -E.EINVAL;
  const flags = iarg(r, 1);
  const b = t.mm!.read(uarg(r, 2), 32);
  if (b === null) return -E.EFAULT;
  const interval = getTimespec(b, 0);
  let value = getTimespec(b, 16);
  if (interval < 0 || value < 0) return -E.EINVAL;
  if (uarg(r, 3) !== 0 && !t.mm!.write(uarg(r, 3), itimerspec(k, pt))) return -E.EFAULT;
  pt.interval = interval;
  if (value === 0) {
    armPosix(k, t.group, pt, -1);
    return 0;
  }
  if (flags & TIMER_ABSTIME) {
    const now = pt.clock === 0 || pt.clock === 5 ? k.clock.realtime() : k.clock.now;
    value = Math.max(0, value - now);
  }
  armPosix(k, t.group, pt, deadlineAfter(k.clock.now, value));
  return 0;
};

export const sysTimerGettime: Handler = (k, t, r) => {
  const pt = timerOf(t, iarg(r, 0));
  if (!pt) return -E.EINVAL;
  return t.mm!.write(uarg(r, 1), itimerspec(k, pt)) ? 0 : -E.EFAULT;
};

export const sysTimerGetoverrun: Handler = (_k, t, r) => {
  const pt = timerOf(t, iarg(r, 0));
  return pt ? pt.overrun : -E.EINVAL;
};

export const sysTimerDelete: Handler = (k, t, r) => {
  const pt = timerOf(t, iarg(r, 0));
  if (!pt) return -E.EINVAL;
  armPosix(k, t.group, pt, -1);
  t.group.posixTimers.delete(pt.id);
  return 0;
};
