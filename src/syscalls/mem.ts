// Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise (Linux: mm/mmap.c, mm/mprotect.c).

import * as E from "../base/errno.js";
import { Handler, iarg, uarg, uarg64 } from "./args.js";
import { PAGE_SIZE } from "../mm/frames.js";
import { TASK_SIZE } from "../mm/pagetable.js";
import { MappableFile, PROT_EXEC, PROT_READ, PROT_WRITE, pageUp } from "../mm/mm.js";
import { S_IFREG, TmpFile } from "../fs/node.js";
import { ShmObject } from "../mm/shmem.js";
import { refuse } from "../base/errno.js";
import { OVERCOMMIT_NEVER, vmEnoughMemory } from "../kernel/vmacct.js";

export const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
  MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_FIXED_NOREPLACE = 0x100000, MAP_GROWSDOWN = 0x100,
  MAP_STACK = 0x20000, MAP_DENYWRITE = 0x800, MAP_EXECUTABLE = 0x1000, MAP_LOCKED = 0x2000, MAP_NONBLOCK = 0x10000,
  MAP_HUGETLB = 0x40000;

/*
 * Addresses and lengths are unsigned longs: the checks below run on the exact 64-bit values
 * (BigInt), as Linux's do on unsigned long arithmetic (PAGE_ALIGN wraps to 0 past 2^64 - 4096, a
 * range's end may wrap), and a value becomes a number only once it is known to lie within
 * TASK_SIZE (2^38), where a number is exact.
 */
const TASK_SIZE64 = BigInt(TASK_SIZE);
/** Linux PAGE_ALIGN on an unsigned long */
const pageAlign64 = (v: bigint): bigint => BigInt.asUintN(64, v + 0xfffn) & ~0xfffn;
/** offset_in_page */
const inPage = (v: bigint): boolean => (v & 0xfffn) !== 0n;

/** brk: growth is accounted like any private writable mapping (Linux: do_brk_flags) */
export const sysBrk: Handler = (k, t, r) => {
  const mm = t.mm!;
  const want = uarg(r, 0);
  const grow = (pageUp(want) - pageUp(mm.brk)) / PAGE_SIZE;
  if (grow > 0 && want >= mm.brkStart && !vmEnoughMemory(k, t, grow)) return mm.brk;
  return mm.setBrk(want);
};

