// Tests for src/cpu/fpu.ts (RISC-V F/D instructions other than loads/stores).
//
// Oracle: test/fpu-golden/vectors.txt.gz, produced by test/fpu-golden/gen.c running under
// qemu-riscv64 (QEMU's softfloat implements the RISC-V rules: canonical NaNs, NaN-boxing,
// tininess after rounding, saturating conversions). Each line is
//   <insn> <rs1> <rs2> <rs3> <frm> -> <rd> <fflags>      or      ... -> ill
// (hex; rs1 is an x register for fcvt.fmt.int and fmv.{w,d}.x). See regen.sh.
// Every vector is run on a state whose other registers hold a background pattern, and the whole
// state is compared afterwards: only rd (and the accrued flags) may change, illegal instructions
// must change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { execFp, type FpState } from '../src/cpu/fpu.js';

function goldenFile(): string {
  const rel = join('test', 'fpu-golden', 'vectors.txt.gz');
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 6; k++) {
    if (existsSync(join(dir, rel))) return join(dir, rel);
    dir = dirname(dir);
  }
  const cwd = join(process.cwd(), rel);
  if (existsSync(cwd)) return cwd;
  throw new Error('cannot find ' + rel);
}

function newState(): FpState {
  return { x: new Int32Array(66), f: new Int32Array(64), fcsr: new Int32Array(2) };
}

const hex64 = (hi: number, lo: number) =>
  (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

function halves(s: string): [number, number] {
  const p = s.padStart(16, '0');
  return [parseInt(p.slice(8), 16) | 0, parseInt(p.slice(0, 8), 16) | 0];
}

/** rough mnemonic, for failure messages */
function mnemonic(w: number): string {
  const opc = w & 0x7f;
  const fmt = ['s', 'd', 'h', 'q'][(w >>> 25) & 3];
  const rm = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'rm5', 'rm6', 'dyn'][(w >>> 12) & 7];
  if (opc !== 0x53) {
    const n = { 0x43: 'fmadd', 0x47: 'fmsub', 0x4b: 'fnmsub', 0x4f: 'fnmadd' }[opc] ?? '?';
    return `${n}.${fmt} ${rm}`;
  }
  const f5 = w >>> 27;
  const f3 = (w >>> 12) & 7;
  const rs2 = (w >>> 20) & 31;
  const ints = ['w', 'wu', 'l', 'lu'];
  switch (f5) {
    case 0: return `fadd.${fmt} ${rm}`;
    case 1: return `fsub.${fmt} ${rm}`;
    case 2: return `fmul.${fmt} ${rm}`;
    case 3: return `fdiv.${fmt} ${rm}`;
    case 0xb: return `fsqrt.${fmt} ${rm}`;
    case 4: return `fsgnj${['', 'n', 'x'][f3] ?? '?'}.${fmt}`;
    case 5: return `${['fmin', 'fmax'][f3] ?? 'fmin?'}.${fmt}`;
    case 8: return `fcvt.${fmt}.${['s', 'd'][rs2] ?? '?'} ${rm}`;
    case 0x14: return `${['fle', 'flt', 'feq'][f3] ?? 'fcmp?'}.${fmt}`;
    case 0x18: return `fcvt.${ints[rs2] ?? '?'}.${fmt} ${rm}`;
    case 0x1a: return `fcvt.${fmt}.${ints[rs2] ?? '?'} ${rm}`;
    case 0x1c: return f3 === 1 ? `fclass.${fmt}` : `fmv.x.${fmt}`;
    case 0x1e: return `fmv.${fmt}.x`;
  }
  return '?';
}

/** does the instruction write an x register? */
function writesX(w: number): boolean {
  if ((w & 0x7f) !== 0x53) return false;
  const f5 = w >>> 27;
  return f5 === 0x14 || f5 === 0x18 || f5 === 0x1c;
}
/** does the instruction read rs1 from the x registers? */
function readsX(w: number): boolean {
  if ((w & 0x7f) !== 0x53) return false;
  const f5 = w >>> 27;
  return f5 === 0x1a || f5 === 0x1e;
}

