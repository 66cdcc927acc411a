// Virtual time and the seeded random source: one seed and one program give one schedule.
//
// Monotonic time advances by 1 ns per executed guest instruction, and jumps forward to the
// next timer when every task sleeps, so sleeping costs no host time. CLOCK_REALTIME is a
// fixed epoch plus monotonic time unless the host clock is asked for.

import { type Ktime, KTIME_MAX } from "./ktime.js";

export { deadlineAfter } from "./ktime.js";

export const NS_PER_SEC = 1_000_000_000;

/** 2026-01-01T00:00:00Z, the default wall clock at boot */
export const DEFAULT_EPOCH_NS = 1767225600n * 1_000_000_000n;

export class Clock {
  /** monotonic ns since boot, exact (ktime.ts says why a bigint). The scheduler adds each time
   *  slice's instructions in one step, so time costs one small allocation per slice and nothing
   *  per instruction; the CPU loop never reads it. It stops short of KTIME_MAX, which is never. */
  now: Ktime = 0n;
  /** what clock_settime added to CLOCK_REALTIME */
  private offset: Ktime = 0n;
  /** called when clock_settime moved CLOCK_REALTIME (Linux: clock_was_set), so timers and sleeps
   *  on CLOCK_REALTIME with TIMER_ABSTIME move with it */
  onSet: (() => void) | null = null;
  constructor(private epochNs: Ktime, private hostRealtime: (() => number) | null) {}

  /** CLOCK_REALTIME (Linux: offs_real + monotonic) */
  realtime(): Ktime {
    return (this.hostRealtime ? BigInt(Math.floor(this.hostRealtime())) : this.epochNs + this.now) + this.offset;
  }

  /** CLOCK_REALTIME minus CLOCK_MONOTONIC (Linux: tk->offs_real) */
  realOffset(): Ktime {
    return this.realtime() - this.now;
  }

  /** clock_settime(CLOCK_REALTIME): the wall clock jumps, monotonic time does not (Linux:
   *  do_settimeofday64 moves the offset of CLOCK_REALTIME from CLOCK_MONOTONIC) */
  setRealtime(ns: Ktime): void {
    this.offset += ns - this.realtime();
    this.onSet?.();
  }

  /** move monotonic time forward by n ns (a slice's instructions, or a jump to a deadline);
   *  it saturates below KTIME_MAX */
  advanceTo(t: Ktime): void {
    if (t > this.now) this.now = t < KTIME_MAX ? t : KTIME_MAX - 1n;
  }

  /** monotonic ns as a double, for rate limits and statistics where rounding past 2^53 ns is
   *  harmless (never for deadlines) */
  approx(): number {
    return Number(this.now);
  }

  /** CLOCK_REALTIME as a double, for timestamps that are kept as doubles of ns (file times, IPC
   *  times; a double of today's time in ns is exact to 256 ns), never for deadlines */
  realtimeApprox(): number {
    return Number(this.realtime());
  }

  /** 10 MHz `time` CSR ticks */
  ticks(): number {
    return Number(this.now / 100n);
  }
}

/** splitmix64 on two 32-bit halves is overkill here: xorshift128+ on doubles-free int32 state */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    // seed xoshiro128** through splitmix32 so that nearby seeds diverge
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** xoshiro128** */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** random bytes: each u32 little-endian, four bytes at a time (32 MiB in ~30 ms) */
  fill(dst: Uint8Array): void {
    const words = dst.length >>> 2;
    let i = 0;
    if (LITTLE_ENDIAN && (dst.byteOffset & 3) === 0) {
      const w = new Uint32Array(dst.buffer, dst.byteOffset, words);
      for (; i < words; i++) w[i] = this.u32();
      i *= 4;
    } else {
      for (; i < words * 4; i += 4) {
        const v = this.u32();
        dst[i] = v;
        dst[i + 1] = v >>> 8;
        dst[i + 2] = v >>> 16;
        dst[i + 3] = v >>> 24;
      }
    }
    if (i < dst.length) {
      const v = this.u32();
      for (let j = 0; i + j < dst.length; j++) dst[i + j] = v >>> (8 * j);
    }
  }

  /** an integer in [0, n) */
  below(n: number): number {
    return this.u32() % n;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
