// The instruction-stream generator: random words, random compressed halfwords and semi-valid
// encodings of every RV64GC instruction class (ALU, M, A, F/D, CSR, loads/stores through registers
// that point into mapped memory, short branches, fences, ecall with a syscall number from the table),
// after a prologue that installs fault handlers on an alternate stack so a fault skips ahead
// instead of ending the case.

import { SYSCALLS } from "../../src/syscalls/table.js";
import { Rng } from "./rng.js";
import { li, rtype, itype, stype, btype, utype, jtype, ECALL, EBREAK, FENCE_I, A0, A1, A2, A3, A7, SP, S2, S3, S4, S5, S6 } from "./asm.js";
import { InsnProgram, CODE, DATA, DATA_SIZE, BLOBS, STACKS, STACK_SLOT, STACK_SLOTS, H_SKIP } from "./program.js";
import { Heap } from "./values.js";

/** registers the prologue points into memory; random code rarely overwrites them */
const PTRS = [S2, S3, S4, S5, S6, SP];
const SIG_FAULTS = [4, 5, 7, 8, 11, 31];

function prologue(rng: Rng, heap: Heap): number[] {
  const out: number[] = [];
  const sys = (nr: number, ...args: (number | bigint)[]) => {
    args.forEach((a, i) => out.push(...li(A0 + i, a)));
    out.push(...li(A7, nr), ECALL);
  };
  // sigaltstack on the last stack slot, then handlers that skip the faulting instruction
  const altTop = STACKS + STACK_SLOTS * STACK_SLOT;
  const ss = new Uint8Array(24);
  const dv = new DataView(ss.buffer);
  dv.setBigUint64(0, BigInt(altTop - 2 * STACK_SLOT), true);
  dv.setBigUint64(16, BigInt(2 * STACK_SLOT), true);
  sys(132, heap.put(ss), 0);
  const act = new Uint8Array(24);
  const av = new DataView(act.buffer);
  av.setBigUint64(0, BigInt(H_SKIP), true);
  av.setBigUint64(8, 0x08000000n | 4n | 0x40000000n, true); // SA_ONSTACK | SA_SIGINFO | SA_NODEFER
  const actAddr = heap.put(act);
  for (const s of SIG_FAULTS) sys(134, s, actAddr, 0, 8);
  // registers: pointers into data, the stack, code; the rest interesting values
  out.push(...li(S2, DATA + 0x8000), ...li(S3, DATA + 0x10000 + 3), ...li(S4, STACKS + 0x4000), ...li(S5, DATA + DATA_SIZE - 8));
  out.push(...li(S6, CODE + 0x1000), ...li(SP, STACKS + 10 * STACK_SLOT - 64));
  for (let r = 1; r < 32; r++) {
    if (PTRS.includes(r) || r === 2) continue;
    if (rng.chance(0.7)) out.push(...li(r, rng.pick([0n, 1n, -1n, 0x7fffffffn, 0x80000000n, -(1n << 63n), (1n << 63n) - 1n, rng.u64(), BigInt(rng.range(-100, 100)), BigInt(DATA + rng.below(DATA_SIZE))])));
  }
  return out;
}

const reg = (r: Rng) => (r.chance(0.9) ? r.pick([0, 1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31]) : r.below(32));
const anyReg = (r: Rng) => r.below(32);
const base = (r: Rng) => (r.chance(0.9) ? r.pick(PTRS) : r.below(32));
const off12 = (r: Rng) => (r.chance(0.7) ? r.range(-64, 64) & ~(r.chance(0.8) ? 7 : 0) : r.range(-2048, 2047));
const fr = (r: Rng) => r.below(32);
const rm = (r: Rng) => r.weighted<number>([[6, 7], [6, r.range(0, 4)], [1, 5], [1, 6]]);

const TABLE_NRS = SYSCALLS.map((d) => d.nr).filter((n) => n !== 93 && n !== 94 && n !== 139 && n !== 221 && n !== 281);

