// Reading syscall arguments from a0..a5 and copying user memory, shared by every handler.

import { Regs } from "../cpu/regs.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import type { SysResult } from "../kernel/block.js";


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

/** store a non-negative 64-bit value (exact below 2^53) little-endian */
export function put64(dv: DataView, o: number, v: number): void {
  dv.setUint32(o, v % 4294967296, true);
  dv.setUint32(o + 4, Math.floor(v / 4294967296), true);
}

/** a struct timespec at offset o as ns, or -1 when it is not a valid time */
export function getTimespec(b: Uint8Array, o: number): number {
  const dv = new DataView(b.buffer, b.byteOffset);
  const sec = dv.getUint32(o, true) + dv.getInt32(o + 4, true) * 4294967296;
  const nsec = dv.getUint32(o + 8, true) + dv.getInt32(o + 12, true) * 4294967296;
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -1;
  return sec * 1e9 + nsec;
}

/** store ns as a struct timespec at offset o */
export function putTimespec(dv: DataView, o: number, ns: number): void {
  put64(dv, o, Math.floor(ns / 1e9));
  dv.setUint32(o + 8, ns % 1e9, true);
  dv.setUint32(o + 12, 0, true);
}
