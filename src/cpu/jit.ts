// Translation of hot guest code into JavaScript functions.
//
// A *region* is what the interpreter found hot at one entry offset of a code page: the basic
// blocks reachable from that entry inside the same 4 KiB page (at most LIMITS of them),
// compiled into one function that keeps the guest registers it touches in JS locals (two int32
// halves each) and moves between its blocks through a `switch` on a dense block number, so a
// loop never returns to the interpreter. Everything the interpreter does is reproduced
// exactly, including the instruction budget (a block runs only if the whole block fits,
// otherwise the interpreter finishes the quantum one instruction at a time) and the
// instruction count at a fault, so runs with and without translation give the same schedule,
// output and trace.
//
// Not translated (the block ends before them and the interpreter executes them): ecall,
// ebreak, CSR accesses (instret must be exact), LR/SC and AMOs, illegal and page-straddling
// instructions. Floating-point arithmetic calls the interpreter's execFp. Translations belong
// to a physical frame's decoded page and die with it, so self-modifying code and frame reuse
// need nothing extra: a store that drops any decoded page ends the region right after it.

import { Op, SLOTS } from "./decode.js";
import type { Regs } from "./regs.js";
import * as A from "./arith64.js";
import { execFp } from "./fpu.js";

// hart.ts's exit codes, repeated to keep the import one-way
const EXIT_FAULT = 2;
const EXIT_ILLEGAL = 3;

/** (hart, x registers, f registers, virtual address of the page, entry offset, budget, register
 *  file) → EXIT_* or -1 ("continue interpreting"); the remaining budget and the next pc are left
 *  in the hart. Regions close over nothing of one hart, so every kernel in the process shares them. */
export type RegionFn = (h: JitHost, x: Int32Array, f: Int32Array, base: number, off: number, n: number, r: Regs) => number;

/** what a region reads from the hart: its TLBs, the frame pool's views and the slow paths */
export interface JitHost {
  jn: number;
  jpc: number;
  codeStale: boolean;
  loadSlow(lo: number, hi: number, size: number): boolean;
  storeSlow(lo: number, hi: number, size: number, vlo: number, vhi: number): boolean;
  vLo: number;
  vHi: number;
  readonly rTagLo: Int32Array;
  readonly rTagHi: Int32Array;
  readonly rChunk: Int32Array;
  readonly rOff: Int32Array;
  readonly wTagLo: Int32Array;
  readonly wTagHi: Int32Array;
  readonly wChunk: Int32Array;
  readonly wOff: Int32Array;
  readonly pool: { readonly u8: Uint8Array[]; readonly u16: Uint16Array[]; readonly i32: Int32Array[] };
}

/** shared by pages with no translation yet: most executed pages never get one */
const NO_FNS: (RegionFn | null)[] = new Array(SLOTS).fill(null);

/** translations of one decoded code page */
export class JitPage {
  /** region entered at each slot, or null */
  fns: (RegionFn | null)[] = NO_FNS;

  /** enter `fn` at `entry` and at its other block starts that have no region of their own */
  install(fn: RegionFn, entry: number, starts: number[]): void {
    if (this.fns === NO_FNS) this.fns = new Array(SLOTS).fill(null);
    for (const st of starts) if (this.fns[st >> 1] === null) this.fns[st >> 1] = fn;
    this.fns[entry >> 1] = fn;
  }
  /** times the interpreter arrived at each slot by a jump; UNCOMPILABLE when no translation is possible */
  readonly heat = new Uint16Array(SLOTS);
  constructor(readonly code: Int32Array) {}
}

export const UNCOMPILABLE = 65535;
// small regions: V8 compiles a function when it is first called, at a cost that grows with its size
const LIMITS = { blocks: 24, insns: 400 };
const MAX_BLOCK_INSNS = 256;

interface Insn {
  off: number;
  op: number;
  len: number;
  rd: number;
  rr: number;
  imm: number;
}

interface Block {
  start: number;
  insns: Insn[];
  /** how the block ends: the last instruction is a branch/jal/jalr, or control falls to `next` */
  kind: "branch" | "jal" | "jalr" | "fall";
  next: number;
}

