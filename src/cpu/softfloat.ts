// Exact IEEE 754 binary32 / binary64 arithmetic on raw bit patterns, RISC-V flavour
// (canonical NaN results, tininess detected after rounding, all five rounding modes).
//
// This is the general ("slow") path behind src/cpu/fpu.ts: significands are BigInts, every
// operation is computed exactly (or with a sticky bit that cannot affect rounding) and then
// rounded once by roundPack(). Results go to `sf` so callers allocate nothing themselves:
//   sf[0] = low 32 bits (binary32: the whole value), sf[1] = high 32 bits (binary64 only),
//   sf[2] = exception flags raised by the operation (the caller ORs them into fflags).
// No Node imports: this runs in browsers too.

export const NV = 0x10;
export const DZ = 0x08;
export const OF = 0x04;
export const UF = 0x02;
export const NX = 0x01;

export const RNE = 0;
export const RTZ = 1;
export const RDN = 2;
export const RUP = 3;
export const RMM = 4;

export const sf = new Int32Array(3);

/** canonical NaNs */
export const CNAN32 = 0x7fc00000;
export const CNAN64_HI = 0x7ff80000;

// operand classes
const ZERO = 0;
const FIN = 1;
const INF = 2;
const QNAN = 3;
const SNAN = 4;

// scratch for bit <-> number conversions (little- or big-endian hosts)
const cF = new Float64Array(1);
const cI = new Int32Array(cF.buffer);
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

/** bit length of a positive BigInt (below 2^1000) */
function bitLen(m: bigint): number {
  const n = Number(m);
  cF[0] = n;
  let l = ((cI[HI] >>> 20) & 0x7ff) - 1022;
  // Number() rounds to nearest and may have rounded up to the next power of two
  if (n >= 9007199254740992 && m >> BigInt(l - 1) === 0n) l--;
  return l;
}

