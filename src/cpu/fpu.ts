// RISC-V F and D extensions, everything except the loads and stores (RV64, user mode).
//
// Registers hold raw bits (JS would canonicalise NaN payloads), read and written through
// Int32Array halves. Single-precision values are NaN-boxed: reading a single whose upper 32 bits
// are not all ones yields the canonical NaN, and writing a single sets them to all ones.
//
// Arithmetic has two paths:
//  - a fast path in plain JS double arithmetic for round-to-nearest-even with ordinary operands
//    and a normal, finite result; the inexact flag is computed exactly with error-free
//    transformations (TwoSum, Dekker's TwoProduct), single precision uses double arithmetic
//    (exact products, double rounding that is provably innocuous, or round-to-odd);
//  - the general exact path in softfloat.ts (BigInt significands, one rounding routine for all
//    modes producing all flags) for everything else.
// Conversions to integers use plain JS numbers in every rounding mode.
// No Node imports: this runs in browsers too.

import {
  sf, sfAdd, sfMul, sfDiv, sfSqrt, sfFma, sfCvtFF, sfFromInt,
  NV, NX, RNE, RTZ, RDN, RUP, RMM, CNAN32, CNAN64_HI,
} from "./softfloat.js";

export interface FpState {
  /** integer registers: x[2*r] = low 32 bits, x[2*r+1] = high 32 bits (signed int32 halves). Index r=0 is always zero; writes whose rd is 0 must go to slot r=32 (indices 64,65) instead, which is a discard slot. x has length 66. */
  x: Int32Array;
  /** 32 FP registers as raw bits: f[2*r] = low 32 bits, f[2*r+1] = high 32 bits. length 64 */
  f: Int32Array;
  /** fcsr[0] = fflags (5 bits), fcsr[1] = frm (3 bits) */
  fcsr: Int32Array;
}

// scratch views for bit <-> number conversions
const dF = new Float64Array(1);
const dI = new Int32Array(dF.buffer);
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;
const sF = new Float32Array(1);
const sI = new Int32Array(sF.buffer);

const SPLIT = 134217729; // 2^27 + 1
const TWO32 = 4294967296;
const MAX64 = Number.MAX_VALUE;
const MAX32 = 3.4028234663852886e38;
/** results at least this large are normal and cannot be tiny (binary64) */
const SAFE_MIN64 = 2 ** -1021;
/** TwoProduct is exact when the product is at least this large (no underflow of its low part) */
const DEKKER_MIN = 2 ** -966;
/** FMA fast path: results at least this large have a normal quarter-ulp */
const FMA_MIN64 = 2 ** -960;
/** binary32 results at least this large are normal and cannot be tiny */
const SAFE_MIN32 = 2 ** -125;

/** POW2[k] = 2^(k - 1100), for k - 1100 in [-1100, 1023] */
const POW2 = new Float64Array(2124);
{
  let v = 1;
  for (let k = 1100; k < 2124; k++, v *= 2) POW2[k] = v;
  v = 0.5;
  for (let k = 1099; k >= 0; k--, v /= 2) POW2[k] = v;
}

function rdD(f: Int32Array, r: number): number {
  dI[LO] = f[2 * r];
  dI[HI] = f[2 * r + 1];
  return dF[0];
}

/** write a non-NaN double */
function wrD(f: Int32Array, r: number, v: number): void {
  dF[0] = v;
  f[2 * r] = dI[LO];
  f[2 * r + 1] = dI[HI];
}

/** bits of the single in f register r, the canonical NaN if not properly NaN-boxed */
function unbox(f: Int32Array, r: number): number {
  return f[2 * r + 1] === -1 ? f[2 * r] : CNAN32;
}

function sVal(bits: number): number {
  sI[0] = bits;
  return sF[0];
}

/** write a non-NaN single given as a double that is exactly representable */
function wrS(f: Int32Array, r: number, v: number): void {
  sF[0] = v;
  f[2 * r] = sI[0];
  f[2 * r + 1] = -1;
}

