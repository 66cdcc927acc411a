// Three-level page tables in typed arrays, shared between address spaces copy-on-write.
//
// A user virtual address has 38 bits (Sv39's user half): root index [37:30] (256 entries),
// middle index [29:21] and leaf index [20:12] (512 entries each). Middle and leaf tables live
// in a pool and carry a reference count. fork() copies only the 256-entry root and takes a
// reference on each middle table it points to (On-Demand-Fork), so it costs the same at any
// memory size. A write through a shared table first copies that table (taking references on
// what it points to); only then may the entry change. A frame may be written in place only
// when every table on its path and the frame itself have a single reference.

import { FramePool } from "./frames.js";

export const VA_BITS = 38;
export const TASK_SIZE = 2 ** VA_BITS;
export const SLAB_SHIFT = 10; // 1024 tables of 512 entries per slab
export const SLAB_MASK = (1 << SLAB_SHIFT) - 1;

/** host bytes of one table (512 int32 entries), charged to guest memory as Linux charges page-table pages */
export const TABLE_BYTES = 2048;

export class TablePool {
  readonly slabs: Int32Array[] = [];
  /** guest memory tables are charged to (never refused: a fault that needs a table then needs a
   *  frame too, which is refused when memory is full, so the overshoot is bounded) */
  charge: FramePool | null = null;
  ref = new Int32Array(1 << SLAB_SHIFT);
  private free: number[] = [];
  private next = 1;
  inUse = 0;

  alloc(): number {
    let t: number;
    if (this.free.length > 0) {
      t = this.free.pop()!;
      this.slabs[t >>> SLAB_SHIFT].fill(0, (t & SLAB_MASK) << 9, ((t & SLAB_MASK) << 9) + 512);
    } else {
      t = this.next++;
      if (t >>> SLAB_SHIFT >= this.slabs.length) this.slabs.push(new Int32Array(512 << SLAB_SHIFT));
      if (t >= this.ref.length) {
        const r = new Int32Array(this.ref.length * 2);
        r.set(this.ref);
        this.ref = r;
      }
    }
    this.ref[t] = 1;
    this.inUse++;
    this.charge?.forceCharge(TABLE_BYTES);
    return t;
  }

  release(t: number): void {
    this.free.push(t);
    this.inUse--;
    this.charge?.uncharge(TABLE_BYTES);
  }
}

export class PageTable {
  readonly root: Int32Array;
  /** after slot(): the slab and index of the leaf entry, exclusively owned by this table */
  slab!: Int32Array;
  index = 0;

  constructor(readonly tables: TablePool, readonly frames: FramePool, root?: Int32Array) {
    this.root = root ?? new Int32Array(256);
  }

  /** the frame mapped at virtual page vpn, or 0 */
  lookup(vpn: number): number {
    const mid = this.root[vpn >>> 18];
    if (mid === 0) return 0;
    const s = this.tables.slabs[mid >>> SLAB_SHIFT];
    const leaf = s[((mid & SLAB_MASK) << 9) | ((vpn >>> 9) & 511)];
    if (leaf === 0) return 0;
    return this.tables.slabs[leaf >>> SLAB_SHIFT][((leaf & SLAB_MASK) << 9) | (vpn & 511)];
  }

  /** true when writing the frame at vpn in place cannot be seen through another table */
  exclusivePath(vpn: number): boolean {
    const mid = this.root[vpn >>> 18];
    if (mid === 0 || this.tables.ref[mid] !== 1) return false;
    const leaf = this.tables.slabs[mid >>> SLAB_SHIFT][((mid & SLAB_MASK) << 9) | ((vpn >>> 9) & 511)];
    return leaf !== 0 && this.tables.ref[leaf] === 1;
  }

  /** Make the path to vpn exclusive (copying shared tables, creating missing ones) and point
   *  this.slab/this.index at the leaf entry, which the caller may then change. */
  slot(vpn: number): void {
    const t = this.tables;
    const ri = vpn >>> 18;
    let mid = this.root[ri];
    if (mid === 0) mid = this.root[ri] = t.alloc();
    else if (t.ref[mid] > 1) mid = this.root[ri] = this.copyTable(mid, false);
    const ms = t.slabs[mid >>> SLAB_SHIFT];
    const mi = ((mid & SLAB_MASK) << 9) | ((vpn >>> 9) & 511);
    let leaf = ms[mi];
    if (leaf === 0) leaf = ms[mi] = t.alloc();
    else if (t.ref[leaf] > 1) leaf = ms[mi] = this.copyTable(leaf, true);
    this.slab = t.slabs[leaf >>> SLAB_SHIFT];
    this.index = ((leaf & SLAB_MASK) << 9) | (vpn & 511);
  }

  /** copy a shared table, taking a reference on everything it points to; drops our reference on the old one */
  private copyTable(old: number, isLeaf: boolean): number {
    const t = this.tables;
    const n = t.alloc();
    const src = t.slabs[old >>> SLAB_SHIFT];
    const so = (old & SLAB_MASK) << 9;
    const dst = t.slabs[n >>> SLAB_SHIFT];
    const dO = (n & SLAB_MASK) << 9;
    for (let i = 0; i < 512; i++) {
      const e = src[so + i];
      if (e !== 0) {
        dst[dO + i] = e;
        if (isLeaf) this.frames.incRef(e);
        else t.ref[e]++;
      }
    }
    t.ref[old]--;
    return n;
  }

