// Translation of hot guest code into JavaScript functions, built from the instruction
// templates of isa.ts (the interpreter is generated from the same table).
//
// A *region* is what the interpreter found hot at one entry offset of a code page: the basic
// blocks reachable from that entry inside the same 4 KiB page (at most LIMITS of them),
// compiled into one function that keeps the guest registers it touches in JS locals (two int32
// halves each) and moves between its blocks through a `switch` on a dense block number, so a
// loop never returns to the interpreter. Everything the interpreter does is reproduced
// exactly, including the instruction budget (a block runs only if the whole block fits,
// otherwise the interpreter finishes the quantum one instruction at a time) and the
// instruction count where a region stops, so runs with and without translation give the same
// schedule, output and trace.
//
// Loads and stores look up the hart's two-way TLB inline; on a miss or a misaligned access the
// region stops before the instruction (RESUME) and the interpreter runs it through the slow
// path, which may fault or drop decoded code. CSR accesses, LR/SC, AMOs and F/D arithmetic
// call the hart's `system` (the interpreter's code for them). Not translated (the block ends
// before them): ecall, ebreak, illegal and page-straddling instructions. Translations belong
// to a physical frame's decoded page and die with it, so self-modifying code and frame reuse
// need nothing extra.

import { Op, SLOTS, opOf, lenOf, rdOfSlot, rs1OfSlot, rs2OfSlot } from "./decode.js";
import type { Regs } from "./regs.js";
import * as A from "./arith64.js";
import { DEF, expand, reads } from "./isa.js";

// hart.ts's exit codes, repeated to keep the import one-way
/** a region's result when it left before an instruction for the interpreter to run (not a jump) */
export const RESUME = -3;

/** (hart, x registers, f registers, virtual address of the page, entry offset, budget, register
 *  file) → EXIT_*, -1 (continue interpreting: a jump to code the region does not cover) or RESUME
 *  (the interpreter must run the next instruction: a TLB miss); the remaining budget and the next
 *  pc are left in the hart. Regions close over nothing of one hart, so every kernel in the process shares them. */
export type RegionFn = (h: JitHost, x: Int32Array, f: Int32Array, base: number, off: number, n: number, r: Regs) => number;