function isNaN64(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;
}
function isSNaN64(lo: number, hi: number): boolean {
  return isNaN64(lo, hi) && (hi & 0x80000) === 0;
}
function isNaN32(b: number): boolean {
  return (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
}
function isSNaN32(b: number): boolean {
  return isNaN32(b) && (b & 0x400000) === 0;
}

/** low part of a*b - p exactly (p = fl(a*b)), given no overflow/underflow */
function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** effective rounding mode, or -1 if reserved */
function rmOf(s: FpState, insn: number): number {
  let rm = (insn >>> 12) & 7;
  if (rm === 7) rm = s.fcsr[1] & 7;
  return rm >= 5 ? -1 : rm;
}

function wrSf(f: Int32Array, rd: number, dbl: boolean): void {
  f[2 * rd] = sf[0];
  f[2 * rd + 1] = dbl ? sf[1] : -1;
}

/** round a non-NaN double to an integral double in the given mode (keeps huge values/inf) */
function roundInt(x: number, rm: number): number {
  switch (rm) {
    case RTZ:
      return Math.trunc(x);
    case RDN:
      return Math.floor(x);
    case RUP:
      return Math.ceil(x);
  }
  const a = Math.abs(x);
  if (a >= 4503599627370496) return x; // already integral (or infinite)
  const fl = Math.floor(a);
  const d = a - fl; // exact
  let r = fl;
  if (d > 0.5 || (d === 0.5 && (rm === RMM || fl % 2 === 1))) r = fl + 1;
  return x < 0 ? -r : r;
}

/** fcvt.{w,wu,l,lu}.{s,d}: kind 0 W, 1 WU, 2 L, 3 LU; x is the source (ignored if nan) */
function cvtToInt(s: FpState, rd: number, x: number, nan: boolean, kind: number, rm: number): void {
  const X = s.x;
  const i = rd === 0 ? 64 : 2 * rd;
  const r = nan ? NaN : roundInt(x, rm);
  let lo: number;
  let hi: number;
  let ok: boolean;
  switch (kind) {
    case 0:
      ok = r >= -2147483648 && r <= 2147483647;
      if (ok) lo = r | 0;
      else lo = r < 0 ? -2147483648 : 2147483647;
      hi = lo >> 31;
      break;
    case 1:
      ok = r >= 0 && r <= 4294967295;
      if (ok) lo = r | 0;
      else lo = r < 0 ? 0 : -1;
      hi = lo >> 31;
      break;
    case 2:
      ok = r >= -9223372036854775808 && r < 9223372036854775808;
      if (ok) {
        hi = Math.floor(r / TWO32);
        lo = (r - hi * TWO32) | 0;
        hi |= 0;
      } else if (r < 0) {
        lo = 0;
        hi = -2147483648;
      } else {
        lo = -1;
        hi = 2147483647;
      }
      break;
    default:
      ok = r >= 0 && r < 18446744073709551616;
      if (ok) {
        hi = Math.floor(r / TWO32);
        lo = (r - hi * TWO32) | 0;
        hi |= 0;
      } else if (r < 0) {
        lo = 0;
        hi = 0;
      } else {
        lo = -1;
        hi = -1;
      }
      break;
  }
  X[i] = lo;
  X[i + 1] = hi;
  if (!ok) s.fcsr[0] |= NV;
  else if (r !== x) s.fcsr[0] |= NX;
}

/** fcvt.{s,d}.{w,wu,l,lu}: kind 0 W, 1 WU, 2 L, 3 LU */
function cvtFromInt(s: FpState, rd: number, rs1: number, kind: number, dbl: boolean, rm: number): void {
  const xl = s.x[2 * rs1];
  const xh = s.x[2 * rs1 + 1];
  let v: number;
  switch (kind) {
    case 0:
      v = xl;
      break;
    case 1:
      v = xl >>> 0;
      break;
    case 2:
      v = xh >= -2097152 && xh < 2097152 ? xh * TWO32 + (xl >>> 0) : NaN;
      break;
    default:
      v = xh >>> 0 < 2097152 ? xh * TWO32 + (xl >>> 0) : NaN;
      break;
  }
  const f = s.f;
  if (v === v) {
    // |v| < 2^53: exact as a double
    if (dbl) {
      wrD(f, rd, v);
      return;
    }
    const r = Math.fround(v);
    if (r === v) {
      wrS(f, rd, v);
      return;
    }
    if (rm === RNE) {
      wrS(f, rd, r);
      s.fcsr[0] |= NX;
      return;
    }
  }
  let big: bigint;
  if (kind === 0) big = BigInt(xl);
  else if (kind === 1) big = BigInt(xl >>> 0);
  else if (kind === 2) big = (BigInt(xh) << 32n) | BigInt(xl >>> 0);
  else big = (BigInt(xh >>> 0) << 32n) | BigInt(xl >>> 0);
  const neg = big < 0n;
  sfFromInt(neg ? 1 : 0, neg ? -big : big, dbl, rm);
  wrSf(f, rd, dbl);
  s.fcsr[0] |= sf[2];
}

/** fclass result for a value given as its top word (binary64 hi or binary32 bits) */
function fclass(neg: boolean, expAll1: boolean, expZero: boolean, fracZero: boolean, quiet: boolean): number {
  if (expAll1) {
    if (fracZero) return neg ? 1 << 0 : 1 << 7;
    return quiet ? 1 << 9 : 1 << 8;
  }
  if (expZero) {
    if (fracZero) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}

/** Execute one 32-bit F/D non-memory instruction. Returns 0 on success, -1 for an illegal instruction (state unchanged). */
export function execFp(s: FpState, insn: number): number {
  insn |= 0;
  const opc = insn & 0x7f;
  if (opc === 0x53) return opFp(s, insn);
  if ((opc & 0x73) === 0x43) return opFma(s, insn);
  return -1;
}

function opFma(s: FpState, insn: number): number {
  const fmt = (insn >>> 25) & 3;
  if (fmt > 1) return -1;
  const rm = rmOf(s, insn);
  if (rm < 0) return -1;
  const f = s.f;
  const rd = (insn >>> 7) & 31;
  const rs1 = (insn >>> 15) & 31;
  const rs2 = (insn >>> 20) & 31;
  const rs3 = insn >>> 27;
  const v = (insn >>> 2) & 3; // 0 fmadd, 1 fmsub, 2 fnmsub, 3 fnmadd
  const negP = v >= 2;
  const negC = (v & 1) === 1;
  if (fmt === 1) {
    const alo = f[2 * rs1], ahi = f[2 * rs1 + 1];
    const blo = f[2 * rs2], bhi = f[2 * rs2 + 1];
    const clo = f[2 * rs3], chi = f[2 * rs3 + 1];
    if (rm === RNE) {
      dI[LO] = alo;
      dI[HI] = negP ? ahi ^ 0x80000000 : ahi;
      const a = dF[0];
      dI[LO] = blo;
      dI[HI] = bhi;
      const b = dF[0];
      dI[LO] = clo;
      dI[HI] = negC ? chi ^ 0x80000000 : chi;
      const c = dF[0];
      const p = a * b;
      const ap = Math.abs(p);
      if (ap >= DEKKER_MIN && ap <= MAX64) {
        const pl = twoProdErr(a, b, p);
        const s1 = p + c;
        let bb = s1 - p;
        const e1 = p - (s1 - bb) + (c - bb);
        const t = e1 + pl;
        bb = t - e1;
        const e2 = e1 - (t - bb) + (pl - bb);
        const r = s1 + t;
        bb = r - s1;
        const e3 = s1 - (r - bb) + (t - bb);
        const ar = Math.abs(r);
        if (ar >= FMA_MIN64 && ar <= MAX64) {
          // exact result = r + e3 + e2; r is correctly rounded if that is within half a spacing
          const w = e3 + e2;
          dF[0] = r;
          const rh = dI[HI];
          let h = POW2[((rh >>> 20) & 0x7ff) - 1023 - 53 + 1100];
          if ((rh & 0xfffff) === 0 && dI[LO] === 0 && w < 0 !== r < 0) h *= 0.5;
          if (Math.abs(w) < h) {
            f[2 * rd] = dI[LO];
            f[2 * rd + 1] = rh;
            if (w !== 0) s.fcsr[0] |= NX;
            return 0;
          }
        }
      }
    }
    sfFma(alo, ahi, blo, bhi, clo, chi, negP, negC, true, rm);
    wrSf(f, rd, true);
    s.fcsr[0] |= sf[2];
    return 0;
  }
  const ab = unbox(f, rs1);
  const bb32 = unbox(f, rs2);
  const cb = unbox(f, rs3);
  if (rm === RNE) {
    const a = sVal(negP ? ab ^ 0x80000000 : ab);
    const b = sVal(bb32);
    const c = sVal(negC ? cb ^ 0x80000000 : cb);
    const p = a * b; // exact
    const s1 = p + c;
    const bb = s1 - p;
    const e = p - (s1 - bb) + (c - bb);
    let x = s1;
    if (e !== 0) {
      // round to odd at 53 bits, so that rounding to 24 bits below is correct
      dF[0] = s1;
      const lo = dI[LO];
      if ((lo & 1) === 0) {
        if (e > 0 === s1 > 0) dI[LO] = lo | 1;
        else if (lo !== 0) dI[LO] = lo - 1;
        else {
          dI[LO] = -1;
          dI[HI] = dI[HI] - 1;
        }
        x = dF[0];
      }
    }
    const r = Math.fround(x);
    const ar = Math.abs(r);
    if (ar >= SAFE_MIN32 && ar <= MAX32) {
      wrS(f, rd, r);
      if (e !== 0 || r !== x) s.fcsr[0] |= NX;
      return 0;
    }
    if (s1 === 0 && e === 0) {
      wrS(f, rd, s1);
      return 0;
    }
  }
  sfFma(ab, 0, bb32, 0, cb, 0, negP, negC, false, rm);
  wrSf(f, rd, false);
  s.fcsr[0] |= sf[2];
  return 0;
}

function opFp(s: FpState, insn: number): number {
  const funct7 = insn >>> 25;
  const fmt = funct7 & 3;
  if (fmt > 1) return -1;
  const dbl = fmt === 1;
  const rd = (insn >>> 7) & 31;
  const fn3 = (insn >>> 12) & 7;
  const rs1 = (insn >>> 15) & 31;
  const rs2 = (insn >>> 20) & 31;
  const f = s.f;
  const fcsr = s.fcsr;
  switch (funct7 >>> 2) {
    case 0x00: // fadd
    case 0x01: // fsub
    case 0x02: // fmul
    case 0x03: // fdiv
    case 0x0b: {
      // fsqrt
      const op = funct7 >>> 2;
      if (op === 0x0b && rs2 !== 0) return -1;
      const rm = rmOf(s, insn);
      if (rm < 0) return -1;
      if (dbl) return arithD(s, op, rd, rs1, rs2, rm);
      return arithS(s, op, rd, rs1, rs2, rm);
    }
    case 0x04: {
      // fsgnj, fsgnjn, fsgnjx
      if (fn3 > 2) return -1;
      let a: number, b: number;
      if (dbl) {
        a = f[2 * rs1 + 1];
        b = f[2 * rs2 + 1];
      } else {
        a = unbox(f, rs1);
        b = unbox(f, rs2);
      }
      const sign = fn3 === 0 ? b & 0x80000000 : fn3 === 1 ? ~b & 0x80000000 : (a ^ b) & 0x80000000;
      const r = (a & 0x7fffffff) | sign;
      if (dbl) {
        f[2 * rd] = f[2 * rs1];
        f[2 * rd + 1] = r;
      } else {
        f[2 * rd] = r;
        f[2 * rd + 1] = -1;
      }
      return 0;
    }
    case 0x05: {
      // fmin, fmax
      if (fn3 > 1) return -1;
      const max = fn3 === 1;
      if (dbl) {
        const alo = f[2 * rs1], ahi = f[2 * rs1 + 1];
        const blo = f[2 * rs2], bhi = f[2 * rs2 + 1];
        const an = isNaN64(alo, ahi);
        const bn = isNaN64(blo, bhi);
        if (an || bn) {
          if (isSNaN64(alo, ahi) || isSNaN64(blo, bhi)) fcsr[0] |= NV;
          if (an && bn) {
            f[2 * rd] = 0;
            f[2 * rd + 1] = CNAN64_HI;
          } else if (an) {
            f[2 * rd] = blo;
            f[2 * rd + 1] = bhi;
          } else {
            f[2 * rd] = alo;
            f[2 * rd + 1] = ahi;
          }
          return 0;
        }
        const a = rdD(f, rs1);
        const b = rdD(f, rs2);
        // ties (equal values, in particular -0 vs +0): min takes a negative sign, max a positive one
        const pickA = a < b ? !max : a > b ? max : max ? ahi >= 0 : ahi < 0;
        if (pickA) {
          f[2 * rd] = alo;
          f[2 * rd + 1] = ahi;
        } else {
          f[2 * rd] = blo;
          f[2 * rd + 1] = bhi;
        }
        return 0;
      }
      const ab = unbox(f, rs1);
      const bb = unbox(f, rs2);
      const an = isNaN32(ab);
      const bn = isNaN32(bb);
      let r: number;
      if (an || bn) {
        if (isSNaN32(ab) || isSNaN32(bb)) fcsr[0] |= NV;
        r = an && bn ? CNAN32 : an ? bb : ab;
      } else {
        const a = sVal(ab);
        const b = sVal(bb);
        const pickA = a < b ? !max : a > b ? max : max ? ab >= 0 : ab < 0;
        r = pickA ? ab : bb;
      }
      f[2 * rd] = r;
      f[2 * rd + 1] = -1;
      return 0;
    }
    case 0x08: {
      // fcvt.s.d (fmt S, rs2 = 1) and fcvt.d.s (fmt D, rs2 = 0)
      if (rs2 !== (dbl ? 0 : 1)) return -1;
      const rm = rmOf(s, insn);
      if (rm < 0) return -1;
      if (dbl) {
        const b = unbox(f, rs1);
        if (isNaN32(b)) {
          if ((b & 0x400000) === 0) fcsr[0] |= NV;
          f[2 * rd] = 0;
          f[2 * rd + 1] = CNAN64_HI;
        } else wrD(f, rd, sVal(b));
        return 0;
      }
      const lo = f[2 * rs1], hi = f[2 * rs1 + 1];
      if (rm === RNE) {
        const x = rdD(f, rs1);
        const r = Math.fround(x);
        const ar = Math.abs(r);
        if (ar >= SAFE_MIN32 && ar <= MAX32) {
          wrS(f, rd, r);
          if (r !== x) fcsr[0] |= NX;
          return 0;
        }
      }
      sfCvtFF(lo, hi, false, rm);
      wrSf(f, rd, false);
      fcsr[0] |= sf[2];
      return 0;
    }
    case 0x14: {
      // fle (0), flt (1), feq (2)
      if (fn3 > 2) return -1;
      let an: boolean, bn: boolean, sn: boolean;
      let a = 0, b = 0;
      if (dbl) {
        const alo = f[2 * rs1], ahi = f[2 * rs1 + 1];
        const blo = f[2 * rs2], bhi = f[2 * rs2 + 1];
        an = isNaN64(alo, ahi);
        bn = isNaN64(blo, bhi);
        sn = isSNaN64(alo, ahi) || isSNaN64(blo, bhi);
        if (!an && !bn) {
          a = rdD(f, rs1);
          b = rdD(f, rs2);
        }
      } else {
        const ab = unbox(f, rs1);
        const bb = unbox(f, rs2);
        an = isNaN32(ab);
        bn = isNaN32(bb);
        sn = isSNaN32(ab) || isSNaN32(bb);
        if (!an && !bn) {
          a = sVal(ab);
          b = sVal(bb);
        }
      }
      let r = 0;
      if (an || bn) {
        if (sn || fn3 !== 2) fcsr[0] |= NV;
      } else r = (fn3 === 2 ? a === b : fn3 === 1 ? a < b : a <= b) ? 1 : 0;
      const i = rd === 0 ? 64 : 2 * rd;
      s.x[i] = r;
      s.x[i + 1] = 0;
      return 0;
    }
    case 0x18: {
      // fcvt.{w,wu,l,lu}.fmt
      if (rs2 > 3) return -1;
      const rm = rmOf(s, insn);
      if (rm < 0) return -1;
      if (dbl) {
        const lo = f[2 * rs1], hi = f[2 * rs1 + 1];
        cvtToInt(s, rd, rdD(f, rs1), isNaN64(lo, hi), rs2, rm);
      } else {
        const b = unbox(f, rs1);
        cvtToInt(s, rd, sVal(b), isNaN32(b), rs2, rm);
      }
      return 0;
    }
    case 0x1a: {
      // fcvt.fmt.{w,wu,l,lu}
      if (rs2 > 3) return -1;
      const rm = rmOf(s, insn);
      if (rm < 0) return -1;
      cvtFromInt(s, rd, rs1, rs2, dbl, rm);
      return 0;
    }
    case 0x1c: {
      // fmv.x.w / fmv.x.d (fn3 0), fclass (fn3 1)
      if (rs2 !== 0 || fn3 > 1) return -1;
      const i = rd === 0 ? 64 : 2 * rd;
      const X = s.x;
      if (fn3 === 0) {
        const lo = f[2 * rs1];
        X[i] = lo;
        X[i + 1] = dbl ? f[2 * rs1 + 1] : lo >> 31;
        return 0;
      }
      let c: number;
      if (dbl) {
        const lo = f[2 * rs1], hi = f[2 * rs1 + 1];
        const ex = hi & 0x7ff00000;
        c = fclass(hi < 0, ex === 0x7ff00000, ex === 0, ((hi & 0xfffff) | lo) === 0, (hi & 0x80000) !== 0);
      } else {
        const b = unbox(f, rs1);
        const ex = b & 0x7f800000;
        c = fclass(b < 0, ex === 0x7f800000, ex === 0, (b & 0x7fffff) === 0, (b & 0x400000) !== 0);
      }
      X[i] = c;
      X[i + 1] = 0;
      return 0;
    }
    case 0x1e: {
      // fmv.w.x / fmv.d.x
      if (rs2 !== 0 || fn3 !== 0) return -1;
      f[2 * rd] = s.x[2 * rs1];
      f[2 * rd + 1] = dbl ? s.x[2 * rs1 + 1] : -1;
      return 0;
    }
  }
  return -1;
}

/** fadd(0) fsub(1) fmul(2) fdiv(3) fsqrt(0x0b), binary64 */
function arithD(s: FpState, op: number, rd: number, rs1: number, rs2: number, rm: number): number {
  const f = s.f;
  const alo = f[2 * rs1], ahi = f[2 * rs1 + 1];
  let blo = f[2 * rs2], bhi = f[2 * rs2 + 1];
  if (op === 1) bhi ^= 0x80000000;
  if (rm === RNE) {
    dI[LO] = alo;
    dI[HI] = ahi;
    const a = dF[0];
    dI[LO] = blo;
    dI[HI] = bhi;
    const b = dF[0];
    let r = 0;
    let nx = -1; // -1: not handled by the fast path
    switch (op) {
      case 0:
      case 1: {
        r = a + b;
        if (r - r === 0) {
          const bb = r - a;
          const err = a - (r - bb) + (b - bb);
          if (err === 0) nx = 0;
          else if (err - err === 0) nx = NX;
        }
        break;
      }
      case 2: {
        r = a * b;
        const ar = Math.abs(r);
        if (ar >= DEKKER_MIN && ar <= MAX64) {
          const err = twoProdErr(a, b, r);
          if (err === 0) nx = 0;
          else if (err - err === 0) nx = NX;
        } else if (r === 0 && (a === 0 || b === 0)) nx = 0;
        break;
      }
      case 3: {
        r = a / b;
        const ar = Math.abs(r);
        if (ar >= SAFE_MIN64 && ar <= MAX64 && Math.abs(a) >= DEKKER_MIN) {
          // a - r*b = (a - p) - err exactly
          const p = r * b;
          const err = twoProdErr(r, b, p);
          if (err - err === 0) nx = a - p === err ? 0 : NX;
        } else if (a === 0 && b === b && b !== 0) nx = 0;
        break;
      }
      default: {
        if (a >= DEKKER_MIN && a <= MAX64) {
          r = Math.sqrt(a);
          const p = r * r;
          nx = a - p === twoProdErr(r, r, p) ? 0 : NX;
        } else if (a === 0) {
          r = a;
          nx = 0;
        }
        break;
      }
    }
    if (nx >= 0) {
      dF[0] = r;
      f[2 * rd] = dI[LO];
      f[2 * rd + 1] = dI[HI];
      s.fcsr[0] |= nx;
      return 0;
    }
  }
  switch (op) {
    case 0:
    case 1:
      sfAdd(alo, ahi, blo, bhi, true, rm);
      break;
    case 2:
      sfMul(alo, ahi, blo, bhi, true, rm);
      break;
    case 3:
      sfDiv(alo, ahi, blo, bhi, true, rm);
      break;
    default:
      sfSqrt(alo, ahi, true, rm);
      break;
  }
  wrSf(f, rd, true);
  s.fcsr[0] |= sf[2];
  return 0;
}

/** fadd(0) fsub(1) fmul(2) fdiv(3) fsqrt(0x0b), binary32 */
function arithS(s: FpState, op: number, rd: number, rs1: number, rs2: number, rm: number): number {
  const f = s.f;
  const ab = unbox(f, rs1);
  let bb = unbox(f, rs2);
  if (op === 1) bb ^= 0x80000000;
  if (rm === RNE) {
    const a = sVal(ab);
    const b = sVal(bb);
    let r = 0;
    let nx = -1;
    switch (op) {
      case 0:
      case 1: {
        // double rounding 53 -> 24 bits is innocuous for addition
        const x = a + b;
        r = Math.fround(x);
        if (r - r === 0) {
          const t = x - a;
          const err = a - (x - t) + (b - t);
          nx = err !== 0 || r !== x ? NX : 0;
        }
        break;
      }
      case 2: {
        const x = a * b; // exact
        r = Math.fround(x);
        const ar = Math.abs(r);
        if ((ar >= SAFE_MIN32 && ar <= MAX32) || x === 0) nx = r !== x ? NX : 0;
        break;
      }
      case 3: {
        r = Math.fround(a / b); // double rounding is innocuous for division
        const ar = Math.abs(r);
        if (ar >= SAFE_MIN32 && ar <= MAX32) nx = r * b !== a ? NX : 0;
        else if (a === 0 && b === b && b !== 0) nx = 0;
        break;
      }
      default: {
        if (a > 0 && a <= MAX32) {
          r = Math.fround(Math.sqrt(a)); // innocuous double rounding
          nx = r * r !== a ? NX : 0;
        } else if (a === 0) {
          r = a;
          nx = 0;
        }
        break;
      }
    }
    if (nx >= 0) {
      wrS(f, rd, r);
      s.fcsr[0] |= nx;
      return 0;
    }
  }
  switch (op) {
    case 0:
    case 1:
      sfAdd(ab, 0, bb, 0, false, rm);
      break;
    case 2:
      sfMul(ab, 0, bb, 0, false, rm);
      break;
    case 3:
      sfDiv(ab, 0, bb, 0, false, rm);
      break;
    default:
      sfSqrt(ab, 0, false, rm);
      break;
  }
  wrSf(f, rd, false);
  s.fcsr[0] |= sf[2];
  return 0;
}
