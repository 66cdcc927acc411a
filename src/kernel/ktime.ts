// Exact kernel time: ktime_t as a bigint of nanoseconds, saturating at KTIME_MAX, and the
// user-space time structs read and written without rounding (Linux: include/linux/ktime.h,
// include/linux/time64.h, kernel/time/time.c, kernel/time/hrtimer.c hrtimer_forward).
//
// Why bigint: a double holds nanoseconds exactly only below 2^53 (104 days), and a guest can sleep,
// arm timers or set CLOCK_REALTIME far beyond that; Linux's time is a 64-bit integer. Time values
// are made per syscall or per time slice, never per instruction, so the allocation a bigint may
// cost stays off the CPU's hot loop.

/** nanoseconds (Linux: ktime_t, s64) */
export type Ktime = bigint;

export const NSEC_PER_SEC = 1_000_000_000n;
export const NSEC_PER_USEC = 1_000n;
/** Linux's KTIME_MAX (2^63 - 1 ns, 292 years): a deadline there never comes */
export const KTIME_MAX = 0x7fff_ffff_ffff_ffffn;
/** KTIME_MAX / NSEC_PER_SEC */
export const KTIME_SEC_MAX = KTIME_MAX / NSEC_PER_SEC;
/** no deadline */
export const NO_DEADLINE = -1n;

/** Linux ktime_set: seconds and nanoseconds, KTIME_MAX from KTIME_SEC_MAX seconds on */
export function ktimeSet(sec: bigint, nsec: bigint): Ktime {
  return sec >= KTIME_SEC_MAX ? KTIME_MAX : sec * NSEC_PER_SEC + nsec;
}

/** Linux ktime_add_safe: a + b saturated at KTIME_MAX (b >= 0) */
export function ktimeAddSafe(a: Ktime, b: Ktime): Ktime {
  const r = a + b;
  return r > KTIME_MAX ? KTIME_MAX : r;
}

/** the deadline `rel` after `now` (a relative timeout: hrtimer_start_range_ns's
 *  ktime_add_safe in HRTIMER_MODE_REL); a negative rel counts as 0 */
export function deadlineAfter(now: Ktime, rel: Ktime): Ktime {
  return rel > 0n ? ktimeAddSafe(now, rel) : now;
}

/** a deadline the clock can ever reach (KTIME_MAX and none are never reached) */
export function reachable(deadline: Ktime): boolean {
  return deadline >= 0n && deadline < KTIME_MAX;
}

/** the struct timespec (two 64-bit longs) at offset o as a ktime, saturated like
 *  timespec64_to_ktime; -1n when it is not valid (timespec64_valid: tv_sec < 0, or tv_nsec
 *  outside [0, 1e9) as an unsigned long) */
export function getKtimespec(b: Uint8Array, o: number): Ktime {
  const dv = new DataView(b.buffer, b.byteOffset);
  const sec = dv.getBigInt64(o, true);
  const nsec = dv.getBigUint64(o + 8, true);
  if (sec < 0n || nsec >= NSEC_PER_SEC) return -1n;
  return ktimeSet(sec, nsec);
}

/** the struct timeval (two longs) at offset o as a ktime (timeval_valid, then ktime_set);
 *  -1n when not valid */
export function getKtimeval(b: Uint8Array, o: number): Ktime {
  const dv = new DataView(b.buffer, b.byteOffset);
  const sec = dv.getBigInt64(o, true);
  const usec = dv.getBigUint64(o + 8, true);
  if (sec < 0n || usec >= 1_000_000n) return -1n;
  return ktimeSet(sec, usec * NSEC_PER_USEC);
}

/** 2^53: below it a ktime converts to a double exactly, and the arithmetic below needs no bigint */
const SAFE = 2n ** 53n;

/** store a non-negative ktime as a struct timespec (ktime_to_timespec64) */
export function putKtimespec(dv: DataView, o: number, ns: Ktime): void {
  if (ns < 0n) ns = 0n;
  if (ns < SAFE) {
    // the common case (monotonic time, intervals) without bigint temporaries
    const n = Number(ns);
    const sec = Math.floor(n / 1e9);
    dv.setUint32(o, sec >>> 0, true);
    dv.setUint32(o + 4, Math.floor(sec / 4294967296), true);
    dv.setUint32(o + 8, n - sec * 1e9, true);
    dv.setUint32(o + 12, 0, true);
    return;
  }
  dv.setBigInt64(o, ns / NSEC_PER_SEC, true);
  dv.setBigInt64(o + 8, ns % NSEC_PER_SEC, true);
}

/** store a non-negative ktime as a struct timeval, microseconds rounded down (ns_to_kernel_old_timeval) */
export function putKtimeval(dv: DataView, o: number, ns: Ktime): void {
  if (ns < 0n) ns = 0n;
  dv.setBigInt64(o, ns / NSEC_PER_SEC, true);
  dv.setBigInt64(o + 8, (ns % NSEC_PER_SEC) / NSEC_PER_USEC, true);
}

/** a 16-byte struct timespec holding ns */
export function timespecBytes(ns: Ktime): Uint8Array {
  const b = new Uint8Array(16);
  putKtimespec(new DataView(b.buffer), 0, ns);
  return b;
}

/** Linux hrtimer_forward: move an expired periodic timer's expiry past now by whole intervals;
 *  the new expiry and the number of intervals added (the overruns + 1). The interval is at least
 *  the timer resolution (1 ns here); additions saturate at KTIME_MAX. */
export function hrtimerForward(expires: Ktime, now: Ktime, interval: Ktime): { expires: Ktime; orun: bigint } {
  const delta = now - expires;
  if (delta < 0n) return { expires, orun: 0n };
  if (interval < 1n) interval = 1n;
  let orun = 1n;
  if (delta >= interval) {
    orun = delta / interval;
    expires = ktimeAddSafe(expires, interval * orun);
    if (expires > now) return { expires, orun };
    orun++;
  }
  return { expires: ktimeAddSafe(expires, interval), orun };
}

/** ns to clock ticks of USER_HZ (100), as times() and /proc report them */
export function nsToClockT(ns: Ktime): bigint {
  return ns / 10_000_000n;
}
