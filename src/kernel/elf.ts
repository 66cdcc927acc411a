// ELF64 headers and the initial stack (Linux: fs/binfmt_elf.c's load_elf_phdrs and
// create_elf_tables); mapping the segments is binfmt_elf.ts.

import { bytestr } from "../base/bytestr.js";
import { ENOEXEC, refuse, type Refusal } from "../base/errno.js";
import { Mm, MappableFile, PROT_EXEC, PROT_READ, PROT_WRITE, STACK_SIZE, STACK_TOP } from "../mm/mm.js";
import { PAGE_SIZE } from "../mm/frames.js";

export const EM_RISCV = 243;
export const PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7, PT_GNU_STACK = 0x6474e551;
export const ET_EXEC = 2, ET_DYN = 3;
export const PF_X = 1, PF_W = 2, PF_R = 4;
/** sizeof(struct elf64_hdr) and sizeof(struct elf64_phdr) */
export const EHDR_SIZE = 64, PHDR_SIZE = 56;

const MACHINES: Record<number, string> = {
  3: "i386", 8: "MIPS", 20: "PowerPC", 21: "PowerPC64", 22: "s390", 40: "ARM", 62: "x86-64", 183: "AArch64",
  243: "RISC-V", 258: "LoongArch",
};

export interface Phdr {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

/** the ELF header fields the loader uses and every program header */
export interface ElfHeader {
  type: number;
  entry: number;
  phoff: number;
  phnum: number;
  phdrs: Phdr[];
}

/** the bytes at [pos, pos+len) of a file, or null when the file is shorter (Linux: elf_read's -EIO) */
export function readExact(f: MappableFile, pos: number, len: number): Uint8Array | null {
  const b = new Uint8Array(len);
  if (pos >= f.size()) return len === 0 ? b : null;
  let done = 0;
  while (done < len) {
    const n = f.readAt(pos + done, b, done, len - done);
    if (n <= 0) return null;
    done += n;
  }
  return b;
}

/**
 * Read and check the ELF header and program headers of a file (Linux: the checks at the top of
 * load_elf_binary, elf_check_arch and load_elf_phdrs). A failure is ENOEXEC with a one-line
 * reason; the interpreter's loader turns it into ELIBBAD as Linux does.
 */
export function readElf(f: MappableFile): ElfHeader | Refusal {
  const size = f.size();
  const b = readExact(f, 0, size < EHDR_SIZE ? Number(size) : EHDR_SIZE);
  if (b === null || b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return refuse(ENOEXEC, "not an ELF file");
  if (b.length < EHDR_SIZE) return refuse(ENOEXEC, "truncated ELF file (no complete ELF header)");
  const dv = new DataView(b.buffer);
  const cls = b[4];
  const data = b[5];
  const machine = dv.getUint16(18, data !== 2);
  if (cls !== 2 || data !== 1 || machine !== EM_RISCV) {
    const m = MACHINES[machine] ?? `machine ${machine}`;
    return refuse(ENOEXEC, `not a riscv64 program (ELF${cls === 1 ? "32" : "64"} ${data === 2 ? "big-endian " : ""}${m})`);
  }
  const type = dv.getUint16(16, true);
  const entry = u64(dv, 24);
  const phoff = u64(dv, 32);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (type !== ET_EXEC && type !== ET_DYN) return refuse(ENOEXEC, `not an executable (ELF type ${type})`);
  // Linux: the table must be one page at most (load_elf_phdrs)
  if (phentsize !== PHDR_SIZE || phnum === 0 || phnum * PHDR_SIZE > PAGE_SIZE) return refuse(ENOEXEC, "bad program header table");
  const ph = phoff + phnum * PHDR_SIZE <= size ? readExact(f, phoff, phnum * PHDR_SIZE) : null;
  if (ph === null) return refuse(ENOEXEC, "truncated ELF file (program headers past the end of the file)");
  const pv = new DataView(ph.buffer);
  const phdrs: Phdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = i * PHDR_SIZE;
    phdrs.push({
      type: pv.getUint32(o, true), flags: pv.getUint32(o + 4, true), offset: u64(pv, o + 8), vaddr: u64(pv, o + 16),
      filesz: u64(pv, o + 32), memsz: u64(pv, o + 40), align: u64(pv, o + 48),
    });
  }
  return { type, entry, phoff, phnum, phdrs };
}

function u64(dv: DataView, o: number): number {
  return dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296;
}

/** a guest-controlled path shown to the user: printable ASCII as is, anything else escaped */
export function printable(s: string, max = 200): string {
  let out = "";
  for (let i = 0; i < s.length && i < max; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x20 && c < 0x7f && c !== 0x5c ? s[i] : c === 0x5c ? "\\\\" : "\\x" + c.toString(16).padStart(2, "0");
  }
  return s.length > max ? out + "..." : out;
}

/** the PT_INTERP string of an image: its bytes up to the first NUL (Linux: load_elf_binary) */
export function interpName(raw: Uint8Array): string {
  const nul = raw.indexOf(0);
  return bytestr(raw, 0, nul < 0 ? raw.length : nul);
}

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
  AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_HWCAP = 16, AT_CLKTCK = 17,
  AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31;

/** RV64IMAFDC: one bit per extension letter */
export const HWCAP_RV64GC = [..."imafdc"].reduce((a, c) => a | (1 << (c.charCodeAt(0) - 97)), 0);

/** what the loader tells the program through the auxiliary vector */
export interface AuxInfo {
  /** AT_PHDR: the program headers in memory (load bias included) */
  phdr: number;
  phnum: number;
  /** AT_BASE: where the interpreter was loaded (0 without one) */
  base: number;
  /** AT_ENTRY: the program's own entry point (not the interpreter's) */
  entry: number;
  stackExec: boolean;
}

export interface StackInfo {
  sp: number;
  argStart: number;
  argEnd: number;
  envStart: number;
  envEnd: number;
  /** the auxiliary vector, (type, value) words up to AT_NULL (/proc/PID/auxv) */
  auxv: number[];
}

/**
 * Build the initial stack (Linux: create_elf_tables): strings at the top (execfn, then
 * environment, then arguments), 16 random bytes, then auxv, envp, argv and argc at sp.
 */
export function buildStack(
  mm: Mm, aux: AuxInfo, argv: Uint8Array[], envp: Uint8Array[], execfn: Uint8Array, random: Uint8Array,
  ids: { uid: number; euid: number; gid: number; egid: number },
): StackInfo | null {
  mm.map(STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE | (aux.stackExec ? PROT_EXEC : 0), false, null, 0, "[stack]");
  let p = STACK_TOP - 8;
  const push = (s: Uint8Array): number => {
    p -= s.length + 1;
    const z = new Uint8Array(s.length + 1);
    z.set(s);
    if (!mm.write(p, z)) throw new Error("stack overflow");
    return p;
  };
  const execfnAddr = push(execfn);
  const envEnd = p + 0;
  // pushed last-first so that the strings ascend in memory like Linux's
  const envAddrs = [...envp].reverse().map(push).reverse();
  const envStart = p;
  const argEnd = p;
  const argAddrs = [...argv].reverse().map(push).reverse();
  const argStart = p;
  p -= 16;
  p -= p % 16;
  const randomAddr = p;
  mm.write(p, random);
  const auxv: [number, number][] = [
    [AT_HWCAP, HWCAP_RV64GC], [AT_PAGESZ, PAGE_SIZE], [AT_CLKTCK, 100], [AT_PHDR, aux.phdr],
    [AT_PHENT, PHDR_SIZE], [AT_PHNUM, aux.phnum], [AT_BASE, aux.base], [AT_FLAGS, 0], [AT_ENTRY, aux.entry],
    [AT_UID, ids.uid], [AT_EUID, ids.euid], [AT_GID, ids.gid], [AT_EGID, ids.egid], [AT_SECURE, 0],
    [AT_RANDOM, randomAddr], [AT_HWCAP2, 0], [AT_EXECFN, execfnAddr], [AT_NULL, 0],
  ];
  const words: number[] = [argv.length, ...argAddrs, 0, ...envAddrs, 0];
  for (const [k, v] of auxv) words.push(k, v);
  p -= words.length * 8;
  p -= p % 16;
  const buf = new Uint8Array(words.length * 8);
  const dv = new DataView(buf.buffer);
  words.forEach((w, i) => {
    dv.setUint32(i * 8, w % 4294967296, true);
    dv.setUint32(i * 8 + 4, Math.floor(w / 4294967296), true);
  });
  if (!mm.write(p, buf)) return null;
  return { sp: p, argStart, argEnd, envStart, envEnd, auxv: auxv.flat() };
}
