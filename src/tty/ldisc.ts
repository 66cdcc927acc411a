// The N_TTY line discipline (Linux drivers/tty/n_tty.c) as a deterministic state machine: input
// processing and echo (receive), output processing (write), canonical and VMIN/VTIME reads.
// Nothing here sleeps: a read or write that must wait says so (BLOCK with an optional deadline)
// and is stepped again by its owner once woken.

import { EAGAIN, EIO } from "../base/errno.js";
import { SIGINT, SIGQUIT, SIGTSTP } from "../base/signum.js";
import { iscntrl, isalnum, tolower } from "./ctype.js";
import {
  DISABLED_CHAR, ECHO, ECHOCTL, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOPRT, EXTPROC, ICANON, ICRNL, IEXTEN, IGNCR,
  INLCR, ISIG, ISTRIP, IUCLC, IXANY, IXON, NOFLSH, OPOST, PARMRK, Termios, TIOCPKT_DATA, VEOF, VEOL, VEOL2, VERASE,
  VINTR, VKILL, VLNEXT, VMIN, VQUIT, VREPRINT, VSTART, VSTOP, VSUSP, VTIME, VWERASE,
} from "./termbits.js";
import { MASK, N_TTY_BUF_SIZE, NttyOutput } from "./output.js";
import { LdiscRead, READ_CHUNK, ReadQueue } from "./readq.js";

export { N_TTY_BUF_SIZE, LdiscRead };
export { BLOCK, type Blocked, type IoFlags, type LdiscPort, type Step } from "./ldiscport.js";
import { BLOCK, type Blocked, type IoFlags, type LdiscPort, type Step } from "./ldiscport.js";

const ERESTARTSYS = 512;
/** HZ/10 jiffies per VTIME unit: 100 ms in ns */
export const VTIME_UNIT_NS = 100_000_000;

export class NTty {
  /** read_buf and its heads: what was received and what was read */
  private readonly q = new ReadQueue();
  private readonly charMap = new Uint8Array(256);
  noRoom = false;
  private lnext = false;
  private erasing = false;
  private raw = false;
  private realRaw = false;
  private icanon = false;
  /** output processing and the echo buffer */
  readonly out: NttyOutput;
  /** a reader holds atomic_read_lock (another O_NONBLOCK reader gets EAGAIN) */
  private reader: LdiscRead | null = null;

  /** n_tty_open */
  constructor(private readonly port: LdiscPort, private readonly realRawDriver: boolean) {
    this.out = new NttyOutput(port);
    this.setTermios(null);
  }

  private get t(): Termios {
    return this.port.termios;
  }

  /** reset_buffer_flags: the read buffer only; since Linux 4.x the echo buffer is left alone (a
   *  reset of its head and tail without its mark made process_echoes repeat old echoes) */
  private resetBufferFlags(): void {
    this.q.reset();
    this.erasing = false;
  }

  /** n_tty_flush_buffer: TCIFLUSH, hangup, signals */
  flushBuffer(): void {
    this.resetBufferFlags();
    this.noRoom = false;
    this.port.packetModeFlush();
  }

  /** chars_in_buffer: bytes a read could return now */
  charsInBuffer(): number {
    return this.icanon ? this.q.canonHead - this.q.readTail : this.q.cnt();
  }

  /** TIOCINQ / FIONREAD (n_tty_ioctl, inq_canon): canonical mode does not count EOF markers */
  inq(): number {
    if (!(this.t.lflag & ICANON) || this.t.lflag & EXTPROC) return this.q.cnt();
    if (this.q.canonHead === this.q.readTail) return 0;
    let nr = this.q.canonHead - this.q.readTail;
    for (let tail = this.q.readTail; MASK(this.q.canonHead) !== MASK(tail); tail++) {
      if (this.q.flags[MASK(tail)] && this.q.rb(tail) === DISABLED_CHAR) nr--;
    }
    return nr;
  }

  private finishErasing(): void {
    if (this.erasing) {
      this.out.echoCharRaw(0x2f);
      this.erasing = false;
    }
  }

