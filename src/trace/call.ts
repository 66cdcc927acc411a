// One traced syscall: its arguments as the task passed them (both 32-bit halves of each register,
// saved at entry, since the result overwrites a0), its result, and what a decoder needs to read
// guest memory. strace keeps the same per-call state in struct tcb (u_arg, u_rval).

import type { Task } from "../kernel/task.js";
import type { Regs } from "../cpu/regs.js";

export class Call {
  /** a0..a5 as int32 pairs (low, high) */
  readonly a = new Int32Array(12);
  /** the result's halves, set at exit */
  rlo = 0;
  rhi = 0;
  exiting = false;
  /** what the entry printed: strace's curcol != 0 */
  entryText = "";

  constructor(
    readonly t: Task, readonly nr: number, readonly name: string, readonly nargs: number, r: Regs,
    readonly strsize: number, readonly cloneNames: CloneNames,
  ) {
    this.a.set(r.x.subarray(20, 32));
  }

  lo(i: number): number {
    return this.a[2 * i];
  }
  hi(i: number): number {
    return this.a[2 * i + 1];
  }
  /** argument i as a C int */
  i32(i: number): number {
    return this.a[2 * i];
  }
  /** argument i as a C unsigned int */
  u32(i: number): number {
    return this.a[2 * i] >>> 0;
  }
  /** argument i as an unsigned number, exact below 2^53 (a count or size); Infinity above */
  num(i: number): number {
    const hi = this.a[2 * i + 1] >>> 0;
    return hi >= 0x200000 ? Infinity : hi * 4294967296 + (this.a[2 * i] >>> 0);
  }
  /** the result as a number (exact below 2^53 in magnitude) */
  get res(): number {
    return this.rhi * 4294967296 + (this.rlo >>> 0);
  }
  /** the call failed: the result is -4095..-1 */
  get failed(): boolean {
    return this.rhi === -1 && this.rlo < 0 && this.rlo >= -4095;
  }
  setResult(lo: number, hi: number): void {
    this.rlo = lo | 0;
    this.rhi = hi | 0;
  }
}

/** how the running personality names the bits of a clone flags word */
export type CloneNames = (lo: number, hi: number) => string;
