// What a fuzz case is (a list of syscalls with typed arguments, possibly forking into child task
// lists, or a stream of instructions) and how it becomes a static riscv64 ELF.

import {
  elf, words, li, ld, lw, sd, add, addi, beq, jal, ret, ECALL, NOP,
  ZERO, T0, A0, A2, A7, S1, S2, S3, ElfSegment,
} from "./asm.js";

// the guest's address space layout (all below the mmap area the kernel hands out)
export const CODE = 0x10000;
/** a handler that returns at once (jumped to with ra = the sigreturn trampoline) */
export const H_RET = CODE;
/** a handler that skips the instruction that faulted (pc in the ucontext += 4) */
export const H_SKIP = CODE + 8;
export const ENTRY = CODE + 0x40;
export const RO = 0x800000;
export const RO_SIZE = 0x2000;
export const DATA = 0x900000;
export const DATA_SIZE = 0x80000;
/** result slots: one u64 per call */
export const RES = DATA;
export const MAX_CALLS = 768;
/** arguments (structs, strings, buffers) start here */
export const BLOBS = DATA + MAX_CALLS * 8;
export const STACKS = 0xa00000;
export const STACK_SLOT = 0x8000;
export const STACK_SLOTS = 16;
/** addresses that are never mapped by the program itself */
export const HOLE = 0x700000;

export type Arg =
  /** an immediate, as decimal text (64-bit) */
  | { k: "i"; v: string }
  /** the result of call `i`, plus `add` */
  | { k: "r"; i: number; add?: number }
  /** a C int loaded from memory at run time (a timer id or fd a call stored there) */
  | { k: "m"; a: number };

export interface Call {
  /** the result slot, unique in the program */
  id: number;
  nr: number;
  args: Arg[];
  /** code the new task runs when this call returns 0 in it (fork, clone, clone3) */
  child?: Call[];
  /** how that child ends: exit (93, the thread) or exit_group (94) */
  childExit?: number;
}

export interface Blob {
  addr: number;
  bytes: Uint8Array;
}

export interface SysProgram {
  kind: "sys";
  calls: Call[];
  blobs: Blob[];
  ro: Uint8Array;
}

export interface InsnProgram {
  kind: "insn";
  /** instruction units: 16-bit (compressed) values below 0x10000 with low bits != 3, else 32-bit words */
  units: { w: number; len: 2 | 4 }[];
  /** the prologue loading registers and installing handlers */
  prologue: number[];
  blobs: Blob[];
  /** code segment writable (self-modifying code) */
  rwx: boolean;
}

export type Program = SysProgram | InsnProgram;

/** every call of a program, children included, in slot order */
export function allCalls(calls: Call[], out: Call[] = []): Call[] {
  for (const c of calls) {
    out.push(c);
    if (c.child) allCalls(c.child, out);
  }
  return out;
}

const big = (a: Arg): bigint => (a.k === "i" ? BigInt(a.v) : 0n);

function slot(id: number): [number, number] {
  const o = id * 8;
  if (o < 2048) return [S1, o];
  if (o < 4096) return [S2, o - 2048];
  return [S3, o - 4096];
}

function loadArg(out: number[], rd: number, a: Arg): void {
  if (a.k === "i") out.push(...li(rd, big(a)));
  else if (a.k === "r") {
    const [base, off] = slot(a.i);
    out.push(ld(rd, base, off));
    if (a.add) out.push(...li(T0, a.add), add(rd, rd, T0));
  } else {
    out.push(...li(T0, a.a), lw(rd, T0, 0));
  }
}

function emitCalls(out: number[], calls: Call[]): void {
  for (const c of calls) {
    c.args.forEach((a, j) => loadArg(out, A0 + j, a));
    out.push(...li(A7, c.nr), ECALL);
    const [base, off] = slot(c.id);
    out.push(sd(A0, base, off));
    if (c.child) {
      out.push(beq(A0, ZERO, 8));
      const at = out.length;
      out.push(0);
      emitCalls(out, c.child);
      out.push(...li(A0, 0), ...li(A7, c.childExit ?? 94), ECALL);
      out[at] = jal(ZERO, (out.length - at) * 4);
    }
  }
}

/** the two signal handler stubs at CODE, padding up to ENTRY */
function stubs(): number[] {
  const s = [ret(), NOP, ld(T0, A2, 176), addi(T0, T0, 4), sd(T0, A2, 176), ret()];
  while (s.length < (ENTRY - CODE) / 4) s.push(NOP);
  return s;
}

function dataSegment(blobs: Blob[]): Uint8Array {
  let end = BLOBS;
  for (const b of blobs) end = Math.max(end, b.addr + b.bytes.length);
  const d = new Uint8Array(Math.min(end - DATA, DATA_SIZE));
  for (const b of blobs) if (b.addr + b.bytes.length <= DATA + DATA_SIZE) d.set(b.bytes, b.addr - DATA);
  return d;
}

export function buildSys(p: SysProgram): Uint8Array {
  const code = stubs();
  code.push(...li(S1, RES), ...li(S2, RES + 2048), ...li(S3, RES + 4096));
  emitCalls(code, p.calls);
  code.push(...li(A0, 0), ...li(A7, 94), ECALL);
  return elf(ENTRY, [
    { vaddr: CODE, flags: 5, data: words(code), memsz: 0 },
    { vaddr: RO, flags: 4, data: p.ro, memsz: RO_SIZE },
    { vaddr: DATA, flags: 6, data: dataSegment(p.blobs), memsz: DATA_SIZE },
    { vaddr: STACKS, flags: 6, data: new Uint8Array(0), memsz: STACK_SLOT * STACK_SLOTS },
  ]);
}

export function buildInsn(p: InsnProgram): Uint8Array {
  const head = stubs().concat(p.prologue);
  const bytes: number[] = [];
  const push32 = (w: number) => bytes.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
  for (const w of head) push32(w);
  for (const u of p.units) {
    if (u.len === 2) bytes.push(u.w & 0xff, (u.w >>> 8) & 0xff);
    else push32(u.w);
  }
  if (bytes.length % 4) bytes.push(0x01, 0x00); // c.nop
  for (const w of [...li(A0, 0), ...li(A7, 94), ECALL]) push32(w);
  const segs: ElfSegment[] = [
    { vaddr: CODE, flags: p.rwx ? 7 : 5, data: new Uint8Array(bytes), memsz: 0 },
    { vaddr: DATA, flags: 6, data: dataSegment(p.blobs), memsz: DATA_SIZE },
    { vaddr: STACKS, flags: 6, data: new Uint8Array(0), memsz: STACK_SLOT * STACK_SLOTS },
  ];
  return elf(ENTRY, segs);
}

export function build(p: Program): Uint8Array {
  return p.kind === "sys" ? buildSys(p) : buildInsn(p);
}

/** JSON-safe form of a program (Uint8Arrays as base64) for the reproducer's comment and replays */
export function programJson(p: Program): string {
  return JSON.stringify(p, (_k, v) => (v instanceof Uint8Array ? { b64: Buffer.from(v).toString("base64") } : v));
}

export function programFromJson(s: string): Program {
  return JSON.parse(s, (_k, v) => (v && typeof v === "object" && typeof v.b64 === "string" ? new Uint8Array(Buffer.from(v.b64, "base64")) : v));
}