interface Vec {
  line: number;
  w: number;
  v: [number, number][]; // rs1, rs2, rs3 as [lo, hi]
  frm: number;
  ill: boolean;
  rd: [number, number];
  flags: number;
}

/** FPU_GOLDEN=<file.gz> runs another vector file (e.g. a bigger one from gen.c with a new seed) */
const GOLDEN_OVERRIDE = process.env.FPU_GOLDEN;

function loadVectors(): Vec[] {
  const text = gunzipSync(readFileSync(GOLDEN_OVERRIDE ?? goldenFile())).toString('latin1');
  const out: Vec[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === '') continue;
    const t = l.split(' ');
    // insn a b c frm -> rd flags | ill
    assert.equal(t[5], '->', `bad golden line ${i + 1}: ${l}`);
    const ill = t[6] === 'ill';
    out.push({
      line: i + 1,
      w: parseInt(t[0], 16) >>> 0,
      v: [halves(t[1]), halves(t[2]), halves(t[3])],
      frm: parseInt(t[4], 16),
      ill,
      rd: ill ? [0, 0] : halves(t[6]),
      flags: ill ? 0 : parseInt(t[7], 16),
    });
  }
  return out;
}

/** xorshift32 background pattern */
let seed = 0x12345678;
function rnd32(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed | 0;
}

interface Outcome {
  ok: boolean;
  msg: string;
}

function runVec(v: Vec, k: number): Outcome {
  const s = newState();
  for (let i = 2; i < 66; i++) s.x[i] = rnd32();
  for (let i = 0; i < 64; i++) s.f[i] = rnd32();
  const w = v.w;
  const rs1 = (w >>> 15) & 31;
  const rs2 = (w >>> 20) & 31;
  const rs3 = w >>> 27;
  const rd = (w >>> 7) & 31;
  // unused operands first, so that the used ones win where fields alias
  s.f[2 * rs3] = v.v[2][0];
  s.f[2 * rs3 + 1] = v.v[2][1];
  s.f[2 * rs2] = v.v[1][0];
  s.f[2 * rs2 + 1] = v.v[1][1];
  if (readsX(w)) {
    if (rs1 !== 0) {
      s.x[2 * rs1] = v.v[0][0];
      s.x[2 * rs1 + 1] = v.v[0][1];
    }
  } else {
    s.f[2 * rs1] = v.v[0][0];
    s.f[2 * rs1 + 1] = v.v[0][1];
  }
  // some vectors start with flags already set: they must be kept (flags accrue)
  const pre = k % 8 === 7 ? rnd32() & 31 : 0;
  s.fcsr[0] = pre;
  s.fcsr[1] = v.frm;
  const x0 = s.x.slice();
  const f0 = s.f.slice();
  // pass the word signed or unsigned
  const ret = execFp(s, k & 1 ? v.w : v.w | 0);
  const ex = x0.slice();
  const ef = f0.slice();
  let eflags = pre;
  if (!v.ill) {
    if (writesX(w)) {
      if (rd !== 0) {
        ex[2 * rd] = v.rd[0];
        ex[2 * rd + 1] = v.rd[1];
      }
    } else {
      ef[2 * rd] = v.rd[0];
      ef[2 * rd + 1] = v.rd[1];
    }
    eflags |= v.flags;
  }
  const problems: string[] = [];
  if (ret !== (v.ill ? -1 : 0)) problems.push(`returned ${ret}, expected ${v.ill ? -1 : 0}`);
  for (let r = 0; r < 32; r++) {
    if (ef[2 * r] !== s.f[2 * r] || ef[2 * r + 1] !== s.f[2 * r + 1])
      problems.push(`f${r} = ${hex64(s.f[2 * r + 1], s.f[2 * r])}, expected ${hex64(ef[2 * r + 1], ef[2 * r])}`);
    if (ex[2 * r] !== s.x[2 * r] || ex[2 * r + 1] !== s.x[2 * r + 1])
      problems.push(`x${r} = ${hex64(s.x[2 * r + 1], s.x[2 * r])}, expected ${hex64(ex[2 * r + 1], ex[2 * r])}`);
  }
  if (v.ill && (s.x[64] !== x0[64] || s.x[65] !== x0[65])) problems.push('discard slot written by illegal insn');
  if (s.fcsr[0] !== eflags) problems.push(`fflags = ${s.fcsr[0].toString(16)}, expected ${eflags.toString(16)}`);
  if (s.fcsr[1] !== v.frm) problems.push(`frm changed to ${s.fcsr[1]}`);
  if (problems.length === 0) return { ok: true, msg: '' };
  const ops = v.v.map(([lo, hi]) => hex64(hi, lo)).join(' ');
  return {
    ok: false,
    msg:
      `line ${v.line}: ${v.w.toString(16).padStart(8, '0')} ${mnemonic(v.w)} rd=${rd} rs1=${rs1} rs2=${rs2} rs3=${rs3}` +
      ` frm=${v.frm} operands ${ops} pre-flags ${pre}\n    ` +
      problems.join('\n    '),
  };
}

