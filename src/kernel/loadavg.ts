// The load average (Linux: kernel/sched/loadavg.c): every LOAD_FREQ of virtual time the number
// of runnable and uninterruptible tasks is folded into three exponentially decaying averages in
// 11-bit fixed point, exactly as calc_global_load does; periods that passed while every task
// slept are folded in at once (calc_global_nohz's calc_load_n).

export const FSHIFT = 11;
export const FIXED_1 = 1 << FSHIFT;
/** 1/exp(5sec/1min), 1/exp(5sec/5min), 1/exp(5sec/15min) in fixed point */
const EXP = [1884, 2014, 2037];
/** 5 s and one tick (HZ=100), in ns: LOAD_FREQ = 5*HZ+1 */
export const LOAD_FREQ_NS = 5_010_000_000n;

/** Linux calc_load */
function calcLoad(load: number, exp: number, active: number): number {
  let n = load * exp + active * (FIXED_1 - exp);
  if (active >= load) n += FIXED_1 - 1;
  return Math.floor(n / FIXED_1);
}

/** x^n in fixed point (Linux: fixed_power_int), for n missed periods */
function fixedPower(x: number, n: number): number {
  let result = FIXED_1;
  let base = x;
  while (n > 0) {
    if (n & 1) result = Math.floor((result * base + FIXED_1 / 2) / FIXED_1);
    n = Math.floor(n / 2);
    if (n > 0) base = Math.floor((base * base + FIXED_1 / 2) / FIXED_1);
  }
  return result;
}

export class LoadAvg {
  /** avenrun[0..2] in fixed point */
  readonly avenrun = [0, 0, 0];
  /** when the next sample is due (virtual ns) */
  next = LOAD_FREQ_NS;

  /** fold in the samples due by `now`; `active` counts runnable and uninterruptible tasks and is
   *  the same for every missed period (nothing ran in between) */
  update(now: bigint, active: () => number): void {
    if (now < this.next) return;
    const nb = (now - this.next) / LOAD_FREQ_NS + 1n;
    const n = Number(nb);
    const a = active() * FIXED_1;
    for (let i = 0; i < 3; i++) this.avenrun[i] = n === 1 ? calcLoad(this.avenrun[i], EXP[i], a) : calcLoad(this.avenrun[i], fixedPower(EXP[i], n), a);
    this.next += nb * LOAD_FREQ_NS;
  }

  /** "0.52 0.58 0.59" (Linux: LOAD_INT/LOAD_FRAC after adding FIXED_1/200 for rounding) */
  text(): string {
    return this.avenrun.map(loadText).join(" ");
  }
}

export function loadText(v: number): string {
  const x = v + FIXED_1 / 200;
  const int = Math.floor(x / FIXED_1);
  const frac = Math.floor(((x & (FIXED_1 - 1)) * 100) / FIXED_1);
  return `${int}.${String(frac).padStart(2, "0")}`;
}
