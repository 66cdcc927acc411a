// The one definition of RV64GC's user-level instructions: what each decoded op computes, as
// small JavaScript expression templates over int32 halves. Both execution paths are generated
// from this table: the interpreter (interp.gen.ts, written by scripts/gen-cpu.mjs from
// gen-interp.ts) and the translator (jit.ts, at run time). Nothing else says what an ADD does.
//
// Template tokens (replaced by each backend with locals, array reads or constants):
//   $al $ah   rs1's low and high 32 bits (int32)      $bl $bh   rs2's
//   $i        the decoded immediate (int32)           $ih       its sign word, $i >> 31
//   $pc       the instruction's address (a number below 2^53)
//   $lo       in a `hi` template: the result's low word, already computed
//   $v $vh    in a load: the loaded bytes, zero-extended (low word, high word)
// Helpers a template may call: A.* and o (arith64.ts: the result pair of A's functions) and
// mulhu32. A template must read its operands before anything is written (backends store rd
// after evaluating both halves), and must not allocate.

import { Op } from "./decode.js";

export type Kind =
  | "alu" // rd = (lo, hi)
  | "load" // rd (an f register if fp) = (lo, hi) of the `size` bytes at rs1 + imm
  | "store" // the `size` low bytes of rs2 (an f register if fp) to rs1 + imm
  | "branch" // if cond: pc += imm
  | "jal" // rd = pc + len; pc += imm
  | "jalr" // rd = pc + len; pc = (rs1 + imm) & ~1
  | "nop"
  | "system"; // executed by a hart method (both backends call the same one)

export interface Def {
  op: Op;
  name: string;
  kind: Kind;
  /** alu/load: the result's low word */
  lo?: string;
  /** alu/load: the result's high word; may use $lo */
  hi?: string;
  /** alu: a statement run first (a call leaving its result in o) */
  pre?: string;
  /** branch: the condition for taking it */
  cond?: string;
  /** load/store: bytes accessed */
  size?: 1 | 2 | 4 | 8;
  /** load/store: the register is an f register */
  fp?: boolean;
}

const CARRY = "(($lo >>> 0) < ($al >>> 0) ? 1 : 0)";
const SEXT = "$lo >> 31";
const LT = "$ah < $bh || ($ah === $bh && ($al >>> 0) < ($bl >>> 0))";
const LTU = "($ah >>> 0) < ($bh >>> 0) || ($ah === $bh && ($al >>> 0) < ($bl >>> 0))";

const alu = (op: Op, name: string, lo: string, hi: string, pre?: string): Def => ({ op, name, kind: "alu", lo, hi, pre });
/** a 32-bit result, sign-extended (the W instructions) */
const w = (op: Op, name: string, lo: string): Def => alu(op, name, lo, SEXT);
/** a call of an arith64.ts function that leaves the result in o */
const call = (op: Op, name: string, pre: string): Def => alu(op, name, "o[0]", "o[1]", pre);
const load = (op: Op, name: string, size: 1 | 2 | 4 | 8, lo: string, hi: string, fp = false): Def => ({ op, name, kind: "load", size, lo, hi, fp });
const store = (op: Op, name: string, size: 1 | 2 | 4 | 8, fp = false): Def => ({ op, name, kind: "store", size, fp });
const branch = (op: Op, name: string, cond: string): Def => ({ op, name, kind: "branch", cond });
const sys = (op: Op, name: string): Def => ({ op, name, kind: "system" });