test('golden vectors from qemu-riscv64', () => {
  const vecs = loadVectors();
  if (!GOLDEN_OVERRIDE) assert.ok(vecs.length > 50000, `only ${vecs.length} vectors`);
  const fails: string[] = [];
  let nfail = 0;
  const perOp = new Map<string, number>();
  for (let k = 0; k < vecs.length; k++) {
    const r = runVec(vecs[k], k);
    if (!r.ok) {
      nfail++;
      const m = mnemonic(vecs[k].w).split(' ')[0];
      perOp.set(m, (perOp.get(m) ?? 0) + 1);
      if (fails.length < 12) fails.push(r.msg);
    }
  }
  if (nfail > 0) {
    const summary = [...perOp].map(([m, n]) => `${m}:${n}`).join(' ');
    assert.fail(`${nfail} of ${vecs.length} golden vectors fail (${summary}); first failures:\n  ${fails.join('\n  ')}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Hand-written cases for notable rules (independent of the golden data).

const NV = 0x10, DZ = 0x08, OF = 0x04, UF = 0x02, NX = 0x01;

/** encoders */
const opfp = (f7: number, rd: number, rs1: number, rs2: number, f3: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x53) >>> 0;
const r4 = (opc: number, fmt: number, rd: number, rs1: number, rs2: number, rs3: number, rm: number) =>
  ((rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opc) >>> 0;

function setF(s: FpState, r: number, hi: number, lo: number) {
  s.f[2 * r] = lo | 0;
  s.f[2 * r + 1] = hi | 0;
}
function getF(s: FpState, r: number): string {
  return hex64(s.f[2 * r + 1], s.f[2 * r]);
}
function getX(s: FpState, r: number): string {
  return hex64(s.x[2 * r + 1], s.x[2 * r]);
}
function setD(s: FpState, r: number, v: number) {
  const b = new Float64Array([v]);
  const i = new Int32Array(b.buffer);
  setF(s, r, i[1], i[0]);
}
function getD(s: FpState, r: number): number {
  return new Float64Array(new Int32Array([s.f[2 * r], s.f[2 * r + 1]]).buffer)[0];
}

test('arithmetic basics and flags', () => {
  const s = newState();
  setD(s, 1, 0.1);
  setD(s, 2, 0.2);
  assert.equal(execFp(s, opfp(0x01, 3, 1, 2, 0)), 0); // fadd.d f3, f1, f2, rne
  assert.equal(getD(s, 3), 0.30000000000000004);
  assert.equal(s.fcsr[0], NX);
  // flags accrue, never cleared
  setD(s, 4, 1);
  setD(s, 5, 0);
  assert.equal(execFp(s, opfp(0x0d, 6, 4, 5, 7)), 0); // fdiv.d dyn: 1/0
  assert.equal(getF(s, 6), '7ff0000000000000');
  assert.equal(s.fcsr[0], NX | DZ);
  // 0/0 is NV with the canonical NaN
  assert.equal(execFp(s, opfp(0x0d, 6, 5, 5, 0)), 0);
  assert.equal(getF(s, 6), '7ff8000000000000');
  assert.equal(s.fcsr[0], NX | DZ | NV);
  // overflow in RTZ gives the largest finite value
  s.fcsr[0] = 0;
  setD(s, 1, 1.7976931348623157e308);
  assert.equal(execFp(s, opfp(0x09, 3, 1, 1, 1)), 0); // fmul.d rtz
  assert.equal(getF(s, 3), '7fefffffffffffff');
  assert.equal(s.fcsr[0], OF | NX);
});

test('tininess is detected after rounding', () => {
  const s = newState();
  // (1 + 2^-52) * (2^-1022 - 2^-1074) = 2^-1022 (1 - 2^-104): rounds to 2^-1022, not tiny
  setF(s, 1, 0x3ff00000, 0x00000001);
  setF(s, 2, 0x000fffff, 0xffffffff);
  assert.equal(execFp(s, opfp(0x09, 3, 1, 2, 0)), 0);
  assert.equal(getF(s, 3), '0010000000000000');
  assert.equal(s.fcsr[0], NX);
  // a tiny, inexact result raises UF
  s.fcsr[0] = 0;
  setF(s, 1, 0x3fe00000, 0); // 0.5
  setF(s, 2, 0x00000000, 0x00000003); // 3 * 2^-1074
  assert.equal(execFp(s, opfp(0x09, 3, 1, 2, 0)), 0);
  assert.equal(getF(s, 3), '0000000000000002'); // 1.5 ulp -> 2 (ties to even)
  assert.equal(s.fcsr[0], UF | NX);
  // a tiny exact result does not
  s.fcsr[0] = 0;
  setF(s, 2, 0x00000000, 0x00000004);
  assert.equal(execFp(s, opfp(0x09, 3, 1, 2, 0)), 0);
  assert.equal(getF(s, 3), '0000000000000002');
  assert.equal(s.fcsr[0], 0);
});

test('NaN boxing', () => {
  const s = newState();
  setF(s, 1, -1, 0x3f800000); // 1.0f properly boxed
  setF(s, 2, 0x0000ffff, 0x3f800000); // improperly boxed -> canonical NaN
  assert.equal(execFp(s, opfp(0x00, 3, 1, 2, 0)), 0); // fadd.s
  assert.equal(getF(s, 3), 'ffffffff7fc00000');
  assert.equal(s.fcsr[0], 0); // canonical NaN is quiet
  assert.equal(execFp(s, opfp(0x00, 3, 1, 1, 0)), 0);
  assert.equal(getF(s, 3), 'ffffffff40000000');
  // fsgnj.s of an improperly boxed value sees the canonical NaN
  assert.equal(execFp(s, opfp(0x10, 4, 2, 1, 0)), 0);
  assert.equal(getF(s, 4), 'ffffffff7fc00000');
  // fclass.s: quiet NaN
  assert.equal(execFp(s, opfp(0x70, 5, 2, 0, 1)), 0);
  assert.equal(getX(s, 5), '0000000000000200');
  // fmv.x.w takes the low 32 bits unchecked and sign-extends
  setF(s, 6, 0x12345678, 0x80000001);
  assert.equal(execFp(s, opfp(0x70, 7, 6, 0, 0)), 0);
  assert.equal(getX(s, 7), 'ffffffff80000001');
  // fmv.w.x boxes
  s.x[2 * 8] = 0x7f800001; // sNaN bits pass through untouched
  s.x[2 * 8 + 1] = 0x5555;
  assert.equal(execFp(s, opfp(0x78, 9, 8, 0, 0)), 0);
  assert.equal(getF(s, 9), 'ffffffff7f800001');
  // fsgnjn.d keeps a signalling NaN's payload
  setF(s, 10, 0x7ff00000, 0x00000123);
  assert.equal(execFp(s, opfp(0x11, 11, 10, 10, 1)), 0);
  assert.equal(getF(s, 11), 'fff0000000000123');
  assert.equal(s.fcsr[0], 0);
});

test('min/max, comparisons', () => {
  const s = newState();
  setF(s, 1, 0x80000000, 0); // -0.0
  setF(s, 2, 0, 0); // +0.0
  execFp(s, opfp(0x15, 3, 2, 1, 0)); // fmin.d +0, -0
  assert.equal(getF(s, 3), '8000000000000000');
  execFp(s, opfp(0x15, 3, 1, 2, 1)); // fmax.d -0, +0
  assert.equal(getF(s, 3), '0000000000000000');
  setF(s, 4, 0x7ff00000, 1); // sNaN
  execFp(s, opfp(0x15, 3, 4, 1, 0)); // fmin.d sNaN, -0 -> -0, NV
  assert.equal(getF(s, 3), '8000000000000000');
  assert.equal(s.fcsr[0], NV);
  s.fcsr[0] = 0;
  execFp(s, opfp(0x15, 3, 4, 4, 0)); // both NaN -> canonical
  assert.equal(getF(s, 3), '7ff8000000000000');
  s.fcsr[0] = 0;
  setF(s, 5, 0x7ff80000, 0); // qNaN
  execFp(s, opfp(0x51, 6, 5, 2, 2)); // feq.d qNaN: quiet
  assert.equal(getX(s, 6), '0000000000000000');
  assert.equal(s.fcsr[0], 0);
  execFp(s, opfp(0x51, 6, 5, 2, 0)); // fle.d qNaN: signalling
  assert.equal(s.fcsr[0], NV);
  execFp(s, opfp(0x51, 6, 1, 2, 0)); // fle.d -0, +0 -> 1
  assert.equal(getX(s, 6), '0000000000000001');
  execFp(s, opfp(0x51, 0, 1, 2, 0)); // rd = x0: discarded
  assert.equal(getX(s, 0), '0000000000000000');
});

test('integer conversions', () => {
  const s = newState();
  setD(s, 1, 3e9);
  execFp(s, opfp(0x61, 5, 1, 1, 1)); // fcvt.wu.d rtz: sign-extends the 32-bit result
  assert.equal(getX(s, 5), 'ffffffffb2d05e00');
  assert.equal(s.fcsr[0], 0);
  execFp(s, opfp(0x61, 5, 1, 0, 1)); // fcvt.w.d: out of range -> 2^31-1, NV only
  assert.equal(getX(s, 5), '000000007fffffff');
  assert.equal(s.fcsr[0], NV);
  s.fcsr[0] = 0;
  setD(s, 1, -0.5);
  execFp(s, opfp(0x61, 5, 1, 3, 1)); // fcvt.lu.d rtz -0.5 -> 0, NX
  assert.equal(getX(s, 5), '0000000000000000');
  assert.equal(s.fcsr[0], NX);
  execFp(s, opfp(0x61, 5, 1, 3, 2)); // fcvt.lu.d rdn -0.5 -> -1: out of range -> 0, NV
  assert.equal(s.fcsr[0], NX | NV);
  s.fcsr[0] = 0;
  setD(s, 1, 2.5);
  execFp(s, opfp(0x61, 5, 1, 2, 0)); // rne -> 2
  assert.equal(getX(s, 5), '0000000000000002');
  execFp(s, opfp(0x61, 5, 1, 2, 4)); // rmm -> 3
  assert.equal(getX(s, 5), '0000000000000003');
  setF(s, 1, 0x7ff80000, 0);
  execFp(s, opfp(0x61, 5, 1, 2, 0)); // NaN -> 2^63-1
  assert.equal(getX(s, 5), '7fffffffffffffff');
  setF(s, 1, 0xfff00000, 0);
  execFp(s, opfp(0x61, 5, 1, 2, 0)); // -inf -> -2^63
  assert.equal(getX(s, 5), '8000000000000000');
  // fcvt.s.l of 2^63-1 rounds to 2^63
  s.fcsr[0] = 0;
  s.x[2 * 7] = -1;
  s.x[2 * 7 + 1] = 0x7fffffff;
  execFp(s, opfp(0x68, 8, 7, 2, 0));
  assert.equal(getF(s, 8), 'ffffffff5f000000');
  assert.equal(s.fcsr[0], NX);
  // fcvt.d.lu of 2^64-1 in RTZ
  s.x[2 * 7 + 1] = -1;
  execFp(s, opfp(0x69, 8, 7, 3, 1));
  assert.equal(getF(s, 8), '43efffffffffffff');
});

test('fused multiply-add is fused', () => {
  const s = newState();
  // a*b + c with a*b = 1 + 2^-52 + 2^-54 ... : fma(1+2^-30, 1+2^-30, -(1+2^-29)) = 2^-60 exactly
  setD(s, 1, 1 + 2 ** -30);
  setD(s, 2, -(1 + 2 ** -29));
  execFp(s, r4(0x43, 1, 3, 1, 1, 2, 0)); // fmadd.d
  assert.equal(getD(s, 3), 2 ** -60);
  assert.equal(s.fcsr[0], 0);
  // fnmadd: -(a*b) - c
  execFp(s, r4(0x4f, 1, 3, 1, 1, 2, 0));
  assert.equal(getD(s, 3), -(2 ** -60));
  // inf * 0 + qNaN raises NV
  setF(s, 4, 0x7ff00000, 0);
  setF(s, 5, 0, 0);
  setF(s, 6, 0x7ff80000, 0);
  execFp(s, r4(0x43, 1, 7, 4, 5, 6, 0));
  assert.equal(getF(s, 7), '7ff8000000000000');
  assert.equal(s.fcsr[0], NV);
  // exact zero from cancellation: +0, or -0 when rounding down
  s.fcsr[0] = 0;
  setD(s, 1, 3);
  setD(s, 2, -9);
  execFp(s, r4(0x43, 1, 3, 1, 1, 2, 0));
  assert.equal(getF(s, 3), '0000000000000000');
  execFp(s, r4(0x43, 1, 3, 1, 1, 2, 2));
  assert.equal(getF(s, 3), '8000000000000000');
});

test('illegal encodings leave the state unchanged', () => {
  const s = newState();
  setD(s, 1, 1.5);
  const snap = () => [...s.x, ...s.f, ...s.fcsr].join(',');
  const before = snap();
  assert.equal(execFp(s, opfp(0x01, 3, 1, 1, 5)), -1); // rm 5
  assert.equal(execFp(s, opfp(0x01, 3, 1, 1, 6)), -1); // rm 6
  s.fcsr[1] = 5;
  const before5 = snap();
  assert.equal(execFp(s, opfp(0x01, 3, 1, 1, 7)), -1); // dyn with frm 5
  assert.equal(execFp(s, opfp(0x21, 3, 1, 0, 7)), -1); // fcvt.d.s dyn too
  assert.equal(snap(), before5);
  assert.equal(execFp(s, opfp(0x11, 3, 1, 1, 0)), 0); // fsgnj has no rm: fine
  s.fcsr[1] = 0;
  setD(s, 3, 0);
  assert.equal(snap(), before);
  assert.equal(execFp(s, opfp(0x02, 3, 1, 1, 0)), -1); // fmt H
  assert.equal(execFp(s, opfp(0x03, 3, 1, 1, 0)), -1); // fmt Q
  assert.equal(execFp(s, r4(0x43, 2, 3, 1, 1, 1, 0)), -1);
  assert.equal(execFp(s, opfp(0x2d, 3, 1, 1, 0)), -1); // fsqrt with rs2 != 0
  assert.equal(execFp(s, opfp(0x11, 3, 1, 1, 3)), -1); // fsgnj funct3 3
  assert.equal(execFp(s, opfp(0x61, 3, 1, 4, 0)), -1); // fcvt.?.d rs2 4
  assert.equal(execFp(s, opfp(0x21, 3, 1, 1, 0)), -1); // fcvt.d.d
  assert.equal(execFp(s, 0x00000013), -1); // not an FP opcode
  assert.equal(snap(), before);
});