/** one semi-valid instruction (or a short sequence: li a7 + ecall) */
function semiValid(r: Rng): number[] {
  const rd = reg(r);
  let k = r.below(20);
  if (k === 17 && r.chance(0.7)) k = 0; // fewer syscalls: most of them are noise here
  switch (k) {
    case 0: return [itype(r.range(-2048, 2047), anyReg(r), r.pick([0, 2, 3, 4, 6, 7]), rd, 0x13)];
    case 1: return [itype(r.below(64) | (r.chance(0.5) ? 0x400 : 0), anyReg(r), r.pick([1, 5]), rd, 0x13)];
    case 2: return [itype(r.chance(0.8) ? r.range(-2048, 2047) : r.below(32) | (r.chance(0.5) ? 0x400 : 0), anyReg(r), r.pick([0, 1, 5]), rd, 0x1b)];
    case 3: return [rtype(r.pick([0, 0x20, 1]), anyReg(r), anyReg(r), r.below(8), rd, 0x33)];
    case 4: return [rtype(r.pick([0, 0x20, 1]), anyReg(r), anyReg(r), r.pick([0, 1, 4, 5, 6, 7]), rd, 0x3b)];
    case 5: return [utype(r.u32() >>> 12, rd, r.pick([0x37, 0x17]))];
    case 6: return [itype(off12(r), base(r), r.pick([0, 1, 2, 3, 4, 5, 6]), rd, 0x03)];
    case 7: return [stype(off12(r), anyReg(r), base(r), r.below(4), 0x23)];
    case 8: {
      // AMO / LR / SC on a pointer register
      const f5 = r.pick([0, 1, 2, 3, 4, 8, 12, 16, 20, 24, 28]);
      const aq = r.below(4);
      return [rtype((f5 << 2) | aq, f5 === 2 ? 0 : anyReg(r), base(r), r.pick([2, 3]), rd, 0x2f)];
    }
    case 9: return [btype(2 * r.range(-24, 24), anyReg(r), anyReg(r), r.pick([0, 1, 4, 5, 6, 7]))];
    case 10: return [r.chance(0.7) ? jtype(2 * r.range(-32, 32), r.pick([0, 1, 5])) : itype(2 * r.range(-16, 16), r.pick([1, 5, 6]), 0, 0, 0x67)];
    case 11: return [itype(off12(r), base(r), r.pick([2, 3]), fr(r), 0x07)];
    case 12: return [stype(off12(r), fr(r), base(r), r.pick([2, 3]), 0x27)];
    case 13: {
      // OP-FP: arithmetic, sign injection, min/max, compare, class, conversions, moves
      const f7 = r.pick([0x00, 0x01, 0x04, 0x05, 0x08, 0x09, 0x0c, 0x0d, 0x2c, 0x2d, 0x10, 0x11, 0x14, 0x15, 0x50, 0x51, 0x60, 0x61, 0x68, 0x69, 0x70, 0x71, 0x78, 0x79, 0x20, 0x21]);
      const f3 = f7 === 0x10 || f7 === 0x11 ? r.below(3) : f7 === 0x14 || f7 === 0x15 ? r.below(2) : f7 === 0x50 || f7 === 0x51 ? r.below(3) : f7 >= 0x70 ? r.below(2) : rm(r);
      const rs2 = f7 === 0x60 || f7 === 0x61 || f7 === 0x68 || f7 === 0x69 ? r.below(4) : f7 === 0x20 ? 1 : f7 === 0x21 ? 0 : f7 === 0x2c || f7 === 0x2d || f7 >= 0x70 ? 0 : fr(r);
      return [rtype(f7, rs2, r.chance(0.5) ? fr(r) : anyReg(r), f3, r.chance(0.5) ? fr(r) : rd, 0x53)];
    }
    case 14: return [rtype((fr(r) << 2) | r.below(2), fr(r), fr(r), rm(r), fr(r), r.pick([0x43, 0x47, 0x4b, 0x4f]))];
    case 15: {
      const csr = r.pick([1, 2, 3, 0xc00, 0xc01, 0xc02, 0x300, 0x001, 0x7ff, r.below(4096)]);
      return [itype(((csr << 20) >> 20), r.chance(0.5) ? anyReg(r) : r.below(32), r.pick([1, 2, 3, 5, 6, 7]), rd, 0x73)];
    }
    case 16: return [r.pick([FENCE_I, 0x0ff0000f, 0x8330000f, 0x0000000f, EBREAK, 0x10500073, 0x30200073])];
    case 17: return [...li(A7, r.chance(0.95) ? r.pick(TABLE_NRS) : r.below(512)), ECALL];
    case 18: return [r.u32()];
    default: return [rtype(r.pick([0, 0x20, 1]), anyReg(r), anyReg(r), r.below(8), rd, r.pick([0x33, 0x3b]))];
  }
}

export interface InsnOptions {
  units: number;
}

export function genInsn(rng: Rng, opts: InsnOptions): InsnProgram {
  const heap = new Heap(rng);
  const pro = prologue(rng, heap);
  // data the loads see
  heap.put(rng.bytes(Math.min(0x18000, DATA_SIZE - (BLOBS - DATA) - 0x1000)));
  const units: InsnProgram["units"] = [];
  const rwx = rng.chance(0.3);
  while (units.length < opts.units) {
    const kind = rng.weighted<number>([[70, 0], [15, 1], [8, 2], [rwx ? 5 : 0, 3], [2, 4]]);
    if (kind === 0) for (const w of semiValid(rng)) units.push({ w, len: 4 });
    else if (kind === 1) {
      let h = rng.u32() & 0xffff;
      if ((h & 3) === 3) h &= ~1;
      units.push({ w: h, len: 2 });
    } else if (kind === 2) units.push({ w: rng.u32() | 3, len: 4 });
    else if (kind === 3) {
      // self-modifying: store a random word into code ahead and fence.i
      for (const w of li(A1, rng.u32() | 0)) units.push({ w, len: 4 });
      units.push({ w: stype(4 * rng.range(0, 64), A1, S6, 2, 0x23), len: 4 }, { w: FENCE_I, len: 4 });
    } else {
      // a syscall with pointer arguments into data
      for (const w of [...li(A0, rng.pick([0, 1, 2, -100, 3])), ...li(A1, DATA + 0x9000), ...li(A2, rng.range(0, 512)), ...li(A3, 0), ...li(A7, rng.pick(TABLE_NRS)), ECALL]) units.push({ w, len: 4 });
    }
  }
  return { kind: "insn", units, prologue: pro, blobs: heap.blobs, rwx };
}
