// Guest buffers and iovec arrays as the kernel copies them, within Linux's limits (Linux:
// lib/iov_iter.c import_iovec/import_ubuf, include/linux/fs.h MAX_RW_COUNT, uio.h UIO_MAXIOV).
// Every length a guest passes goes through here before the host allocates anything: a user
// buffer is copied in pieces of at most COPY_CHUNK bytes, never as one array of the guest's size.

import * as E from "../base/errno.js";
import { TASK_SIZE } from "../mm/pagetable.js";
import { PAGE_SIZE } from "../mm/frames.js";
import type { Mm } from "../mm/mm.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { RLIM_INFINITY, RLIMIT_FSIZE, rlimitExact } from "../kernel/rlimit.js";
import { MAX_LFS_FILESIZE, loffSpan, type Loff } from "../base/loff.js";
import { sendToThread } from "../kernel/sigdeliver.js";
import { SIGXFSZ, SI_USER } from "../kernel/signals.js";

/** the most one read or write moves (INT_MAX & PAGE_MASK) */
export const MAX_RW_COUNT = 0x7ffff000;
/** the most iovec entries one call takes */
export const UIO_MAXIOV = 1024;
/** the most of a user buffer copied into one host array; larger writes reach the file in pieces.
 *  Larger than any datagram a socket accepts (212,992 bytes) and than a pipe, so a piece is never
 *  visible to a guest: a datagram is whole or refused, a pipe write of PIPE_BUF stays atomic */
export const COPY_CHUNK = 256 * 1024;
/** the most of a datagram or netlink message gathered at once (those sockets refuse anything
 *  past their 212,992-byte buffer with EMSGSIZE anyway); stream sends go in COPY_CHUNK pieces */
export const MSG_MAX = 16 << 20;
/** net.core.optmem_max: the largest control buffer sendmsg takes (ENOBUFS past it) */
export const OPTMEM_MAX = 131072;

/** access_ok: the range lies in the user half of the address space */
export function accessOk(addr: number, len: number): boolean {
  return len >= 0 && len <= TASK_SIZE && addr >= 0 && addr <= TASK_SIZE - len;
}

/** (base, length) segments of user memory whose lengths add up to `count` <= MAX_RW_COUNT (Linux: struct iov_iter) */
export class UserIter {
  constructor(readonly segs: [number, number][], readonly count: number) {}

  /** copy_from_iter: up to `max` bytes starting `skip` bytes in; shorter when a page faults
   *  part-way, null when the first byte faults. Allocates at most `max` bytes. */
  copyIn(mm: Mm, skip: number, max = COPY_CHUNK): Uint8Array | null {
    const want = Math.max(0, Math.min(max, this.count - skip));
    const out = new Uint8Array(want);
    let got = 0;
    let pos = 0;
    for (const [base, len] of this.segs) {
      if (got === want) break;
      if (skip >= pos + len) {
        pos += len;
        continue;
      }
      let a = base + Math.max(0, skip - pos);
      let left = Math.min(len - Math.max(0, skip - pos), want - got);
      pos += len;
      while (left > 0) {
        const n = Math.min(left, PAGE_SIZE - (a % PAGE_SIZE));
        if (!mm.readInto(a, out, got, n)) return got > 0 ? out.subarray(0, got) : null;
        got += n;
        a += n;
        left -= n;
      }
    }
    return out.subarray(0, got);
  }

  /** the same segments with the count cut to n */
  upTo(n: number): UserIter {
    return n >= this.count ? this : new UserIter(this.segs, Math.max(0, n));
  }

  /** copy_to_iter: spread data over the segments; false on a fault */
  copyOut(mm: Mm, data: Uint8Array, n = data.length): boolean {
    let off = 0;
    for (const [base, len] of this.segs) {
      const k = Math.min(len, n - off);
      if (k <= 0) break;
      if (!mm.write(base, data, off, k)) return false;
      off += k;
    }
    return true;
  }
}

/** import_ubuf: one user buffer, its length cut to MAX_RW_COUNT */
export function importBuf(addr: number, len: number): UserIter | number {
  const n = Math.min(len, MAX_RW_COUNT);
  if (!accessOk(addr, n)) return -E.EFAULT;
  return new UserIter([[addr, n]], n);
}

/** read/write/pread64/pwrite64's buffer (Linux: vfs_read/vfs_write): the whole count must lie in
 *  user memory, then it is cut to MAX_RW_COUNT */
export function rwBuf(addr: number, count: number): UserIter | number {
  return accessOk(addr, count) ? importBuf(addr, count) : -E.EFAULT;
}

/** import_iovec: an iovec array of `cnt` entries; more than UIO_MAXIOV gives `tooMany` (readv and
 *  writev: EINVAL; sendmsg and recvmsg: EMSGSIZE), a negative length EINVAL, a range outside user
 *  memory EFAULT; lengths past MAX_RW_COUNT in total are cut */
export function importIovec(mm: Mm, addr: number, cnt: number, tooMany = -E.EINVAL): UserIter | number {
  if (cnt === 0) return new UserIter([], 0);
  if (!(cnt > 0 && cnt <= UIO_MAXIOV)) return tooMany;
  const raw = mm.read(addr, 16 * cnt);
  if (raw === null) return -E.EFAULT;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const segs: [number, number][] = [];
  // every length is looked at before any range (copy_iovec_from_user, then the access_ok loop)
  for (let i = 0; i < cnt; i++) {
    if (dv.getUint32(16 * i + 12, true) >= 0x80000000) return -E.EINVAL;
    const u64 = (o: number) => dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296;
    segs.push([u64(16 * i), u64(16 * i + 8)]);
  }
  let total = 0;
  for (const s of segs) {
    if (!accessOk(s[0], s[1])) return -E.EFAULT;
    s[1] = Math.min(s[1], MAX_RW_COUNT - total);
    total += s[1];
  }
  return new UserIter(segs, total);
}

/** RLIMIT_FSIZE and the largest file for a write of `count` bytes at `pos` of a regular file
 *  (Linux: generic_write_check_limits): at or past the limit SIGXFSZ and EFBIG, at or past
 *  s_maxbytes (MAX_LFS_FILESIZE; O_LARGEFILE is forced on 64-bit) EFBIG, else the count cut to
 *  both. Exact: the limit is read as Linux's loff_t (a limit of 2^63 or more that is not
 *  RLIM_INFINITY is negative there, so every write is past it) */
export function fsizeLimit(k: Kernel, t: Task, pos: Loff, count: number): number {
  const limit = rlimitExact(t, RLIMIT_FSIZE);
  if (limit !== RLIM_INFINITY) {
    const lim = BigInt.asIntN(64, limit);
    if (pos >= lim) {
      sendToThread(k, t, { signo: SIGXFSZ, code: SI_USER, sender: t, uid: t.cred.uid });
      return -E.EFBIG;
    }
    count = loffSpan(lim, pos, count);
  }
  if (pos >= MAX_LFS_FILESIZE) return -E.EFBIG;
  return loffSpan(MAX_LFS_FILESIZE, pos, count);
}

/** RLIMIT_FSIZE for growing a file to `size` by truncate (Linux: inode_newsize_ok, where the
 *  limit is an unsigned long) */
export function fsizeTruncate(k: Kernel, t: Task, oldSize: Loff, size: Loff): number {
  const limit = rlimitExact(t, RLIMIT_FSIZE);
  if (size <= oldSize || limit === RLIM_INFINITY || size <= limit) return 0;
  sendToThread(k, t, { signo: SIGXFSZ, code: SI_USER, sender: t, uid: t.cred.uid });
  return -E.EFBIG;
}
