// The clocks and sleeps (Linux: kernel/time/posix-timers.c, kernel/time/posix-stubs.c,
// kernel/time/hrtimer.c, kernel/time/time.c, kernel/sys.c times): clock_gettime/settime/getres,
// gettimeofday/settimeofday, nanosleep and clock_nanosleep, times; every value is an exact
// ktime (kernel/ktime.ts), saturated at KTIME_MAX as Linux does.

import * as E from "../base/errno.js";
import { refuse } from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { CAP_SYS_TIME } from "../cred/capability.js";
import { INIT_USER_NS } from "../cred/userns.js";
import { Block, type SysResult } from "../kernel/block.js";
import {
  type Ktime, KTIME_SEC_MAX, NSEC_PER_SEC, NSEC_PER_USEC, deadlineAfter, getKtimespec, ktimeSet, nsToClockT, putKtimeval, timespecBytes,
} from "../kernel/ktime.js";

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
  CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
const TIMER_ABSTIME = 1;

/** seconds of uptime Linux keeps free below KTIME_MAX when the wall clock is set
 *  (TIME_UPTIME_SEC_MAX, include/linux/time64.h) */
const TIME_UPTIME_SEC_MAX = 30n * 365n * 24n * 3600n;
/** the first tv_sec clock_settime refuses (TIME_SETTOD_SEC_MAX) */
const TIME_SETTOD_SEC_MAX = KTIME_SEC_MAX - TIME_UPTIME_SEC_MAX;

/** CPU time of a task: what it ran in user mode plus the kernel work charged as system time */
export function taskCpuNs(t: Task): Ktime {
  return BigInt(t.utime + t.stime);
}

/** a clock's time now, or null for an unknown clock */
export function clockNow(k: Kernel, t: Task, id: number): Ktime | null {
  switch (id) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_REALTIME_ALARM: case CLOCK_TAI:
      return k.clock.realtime();
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: case CLOCK_BOOTTIME_ALARM:
      return k.clock.now;
    case CLOCK_PROCESS_CPUTIME_ID:
      return t.group.threads.reduce((s, x) => s + taskCpuNs(x), 0n);
    case CLOCK_THREAD_CPUTIME_ID:
      return taskCpuNs(t);
    default:
      return null;
  }
}

/** a struct timespec from user memory as an exact ktime (saturated at KTIME_MAX), or a negative
 *  -errno: EFAULT, or EINVAL when it is not valid (get_timespec64 + timespec64_valid) */
export function readTimespec(t: Task, addr: number): Ktime {
  const b = t.mm!.read(addr, 16);
  if (b === null) return BigInt(-E.EFAULT);
  const ns = getKtimespec(b, 0);
  return ns < 0n ? BigInt(-E.EINVAL) : ns;
}

export const sysClockGettime: Handler = (k, t, r) => {
  const ns = clockNow(k, t, iarg(r, 0));
  if (ns === null) return -E.EINVAL;
  return t.mm!.write(uarg(r, 1), timespecBytes(ns)) ? 0 : -E.EFAULT;
};

/** do_sys_settimeofday64 and do_settimeofday64: a valid time below TIME_SETTOD_SEC_MAX
 *  (else EINVAL), CAP_SYS_TIME (else EPERM), then not before monotonic time (else EINVAL) */
function setRealtime(k: Kernel, t: Task, sec: bigint, nsec: bigint): number {
  if (sec < 0n || nsec < 0n || nsec >= NSEC_PER_SEC || sec >= TIME_SETTOD_SEC_MAX) return -E.EINVAL;
  if (!t.can(CAP_SYS_TIME, INIT_USER_NS)) return -E.EPERM;
  const ns = ktimeSet(sec, nsec);
  // wall_to_monotonic may not become positive: the wall clock cannot go before boot
  if (ns < k.clock.now) return -E.EINVAL;
  k.clock.setRealtime(ns);
  return 0;
}

/** clock_settime(clockid, tp): only CLOCK_REALTIME can be set (Linux: posix_clock_realtime_set);
 *  an unknown clock or one without clock_set is EINVAL before the copy */
export const sysClockSettime: Handler = (k, t, r) => {
  const id = iarg(r, 0);
  if (clockNow(k, t, id) === null) return -E.EINVAL;
  if (id !== CLOCK_REALTIME) return refuse(E.EINVAL, "only CLOCK_REALTIME can be set");
  const b = t.mm!.read(uarg(r, 1), 16);
  if (b === null) return -E.EFAULT;
  const dv = new DataView(b.buffer);
  return setRealtime(k, t, dv.getBigInt64(0, true), dv.getBigInt64(8, true));
};

/** settimeofday(tv, tz): the same through a timeval; the time zone is range-checked after the
 *  privilege check and otherwise ignored (Linux: kernel/time/time.c) */