/** mmap(addr, length, prot, flags, fd, offset) */
export const sysMmap: Handler = (k, t, r) => {
  const mm = t.mm!;
  const addr64 = uarg64(r, 0);
  const len64 = uarg64(r, 1);
  const prot = iarg(r, 2);
  const flags = iarg(r, 3);
  const fd = iarg(r, 4);
  const off64 = uarg64(r, 5);
  const type = flags & 3;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -E.EINVAL;
  if (len64 === 0n) return -E.EINVAL;
  if (inPage(off64)) return -E.EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) return -E.EINVAL;
  // do_mmap: PAGE_ALIGN(len) of 0 (wrapped) and a length past TASK_SIZE are ENOMEM
  const size64 = pageAlign64(len64);
  if (size64 === 0n || size64 > TASK_SIZE64) return -E.ENOMEM;
  const size = Number(size64);
  // the page offset is at most 2^52: exact as a number (pgoff + pages cannot wrap on 64-bit)
  const pgoff = Number(off64 >> 12n);
  // a hint beyond user space is no hint; a fixed address there is refused below
  let addr = addr64 > TASK_SIZE64 ? TASK_SIZE : Number(addr64);
  let file: MappableFile | null = null;
  let sharedObj: ShmObject | null = null;
  const shared = type !== MAP_PRIVATE;
  if ((flags & MAP_ANONYMOUS) === 0) {
    const f = t.files.lookup(fd);
    if (f === null) return -E.EBADF;
    if ((f.node.mode & 0o170000) !== S_IFREG && f.node.fileOps() === null) return -E.EACCES;
    if (!f.readable) return -E.EACCES;
    if (shared && (prot & PROT_WRITE) && !f.writable) return -E.EACCES;
    const node = f.node;
    file = { path: f.path, size: () => node.size(), readAt: (p, d, o, l) => node.readAt(p, d, o, l) };
    if (shared && node instanceof TmpFile) {
      sharedObj = node.sharedObject();
    } else if (shared && (prot & PROT_WRITE)) {
      return refuse(E.ENODEV, "writable MAP_SHARED mappings are implemented for in-memory files only");
    }
  }
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    // __get_unmapped_area: past TASK_SIZE (ENOMEM) before the alignment (EINVAL)
    if (addr64 + size64 > TASK_SIZE64) return -E.ENOMEM;
    if (inPage(addr64)) return -E.EINVAL;
    if (flags & MAP_FIXED_NOREPLACE && !(flags & MAP_FIXED) && !mm.isFree(addr, addr + size)) return -E.EEXIST;
  } else {
    addr -= addr % PAGE_SIZE;
    if (addr === 0 || addr < 65536 || addr + size > TASK_SIZE || !mm.isFree(addr, addr + size)) addr = mm.findFree(size);
    if (addr < 0) return -E.ENOMEM;
  }
  // Linux do_mmap: too many mappings (vm.max_map_count), or no memory for another VMA; then
  // mmap_region's accountable_mapping and security_vm_enough_memory (vm.overcommit_memory)
  if (mm.mapCountExceeded || k.frames.free <= 0) return -E.ENOMEM;
  const accountable = (!shared && prot & PROT_WRITE) || (shared && file === null);
  if (accountable && (!(flags & MAP_NORESERVE) || k.vm.overcommitMemory === OVERCOMMIT_NEVER) && !vmEnoughMemory(k, t, size / PAGE_SIZE)) {
    return refuse(E.ENOMEM, "the mapping exceeds the commit limit (vm.overcommit_memory)");
  }
  if (sharedObj !== null) mm.mapSharedFile(addr, size, prot, sharedObj, file!, pgoff, t.files.lookup(fd)!.writable);
  // a read-only MAP_SHARED view of a host file: pages read from the file, never writable
  else mm.map(addr, size, prot, shared, file, pgoff, "");
  return addr;
};

export const sysMunmap: Handler = (_k, t, r) => {
  const start = uarg64(r, 0);
  const len64 = uarg64(r, 1);
  // Linux do_vmi_munmap: offset_in_page(start) || start > TASK_SIZE || len > TASK_SIZE - start
  if (inPage(start) || start > TASK_SIZE64 || len64 > TASK_SIZE64 - start || len64 === 0n) return -E.EINVAL;
  const addr = Number(start);
  const len = Number(len64);
  if (t.mm!.splitRefused(addr, addr + pageUp(len), true)) return -E.ENOMEM;
  t.mm!.unmap(addr, pageUp(len));
  return 0;
};

export const sysMprotect: Handler = (_k, t, r) => {
  const start = uarg64(r, 0);
  const len64 = uarg64(r, 1);
  const prot = iarg(r, 2);
  if (inPage(start)) return -E.EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000)) return -E.EINVAL;
  if (len64 === 0n) return 0;
  // do_mprotect_pkey: end = start + PAGE_ALIGN(len), ENOMEM when it wraps; past TASK_SIZE no VMA
  const end = start + pageAlign64(len64);
  if (end <= start || end > (1n << 64n) - 1n || end > TASK_SIZE64) return -E.ENOMEM;
  const addr = Number(start);
  const len = Number(end - start);
  const mm = t.mm!;
  if (mm.splitRefused(addr, addr + pageUp(len), false)) return -E.ENOMEM;
  if (prot & PROT_WRITE) {
    // Linux: a shared mapping of a file opened read-only cannot become writable (no VM_MAYWRITE);
    // nor here one of a host file, whose pages are copies without a page cache to write back
    for (let a = addr; a < addr + pageUp(len); ) {
      const v = mm.findVma(a);
      if (v === null) break;
      if (!v.mayWrite) return refuse(E.EACCES, v.obj === null ? "a shared mapping of a host file cannot be made writable" : "a shared mapping of a file opened read-only");
      a = v.end;
    }
  }
  return mm.protect(addr, pageUp(len), prot & 7) ? 0 : -E.ENOMEM;
};

