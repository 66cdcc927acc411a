// Timers and scheduling parameters (Linux: kernel/time/itimer.c, kernel/time/posix-timers.c,
// kernel/sched/syscalls.c): setitimer/getitimer (ITIMER_REAL; alarm() uses them), POSIX timers,
// sched_* queries, CPU affinity and getcpu.

import * as E from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import type { ThreadGroup } from "../kernel/group.js";
import { sendToGroup, sendToThread } from "../kernel/sigdeliver.js";
import { SIGALRM, SI_KERNEL } from "../kernel/signals.js";
import { findTask } from "../kernel/pidns.js";
import { type PosixTimer, deletePosixTimer } from "../kernel/timer.js";
import { sigqueuePrealloc } from "../kernel/sigqueue.js";
import { refuse } from "../base/errno.js";
import { type Ktime, NSEC_PER_USEC, deadlineAfter, getKtimespec, getKtimeval, hrtimerForward, putKtimespec, putKtimeval } from "../kernel/ktime.js";

const ITIMER_REAL = 0;

function itimerval(k: Kernel, g: ThreadGroup): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  const it = g.itimerReal;
  if (it) {
    // Linux itimer_get_remtime: an armed timer that is due shows 1 us
    putKtimeval(dv, 0, it.interval);
    const rem = k.timers.remaining(it.timer);
    if (rem !== null) putKtimeval(dv, 16, rem <= 0n ? NSEC_PER_USEC : rem);
  }
  return b;
}

/** do_setitimer(ITIMER_REAL): a relative hrtimer; it_real_incr only when a value is set. A
 *  periodic timer moves on by whole intervals past now when it fires (hrtimer_forward), so a
 *  clock jump over many periods fires it once. */
