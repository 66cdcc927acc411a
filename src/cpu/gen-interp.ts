// Writes the interpreter (interp.gen.ts) from the instruction table (isa.ts): the loop around
// the cases below is fixed, every case comes from the instruction's one definition.
// `node scripts/gen-cpu.mjs` runs this and writes the file; test/isa.test.ts checks that the
// committed file is what this produces.

import { DEF, Def, ISA, expand, reads } from "./isa.js";
import { RESUME } from "./jit.js";
import { Op } from "./decode.js";

/** operand texts of the interpreter: registers from x[], the immediate from the slot */
const MAP: Record<string, string> = { al: "al", ah: "ah", bl: "bl", bh: "bh", i: "imm", ih: "(imm >> 31)", pc: "(base + off)", lo: "lo", v: "v", vh: "vh" };
const RD = "rd = (w >>> 11) & 127;";
const RA = "a = (w >>> 18) & 63;";
const RB = "b = w >>> 24;";

function operands(d: Def): string[] {
  const s: string[] = [];
  if (reads(d, "a")) s.push(RA, "al = x[a];", "ah = x[a + 1];");
  if (reads(d, "b")) s.push(RB, "bl = x[b];", "bh = x[b + 1];");
  return s;
}

/** the effective address rs1 + imm into l (low word) and hi, and its TLB slot t */
const ADDR = [
  RA,
  "l0 = x[a];",
  "l = (l0 + imm) | 0;",
  "hi = (x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;",
  "t = (l >>> 12) & 255;",
];
const ALIGN = { 1: "", 2: " && (l & 1) === 0", 4: " && (l & 3) === 0", 8: " && (l & 7) === 0" };
const FAULT = "{ exit = EXIT_FAULT; pc = base + off; break outer; }";

function body(d: Def): string[] {
  switch (d.kind) {
    case "alu": {
      const s = [RD, ...operands(d)];
      if (d.pre) s.push(expand(d.pre, MAP));
      s.push(`lo = ${expand(d.lo!, MAP)};`, `x[rd + 1] = ${expand(d.hi!, MAP)};`, "x[rd] = lo;", "break;");
      return s;
    }
    case "load": {
      const size = d.size!;
      const o = "rOff[t] + (l & 4095)";
      const fast =
        size === 1 ? `v = u8s[rChunk[t]][${o}];`
        : size === 2 ? `v = u16s[rChunk[t]][(${o}) >> 1];`
        : size === 4 ? `v = i32s[rChunk[t]][(${o}) >> 2];`
        : `i = (${o}) >> 2; v = i32s[rChunk[t]][i]; vh = i32s[rChunk[t]][i + 1];`;
      const dst = d.fp ? "f" : "x";
      return [
        RD,
        ...ADDR,
        `if (rTagLo[t] === l >>> 12 && rTagHi[t] === hi${ALIGN[size]}) { ${fast} }`,
        `else { if (!cpu.loadSlow(l, hi, ${size})) ${FAULT} v = cpu.vLo;${size === 8 ? " vh = cpu.vHi;" : ""} }`,
        `lo = ${expand(d.lo!, MAP)};`,
        `${dst}[rd + 1] = ${expand(d.hi!, MAP)};`,
        `${dst}[rd] = lo;`,
        "break;",
      ];
    }
    case "store": {
      const size = d.size!;
      const src = d.fp ? "f" : "x";
      const o = "wOff[t] + (l & 4095)";
      const fast =
        size === 1 ? `u8s[wChunk[t]][${o}] = ${src}[b];`
        : size === 2 ? `u16s[wChunk[t]][(${o}) >> 1] = ${src}[b];`
        : size === 4 ? `i32s[wChunk[t]][(${o}) >> 2] = ${src}[b];`
        : `i = (${o}) >> 2; i32s[wChunk[t]][i] = ${src}[b]; i32s[wChunk[t]][i + 1] = ${src}[b + 1];`;
      return [
        ...ADDR,
        RB,
        `if (wTagLo[t] === l >>> 12 && wTagHi[t] === hi${ALIGN[size]}) { ${fast} }`,
        "else {",
        `  if (!cpu.storeSlow(l, hi, ${size}, ${src}[b], ${src}[b + 1])) ${FAULT}`,
        "  // the store dropped decoded code: maybe this page's, so fetch the next instruction afresh",
        "  if (cpu.codeStale) { pc = base + off + ((w >>> 8) & 7); continue outer; }",
        "}",
        "break;",
      ];
    }
    case "branch":
      return [
        ...operands(d),
        `if (${expand(d.cond!, MAP)}) {`,
        "  off += imm;",
        "  if (off >>> 0 >= 4096) { pc = base + off; continue outer; }",
        "  jumped = jit;",
        "  continue;",
        "}",
        "break;",
      ];
    case "jal":
      return [
        RD,
        "l = (baseLo + off + ((w >>> 8) & 7)) | 0;",
        "x[rd] = l;",
        "x[rd + 1] = (l >>> 0) < (baseLo >>> 0) ? (baseHi + 1) | 0 : baseHi; // the page's last word may link to the next 4 GiB",
        "off += imm;",
        "if (off >>> 0 >= 4096) { pc = base + off; continue outer; }",
        "jumped = jit;",
        "continue;",
      ];
    case "jalr":
      return [
        RD,
        RA,
        "l0 = x[a];",
        "l = (l0 + imm) | 0;",
        "pc = ((x[a + 1] + (imm >> 31) + ((l >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0) * 4294967296 + ((l & -2) >>> 0);",
        "// the target is computed before the link is written: rd may be rs1",
        "l = (baseLo + off + ((w >>> 8) & 7)) | 0;",
        "x[rd] = l;",
        "x[rd + 1] = (l >>> 0) < (baseLo >>> 0) ? (baseHi + 1) | 0 : baseHi;",
        "if (pc >= base && pc < base + 4096 && code !== scratch) { off = pc - base; jumped = jit; continue; }",
        "continue outer;",
      ];
    case "nop":
      return ["break;"];
    case "system":
      return [];
  }
}