  /** eraser: VERASE, VWERASE and VKILL in canonical mode */
  private eraser(c: number): void {
    const t = this.t;
    const l = t.lflag;
    if (this.q.readHead === this.q.canonHead) return;
    let kill: "erase" | "werase" | "kill";
    if (c === t.cc[VERASE]) kill = "erase";
    else if (c === t.cc[VWERASE]) kill = "werase";
    else {
      if (!(l & ECHO)) {
        this.q.readHead = this.q.canonHead;
        return;
      }
      if (!(l & ECHOK) || !(l & ECHOKE) || !(l & ECHOE)) {
        this.q.readHead = this.q.canonHead;
        this.finishErasing();
        this.out.echoChar(t.cc[VKILL]);
        if (l & ECHOK) this.out.echoCharRaw(0x0a);
        return;
      }
      kill = "kill";
    }
    let seenAlnums = 0;
    while (MASK(this.q.readHead) !== MASK(this.q.canonHead)) {
      let head = this.q.readHead;
      // erase one possibly multi-byte character
      do {
        head--;
        c = this.q.rb(head);
      } while (this.out.isContinuation(c) && MASK(head) !== MASK(this.q.canonHead));
      if (this.out.isContinuation(c)) break;
      if (kill === "werase") {
        // BSD's ALTWERASE
        if (isalnum(c) || c === 0x5f) seenAlnums++;
        else if (seenAlnums) break;
      }
      let cnt = this.q.readHead - head;
      this.q.readHead = head;
      if (l & ECHO) {
        if (l & ECHOPRT) {
          if (!this.erasing) {
            this.out.echoCharRaw(0x5c);
            this.erasing = true;
          }
          this.out.echoChar(c);
          while (--cnt > 0) {
            head++;
            this.out.echoCharRaw(this.q.rb(head));
            this.out.echoMoveBackCol();
          }
        } else if (kill === "erase" && !(l & ECHOE)) {
          this.out.echoChar(t.cc[VERASE]);
        } else if (c === 0x09) {
          let numChars = 0;
          let afterTab = false;
          let tail = this.q.readHead;
          // columns used since the start of input or the previous tab
          while (MASK(tail) !== MASK(this.q.canonHead)) {
            tail--;
            const d = this.q.rb(tail);
            if (d === 0x09) {
              afterTab = true;
              break;
            } else if (iscntrl(d)) {
              if (l & ECHOCTL) numChars += 2;
            } else if (!this.out.isContinuation(d)) numChars++;
          }
          this.out.echoEraseTab(numChars, afterTab);
        } else {
          if (iscntrl(c) && l & ECHOCTL) {
            this.out.echoCharRaw(0x08);
            this.out.echoCharRaw(0x20);
            this.out.echoCharRaw(0x08);
          }
          if (!iscntrl(c) || l & ECHOCTL) {
            this.out.echoCharRaw(0x08);
            this.out.echoCharRaw(0x20);
            this.out.echoCharRaw(0x08);
          }
        }
      }
      if (kill === "erase") break;
    }
    if (this.q.readHead === this.q.canonHead && l & ECHO) this.finishErasing();
  }

  // ---- input processing ---------------------------------------------------------------------

  /** isig: signal the foreground group, and flush input, output and echoes unless NOFLSH */
  private isig(sig: number): void {
    if (this.t.lflag & NOFLSH) {
      this.port.signalForeground(sig);
      return;
    }
    this.port.signalForeground(sig);
    this.out.clearEcho();
    this.port.driverFlush();
    this.resetBufferFlags();
    this.port.packetModeFlush();
  }

  private receiveSignalChar(sig: number, c: number): void {
    this.isig(sig);
    if (this.t.iflag & IXON) this.port.startTty();
    if (this.t.lflag & ECHO) {
      this.out.echoChar(c);
      this.out.commitEchoes();
    } else this.out.processEchoes();
  }

  /** n_tty_receive_char_flow_ctrl: VSTART/VSTOP under IXON */
  private receiveFlowCtrl(c: number): boolean {
    const cc = this.t.cc;
    if (c !== cc[VSTART] && c !== cc[VSTOP]) return false;
    if (c === cc[VSTART]) {
      this.port.startTty();
      this.out.processEchoes();
      return true;
    }
    this.port.stopTty();
    return true;
  }

  private ixanyRestart(): void {
    if (this.port.flowStopped() && !this.port.flowTcoStopped() && this.t.iflag & IXON && this.t.iflag & IXANY) {
      this.port.startTty();
      this.out.processEchoes();
    }
  }

