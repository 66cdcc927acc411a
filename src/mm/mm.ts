// An address space (Linux: struct mm_struct): VMAs over a copy-on-write page table.

import { bytestr, strbytes } from "../base/bytestr.js";
import { FramePool, PAGE_SIZE } from "./frames.js";
import { PageTable, TablePool, TASK_SIZE } from "./pagetable.js";
import { ShmObject } from "./shmem.js";
import { Shared } from "../base/refcount.js";
import { loffSpan, type Loff } from "../base/loff.js";

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export const ACCESS_READ = 0;
export const ACCESS_WRITE = 1;
export const ACCESS_EXEC = 2;

/** fault results below zero */
export const FAULT_MAPERR = -1;
export const FAULT_ACCERR = -2;
export const FAULT_OOM = -3;
/** a file mapping touched past the end of its file */
export const FAULT_SIGBUS = -4;

/** what a private file mapping reads its pages from */
export interface MappableFile {
  readonly path: string;
  size(): Loff;
  readAt(pos: Loff, dst: Uint8Array, off: number, len: number): number;
  /** the page-cache frame holding the whole page at `pos` (0: none, read it instead): a private
   *  mapping maps it until the first write copies it, as Linux maps page-cache pages */
  frameAt?(pos: number): number;
}

/** the file a program runs from: writes to it are refused (ETXTBSY) while an address space maps
 *  it (Linux: mm->exe_file with deny_write_access) */
export interface ExeFile {
  denyWrite(): boolean;
  allowWrite(): void;
}

export interface Vma {
  start: number;
  end: number;
  prot: number;
  shared: boolean;
  /** backing object of a shared anonymous mapping; pgoff is the object page of `start` */
  obj: ShmObject | null;
  file: MappableFile | null;
  /** page offset into obj or file of `start` */
  pgoff: number;
  name: string;
  /** mprotect may add PROT_WRITE (Linux: VM_MAYWRITE; false for a shared mapping of a file
   *  opened read-only, or of a file without a page cache) */
  mayWrite: boolean;
}

/** the largest user buffer read() copies into one host array (16 MiB) */
export const MAX_COPY = 1 << 24;

/** vm.max_map_count's default (Linux: DEFAULT_MAX_MAP_COUNT) */
export const DEFAULT_MAX_MAP_COUNT = 65530;
/** host bytes of one VMA (the object and its array slot), charged to guest memory (Linux: vm_area_cachep) */
export const VMA_BYTES = 160;

export const STACK_TOP = 0x3ffffff000;
export const STACK_SIZE = 8 << 20;
const MMAP_BASE = STACK_TOP - STACK_SIZE - (128 << 20);

/** an address space (Linux: struct mm_struct), shared by CLONE_VM; the last put() frees it */
export class Mm extends Shared {
  pt: PageTable;
  vmas: Vma[] = [];
  brkStart = 0;
  brk = 0;
  /** bumped whenever a translation may have changed; the CPU flushes its TLB when it differs */
  generation = 0;
  /** counters shown by --tree */
  faults = 0;
  cowFaults = 0;
  argStart = 0;
  argEnd = 0;
  envStart = 0;
  envEnd = 0;
  exe = "";
  /** the auxiliary vector exec gave the program, as (type, value) words up to AT_NULL, and
   *  where its initial stack pointer was (Linux: mm->saved_auxv, start_stack) */
  auxv: readonly number[] = [];
  startStack = 0;
  /** the largest total size of the mappings so far (VmPeak) and the largest resident count
   *  seen (VmHWM; sampled when /proc reads it) */
  hiwaterVm = 0;
  hiwaterRss = 0;
  /** the program's file, denied to writers while this address space lives */
  exeFile: ExeFile | null = null;
  /** VMAs charged to guest memory */
  private vmaCharged = 0;
  /** vm.max_map_count: mmap and VMA splits give ENOMEM past it */
  maxMapCount = DEFAULT_MAX_MAP_COUNT;
  readonly id: number;
  private static nextId = 1;

