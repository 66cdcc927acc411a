// Pipes (Linux: fs/pipe.c): a 64 KiB ring shared by a read end and a write end.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { WaitQueue } from "../base/waitqueue.js";
import { FileOps, OpenFile, O_NONBLOCK } from "./file.js";
import { Node, S_IFIFO } from "./node.js";
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from "./poll.js";

export const PIPE_BUF = 4096;
const PIPE_SIZE = 65536;

export class Pipe extends Node {
  private buf = new Uint8Array(PIPE_SIZE);
  private head = 0;
  private len = 0;
  readers = 0;
  writers = 0;
  /** bumped on every change of readiness, for edge-triggered epoll */
  pollGen = 0;
  readonly readQ = new WaitQueue();
  readonly writeQ = new WaitQueue();

  constructor() {
    super(S_IFIFO | 0o600);
    this.dev = 0xc;
  }

  override size(): number {
    return 0;
  }
  /** opening the pipe again (through /proc/PID/fd/N) gives a FIFO end */
  override fileOps(): FileOps {
    return this.fifoOps;
  }

  readonly readOps: FileOps = {
    seekable: false,
    read: (f, dst, who) => {
      if (dst.length === 0) return 0;
      if (this.len === 0) {
        if (this.writers === 0) return 0;
        if (f.flags & O_NONBLOCK) return -E.EAGAIN;
        this.readQ.add(who);
        return BLOCK;
      }
      const n = Math.min(dst.length, this.len);
      for (let i = 0; i < n; i++) dst[i] = this.buf[(this.head + i) % PIPE_SIZE];
      this.head = (this.head + n) % PIPE_SIZE;
      this.len -= n;
      this.pollGen++;
      this.writeQ.wakeAll();
      return n;
    },
    write: () => -E.EBADF,
    ioctl: () => -E.ENOTTY,
    poll: (_f, who) => {
      const ev = (this.len > 0 ? POLLIN | POLLRDNORM : 0) | (this.writers === 0 ? POLLHUP : 0);
      if (ev === 0 && who) this.readQ.add(who);
      return ev;
    },
    release: () => {
      this.readers--;
      this.pollGen++;
      this.writeQ.wakeAll();
    },
  };

  readonly writeOps: FileOps = {
    seekable: false,
    read: () => -E.EBADF,
    /** writes what fits; a write of up to PIPE_BUF bytes is atomic (all or nothing) */
    write: (f, src, who) => {
      if (this.readers === 0) return -E.EPIPE;
      if (src.length === 0) return 0;
      const room = PIPE_SIZE - this.len;
      if (room === 0 || (src.length <= PIPE_BUF && room < src.length)) {
        if (f.flags & O_NONBLOCK) return -E.EAGAIN;
        this.writeQ.add(who);
        return BLOCK;
      }
      const n = Math.min(room, src.length);
      const tail = (this.head + this.len) % PIPE_SIZE;
      for (let i = 0; i < n; i++) this.buf[(tail + i) % PIPE_SIZE] = src[i];
      this.len += n;
      this.pollGen++;
      this.readQ.wakeAll();
      return n;
    },
    ioctl: () => -E.ENOTTY,
    poll: (_f, who) => {
      const ev = (PIPE_SIZE - this.len >= PIPE_BUF ? POLLOUT | POLLWRNORM : 0) | (this.readers === 0 ? POLLERR : 0);
      if (ev === 0 && who) this.writeQ.add(who);
      return ev;
    },
    release: () => {
      this.writers--;
      this.pollGen++;
      this.readQ.wakeAll();
    },
  };

  /** a FIFO's ends: the open mode decides which end (Linux blocks opens until both ends exist; we do not) */
  readonly fifoOps: FileOps = {
    seekable: false,
    read: (f, dst, who) => this.readOps.read(f, dst, who),
    write: (f, src, who) => this.writeOps.write(f, src, who),
    poll: (f, who) => ((f.flags & 3) === 1 ? this.writeOps.poll!(f, who) : this.readOps.poll!(f, who)),
    release: (f) => ((f.flags & 3) === 1 ? this.writeOps.release!(f) : this.readOps.release!(f)),
    open: (f) => {
      if ((f.flags & 3) !== 1) this.readers++;
      if ((f.flags & 3) !== 0) this.writers++;
    },
  };

  /** the two open file descriptions of pipe2() */
  open(flags: number): [OpenFile, OpenFile] {
    this.readers++;
    this.writers++;
    return [
      new OpenFile(this, 0 | (flags & O_NONBLOCK), this.readOps, `pipe:[${this.ino}]`),
      new OpenFile(this, 1 | (flags & O_NONBLOCK), this.writeOps, `pipe:[${this.ino}]`),
    ];
  }

  get buffered(): number {
    return this.len;
  }
}
