// Type feedback for the interpreter before the first guest instruction: a short program that
// reaches every case of interp.gen.ts (and the fast and slow path of every load and store) runs
// once per process on a private hart and address space.
//
// Why: V8 optimises a function with the feedback its earlier runs collected, and an optimised
// interpreter that meets a case it has never run deoptimises, goes back to V8's bytecode
// interpreter and is compiled again later, a cycle that cost esbuild-like programs (which keep
// meeting new instructions) most of their time. After this run every case has feedback.

import { Op, SLOT_WORDS, newCodePage, slotWord } from "./decode.js";
import { ISA } from "./isa.js";
import { Regs } from "./regs.js";
import type { Hart } from "./hart.js";
import { FramePool } from "../mm/frames.js";
import { TablePool } from "../mm/pagetable.js";
import { Mm, ACCESS_READ, ACCESS_WRITE, PROT_EXEC, PROT_READ, PROT_WRITE } from "../mm/mm.js";

const CODE = 0x10000;
const DATA = 0x20000;
/** a page in the same TLB slot as DATA */
const DATA2 = DATA + 256 * 4096;
const X = (r: number) => r << 1;
const PASSES = 40;
const PAIRS = [[X(6), X(7)], [X(7), X(6)], [X(7), X(7)], [0, X(6)]];

