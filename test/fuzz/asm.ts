// A tiny RV64 assembler for the fuzzer: the base encodings (R/I/S/B/U/J), the few instructions the
// program builder needs, `li` for any 64-bit constant (the LLVM RISCVMatInt recursion) and a static
// ELF writer with several segments. Checked against GNU as in test/fuzz.test.ts.

export const ZERO = 0, RA = 1, SP = 2, GP = 3, TP = 4, T0 = 5, T1 = 6, T2 = 7, S0 = 8, S1 = 9;
export const A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A6 = 16, A7 = 17;
export const S2 = 18, S3 = 19, S4 = 20, S5 = 21, S6 = 22, T3 = 28, T4 = 29, T5 = 30, T6 = 31;

const reg = (r: number) => {
  if (!(r >= 0 && r < 32 && Number.isInteger(r))) throw new Error(`bad register ${r}`);
  return r;
};
const imm12 = (v: number) => {
  if (!(v >= -2048 && v < 2048 && Number.isInteger(v))) throw new Error(`immediate ${v} does not fit 12 bits`);
  return v & 0xfff;
};

export const rtype = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number) =>
  ((f7 << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | op) >>> 0;
export const itype = (imm: number, rs1: number, f3: number, rd: number, op: number) =>
  ((imm12(imm) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | op) >>> 0;
export const stype = (imm: number, rs2: number, rs1: number, f3: number, op: number) => {
  const i = imm12(imm);
  return (((i >> 5) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) | ((i & 0x1f) << 7) | op) >>> 0;
};
export const btype = (off: number, rs2: number, rs1: number, f3: number) => {
  if (off % 2 !== 0 || off < -4096 || off >= 4096) throw new Error(`branch offset ${off}`);
  return ((((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) |
    (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7) | 0x63) >>> 0;
};
export const utype = (imm20: number, rd: number, op: number) => (((imm20 & 0xfffff) << 12) | (reg(rd) << 7) | op) >>> 0;
export const jtype = (off: number, rd: number) => {
  if (off % 2 !== 0 || off < -(1 << 20) || off >= 1 << 20) throw new Error(`jump offset ${off}`);
  return ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) |
    (reg(rd) << 7) | 0x6f) >>> 0;
};

export const addi = (rd: number, rs1: number, imm: number) => itype(imm, rs1, 0, rd, 0x13);
export const addiw = (rd: number, rs1: number, imm: number) => itype(imm, rs1, 0, rd, 0x1b);
export const slli = (rd: number, rs1: number, sh: number) => itype(sh & 63, rs1, 1, rd, 0x13);
export const lui = (rd: number, imm20: number) => utype(imm20, rd, 0x37);
export const auipc = (rd: number, imm20: number) => utype(imm20, rd, 0x17);
export const add = (rd: number, rs1: number, rs2: number) => rtype(0, rs2, rs1, 0, rd, 0x33);
export const ld = (rd: number, rs1: number, off: number) => itype(off, rs1, 3, rd, 0x03);
export const lw = (rd: number, rs1: number, off: number) => itype(off, rs1, 2, rd, 0x03);
export const sd = (rs2: number, rs1: number, off: number) => stype(off, rs2, rs1, 3, 0x23);
export const sw = (rs2: number, rs1: number, off: number) => stype(off, rs2, rs1, 2, 0x23);
export const jal = (rd: number, off: number) => jtype(off, rd);
export const jalr = (rd: number, rs1: number, off: number) => itype(off, rs1, 0, rd, 0x67);
export const beq = (rs1: number, rs2: number, off: number) => btype(off, rs2, rs1, 0);
export const bne = (rs1: number, rs2: number, off: number) => btype(off, rs2, rs1, 1);
export const mv = (rd: number, rs: number) => addi(rd, rs, 0);
export const ret = () => jalr(ZERO, RA, 0);
export const ECALL = 0x00000073;
export const EBREAK = 0x00100073;
export const FENCE_I = 0x0000100f;
export const NOP = 0x00000013;

/** sign-extend the low `bits` bits of v */
const sext = (v: bigint, bits: number) => BigInt.asIntN(bits, v);

/** load any 64-bit constant into rd: lui/addiw for 32-bit values, otherwise the upper part
 *  recursively, a shift and an addi of the low 12 bits (LLVM's RISCVMatInt::generateInstSeq) */
export function li(rd: number, value: bigint | number): number[] {
  const v = sext(BigInt(value), 64);
  if (v >= -(1n << 31n) && v < 1n << 31n) {
    const lo = Number(sext(v, 12));
    const hi = Number(BigInt.asUintN(20, (v - BigInt(lo)) >> 12n));
    if (hi === 0) return [addi(rd, ZERO, lo)];
    return lo === 0 ? [lui(rd, hi)] : [lui(rd, hi), addiw(rd, rd, lo)];
  }
  const lo = sext(v, 12);
  let hi = sext(v - lo, 64);
  let shift = 12;
  hi >>= 12n;
  while ((hi & 1n) === 0n) {
    hi >>= 1n;
    shift++;
  }
  const out = li(rd, hi);
  out.push(slli(rd, rd, shift));
  if (lo !== 0n) out.push(addi(rd, rd, Number(lo)));
  return out;
}

/** evaluate a sequence of li's instructions (lui, addi, addiw, slli on rd only): the test's oracle */
export function evalLi(words: number[]): bigint {
  let x = 0n;
  for (const w of words) {
    const op = w & 0x7f, f3 = (w >>> 12) & 7;
    const rs1 = (w >>> 15) & 31;
    const iimm = BigInt(w >> 20);
    const base = rs1 === 0 ? 0n : x;
    if (op === 0x37) x = sext(BigInt(w & 0xfffff000), 32);
    else if (op === 0x13 && f3 === 0) x = sext(base + iimm, 64);
    else if (op === 0x1b && f3 === 0) x = sext(base + iimm, 32);
    else if (op === 0x13 && f3 === 1) x = sext(base << BigInt((w >>> 20) & 63), 64);
    else throw new Error(`evalLi: unexpected word ${w.toString(16)}`);
  }
  return x;
}

export interface ElfSegment {
  vaddr: number;
  /** PF_R 4 | PF_W 2 | PF_X 1 */
  flags: number;
  data: Uint8Array;
  /** at least data.length; the rest reads as zero */
  memsz: number;
}

/** a static riscv64 ET_EXEC: one PT_LOAD per segment, each at a page-aligned file offset */
export function elf(entry: number, segs: ElfSegment[]): Uint8Array {
  const hdr = 64 + 56 * segs.length;
  let off = (hdr + 4095) & ~4095;
  const offsets = segs.map((s) => {
    const o = off;
    off += (s.data.length + 4095) & ~4095;
    return o;
  });
  const b = new Uint8Array(Math.max(off, hdr));
  const dv = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 243, true); // EM_RISCV
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, 64n, true); // phoff
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, segs.length, true);
  segs.forEach((s, i) => {
    const o = 64 + 56 * i;
    dv.setUint32(o, 1, true); // PT_LOAD
    dv.setUint32(o + 4, s.flags, true);
    dv.setBigUint64(o + 8, BigInt(offsets[i]), true);
    dv.setBigUint64(o + 16, BigInt(s.vaddr), true);
    dv.setBigUint64(o + 24, BigInt(s.vaddr), true);
    dv.setBigUint64(o + 32, BigInt(s.data.length), true);
    dv.setBigUint64(o + 40, BigInt(Math.max(s.memsz, s.data.length)), true);
    dv.setBigUint64(o + 48, 4096n, true);
    b.set(s.data, offsets[i]);
  });
  return b;
}

/** instruction words as little-endian bytes */
export function words(ws: number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  const dv = new DataView(b.buffer);
  ws.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
  return b;
}
