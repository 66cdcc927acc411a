// The console, and the embedding API to it (kernel.console): what the first program's stdin,
// stdout and stderr are. With a host terminal (Kernel option tty: true) it is a terminal with
// Linux's N_TTY line discipline, like a serial console (drivers/tty/serial, device ttyS0 4:64):
// the user's key bytes are its input, its output (after OPOST and echo) goes to the host. Without
// one it is a plain byte stream in each direction, as a pipe from and to the host: reads wait for
// the host's input, and isatty() says no (terminal ioctls give ENOTTY).

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { WaitQueue } from "../base/waitqueue.js";
import { FileOps, O_NONBLOCK } from "../fs/file.js";
import type { HostOutput } from "../fs/devices.js";
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from "../fs/poll.js";
import { encodeDev } from "./pty.js";
import { stdTermios, type Winsize } from "./termbits.js";
import { Tty, TtyDriver, TtyHost } from "./tty.js";

/** the console terminal's device: /dev/ttyS0 */
export const CONSOLE_MAJOR = 4, CONSOLE_MINOR = 64;

export interface ConsoleSize {
  cols: number;
  rows: number;
}

/**
 * The console seen from the host (the CLI, a browser page, a test). Input goes in with write()
 * (key bytes for a terminal, data for a stream) and end(); output comes out through the Kernel's
 * `output` option or the callback given to onOutput(); resize() changes a terminal's window.
 */
export class HostConsole {
  /** the terminal, when the console is one */
  readonly tty: Tty | null;
  private out: HostOutput;
  /** stream console: the host's input not read yet, and whether it ended */
  private chunks: Uint8Array[] = [];
  private eof = false;
  /** terminal: key bytes its input buffer had no room for yet */
  private pending: Uint8Array[] = [];
  /** stream console readers and pollers */
  readonly readers = new WaitQueue();
  /** bumped when stream input arrives, for edge-triggered epoll */
  pollGen = 0;
  /** called before input is taken, so virtual time can catch up with the host (kernel/sched.ts) */
  beforeInput: () => void = () => {};

  constructor(output: HostOutput, host: TtyHost | null, size: ConsoleSize = { cols: 80, rows: 24 }) {
    this.out = output;
    if (host === null) {
      this.tty = null;
      return;
    }
    const driver: TtyDriver = {
      type: "console",
      subtype: "none",
      resetTermios: false,
      realRaw: false,
      initTermios: stdTermios,
      // the host takes everything at once: the console never makes a writer wait
      write: (_tty, src, off, len) => {
        this.out.write(1, src.slice(off, off + len));
        return len;
      },
      writeRoom: () => 65536,
      open: () => 0,
      close: () => {},
      // release_tty: the last file is gone; the next open starts without a session
      remove: (tty) => {
        tty.session = null;
        tty.pgrp = null;
      },
      unthrottle: () => this.pump(),
      devnum: () => encodeDev(CONSOLE_MAJOR, CONSOLE_MINOR),
    };
    this.tty = new Tty(driver, host);
    this.tty.winsize = { row: size.rows, col: size.cols, xpixel: 0, ypixel: 0 };
  }

  get isTty(): boolean {
    return this.tty !== null;
  }

  /** input from the user: key bytes for a terminal (^C is SIGINT for its foreground job), data
   *  for a stream console */
  write(data: Uint8Array | string): void {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data.slice();
    if (bytes.length === 0) return;
    this.beforeInput();
    if (this.tty) {
      this.pending.push(bytes);
      this.pump();
      return;
    }
    if (this.eof) return;
    this.chunks.push(bytes);
    this.pollGen++;
    this.readers.wakeAll();
  }

  /** the input ended: end of file for a stream console; a terminal is hung up (its session
   *  leader gets SIGHUP, reads return 0), as when a modem line drops */
  end(): void {
    this.beforeInput();
    if (this.tty) {
      if (!this.tty.hupped) this.tty.hangup(false);
      return;
    }
    this.eof = true;
    this.pollGen++;
    this.readers.wakeAll();
  }

  /** the host's window changed size: SIGWINCH to the terminal's foreground job */
  resize(cols: number, rows: number, xpixel = 0, ypixel = 0): void {
    if (!this.tty) return;
    const clamp = (n: number) => Math.max(0, Math.min(0xffff, Math.floor(n) || 0));
    this.beforeInput();
    this.tty.resize({ row: clamp(rows), col: clamp(cols), xpixel: clamp(xpixel), ypixel: clamp(ypixel) } satisfies Winsize);
  }

  get size(): ConsoleSize {
    return this.tty ? { cols: this.tty.winsize.col, rows: this.tty.winsize.row } : { cols: 0, rows: 0 };
  }

  /** where the guest's output goes from now on (stream 2 is stderr; a terminal's is all stream 1) */
  onOutput(cb: (data: Uint8Array, stream: 1 | 2) => void): void {
    this.out = { write: (stream, data) => cb(data, stream) };
  }

  /** a guest task waits to read (or poll) the console and nothing is there for it */
  get wantsInput(): boolean {
    if (this.tty) return this.live && this.tty.readWait.size > 0;
    return this.readers.size > 0 && this.chunks.length === 0 && !this.eof;
  }

  /** a terminal that can still deliver keys: while a person may type ^C at any moment, waiting
   *  guests wait for the person (kernel/sched.ts) */
  get live(): boolean {
    return this.tty !== null && !this.tty.hupped;
  }

  /** move pending key bytes into the terminal while it has room */
  private pump(): void {
    const tty = this.tty!;
    while (this.pending.length > 0 && tty.bufferSpace() > 0) {
      const b = this.pending[0];
      const n = tty.receive(b, 0, b.length);
      if (n === 0) break;
      if (n === b.length) this.pending.shift();
      else this.pending[0] = b.subarray(n);
    }
  }

  /** the file operations of a stream console's /dev/console (stream: the host stream writes go to) */
  streamOps(stream: 1 | 2): FileOps {
    return {
      seekable: false,
      read: (f, dst, who) => {
        if (this.chunks.length === 0) {
          if (this.eof) return 0;
          if (f.flags & O_NONBLOCK) return -E.EAGAIN;
          this.readers.add(who);
          return BLOCK;
        }
        let n = 0;
        while (n < dst.length && this.chunks.length > 0) {
          const c = this.chunks[0];
          const k = Math.min(c.length, dst.length - n);
          dst.set(c.subarray(0, k), n);
          n += k;
          if (k === c.length) this.chunks.shift();
          else this.chunks[0] = c.subarray(k);
        }
        return n;
      },
      poll: (_f, who) => {
        const ev = (this.chunks.length > 0 || this.eof ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
        if ((ev & POLLIN) === 0 && who) this.readers.add(who);
        return ev;
      },
      pollGen: () => this.pollGen,
      write: (_f, src) => {
        const n = this.out.write(stream, src.slice());
        return typeof n === "number" && n < 0 ? n : src.length;
      },
    };
  }
}