function arm(k: Kernel, g: ThreadGroup, value: Ktime, interval: Ktime): void {
  if (g.itimerReal) k.timers.cancel(g.itimerReal.timer);
  g.itimerReal = null;
  if (value === 0n) return;
  let expires = deadlineAfter(k.clock.now, value);
  const fire = (now: Ktime): void => {
    sendToGroup(k, g, { signo: SIGALRM, code: SI_KERNEL });
    if (interval > 0n && g.live().length > 0) {
      expires = hrtimerForward(expires, now, interval).expires;
      g.itimerReal = { timer: k.timers.add(expires, fire), interval };
    } else g.itimerReal = null;
  };
  g.itimerReal = { timer: k.timers.add(expires, fire), interval };
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
  let value = 0n;
  let interval = 0n;
  if (nw !== 0) {
    const b = t.mm!.read(nw, 32);
    if (b === null) return -E.EFAULT;
    interval = getKtimeval(b, 0);
    value = getKtimeval(b, 16);
    if (interval < 0n || value < 0n) return -E.EINVAL;
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
const CLOCK_REALTIME = 0, CLOCK_REALTIME_COARSE = 5;


/** INT_MAX: overruns are reported saturated there (Linux: timer_overrun_to_int) */
const DELAYTIMER_MAX = 0x7fffffff;

function addOverrun(n: number, more: bigint): number {
  const m = more > BigInt(DELAYTIMER_MAX) ? DELAYTIMER_MAX : Number(more);
  return Math.min(DELAYTIMER_MAX, n + m);
}

/** the timer expired (posix_timer_fn): queue its signal, or count an overrun while the last one
 *  is still queued; `missed` more periods passed unseen (the clock jumped over them) */
function fireTimer(k: Kernel, g: ThreadGroup, pt: PosixTimer, missed: bigint): void {
  if (pt.notify === SIGEV_NONE) return;
  if (pt.queued) {
    pt.queued.overrun = addOverrun(pt.queued.overrun, missed + 1n);
    return;
  }
  const info = { signo: pt.signo, code: SI_TIMER, timerId: pt.id, overrun: addOverrun(0, missed), value: pt.valueLo, valueHi: pt.valueHi };
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

/** arm the timer at pt.expires (common_hrtimer_arm), or disarm it (expires < 0). An interval
 *  timer moves on by whole intervals past now when it fires (common_hrtimer_rearm's
 *  hrtimer_forward); the periods it skipped are overruns. */
function armPosix(k: Kernel, g: ThreadGroup, pt: PosixTimer, expires: Ktime): void {
  if (pt.timer) k.timers.cancel(pt.timer);
  pt.timer = 0;
  pt.expires = expires;
  if (expires < 0n) return;
  const real = pt.real;
  pt.timer = k.timers.add(expires, (now) => {
    pt.timer = 0;
    if (pt.interval > 0n && g.live().length > 0) {
      const f = hrtimerForward(pt.expires, real ? k.clock.realtime() : now, pt.interval);
      fireTimer(k, g, pt, f.orun - 1n);
      armPosix(k, g, pt, f.expires);
    } else fireTimer(k, g, pt, 0n);
  }, real ? expires : null);
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
  // its signal's entry is made now, charged to the creator (posixtimer_init_sigqueue): EAGAIN
  // past RLIMIT_SIGPENDING
  const prealloc = sigqueuePrealloc(k.sigCounts, t);
  if (prealloc === null) return -E.EAGAIN;
  let id = 0;
  while (g.posixTimers.has(id)) id++;
  if (ev === 0) lo = id;
  const pt: PosixTimer = { id, clock, notify, signo, valueLo: lo, valueHi: hi, target, timer: 0, interval: 0n, expires: -1n, real: false, overrun: 0, queued: null, prealloc };
  g.posixTimers.set(id, pt);
  if (!t.mm!.writeU32(uarg(r, 2), id)) {
    deletePosixTimer(k.timers, pt);
    g.posixTimers.delete(id);
    return -E.EFAULT;
  }
  return 0;
};

function timerOf(t: import("../kernel/task.js").Task, id: number): PosixTimer | undefined {
  return t.group.posixTimers.get(id);
}

/** common_timer_get: the interval, and the time left (1 ns when due but not yet fired) */
function itimerspec(k: Kernel, pt: PosixTimer): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  putKtimespec(dv, 0, pt.interval);
  const rem = pt.timer ? k.timers.remaining(pt.timer) : null;
  if (rem !== null) putKtimespec(dv, 16, rem <= 0n ? 1n : rem);
  return b;
}

/** timer_settime(id, flags, new, old) (do_timer_settime, common_timer_set) */
export const sysTimerSettime: Handler = (k, t, r) => {
  const flags = iarg(r, 1);
  if (uarg(r, 2) === 0) return -E.EINVAL;
  const b = t.mm!.read(uarg(r, 2), 32);
  if (b === null) return -E.EFAULT;
  const interval = getKtimespec(b, 0);
  const value = getKtimespec(b, 16);
  if (interval < 0n || value < 0n) return -E.EINVAL;
  const pt = timerOf(t, iarg(r, 0));
  if (!pt) return -E.EINVAL;
  if (uarg(r, 3) !== 0 && !t.mm!.write(uarg(r, 3), itimerspec(k, pt))) return -E.EFAULT;
  // a new setting clears the interval and the last overrun; a zero value disarms
  pt.interval = 0n;
  pt.overrun = 0;
  if (value === 0n) {
    armPosix(k, t.group, pt, -1n);
    return 0;
  }
  pt.interval = interval;
  const abs = (flags & TIMER_ABSTIME) !== 0;
  // an absolute CLOCK_REALTIME timer stays on the realtime clock, so clock_settime moves it; a
  // relative one runs on CLOCK_MONOTONIC (__hrtimer_init)
  pt.real = abs && (pt.clock === CLOCK_REALTIME || pt.clock === CLOCK_REALTIME_COARSE);
  armPosix(k, t.group, pt, abs ? value : deadlineAfter(k.clock.now, value));
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
  armPosix(k, t.group, pt, -1n);
  deletePosixTimer(k.timers, pt);
  t.group.posixTimers.delete(pt.id);
  return 0;
};
