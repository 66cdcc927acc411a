// n_tty's read buffer (drivers/tty/n_tty.c read_buf, read_flags and their heads) and the copies a
// read makes from it, canonical (one line, EOF markers dropped) or not.

import { DISABLED_CHAR } from "./termbits.js";
import { MASK, N_TTY_BUF_SIZE } from "./output.js";

/** iterate_tty_read's kernel_buf: the ldisc is asked for at most this much per call */
export const READ_CHUNK = 64;

/** the state n_tty_read keeps across sleeps: the first ldisc call of iterate_tty_read */
export class LdiscRead {
  /** kernel buffer of the first chunk, then of the continuation copies */
  readonly buf: Uint8Array;
  /** bytes of `buf` filled */
  got = 0;
  started = false;
  minimum = 0;
  time = 0;
  /** absolute ns after which the wait is over; Infinity: no timeout */
  deadline = Infinity;
  oldTail = 0;
  constructor(readonly count: number) {
    this.buf = new Uint8Array(Math.min(count, N_TTY_BUF_SIZE + READ_CHUNK));
  }
}

export class ReadQueue {
  readonly buf = new Uint8Array(N_TTY_BUF_SIZE);
  /** set where a line ends (newline, VEOL, VEOL2, or an EOF stored as __DISABLED_CHAR) */
  readonly flags = new Uint8Array(N_TTY_BUF_SIZE);
  /** received up to; published to readers (non-canonical); last complete line (canonical); read up to */
  readHead = 0;
  commitHead = 0;
  canonHead = 0;
  readTail = 0;

  cnt(): number {
    return this.readHead - this.readTail;
  }

  rb(i: number): number {
    return this.buf[MASK(i)];
  }

  put(c: number): void {
    this.buf[MASK(this.readHead++)] = c;
  }

  /** reset_buffer_flags' part */
  reset(): void {
    this.readHead = this.canonHead = this.readTail = this.commitHead = 0;
    this.flags.fill(0);
  }

  /** copy_from_read_buf (non-canonical): true if more is left */
  copy(r: LdiscRead, nr: number, extprocEof: number): boolean {
    const head = this.commitHead;
    const tail = MASK(this.readTail);
    let n = Math.min(head - this.readTail, N_TTY_BUF_SIZE - tail);
    n = Math.min(nr, n, r.buf.length - r.got);
    if (n) {
      const isEof = n === 1 && this.buf[tail] === extprocEof;
      r.buf.set(this.buf.subarray(tail, tail + n), r.got);
      this.buf.fill(0, tail, tail + n);
      this.readTail += n;
      // EXTPROC: a lone EOF becomes a zero-length read
      if (isEof && head === this.readTail) return false;
      r.got += n;
      return head !== this.readTail;
    }
    return false;
  }

  /** canon_copy_from_read_buf: up to one line, EOF markers not copied; true if more is left */
  canonCopy(r: LdiscRead, nr: number): boolean {
    nr = Math.min(nr, r.buf.length - r.got);
    if (!nr) return false;
    const canonHead = this.canonHead;
    let n = Math.min(nr, canonHead - this.readTail);
    // find the first line end within n bytes
    let eolOff = -1;
    for (let k = 0; k < n; k++) {
      if (this.flags[MASK(this.readTail + k)]) {
        eolOff = k;
        break;
      }
    }
    const found = eolOff >= 0;
    if (found) n = eolOff;
    const c = n + (found ? 1 : 0);
    if (!found || this.rb(this.readTail + eolOff) !== DISABLED_CHAR) n = c;
    for (let k = 0; k < n; k++) r.buf[r.got + k] = this.rb(this.readTail + k);
    r.got += n;
    if (found) this.flags[MASK(this.readTail + eolOff)] = 0;
    this.readTail += c;
    if (found) return false;
    return this.readTail !== canonHead;
  }

  /** canon_skip_eof: a read that filled the buffer right before an EOF consumes the EOF */
  canonSkipEof(): void {
    if (this.readTail === this.canonHead) return;
    const tail = MASK(this.readTail);
    if (!this.flags[tail] || this.buf[tail] !== DISABLED_CHAR) return;
    this.flags[tail] = 0;
    this.readTail++;
  }
}
