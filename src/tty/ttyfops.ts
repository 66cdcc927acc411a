// A terminal as an open file of the VFS (Linux: tty_fops of drivers/tty/tty_io.c): the FileOps of
// tty device nodes (/dev/console, /dev/ttyS0, /dev/tty, /dev/ptmx, /dev/pts/N). The open finds
// the tty (each node knows how) and keeps its TtyFile as the file's private data; reads and
// writes are resumable StreamOps over ttyio.ts's TtyRead and TtyWrite.

import { BLOCK, ENXIO, type OpResult } from "../base/errno.js";
import type { Sleeper } from "../base/waitqueue.js";
import { FileOps, OpenFile, O_PATH, StreamOp } from "../fs/file.js";
import { isBlocked, TtyRead, ttyPoll, ttyRelease, TtyWrite } from "./ttyio.js";
import { TtyFile } from "./tty.js";
import type { Step } from "./ldisc.js";

/** the terminal behind an open file, or null */
export function ttyOf(f: OpenFile): TtyFile | null {
  return f.priv instanceof TtyFile ? f.priv : null;
}

/** F_SETFL and FIONBIO change the open file's flags: the tty layer reads O_NONBLOCK from its TtyFile */
function sync(f: OpenFile): TtyFile {
  const tf = f.priv as TtyFile;
  tf.flags = f.flags;
  return tf;
}

/** one step's outcome: a BLOCK registers the task on the queue and remembers the deadline */
function settle(s: Step, who: Sleeper, queue: { add(s: Sleeper): void }, op: { deadline: number }): OpResult {
  if (!isBlocked(s)) return s;
  queue.add(who);
  op.deadline = s.deadline ?? -1;
  return BLOCK;
}

class ReadOp implements StreamOp {
  deadline = -1;
  private readonly op: TtyRead;
  constructor(private readonly f: OpenFile, count: number) {
    this.op = new TtyRead(f.priv as TtyFile, count);
  }
  get data(): Uint8Array {
    return this.op.data;
  }
  step(who: Sleeper): OpResult {
    const tf = sync(this.f);
    return settle(this.op.step(), who, tf.tty.readWait, this);
  }
  interrupted(): number {
    return this.op.interrupted();
  }
}

class WriteOp implements StreamOp {
  deadline = -1;
  readonly data = null;
  private readonly op: TtyWrite;
  constructor(private readonly f: OpenFile, src: Uint8Array) {
    this.op = new TtyWrite(f.priv as TtyFile, src);
  }
  step(who: Sleeper): OpResult {
    const tf = sync(this.f);
    return settle(this.op.step(), who, tf.tty.writeWait, this);
  }
  interrupted(): number {
    return this.op.interrupted();
  }
}

/** how a device node finds its terminal at open: a TtyFile (after ttyOpen) or -errno */
export type TtyResolver = (f: OpenFile, flags: number) => TtyFile | number;

/** the file operations of a tty device node */
export function ttyFileOps(resolve: TtyResolver): FileOps {
  return {
    seekable: false,
    open(f, flags) {
      if (flags & O_PATH) return 0;
      const r = resolve(f, flags);
      if (typeof r === "number") return r;
      f.priv = r;
      return 0;
    },
    readOp: (f, count) => new ReadOp(f, count),
    writeOp: (f, src) => new WriteOp(f, src),
    // rw.ts reads and writes through readOp/writeOp; these serve a caller that cannot keep an op
    read(f, dst, who) {
      if (!ttyOf(f)) return -ENXIO;
      const op = new ReadOp(f, dst.length);
      const n = op.step(who);
      if (typeof n === "number" && n > 0) dst.set(op.data.subarray(0, n));
      return n;
    },
    write(f, src, who) {
      if (!ttyOf(f)) return -ENXIO;
      return new WriteOp(f, src).step(who);
    },
    poll(f, who) {
      if (!ttyOf(f)) return 0;
      const tf = sync(f);
      // tty_poll: the poller sleeps on both queues (n_tty_poll)
      if (who) {
        tf.tty.readWait.add(who);
        tf.tty.writeWait.add(who);
      }
      return ttyPoll(tf);
    },
    pollGen: (f) => ttyOf(f)?.tty.pollGen ?? 0,
    release(f) {
      const tf = ttyOf(f);
      if (tf) ttyRelease(tf);
    },
  };
}
