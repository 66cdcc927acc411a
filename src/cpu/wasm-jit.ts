// The translator's WebAssembly backend: the same regions as jit.ts (the basic blocks reachable
// from a hot entry inside one 4 KiB page, found by jit.ts's `discover`), compiled to a wasm
// module with the guest registers as i64 locals, instead of a JavaScript function.
//
// Wasm reaches guest memory because the frame pool keeps every frame in one WebAssembly.Memory
// (FramePool(max, true): frame f at WASM_HEADER + f * 4096), and the hart keeps its TLB tags and
// frames in that memory's header (AREA), so loads and stores look the TLB up inline as the JS
// regions do and leave before the instruction on a miss (the interpreter runs it). The guest
// registers are in the header too: Hart.run moves the task's Regs.x there for the run.
//
// Covered: RV64I and M (ALU, loads, stores, branches, jal, jalr, fences). Not covered (a block
// ends before them and the interpreter runs them): F/D loads, stores and arithmetic, CSRs,
// LR/SC, AMOs, ecall, ebreak. The ALU semantics here are written per opcode with wasm's i64
// operations (isa.ts's templates are JavaScript over int32 halves); test/isa.test.ts checks
// every covered op against the interpreter with random operands.

import { Op, SLOTS } from "./decode.js";
import { DEF } from "./isa.js";
import { discover, isBranch, RESUME, type Block, type Insn, type RegionFn } from "./jit.js";
import { Body, moduleBytes, W, I32, I64, F64 } from "./wasm-enc.js";
import { WASM_HEADER } from "../mm/frames.js";

const TLB2 = 512;
/** byte offsets in a hart's area of the wasm memory's header */
export const AREA = {
  rTagLo: 0,
  rTagHi: 4 * TLB2,
  rFrame: 8 * TLB2,
  wTagLo: 12 * TLB2,
  wTagHi: 16 * TLB2,
  wFrame: 20 * TLB2,
  /** the x registers (Regs.x's layout: 66 int32, x0 and the x0 write slot included) */
  regs: 24 * TLB2,
  /** after a call: remaining budget (i32), next page offset or -1 (i32), jalr target (i64) */
  state: 24 * TLB2 + 512,
  end: 24 * TLB2 + 528,
};

/** a hart's area of the pool's wasm memory, and the regions instantiated against it */
export class WasmArea {
  readonly regs: Int32Array<ArrayBuffer>;
  readonly state: Int32Array;
  readonly instances = new Map<WebAssembly.Module, RegionFn>();
  constructor(readonly memory: WebAssembly.Memory, readonly at: number) {
    if (at + AREA.end > WASM_HEADER) throw new Error("wasm-jit: hart area outside the header");
    this.regs = this.view(AREA.regs, 66);
    this.state = this.view(AREA.state, 4);
  }
  view(off: number, n: number): Int32Array<ArrayBuffer> {
    return new Int32Array(this.memory.buffer, this.at + off, n);
  }
}

/** the ops a wasm region runs through (everything else but control transfers ends a block) */
const COVERED = new Set<number>([
  Op.LUI, Op.LI, Op.MV, Op.AUIPC, Op.ADDI, Op.SLTI, Op.SLTIU, Op.XORI, Op.ORI, Op.ANDI,
  Op.SLLI, Op.SRLI, Op.SRAI, Op.SLLI32, Op.SRLI32, Op.SRAI32,
  Op.ADD, Op.SUB, Op.SLL, Op.SRL, Op.SRA, Op.SLT, Op.SLTU, Op.XOR, Op.OR, Op.AND,
  Op.ADDIW, Op.SLLIW, Op.SRLIW, Op.SRAIW, Op.ADDW, Op.SUBW, Op.SLLW, Op.SRLW, Op.SRAW,
  Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU,
  Op.MULW, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW,
  Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU, Op.SB, Op.SH, Op.SW, Op.SD,
  Op.FENCE, Op.FENCE_I,
]);
export const wasmCovers = (op: number): boolean => COVERED.has(op);