  /** n_tty_receive_char_special: a byte set in char_map */
  private receiveCharSpecial(c: number): void {
    const t = this.t;
    const cc = t.cc;
    const l = t.lflag;
    if (t.iflag & IXON && this.receiveFlowCtrl(c)) return;
    if (l & ISIG) {
      if (c === cc[VINTR]) return this.receiveSignalChar(SIGINT, c);
      if (c === cc[VQUIT]) return this.receiveSignalChar(SIGQUIT, c);
      if (c === cc[VSUSP]) return this.receiveSignalChar(SIGTSTP, c);
    }
    this.ixanyRestart();
    if (c === 0x0d) {
      if (t.iflag & IGNCR) return;
      if (t.iflag & ICRNL) c = 0x0a;
    } else if (c === 0x0a && t.iflag & INLCR) c = 0x0d;

    if (this.icanon) {
      if (c === cc[VERASE] || c === cc[VKILL] || (c === cc[VWERASE] && l & IEXTEN)) {
        this.eraser(c);
        this.out.commitEchoes();
        return;
      }
      if (c === cc[VLNEXT] && l & IEXTEN) {
        this.lnext = true;
        if (l & ECHO) {
          this.finishErasing();
          if (l & ECHOCTL) {
            this.out.echoCharRaw(0x5e);
            this.out.echoCharRaw(0x08);
            this.out.commitEchoes();
          }
        }
        return;
      }
      if (c === cc[VREPRINT] && l & ECHO && l & IEXTEN) {
        this.finishErasing();
        this.out.echoChar(c);
        this.out.echoCharRaw(0x0a);
        for (let tail = this.q.canonHead; MASK(tail) !== MASK(this.q.readHead); tail++) this.out.echoChar(this.q.rb(tail));
        this.out.commitEchoes();
        return;
      }
      if (c === 0x0a) {
        if (l & ECHO || l & ECHONL) {
          this.out.echoCharRaw(0x0a);
          this.out.commitEchoes();
        }
        return this.handleNewline(c);
      }
      if (c === cc[VEOF]) return this.handleNewline(DISABLED_CHAR);
      if (c === cc[VEOL] || (c === cc[VEOL2] && l & IEXTEN)) {
        if (l & ECHO) {
          if (this.q.canonHead === this.q.readHead) this.out.echoSetCanonCol();
          this.out.echoChar(c);
          this.out.commitEchoes();
        }
        if (c === 0xff && t.iflag & PARMRK) this.q.put(c);
        return this.handleNewline(c);
      }
    }
    if (l & ECHO) {
      this.finishErasing();
      if (c === 0x0a) this.out.echoCharRaw(0x0a);
      else {
        if (this.q.canonHead === this.q.readHead) this.out.echoSetCanonCol();
        this.out.echoChar(c);
      }
      this.out.commitEchoes();
    }
    if (c === 0xff && t.iflag & PARMRK) this.q.put(c);
    this.q.put(c);
  }

  /** handle_newline: the line ends here (EOF is stored as a flagged __DISABLED_CHAR) */
  private handleNewline(c: number): void {
    this.q.flags[MASK(this.q.readHead)] = 1;
    this.q.put(c);
    this.q.canonHead = this.q.readHead;
    this.port.wakeReaders();
  }

  /** n_tty_receive_char: an ordinary byte */
  private receiveChar(c: number): void {
    this.ixanyRestart();
    if (this.t.lflag & ECHO) {
      this.finishErasing();
      if (this.q.canonHead === this.q.readHead) this.out.echoSetCanonCol();
      this.out.echoChar(c);
      this.out.commitEchoes();
    }
    if (c === 0xff && this.t.iflag & PARMRK) this.q.put(c);
    this.q.put(c);
  }

  private receiveBufStandard(src: Uint8Array, off: number, count: number): void {
    const t = this.t;
    for (let i = 0; i < count; i++) {
      let c = src[off + i];
      if (this.lnext) {
        this.lnext = false;
        if (t.iflag & ISTRIP) c &= 0x7f;
        if (t.iflag & IUCLC && t.lflag & IEXTEN) c = tolower(c);
        this.receiveChar(c);
        continue;
      }
      if (t.iflag & ISTRIP) c &= 0x7f;
      if (t.iflag & IUCLC && t.lflag & IEXTEN) c = tolower(c);
      if (t.lflag & EXTPROC) {
        this.q.put(c);
        continue;
      }
      if (this.charMap[c]) this.receiveCharSpecial(c);
      else this.receiveChar(c);
    }
  }

  /** __receive_buf */
  private receiveBufInner(src: Uint8Array, off: number, count: number): void {
    const t = this.t;
    const preops = (t.iflag & ISTRIP) !== 0 || ((t.iflag & IUCLC) !== 0 && (t.lflag & IEXTEN) !== 0);
    if (this.realRaw || this.raw || (t.lflag & EXTPROC && !preops)) {
      for (let i = 0; i < count; i++) this.q.put(src[off + i]);
    } else {
      this.receiveBufStandard(src, off, count);
      this.out.flushEchoes();
    }
    if (this.icanon && !(t.lflag & EXTPROC)) return;
    this.q.commitHead = this.q.readHead;
    if (this.q.cnt()) this.port.wakeReaders();
  }

