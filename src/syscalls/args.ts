// Reading syscall arguments from a0..a5 and copying user memory, shared by every handler.

import { Regs } from "../cpu/regs.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import type { SysResult } from "../kernel/errno.js";

export type Handler = (k: Kernel, t: Task, r: Regs) => SysResult;

/** argument i as a signed 64-bit value (exact below 2^53) */
export const arg = (r: Regs, i: number): number => r.get(10 + i);
/** argument i as an unsigned 64-bit value (pointers, sizes) */
export const uarg = (r: Regs, i: number): number => r.getU(10 + i);
/** argument i as a C int (low 32 bits, signed) */
export const iarg = (r: Regs, i: number): number => r.x[2 * (10 + i)];
/** argument i as a C unsigned int */
export const u32arg = (r: Regs, i: number): number => r.x[2 * (10 + i)] >>> 0;

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_EMPTY_PATH = 0x1000;

export function u64le(v: number): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, v % 4294967296 >>> 0, true);
  dv.setInt32(4, Math.floor(v / 4294967296), true);
  return b;
}