/** what a region reads from the hart: its TLBs, the frame pool's views and the slow paths */
export interface JitHost {
  jn: number;
  jpc: number;
  codeStale: boolean;
  readonly runBudget: number;
  system(r: Regs, w: number, imm: number, retired: number): number;

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

export interface Insn {
  off: number;
  op: number;
  len: number;
  /** the slot's first word */
  w: number;
  rd: number;
  a: number;
  b: number;
  imm: number;
}

export interface Block {
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
  /** regions translated to WebAssembly (part of `regions`; see wasm-jit.ts) */
  wasm: number;
}

/** ops a block can run through (everything but control transfers, ecall/ebreak and the
 *  slots that are not instructions) */
function straight(op: number): boolean {
  const d = DEF[op];
  if (d === undefined) return false;
  return d.kind === "alu" || d.kind === "load" || d.kind === "store" || d.kind === "nop" || (d.kind === "system" && op !== Op.ECALL && op !== Op.EBREAK);
}

export const isBranch = (op: number) => DEF[op]?.kind === "branch";

/** the basic blocks reachable from `entry` within the page; `decode(off)` fills an undecoded slot */
export function discover(code: Int32Array, entry: number, decode: (off: number) => void, through: (op: number) => boolean = straight): Map<number, Block> {
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
      if (code[off] === 0) decode(off);
      const w = code[off];
      const op = opOf(w);
      const len = lenOf(w);
      const insn: Insn = { off, op, len, w, rd: rdOfSlot(w), a: rs1OfSlot(w), b: rs2OfSlot(w), imm: code[off + 1] };
      if (through(op)) {
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
        // a call: the code after it runs when the callee returns (an entry of this region)
        if (insn.rd !== 64 && off + len < 4096) work.push(off + len);
      } else if (op === Op.JALR) {
        b.insns.push(insn);
        b.kind = "jalr";
        if (insn.rd !== 64 && off + len < 4096) work.push(off + len);
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

/** find tl/th in the load ("r") or store ("w") TLB, leaving the entry's index in tt (either way
 *  of its set), or run `miss` (also for a misaligned access, which the slow path handles) */
const lookup = (tlb: "r" | "w", align: number, miss: string) =>
  `tv = tl >>> 12; if (${tlb}TagLo[tt] !== tv || ${tlb}TagHi[tt] !== th) { tt += 256; if (${tlb}TagLo[tt] !== tv || ${tlb}TagHi[tt] !== th) ${miss} }` +
  (align ? ` if ((tl & ${align}) !== 0) ${miss}` : "");

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
  /** a TLB miss (or a misaligned access) at instruction i: leave the region before it and let
   *  the interpreter run it, which takes the slow path (fills the TLB, faults, drops decoded
   *  code). So translated code calls nothing on its memory paths, and V8 can keep the TLB
   *  arrays' lengths and data pointers in registers across a whole loop. */
  const miss = (i: number, off: number) => `{ pc = ${off}; n += ${len - i}; ex = ${RESUME}; break L; }`;
  /** leave the region at instruction i, which has not completed, with exit code ex */
  const leave = (i: number, off: number, ex: string) => `{ pc = ${off}; ex = ${ex}; n += ${len - i - 1}; break L; }`;

  b.insns.forEach((ins, i) => {
    const { off, op, rd, a, imm } = ins;
    const bb = ins.b;
    const d = DEF[op]!;
    const next = off + ins.len;
    // the template's operands: registers as locals (x0 as 0), the immediate and pc as constants
    const map: Record<string, string> = { al: lo(a), ah: hi(a), bl: lo(bb), bh: hi(bb), i: `${imm}`, ih: `${imm >> 31}`, pc: `(base + ${off})`, lo: "tl", v: "vl", vh: "vh" };
    if (reads(d, "a")) useR(a);
    if (reads(d, "b")) useR(bb);
    const ex = (t: string) => `(${expand(t, map)})`;
    switch (d.kind) {
      case "alu":
        if (rd === 64) return; // a write to x0: the templates have no side effects
        defR(rd);
        if (d.pre) out.push(expand(d.pre, map));
        out.push(`tl = ${ex(d.lo!)}; h${rd >> 1} = ${ex(d.hi!)}; l${rd >> 1} = tl;`);
        return;
      case "nop":
        return;
      case "load": {
        useR(a);
        if (!d.fp) defR(rd);
        const size = d.size!;
        const al2 = ALIGN[size];
        const o = `rOff[tt] + (tl & 4095)`;
        let fast: string;
        if (size === 1) fast = `vl = u8s[rChunk[tt]][${o}]; vh = 0;`;
        else if (size === 2) fast = `vl = u16s[rChunk[tt]][(${o}) >> 1]; vh = 0;`;
        else if (size === 4) fast = `vl = i32s[rChunk[tt]][(${o}) >> 2]; vh = 0;`;
        else fast = `tm = i32s[rChunk[tt]]; tv = (${o}) >> 2; vl = tm[tv]; vh = tm[tv + 1];`;
        out.push(addr(a, imm), lookup("r", al2, miss(i, off)), fast);
        if (d.fp) out.push(`tl = ${ex(d.lo!)}; f[${rd + 1}] = ${ex(d.hi!)}; f[${rd}] = tl;`);
        else if (rd !== 64) out.push(`tl = ${ex(d.lo!)}; h${rd >> 1} = ${ex(d.hi!)}; l${rd >> 1} = tl;`);
        return;
      }
      case "store": {
        useR(a);
        if (!d.fp) useR(bb);
        const vl = d.fp ? `f[${bb}]` : lo(bb);
        const vh = d.fp ? `f[${bb + 1}]` : hi(bb);
        const size = d.size!;
        const al2 = ALIGN[size];
        const o = `wOff[tt] + (tl & 4095)`;
        let fast: string;
        if (size === 1) fast = `u8s[wChunk[tt]][${o}] = ${vl};`;
        else if (size === 2) fast = `u16s[wChunk[tt]][(${o}) >> 1] = ${vl};`;
        else if (size === 4) fast = `i32s[wChunk[tt]][(${o}) >> 2] = ${vl};`;
        else fast = `tm = i32s[wChunk[tt]]; tv = (${o}) >> 2; tm[tv] = ${vl}; tm[tv + 1] = ${vh};`;
        out.push(addr(a, imm), lookup("w", al2, miss(i, off)), fast);
        return;
      }
      case "system": {
        // the hart reads its operands from the register file and writes rd there: hand over the
        // x registers it reads, take back the one it writes (F/D: only the moves and conversions
        // touch x registers)
        let xs: number[] = [a, bb];
        let xd = rd;
        if (op === Op.FP) {
          const f5 = imm >>> 27;
          const opFp = (imm & 0x7f) === 0x53;
          xs = opFp && (f5 === 0x1a || f5 === 0x1e) ? [((imm >>> 15) & 31) << 1] : [];
          xd = opFp && (f5 === 0x14 || f5 === 0x18 || f5 === 0x1c) ? ((imm >>> 7) & 31) << 1 : 64;
        } else if (op >= Op.CSRRWI && op <= Op.CSRRCI) xs = [];
        else if (op >= Op.CSRRW && op <= Op.CSRRC) xs = [a];
        for (const r of new Set(xs)) if (r !== 0) { useR(r); out.push(`x[${r}] = ${lo(r)}; x[${r + 1}] = ${hi(r)};`); }
        out.push(
          `tv = h.system(r, ${ins.w}, ${imm}, h.runBudget - n - ${len - i - 1});`,
          `if (tv >= 0) ${leave(i, off, "tv")}`,
        );
        if (xd !== 64) { defR(xd); out.push(`l${xd >> 1} = x[${xd}]; h${xd >> 1} = x[${xd + 1}];`); }
        out.push(`if (h.codeStale) { pc = ${next}; n += ${len - i - 1}; break L; }`);
        return;
      }
      case "branch":
        useR(a); useR(bb);
        out.push(`if (${expand(d.cond!, map)}) { ${goto(off + imm)} }`, goto(next));
        return;
      case "jal": {
        defR(rd);
        const t = off + imm;
        out.push(link(rd, next), goto(t));
        return;
      }
      case "jalr":
        useR(a); defR(rd);
        out.push(
          `tl = (${lo(a)} + ${imm}) | 0; th = (${hi(a)} + ${imm >> 31} + ((tl >>> 0) < (${lo(a)} >>> 0) ? 1 : 0)) | 0;`,
          // the target as the interpreter computes it (beyond 2^53 the rounding must agree)
          `tv = th * 4294967296 + ((tl & -2) >>> 0);`,
          link(rd, next),
          `if (tv >= base && tv < base + 4096) { pc = tv - base; bi = ix[pc >> 1]; continue L; }`,
          "pc = -1; ta = tv; break L;",
        );
        return;
    }
  });
  if (b.kind === "fall") out.push(goto(b.next));
  const head = `if (n < ${len}) { pc = ${b.start}; break L; } n -= ${len};`;
  const body = out.filter((s) => s !== "").join("\n");
  const label = `case ${index.get(b.start)}: /* ${b.start} */`;
  return selfLoop ? `${label} B: for (;;) { ${head}\n${body}\n}` : `${label} { ${head}\n${body}\n}`;
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
    `let ex = -1, tl = 0, th = 0, tt = 0, tv = 0, vl = 0, vh = 0, tm = o, ta = 0;\n` +
    `const baseLo = base | 0, baseHi = Math.floor(base / 4294967296) | 0;\n` +
    `let bi = ix[pc >> 1];\n` +
    `L: for (;;) { switch (bi) {\n${body}\ndefault: break L;\n} }\n` +
    `${wb}\nh.jn = n; h.jpc = pc === -1 ? ta : base + pc; return ex;\n};`;
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
    const factory = new Function("A", "o", "mulhu32", "ix", src) as (...args: unknown[]) => RegionFn;
    fn = factory(A, A.out, A.mulhu32, ix);
    if (cache.size >= 2048) cache.clear(); // sources are a few KiB each
    cache.set(src, fn);
  }
  return fn;
}
