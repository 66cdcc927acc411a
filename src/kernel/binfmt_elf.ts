// Loading an ELF program into a new address space (Linux: fs/binfmt_elf.c, load_elf_binary and
// load_elf_interp): ET_EXEC at its addresses, ET_DYN programs with PT_INTERP at ELF_ET_DYN_BASE
// plus a seeded random offset, the interpreter and static-pie programs in the mmap area.

import * as E from "../base/errno.js";
import { refuse, type Refusal } from "../base/errno.js";
import { Mm, MappableFile, PROT_EXEC, PROT_READ, PROT_WRITE, STACK_TOP, pageUp } from "../mm/mm.js";
import { PAGE_SIZE } from "../mm/frames.js";
import { TASK_SIZE } from "../mm/pagetable.js";
import { AuxInfo, ElfHeader, ET_DYN, ET_EXEC, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_INTERP, PT_LOAD, Phdr, interpName, printable, readElf, readExact } from "./elf.js";

/** riscv64 (sv39): DEFAULT_MAP_WINDOW / 3 * 2, where PIE programs go (Linux: ELF_ET_DYN_BASE) */
export const ELF_ET_DYN_BASE = Math.floor(2 ** 38 / 3) * 2;
/** riscv64's default vm.mmap_rnd_bits (CONFIG_ARCH_MMAP_RND_BITS_MIN for sv39) */
const MMAP_RND_BITS = 18;
/** Linux: PATH_MAX, the longest PT_INTERP accepted */
const PATH_MAX = 4096;

/** the interpreter named by PT_INTERP, opened (Linux: open_exec) */
export interface OpenedInterp {
  name: string;
  file: MappableFile;
}

/** a loaded image: its address space, where to start, and the auxiliary vector's values */
export interface Loaded {
  mm: Mm;
  pc: number;
  aux: AuxInfo;
}

/** a failure Linux reports after the point of no return: the process is killed with SIGSEGV */
export interface Fatal {
  fatal: string;
}

/** the checks of load_elf_binary before begin_new_exec: the program's own headers and PT_INTERP.
 *  Returns the interpreter path (null for none) or an errno with its reason. */
export function findInterp(f: MappableFile, h: ElfHeader): string | null | Refusal {
  const p = h.phdrs.find((s) => s.type === PT_INTERP);
  if (p === undefined) return null;
  if (p.filesz > PATH_MAX || p.filesz < 2) return refuse(E.ENOEXEC, `PT_INTERP of ${p.filesz} bytes`);
  const raw = readExact(f, p.offset, p.filesz);
  if (raw === null) return refuse(E.EIO, "PT_INTERP past the end of the file");
  if (raw[raw.length - 1] !== 0) return refuse(E.ENOEXEC, "PT_INTERP is not NUL-terminated");
  return interpName(raw);
}

/** the interpreter's headers (Linux: the ELIBBAD checks of load_elf_binary) */
export function checkInterp(it: OpenedInterp): ElfHeader | Refusal {
  const h = readElf(it.file);
  if ("errno" in h) {
    // a file shorter than an ELF header fails elf_read: EIO; anything else is not an interpreter
    if (it.file.size() < 64 && h.reason !== "not an ELF file") return refuse(E.EIO, `dynamic loader ${printable(it.name)}: ${h.reason}`);
    return refuse(E.ELIBBAD, `dynamic loader ${printable(it.name)}: ${h.reason}`);
  }
  return h;
}

/** checks forkscope makes before the point of no return where Linux would fail after it (a
 *  SIGSEGV), so that a bad first program gets a clear message: segments that cannot be mapped */
export function checkSegments(f: MappableFile, h: ElfHeader): Refusal | null {
  const loads = h.phdrs.filter((s) => s.type === PT_LOAD);
  if (loads.length === 0) return refuse(E.ENOEXEC, "no loadable segments");
  for (const s of loads) {
    if (s.offset + s.filesz > f.size()) return refuse(E.ENOEXEC, "truncated ELF file (segment data past the end of the file)");
    if (s.filesz > s.memsz) return refuse(E.ENOEXEC, "bad segment (file size larger than memory size)");
    if (s.vaddr % PAGE_SIZE !== s.offset % PAGE_SIZE) return refuse(E.ENOEXEC, "bad segment alignment");
    const span = h.type === ET_DYN ? s.vaddr - loads[0].vaddr + s.memsz : s.vaddr + s.memsz;
    if ((h.type === ET_EXEC && s.vaddr < PAGE_SIZE) || span > ELF_ET_DYN_BASE) return refuse(E.ENOEXEC, "segment outside the user address space");
  }
  return null;
}

function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

/** Linux: total_mapping_size */
function totalSize(loads: Phdr[]): number {
  let lo = Infinity;
  let hi = 0;
  for (const s of loads) {
    lo = Math.min(lo, s.vaddr - (s.vaddr % PAGE_SIZE));
    hi = Math.max(hi, s.vaddr + s.memsz);
  }
  return loads.length ? hi - lo : 0;
}

/** Linux: maximum_alignment (power-of-two p_align of the PT_LOADs, at least a page) */
function maxAlign(loads: Phdr[]): number {
  let a = 0;
  for (const s of loads) if (s.align > 0 && Number.isInteger(Math.log2(s.align))) a = Math.max(a, s.align);
  return pageUp(a);
}

/** round down to a power-of-two alignment without 32-bit bit operations */
function alignDown(x: number, a: number): number {
  return x - (x % a);
}

