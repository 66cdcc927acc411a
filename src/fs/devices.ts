// Character devices (Linux: drivers/char/mem.c, drivers/char/random.c, drivers/tty): /dev/null,
// /dev/zero, /dev/urandom and the console wired to the host's stdio.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { WaitQueue } from "../base/waitqueue.js";
import { FileOps, O_NONBLOCK } from "./file.js";
import { Node, S_IFCHR } from "./node.js";
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from "./poll.js";

export class CharDev extends Node {
  constructor(major: number, minor: number, private ops: FileOps, mode = 0o666) {
    super(S_IFCHR | mode);
    this.rdev = (major << 8) | minor;
  }
  override fileOps(): FileOps {
    return this.ops;
  }
}

export const nullOps: FileOps = {
  seekable: true,
  read: () => 0,
  write: (_f, src) => src.length,
};

export const zeroOps: FileOps = {
  seekable: true,
  read: (_f, dst) => {
    dst.fill(0);
    return dst.length;
  },
  write: (_f, src) => src.length,
};

export function randomOps(rand: (dst: Uint8Array) => void): FileOps {
  return {
    seekable: true,
    read: (_f, dst) => {
      rand(dst);
      return dst.length;
    },
    write: (_f, src) => src.length,
  };
}

export interface HostOutput {
  /** bytes the guest wrote to its stdout (1) or stderr (2). A negative result is the -errno the
   *  guest's write gets (-EPIPE when the host's reader has gone, -ENOSPC on a full disk); anything
   *  else means all of `data` was taken */
  write(stream: 1 | 2, data: Uint8Array): number | void;
}

export const TCGETS = 0x5401;
export const TIOCGWINSZ = 0x5413;
export const TIOCGPGRP = 0x540f;

/** The console: input pushed by the host, output handed to the host. */
export class Console {
  private chunks: Uint8Array[] = [];
  private eof = false;
  readonly readers = new WaitQueue();
  /** bumped when input arrives, for edge-triggered epoll */
  pollGen = 0;
  /** a reader is waiting and nothing is buffered: the host should supply input */
  get wantsInput(): boolean {
    return this.readers.size > 0 && this.chunks.length === 0 && !this.eof;
  }

  constructor(private out: HostOutput, readonly isTty: boolean, readonly cols = 80, readonly rows = 24) {}

  /** host input; null marks end of file */
  push(data: Uint8Array | null): void {
    if (data === null) this.eof = true;
    else if (data.length > 0) this.chunks.push(data);
    this.pollGen++;
    this.readers.wakeAll();
  }

  ops(stream: 1 | 2): FileOps {
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
          // a terminal delivers one line per read
          if (this.isTty && dst[n - 1] === 10) break;
        }
        return n;
      },
      poll: (_f, who) => {
        const ev = (this.chunks.length > 0 || this.eof ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
        if ((ev & POLLIN) === 0 && who) this.readers.add(who);
        return ev;
      },
      write: (_f, src) => {
        const n = this.out.write(stream, src.slice());
        return typeof n === "number" && n < 0 ? n : src.length;
      },
      ioctl: (_f, req) => {
        if (!this.isTty) return -E.ENOTTY;
        if (req === TCGETS) {
          // a canonical, echoing terminal: c_iflag ICRNL|IXON, c_oflag OPOST|ONLCR, c_cflag B38400|CS8|CREAD, c_lflag ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE.
          // The kernel's struct termios is 36 bytes (4 flags, c_line, c_cc[19]), not glibc's 60:
          // writing 60 overran glibc's buffer on the stack (stack smashing on a terminal).
          const t = new Uint8Array(36);
          const dv = new DataView(t.buffer);
          dv.setUint32(0, 0o2400, true);
          dv.setUint32(4, 0o5, true);
          dv.setUint32(8, 0o277, true);
          dv.setUint32(12, 0o105073, true);
          return { out: t };
        }
        if (req === TIOCGWINSZ) {
          const w = new Uint8Array(8);
          const dv = new DataView(w.buffer);
          dv.setUint16(0, this.rows, true);
          dv.setUint16(2, this.cols, true);
          return { out: w };
        }
        return -E.EINVAL;
      },
    };
  }
}

/** /dev/console and the standard descriptors of the first program */
export class ConsoleDev extends CharDev {
  constructor(readonly console: Console, minor: number, stream: 1 | 2) {
    super(5, minor, console.ops(stream), 0o620);
  }
  get pollGen(): number {
    return this.console.pollGen;
  }
}

/** /dev/full: reads give zeros, writes fail as on a full disk (Linux: drivers/char/mem.c write_full) */
export const fullOps: FileOps = {
  seekable: true,
  read: (_f, dst) => {
    dst.fill(0);
    return dst.length;
  },
  write: (_f, src) => (src.length === 0 ? 0 : -E.ENOSPC),
};
