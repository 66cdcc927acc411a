// ELF64 parsing and loading for static riscv64 executables (Linux: fs/binfmt_elf.c).

import { bytestr, strbytes } from "../base/bytestr.js";
import { Mm, MappableFile, PROT_EXEC, PROT_READ, PROT_WRITE, STACK_SIZE, STACK_TOP, pageUp } from "../mm/mm.js";
import { PAGE_SIZE } from "../mm/frames.js";

export const EM_RISCV = 243;
const PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7, PT_GNU_STACK = 0x6474e551;
const ET_EXEC = 2, ET_DYN = 3;

const MACHINES: Record<number, string> = {
  3: "i386", 8: "MIPS", 20: "PowerPC", 21: "PowerPC64", 22: "s390", 40: "ARM", 62: "x86-64", 183: "AArch64",
  243: "RISC-V", 258: "LoongArch",
};

export interface Segment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface ElfImage {
  entry: number;
  phoff: number;
  phnum: number;
  phentsize: number;
  segments: Segment[];
  /** end of the highest PT_LOAD segment (start of brk) */
  end: number;
  /** address of the program headers in the loaded image */
  phdrAddr: number;
  stackExec: boolean;
}

/** Parse; returns the image or a one-line reason it cannot run. */
export function parseElf(b: Uint8Array): ElfImage | string {
  if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return "not an ELF file";
  if (b.length < 64) return "truncated ELF file (no complete ELF header)";
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const cls = b[4];
  const data = b[5];
  const machine = dv.getUint16(18, data !== 2);
  if (cls !== 2 || data !== 1 || machine !== EM_RISCV) {
    const m = MACHINES[machine] ?? `machine ${machine}`;
    return `not a riscv64 program (ELF${cls === 1 ? "32" : "64"} ${data === 2 ? "big-endian " : ""}${m})`;
  }
  const type = dv.getUint16(16, true);
  const u64 = (o: number) => dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296;
  const entry = u64(24);
  const phoff = u64(32);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (type !== ET_EXEC && type !== ET_DYN) return `not an executable (ELF type ${type})`;
  if (phentsize !== 56 || phnum === 0 || phnum > 64) return "bad program header table";
  if (phoff + phnum * phentsize > b.length) return "truncated ELF file (program headers past the end of the file)";
  const segments: Segment[] = [];
  let stackExec = false;
  let phdrAddr = -1;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const s: Segment = {
      type: dv.getUint32(o, true),
      flags: dv.getUint32(o + 4, true),
      offset: u64(o + 8),
      vaddr: u64(o + 16),
      filesz: u64(o + 32),
      memsz: u64(o + 40),
    };
    if (s.type === PT_INTERP) {
      const end = Math.min(b.length, s.offset + s.filesz);
      const interp = bytestr(b, s.offset, end).replace(/\0.*$/s, "");
      return `dynamically linked programs are not supported yet (needs ${interp}); build with -static`;
    }
    if (s.type === PT_GNU_STACK) stackExec = (s.flags & 1) !== 0;
    if (s.type === PT_PHDR) phdrAddr = s.vaddr;
    if (s.type === PT_LOAD || s.type === PT_TLS) segments.push(s);
  }
  if (type === ET_DYN) return "position-independent executables are not supported yet; build with -static (not -static-pie)";
  const loads = segments.filter((s) => s.type === PT_LOAD);
  if (loads.length === 0) return "no loadable segments";
  let end = 0;
  for (const s of loads) {
    if (s.offset + s.filesz > b.length) return "truncated ELF file (segment data past the end of the file)";
    if (s.filesz > s.memsz) return "bad segment (file size larger than memory size)";
    if (s.vaddr % PAGE_SIZE !== s.offset % PAGE_SIZE) return "bad segment alignment";
    if (s.vaddr < PAGE_SIZE || s.vaddr + s.memsz > STACK_TOP - STACK_SIZE - (1 << 30)) return "segment outside the user address space";
    end = Math.max(end, s.vaddr + s.memsz);
  }
  if (phdrAddr < 0) {
    const seg = loads.find((s) => s.offset <= phoff && phoff < s.offset + s.filesz);
    phdrAddr = seg ? seg.vaddr + (phoff - seg.offset) : 0;
  }
  return { entry, phoff, phnum, phentsize, segments, end, phdrAddr, stackExec };
}

