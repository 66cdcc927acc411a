// The backing object of MAP_SHARED anonymous memory (Linux: a shmem inode).
//
// Page-table entries of a shared mapping point at the object's frames, so a process and
// its fork()ed children fault in the same frame for the same page even if the page was
// never touched before fork.

import { FramePool } from "./frames.js";
import { Shared } from "../base/refcount.js";

/** its users are the VMAs (in any address space) that map it, plus its owner's reference */
export class ShmObject extends Shared {
  private pages: Int32Array;
  readonly id: number;
  private static nextId = 1;

  constructor(readonly frames: FramePool, pages: number) {
    super();
    this.id = ShmObject.nextId++;
    this.pages = new Int32Array(pages);
  }

  get size(): number {
    return this.pages.length;
  }

  /** the frame holding page i, allocated zero-filled on first use; 0 when memory is exhausted */
  frame(i: number): number {
    if (i >= this.pages.length) this.grow(i + 1);
    let f = this.pages[i];
    if (f === 0) {
      f = this.frames.alloc();
      this.pages[i] = f;
    }
    return f;
  }

  /** the frame of page i if it exists (no allocation), else 0 */
  peek(i: number): number {
    return i < this.pages.length ? this.pages[i] : 0;
  }

  /** drop the pages from `from` on (file truncation) */
  truncate(from: number): void {
    for (let i = from; i < this.pages.length; i++) {
      if (this.pages[i] !== 0) this.frames.decRef(this.pages[i]);
      this.pages[i] = 0;
    }
  }

  grow(pages: number): void {
    if (pages <= this.pages.length) return;
    const p = new Int32Array(pages);
    p.set(this.pages);
    this.pages = p;
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
    for (let i = 0; i < this.pages.length; i++) if (this.pages[i] !== 0) this.frames.decRef(this.pages[i]);
    this.pages = new Int32Array(0);
  }
}
