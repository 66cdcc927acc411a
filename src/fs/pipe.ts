// Pipes (Linux: fs/pipe.c): a 64 KiB ring shared by a read end and a write end, its pages frames
// of guest memory taken as data arrives and given back as it is read (Linux: pipe_buffer pages).

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { WaitQueue, type Sleeper } from "../base/waitqueue.js";
import type { OpResult } from "../base/errno.js";
import { FileOps, OpenFile, O_NONBLOCK } from "./file.js";
import { Node, S_IFIFO } from "./node.js";
import { FramePool, PAGE_SIZE } from "../mm/frames.js";
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from "./poll.js";

export const PIPE_BUF = 4096;
const PIPE_SIZE = 65536;
const PIPE_PAGES = PIPE_SIZE / PAGE_SIZE;
/** host bytes of a pipe (the object, its wait queues and operation tables), charged to guest memory */
export const PIPE_BYTES = 1536;

export class Pipe extends Node {
  /** the frame of each page of the ring (0: none held) */
  private bufPages = new Int32Array(PIPE_PAGES);
  private head = 0;
  private len = 0;
  readers = 0;
  writers = 0;
  /** bumped on every change of readiness, for edge-triggered epoll */
  pollGen = 0;
  readonly readQ = new WaitQueue();
  readonly writeQ = new WaitQueue();

  /** charged: the bytes pipe2 charged for the object, given back when both ends are closed
   *  (a FIFO's node is charged as a name instead: 0) */
  constructor(readonly frames: FramePool, private charged: number) {
    super(S_IFIFO | 0o600);
    this.dev = 0xc;
  }

  /** copy n bytes at ring offset `at` to (toRing false) or from (true) buf[off..]; every page
   *  touched exists (ensure) */
  private copy(at: number, buf: Uint8Array, off: number, n: number, toRing: boolean): void {
    for (let done = 0; done < n; ) {
      const pos = (at + done) % PIPE_SIZE;
      const po = pos % PAGE_SIZE;
      const k = Math.min(PAGE_SIZE - po, n - done);
      const f = this.bufPages[pos / PAGE_SIZE | 0];
      if (toRing) this.frames.write(f, po, buf, off + done, k);
      else this.frames.read(f, po, buf, off + done, k);
      done += k;
    }
  }

  /** take frames for the pages [at, at+n) of the ring touches; how many bytes from `at` fit
   *  (less than n when guest memory ran out) */
  private ensure(at: number, n: number): number {
    for (let done = 0; done < n; ) {
      const pos = (at + done) % PIPE_SIZE;
      const i = pos / PAGE_SIZE | 0;
      if (this.bufPages[i] === 0) {
        const f = this.frames.alloc(false);
        if (f === 0) return done;
        this.bufPages[i] = f;
        this.frames.stats.pipe++;
      }
      done += Math.min(PAGE_SIZE - (pos % PAGE_SIZE), n - done);
    }
    return n;
  }

  /** give back the pages no byte of the ring is in (Linux: pipe_buf_release as reads empty them) */
  private trim(): void {
    if (this.len === 0) this.head = 0;
    const end = this.head + this.len;
    for (let i = 0; i < PIPE_PAGES; i++) {
      const f = this.bufPages[i];
      if (f === 0) continue;
      const a = i * PAGE_SIZE;
      const b = a + PAGE_SIZE;
      // the live bytes are [head, end) and, past the ring's end, [0, end - PIPE_SIZE)
      const live = this.len > 0 && ((a < end && b > this.head) || a < end - PIPE_SIZE);
      if (live) continue;
      this.frames.decRef(f);
      this.frames.stats.pipe--;
      this.bufPages[i] = 0;
    }
  }