/**
 * Map one PT_LOAD at addr (Linux: elf_load): the file's pages privately, the rest of the last
 * file page cleared if the segment is writable (padzero), and anonymous memory up to p_memsz.
 * Returns false when the segment does not fit the address space.
 */
function elfLoad(mm: Mm, f: MappableFile, addr: number, s: Phdr): boolean {
  const prot = protOf(s.flags);
  const start = addr - (addr % PAGE_SIZE);
  const end = addr + s.memsz;
  if (start < PAGE_SIZE || end > TASK_SIZE || end > STACK_TOP) return false;
  let zeroStart = start;
  if (s.filesz > 0) {
    const fileEnd = pageUp(addr + s.filesz);
    mm.map(start, fileEnd - start, prot, false, f, (s.offset - (addr - start)) / PAGE_SIZE, f.path);
    zeroStart = addr + s.filesz;
    // a read-only segment keeps the file's bytes (Linux ignores clear_user's failure there)
    if (s.memsz > s.filesz && zeroStart % PAGE_SIZE !== 0) mm.write(zeroStart, new Uint8Array(PAGE_SIZE - (zeroStart % PAGE_SIZE)));
  }
  if (s.memsz > s.filesz) {
    const a = pageUp(zeroStart);
    const b = pageUp(end);
    // vm_brk_flags: data pages, executable only if the segment is
    if (b > a) mm.map(a, b - a, PROT_READ | PROT_WRITE | (prot & PROT_EXEC), false, null, 0, "");
  }
  return true;
}

/** where top-down mmap would put `len` bytes (Linux: get_unmapped_area), aligned down to `align`
 *  as load_elf_binary does for a static-pie program */
function mmapArea(mm: Mm, len: number, align: number): number {
  const a = mm.findFree(pageUp(len));
  return a < 0 ? -1 : alignDown(a, align);
}

/** load the interpreter (Linux: load_elf_interp); its load address, or a fatal error */
function loadInterp(mm: Mm, it: OpenedInterp, h: ElfHeader): number | Fatal {
  const loads = h.phdrs.filter((s) => s.type === PT_LOAD);
  const total = totalSize(loads);
  if (total === 0) return { fatal: `dynamic loader ${printable(it.name)} has no loadable segments` };
  let loadAddr = 0;
  let first = true;
  for (const s of loads) {
    if (s.filesz > s.memsz) return { fatal: `dynamic loader ${printable(it.name)}: bad segment` };
    if (first && h.type === ET_DYN) {
      // the first mapping has no address hint: the whole image goes top-down in the mmap area
      const base = mmapArea(mm, total, PAGE_SIZE);
      if (base < 0) return { fatal: "no room for the dynamic loader" };
      loadAddr = base - alignDown(s.vaddr, PAGE_SIZE);
    }
    first = false;
    if (s.vaddr % PAGE_SIZE !== s.offset % PAGE_SIZE || !elfLoad(mm, it.file, loadAddr + s.vaddr, s)) {
      return { fatal: `dynamic loader ${printable(it.name)}: a segment cannot be mapped` };
    }
  }
  return loadAddr;
}

/**
 * Build the new address space for a checked image (Linux: load_elf_binary after
 * begin_new_exec). `rnd` supplies the random page offset of a PIE program (arch_mmap_rnd).
 */
export function loadElf(mm: Mm, f: MappableFile, h: ElfHeader, interp: { it: OpenedInterp; h: ElfHeader } | null, rnd: () => number): Loaded | Fatal {
  const loads = h.phdrs.filter((s) => s.type === PT_LOAD);
  let stackExec = false;
  for (const s of h.phdrs) if (s.type === PT_GNU_STACK) stackExec = (s.flags & PF_X) !== 0;
  let bias = 0;
  if (h.type === ET_DYN) {
    const align = maxAlign(loads);
    const first = loads[0].vaddr;
    if (interp !== null) {
      bias = alignDown(ELF_ET_DYN_BASE + rnd() * PAGE_SIZE, align);
    } else {
      // a static-pie program (or ld.so run directly) goes where mmap would put it
      bias = mmapArea(mm, totalSize(loads), align);
      if (bias < 0) return { fatal: "no room for the program" };
    }
    bias = alignDown(bias - first, PAGE_SIZE);
  }
  let phdr = 0;
  let brk = 0;
  for (const s of loads) {
    if (!elfLoad(mm, f, bias + s.vaddr, s)) return { fatal: "a segment cannot be mapped" };
    // AT_PHDR: the program headers' address inside the PT_LOAD holding them
    if (s.offset <= h.phoff && h.phoff < s.offset + s.filesz) phdr = h.phoff - s.offset + s.vaddr;
    brk = Math.max(brk, s.vaddr + s.memsz);
  }
  const entry = h.entry + bias;
  let pc = entry;
  let base = 0;
  if (interp !== null) {
    const r = loadInterp(mm, interp.it, interp.h);
    if (typeof r !== "number") return r;
    base = r;
    pc = r + interp.h.entry;
  }
  // a static-pie program's brk moves out of the mmap area to ELF_ET_DYN_BASE (Linux: "brk" handling)
  mm.brkStart = mm.brk = h.type === ET_DYN && interp === null ? pageUp(ELF_ET_DYN_BASE) : pageUp(brk + bias);
  return { mm, pc, aux: { phdr: phdr + bias, phnum: h.phnum, base, entry, stackExec } };
}

/** arch_mmap_rnd: a random page count below 2^mmap_rnd_bits */
export function mmapRnd(u32: () => number): number {
  return u32() % (1 << MMAP_RND_BITS);
}