const LOAD_OP: Record<number, [number, number]> = {
  [Op.LB]: [W.i64_load8_s, 0], [Op.LBU]: [W.i64_load8_u, 0], [Op.LH]: [W.i64_load16_s, 1], [Op.LHU]: [W.i64_load16_u, 1],
  [Op.LW]: [W.i64_load32_s, 2], [Op.LWU]: [W.i64_load32_u, 2], [Op.LD]: [W.i64_load, 3],
};
const STORE_OP: Record<number, [number, number]> = {
  [Op.SB]: [W.i64_store8, 0], [Op.SH]: [W.i64_store16, 1], [Op.SW]: [W.i64_store32, 2], [Op.SD]: [W.i64_store, 3],
};
const BRANCH_OP: Record<number, number> = {
  [Op.BEQ]: W.i64_eq, [Op.BNE]: W.i64_ne, [Op.BLT]: W.i64_lt_s, [Op.BGE]: W.i64_ge_s, [Op.BLTU]: W.i64_lt_u, [Op.BGEU]: W.i64_ge_u,
};
/** ops of the form rd = op(rs1, rs2) in i64, and rd = sext32(op(rs1, rs2)) in i32 */
const RR64: Record<number, number> = {
  [Op.ADD]: W.i64_add, [Op.SUB]: W.i64_sub, [Op.SLL]: W.i64_shl, [Op.SRL]: W.i64_shr_u, [Op.SRA]: W.i64_shr_s,
  [Op.XOR]: W.i64_xor, [Op.OR]: W.i64_or, [Op.AND]: W.i64_and, [Op.MUL]: W.i64_mul,
};
const RI64: Record<number, number> = {
  [Op.ADDI]: W.i64_add, [Op.XORI]: W.i64_xor, [Op.ORI]: W.i64_or, [Op.ANDI]: W.i64_and,
  [Op.SLLI]: W.i64_shl, [Op.SRLI]: W.i64_shr_u, [Op.SRAI]: W.i64_shr_s, [Op.SLLI32]: W.i64_shl, [Op.SRLI32]: W.i64_shr_u, [Op.SRAI32]: W.i64_shr_s,
};
const RR32: Record<number, number> = {
  [Op.ADDW]: W.i32_add, [Op.SUBW]: W.i32_sub, [Op.SLLW]: W.i32_shl, [Op.SRLW]: W.i32_shr_u, [Op.SRAW]: W.i32_shr_s, [Op.MULW]: W.i32_mul,
};
const RI32: Record<number, number> = { [Op.ADDIW]: W.i32_add, [Op.SLLIW]: W.i32_shl, [Op.SRLIW]: W.i32_shr_u, [Op.SRAIW]: W.i32_shr_s };

// parameters of the region function: block index, budget, the page's virtual address
const P_BI = 0, P_N = 1, P_BASE = 2;

/** The module bytes of the region entered at `entry`, its block starts and instruction count;
 *  null when the entry's first instruction has no wasm translation. */