  constructor(readonly frames: FramePool, readonly tables: TablePool, pt?: PageTable) {
    super();
    this.pt = pt ?? new PageTable(tables, frames);
    this.id = Mm.nextId++;
  }

  findVma(addr: number): Vma | null {
    const v = this.vmas;
    let lo = 0;
    let hi = v.length - 1;
    while (lo <= hi) {
      const m = (lo + hi) >> 1;
      if (addr < v[m].start) hi = m - 1;
      else if (addr >= v[m].end) lo = m + 1;
      else return v[m];
    }
    return null;
  }

  /** the last fault() mapped a frame it allocated or copied (so nothing has decoded it) */
  freshFrame = false;

  /** Resolve a fault at virtual page vpn: map the page, breaking copy-on-write for writes.
   *  Returns the frame, or FAULT_* (a SIGSEGV code or out of memory). */
  fault(vpn: number, access: number): number {
    this.freshFrame = false;
    const addr = vpn * PAGE_SIZE;
    const vma = this.findVma(addr);
    if (vma === null) return FAULT_MAPERR;
    const need = access === ACCESS_WRITE ? PROT_WRITE : access === ACCESS_EXEC ? PROT_EXEC : PROT_READ;
    if ((vma.prot & need) === 0) return FAULT_ACCERR;
    const pt = this.pt;
    let f = pt.lookup(vpn);
    if (f === 0) {
      this.faults++;
      const pg = vma.pgoff + (addr - vma.start) / PAGE_SIZE;
      if (vma.file !== null && pg * PAGE_SIZE >= vma.file.size()) return FAULT_SIGBUS;
      if (vma.obj !== null) {
        f = vma.obj.frame(pg);
        // a full tmpfs gives SIGBUS (Linux: shmem_fault's VM_FAULT_SIGBUS on ENOSPC)
        if (f <= 0) return f === 0 ? FAULT_OOM : FAULT_SIGBUS;
        this.frames.incRef(f);
      } else if (vma.file !== null && vma.file.frameAt !== undefined && (f = vma.file.frameAt(pg * PAGE_SIZE)) > 0) {
        // the page cache's frame: mapped as it is for reading (shared until written), copied at
        // once for a write (Linux: do_read_fault / do_cow_fault)
        if (access === ACCESS_WRITE) {
          f = this.frames.copy(f);
          if (f === 0) return FAULT_OOM;
          this.freshFrame = true;
        } else this.frames.incRef(f);
      } else {
        f = this.frames.alloc();
        if (f === 0) return FAULT_OOM;
        this.freshFrame = true;
        if (vma.file !== null) this.fillFromFile(f, vma.file, pg * PAGE_SIZE);
      }
      pt.slot(vpn);
      pt.slab[pt.index] = f;
      this.generation++;
      return f;
    }
    if (access !== ACCESS_WRITE || vma.shared) return f;
    if (this.frames.ref[f] === 1 && pt.exclusivePath(vpn)) return f;
    // copy-on-write break (Linux: do_wp_page / wp_page_copy)
    this.faults++;
    this.cowFaults++;
    pt.slot(vpn);
    f = pt.slab[pt.index];
    if (this.frames.ref[f] === 1) {
      this.frames.stats.cowReuses++;
    } else {
      const n = this.frames.copy(f);
      if (n === 0) return FAULT_OOM;
      this.freshFrame = true;
      this.frames.stats.cowCopies++;
      this.frames.decRef(f);
      pt.slab[pt.index] = n;
      f = n;
    }
    this.generation++;
    return f;
  }

