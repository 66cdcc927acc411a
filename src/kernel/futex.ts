// Futexes (Linux: kernel/futex/*): wait queues keyed by address. Private futexes (and any
// futex in a private mapping) are keyed by (mm, virtual address); futexes in MAP_SHARED
// memory by (backing object, offset), so processes sharing the memory meet on one queue
// whatever addresses they mapped it at, and a copy-on-write break elsewhere cannot split it.

import * as E from "../base/errno.js";
import type { Kernel } from "./kernel.js";
import type { Task } from "./task.js";
import type { Mm } from "../mm/mm.js";
import { PAGE_SIZE } from "../mm/frames.js";
import { vtid } from "./pidns.js";

export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5,
  FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
export const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
export const FUTEX_BITSET_MATCH_ANY = -1;
export const FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;

export interface FutexWaiter {
  task: Task;
  key: string;
  bitset: number;
  woken: boolean;
}

/** the key of a futex word, or -EFAULT / -EINVAL */
export function futexKey(mm: Mm, addr: number, priv: boolean): string | number {
  if (addr % 4 !== 0) return -E.EINVAL;
  // a private key is just (mm, address): nothing needs to be mapped (Linux: get_futex_key)
  if (priv) return `p${mm.id}:${addr}`;
  const vma = mm.findVma(addr);
  if (vma === null) return -E.EFAULT;
  if (vma.shared && vma.obj !== null) {
    const pg = vma.pgoff + Math.floor((addr - vma.start) / PAGE_SIZE);
    return `s${vma.obj.id}:${pg * PAGE_SIZE + (addr % PAGE_SIZE)}`;
  }
  // a shared futex in private anonymous memory is keyed like a private one but apart from it,
  // and needs a writable page
  if (!(vma.prot & 2)) return -E.EFAULT;
  return `m${mm.id}:${addr}`;
}

export class Futexes {
  readonly queues = new Map<string, FutexWaiter[]>();

  enqueue(w: FutexWaiter): void {
    const q = this.queues.get(w.key);
    if (q) q.push(w);
    else this.queues.set(w.key, [w]);
  }

  remove(w: FutexWaiter): void {
    const q = this.queues.get(w.key);
    if (!q) return;
    const i = q.indexOf(w);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) this.queues.delete(w.key);
  }

  /** wake up to n waiters whose bitset matches */
  wake(k: Kernel, key: string, n: number, bitset = FUTEX_BITSET_MATCH_ANY): number {
    const q = this.queues.get(key);
    if (!q) return 0;
    let woken = 0;
    for (let i = 0; i < q.length && woken < n; ) {
      const w = q[i];
      if ((w.bitset & bitset) === 0) {
        i++;
        continue;
      }
      q.splice(i, 1);
      w.woken = true;
      w.task.wake();
      woken++;
    }
    if (q.length === 0) this.queues.delete(key);
    return woken;
  }

  /** wake n, then move up to n2 of the rest to key2 (FUTEX_REQUEUE) */
  requeue(k: Kernel, key: string, key2: string, n: number, n2: number): number {
    const woken = this.wake(k, key, n);
    const q = this.queues.get(key);
    let moved = 0;
    while (q && q.length > 0 && moved < n2) {
      const w = q.shift()!;
      w.key = key2;
      this.enqueue(w);
      moved++;
    }
    if (q && q.length === 0) this.queues.delete(key);
    return woken + moved;
  }
}

/** FUTEX_WAKE_OP's operation on the second word; returns [new value, condition] */
export function wakeOp(encoded: number, old: number): [number, boolean | null] | null {
  const op = (encoded >>> 28) & 7;
  const shift = ((encoded >>> 28) & 8) !== 0;
  const cmp = (encoded >>> 24) & 15;
  let oparg = (encoded << 8) >> 20; // sign-extended 12 bits
  const cmparg = (encoded << 20) >> 20;
  if (shift) {
    if (oparg < 0 || oparg > 31) oparg &= 31;
    oparg = 1 << oparg;
  }
  let nv: number;
  switch (op) {
    case 0: nv = oparg; break; // SET
    case 1: nv = (old + oparg) | 0; break; // ADD
    case 2: nv = old | oparg; break; // OR
    case 3: nv = old & ~oparg; break; // ANDN
    case 4: nv = old ^ oparg; break; // XOR
    default: return null;
  }
  let c: boolean | null;
  switch (cmp) {
    case 0: c = old === cmparg; break;
    case 1: c = old !== cmparg; break;
    case 2: c = old < cmparg; break;
    case 3: c = old <= cmparg; break;
    case 4: c = old > cmparg; break;
    case 5: c = old >= cmparg; break;
    default: c = null;
  }
  return [nv | 0, c];
}

/** FUTEX_WAKE on a shared futex word, as the kernel itself does for CLONE_CHILD_CLEARTID and
 *  robust lists */
export function futexWakeShared(k: Kernel, mm: Mm, addr: number, n: number): number {
  const key = futexKey(mm, addr, false);
  return typeof key === "string" ? k.futex.wake(k, key, n) : 0;
}

/** at exit: mark futexes on the robust list owner-died and wake a waiter (Linux: exit_robust_list) */
export function exitRobustList(k: Kernel, t: Task): void {
  const mm = t.mm;
  if (!mm || t.robustList === 0) return;
  const head = t.robustList;
  const next0 = mm.readU64(head);
  const offBytes = mm.read(head + 8, 8);
  const pending = mm.readU64(head + 16);
  if (next0 === null || offBytes === null || pending === null) return;
  // futex_offset is signed (glibc uses a negative one); read its halves as such
  const odv = new DataView(offBytes.buffer);
  const off = odv.getInt32(4, true) * 4294967296 + odv.getUint32(0, true);
  const handle = (entry: number) => {
    const addr = entry + off;
    const v = mm.readU32(addr);
    if (v === null || (v & FUTEX_TID_MASK) !== vtid(t, t)) return;
    const nv = ((v & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0;
    mm.writeU32(addr, nv);
    if (v & FUTEX_WAITERS) {
      futexWakeShared(k, mm, addr, 1);
    }
  };
  let e = next0;
  for (let n = 0; e !== head && e !== 0 && n < 2048; n++) {
    const next = mm.readU64(e);
    if (e !== pending) handle(e);
    if (next === null) break;
    e = next;
  }
  if (pending !== 0) handle(pending);
}