export interface JitStats {
  regions: number;
  blocks: number;
  insns: number;
  /** entries whose first instruction cannot be translated, and translations the host refused */
  failed: number;
  /** guest instructions executed by translations */
  executed: number;
}

function straight(op: number): boolean {
  switch (op) {
    case Op.LI: case Op.MV: case Op.LUI: case Op.AUIPC:
    case Op.ADDI: case Op.SLTI: case Op.SLTIU: case Op.XORI: case Op.ORI: case Op.ANDI:
    case Op.SLLI: case Op.SRLI: case Op.SRAI:
    case Op.ADD: case Op.SUB: case Op.SLL: case Op.SLT: case Op.SLTU: case Op.XOR:
    case Op.SRL: case Op.SRA: case Op.OR: case Op.AND:
    case Op.ADDIW: case Op.SLLIW: case Op.SRLIW: case Op.SRAIW:
    case Op.ADDW: case Op.SUBW: case Op.SLLW: case Op.SRLW: case Op.SRAW:
    case Op.MUL: case Op.MULH: case Op.MULHSU: case Op.MULHU:
    case Op.DIV: case Op.DIVU: case Op.REM: case Op.REMU:
    case Op.MULW: case Op.DIVW: case Op.DIVUW: case Op.REMW: case Op.REMUW:
    case Op.LB: case Op.LH: case Op.LW: case Op.LD: case Op.LBU: case Op.LHU: case Op.LWU:
    case Op.SB: case Op.SH: case Op.SW: case Op.SD:
    case Op.FLW: case Op.FLD: case Op.FSW: case Op.FSD:
    case Op.FENCE: case Op.FENCE_I: case Op.FP:
      return true;
  }
  return false;
}

const isBranch = (op: number) => op >= Op.BEQ && op <= Op.BGEU;

/** the basic blocks reachable from `entry` within the page; `decode(off)` fills an undecoded slot */
function discover(code: Int32Array, entry: number, decode: (off: number) => void): Map<number, Block> {
  const blocks = new Map<number, Block>();
  const work = [entry];
  let total = 0;
  while (work.length > 0 && blocks.size < LIMITS.blocks && total < LIMITS.insns) {
    const start = work.shift()!;
    if (blocks.has(start)) continue;
    const b: Block = { start, insns: [], kind: "fall", next: start };
    blocks.set(start, b);
    let off = start;
    for (;;) {
      if (off >= 4096 || b.insns.length >= MAX_BLOCK_INSNS) {
        b.next = off;
        break;
      }
      const s = off << 1;
      if (code[s] === 0) decode(off);
      const w = code[s];
      const op = w & 0xff;
      const len = w >>> 8;
      const insn: Insn = { off, op, len, rd: code[s + 1], rr: code[s + 2], imm: code[s + 3] };
      if (straight(op)) {
        b.insns.push(insn);
        off += len;
        continue;
      }
      if (isBranch(op)) {
        b.insns.push(insn);
        b.kind = "branch";
        for (const t of [off + insn.imm, off + len]) if (t >= 0 && t < 4096) work.push(t);
      } else if (op === Op.JAL) {
        b.insns.push(insn);
        b.kind = "jal";
        const t = off + insn.imm;
        if (t >= 0 && t < 4096) work.push(t);
      } else if (op === Op.JALR) {
        b.insns.push(insn);
        b.kind = "jalr";
      } else {
        b.next = off;
      }
      break;
    }
    total += b.insns.length;
  }
  return blocks;
}

const lo = (r: number) => (r === 0 ? "0" : `l${r >> 1}`);
const hi = (r: number) => (r === 0 ? "0" : `h${r >> 1}`);

/** assign rd from a low expression and a high expression that may use `tl` (the new low) */
function set(rd: number, loE: string, hiE: string): string {
  if (rd === 64) return "";
  return `tl = ${loE}; h${rd >> 1} = ${hiE}; l${rd >> 1} = tl;`;
}
const setW = (rd: number, e: string) => (rd === 64 ? "" : `tl = ${e}; l${rd >> 1} = tl; h${rd >> 1} = tl >> 31;`);