  /** read a file page straight into a fresh (zeroed, undecoded) frame */
  private fillFromFile(f: number, file: MappableFile, pos: number): void {
    const size = file.size();
    if (pos >= size) return;
    // pos is a page index times PAGE_SIZE: an exact double even past 2^53, made a normalised Loff
    const at = Number.isSafeInteger(pos) ? pos : BigInt(pos);
    file.readAt(at, this.frames.u8[FramePool.chunk(f)], FramePool.offset(f), loffSpan(size, at, PAGE_SIZE));
  }

  /** fork's copy of this address space (Linux: dup_mm / dup_mmap): VMAs copied, page tables shared */
  fork(): Mm {
    const m = new Mm(this.frames, this.tables, this.pt.fork());
    for (const v of this.vmas) {
      if (v.obj) v.obj.get();
      m.vmas.push({ ...v });
    }
    // fork checked memory for the copy (vmaBytes)
    m.maxMapCount = this.maxMapCount;
    m.syncCharge();
    m.brkStart = this.brkStart;
    m.brk = this.brk;
    m.argStart = this.argStart;
    m.argEnd = this.argEnd;
    m.envStart = this.envStart;
    m.envEnd = this.envEnd;
    m.exe = this.exe;
    m.auxv = this.auxv;
    m.startStack = this.startStack;
    m.hiwaterVm = this.hiwaterVm;
    m.hiwaterRss = this.hiwaterRss;
    if (this.exeFile !== null) {
      this.exeFile.denyWrite();
      m.exeFile = this.exeFile;
    }
    this.generation++; // our writable TLB entries now point into shared tables
    return m;
  }

  protected override release(): void {
    this.exeFile?.allowWrite();
    this.exeFile = null;
    this.pt.destroy();
    for (const v of this.vmas) if (v.obj) v.obj.put();
    this.vmas = [];
    this.syncCharge();
    this.generation++;
  }

  /** the host bytes of the VMAs (a fork's copy needs this much) */
  get vmaBytes(): number {
    return this.vmas.length * VMA_BYTES;
  }

  /** charge or give back the VMAs made or dropped since the last call (each VMA is small; the
   *  syscalls that make many check memory and max_map_count first) */
  private syncCharge(): void {
    const n = this.vmas.length;
    if (n > this.vmaCharged) this.frames.forceCharge((n - this.vmaCharged) * VMA_BYTES);
    else if (n < this.vmaCharged) this.frames.uncharge((this.vmaCharged - n) * VMA_BYTES);
    this.vmaCharged = n;
  }

  /** would changing [start, end) add a VMA when the map count is at vm.max_map_count or memory is
   *  full? (Linux: split_vma's ENOMEM; munmap may go one over, to free memory, unless it cuts a
   *  VMA in two) */
  splitRefused(start: number, end: number, unmapping: boolean): boolean {
    if (this.vmas.length < this.maxMapCount && this.frames.free > 0) return false;
    const a = this.findVma(start);
    const b = this.findVma(end - 1);
    const splitsStart = a !== null && a.start < start;
    const splitsEnd = b !== null && b.end > end;
    return unmapping ? splitsStart && splitsEnd && a === b : splitsStart || splitsEnd;
  }

  /** too many mappings for another mmap (Linux do_mmap: map_count > sysctl_max_map_count) */
  get mapCountExceeded(): boolean {
    return this.vmas.length > this.maxMapCount;
  }

  // ---- VMA surgery ----

  /** split VMAs so that `a` is a boundary */
  private splitAt(a: number): void {
    const v = this.findVma(a);
    if (v === null || v.start === a) return;
    const right: Vma = { ...v, start: a, pgoff: v.pgoff + (a - v.start) / PAGE_SIZE };
    if (v.obj) v.obj.get();
    v.end = a;
    this.vmas.splice(this.vmas.indexOf(v) + 1, 0, right);
  }

  /** indices [i, j) of the VMAs inside [start, end) after splitting at both ends */
  private carve(start: number, end: number): [number, number] {
    this.splitAt(start);
    this.splitAt(end);
    let i = 0;
    while (i < this.vmas.length && this.vmas[i].end <= start) i++;
    let j = i;
    while (j < this.vmas.length && this.vmas[j].start < end) j++;
    return [i, j];
  }

