// n_tty's output side (drivers/tty/n_tty.c): OPOST processing with the column it tracks, and the
// echo buffer whose bytes and operations (^X pairs, tab erase, column moves) are written to the
// driver as room allows.

import { iscntrl, toupper } from "./ctype.js";
import { ECHO, ECHOCTL, ECHONL, IUTF8, OCRNL, OLCUC, ONLCR, ONLRET, ONOCR, OPOST, TABDLY, XTABS } from "./termbits.js";
import type { LdiscPort } from "./ldisc.js";

export const N_TTY_BUF_SIZE = 4096;
export const MASK = (i: number): number => i & (N_TTY_BUF_SIZE - 1);

const ECHO_OP_START = 0xff, ECHO_OP_MOVE_BACK_COL = 0x80, ECHO_OP_SET_CANON_COL = 0x81, ECHO_OP_ERASE_TAB = 0x82;
const ECHO_COMMIT_WATERMARK = 256, ECHO_BLOCK = 256, ECHO_DISCARD_WATERMARK = N_TTY_BUF_SIZE - (ECHO_BLOCK + 32);

export class NttyOutput {
  /** screen column of the output, and where the current input line started */
  column = 0;
  canonColumn = 0;
  private readonly echoBuf = new Uint8Array(N_TTY_BUF_SIZE);
  private echoHead = 0;
  private echoCommit = 0;
  private echoMark = 0;
  private echoTail = 0;

  constructor(private readonly port: LdiscPort) {}

  private get t() {
    return this.port.termios;
  }

  /** isig's part: the echo buffer is "output" and is flushed with it */
  clearEcho(): void {
    this.echoHead = this.echoTail = 0;
    this.echoMark = this.echoCommit = 0;
  }

  isContinuation(c: number): boolean {
    return (this.t.iflag & IUTF8) !== 0 && (c & 0xc0) === 0x80;
  }

  private putChar(c: number): void {
    const b = ONE;
    b[0] = c;
    this.port.driverWrite(b, 0, 1);
  }

  /** do_output_char: one byte with OPOST processing; bytes of space used, or -1 */
  doOutputChar(c: number, space: number): number {
    const o = this.t.oflag;
    if (!space) return -1;
    switch (c) {
      case 0x0a:
        if (o & ONLRET) this.column = 0;
        if (o & ONLCR) {
          if (space < 2) return -1;
          this.canonColumn = this.column = 0;
          this.port.driverWrite(CRLF, 0, 2);
          return 2;
        }
        this.canonColumn = this.column;
        break;
      case 0x0d:
        if (o & ONOCR && this.column === 0) return 0;
        if (o & OCRNL) {
          c = 0x0a;
          if (o & ONLRET) this.canonColumn = this.column = 0;
          break;
        }
        this.canonColumn = this.column = 0;
        break;
      case 0x09: {
        const spaces = 8 - (this.column & 7);
        if ((o & TABDLY) === XTABS) {
          if (space < spaces) return -1;
          this.column += spaces;
          this.port.driverWrite(SPACES, 0, spaces);
          return spaces;
        }
        this.column += spaces;
        break;
      }
      case 0x08:
        if (this.column > 0) this.column--;
        break;
      default:
        if (!iscntrl(c)) {
          if (o & OLCUC) c = toupper(c);
          if (!this.isContinuation(c)) this.column++;
        }
        break;
    }
    this.putChar(c);
    return 1;
  }

  /** process_output_block: the run of bytes that need no translation; bytes written */
  processOutputBlock(buf: Uint8Array, off: number, nr: number): number {
    const o = this.t.oflag;
    const space = this.port.writeRoom();
    if (space <= 0) return 0;
    if (nr > space) nr = space;
    let i = 0;
    scan: for (; i < nr; i++) {
      const c = buf[off + i];
      switch (c) {
        case 0x0a:
          if (o & ONLRET) this.column = 0;
          if (o & ONLCR) break scan;
          this.canonColumn = this.column;
          break;
        case 0x0d:
          if (o & ONOCR && this.column === 0) break scan;
          if (o & OCRNL) break scan;
          this.canonColumn = this.column = 0;
          break;
        case 0x09:
          break scan;
        case 0x08:
          if (this.column > 0) this.column--;
          break;
        default:
          if (!iscntrl(c)) {
            if (o & OLCUC) break scan;
            if (!this.isContinuation(c)) this.column++;
          }
          break;
      }
    }
    return i > 0 ? this.port.driverWrite(buf, off, i) : 0;
  }

  private addEcho(c: number): void {
    this.echoBuf[MASK(this.echoHead++)] = c;
  }

  private eb(i: number): number {
    return this.echoBuf[MASK(i)];
  }

