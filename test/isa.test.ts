// The instruction table (src/cpu/isa.ts) drives both the interpreter (interp.gen.ts, generated)
// and the translator (jit.ts): check that the generated interpreter is current, then run every
// instruction, from random encodings with random operands, once interpreted and once translated,
// and compare everything (registers, memory, pc, exit, count); integer results are also checked
// against a BigInt model of the RISC-V spec written here, independently of the templates.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Hart } from "../src/cpu/hart.js";
import { Regs } from "../src/cpu/regs.js";
import { DEF, ISA } from "../src/cpu/isa.js";
import { wasmCovers } from "../src/cpu/wasm-jit.js";
import { interpreterSource } from "../src/cpu/gen-interp.js";
import { Op, newCodePage, decodeInto, opOf, rdOfSlot, rs1OfSlot, rs2OfSlot } from "../src/cpu/decode.js";
import { FramePool } from "../src/mm/frames.js";
import { TablePool } from "../src/mm/pagetable.js";
import { Mm, PROT_EXEC, PROT_READ, PROT_WRITE } from "../src/mm/mm.js";
import { ROOT } from "./lib/run.js";

test("src/cpu/interp.gen.ts is what scripts/gen-cpu.mjs writes from src/cpu/isa.ts", () => {
  const committed = fs.readFileSync(path.join(ROOT, "src/cpu/interp.gen.ts"), "utf8");
  assert.ok(committed === interpreterSource(), "stale: run node scripts/gen-cpu.mjs");
});

// ---- random encodings of every op ----

let seed = 0x12345678;
function rnd(): number {
  // xorshift32: the same sequence every run
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed | 0;
}

/** decode one word (or halfword) into a fresh page: [op, first slot word, imm] */
function decodeWord(lo16: number, hi16: number): [number, number, number] {
  const page = newCodePage();
  decodeInto(page, 0, lo16, hi16);
  return [opOf(page[0]), page[0], page[1]];
}

const MAJOR = [0x37, 0x17, 0x6f, 0x67, 0x63, 0x03, 0x23, 0x13, 0x1b, 0x33, 0x3b, 0x0f, 0x73, 0x2f, 0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f, 0x53];
const PER_OP = 12;
/** op -> encodings (32-bit words, or 16-bit for compressed ones) */
const samples = new Map<number, number[]>();
for (let k = 0; k < 400000; k++) {
  const compressed = k % 4 === 3;
  const word = compressed ? rnd() & 0xffff : ((rnd() & ~0x7f) | MAJOR[(rnd() >>> 0) % MAJOR.length]) | 0;
  if (compressed && (word & 3) === 3) continue;
  const [op] = decodeWord(word & 0xffff, word >>> 16);
  const list = samples.get(op) ?? [];
  if (list.length < PER_OP) list.push(word);
  samples.set(op, list);
}

samples.set(Op.ECALL, [0x73]);
samples.set(Op.EBREAK, [0x100073]);

test("random encodings reach every op of the table", () => {
  for (const d of ISA) assert.ok((samples.get(d.op) ?? []).length > 0, `no encoding decodes to ${d.name}`);
});

// ---- one instruction on two harts ----

const CODE = 0x40000;
const DATA = 0x80000;

function machine(jit: number, backend: "js" | "wasm" = "js"): { hart: Hart; mm: Mm; r: Regs } {
  const pool = new FramePool(64, backend === "wasm");
  const hart = new Hart(pool);
  hart.jitThreshold = jit;
  hart.jitBackend = backend;
  const mm = new Mm(pool, new TablePool());
  mm.map(CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, false, null, 0, "code");
  mm.map(DATA, 8192, PROT_READ | PROT_WRITE, false, null, 0, "data");
  return { hart, mm, r: new Regs() };
}

const X64 = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const S64 = (v: bigint) => BigInt.asIntN(64, v);
const U64 = (v: bigint) => BigInt.asUintN(64, v);
const S32 = (v: bigint) => BigInt.asIntN(32, v);