  private insert(v: Vma): void {
    let i = 0;
    while (i < this.vmas.length && this.vmas[i].start < v.start) i++;
    this.vmas.splice(i, 0, v);
    this.mergeAround(i);
    const total = this.totalVm();
    if (total > this.hiwaterVm) this.hiwaterVm = total;
  }

  /** bytes mapped (Linux: total_vm, in bytes) */
  totalVm(): number {
    let n = 0;
    for (const v of this.vmas) n += v.end - v.start;
    return n;
  }

  /** merge neighbours that Linux would merge (same protections, anonymous private, contiguous) */
  private mergeAround(i: number): void {
    for (let k = Math.min(i + 1, this.vmas.length - 1); k >= Math.max(i, 1); k--) {
      const a = this.vmas[k - 1];
      const b = this.vmas[k];
      if (
        a.end === b.start && a.prot === b.prot && !a.shared && !b.shared && a.obj === null && b.obj === null &&
        a.file === null && b.file === null && a.name === b.name
      ) {
        a.end = b.end;
        this.vmas.splice(k, 1);
      }
    }
  }

  isFree(start: number, end: number): boolean {
    for (const v of this.vmas) if (v.start < end && v.end > start) return false;
    return true;
  }

  /** highest free gap of `len` bytes below the mmap base (Linux's top-down allocator) */
  findFree(len: number): number {
    let top = MMAP_BASE;
    for (let i = this.vmas.length - 1; i >= 0; i--) {
      const v = this.vmas[i];
      if (v.start >= top) continue;
      if (v.end <= top - len) return top - len;
      top = Math.min(top, v.start);
    }
    return top - len >= PAGE_SIZE * 16 ? top - len : -1;
  }

  /** map [start, start+len), replacing what was there (MAP_FIXED semantics) */
  map(start: number, len: number, prot: number, shared: boolean, file: MappableFile | null, pgoff: number, name: string): void {
    this.unmap(start, len);
    let obj: ShmObject | null = null;
    if (shared && file === null) obj = new ShmObject(this.frames, len / PAGE_SIZE);
    // a shared file mapping here has no page cache behind it (mapSharedFile has): never writable
    this.insert({ start, end: start + len, prot, shared, obj, file, pgoff: obj ? 0 : pgoff, name, mayWrite: !(shared && file !== null) });
    this.generation++;
    this.syncCharge();
  }

  /** a MAP_SHARED file mapping: the file's page-cache object, with the file for its size */
  mapSharedFile(start: number, len: number, prot: number, obj: ShmObject, file: MappableFile, pgoff: number, mayWrite: boolean): void {
    this.unmap(start, len);
    obj.get();
    this.insert({ start, end: start + len, prot, shared: true, obj, file, pgoff, name: file.path, mayWrite });
    this.generation++;
    this.syncCharge();
  }

  /** map an existing shared object (System V shared memory) */
  mapObject(start: number, len: number, prot: number, obj: ShmObject, name: string): void {
    this.unmap(start, len);
    obj.get();
    this.insert({ start, end: start + len, prot, shared: true, obj, file: null, pgoff: 0, name, mayWrite: true });
    this.generation++;
    this.syncCharge();
  }

  unmap(start: number, len: number): void {
    const end = start + len;
    if (this.isFree(start, end)) return;
    const [i, j] = this.carve(start, end);
    for (let k = i; k < j; k++) if (this.vmas[k].obj) this.vmas[k].obj!.put();
    this.vmas.splice(i, j - i);
    this.pt.unmap(start / PAGE_SIZE, end / PAGE_SIZE);
    this.generation++;
    this.syncCharge();
  }

