// A task's user-mode CPU state: plain typed arrays, so fork copies it with two slice()s.

export class Regs {
  /** x registers as int32 pairs: x[2r] low, x[2r+1] high; slot 32 (64, 65) absorbs writes to x0 */
  x = new Int32Array(66);
  /** f registers as raw bits, int32 pairs */
  f = new Int32Array(64);
  /** [0] fflags, [1] frm */
  fcsr = new Int32Array(2);
  pc = 0;
  /** instructions retired by this task */
  instret = 0;

  copy(): Regs {
    const r = new Regs();
    r.x.set(this.x);
    r.f.set(this.f);
    r.fcsr.set(this.fcsr);
    r.pc = this.pc;
    return r;
  }

  /** x register as a JS number (exact below 2^53; addresses and sizes) */
  get(r: number): number {
    return this.x[2 * r + 1] * 4294967296 + (this.x[2 * r] >>> 0);
  }

  /** x register as an unsigned 64-bit value approximated by a number (for sizes/pointers) */
  getU(r: number): number {
    return (this.x[2 * r + 1] >>> 0) * 4294967296 + (this.x[2 * r] >>> 0);
  }

  /** low 32 bits of an x register as a signed int */
  get32(r: number): number {
    return this.x[2 * r];
  }

  set(r: number, v: number): void {
    if (r === 0) return;
    this.x[2 * r] = v | 0;
    this.x[2 * r + 1] = Math.floor(v / 4294967296) | 0;
  }

  setBig(r: number, v: bigint): void {
    if (r === 0) return;
    const u = BigInt.asUintN(64, v);
    this.x[2 * r] = Number(u & 0xffffffffn) | 0;
    this.x[2 * r + 1] = Number(u >> 32n) | 0;
  }

  getBig(r: number): bigint {
    return (BigInt(this.x[2 * r + 1] >>> 0) << 32n) | BigInt(this.x[2 * r] >>> 0);
  }
}

export const REG_RA = 1;
export const REG_SP = 2;
export const REG_TP = 4;
export const REG_A0 = 10;
export const REG_A7 = 17;