/** rd = the address after a jump at the end of `next`: within the page the low word cannot carry
 *  into the high one; the page's last instruction may link to the next 4 GiB */
const link = (rd: number, next: number) =>
  rd === 64
    ? ""
    : next < 4096
      ? `l${rd >> 1} = (baseLo + ${next}) | 0; h${rd >> 1} = baseHi;`
      : `l${rd >> 1} = (base + ${next}) | 0; h${rd >> 1} = Math.floor((base + ${next}) / 4294967296) | 0;`;

/** the effective address of a load/store into tl/th and its TLB index into tt */
function addr(a: number, imm: number): string {
  const e =
    imm === 0
      ? `tl = ${lo(a)}; th = ${hi(a)};`
      : `tl = (${lo(a)} + ${imm}) | 0; th = (${hi(a)} + ${imm >> 31} + ((tl >>> 0) < (${lo(a)} >>> 0) ? 1 : 0)) | 0;`;
  return `${e} tt = (tl >>> 12) & 255;`;
}

const ALIGN: Record<number, number> = { 1: 0, 2: 1, 4: 3, 8: 7 };

/** JS for one block; `index` numbers the region's non-empty blocks by start offset */
function compileBlock(b: Block, index: Map<number, number>, used: Set<number>, written: Set<number>): string {
  const len = b.insns.length;
  const out: string[] = [];
  const useR = (r: number) => {
    if (r !== 0 && r !== 64) used.add(r);
  };
  const defR = (r: number) => {
    if (r !== 64) {
      used.add(r);
      written.add(r);
    }
  };
  const last = b.insns[len - 1];
  const selfLoop = (b.kind === "branch" || b.kind === "jal") && last.off + last.imm === b.start;
  /** jump to page offset t: inside the region, or out to the interpreter */
  const goto = (t: number) =>
    t === b.start && selfLoop ? "continue B;" : index.has(t) ? `bi = ${index.get(t)}; continue L;` : `pc = ${t}; break L;`;
  const fault = (i: number, off: number) => `{ pc = ${off}; ex = ${EXIT_FAULT}; n += ${len - i - 1}; break L; }`;

  b.insns.forEach((ins, i) => {
    const { off, op, rd, rr, imm } = ins;
    const a = rr & 0xff;
    const bb = (rr >>> 8) & 0xff;
    const al = lo(a), ah = hi(a), bl = lo(bb), bh = hi(bb);
    const ih = imm >> 31;
    const next = off + ins.len;
    switch (op) {
      case Op.LI: case Op.LUI: defR(rd); out.push(set(rd, `${imm}`, `${ih}`)); return;
      case Op.MV: useR(a); defR(rd); out.push(set(rd, al, ah)); return;
      case Op.ADDI:
        useR(a); defR(rd);
        out.push(set(rd, `(${al} + ${imm}) | 0`, `(${ah} + ${ih} + ((tl >>> 0) < (${al} >>> 0) ? 1 : 0)) | 0`));
        return;
      case Op.ADDIW: useR(a); defR(rd); out.push(setW(rd, `(${al} + ${imm}) | 0`)); return;
      case Op.AUIPC:
        defR(rd);
        out.push(`tv = base + ${off + imm};`, set(rd, `tv | 0`, `Math.floor(tv / 4294967296) | 0`));
        return;
      case Op.SLTI: case Op.SLTIU: {
        useR(a); defR(rd);
        const hc = op === Op.SLTI ? `${ah} < ${ih}` : `(${ah} >>> 0) < ${ih >>> 0}`;
        out.push(set(rd, `${hc} || (${ah} === ${ih} && (${al} >>> 0) < ${imm >>> 0}) ? 1 : 0`, "0"));
        return;
      }
      case Op.XORI: useR(a); defR(rd); out.push(set(rd, `${al} ^ ${imm}`, `${ah} ^ ${ih}`)); return;
      case Op.ORI: useR(a); defR(rd); out.push(set(rd, `${al} | ${imm}`, `${ah} | ${ih}`)); return;
      case Op.ANDI: useR(a); defR(rd); out.push(set(rd, `${al} & ${imm}`, `${ah} & ${ih}`)); return;
      case Op.SLLI: case Op.SRLI: case Op.SRAI: {
        useR(a); defR(rd);
        const s = imm;
        if (s === 0) out.push(set(rd, al, ah));
        else if (op === Op.SLLI)
          out.push(s < 32 ? set(rd, `${al} << ${s}`, `(${ah} << ${s}) | (${al} >>> ${32 - s})`) : set(rd, "0", `${al} << ${s - 32}`));
        else if (op === Op.SRLI)
          out.push(s < 32 ? set(rd, `(${al} >>> ${s}) | (${ah} << ${32 - s})`, `(${ah} >>> ${s}) | 0`) : set(rd, `(${ah} >>> ${s - 32}) | 0`, "0"));
        else out.push(s < 32 ? set(rd, `(${al} >>> ${s}) | (${ah} << ${32 - s})`, `${ah} >> ${s}`) : set(rd, `${ah} >> ${s - 32}`, `${ah} >> 31`));
        return;
      }
      case Op.ADD:
        useR(a); useR(bb); defR(rd);
        out.push(set(rd, `(${al} + ${bl}) | 0`, `(${ah} + ${bh} + ((tl >>> 0) < (${al} >>> 0) ? 1 : 0)) | 0`));
        return;
      case Op.SUB:
        useR(a); useR(bb); defR(rd);
        out.push(set(rd, `(${al} - ${bl}) | 0`, `(${ah} - ${bh} - ((${al} >>> 0) < (${bl} >>> 0) ? 1 : 0)) | 0`));
        return;
      case Op.SLL: case Op.SRL: case Op.SRA:
        useR(a); useR(bb); defR(rd);
        out.push(`shift(${al}, ${ah}, ${bl} & 63, ${op === Op.SLL ? 0 : op === Op.SRL ? 1 : 2});`, set(rd, "o[0]", "o[1]"));
        return;
      case Op.SLT:
        useR(a); useR(bb); defR(rd);
        out.push(set(rd, `${ah} < ${bh} || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0)) ? 1 : 0`, "0"));
        return;
      case Op.SLTU:
        useR(a); useR(bb); defR(rd);
        out.push(set(rd, `(${ah} >>> 0) < (${bh} >>> 0) || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0)) ? 1 : 0`, "0"));
        return;
      case Op.XOR: useR(a); useR(bb); defR(rd); out.push(set(rd, `${al} ^ ${bl}`, `${ah} ^ ${bh}`)); return;
      case Op.OR: useR(a); useR(bb); defR(rd); out.push(set(rd, `${al} | ${bl}`, `${ah} | ${bh}`)); return;
      case Op.AND: useR(a); useR(bb); defR(rd); out.push(set(rd, `${al} & ${bl}`, `${ah} & ${bh}`)); return;
      case Op.SLLIW: useR(a); defR(rd); out.push(setW(rd, `${al} << ${imm}`)); return;
      case Op.SRLIW: useR(a); defR(rd); out.push(setW(rd, `(${al} >>> ${imm}) | 0`)); return;
      case Op.SRAIW: useR(a); defR(rd); out.push(setW(rd, `${al} >> ${imm}`)); return;
      case Op.ADDW: useR(a); useR(bb); defR(rd); out.push(setW(rd, `(${al} + ${bl}) | 0`)); return;
      case Op.SUBW: useR(a); useR(bb); defR(rd); out.push(setW(rd, `(${al} - ${bl}) | 0`)); return;
      case Op.SLLW: useR(a); useR(bb); defR(rd); out.push(setW(rd, `${al} << (${bl} & 31)`)); return;
      case Op.SRLW: useR(a); useR(bb); defR(rd); out.push(setW(rd, `(${al} >>> (${bl} & 31)) | 0`)); return;
      case Op.SRAW: useR(a); useR(bb); defR(rd); out.push(setW(rd, `${al} >> (${bl} & 31)`)); return;
      case Op.MULW: useR(a); useR(bb); defR(rd); out.push(setW(rd, `Math.imul(${al}, ${bl})`)); return;
      case Op.MUL: case Op.MULH: case Op.MULHSU: case Op.MULHU: {
        useR(a); useR(bb); defR(rd);
        const fn = op === Op.MUL ? "mul" : op === Op.MULH ? "mulh" : op === Op.MULHSU ? "mulhsu" : "mulhu";
        out.push(`A.${fn}(${al}, ${ah}, ${bl}, ${bh});`, set(rd, "o[0]", "o[1]"));
        return;
      }
      case Op.DIV: case Op.REM: case Op.DIVU: case Op.REMU: {
        useR(a); useR(bb); defR(rd);
        const fn = op === Op.DIV || op === Op.REM ? "div" : "divu";
        out.push(`A.${fn}(${al}, ${ah}, ${bl}, ${bh}, ${op === Op.REM || op === Op.REMU});`, set(rd, "o[0]", "o[1]"));
        return;
      }
      case Op.DIVW: case Op.REMW: useR(a); useR(bb); defR(rd); out.push(setW(rd, `A.divw(${al}, ${bl}, ${op === Op.REMW})`)); return;
      case Op.DIVUW: case Op.REMUW: useR(a); useR(bb); defR(rd); out.push(setW(rd, `A.divuw(${al}, ${bl}, ${op === Op.REMUW})`)); return;
      case Op.FENCE: case Op.FENCE_I: return;
      case Op.FP: {
        // execFp works on the register file: hand it the x register it reads, take back the one it writes
        const f5 = imm >>> 27;
        const opFp = (imm & 0x7f) === 0x53;
        const xs = opFp && (f5 === 0x1a || f5 === 0x1e) ? ((imm >>> 15) & 31) << 1 : 0;
        const xd = opFp && (f5 === 0x14 || f5 === 0x18 || f5 === 0x1c) ? ((imm >>> 7) & 31) << 1 : 0;
        if (xs !== 0) { useR(xs); out.push(`x[${xs}] = ${lo(xs)}; x[${xs + 1}] = ${hi(xs)};`); }
        out.push(`if (fp(r, ${imm}) < 0) { pc = ${off}; ex = ${EXIT_ILLEGAL}; n += ${len - i - 1}; break L; }`);
        if (xd !== 0) { defR(xd); out.push(`l${xd >> 1} = x[${xd}]; h${xd >> 1} = x[${xd + 1}];`); }
        return;
      }
      case Op.LB: case Op.LBU: case Op.LH: case Op.LHU: case Op.LW: case Op.LWU: case Op.LD: case Op.FLW: case Op.FLD: {
        useR(a);
        const fp = op === Op.FLW || op === Op.FLD;
        if (!fp) defR(rd);
        const size = op === Op.LB || op === Op.LBU ? 1 : op === Op.LH || op === Op.LHU ? 2 : op === Op.LD || op === Op.FLD ? 8 : 4;
        const al2 = ALIGN[size];
        const o = `rOff[tt] + (tl & 4095)`;
        let fast: string;
        if (size === 1) fast = `vl = u8s[rChunk[tt]][${o}]; vh = 0;`;
        else if (size === 2) fast = `vl = u16s[rChunk[tt]][(${o}) >> 1]; vh = 0;`;
        else if (size === 4) fast = `vl = i32s[rChunk[tt]][(${o}) >> 2]; vh = 0;`;
        else fast = `tm = i32s[rChunk[tt]]; tv = (${o}) >> 2; vl = tm[tv]; vh = tm[tv + 1];`;
        out.push(addr(a, imm));
        out.push(
          `if (rTagLo[tt] === tl >>> 12 && rTagHi[tt] === th${al2 ? ` && (tl & ${al2}) === 0` : ""}) { ${fast} }` +
            ` else { if (!h.loadSlow(tl, th, ${size})) ${fault(i, off)} vl = h.vLo; vh = h.vHi; }`,
        );
        switch (op) {
          case Op.LB: out.push(setW(rd, "(vl << 24) >> 24")); break;
          case Op.LBU: out.push(set(rd, "vl & 255", "0")); break;
          case Op.LH: out.push(setW(rd, "(vl << 16) >> 16")); break;
          case Op.LHU: out.push(set(rd, "vl & 65535", "0")); break;
          case Op.LW: out.push(setW(rd, "vl")); break;
          case Op.LWU: out.push(set(rd, "vl", "0")); break;
          case Op.LD: out.push(set(rd, "vl", "vh")); break;
          case Op.FLW: out.push(`f[${rd}] = vl; f[${rd + 1}] = -1;`); break;
          case Op.FLD: out.push(`f[${rd}] = vl; f[${rd + 1}] = vh;`); break;
        }
        return;
      }
      case Op.SB: case Op.SH: case Op.SW: case Op.SD: case Op.FSW: case Op.FSD: {
        useR(a);
        const fp = op === Op.FSW || op === Op.FSD;
        if (!fp) useR(bb);
        const vl = fp ? `f[${bb}]` : bl;
        const vh = fp ? `f[${bb + 1}]` : bh;
        const size = op === Op.SB ? 1 : op === Op.SH ? 2 : op === Op.SD || op === Op.FSD ? 8 : 4;
        const al2 = ALIGN[size];
        const o = `wOff[tt] + (tl & 4095)`;
        let fast: string;
        if (size === 1) fast = `u8s[wChunk[tt]][${o}] = ${vl};`;
        else if (size === 2) fast = `u16s[wChunk[tt]][(${o}) >> 1] = ${vl};`;
        else if (size === 4) fast = `i32s[wChunk[tt]][(${o}) >> 2] = ${vl};`;
        else fast = `tm = i32s[wChunk[tt]]; tv = (${o}) >> 2; tm[tv] = ${vl}; tm[tv + 1] = ${vh};`;
        out.push(addr(a, imm));
        out.push(
          `if (wTagLo[tt] === tl >>> 12 && wTagHi[tt] === th${al2 ? ` && (tl & ${al2}) === 0` : ""}) { ${fast} }` +
            ` else { if (!h.storeSlow(tl, th, ${size}, ${vl}, ${vh})) ${fault(i, off)}` +
            ` if (h.codeStale) { pc = ${next}; n += ${len - i - 1}; break L; } }`,
        );
        return;
      }
      case Op.BEQ: case Op.BNE: case Op.BLT: case Op.BGE: case Op.BLTU: case Op.BGEU: {
        useR(a); useR(bb);
        let c: string;
        if (op === Op.BEQ || op === Op.BNE) {
          c = bb === 0 ? `(${al} | ${ah}) === 0` : `${al} === ${bl} && ${ah} === ${bh}`;
          if (op === Op.BNE) c = `!(${c})`;
        } else {
          const u = op === Op.BLTU || op === Op.BGEU;
          const hc = u ? `(${ah} >>> 0) < (${bh} >>> 0)` : `${ah} < ${bh}`;
          c = `${hc} || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0))`;
          if (op === Op.BGE || op === Op.BGEU) c = `!(${c})`;
        }
        out.push(`if (${c}) { ${goto(off + imm)} }`, goto(next));
        return;
      }
      case Op.JAL:
        defR(rd);
        out.push(link(rd, next), goto(off + imm));
        return;
      case Op.JALR:
        useR(a); defR(rd);
        out.push(
          `tl = (${al} + ${imm}) | 0; th = (${ah} + ${ih} + ((tl >>> 0) < (${al} >>> 0) ? 1 : 0)) | 0;`,
          `tv = th * 4294967296 + ((tl & -2) >>> 0) - base;`,
          link(rd, next),
          `pc = tv; if (tv >= 0 && tv < 4096) { bi = ix[tv >> 1]; continue L; } break L;`,
        );
        return;
    }
    throw new Error(`jit: no translation for op ${op}`);
  });
  if (b.kind === "fall") out.push(goto(b.next));
  const head = `if (n < ${len}) { pc = ${b.start}; break L; } n -= ${len};`;
  const body = out.filter((s) => s !== "").join("\n");
  const label = `case ${index.get(b.start)}: /* ${b.start} */`;
  return selfLoop ? `${label} B: for (;;) { ${head}\n${body}\n}` : `${label} { ${head}\n${body}\n}`;
}