  /** mprotect; false when part of the range is unmapped (ENOMEM) */
  protect(start: number, len: number, prot: number): boolean {
    const end = start + len;
    for (let a = start; a < end; ) {
      const v = this.findVma(a);
      if (v === null) return false;
      a = v.end;
    }
    const [i, j] = this.carve(start, end);
    for (let k = i; k < j; k++) this.vmas[k].prot = prot;
    for (let k = j; k >= i; k--) if (k > 0 && k < this.vmas.length) this.mergeAround(k);
    this.generation++;
    this.syncCharge();
    return true;
  }

  /** MADV_DONTNEED: private pages go back to zero (or file contents), shared ones are kept */
  dontNeed(start: number, len: number): boolean {
    const end = start + len;
    for (let a = start; a < end; ) {
      const v = this.findVma(a);
      if (v === null) return false;
      const e = Math.min(v.end, end);
      if (!v.shared) this.pt.unmap(a / PAGE_SIZE, e / PAGE_SIZE);
      a = e;
    }
    this.generation++;
    return true;
  }

  /** brk(2): returns the new break (the old one when the request is refused) */
  setBrk(want: number): number {
    if (want < this.brkStart) return this.brk;
    const oldTop = pageUp(this.brk);
    const newTop = pageUp(want);
    if (newTop > oldTop) {
      if (!this.isFree(oldTop, newTop)) return this.brk;
      this.map(oldTop, newTop - oldTop, PROT_READ | PROT_WRITE, false, null, 0, "[heap]");
    } else if (newTop < oldTop) {
      this.unmap(newTop, oldTop - newTop);
    }
    this.brk = want;
    return want;
  }

  /** mremap without MREMAP_FIXED; returns the new address or a negative errno */
  remap(old: number, oldLen: number, newLen: number, mayMove: boolean): number {
    const v = this.findVma(old);
    if (v === null || old + oldLen > v.end) return -14; // EFAULT
    if (newLen <= oldLen) {
      if (newLen < oldLen) this.unmap(old + newLen, oldLen - newLen);
      return old;
    }
    if (v.end === old + oldLen && this.isFree(old + oldLen, old + newLen)) {
      if (v.obj) v.obj.grow(v.pgoff + (old + newLen - v.start) / PAGE_SIZE);
      v.end = old + newLen;
      this.generation++;
      return old;
    }
    if (!mayMove) return -12; // ENOMEM
    const dst = this.findFree(newLen);
    if (dst < 0) return -12;
    // move: new VMA with the same backing; pages travel by re-pointing entries
    const moved: Vma = { ...v, start: dst, end: dst + newLen, pgoff: v.pgoff + (old - v.start) / PAGE_SIZE };
    if (moved.obj) {
      moved.obj.get();
      moved.obj.grow(moved.pgoff + newLen / PAGE_SIZE);
    }
    for (let i = 0; i < oldLen / PAGE_SIZE; i++) {
      const f = this.pt.lookup(old / PAGE_SIZE + i);
      if (f === 0) continue;
      this.frames.incRef(f);
      this.pt.slot(dst / PAGE_SIZE + i);
      this.pt.slab[this.pt.index] = f;
    }
    this.insert(moved);
    this.unmap(old, oldLen);
    this.syncCharge();
    return dst;
  }

  // ---- kernel access to user memory (copy_from_user / copy_to_user) ----

  /** the frame backing addr for the access, faulting it in; <= 0 on failure */
  frameFor(addr: number, access: number): number {
    if (!(addr >= 0 && addr < TASK_SIZE)) return FAULT_MAPERR;
    const vpn = Math.floor(addr / PAGE_SIZE);
    const vma = this.findVma(addr);
    if (vma === null) return FAULT_MAPERR;
    if (access === ACCESS_READ) {
      if ((vma.prot & PROT_READ) === 0) return FAULT_ACCERR;
      const f = this.pt.lookup(vpn);
      if (f !== 0) return f;
    }
    return this.fault(vpn, access);
  }