/** the spec's result of an integer op (rd), from rs1, rs2 (unsigned 64-bit), imm and pc */
function reference(op: number, a: bigint, b: bigint, imm: number, pc: number): bigint | undefined {
  const i = BigInt(imm);
  const sa = S64(a), sb = S64(b);
  const w = (v: bigint) => U64(S32(v));
  const sh = Number(b & 63n), shw = Number(b & 31n);
  switch (op) {
    case Op.LUI: case Op.LI: return U64(i);
    case Op.MV: return a;
    case Op.AUIPC: return U64(BigInt(pc) + i);
    case Op.ADDI: return U64(a + i);
    case Op.SLTI: return sa < i ? 1n : 0n;
    case Op.SLTIU: return a < U64(i) ? 1n : 0n;
    case Op.XORI: return U64(a ^ U64(i));
    case Op.ORI: return U64(a | U64(i));
    case Op.ANDI: return U64(a & U64(i));
    case Op.SLLI: case Op.SLLI32: return U64(a << i);
    case Op.SRLI: case Op.SRLI32: return a >> i;
    case Op.SRAI: case Op.SRAI32: return U64(sa >> i);
    case Op.ADD: return U64(a + b);
    case Op.SUB: return U64(a - b);
    case Op.SLL: return U64(a << BigInt(sh));
    case Op.SRL: return a >> BigInt(sh);
    case Op.SRA: return U64(sa >> BigInt(sh));
    case Op.SLT: return sa < sb ? 1n : 0n;
    case Op.SLTU: return a < b ? 1n : 0n;
    case Op.XOR: return a ^ b;
    case Op.OR: return a | b;
    case Op.AND: return a & b;
    case Op.ADDIW: return w(a + i);
    case Op.SLLIW: return w(a << i);
    case Op.SRLIW: return w((a & 0xffffffffn) >> i);
    case Op.SRAIW: return w(S32(a) >> i);
    case Op.ADDW: return w(a + b);
    case Op.SUBW: return w(a - b);
    case Op.SLLW: return w(a << BigInt(shw));
    case Op.SRLW: return w((a & 0xffffffffn) >> BigInt(shw));
    case Op.SRAW: return w(S32(a) >> BigInt(shw));
    case Op.MUL: return U64(a * b);
    case Op.MULH: return U64((sa * sb) >> 64n);
    case Op.MULHSU: return U64((sa * b) >> 64n);
    case Op.MULHU: return (a * b) >> 64n;
    case Op.DIV: return b === 0n ? U64(-1n) : sa === -(1n << 63n) && sb === -1n ? a : U64(sa / sb);
    case Op.DIVU: return b === 0n ? U64(-1n) : a / b;
    case Op.REM: return b === 0n ? a : sa === -(1n << 63n) && sb === -1n ? 0n : U64(sa % sb);
    case Op.REMU: return b === 0n ? a : a % b;
    case Op.MULW: return w(a * b);
    case Op.DIVW: { const x = S32(a), y = S32(b); return y === 0n ? U64(-1n) : x === -(1n << 31n) && y === -1n ? w(x) : w(x / y); }
    case Op.DIVUW: { const x = a & 0xffffffffn, y = b & 0xffffffffn; return y === 0n ? U64(-1n) : w(x / y); }
    case Op.REMW: { const x = S32(a), y = S32(b); return y === 0n ? w(x) : x === -(1n << 31n) && y === -1n ? 0n : w(x % y); }
    case Op.REMUW: { const x = a & 0xffffffffn, y = b & 0xffffffffn; return y === 0n ? w(x) : w(x % y); }
  }
  return undefined;
}

/** interesting register values: edges of signed/unsigned 32 and 64 bits, and random ones */
function value(): [number, number] {
  switch ((rnd() >>> 0) % 8) {
    case 0: return [0, 0];
    case 1: return [-1, -1];
    case 2: return [0, -0x80000000];
    case 3: return [-1, 0x7fffffff];
    case 4: return [rnd() & 63, 0];
    case 5: return [rnd(), rnd() >> 31];
    default: return [rnd(), rnd()];
  }
}