/** run the training program on `hart`, a fresh hart of its own (see Hart.run) */
export function warmUp(hart: Hart, pool: FramePool): void {
  const mm = new Mm(pool, new TablePool());
  mm.map(CODE, 2 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC, false, null, 0, "warmup");
  mm.map(DATA, 4096, PROT_READ | PROT_WRITE, false, null, 0, "warmup");
  mm.map(DATA2, 4096, PROT_READ | PROT_WRITE, false, null, 0, "warmup");
  // the bytes behind the page-straddling slot and the next page: addi x0, x0, 0 across the
  // boundary, then ecall; the second page is decoded from memory as any guest page is
  if (!mm.pokeForce(CODE + 4094, new Uint8Array([0x13, 0x00, 0x00, 0x00, 0x73, 0x00, 0x00, 0x00]))) return;
  const SB = (3 << 25) | (15 << 15) | (4 << 7) | 0x23; // sb x0, 100(x15)
  const RET = (16 << 15) | 0x67; // jalr x0, 0(x16)
  const BACK4 = (4 << 20) | (18 << 15) | 0x67; // jalr x0, 4(x18)
  const BACK = (18 << 15) | 0x67; // jalr x0, 0(x18)
  const CNOPS = 0x00010001; // c.nop; c.nop: compressed instructions decode through expandRvc
  if (!mm.pokeForce(CODE + 4096 + 16, new Uint8Array(new Int32Array([SB, CNOPS, RET, BACK4, BACK]).buffer))) return;
  const c0 = mm.frameFor(CODE, ACCESS_READ);
  if (c0 <= 0 || mm.frameFor(DATA, ACCESS_WRITE) <= 0) return;

  // the first code page, decoded by hand: every defined op, then a jump to a page-straddling
  // instruction whose second half starts the next page, which ends with a real ecall
  const page = newCodePage();
  let off = 0;
  const put = (op: number, rd: number, a: number, b: number, imm: number) => {
    page[off] = slotWord(op, 4, rd, a, b);
    page[off + 1] = imm;
    off += 2 * SLOT_WORDS;
  };
  const loop = off;
  for (const d of ISA) {
    switch (d.kind) {
      case "alu":
        // operand pairs that take every arm of the templates' conditionals
        for (const [a, b] of PAIRS) put(d.op, X(8), a, b, d.op === Op.SLLI32 || d.op === Op.SRLI32 || d.op === Op.SRAI32 ? 35 : 3);
        break;
      case "load":
      case "store": {
        // a TLB hit, a miss (x14's page evicts x5's), a misaligned access (the slow path too)
        const v = d.fp ? X(1) : d.kind === "load" ? X(8) : X(6);
        for (const [base, imm] of [[X(5), 8], [X(5), 8], [X(14), 8], [X(5), 9]]) {
          if (d.kind === "load") put(d.op, v, base, 0, imm);
          else put(d.op, 0, base, v, imm);
        }
        break;
      }
      case "branch":
        for (const [a, b] of PAIRS) put(d.op, 0, a, b, 4);
        break;
      case "jal":
        put(d.op, X(1), 0, 0, 4);
        break;
      case "jalr":
        put(d.op, X(1), X(11), 0, 0); // x11 holds the address of the next slot
        break;
      case "nop":
        put(d.op, 0, 0, 0, 0);
        break;
      case "system":
        if (d.op === Op.ECALL || d.op === Op.EBREAK) break;
        if (d.op === Op.FP) put(d.op, 0, 0, 0, (1 << 25) | (1 << 20) | (1 << 15) | (7 << 12) | (1 << 7) | 0x53); // fadd.d f1, f1, f1
        else if (d.op >= Op.CSRRW && d.op <= Op.CSRRCI) put(d.op, X(6), 0, 0, 3); // fcsr, rs1/zimm 0: a read
        else put(d.op, X(6), X(5), X(7), 0); // LR/SC, amoadd
        break;
    }
  }
  const jalrAt = page.indexOf(slotWord(Op.JALR, 4, X(1), X(11), 0));
  // a call into the second page, which is decoded from memory each time: its first instruction
  // stores into the page (dropping its decoded form), the second returns
  put(Op.JALR, X(16), X(17), 0, 0);
  // every branch and jal taken to the second page, which returns (leaving a page is its own path)
  for (const [op, a, b] of [[Op.BEQ, 0, 0], [Op.BNE, X(20), 0], [Op.BLT, X(20), 0], [Op.BGE, 0, X(20)], [Op.BLTU, 0, X(20)], [Op.BGEU, X(20), 0]]) {
    put(Op.JAL, X(18), 0, 0, 4); // x18 = the branch's address
    put(op, 0, a, b, 4096 + 28 - off);
  }
  put(Op.JAL, X(18), 0, 0, 4096 + 32 - off);
  // passes: V8 allocates a function's feedback vector only after it has run a while (bytecodes
  // in proportion to its size), so the first ~20 passes collect nothing; after that the first
  // access fills the TLBs through the slow paths and the next pass takes the fast ones
  // new operands each pass: large and small, both signs, both values of rs2's bit 5 (the
  // templates' conditional arms each need feedback)
  put(Op.MUL, X(6), X(6), X(12), 0);
  put(Op.ADDI, X(7), X(7), 0, 37);
  put(Op.ADDI, X(9), X(9), 0, -1);
  put(Op.BNE, 0, X(9), 0, loop - off);
  put(Op.JAL, 64, 0, 0, 4094 - off); // rd x0: the discard slot, as the decoder writes it
  page[4094] = slotWord(Op.CROSS, 4, 0, 0, 0);
  pool.code[c0] = page;

  const r = new Regs();
  r.x[X(5)] = DATA;
  r.x[X(6)] = 12345;
  r.x[X(7)] = -7;
  r.x[X(9)] = PASSES;
  r.x[X(14)] = DATA2;
  r.x[X(15)] = CODE + 4096;
  r.x[X(17)] = CODE + 4096 + 16;
  r.x[X(20)] = -1;
  r.x[X(20) + 1] = -1;
  r.x[X(12)] = 0x9e3779b9 | 0;
  r.x[X(12) + 1] = 0x7f4a7c15;
  r.x[X(11)] = CODE + jalrAt + 4;
  r.pc = CODE;
  hart.run(r, mm, 100000);
  // an unmapped load, an illegal instruction
  put(Op.LW, X(6), 0, 0, 0);
  put(Op.ILLEGAL, 0, 0, 0, 0);
  r.pc = CODE + off - 8;
  hart.run(r, mm, 10);
  r.pc = CODE + off - 4;
  hart.run(r, mm, 10);
  mm.put();
}