  /**
   * n_tty_receive_buf_common: input from the driver (keyboard, pty master writes). Returns how many
   * bytes were taken; the rest stays with the driver until a read makes room (noRoom).
   */
  receive(src: Uint8Array, off: number, count: number): number {
    let rcvd = 0;
    let room: number;
    do {
      const tail = this.q.readTail;
      room = N_TTY_BUF_SIZE - (this.q.readHead - tail);
      if (this.t.iflag & PARMRK) room = Math.floor((room + 2) / 3);
      room--;
      let overflow = false;
      if (room <= 0) {
        // canonical mode without a complete line: keep processing (erase must work), keep the last
        overflow = this.icanon && this.q.canonHead === tail;
        if (overflow && room < 0) this.q.readHead--;
        room = overflow ? 1 : 0;
        this.noRoom = !room;
      }
      const n = Math.min(count, room);
      if (!n) break;
      this.receiveBufInner(src, off, n);
      off += n;
      count -= n;
      rcvd += n;
    } while (count > 0);
    return rcvd;
  }

  /** n_tty_set_termios: called after every termios change, and at open with old === null */
  setTermios(old: Termios | null): void {
    const t = this.t;
    if (!old || (old.lflag ^ t.lflag) & (ICANON | EXTPROC)) {
      this.q.flags.fill(0);
      if (!(t.lflag & ICANON) || !this.q.cnt()) {
        this.q.canonHead = this.q.readTail;
      } else {
        // switching to canonical mode with data buffered: it is readable as if EOF were pushed
        this.q.flags[MASK(this.q.readHead - 1)] = 1;
        this.q.canonHead = this.q.readHead;
      }
      this.q.commitHead = this.q.readHead;
      this.erasing = false;
      this.lnext = false;
    }
    this.icanon = (t.lflag & ICANON) !== 0;
    const i = t.iflag, l = t.lflag, cc = t.cc;
    if (i & (ISTRIP | IUCLC | IGNCR | ICRNL | INLCR | IXON | PARMRK) || l & (ICANON | ISIG | ECHO)) {
      const m = this.charMap;
      m.fill(0);
      if (i & (IGNCR | ICRNL)) m[0x0d] = 1;
      if (i & INLCR) m[0x0a] = 1;
      if (l & ICANON) {
        m[cc[VERASE]] = m[cc[VKILL]] = m[cc[VEOF]] = m[0x0a] = m[cc[VEOL]] = 1;
        if (l & IEXTEN) {
          m[cc[VWERASE]] = m[cc[VLNEXT]] = m[cc[VEOL2]] = 1;
          if (l & ECHO) m[cc[VREPRINT]] = 1;
        }
      }
      if (i & IXON) m[cc[VSTART]] = m[cc[VSTOP]] = 1;
      if (l & ISIG) m[cc[VINTR]] = m[cc[VQUIT]] = m[cc[VSUSP]] = 1;
      m[DISABLED_CHAR] = 0;
      this.raw = false;
      this.realRaw = false;
    } else {
      this.raw = true;
      // IGNBRK/BRKINT/INPCK only matter for break and parity flags, which no driver here produces
      this.realRaw = this.realRawDriver;
    }
    // clearing IXON restarts output stopped by ^S
    if (!(i & IXON) && old && old.iflag & IXON && !this.port.flowTcoStopped()) {
      this.port.startTty();
      this.out.processEchoes();
    }
    this.port.wakeWriters();
    this.port.wakeReaders();
  }

  // ---- reading ------------------------------------------------------------------------------

  /** the VEOF byte if a lone EOF read in EXTPROC canonical mode is a zero-length read, else -1 */
  private extprocEof(): number {
    return this.t.lflag & EXTPROC && this.icanon ? this.t.cc[VEOF] : -1;
  }

  /** input_available_p; `poll` applies VMIN when VTIME is 0 */
  inputAvailable(poll: boolean): boolean {
    const cc = this.t.cc;
    const amt = poll && !cc[VTIME] && cc[VMIN] ? cc[VMIN] : 1;
    if (this.icanon && !(this.t.lflag & EXTPROC)) return this.q.canonHead !== this.q.readTail;
    return this.q.commitHead - this.q.readTail >= amt;
  }