  /** both ends are closed: the pages go back */
  private freeAll(): void {
    if (this.readers > 0 || this.writers > 0) return;
    this.len = 0;
    this.trim();
    this.frames.uncharge(this.charged);
    this.charged = 0;
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
      this.copy(this.head, dst, 0, n, false);
      this.head = (this.head + n) % PIPE_SIZE;
      this.len -= n;
      this.trim();
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
      this.freeAll();
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
      const tail = (this.head + this.len) % PIPE_SIZE;
      // a page per 4 KiB that arrives; out of guest memory, what fits (Linux pipe_write: -ENOMEM
      // when nothing was written)
      const n = this.ensure(tail, Math.min(room, src.length));
      if (n === 0 || (src.length <= PIPE_BUF && n < src.length)) {
        this.trim();
        return -E.ENOMEM;
      }
      this.copy(tail, src, 0, n, true);
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
      this.freeAll();
      this.pollGen++;
      this.readQ.wakeAll();
    },
  };

  /** opens of each end so far (Linux: r_counter, w_counter): a FIFO open waits for the other
   *  counter to move, so a partner that came and went still counts */
  private rCounter = 0;
  private wCounter = 0;
  private readonly partnerQ = new WaitQueue();
  /** descriptions whose open completed (only those give their end back at close) */
  private readonly opened = new WeakSet<OpenFile>();
  /** a waiting open: the partner counter it saw when it started */
  private readonly waitFrom = new WeakMap<OpenFile, number>();
  private readonly waiter = new WeakMap<OpenFile, Sleeper>();
  /** an O_NONBLOCK reader opened with no writer reports no POLLHUP until a writer has come
   *  (Linux: filp->f_pipe = w_counter) */
  private readonly hupAfter = new WeakMap<OpenFile, number>();

  /** a FIFO's ends: the open mode decides which end. Opening one end waits until the other is
   *  open, except O_RDWR (never waits) and O_NONBLOCK (a reader goes on, a writer gets ENXIO);
   *  reopening an anonymous pipe (/proc/PID/fd/N) never waits (Linux: fifo_open) */
  readonly fifoOps: FileOps = {
    seekable: false,
    read: (f, dst, who) => this.readOps.read(f, dst, who),
    write: (f, src, who) => this.writeOps.write(f, src, who),
    poll: (f, who) => {
      if ((f.flags & 3) === 1) return this.writeOps.poll!(f, who);
      const ev = this.readOps.poll!(f, who);
      return this.hupAfter.get(f) === this.wCounter ? ev & ~POLLHUP : ev;
    },
    release: (f) => {
      if (!this.opened.has(f)) return;
      if ((f.flags & 3) !== 1) this.readOps.release!(f);
      if ((f.flags & 3) !== 0) this.writeOps.release!(f);
    },
    openWait: (f, who, again) => (again ? this.fifoRetry(f, who) : this.fifoOpen(f, who)),
    openAbort: (f) => {
      // a signal ended the wait: the end counted at the start is given back (Linux: err_rd, err_wr)
      const w = this.waiter.get(f);
      if (w) this.partnerQ.remove(w);
      this.opened.delete(f);
      if ((f.flags & 3) === 0) {
        if (--this.readers === 0) this.writeQ.wakeAll();
      } else if (--this.writers === 0) this.readQ.wakeAll();
      this.pollGen++;
    },
  };

  /** true for a named pipe (a FIFO node holds this pipe), false for pipe2()'s */
  isFifo = false;

  private fifoOpen(f: OpenFile, who: Sleeper): OpResult {
    const acc = f.flags & 3;
    const nonblock = (f.flags & O_NONBLOCK) !== 0;
    if (acc === 1 && this.isFifo && nonblock && this.readers === 0) return -E.ENXIO;
    this.opened.add(f);
    if (acc !== 1) {
      this.rCounter++;
      if (this.readers++ === 0) this.partnerQ.wakeAll();
    }
    if (acc !== 0) {
      this.wCounter++;
      if (this.writers++ === 0) this.partnerQ.wakeAll();
    }
    this.pollGen++;
    this.readQ.wakeAll();
    this.writeQ.wakeAll();
    if (!this.isFifo || acc === 2) return 0;
    if (acc === 0 && this.writers === 0) {
      if (nonblock) {
        this.hupAfter.set(f, this.wCounter);
        return 0;
      }
      this.waitFrom.set(f, this.wCounter);
      this.waiter.set(f, who);
      this.partnerQ.add(who);
      return BLOCK;
    }
    if (acc === 1 && this.readers === 0) {
      this.waitFrom.set(f, this.rCounter);
      this.waiter.set(f, who);
      this.partnerQ.add(who);
      return BLOCK;
    }
    return 0;
  }

  private fifoRetry(f: OpenFile, who: Sleeper): OpResult {
    const now = (f.flags & 3) === 0 ? this.wCounter : this.rCounter;
    if (now !== this.waitFrom.get(f)) {
      this.waitFrom.delete(f);
      return 0;
    }
    this.partnerQ.add(who);
    return BLOCK;
  }

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