  /** __process_echoes: write committed echo bytes while the driver has room */
  private processEchoesLocked(): number {
    let space = this.port.writeRoom();
    const oldSpace = space;
    let tail = this.echoTail;
    const opost = (this.t.oflag & OPOST) !== 0;
    out: while (MASK(this.echoCommit) !== MASK(tail)) {
      const c = this.eb(tail);
      if (c === ECHO_OP_START) {
        if (MASK(this.echoCommit) === MASK(tail + 1)) break out;
        const op = this.eb(tail + 1);
        switch (op) {
          case ECHO_OP_ERASE_TAB: {
            if (MASK(this.echoCommit) === MASK(tail + 2)) break out;
            let numChars = this.eb(tail + 2);
            if (!(numChars & 0x80)) numChars += this.canonColumn;
            let numBs = 8 - (numChars & 7);
            if (numBs > space) break out;
            space -= numBs;
            while (numBs--) {
              this.putChar(0x08);
              if (this.column > 0) this.column--;
            }
            tail += 3;
            break;
          }
          case ECHO_OP_SET_CANON_COL:
            this.canonColumn = this.column;
            tail += 2;
            break;
          case ECHO_OP_MOVE_BACK_COL:
            if (this.column > 0) this.column--;
            tail += 2;
            break;
          case ECHO_OP_START:
            if (!space) break out;
            this.putChar(ECHO_OP_START);
            this.column++;
            space--;
            tail += 2;
            break;
          default:
            // a control character tagged to be echoed as ^X; the pair is never split
            if (space < 2) break out;
            this.putChar(0x5e);
            this.putChar(op ^ 0o100);
            this.column += 2;
            space -= 2;
            tail += 2;
        }
      } else {
        if (opost) {
          const r = this.doOutputChar(c, space);
          if (r < 0) break;
          space -= r;
        } else {
          if (!space) break;
          this.putChar(c);
          space -= 1;
        }
        tail += 1;
      }
    }
    // nearly full: drop the oldest echoes so the next commit cannot overrun
    while (this.echoCommit > tail && this.echoCommit - tail >= ECHO_DISCARD_WATERMARK) {
      if (this.eb(tail) === ECHO_OP_START) tail += this.eb(tail + 1) === ECHO_OP_ERASE_TAB ? 3 : 2;
      else tail++;
    }
    this.echoTail = tail;
    return oldSpace - space;
  }

  /** commit_echoes: echo only once a block has accumulated (the rest goes at flush_echoes) */
  commitEchoes(): void {
    const head = this.echoHead;
    this.echoMark = head;
    const old = this.echoCommit - this.echoTail;
    const nr = head - this.echoTail;
    if (nr < ECHO_COMMIT_WATERMARK || nr % ECHO_BLOCK > old % ECHO_BLOCK) return;
    this.echoCommit = head;
    this.processEchoesLocked();
  }

  /** process_echoes: write what was committed (after ^Q, before a write) */
  processEchoes(): void {
    if (this.echoMark === this.echoTail) return;
    this.echoCommit = this.echoMark;
    this.processEchoesLocked();
  }

  /** flush_echoes: at the end of each receive */
  flushEchoes(): void {
    if ((!(this.t.lflag & ECHO) && !(this.t.lflag & ECHONL)) || this.echoCommit === this.echoHead) return;
    this.echoCommit = this.echoHead;
    this.processEchoesLocked();
  }

  echoMoveBackCol(): void {
    this.addEcho(ECHO_OP_START);
    this.addEcho(ECHO_OP_MOVE_BACK_COL);
  }

  echoSetCanonCol(): void {
    this.addEcho(ECHO_OP_START);
    this.addEcho(ECHO_OP_SET_CANON_COL);
  }

  echoEraseTab(numChars: number, afterTab: boolean): void {
    this.addEcho(ECHO_OP_START);
    this.addEcho(ECHO_OP_ERASE_TAB);
    numChars &= 7;
    if (afterTab) numChars |= 0x80;
    this.addEcho(numChars);
  }

  echoCharRaw(c: number): void {
    if (c === ECHO_OP_START) {
      this.addEcho(ECHO_OP_START);
      this.addEcho(ECHO_OP_START);
    } else this.addEcho(c);
  }

  /** echo_char: control characters other than TAB tagged for ^X echo under ECHOCTL */
  echoChar(c: number): void {
    if (c === ECHO_OP_START) {
      this.addEcho(ECHO_OP_START);
      this.addEcho(ECHO_OP_START);
    } else {
      if (this.t.lflag & ECHOCTL && iscntrl(c) && c !== 0x09) this.addEcho(ECHO_OP_START);
      this.addEcho(c);
    }
  }

}

const ONE = new Uint8Array(1);
const CRLF = Uint8Array.of(0x0d, 0x0a);
const SPACES = new Uint8Array(8).fill(0x20);