/** floor(sqrt(n)) for 0 < n < 2^1000 */
function isqrt(n: bigint): bigint {
  let x = BigInt(Math.ceil(Math.sqrt(Number(n)) * (1 + 2 ** -40))) + 1n; // >= floor(sqrt(n))
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

// Unpacked operands: value = (-1)^us * um * 2^ue for FIN (um > 0).
const uc = [0, 0, 0];
const us = [0, 0, 0];
const um: bigint[] = [0n, 0n, 0n];
const ue = [0, 0, 0];

function unpack(i: number, lo: number, hi: number, dbl: boolean): void {
  if (dbl) {
    const ex = (hi >>> 20) & 0x7ff;
    const fh = hi & 0xfffff;
    us[i] = hi >>> 31;
    if (ex === 0x7ff) {
      uc[i] = (fh | lo) === 0 ? INF : fh & 0x80000 ? QNAN : SNAN;
    } else if (ex === 0 && (fh | lo) === 0) {
      uc[i] = ZERO;
    } else {
      uc[i] = FIN;
      um[i] = BigInt((ex === 0 ? fh : fh | 0x100000) * 4294967296 + (lo >>> 0));
      ue[i] = (ex === 0 ? 1 : ex) - 1075;
    }
  } else {
    const ex = (lo >>> 23) & 0xff;
    const fr = lo & 0x7fffff;
    us[i] = lo >>> 31;
    if (ex === 0xff) {
      uc[i] = fr === 0 ? INF : fr & 0x400000 ? QNAN : SNAN;
    } else if (ex === 0 && fr === 0) {
      uc[i] = ZERO;
    } else {
      uc[i] = FIN;
      um[i] = BigInt(ex === 0 ? fr : fr | 0x800000);
      ue[i] = (ex === 0 ? 1 : ex) - 150;
    }
  }
}

function isNaNc(c: number): boolean {
  return c >= QNAN;
}

function setNaN(dbl: boolean): void {
  if (dbl) {
    sf[0] = 0;
    sf[1] = CNAN64_HI;
  } else {
    sf[0] = CNAN32;
    sf[1] = 0;
  }
}

function setInf(sign: number, dbl: boolean): void {
  if (dbl) {
    sf[0] = 0;
    sf[1] = (sign << 31) | 0x7ff00000;
  } else {
    sf[0] = (sign << 31) | 0x7f800000;
    sf[1] = 0;
  }
}

function setZero(sign: number, dbl: boolean): void {
  if (dbl) {
    sf[0] = 0;
    sf[1] = sign << 31;
  } else {
    sf[0] = sign << 31;
    sf[1] = 0;
  }
}

/** re-emit an operand (finite, representable) unchanged */
function setOperand(lo: number, hi: number, dbl: boolean): void {
  sf[0] = lo;
  sf[1] = dbl ? hi : 0;
}

/** whether rounding an inexact magnitude increments it. cmp: remainder vs half an ulp (-1, 0, 1) */
function roundUp(rm: number, sign: number, cmp: number, odd: boolean): boolean {
  switch (rm) {
    case RNE:
      return cmp > 0 || (cmp === 0 && odd);
    case RTZ:
      return false;
    case RDN:
      return sign !== 0;
    case RUP:
      return sign === 0;
    default:
      return cmp >= 0; // RMM
  }
}

/**
 * Round the exact nonzero value (-1)^sign * m * 2^e to binary64 (dbl) or binary32, writing the
 * bits to sf[0..1] and ORing NX/UF/OF into sf[2]. Tininess is detected after rounding.
 */
export function roundPack(sign: number, m: bigint, e: number, dbl: boolean, rm: number): void {
  const p = dbl ? 53 : 24;
  const emin = dbl ? -1022 : -126;
  const emax = dbl ? 1023 : 127;
  const len = bitLen(m);
  const E = e + len - 1; // exponent of the leading bit
  const minLsb = emin - p + 1;
  let lsb = E - p + 1;
  if (lsb < minLsb) lsb = minLsb;
  const sh = lsb - e;
  let q: bigint;
  let inexact = false;
  if (sh <= 0) {
    q = m << BigInt(-sh);
  } else {
    const S = BigInt(sh);
    q = m >> S;
    const rem = m - (q << S);
    if (rem !== 0n) {
      inexact = true;
      const half = 1n << (S - 1n);
      if (roundUp(rm, sign, rem > half ? 1 : rem === half ? 0 : -1, (q & 1n) === 1n)) q += 1n;
    }
  }
  let flags = 0;
  if (inexact) {
    flags |= NX;
    if (E < emin) {
      // tiny unless rounding to p bits with an unbounded exponent reaches 2^emin
      let tiny = true;
      if (E === emin - 1) {
        const shU = emin - p - e; // lsb of the unbounded rounding is emin - p
        if (shU > 0) {
          const S = BigInt(shU);
          let qu = m >> S;
          const rem = m - (qu << S);
          if (rem !== 0n) {
            const half = 1n << (S - 1n);
            if (roundUp(rm, sign, rem > half ? 1 : rem === half ? 0 : -1, (qu & 1n) === 1n)) qu += 1n;
          }
          if (qu >> BigInt(p) !== 0n) tiny = false;
        }
      }
      if (tiny) flags |= UF;
    }
  }
  let qn = Number(q); // < 2^(p+1), exact
  const hidden = dbl ? 4503599627370496 : 8388608; // 2^(p-1)
  if (qn >= 2 * hidden) {
    qn /= 2;
    lsb++;
  }
  let biased = 0;
  if (qn >= hidden) {
    const top = lsb + p - 1;
    if (top > emax) {
      sf[2] |= flags | OF | NX;
      if (rm === RTZ || (rm === RDN && sign === 0) || (rm === RUP && sign !== 0)) {
        // largest finite
        if (dbl) {
          sf[0] = -1;
          sf[1] = (sign << 31) | 0x7fefffff;
        } else {
          sf[0] = (sign << 31) | 0x7f7fffff;
          sf[1] = 0;
        }
      } else {
        setInf(sign, dbl);
      }
      return;
    }
    biased = top + (dbl ? 1023 : 127);
    qn -= hidden;
  }
  sf[2] |= flags;
  if (dbl) {
    const h = Math.floor(qn / 4294967296);
    sf[0] = (qn - h * 4294967296) | 0;
    sf[1] = (sign << 31) | (biased << 20) | h;
  } else {
    sf[0] = (sign << 31) | (biased << 23) | qn;
    sf[1] = 0;
  }
}

// result of exactAdd: (-1)^aS * aM * 2^aE, aM may be 0n (exact cancellation)
let aS = 0;
let aM = 0n;
let aE = 0;

/**
 * Exact sum of two nonzero finite values, except that an addend lying entirely far below the
 * other one's rounding position is replaced by a half-unit sticky bit (which rounds the same).
 */
function exactAdd(sa: number, ma: bigint, ea: number, sb: number, mb: bigint, eb: number, p: number): void {
  let ta = ea + bitLen(ma);
  let tb = eb + bitLen(mb);
  if (tb > ta) {
    let t: number = sa;
    sa = sb;
    sb = t;
    const tm = ma;
    ma = mb;
    mb = tm;
    t = ea;
    ea = eb;
    eb = t;
    t = ta;
    ta = tb;
    tb = t;
  }
  const B = Math.min(ea, ta - p - 3);
  if (tb <= B) {
    const M = ma << BigInt(ea - B + 1);
    aM = sa === sb ? M + 1n : M - 1n;
    aE = B - 1;
    aS = sa;
    return;
  }
  const e = Math.min(ea, eb);
  const A = ma << BigInt(ea - e);
  const Bm = mb << BigInt(eb - e);
  aE = e;
  if (sa === sb) {
    aM = A + Bm;
    aS = sa;
  } else if (A >= Bm) {
    aM = A - Bm;
    aS = sa;
  } else {
    aM = Bm - A;
    aS = sb;
  }
}

function nanFlags(n: number): number {
  let f = 0;
  for (let i = 0; i < n; i++) if (uc[i] === SNAN) f = NV;
  return f;
}

/** a + b (pass b's sign flipped for subtraction). For binary32 only `lo` words are used. */
export function sfAdd(alo: number, ahi: number, blo: number, bhi: number, dbl: boolean, rm: number): void {
  sf[2] = 0;
  unpack(0, alo, ahi, dbl);
  unpack(1, blo, bhi, dbl);
  const ca = uc[0];
  const cb = uc[1];
  if (isNaNc(ca) || isNaNc(cb)) {
    sf[2] = nanFlags(2);
    setNaN(dbl);
    return;
  }
  if (ca === INF) {
    if (cb === INF && us[0] !== us[1]) {
      sf[2] = NV;
      setNaN(dbl);
    } else setInf(us[0], dbl);
    return;
  }
  if (cb === INF) {
    setInf(us[1], dbl);
    return;
  }
  if (ca === ZERO) {
    if (cb === ZERO) setZero(us[0] === us[1] ? us[0] : rm === RDN ? 1 : 0, dbl);
    else setOperand(blo, bhi, dbl);
    return;
  }
  if (cb === ZERO) {
    setOperand(alo, ahi, dbl);
    return;
  }
  exactAdd(us[0], um[0], ue[0], us[1], um[1], ue[1], dbl ? 53 : 24);
  if (aM === 0n) setZero(rm === RDN ? 1 : 0, dbl);
  else roundPack(aS, aM, aE, dbl, rm);
}

export function sfMul(alo: number, ahi: number, blo: number, bhi: number, dbl: boolean, rm: number): void {
  sf[2] = 0;
  unpack(0, alo, ahi, dbl);
  unpack(1, blo, bhi, dbl);
  const ca = uc[0];
  const cb = uc[1];
  const sign = us[0] ^ us[1];
  if (isNaNc(ca) || isNaNc(cb)) {
    sf[2] = nanFlags(2);
    setNaN(dbl);
  } else if (ca === INF || cb === INF) {
    if (ca === ZERO || cb === ZERO) {
      sf[2] = NV;
      setNaN(dbl);
    } else setInf(sign, dbl);
  } else if (ca === ZERO || cb === ZERO) {
    setZero(sign, dbl);
  } else {
    roundPack(sign, um[0] * um[1], ue[0] + ue[1], dbl, rm);
  }
}

/** shift operand i's significand up to exactly p bits */
function normalize(i: number, p: number): void {
  const l = bitLen(um[i]);
  if (l < p) {
    um[i] <<= BigInt(p - l);
    ue[i] -= p - l;
  }
}

export function sfDiv(alo: number, ahi: number, blo: number, bhi: number, dbl: boolean, rm: number): void {
  sf[2] = 0;
  unpack(0, alo, ahi, dbl);
  unpack(1, blo, bhi, dbl);
  const ca = uc[0];
  const cb = uc[1];
  const sign = us[0] ^ us[1];
  if (isNaNc(ca) || isNaNc(cb)) {
    sf[2] = nanFlags(2);
    setNaN(dbl);
  } else if (ca === INF) {
    if (cb === INF) {
      sf[2] = NV;
      setNaN(dbl);
    } else setInf(sign, dbl);
  } else if (cb === INF) {
    setZero(sign, dbl);
  } else if (cb === ZERO) {
    if (ca === ZERO) {
      sf[2] = NV;
      setNaN(dbl);
    } else {
      sf[2] = DZ;
      setInf(sign, dbl);
    }
  } else if (ca === ZERO) {
    setZero(sign, dbl);
  } else {
    const p = dbl ? 53 : 24;
    normalize(0, p);
    normalize(1, p);
    const k = BigInt(p + 2);
    const n = um[0] << k;
    const q = n / um[1];
    const sticky = n !== q * um[1] ? 1n : 0n;
    roundPack(sign, (q << 1n) | sticky, ue[0] - ue[1] - (p + 2) - 1, dbl, rm);
  }
}

export function sfSqrt(alo: number, ahi: number, dbl: boolean, rm: number): void {
  sf[2] = 0;
  unpack(0, alo, ahi, dbl);
  const ca = uc[0];
  if (isNaNc(ca)) {
    sf[2] = nanFlags(1);
    setNaN(dbl);
  } else if (ca === ZERO) {
    setZero(us[0], dbl);
  } else if (us[0] !== 0) {
    sf[2] = NV;
    setNaN(dbl);
  } else if (ca === INF) {
    setInf(0, dbl);
  } else {
    const p = dbl ? 53 : 24;
    normalize(0, p);
    let m = um[0];
    let e = ue[0];
    if (e & 1) {
      m <<= 1n;
      e -= 1;
    }
    const n = m << BigInt(2 * p);
    const r = isqrt(n);
    const sticky = r * r !== n ? 1n : 0n;
    roundPack(0, (r << 1n) | sticky, e / 2 - p - 1, dbl, rm);
  }
}

/**
 * Fused (-1)^negP * a * b + (-1)^negC * c with a single rounding.
 * RISC-V: inf * 0 raises NV even when c is a quiet NaN.
 */
export function sfFma(
  alo: number, ahi: number, blo: number, bhi: number, clo: number, chi: number,
  negP: boolean, negC: boolean, dbl: boolean, rm: number,
): void {
  sf[2] = 0;
  unpack(0, alo, ahi, dbl);
  unpack(1, blo, bhi, dbl);
  unpack(2, clo, chi, dbl);
  const ca = uc[0];
  const cb = uc[1];
  const cc = uc[2];
  const sp = us[0] ^ us[1] ^ (negP ? 1 : 0);
  const sc = us[2] ^ (negC ? 1 : 0);
  const infZero = (ca === INF && cb === ZERO) || (ca === ZERO && cb === INF);
  if (isNaNc(ca) || isNaNc(cb) || isNaNc(cc)) {
    sf[2] = nanFlags(3) | (infZero ? NV : 0);
    setNaN(dbl);
    return;
  }
  if (infZero) {
    sf[2] = NV;
    setNaN(dbl);
    return;
  }
  if (ca === INF || cb === INF) {
    if (cc === INF && sc !== sp) {
      sf[2] = NV;
      setNaN(dbl);
    } else setInf(sp, dbl);
    return;
  }
  if (cc === INF) {
    setInf(sc, dbl);
    return;
  }
  if (ca === ZERO || cb === ZERO) {
    if (cc === ZERO) setZero(sp === sc ? sp : rm === RDN ? 1 : 0, dbl);
    else if (dbl) {
      sf[0] = clo;
      sf[1] = negC ? chi ^ 0x80000000 : chi;
    } else {
      sf[0] = negC ? clo ^ 0x80000000 : clo;
      sf[1] = 0;
    }
    return;
  }
  const mp = um[0] * um[1];
  const ep = ue[0] + ue[1];
  if (cc === ZERO) {
    roundPack(sp, mp, ep, dbl, rm);
    return;
  }
  exactAdd(sp, mp, ep, sc, um[2], ue[2], dbl ? 53 : 24);
  if (aM === 0n) setZero(rm === RDN ? 1 : 0, dbl);
  else roundPack(aS, aM, aE, dbl, rm);
}

/** binary64 -> binary32 (toDouble = false) or binary32 -> binary64 (toDouble = true) */
export function sfCvtFF(lo: number, hi: number, toDouble: boolean, rm: number): void {
  sf[2] = 0;
  unpack(0, lo, hi, !toDouble);
  const c = uc[0];
  if (isNaNc(c)) {
    sf[2] = nanFlags(1);
    setNaN(toDouble);
  } else if (c === INF) setInf(us[0], toDouble);
  else if (c === ZERO) setZero(us[0], toDouble);
  else roundPack(us[0], um[0], ue[0], toDouble, rm);
}

/** integer (-1)^sign * mag -> float */
export function sfFromInt(sign: number, mag: bigint, dbl: boolean, rm: number): void {
  sf[2] = 0;
  if (mag === 0n) setZero(0, dbl);
  else roundPack(sign, mag, 0, dbl, rm);
}
