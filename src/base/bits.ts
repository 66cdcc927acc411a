// 64-bit values in JavaScript numbers (no Linux counterpart): a number is exact only below 2^53,
// so a full 64-bit word (a register, a u64 field, a flags word) is kept as two 32-bit halves.

export const TWO_32 = 4294967296;

/** the unsigned low 32 bits of an integer below 2^53 */
export const lo32 = (v: number): number => v % TWO_32 >>> 0;
/** the unsigned high 32 bits of a non-negative integer below 2^53 */
export const hi32 = (v: number): number => Math.floor(v / TWO_32) >>> 0;
/** halves back into one number (exact when hi < 2^21) */
export const join64 = (lo: number, hi: number): number => (hi >>> 0) * TWO_32 + (lo >>> 0);

/** a 64-bit value given as halves, in hex without leading zeros (exact for every value) */
export function hex64(lo: number, hi: number): string {
  return hi >>> 0 ? (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, "0") : (lo >>> 0).toString(16);
}
