// The inodes of generated filesystems (Linux: fs/proc/generic.c, fs/proc/base.c, fs/kernfs): files
// whose text is made from kernel state on every read, writable files that hand each write to
// a handler, symlinks and directories listed on demand. /proc and /sys are built from these by
// kernel/procview.ts and kernel/sysfsview.ts.

import { bytestr, strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { Node, S_IFDIR, S_IFLNK, S_IFREG } from "./node.js";
import type { Loc } from "./path.js";
import type { Loff } from "../base/loff.js";

/** st_dev of /proc and /sys (Linux: anonymous superblocks 0:4... here 0:4 and 0:5) */
export const PROC_DEV = 4;
export const SYSFS_DEV = 5;

export const text = strbytes;

export class ProcLink extends Node {
  constructor(private target: () => string, dev = PROC_DEV) {
    super(S_IFLNK | 0o777);
    this.dev = dev;
  }
  override readlink(): string {
    return this.target();
  }
}

/** a magic link (/proc/PID/ns/*, /proc/PID/fd/N, cwd, root, exe): reads as text; following it
 *  leads to the place (`loc`) or the object itself (`node`: a pipe, a namespace) */
export class MagicLink extends ProcLink {
  constructor(target: () => string, private node: () => Node | null, private loc: () => Loc | null = () => null) {
    super(target);
  }
  /** Linux follows every one of them with nd_jump_link: openat2's RESOLVE_NO_MAGICLINKS,
   *  RESOLVE_BENEATH and RESOLVE_IN_ROOT refuse them */
  override isMagicLink(): boolean {
    return true;
  }
  override magicTarget(): Node | null {
    return this.node();
  }
  override magicLoc(): Loc | null {
    return this.loc();
  }
}

/** a file generated on every read; writes are refused with EINVAL, as Linux does for a proc file
 *  without a write method (opening it for writing needs permission first) */
export class ProcFile extends Node {
  constructor(private gen: () => Uint8Array, mode = 0o444, dev = PROC_DEV, private fixedSize = 0) {
    super(S_IFREG | mode);
    this.dev = dev;
  }
  override size(): number {
    return this.fixedSize;
  }
  override readAt(pos: Loff, dst: Uint8Array, off: number, len: number): number {
    const d = this.gen();
    if (pos >= d.length || typeof pos !== "number") return 0;
    const n = Math.min(len, d.length - pos);
    dst.set(d.subarray(pos, pos + n), off);
    return n;
  }
  override writeAt(_pos: Loff, _src: Uint8Array, _off: number, _len: number): number {
    return -E.EINVAL;
  }
  override truncate(): number {
    return 0;
  }
}

/** a file whose writes go to a handler: each write(2) is one complete update; the handler returns
 *  the count it took or -errno (Linux: a proc file's ->write, a sysctl's proc_handler) */
export class ProcRwFile extends ProcFile {
  constructor(gen: () => Uint8Array, private put: (data: string, pos: number) => number, mode = 0o644, dev = PROC_DEV) {
    super(gen, mode, dev);
  }
  override writeAt(pos: Loff, src: Uint8Array, off: number, len: number): number {
    // a position past 2^53 is past any file's text: the handlers treat it as their largest
    const r = this.put(bytestr(src, off, off + len), typeof pos === "number" ? pos : Number.MAX_SAFE_INTEGER);
    return r < 0 ? r : Math.min(r, len);
  }
}

export type Entry = [string, () => Node];

export class ProcDir extends Node {
  /** hidden: names found by lookup that the listing leaves out */
  constructor(private list: () => Entry[], private hidden: (name: string) => Node | null = () => null, dev = PROC_DEV, mode = 0o555) {
    super(S_IFDIR | mode);
    this.dev = dev;
    this.nlink = 2;
  }
  override lookup(name: string): Node | null {
    const e = this.list().find(([n]) => n === name);
    return e ? e[1]() : this.hidden(name);
  }
  override entries(): [string, Node][] {
    return this.list().map(([n, f]) => [n, f()]);
  }
  override create(): number {
    return -E.EACCES;
  }
  override unlink(): number {
    return -E.EACCES;
  }
}

/** a generated file (text made on each read) */
export function file(gen: () => string, mode = 0o444, dev = PROC_DEV): Node {
  return new ProcFile(() => text(gen()), mode, dev);
}
