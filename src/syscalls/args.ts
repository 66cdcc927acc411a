// Reading syscall arguments from a0..a5 and copying user memory, shared by every handler.

import { Regs } from "../cpu/regs.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import type { SysResult } from "../kernel/block.js";
import { loff, type Loff } from "../base/loff.js";


export type Handler = (k: Kernel, t: Task, r: Regs) => SysResult;

/*
 * Arguments are 64-bit registers, JS numbers are exact only up to 2^53. Every reader below either
 * returns the exact value (arg64/uarg64 as BigInt, the 32-bit readers, argHi) or converts to a
 * number only after a range check: `arg`/`uarg` return the exact value when it fits in 2^53, and a
 * saturated stand-in (±ARG_HUGE, UARG_HUGE) when it does not. The stand-ins keep the order and
 * the sign, and lie beyond every user address (TASK_SIZE is 2^38 under Sv39) and every size or
 * count Linux accepts, so a pointer, a buffer size or a count compared against a limit gets Linux's
 * answer; a quantity whose exact value matters above 2^53 (file offsets and sizes, resource
 * limits, the low bits of an address, flag words) is read with arg64/uarg64/argHi instead.
 */

/** what uarg gives for a value of 2^53 or more: 2^64, a value no register holds */
export const UARG_HUGE = 2 ** 64;
/** what arg gives for a value beyond ±2^53: ±2^63 with the value's sign */
export const ARG_HUGE = 2 ** 63;

/** argument i as a signed 64-bit value: exact within ±2^53, ±ARG_HUGE beyond */
export const arg = (r: Regs, i: number): number => {
  const hi = r.x[2 * (10 + i) + 1];
  // within ±2^53 exactly when the high half is in [-2^21, 2^21) (2^53 itself is exact too)
  if (hi >= -0x200000 && hi < 0x200000) return hi * 4294967296 + (r.x[2 * (10 + i)] >>> 0);
  return hi < 0 ? -ARG_HUGE : ARG_HUGE;
};
/** argument i as an unsigned 64-bit value (pointers, sizes): exact below 2^53, UARG_HUGE above */
export const uarg = (r: Regs, i: number): number => {
  const hi = r.x[2 * (10 + i) + 1] >>> 0;
  if (hi < 0x200000) return hi * 4294967296 + (r.x[2 * (10 + i)] >>> 0);
  return UARG_HUGE;
};
/** argument i exactly, as a signed 64-bit BigInt (loff_t, long) */
export const arg64 = (r: Regs, i: number): bigint => BigInt.asIntN(64, r.getBig(10 + i));
/** argument i exactly, as an unsigned 64-bit BigInt (unsigned long, u64) */
export const uarg64 = (r: Regs, i: number): bigint => r.getBig(10 + i);
/** argument i as a loff_t, exactly: a number when it is a safe integer, else a bigint (a Loff) */
export const loffArg = (r: Regs, i: number): Loff => {
  const hi = r.x[2 * (10 + i) + 1];
  if (hi >= -0x1fffff && hi < 0x1fffff) return hi * 4294967296 + (r.x[2 * (10 + i)] >>> 0);
  return loff(arg64(r, i));
};
/** the high 32 bits of argument i, unsigned (flag words: bits 32..63) */
export const argHi = (r: Regs, i: number): number => r.x[2 * (10 + i) + 1] >>> 0;
/** argument i as a C int (low 32 bits, signed) */
export const iarg = (r: Regs, i: number): number => r.x[2 * (10 + i)];
/** argument i as a C unsigned int */
export const u32arg = (r: Regs, i: number): number => r.x[2 * (10 + i)] >>> 0;

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_EMPTY_PATH = 0x1000;

/** store a non-negative 64-bit value little-endian: a number (exact below 2^53) or a bigint */
export function put64(dv: DataView, o: number, v: number | bigint): void {
  if (typeof v === "bigint") {
    dv.setBigUint64(o, BigInt.asUintN(64, v), true);
    return;
  }
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
