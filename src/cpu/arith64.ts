// 64-bit multiply and divide on int32 halves (RV64 M extension).
// Results go to `out` ([0] = low, [1] = high) so the interpreter allocates nothing.

export const out = new Int32Array(2);
const TWO32 = 4294967296;

/** high 32 bits of the unsigned 64-bit product of two uint32 */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

export function mul(al: number, ah: number, bl: number, bh: number): void {
  out[0] = Math.imul(al, bl);
  out[1] = (mulhu32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
}

/** high 64 bits of the unsigned 128-bit product */
export function mulhu(al: number, ah: number, bl: number, bh: number): void {
  const p0h = mulhu32(al, bl) >>> 0;
  const p1l = Math.imul(al, bh) >>> 0;
  const p1h = mulhu32(al, bh) >>> 0;
  const p2l = Math.imul(ah, bl) >>> 0;
  const p2h = mulhu32(ah, bl) >>> 0;
  const p3l = Math.imul(ah, bh) >>> 0;
  const p3h = mulhu32(ah, bh) >>> 0;
  const c1 = p0h + p1l + p2l;
  const c2 = p1h + p2h + p3l + Math.floor(c1 / TWO32);
  out[0] = c2 | 0;
  out[1] = (p3h + Math.floor(c2 / TWO32)) | 0;
}

function sub(bl: number, bh: number): void {
  const lo = (out[0] - bl) | 0;
  const borrow = (out[0] >>> 0) < (bl >>> 0) ? 1 : 0;
  out[0] = lo;
  out[1] = (out[1] - bh - borrow) | 0;
}

/** high 64 bits of the signed x signed product */
export function mulh(al: number, ah: number, bl: number, bh: number): void {
  mulhu(al, ah, bl, bh);
  if (ah < 0) sub(bl, bh);
  if (bh < 0) sub(al, ah);
}

/** high 64 bits of the signed x unsigned product */
export function mulhsu(al: number, ah: number, bl: number, bh: number): void {
  mulhu(al, ah, bl, bh);
  if (ah < 0) sub(bl, bh);
}

function setNum(q: number): void {
  out[0] = q | 0;
  out[1] = Math.floor(q / TWO32) | 0;
}

function big(lo: number, hi: number, signed: boolean): bigint {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return signed ? BigInt.asIntN(64, v) : v;
}

function setBig(v: bigint): void {
  const u = BigInt.asUintN(64, v);
  out[0] = Number(u & 0xffffffffn) | 0;
  out[1] = Number(u >> 32n) | 0;
}

const safeS = (hi: number) => (hi + 0x200000) >>> 0 < 0x400000;

/** signed division/remainder with RISC-V's rules: x/0 = -1, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0 */
export function div(al: number, ah: number, bl: number, bh: number, rem: boolean): void {
  if (bl === 0 && bh === 0) {
    if (rem) { out[0] = al; out[1] = ah; } else { out[0] = -1; out[1] = -1; }
    return;
  }
  if (safeS(ah) && safeS(bh)) {
    const a = ah * TWO32 + (al >>> 0);
    const b = bh * TWO32 + (bl >>> 0);
    const q = Math.trunc(a / b);
    setNum(rem ? a - q * b : q);
    return;
  }
  const a = big(al, ah, true);
  const b = big(bl, bh, true);
  if (b === -1n) { setBig(rem ? 0n : -a); return; }
  setBig(rem ? a % b : a / b);
}

export function divu(al: number, ah: number, bl: number, bh: number, rem: boolean): void {
  if (bl === 0 && bh === 0) {
    if (rem) { out[0] = al; out[1] = ah; } else { out[0] = -1; out[1] = -1; }
    return;
  }
  if (ah >>> 0 < 0x200000 && bh >>> 0 < 0x200000) {
    const a = (ah >>> 0) * TWO32 + (al >>> 0);
    const b = (bh >>> 0) * TWO32 + (bl >>> 0);
    const q = Math.floor(a / b);
    setNum(rem ? a - q * b : q);
    return;
  }
  const a = big(al, ah, false);
  const b = big(bl, bh, false);
  setBig(rem ? a % b : a / b);
}

/** 32-bit signed division result sign-extended (DIVW/REMW) */
export function divw(a: number, b: number, rem: boolean): number {
  if (b === 0) return rem ? a : -1;
  if (a === -2147483648 && b === -1) return rem ? 0 : a;
  return rem ? a % b | 0 : (a / b) | 0;
}

export function divuw(a: number, b: number, rem: boolean): number {
  const ua = a >>> 0;
  const ub = b >>> 0;
  if (ub === 0) return rem ? a : -1;
  return rem ? (ua % ub) | 0 : Math.floor(ua / ub) | 0;
}