export function wasmRegionBytes(code: Int32Array, entry: number, decode: (off: number) => void, at = 0): { bytes: Uint8Array; starts: number[]; insns: number } | null {
  const blocks = discover(code, entry, decode, wasmCovers);
  if (blocks.get(entry)!.insns.length === 0) return null;
  const list: Block[] = [...blocks.values()].filter((b) => b.insns.length > 0);
  const index = new Map<number, number>();
  list.forEach((b, i) => index.set(b.start, i));
  const f = new Body(3);
  const pc = f.local(I32), ex = f.local(I32), la = f.local(I32), tv = f.local(I32), th = f.local(I32), t = f.local(I32);
  const base = f.local(I64), A = f.local(I64), ta = f.local(I64), X = f.local(I64), Y = f.local(I64);
  const q = [f.local(I64), f.local(I64), f.local(I64), f.local(I64), f.local(I64), f.local(I64), f.local(I64)];
  const regLocal = new Map<number, number>();
  const written = new Set<number>();
  const reg = (r: number) => {
    if (r === 0) return f.i64(0);
    let l = regLocal.get(r);
    if (l === undefined) regLocal.set(r, (l = f.local(I64)));
    return f.get(l);
  };
  /** pop the value into rd (the discard slot 64: drop it) */
  const setReg = (r: number) => {
    if (r === 64) return f.op(W.drop);
    let l = regLocal.get(r);
    if (l === undefined) regLocal.set(r, (l = f.local(I64)));
    written.add(r);
    return f.set(l);
  };
  const M32 = 0xffffffffn;

  // the dispatch: $out (leave) around $top (re-dispatch on bi) around one block per region block
  f.open(W.block, "out").open(W.loop, "top");
  for (let i = list.length - 1; i >= 0; i--) f.open(W.block, `b${i}`);
  f.get(P_BI).brTable(list.map((_, i) => `b${i}`), "out");
  list.forEach((b, bi) => {
    f.end(); // code of block bi follows the end of its label
    const len = b.insns.length;
    const last = b.insns[len - 1];
    const selfLoop = (b.kind === "branch" || b.kind === "jal") && last.off + last.imm === b.start;
    const goto = (target: number) => {
      if (target === b.start && selfLoop) return f.br("self");
      const k = index.get(target);
      if (k !== undefined) return f.i32(k).set(P_BI).br("top");
      return f.i32(target).set(pc).br("out");
    };
    /** leave before instruction i (at off) for the interpreter: a TLB miss or misalignment */
    const miss = (i: number, off: number) => f.i32(off).set(pc).get(P_N).i32(len - i).op(W.i32_add).set(P_N).i32(RESUME).set(ex).br("out");
    if (selfLoop) f.open(W.loop, "self");
    f.get(P_N).i32(len).op(W.i32_lt_s).open(W.if_).i32(b.start).set(pc).br("out").end();
    f.get(P_N).i32(len).op(W.i32_sub).set(P_N);
    b.insns.forEach((ins: Insn, i: number) => emit(ins, i));
    if (b.kind === "fall") goto(b.next);
    if (selfLoop) f.end();
    f.op(W.unreachable);

    function tlb(tags: { lo: number; hi: number }, align: number, ins: Insn, i: number) {
      reg(ins.a);
      if (ins.imm !== 0) f.i64(ins.imm).op(W.i64_add);
      f.tee(A).op(W.i32_wrap_i64).tee(la).i32(12).op(W.i32_shr_u).tee(tv).i32(255).op(W.i32_and).i32(2).op(W.i32_shl).set(t);
      f.get(A).i64(32).op(W.i64_shr_u, W.i32_wrap_i64).set(th);
      const check = () => f.get(t).mem(W.i32_load, 2, at + tags.lo).get(tv).op(W.i32_ne).get(t).mem(W.i32_load, 2, at + tags.hi).get(th).op(W.i32_ne, W.i32_or);
      check().open(W.if_);
      f.get(t).i32(4 * 256).op(W.i32_add).set(t);
      check().open(W.if_);
      miss(i, ins.off);
      f.end().end();
      if (align !== 0) {
        f.get(la).i32(align).op(W.i32_and).open(W.if_);
        miss(i, ins.off);
        f.end();
      }
    }
    /** the wasm address (before WASM_HEADER) of the access found in the TLB entry t */
    function address(frames: number) {
      f.get(t).mem(W.i32_load, 2, at + frames).i32(12).op(W.i32_shl).get(la).i32(4095).op(W.i32_and, W.i32_or);
    }
    function mulhu() {
      // X * Y's high 64 bits from four 32x32 products: q0..q3 the halves, q4 q5 the cross products
      f.get(X).i64(M32).op(W.i64_and).set(q[0]).get(X).i64(32).op(W.i64_shr_u).set(q[1]);
      f.get(Y).i64(M32).op(W.i64_and).set(q[2]).get(Y).i64(32).op(W.i64_shr_u).set(q[3]);
      f.get(q[0]).get(q[3]).op(W.i64_mul).set(q[4]).get(q[1]).get(q[2]).op(W.i64_mul).set(q[5]);
      f.get(q[0]).get(q[2]).op(W.i64_mul).i64(32).op(W.i64_shr_u).get(q[4]).i64(M32).op(W.i64_and, W.i64_add).get(q[5]).i64(M32).op(W.i64_and, W.i64_add).set(q[6]);
      f.get(q[1]).get(q[3]).op(W.i64_mul).get(q[4]).i64(32).op(W.i64_shr_u, W.i64_add).get(q[5]).i64(32).op(W.i64_shr_u, W.i64_add);
      f.get(q[6]).i64(32).op(W.i64_shr_u, W.i64_add);
    }
    /** subtract `v` from the value on the stack when `s` is negative */
    function subIfNeg(v: number, s: number) {
      f.get(v).i64(0).get(s).i64(0).op(W.i64_lt_s, W.select, W.i64_sub);
    }
    function emit(ins: Insn, i: number) {
      const { op, rd, a, imm, off } = ins;
      const rb = ins.b;
      const next = off + ins.len;
      const d = DEF[op]!;
      if (op === Op.FENCE || op === Op.FENCE_I) return;
      if (d.kind === "load") {
        const [lop, lg] = LOAD_OP[op];
        tlb({ lo: AREA.rTagLo, hi: AREA.rTagHi }, (1 << lg) - 1, ins, i);
        address(AREA.rFrame);
        f.mem(lop, lg, WASM_HEADER);
        setReg(rd);
        return;
      }
      if (d.kind === "store") {
        const [sop, lg] = STORE_OP[op];
        tlb({ lo: AREA.wTagLo, hi: AREA.wTagHi }, (1 << lg) - 1, ins, i);
        address(AREA.wFrame);
        reg(rb);
        f.mem(sop, lg, WASM_HEADER);
        return;
      }
      if (isBranch(op)) {
        reg(a);
        reg(rb);
        f.op(BRANCH_OP[op]).open(W.if_);
        goto(off + imm);
        f.end();
        goto(next);
        return;
      }
      if (op === Op.JAL) {
        if (rd !== 64) f.get(base).i64(next).op(W.i64_add).set(regLocalOf(rd));
        goto(off + imm);
        return;
      }
      if (op === Op.JALR) {
        reg(a);
        f.i64(imm).op(W.i64_add).i64(-2).op(W.i64_and).set(ta);
        if (rd !== 64) f.get(base).i64(next).op(W.i64_add).set(regLocalOf(rd));
        f.get(ta).get(base).op(W.i64_sub).tee(A).i64(4096).op(W.i64_lt_u).open(W.if_);
        f.get(A).op(W.i32_wrap_i64).set(pc);
        for (const [s, k] of index) f.get(pc).i32(s).op(W.i32_eq).open(W.if_).i32(k).set(P_BI).br("top").end();
        f.br("out").end();
        f.i32(-1).set(pc).br("out");
        return;
      }
      if (rd === 64) return; // ALU ops have no side effects
      if (op === Op.LUI || op === Op.LI) f.i64(imm);
      else if (op === Op.MV) reg(a);
      else if (op === Op.AUIPC) f.get(base).i64(off + imm).op(W.i64_add);
      else if (op in RI64) reg(a).i64(imm).op(RI64[op]);
      else if (op === Op.SLTI || op === Op.SLTIU) reg(a).i64(imm).op(op === Op.SLTI ? W.i64_lt_s : W.i64_lt_u, W.i64_extend_i32_u);
      else if (op in RR64) {
        reg(a);
        reg(rb).op(RR64[op]);
      } else if (op === Op.SLT || op === Op.SLTU) {
        reg(a);
        reg(rb).op(op === Op.SLT ? W.i64_lt_s : W.i64_lt_u, W.i64_extend_i32_u);
      } else if (op in RI32) reg(a).op(W.i32_wrap_i64).i32(imm).op(RI32[op], W.i64_extend_i32_s);
      else if (op in RR32) {
        reg(a).op(W.i32_wrap_i64);
        reg(rb).op(W.i32_wrap_i64, RR32[op], W.i64_extend_i32_s);
      }
      else if (op === Op.MULHU || op === Op.MULH || op === Op.MULHSU) {
        reg(a).set(X);
        reg(rb).set(Y);
        mulhu();
        if (op !== Op.MULHU) subIfNeg(Y, X);
        if (op === Op.MULH) subIfNeg(X, Y);
      } else if (op === Op.DIV || op === Op.DIVU || op === Op.REM || op === Op.REMU) {
        reg(a).set(X);
        reg(rb).set(Y);
        const rem = op === Op.REM || op === Op.REMU;
        // by zero: all ones (div) or the dividend (rem); wasm traps there, RISC-V does not
        f.get(Y).op(W.i64_eqz).open(W.if_, null, I64);
        if (rem) f.get(X);
        else f.i64(-1);
        f.else_();
        if (op === Op.DIV) {
          // the one overflow, -2^63 / -1, is -2^63 (wasm traps; rem_s gives 0 there without trapping)
          f.get(X).i64(-(2n ** 63n)).op(W.i64_eq).get(Y).i64(-1).op(W.i64_eq, W.i32_and).open(W.if_, null, I64);
          f.get(X).else_().get(X).get(Y).op(W.i64_div_s).end();
        } else f.get(X).get(Y).op(op === Op.DIVU ? W.i64_div_u : op === Op.REM ? W.i64_rem_s : W.i64_rem_u);
        f.end();
      } else if (op === Op.DIVW || op === Op.DIVUW || op === Op.REMW || op === Op.REMUW) {
        reg(a).set(X);
        reg(rb).set(Y);
        const rem = op === Op.REMW || op === Op.REMUW;
        f.get(Y).op(W.i32_wrap_i64, W.i32_eqz).open(W.if_, null, I32);
        if (rem) f.get(X).op(W.i32_wrap_i64);
        else f.i32(-1);
        f.else_();
        if (op === Op.DIVW) {
          f.get(X).op(W.i32_wrap_i64).i32(-(2 ** 31)).op(W.i32_eq).get(Y).op(W.i32_wrap_i64).i32(-1).op(W.i32_eq, W.i32_and).open(W.if_, null, I32);
          f.get(X).op(W.i32_wrap_i64).else_().get(X).op(W.i32_wrap_i64).get(Y).op(W.i32_wrap_i64, W.i32_div_s).end();
        } else f.get(X).op(W.i32_wrap_i64).get(Y).op(W.i32_wrap_i64, op === Op.DIVUW ? W.i32_div_u : op === Op.REMW ? W.i32_rem_s : W.i32_rem_u);
        f.end().op(W.i64_extend_i32_s);
      } else throw new Error(`wasm-jit: op ${op} is covered but not emitted`);
      setReg(rd);
    }
    function regLocalOf(r: number): number {
      let l = regLocal.get(r);
      if (l === undefined) regLocal.set(r, (l = f.local(I64)));
      written.add(r);
      return l;
    }
  });
  f.end().end(); // top, out
  // leaving: registers back to the area, then the budget, next offset and jalr target
  const regs = [...regLocal.keys()].sort((p, q2) => p - q2);
  for (const r of regs) if (written.has(r)) f.i32(0).get(regLocal.get(r)!).mem(W.i64_store, 3, at + AREA.regs + 4 * r);
  f.i32(0).get(P_N).mem(W.i32_store, 2, at + AREA.state);
  f.i32(0).get(pc).mem(W.i32_store, 2, at + AREA.state + 4);
  f.i32(0).get(ta).mem(W.i64_store, 3, at + AREA.state + 8);
  f.get(ex);
  // entering: the page's address as i64, every register the region touches, ex = -1
  const pro = new Body(3);
  pro.get(P_BASE).op(W.i64_trunc_f64_u).set(base);
  for (const r of regs) pro.i32(0).mem(W.i64_load, 3, at + AREA.regs + 4 * r).set(regLocal.get(r)!);
  pro.i32(-1).set(ex);
  f.b.splice(0, 0, ...pro.b);
  const insns = list.reduce((s, b) => s + b.insns.length, 0);
  return { bytes: moduleBytes([I32, I32, F64], [I32], f), starts: list.map((b) => b.start), insns };
}