  /** fork: a new table sharing every middle table with this one */
  fork(): PageTable {
    const root = this.root.slice();
    for (let i = 0; i < 256; i++) if (root[i] !== 0) this.tables.ref[root[i]]++;
    return new PageTable(this.tables, this.frames, root);
  }

  /** drop every mapping (exit, exec): unshared tables are freed, shared ones lose a reference */
  destroy(): void {
    for (let i = 0; i < 256; i++) {
      if (this.root[i] !== 0) this.putTable(this.root[i], false);
      this.root[i] = 0;
    }
  }

  private putTable(tid: number, isLeaf: boolean): void {
    const t = this.tables;
    if (--t.ref[tid] > 0) return;
    const s = t.slabs[tid >>> SLAB_SHIFT];
    const o = (tid & SLAB_MASK) << 9;
    for (let i = 0; i < 512; i++) {
      const e = s[o + i];
      if (e !== 0) {
        if (isLeaf) this.frames.decRef(e);
        else this.putTable(e, true);
      }
    }
    t.release(tid);
  }

  /** remove the mappings of pages [startVpn, endVpn); whole tables in range are dropped without visiting their entries */
  unmap(startVpn: number, endVpn: number): void {
    const t = this.tables;
    let v = startVpn;
    while (v < endVpn) {
      const ri = v >>> 18;
      const mid = this.root[ri];
      const midEnd = (ri + 1) << 18;
      if (mid === 0) {
        v = midEnd;
        continue;
      }
      if ((v & 0x3ffff) === 0 && endVpn >= midEnd) {
        this.putTable(mid, false);
        this.root[ri] = 0;
        v = midEnd;
        continue;
      }
      const leafEnd = ((v >>> 9) + 1) << 9;
      const ms = t.slabs[mid >>> SLAB_SHIFT];
      const leaf = ms[((mid & SLAB_MASK) << 9) | ((v >>> 9) & 511)];
      if (leaf === 0) {
        v = leafEnd;
        continue;
      }
      if ((v & 511) === 0 && endVpn >= leafEnd) {
        this.slotMid(v);
        this.putTable(leaf, true);
        this.slab[this.index] = 0;
        v = leafEnd;
        continue;
      }
      const stop = Math.min(endVpn, leafEnd);
      for (; v < stop; v++) {
        if (this.lookup(v) === 0) continue;
        this.slot(v);
        this.frames.decRef(this.slab[this.index]);
        this.slab[this.index] = 0;
      }
    }
  }

  /** make the root-to-middle path exclusive and point slab/index at the middle entry for vpn */
  private slotMid(vpn: number): void {
    const t = this.tables;
    const ri = vpn >>> 18;
    let mid = this.root[ri];
    if (t.ref[mid] > 1) mid = this.root[ri] = this.copyTable(mid, false);
    this.slab = t.slabs[mid >>> SLAB_SHIFT];
    this.index = ((mid & SLAB_MASK) << 9) | ((vpn >>> 9) & 511);
  }

  /** number of present leaf entries reachable from this table (for statistics; walks tables, not pages' contents) */
  /** page tables reachable from the root, the root included (VmPTE) */
  tableCount(): number {
    let n = 1;
    const t = this.tables;
    for (let i = 0; i < 256; i++) {
      const mid = this.root[i];
      if (mid === 0) continue;
      n++;
      const ms = t.slabs[mid >>> SLAB_SHIFT];
      const mo = (mid & SLAB_MASK) << 9;
      for (let j = 0; j < 512; j++) if (ms[mo + j] !== 0) n++;
    }
    return n;
  }

  /** present pages in [startVpn, endVpn), skipping tables that do not exist (/proc's RSS split) */
  countRange(startVpn: number, endVpn: number): number {
    let n = 0;
    const t = this.tables;
    for (let vpn = startVpn; vpn < endVpn; ) {
      const mid = this.root[vpn >>> 18];
      if (mid === 0) {
        vpn = (Math.floor(vpn / 262144) + 1) * 262144;
        continue;
      }
      const leaf = t.slabs[mid >>> SLAB_SHIFT][((mid & SLAB_MASK) << 9) | ((vpn >>> 9) & 511)];
      const next = Math.min(endVpn, (Math.floor(vpn / 512) + 1) * 512);
      if (leaf !== 0) {
        const ls = t.slabs[leaf >>> SLAB_SHIFT];
        const lo = (leaf & SLAB_MASK) << 9;
        for (let v = vpn; v < next; v++) if (ls[lo | (v & 511)] !== 0) n++;
      }
      vpn = next;
    }
    return n;
  }

  countPresent(): number {
    let n = 0;
    const t = this.tables;
    for (let i = 0; i < 256; i++) {
      const mid = this.root[i];
      if (mid === 0) continue;
      const ms = t.slabs[mid >>> SLAB_SHIFT];
      const mo = (mid & SLAB_MASK) << 9;
      for (let j = 0; j < 512; j++) {
        const leaf = ms[mo + j];
        if (leaf === 0) continue;
        const ls = t.slabs[leaf >>> SLAB_SHIFT];
        const lo = (leaf & SLAB_MASK) << 9;
        for (let k = 0; k < 512; k++) if (ls[lo + k] !== 0) n++;
      }
    }
    return n;
  }
}
