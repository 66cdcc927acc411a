// Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise (Linux: mm/mmap.c, mm/mprotect.c).

import * as E from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
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
  let addr = uarg(r, 0);
  const len = uarg(r, 1);
  const prot = iarg(r, 2);
  const flags = iarg(r, 3);
  const fd = iarg(r, 4);
  const off = uarg(r, 5);
  const type = flags & 3;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -E.EINVAL;
  if (len === 0) return -E.EINVAL;
  if (off % PAGE_SIZE !== 0) return -E.EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) return -E.EINVAL;
  const size = pageUp(len);
  if (size > TASK_SIZE) return -E.ENOMEM;
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
    if (addr % PAGE_SIZE !== 0) return -E.EINVAL;
    if (addr + size > TASK_SIZE) return -E.ENOMEM;
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
  if (sharedObj !== null) mm.mapSharedFile(addr, size, prot, sharedObj, file!, off / PAGE_SIZE, t.files.lookup(fd)!.writable);
  // a read-only MAP_SHARED view of a host file: pages read from the file, never writable
  else mm.map(addr, size, prot, shared, file, off / PAGE_SIZE, "");
  return addr;
};

export const sysMunmap: Handler = (_k, t, r) => {
  const addr = uarg(r, 0);
  const len = uarg(r, 1);
  if (addr % PAGE_SIZE !== 0 || len === 0 || addr + len > TASK_SIZE) return -E.EINVAL;
  if (t.mm!.splitRefused(addr, addr + pageUp(len), true)) return -E.ENOMEM;
  t.mm!.unmap(addr, pageUp(len));
  return 0;
};

export const sysMprotect: Handler = (_k, t, r) => {
  const addr = uarg(r, 0);
  const len = uarg(r, 1);
  const prot = iarg(r, 2);
  if (addr % PAGE_SIZE !== 0) return -E.EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000)) return -E.EINVAL;
  if (len === 0) return 0;
  if (addr + pageUp(len) > TASK_SIZE) return -E.ENOMEM;
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
  const old = uarg(r, 0);
  const oldLen = pageUp(uarg(r, 1));
  const newLen = pageUp(uarg(r, 2));
  const flags = iarg(r, 3);
  if (old % PAGE_SIZE !== 0 || newLen === 0) return -E.EINVAL;
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | 4)) return -E.EINVAL;
  if (flags & MREMAP_FIXED) {
    return refuse(E.EINVAL, "MREMAP_FIXED is not implemented yet");
  }
  return t.mm!.remap(old, oldLen, newLen, (flags & MREMAP_MAYMOVE) !== 0);
};

const MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3, MADV_DONTNEED = 4, MADV_FREE = 8;

export const sysMadvise: Handler = (_k, t, r) => {
  const addr = uarg(r, 0);
  const len = pageUp(uarg(r, 1));
  const advice = iarg(r, 2);
  if (addr % PAGE_SIZE !== 0) return -E.EINVAL;
  switch (advice) {
    case MADV_DONTNEED:
    case MADV_FREE:
      return t.mm!.dontNeed(addr, len) ? 0 : -E.ENOMEM;
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
      return 0;
    default:
      // hints Linux accepts (hugepages, fork/dump controls) change nothing we model
      return advice >= 9 && advice <= 25 ? 0 : -E.EINVAL;
  }
};

const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;

/** msync: shared file mappings and the file are one page cache here, so there is nothing to write back */
export const sysMsync: Handler = (_k, t, r) => {
  const addr = uarg(r, 0);
  const len = pageUp(uarg(r, 1));
  const flags = iarg(r, 2);
  if (addr % PAGE_SIZE !== 0 || flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || (flags & MS_ASYNC && flags & MS_SYNC)) return -E.EINVAL;
  for (let a = addr; a < addr + len; ) {
    const v = t.mm!.findVma(a);
    if (v === null) return -E.ENOMEM;
    a = v.end;
  }
  return 0;
};