/** 64-bit shift by a variable amount into o[0], o[1]: kind 0 sll, 1 srl, 2 sra */
function shift(l: number, h: number, s: number, kind: number): void {
  const o = A.out;
  if (s === 0) { o[0] = l; o[1] = h; }
  else if (kind === 0) {
    if (s < 32) { o[1] = (h << s) | (l >>> (32 - s)); o[0] = l << s; }
    else { o[1] = l << (s - 32); o[0] = 0; }
  } else if (s < 32) { o[0] = (l >>> s) | (h << (32 - s)); o[1] = kind === 2 ? h >> s : (h >>> s) | 0; }
  else { o[0] = kind === 2 ? h >> (s - 32) : (h >>> (s - 32)) | 0; o[1] = kind === 2 ? h >> 31 : 0; }
}

/** JS source of the region entered at `entry`, and the block starts it can be entered at;
 *  null when the entry instruction itself cannot be translated */
export function regionSource(code: Int32Array, entry: number, decode: (off: number) => void): { src: string; starts: number[]; insns: number } | null {
  const blocks = discover(code, entry, decode);
  if (blocks.get(entry)!.insns.length === 0) return null;
  const used = new Set<number>();
  const written = new Set<number>();
  const cases: string[] = [];
  const starts: number[] = [];
  let insns = 0;
  // blocks are dispatched by a dense index: a switch over sparse page offsets is a chain of compares
  const index = new Map<number, number>();
  for (const b of blocks.values()) if (b.insns.length > 0) index.set(b.start, index.size);
  for (const b of blocks.values()) {
    if (b.insns.length === 0) continue;
    cases.push(compileBlock(b, index, used, written));
    starts.push(b.start);
    insns += b.insns.length;
  }
  const regs = [...used].sort((p, q) => p - q);
  const decl = regs.map((r) => `l${r >> 1} = x[${r}], h${r >> 1} = x[${r + 1}]`).join(", ");
  const wb = [...written].sort((p, q) => p - q).map((r) => `x[${r}] = l${r >> 1}; x[${r + 1}] = h${r >> 1};`).join(" ");
  const body = cases.join("\n");
  // the hart's arrays this region touches, read once per call
  const views = ["rTagLo", "rTagHi", "rChunk", "rOff", "wTagLo", "wTagHi", "wChunk", "wOff"].filter((v) => body.includes(v)).map((v) => `${v} = h.${v}`);
  for (const [v, p] of [["u8s", "u8"], ["u16s", "u16"], ["i32s", "i32"]]) if (body.includes(v)) views.push(`${v} = h.pool.${p}`);
  const src =
    `return function region_${entry}(h, x, f, base, pc, n, r) {\n` +
    (views.length > 0 ? `const ${views.join(", ")};\n` : "") +
    (decl ? `let ${decl};\n` : "") +
    `let ex = -1, tl = 0, th = 0, tt = 0, tv = 0, vl = 0, vh = 0, tm = o;\n` +
    `const baseLo = base | 0, baseHi = Math.floor(base / 4294967296) | 0;\n` +
    `let bi = ix[pc >> 1];\n` +
    `L: for (;;) { switch (bi) {\n${body}\ndefault: break L;\n} }\n` +
    `${wb}\nh.jn = n; h.jpc = base + pc; return ex;\n};`;
  return { src, starts, insns };
}

const cache = new Map<string, RegionFn>();

/** the function of a region's source: compiled once per process (the same code in another frame,
 *  another exec of a binary or another kernel reuses it) */
export function instantiate(src: string, starts: number[]): RegionFn {
  let fn = cache.get(src);
  if (fn === undefined) {
    const ix = new Int16Array(SLOTS).fill(-1);
    starts.forEach((st, i) => (ix[st >> 1] = i));
    const factory = new Function("A", "o", "shift", "fp", "ix", src) as (...args: unknown[]) => RegionFn;
    fn = factory(A, A.out, shift, execFp, ix);
    if (cache.size >= 2048) cache.clear(); // sources are a few KiB each
    cache.set(src, fn);
  }
  return fn;
}