const modules = new Map<string, WebAssembly.Module>();

/** compile (once per process per distinct module) and instantiate against `area` */
export function wasmInstantiate(bytes: Uint8Array, starts: number[], area: WasmArea): RegionFn {
  let key = "";
  for (let i = 0; i < bytes.length; i += 4096) key += String.fromCharCode(...bytes.subarray(i, i + 4096));
  let mod = modules.get(key);
  if (mod === undefined) {
    // the encoder's bytes are never in a SharedArrayBuffer (the DOM typings want that said)
    mod = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    if (modules.size >= 2048) modules.clear();
    modules.set(key, mod);
  }
  let fn = area.instances.get(mod);
  if (fn !== undefined) return fn;
  const run = new WebAssembly.Instance(mod, { m: { mem: area.memory } }).exports.run as (bi: number, n: number, base: number) => number;
  const ix = new Int16Array(SLOTS).fill(-1);
  starts.forEach((st, i) => (ix[st >> 1] = i));
  const regs = area.regs;
  const st = area.state;
  fn = (h, x, _f, base, off, n) => {
    let e: number;
    if (x === regs) e = run(ix[off >> 1], n, base);
    else {
      // a caller whose registers are elsewhere (Hart.run moves them into the area for the run)
      regs.set(x);
      e = run(ix[off >> 1], n, base);
      x.set(regs);
    }
    h.jn = st[0];
    const pc = st[1];
    h.jpc = pc === -1 ? st[3] * 4294967296 + (st[2] >>> 0) : base + pc;
    return e;
  };
  area.instances.set(mod, fn);
  return fn;
}

/** the wasm region entered at `entry` of a decoded page, instantiated for `area`; null when its
 *  first instruction is not covered */
export function wasmRegion(code: Int32Array, entry: number, decode: (off: number) => void, area: WasmArea): { fn: RegionFn; starts: number[]; insns: number } | null {
  const r = wasmRegionBytes(code, entry, decode, area.at);
  if (r === null) return null;
  return { fn: wasmInstantiate(r.bytes, r.starts, area), starts: r.starts, insns: r.insns };
}