test("every instruction: the interpreter, both translators (JS and wasm) and the spec agree on random operands", () => {
  let runs = 0;
  let translated = 0;
  let checked = 0;
  let wasmRuns = 0;
  let wasmTranslated = 0;
  const machines = [machine(0), machine(1), machine(1, "wasm")];
  for (const d of ISA) {
    for (const word of samples.get(d.op) ?? []) {
      for (let trial = 0; trial < 4; trial++) {
        const compressed = (word & 3) !== 3;
        const [, slot, imm] = decodeWord(word & 0xffff, word >>> 16);
        const rd = rdOfSlot(slot), ra = rs1OfSlot(slot), rb = rs2OfSlot(slot);
        const regs = new Int32Array(64);
        for (let k = 2; k < 64; k += 2) [regs[k], regs[k + 1]] = value();
        const fregs = new Int32Array(64);
        for (let k = 0; k < 64; k++) fregs[k] = rnd();
        // memory operands: point rs1 into the data pages (sometimes misaligned)
        if (d.kind === "load" || d.kind === "store" || (d.kind === "system" && d.op >= Op.LR_W && d.op <= Op.AMO_D)) {
          const aligned = d.kind === "system" ? (d.op === Op.LR_D || d.op === Op.SC_D || d.op === Op.AMO_D ? 8 : 4) : 1;
          const target = DATA + 2048 + ((rnd() >>> 0) % 2048) * (trial === 0 ? aligned : 1);
          if (ra !== 0) {
            const v = target - (d.kind === "system" ? 0 : imm);
            regs[ra] = v | 0;
            regs[ra + 1] = Math.floor(v / 4294967296);
          }
        }
        const bytes = compressed ? [word & 0xff, (word >>> 8) & 0xff] : [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24];
        const data = new Uint8Array(8192);
        for (let k = 0; k < data.length; k++) data[k] = rnd() & 0xff;
        const outs = machines.map((m) => {
          const before = m.hart.jitStats.executed;
          assert.ok(m.mm.pokeForce(CODE, new Uint8Array(bytes)));
          assert.ok(m.mm.write(DATA, data));
          m.r.x.set(regs);
          m.r.x[64] = m.r.x[65] = 0;
          m.r.f.set(fregs);
          m.r.fcsr[1] = trial & 3;
          m.r.pc = CODE;
          const exit = m.hart.run(m.r, m.mm, 1);
          return { exit, pc: m.r.pc, x: [...m.r.x.slice(0, 64)], f: [...m.r.f], fcsr: [...m.r.fcsr], mem: m.mm.read(DATA, 8192)!, executed: m.hart.executed, jit: m.hart.jitStats.executed - before };
        });
        const [i, t, w] = outs;
        for (const [o, by] of [[t, "JS"], [w, "wasm"]] as const) {
          const what = `${d.name} (${(word >>> 0).toString(16)}) trial ${trial}, translated to ${by}`;
          assert.equal(o.exit, i.exit, what);
          assert.equal(o.pc, i.pc, what);
          assert.deepEqual(o.x, i.x, what);
          assert.deepEqual(o.f, i.f, what);
          assert.deepEqual(o.fcsr, i.fcsr, what);
          assert.ok(Buffer.from(o.mem).equals(Buffer.from(i.mem)), `${what}: memory`);
          assert.equal(o.executed, i.executed, what);
        }
        const what = `${d.name} (${(word >>> 0).toString(16)}) trial ${trial}`;
        translated += t.jit;
        if (wasmCovers(d.op)) {
          wasmRuns++;
          wasmTranslated += w.jit;
        }
        runs++;
        const ref = reference(d.op, X64(regs[ra], regs[ra + 1]), X64(regs[rb], regs[rb + 1]), imm, CODE);
        if (ref !== undefined && rd !== 64) {
          assert.equal(X64(i.x[rd], i.x[rd + 1]), ref, `${what}: against the spec`);
          checked++;
        }
      }
    }
  }
  assert.ok(runs > 1000);
  assert.ok(checked > 1000, `${checked} results checked against the spec`);
  assert.ok(translated > runs / 2, `${translated} of ${runs} instructions ran translated`);
  assert.ok(wasmTranslated > wasmRuns / 2, `${wasmTranslated} of ${wasmRuns} instructions the wasm backend covers ran translated to wasm`);
});

test("every op has a definition or is a control slot", () => {
  for (const op of [Op.PAGE_END, Op.CROSS, Op.ILLEGAL, Op.UNDECODED]) assert.equal(DEF[op], undefined);
});