const indent = (lines: string[], n: number) => lines.map((l) => " ".repeat(n) + l).join("\n");

/** the TypeScript source of interp.gen.ts */
export function interpreterSource(): string {
  const cases: string[] = [];
  const system: Def[] = [];
  for (const d of ISA) {
    if (d.kind === "system") {
      system.push(d);
      continue;
    }
    cases.push(`        case ${d.op}: { // ${d.name}\n${indent(body(d), 10)}\n        }`);
  }
  const sysLabels = system.map((d) => `        case ${d.op}: // ${d.name}`).join("\n");
  if (DEF[Op.PAGE_END] || DEF[Op.CROSS] || DEF[Op.ILLEGAL]) throw new Error("gen: control ops have no definition");
  return `// GENERATED by scripts/gen-cpu.mjs from src/cpu/isa.ts (the loop: src/cpu/gen-interp.ts). Do not edit.
//
// The RV64GC interpreter: runs one task's registers until the budget runs out or the task needs
// the kernel. Pre-decoded slots (decode.ts), a 256-entry software TLB for loads and another for
// stores, 64-bit registers as int32 halves, nothing allocated per instruction. Arrivals by a jump
// go through the hart, which counts them and runs translated regions (jit.ts).

import type { Hart } from "./hart.js";
import type { Regs } from "./regs.js";
import * as A from "./arith64.js";

const o = A.out;
const mulhu32 = A.mulhu32;
const EXIT_BUDGET = 0;
const EXIT_FAULT = 2;
const EXIT_ILLEGAL = 3;

/** Run until the budget is spent or the kernel is needed; returns EXIT_*. r.pc is the pc of the
 *  instruction that exited (ecall, faulting or illegal instruction) or of the next one. */
export function interpret(cpu: Hart, r: Regs, budget: number): number {
  const x = r.x;
  const f = r.f;
  const pool = cpu.pool;
  const u8s = pool.u8;
  const u16s = pool.u16;
  const i32s = pool.i32;
  const rTagLo = cpu.rTagLo;
  const rTagHi = cpu.rTagHi;
  const rChunk = cpu.rChunk;
  const rOff = cpu.rOff;
  const wTagLo = cpu.wTagLo;
  const wTagHi = cpu.wTagHi;
  const wChunk = cpu.wChunk;
  const wOff = cpu.wOff;
  const scratch = cpu.scratch;
  let n = budget;
  let pc = r.pc;
  let exit = EXIT_BUDGET;
  let resumed = false;
  // the cases' temporaries, declared once (a const per case would give the function hundreds of
  // registers, which V8 compiles and runs slower)
  let rd = 0, a = 0, b = 0, al = 0, ah = 0, bl = 0, bh = 0, lo = 0;
  let l0 = 0, l = 0, hi = 0, t = 0, i = 0, v = 0, vh = 0;
  outer: for (;;) {
    // pc < 2^53: the low 12 bits survive ToInt32, and a float modulo would be a libm call
    let off = pc & 4095;
    let base = pc - off;
    let baseLo = base | 0;
    let baseHi = Math.floor(base / 4294967296) | 0;
    let code = cpu.fetchPage(pc);
    if (code === null) {
      exit = EXIT_FAULT;
      break;
    }
    /** translation is on for this page: arrivals by a jump are counted */
    let jit = cpu.jitOn;
    let jumped = jit && !resumed;
    resumed = false;
    for (;;) {
      if (jumped) {
        jumped = false;
        const e = cpu.arrive(r, code, base, off, n);
        if (e !== -2) {
          // a translation ran: it left the remaining budget and the next pc in the hart
          n = cpu.jn;
          pc = cpu.jpc;
          if (e >= 0) {
            exit = e;
            break outer;
          }
          // RESUME: the translation left the instruction at pc to us (a TLB miss), not a jump
          resumed = e === ${RESUME};
          continue outer;
        }
      }
      if (--n < 0) {
        n = 0;
        pc = base + off;
        break outer;
      }
      // slot off >> 1, two words per slot
      let w = code[off];
      if (w === 0) {
        cpu.decodeSlot(code, off);
        w = code[off];
      }
      const imm = code[off + 1];
      switch (w & 0xff) {
${cases.join("\n")}
${sysLabels}
        {
          const e = cpu.system(r, w, imm, budget - n);
          if (e >= 0) {
            exit = e;
            pc = base + off;
            break outer;
          }
          break;
        }
        case ${Op.PAGE_END}: // past the page's last slot: not an instruction
          n++;
          pc = base + off;
          continue outer;
        case ${Op.CROSS}: { // a 32-bit instruction straddling two pages: run it from the scratch page
          const p = base + off;
          const sc = cpu.crossPage(p);
          if (sc === null) {
            exit = EXIT_FAULT;
            pc = p;
            break outer;
          }
          n++;
          // every other slot of the scratch page is PAGE_END: whatever follows leaves it
          code = sc;
          base = p;
          baseLo = base | 0;
          baseHi = Math.floor(base / 4294967296) | 0;
          off = 0;
          jit = false;
          continue;
        }
        default:
          exit = EXIT_ILLEGAL;
          pc = base + off;
          break outer;
      }
      off += (w >>> 8) & 7;
    }
  }
  x[64] = 0;
  x[65] = 0;
  cpu.executed = budget - n;
  r.instret += budget - n;
  r.pc = pc;
  return exit;
}
`;
}
