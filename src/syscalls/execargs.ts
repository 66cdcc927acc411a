// execve's argument and environment strings read from user memory into host memory that is
// charged to guest memory first (Linux: fs/exec.c count, copy_strings, get_arg_page).
//
// The strings live in a few large arena chunks, each string a view of one, so 200,000 short
// arguments cost 200,000 small views rather than 200,000 buffers; every chunk and every view is
// charged against --memory before it is made, and given back when the execve is over (the new
// program's copy is on its stack, in guest memory).

import * as E from "../base/errno.js";
import type { Mm } from "../mm/mm.js";
import { type FramePool, PAGE_SIZE } from "../mm/frames.js";
import { MAX_ARG_STRLEN } from "../kernel/exec.js";

/** host bytes one string costs besides its bytes (its view of the arena and the array slot), an
 *  estimate of V8's object sizes, charged with it */
export const ARG_VIEW_BYTES = 96;
/** the arena grows by chunks of this size (or one string's size when larger) */
const CHUNK = 64 * 1024;
/** the first look for a string's NUL reads this much (most arguments are short) */
const FIRST_READ = 64;

export class ArgArena {
  private chunk = new Uint8Array(0);
  private used = 0;
  private charged = 0;
  /** where a string is read before it is known to fit (one per execve, charged) */
  private scratch: Uint8Array | null = null;

  constructor(private readonly frames: FramePool) {}

  private charge(n: number): boolean {
    if (!this.frames.charge(n)) return false;
    this.charged += n;
    return true;
  }

  /** give every charged byte back (the execve is over) */
  release(): void {
    this.frames.uncharge(this.charged);
    this.charged = 0;
    this.chunk = new Uint8Array(0);
    this.scratch = null;
  }

  /**
   * One NUL-terminated string at addr, at most max bytes with its NUL: a view of the arena
   * without the NUL, -EFAULT on a bad address, -E2BIG when it is longer (Linux: strnlen_user
   * then copy_strings) or when guest memory cannot hold it (get_arg_page failing is E2BIG).
   */
  read(mm: Mm, addr: number, max: number): Uint8Array | number {
    if (this.scratch === null) {
      if (!this.charge(MAX_ARG_STRLEN)) return -E.E2BIG;
      this.scratch = new Uint8Array(MAX_ARG_STRLEN);
    }
    const buf = this.scratch;
    let len = 0;
    let step = FIRST_READ;
    for (;;) {
      const a = addr + len;
      // never past the page the bytes are on before the NUL is found there
      const n = Math.min(step, PAGE_SIZE - (a % PAGE_SIZE), Math.min(max, buf.length) - len);
      if (n <= 0) return -E.E2BIG;
      if (!mm.readInto(a, buf, len, n)) return -E.EFAULT;
      const z = buf.subarray(len, len + n).indexOf(0);
      if (z >= 0) {
        len += z;
        break;
      }
      len += n;
      step = PAGE_SIZE;
    }
    if (len + 1 > max) return -E.E2BIG;
    if (!this.charge(ARG_VIEW_BYTES)) return -E.E2BIG;
    if (this.used + len > this.chunk.length) {
      const size = Math.max(CHUNK, len);
      if (!this.charge(size)) return -E.E2BIG;
      this.chunk = new Uint8Array(size);
      this.used = 0;
    }
    const out = this.chunk.subarray(this.used, this.used + len);
    out.set(buf.subarray(0, len));
    this.used += len;
    return out;
  }
}