const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;

export const sysMremap: Handler = (k, t, r) => {
  const old64 = uarg64(r, 0);
  const oldLen64 = pageAlign64(uarg64(r, 1));
  const newLen64 = pageAlign64(uarg64(r, 2));
  const flags = iarg(r, 3);
  if (inPage(old64) || newLen64 === 0n) return -E.EINVAL;
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | 4)) return -E.EINVAL;
  // check_mremap_params: a new length past TASK_SIZE is "silly" (EINVAL); then no VMA lies
  // beyond TASK_SIZE (vma_lookup fails, EFAULT)
  if (newLen64 > TASK_SIZE64) return -E.EINVAL;
  if (old64 >= TASK_SIZE64 || old64 + oldLen64 > TASK_SIZE64) return -E.EFAULT;
  const old = Number(old64);
  const oldLen = Number(oldLen64);
  const newLen = Number(newLen64);
  if (flags & MREMAP_FIXED) {
    return refuse(E.EINVAL, "MREMAP_FIXED is not implemented yet");
  }
  return t.mm!.remap(old, oldLen, newLen, (flags & MREMAP_MAYMOVE) !== 0);
};

const MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3, MADV_DONTNEED = 4, MADV_FREE = 8;

export const sysMadvise: Handler = (_k, t, r) => {
  const start = uarg64(r, 0);
  const lenIn = uarg64(r, 1);
  const advice = iarg(r, 2);
  // madvise_behavior_valid comes first
  if (!((advice >= 0 && advice <= 4) || (advice >= 8 && advice <= 25))) return -E.EINVAL;
  if (inPage(start)) return -E.EINVAL;
  // do_madvise: a length that PAGE_ALIGN wraps, or a range that wraps, is EINVAL; nothing is 0
  const len64 = pageAlign64(lenIn);
  if (lenIn !== 0n && len64 === 0n) return -E.EINVAL;
  if (start + len64 > (1n << 64n) - 1n) return -E.EINVAL;
  if (len64 === 0n) return 0;
  // beyond TASK_SIZE there are no VMAs: what an unmapped range gives
  const addr = start > TASK_SIZE64 ? TASK_SIZE : Number(start);
  const len = len64 > TASK_SIZE64 ? TASK_SIZE : Number(len64);
  switch (advice) {
    case MADV_DONTNEED:
    case MADV_FREE:
      return t.mm!.dontNeed(addr, len) ? 0 : -E.ENOMEM;
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
      return 0;
    default:
      // hints Linux accepts (hugepages, fork/dump controls) change nothing we model
      return 0;
  }
};

const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;

/** msync: shared file mappings and the file are one page cache here, so there is nothing to write back */
export const sysMsync: Handler = (_k, t, r) => {
  const start = uarg64(r, 0);
  const flags = iarg(r, 2);
  if (inPage(start) || flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || (flags & MS_ASYNC && flags & MS_SYNC)) return -E.EINVAL;
  // Linux msync: len rounded up (wrapping), end < start is ENOMEM, end == start nothing to do
  const len64 = pageAlign64(uarg64(r, 1));
  if (start + len64 > (1n << 64n) - 1n) return -E.ENOMEM;
  if (len64 === 0n) return 0;
  if (start + len64 > TASK_SIZE64) return -E.ENOMEM;
  const addr = Number(start);
  const len = Number(len64);
  for (let a = addr; a < addr + len; ) {
    const v = t.mm!.findVma(a);
    if (v === null) return -E.ENOMEM;
    a = v.end;
  }
  return 0;
};