export const ISA: readonly Def[] = [
  alu(Op.LUI, "lui", "$i", "$ih"),
  alu(Op.LI, "li", "$i", "$ih"), // addi rd, x0, imm
  alu(Op.MV, "mv", "$al", "$ah"), // addi rd, rs, 0
  alu(Op.AUIPC, "auipc", "($pc + $i) | 0", "Math.floor(($pc + $i) / 4294967296) | 0"),
  alu(Op.ADDI, "addi", "($al + $i) | 0", `($ah + $ih + ${CARRY}) | 0`),
  alu(Op.SLTI, "slti", "$ah < $ih || ($ah === $ih && ($al >>> 0) < ($i >>> 0)) ? 1 : 0", "0"),
  alu(Op.SLTIU, "sltiu", "($ah >>> 0) < ($ih >>> 0) || ($ah === $ih && ($al >>> 0) < ($i >>> 0)) ? 1 : 0", "0"),
  alu(Op.XORI, "xori", "$al ^ $i", "$ah ^ $ih"),
  alu(Op.ORI, "ori", "$al | $i", "$ah | $ih"),
  alu(Op.ANDI, "andi", "$al & $i", "$ah & $ih"),
  // shifts by an immediate below 32 (the decoder gives 32..63 their own ops); `x >>> 1 >>> (31 - s)`
  // is x >>> (32 - s) without JS's shift-count masking at s = 0
  alu(Op.SLLI, "slli", "$al << $i", "($ah << $i) | (($al >>> 1) >>> (31 - $i))"),
  alu(Op.SRLI, "srli", "($al >>> $i) | (($ah << 1) << (31 - $i))", "($ah >>> $i) | 0"),
  alu(Op.SRAI, "srai", "($al >>> $i) | (($ah << 1) << (31 - $i))", "$ah >> $i"),
  alu(Op.SLLI32, "slli", "0", "$al << ($i - 32)"),
  alu(Op.SRLI32, "srli", "($ah >>> ($i - 32)) | 0", "0"),
  alu(Op.SRAI32, "srai", "$ah >> ($i - 32)", "$ah >> 31"),
  alu(Op.ADD, "add", "($al + $bl) | 0", `($ah + $bh + ${CARRY}) | 0`),
  alu(Op.SUB, "sub", "($al - $bl) | 0", "($ah - $bh - (($al >>> 0) < ($bl >>> 0) ? 1 : 0)) | 0"),
  // register shifts: JS masks shift counts to 5 bits, bit 5 of rs2 picks the half; ~s is 31 - s mod 32
  alu(Op.SLL, "sll", "$bl & 32 ? 0 : $al << $bl", "$bl & 32 ? $al << $bl : ($ah << $bl) | (($al >>> 1) >>> ~$bl)"),
  alu(Op.SRL, "srl", "$bl & 32 ? ($ah >>> $bl) | 0 : ($al >>> $bl) | (($ah << 1) << ~$bl)", "$bl & 32 ? 0 : ($ah >>> $bl) | 0"),
  alu(Op.SRA, "sra", "$bl & 32 ? $ah >> $bl : ($al >>> $bl) | (($ah << 1) << ~$bl)", "$bl & 32 ? $ah >> 31 : $ah >> $bl"),
  alu(Op.SLT, "slt", `${LT} ? 1 : 0`, "0"),
  alu(Op.SLTU, "sltu", `${LTU} ? 1 : 0`, "0"),
  alu(Op.XOR, "xor", "$al ^ $bl", "$ah ^ $bh"),
  alu(Op.OR, "or", "$al | $bl", "$ah | $bh"),
  alu(Op.AND, "and", "$al & $bl", "$ah & $bh"),
  w(Op.ADDIW, "addiw", "($al + $i) | 0"),
  w(Op.SLLIW, "slliw", "$al << $i"),
  w(Op.SRLIW, "srliw", "($al >>> $i) | 0"),
  w(Op.SRAIW, "sraiw", "$al >> $i"),
  w(Op.ADDW, "addw", "($al + $bl) | 0"),
  w(Op.SUBW, "subw", "($al - $bl) | 0"),
  w(Op.SLLW, "sllw", "$al << $bl"),
  w(Op.SRLW, "srlw", "($al >>> $bl) | 0"),
  w(Op.SRAW, "sraw", "$al >> $bl"),
  // M
  alu(Op.MUL, "mul", "Math.imul($al, $bl)", "(mulhu32($al, $bl) + Math.imul($al, $bh) + Math.imul($ah, $bl)) | 0"),
  call(Op.MULH, "mulh", "A.mulh($al, $ah, $bl, $bh);"),
  call(Op.MULHSU, "mulhsu", "A.mulhsu($al, $ah, $bl, $bh);"),
  call(Op.MULHU, "mulhu", "A.mulhu($al, $ah, $bl, $bh);"),
  call(Op.DIV, "div", "A.div($al, $ah, $bl, $bh, false);"),
  call(Op.DIVU, "divu", "A.divu($al, $ah, $bl, $bh, false);"),
  call(Op.REM, "rem", "A.div($al, $ah, $bl, $bh, true);"),
  call(Op.REMU, "remu", "A.divu($al, $ah, $bl, $bh, true);"),
  w(Op.MULW, "mulw", "Math.imul($al, $bl)"),
  w(Op.DIVW, "divw", "A.divw($al, $bl, false)"),
  w(Op.DIVUW, "divuw", "A.divuw($al, $bl, false)"),
  w(Op.REMW, "remw", "A.divw($al, $bl, true)"),
  w(Op.REMUW, "remuw", "A.divuw($al, $bl, true)"),
  // loads: $v holds the bytes zero-extended
  load(Op.LB, "lb", 1, "($v << 24) >> 24", SEXT),
  load(Op.LBU, "lbu", 1, "$v", "0"),
  load(Op.LH, "lh", 2, "($v << 16) >> 16", SEXT),
  load(Op.LHU, "lhu", 2, "$v", "0"),
  load(Op.LW, "lw", 4, "$v", SEXT),
  load(Op.LWU, "lwu", 4, "$v", "0"),
  load(Op.LD, "ld", 8, "$v", "$vh"),
  load(Op.FLW, "flw", 4, "$v", "-1", true), // NaN-boxed
  load(Op.FLD, "fld", 8, "$v", "$vh", true),
  store(Op.SB, "sb", 1),
  store(Op.SH, "sh", 2),
  store(Op.SW, "sw", 4),
  store(Op.SD, "sd", 8),
  store(Op.FSW, "fsw", 4, true),
  store(Op.FSD, "fsd", 8, true),
  branch(Op.BEQ, "beq", "$al === $bl && $ah === $bh"),
  branch(Op.BNE, "bne", "$al !== $bl || $ah !== $bh"),
  branch(Op.BLT, "blt", LT),
  branch(Op.BGE, "bge", `!(${LT})`),
  branch(Op.BLTU, "bltu", LTU),
  branch(Op.BGEU, "bgeu", `!(${LTU})`),
  { op: Op.JAL, name: "jal", kind: "jal" },
  { op: Op.JALR, name: "jalr", kind: "jalr" },
  { op: Op.FENCE, name: "fence", kind: "nop" },
  { op: Op.FENCE_I, name: "fence.i", kind: "nop" },
  // hart methods: see Hart.system (ecall/ebreak end the run; CSRs need the exact instret)
  sys(Op.ECALL, "ecall"),
  sys(Op.EBREAK, "ebreak"),
  sys(Op.CSRRW, "csrrw"),
  sys(Op.CSRRS, "csrrs"),
  sys(Op.CSRRC, "csrrc"),
  sys(Op.CSRRWI, "csrrwi"),
  sys(Op.CSRRSI, "csrrsi"),
  sys(Op.CSRRCI, "csrrci"),
  sys(Op.LR_W, "lr.w"),
  sys(Op.LR_D, "lr.d"),
  sys(Op.SC_W, "sc.w"),
  sys(Op.SC_D, "sc.d"),
  sys(Op.AMO_W, "amo*.w"),
  sys(Op.AMO_D, "amo*.d"),
  sys(Op.FP, "F/D arithmetic"),
];

/** the definition of each op, by op number */
export const DEF: (Def | undefined)[] = [];
for (const d of ISA) DEF[d.op] = d;

/** the registers a template reads: a = rs1, b = rs2 */
export const reads = (d: Def, which: "a" | "b"): boolean =>
  [d.lo, d.hi, d.pre, d.cond].some((t) => t !== undefined && t.includes("$" + which));

/** replace a template's tokens; `map` gives each token's text */
export function expand(t: string, map: Record<string, string>): string {
  return t.replace(/\$(al|ah|bl|bh|ih|i|pc|lo|vh|v)\b/g, (_, k: string) => {
    const s = map[k];
    if (s === undefined) throw new Error(`isa: no value for $${k} in ${t}`);
    return s;
  });
}