/** map the PT_LOAD segments of an image into mm (Linux: elf_map + set_brk) */
export function loadSegments(mm: Mm, img: ElfImage, bytes: Uint8Array, path: string): void {
  for (const s of img.segments) {
    if (s.type !== PT_LOAD) continue;
    const prot = (s.flags & 4 ? PROT_READ : 0) | (s.flags & 2 ? PROT_WRITE : 0) | (s.flags & 1 ? PROT_EXEC : 0);
    const start = s.vaddr - (s.vaddr % PAGE_SIZE);
    const fileEnd = s.vaddr + s.filesz;
    const limit = s.offset + s.filesz;
    // bytes past the segment's file size read as zero (Linux: padzero)
    const file: MappableFile = {
      path,
      size: () => limit,
      readAt: (pos, dst, off, len) => {
        const n = Math.max(0, Math.min(len, limit - pos));
        dst.set(bytes.subarray(pos, pos + n), off);
        return n;
      },
    };
    const fileMapEnd = pageUp(fileEnd);
    if (fileMapEnd > start) mm.map(start, fileMapEnd - start, prot, false, file, (s.offset - (s.vaddr - start)) / PAGE_SIZE, path);
    const memEnd = pageUp(s.vaddr + s.memsz);
    if (memEnd > fileMapEnd) mm.map(fileMapEnd, memEnd - fileMapEnd, prot, false, null, 0, "");
  }
  mm.brkStart = mm.brk = pageUp(img.end);
}

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
  AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_HWCAP = 16, AT_CLKTCK = 17,
  AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31;

/** RV64IMAFDC: one bit per extension letter */
export const HWCAP_RV64GC = [..."imafdc"].reduce((a, c) => a | (1 << (c.charCodeAt(0) - 97)), 0);

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
  mm: Mm, img: ElfImage, argv: Uint8Array[], envp: Uint8Array[], execfn: Uint8Array, random: Uint8Array,
  ids: { uid: number; euid: number; gid: number; egid: number },
): StackInfo | null {
  mm.map(STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE | (img.stackExec ? PROT_EXEC : 0), false, null, 0, "[stack]");
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
  const aux: [number, number][] = [
    [AT_HWCAP, HWCAP_RV64GC], [AT_PAGESZ, PAGE_SIZE], [AT_CLKTCK, 100], [AT_PHDR, img.phdrAddr],
    [AT_PHENT, img.phentsize], [AT_PHNUM, img.phnum], [AT_BASE, 0], [AT_FLAGS, 0], [AT_ENTRY, img.entry],
    [AT_UID, ids.uid], [AT_EUID, ids.euid], [AT_GID, ids.gid], [AT_EGID, ids.egid], [AT_SECURE, 0],
    [AT_RANDOM, randomAddr], [AT_HWCAP2, 0], [AT_EXECFN, execfnAddr], [AT_NULL, 0],
  ];
  const words: number[] = [argv.length, ...argAddrs, 0, ...envAddrs, 0];
  for (const [k, v] of aux) words.push(k, v);
  p -= words.length * 8;
  p -= p % 16;
  const buf = new Uint8Array(words.length * 8);
  const dv = new DataView(buf.buffer);
  words.forEach((w, i) => {
    dv.setUint32(i * 8, w % 4294967296, true);
    dv.setUint32(i * 8 + 4, Math.floor(w / 4294967296), true);
  });
  if (!mm.write(p, buf)) return null;
  return { sp: p, argStart, argEnd, envStart, envEnd, auxv: aux.flat() };
}