export const sysSettimeofday: Handler = (k, t, r) => {
  const tv = uarg(r, 0);
  const tz = uarg(r, 1);
  let sec = -1n;
  let nsec = 0n;
  if (tv !== 0) {
    const b = t.mm!.read(tv, 16);
    if (b === null) return -E.EFAULT;
    const dv = new DataView(b.buffer);
    sec = dv.getBigInt64(0, true);
    const usec = dv.getBigInt64(8, true);
    if (usec > 1_000_000n || usec < 0n) return -E.EINVAL;
    nsec = usec * NSEC_PER_USEC;
  }
  let west = 0;
  if (tz !== 0) {
    const z = t.mm!.read(tz, 8);
    if (z === null) return -E.EFAULT;
    west = new DataView(z.buffer).getInt32(0, true);
  }
  if (tv !== 0 && (sec < 0n || nsec >= NSEC_PER_SEC || sec >= TIME_SETTOD_SEC_MAX)) return -E.EINVAL;
  if (!t.can(CAP_SYS_TIME, INIT_USER_NS)) return -E.EPERM;
  if (tz !== 0 && (west < -15 * 60 || west > 15 * 60)) return -E.EINVAL;
  return tv !== 0 ? setRealtime(k, t, sec, nsec) : 0;
};

export const sysClockGetres: Handler = (k, t, r) => {
  if (clockNow(k, t, iarg(r, 0)) === null) return -E.EINVAL;
  if (uarg(r, 1) === 0) return 0;
  return t.mm!.write(uarg(r, 1), timespecBytes(1n)) ? 0 : -E.EFAULT;
};

export const sysGettimeofday: Handler = (k, t, r) => {
  const tv = uarg(r, 0);
  if (tv !== 0) {
    const b = new Uint8Array(16);
    putKtimeval(new DataView(b.buffer), 0, k.clock.realtime());
    if (!t.mm!.write(tv, b)) return -E.EFAULT;
  }
  if (uarg(r, 1) !== 0 && !t.mm!.write(uarg(r, 1), new Uint8Array(8))) return -E.EFAULT;
  return 0;
};

/** sleep until monotonic `deadline`, or with real set until CLOCK_REALTIME reaches real (an
 *  absolute CLOCK_REALTIME sleep, which clock_settime moves) (Linux: hrtimer_nanosleep,
 *  do_nanosleep). A handled signal that ends the sleep early writes the time left to remAddr
 *  (0: nowhere): the expiry minus now, nothing when none is left. */
function sleepUntil(k: Kernel, t: Task, deadline: Ktime, real: Ktime | null, remAddr: number): SysResult {
  const left = (): Ktime => (real !== null ? real - k.clock.realtime() : deadline - k.clock.now);
  if (left() <= 0n) return 0;
  const reportLeft = remAddr !== 0 ? () => {
    const rem = left();
    if (rem > 0n) void t.mm!.write(remAddr, timespecBytes(rem));
  } : null;
  const sleeping: Block = new Block(() => {
    if (left() <= 0n) return 0;
    k.sched.sleep(t, deadline, real);
    return sleeping;
  }, reportLeft);
  k.sched.sleep(t, deadline, real);
  return sleeping;
}

export const sysNanosleep: Handler = (k, t, r) => {
  const ns = readTimespec(t, uarg(r, 0));
  if (ns < 0n) return Number(ns);
  return sleepUntil(k, t, deadlineAfter(k.clock.now, ns), null, uarg(r, 1));
};

export const sysClockNanosleep: Handler = (k, t, r) => {
  const id = iarg(r, 0);
  const flags = iarg(r, 1);
  const now = clockNow(k, t, id);
  if (now === null) return -E.EINVAL;
  // clocks without nsleep (Linux: posix_cpu_nsleep refuses the thread clock)
  if (id === CLOCK_THREAD_CPUTIME_ID) return -E.EINVAL;
  if (id === CLOCK_MONOTONIC_RAW || id === CLOCK_REALTIME_COARSE || id === CLOCK_MONOTONIC_COARSE) return -E.EOPNOTSUPP;
  const ns = readTimespec(t, uarg(r, 2));
  if (ns < 0n) return Number(ns);
  if (!(flags & TIMER_ABSTIME)) return sleepUntil(k, t, deadlineAfter(k.clock.now, ns), null, uarg(r, 3));
  // TIMER_ABSTIME sleeps leave the remaining time untouched when interrupted; a CLOCK_REALTIME
  // one stays on the realtime clock, so clock_settime moves it
  if (id === CLOCK_REALTIME || id === CLOCK_REALTIME_ALARM || id === CLOCK_TAI) return sleepUntil(k, t, 0n, ns, 0);
  if (id === CLOCK_PROCESS_CPUTIME_ID) return sleepUntil(k, t, deadlineAfter(k.clock.now, ns - now), null, 0);
  return sleepUntil(k, t, ns, null, 0);
};

/** times(buf): clock ticks of user and system time of the process and its waited-for children
 *  (four longs), and ticks since boot */
export const sysTimes: Handler = (k, t, r) => {
  const addr = uarg(r, 0);
  if (addr !== 0) {
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    const g = t.group;
    let u = BigInt(g.deadUtime), s = BigInt(g.deadStime);
    for (const x of g.threads) {
      u += BigInt(x.utime);
      s += BigInt(x.stime);
    }
    dv.setBigInt64(0, nsToClockT(u), true);
    dv.setBigInt64(8, nsToClockT(s), true);
    dv.setBigInt64(16, nsToClockT(BigInt(g.cutime)), true);
    dv.setBigInt64(24, nsToClockT(BigInt(g.cstime)), true);
    if (!t.mm!.write(addr, b)) return -E.EFAULT;
  }
  return Number(nsToClockT(k.clock.now));
};