  /** copy_from_user into a new array: null on a bad address. A guest length never sizes a host
   *  array beyond MAX_COPY: larger buffers are copied in pieces (syscalls/uaccess.ts), and a path
   *  that forgot to would see EFAULT here rather than the host running out of memory */
  read(addr: number, len: number): Uint8Array | null {
    if (!(Number.isInteger(len) && len >= 0 && len <= MAX_COPY)) return null;
    const out = new Uint8Array(len);
    return this.readInto(addr, out, 0, len) ? out : null;
  }

  readInto(addr: number, out: Uint8Array, off: number, len: number): boolean {
    this.frames.work += len;
    let done = 0;
    while (done < len) {
      const a = addr + done;
      const po = a % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - po, len - done);
      // an untouched private anonymous page reads as zeros without being allocated (Linux maps
      // the shared zero page), so writing a huge fresh buffer to a file costs no guest memory
      const vma = a >= 0 && a < TASK_SIZE && this.pt.lookup(Math.floor(a / PAGE_SIZE)) === 0 ? this.findVma(a) : null;
      if (vma !== null && vma.file === null && vma.obj === null && (vma.prot & PROT_READ) !== 0) {
        out.fill(0, off + done, off + done + n);
      } else {
        const f = this.frameFor(a, ACCESS_READ);
        if (f <= 0) return false;
        this.frames.read(f, po, out, off + done, n);
      }
      done += n;
    }
    return true;
  }

  /** copy_to_user: false on a bad address */
  write(addr: number, data: Uint8Array, off = 0, len = data.length - off): boolean {
    this.frames.work += len;
    let done = 0;
    while (done < len) {
      const a = addr + done;
      const f = this.frameFor(a, ACCESS_WRITE);
      if (f <= 0) return false;
      const po = a % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - po, len - done);
      this.frames.write(f, po, data, off + done, n);
      done += n;
    }
    return true;
  }

  /** ptrace POKEDATA: write even where the mapping forbids it (Linux: FOLL_FORCE), breaking COW */
  pokeForce(addr: number, data: Uint8Array): boolean {
    const vma = this.findVma(addr);
    if (vma === null || this.findVma(addr + data.length - 1) !== vma) return false;
    const saved = vma.prot;
    vma.prot |= PROT_WRITE;
    const ok = this.write(addr, data);
    vma.prot = saved;
    this.generation++;
    return ok;
  }

  /** a NUL-terminated string of at most max bytes; null on a bad address, undefined when too long */
  readString(addr: number, max: number): string | null | undefined {
    const bytes: number[] = [];
    let a = addr;
    while (bytes.length < max) {
      const f = this.frameFor(a, ACCESS_READ);
      if (f <= 0) return null;
      const po = a % PAGE_SIZE;
      const chunk = this.frames.u8[FramePool.chunk(f)];
      const base = FramePool.offset(f);
      for (let i = po; i < PAGE_SIZE && bytes.length < max; i++) {
        const b = chunk[base + i];
        if (b === 0) return bytestr(Uint8Array.from(bytes));
        bytes.push(b);
      }
      a += PAGE_SIZE - po;
    }
    return undefined;
  }

  readU64(addr: number): number | null {
    const b = this.read(addr, 8);
    if (b === null) return null;
    const dv = new DataView(b.buffer);
    return dv.getUint32(0, true) + dv.getUint32(4, true) * 4294967296;
  }

  writeU32(addr: number, v: number): boolean {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.write(addr, b);
  }

  readU32(addr: number): number | null {
    const b = this.read(addr, 4);
    if (b === null) return null;
    return new DataView(b.buffer).getUint32(0, true);
  }

  /** resident pages reachable from this address space's tables */
  resident(): number {
    return this.pt.countPresent();
  }
}

export function pageUp(a: number): number {
  return Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;
}

