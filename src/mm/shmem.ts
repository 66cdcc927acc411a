// The pages of a memory object (Linux: a shmem inode's address_space): MAP_SHARED anonymous
// memory, System V segments and the data of tmpfs files.
//
// Page-table entries of a shared mapping point at the object's frames, so a process and
// its fork()ed children fault in the same frame for the same page even if the page was
// never touched before fork. Pages are kept sparsely in leaves of 512 (2 MiB of object), as
// Linux's xarray does, so a huge sparse object costs only the pages it holds.

import { FramePool } from "./frames.js";
import { Shared } from "../base/refcount.js";

const LEAF_SHIFT = 9;
const LEAF_PAGES = 1 << LEAF_SHIFT;
/** host bytes of one leaf (its Int32Array and the map entry), charged to guest memory */
const LEAF_BYTES = LEAF_PAGES * 4 + 96;

/** refuses new pages beyond a filesystem's size (tmpfs: size=, Linux shmem_inode_acct_blocks) */
export interface PageLimit {
  take(): boolean;
  give(n: number): void;
}

/** its users are the VMAs (in any address space) that map it, plus its owner's reference */
export class ShmObject extends Shared {
  private leaves = new Map<number, Int32Array>();
  /** the last leaf looked up (sequential access stays off the map) */
  private lastKey = -1;
  private lastLeaf: Int32Array | null = null;
  /** pages the object is sized to (mappings may fault up to here); holes cost nothing */
  private pages: number;
  /** frames held */
  present = 0;
  readonly id: number;
  private static nextId = 1;
  /** charged to the filesystem for every new page; null: only memory limits */
  limit: PageLimit | null = null;

  constructor(readonly frames: FramePool, pages: number) {
    super();
    this.id = ShmObject.nextId++;
    this.pages = pages;
  }

  get size(): number {
    return this.pages;
  }

  private leaf(i: number, create: boolean): Int32Array | null {
    const key = Math.floor(i / LEAF_PAGES);
    if (key === this.lastKey) return this.lastLeaf;
    let l = this.leaves.get(key) ?? null;
    if (l === null) {
      if (!create) return null;
      l = new Int32Array(LEAF_PAGES);
      this.leaves.set(key, l);
      this.frames.forceCharge(LEAF_BYTES);
    }
    this.lastKey = key;
    this.lastLeaf = l;
    return l;
  }

  /** the frame holding page i, allocated zero-filled on first use; 0 when memory is exhausted,
   *  -1 when the filesystem is full */
  frame(i: number, force = false): number {
    if (i >= this.pages) this.grow(i + 1);
    const l = this.leaf(i, true)!;
    const o = i & (LEAF_PAGES - 1);
    let f = l[o];
    if (f === 0) {
      if (this.limit !== null && !this.limit.take()) return -1;
      f = this.frames.alloc(true, force);
      if (f === 0) {
        this.limit?.give(1);
        return 0;
      }
      l[o] = f;
      this.present++;
      this.frames.stats.shmem++;
    }
    return f;
  }

  /** the frame of page i if it exists (no allocation), else 0 */
  peek(i: number): number {
    const l = this.leaf(i, false);
    return l === null ? 0 : l[i & (LEAF_PAGES - 1)];
  }

  /** drop the pages from `from` on (file truncation); how many were held */
  truncate(from: number): number {
    let gone = 0;
    for (const [key, l] of [...this.leaves]) {
      const base = key * LEAF_PAGES;
      if (base + LEAF_PAGES <= from) continue;
      for (let o = Math.max(0, from - base); o < LEAF_PAGES; o++) {
        if (l[o] !== 0) {
          this.frames.decRef(l[o]);
          l[o] = 0;
          gone++;
        }
      }
      if (base >= from) {
        this.leaves.delete(key);
        this.frames.uncharge(LEAF_BYTES);
      }
    }
    this.lastKey = -1;
    this.lastLeaf = null;
    this.present -= gone;
    this.frames.stats.shmem -= gone;
    this.limit?.give(gone);
    return gone;
  }

  grow(pages: number): void {
    if (pages > this.pages) this.pages = pages;
  }

  /** called when the last user is gone (System V segments clean up their id) */
  onLastPut: (() => void) | null = null;
  /** only the owner's reference is left (a System V segment with no attaches) */
  onDetachAll: (() => void) | null = null;

  override put(): void {
    super.put();
    if (this.users === 1) this.onDetachAll?.();
  }

  protected override release(): void {
    this.onLastPut?.();
    this.truncate(0);
  }
}