  /**
   * One step of a read (iterate_tty_read + n_tty_read): the number of bytes now in `r.buf`
   * (0 at end of file, or when VMIN/VTIME allow an empty read), -errno, or BLOCK: sleep until
   * woken by input (or r.deadline). Job control is checked by the caller before the first step.
   */
  read(r: LdiscRead, now: number, io: IoFlags): Step {
    const t = this.t;
    if (!r.started) {
      if (this.reader && this.reader !== r) {
        // atomic_read_lock is held by another reader
        if (io.nonblock) return -EAGAIN;
        return { kind: BLOCK, deadline: null };
      }
      r.started = true;
      this.reader = r;
      r.minimum = 0;
      r.time = 0;
      r.deadline = Infinity;
      if (!this.icanon) {
        r.minimum = t.cc[VMIN];
        if (r.minimum) r.time = t.cc[VTIME] * VTIME_UNIT_NS;
        else {
          r.deadline = now + t.cc[VTIME] * VTIME_UNIT_NS;
          r.minimum = 1;
        }
      }
      r.oldTail = this.q.readTail;
    }
    const chunk = Math.min(r.count, READ_CHUNK);
    let retval = 0;
    const packet = this.port.packet();
    let cont = false;
    for (;;) {
      const nr = chunk - r.got;
      if (nr <= 0) break;
      if (packet && this.port.peerPktStatus()) {
        if (r.got) break;
        r.buf[r.got++] = this.port.takePeerPktStatus();
        break;
      }
      if (!this.inputAvailable(false)) {
        if (io.otherClosed) {
          retval = -EIO;
          break;
        }
        if (io.hungUp || io.hupping) break;
        if (now >= r.deadline) break;
        if (io.nonblock) {
          retval = -EAGAIN;
          break;
        }
        return { kind: BLOCK, deadline: r.deadline === Infinity ? null : r.deadline };
      }
      if (this.icanon && !(t.lflag & EXTPROC)) {
        if (this.q.canonCopy(r, nr)) {
          cont = true;
          break;
        }
      } else {
        if (packet && r.got === 0) r.buf[r.got++] = TIOCPKT_DATA;
        if (this.q.copy(r, chunk - r.got, this.extprocEof()) && r.got >= r.minimum) {
          cont = true;
          break;
        }
      }
      if (r.got >= r.minimum) break;
      if (r.time) r.deadline = now + r.time;
    }
    if (cont) this.readContinue(r);
    this.releaseReader();
    if (r.oldTail !== this.q.readTail) this.port.readRoom();
    return r.got ? r.got : retval;
  }

  /** the continuation calls of iterate_tty_read, made while the ldisc says there is more */
  private readContinue(r: LdiscRead): void {
    for (;;) {
      const nr = Math.min(r.count - r.got, READ_CHUNK);
      let more: boolean;
      if (this.icanon && !(this.t.lflag & EXTPROC)) {
        if (!nr) {
          this.q.canonSkipEof();
          more = false;
        } else more = this.q.canonCopy(r, nr);
      } else more = this.q.copy(r, nr, this.extprocEof());
      if (!more) return;
    }
  }

  /** a signal ended the wait: the bytes read so far, or -ERESTARTSYS */
  readInterrupted(r: LdiscRead): number {
    if (this.reader === r) this.releaseReader();
    if (r.oldTail !== this.q.readTail) this.port.readRoom();
    return r.got ? r.got : -ERESTARTSYS;
  }

  /** mutex_unlock(&atomic_read_lock): readers waiting for it try again */
  private releaseReader(): void {
    this.reader = null;
    this.port.wakeReaders();
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * One step of n_tty_write for `src` (at most one 2 KiB chunk of do_tty_write): bytes taken, or
   * BLOCK when the driver has no room (the caller keeps the bytes taken so far and steps again
   * with the rest), or -errno. TOSTOP is checked by the caller.
   */
  write(src: Uint8Array, off: number, nr: number, io: IoFlags, linkGone: boolean): Step {
    this.out.processEchoes();
    if (io.hungUp || linkGone) return -EIO;
    const start = off;
    if (this.t.oflag & OPOST) {
      while (nr > 0) {
        const num = this.out.processOutputBlock(src, off, nr);
        off += num;
        nr -= num;
        if (nr === 0) break;
        if (this.out.doOutputChar(src[off], this.port.writeRoom()) < 0) break;
        off++;
        nr--;
      }
    } else {
      while (nr > 0) {
        const c = this.port.driverWrite(src, off, nr);
        if (!c) break;
        off += c;
        nr -= c;
      }
    }
    if (off > start || nr === 0) return off - start;
    if (io.nonblock) return -EAGAIN;
    return { kind: BLOCK, deadline: null };
  }
}

