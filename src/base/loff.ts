// File offsets and sizes (Linux's loff_t: f_pos, i_size, up to MAX_LFS_FILESIZE = 2^63 - 1),
// exact over the whole range.
//
// A Loff is a number while the value is a safe integer (at most 2^53 - 1: every file anyone
// writes), and a bigint above. The form is normalised, a bigint is never a safe integer, so
// `typeof pos === "number"` is the fast path and the ordinary read/write path stays plain double
// arithmetic with no BigInt allocation. JS compares a number with a bigint exactly, so <, <=, >
// and >= need no helper; === holds between two normalised Loffs of the same value.

export type Loff = number | bigint;

/** Linux's MAX_LFS_FILESIZE on 64-bit (include/linux/fs.h): LLONG_MAX */
export const MAX_LFS_FILESIZE = (1n << 63n) - 1n;

/** the normalised Loff of an exact value */
export function loff(v: bigint): Loff {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** the exact value of a Loff */
export function loffBig(v: Loff): bigint {
  return typeof v === "number" ? BigInt(v) : v;
}

/** a + b exactly (b a byte count or another offset) */
export function loffAdd(a: Loff, b: Loff): Loff {
  if (typeof a === "number" && typeof b === "number") {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return loff(loffBig(a) + loffBig(b));
}

/** a - b exactly */
export function loffSub(a: Loff, b: Loff): Loff {
  if (typeof a === "number" && typeof b === "number") {
    const s = a - b;
    if (Number.isSafeInteger(s)) return s;
  }
  return loff(loffBig(a) - loffBig(b));
}

/** min(a - b, cap) as a number, for a byte count bounded by cap (a buffer's length): a >= b */
export function loffSpan(a: Loff, b: Loff, cap: number): number {
  const d = loffSub(a, b);
  return d < cap ? Number(d) : cap;
}

/** the page of a Loff and the offset in it (pages of 2^shift bytes): both exact numbers, the page
 *  index being at most 2^(63 - shift) */
export function loffPage(v: Loff, shift: number): number {
  return typeof v === "number" ? Math.floor(v / 2 ** shift) : Number(v >> BigInt(shift));
}
export function loffInPage(v: Loff, shift: number): number {
  return typeof v === "number" ? v % 2 ** shift : Number(v & ((1n << BigInt(shift)) - 1n));
}

/** a Loff for a u64 guest value stored as two 32-bit halves */
export function loffOfHalves(lo: number, hi: number): Loff {
  hi >>>= 0;
  lo >>>= 0;
  if (hi < 0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}
