// read, write, readv, writev, pread64, pwrite64 (Linux: fs/read_write.c): a read or write that
// must wait sleeps and tries again when woken; a write resumes where it stopped.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, iarg, loffArg, uarg } from "./args.js";
import { MAX_LFS_FILESIZE, loffAdd, type Loff } from "../base/loff.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { OpenFile, O_APPEND, O_PATH, regularOps, type StreamOp } from "../fs/file.js";
import { PIPE_BUF } from "../fs/pipe.js";
import { POLLERR, POLLHUP, POLLIN, POLLOUT } from "../fs/poll.js";
import { COPY_CHUNK, UserIter, fsizeLimit, importIovec, rwBuf } from "./uaccess.js";
import { hasDeliverable, sendToThread } from "../kernel/sigdeliver.js";
import { SIGPIPE, SI_USER } from "../kernel/signals.js";
import { Block, untilDone, type SysResult } from "../kernel/block.js";
import type { Sleeper } from "../base/waitqueue.js";
import type { Regs } from "../cpu/regs.js";
import type { OpResult, Refusal } from "../base/errno.js";

function readable(t: Task, fd: number): OpenFile | number {
  const f = t.files.lookup(fd);
  if (f === null || f.flags & O_PATH) return -E.EBADF;
  if (!f.readable) return -E.EBADF;
  return f;
}

function writable(t: Task, fd: number): OpenFile | number {
  const f = t.files.lookup(fd);
  if (f === null || f.flags & O_PATH) return -E.EBADF;
  if (!f.writable) return -E.EBADF;
  return f;
}

/** the host buffer a read of `count` bytes gets: at most 1 MiB, and only a page when the file has
 *  nothing to give (a reader blocked there and woken often by signals must not allocate 1 MiB
 *  each time; a page is more than any file's minimum read size) */
function readBuffer(f: OpenFile, count: number): Uint8Array {
  const idle = f.ops.poll !== undefined && (f.ops.poll(f, null) & (POLLIN | POLLERR | POLLHUP)) === 0;
  return new Uint8Array(Math.min(count, idle ? 4096 : 1 << 20));
}

/**
 * A read or write whose file keeps its state across sleeps (a terminal): the same op is stepped
 * at every wake-up and, when a signal ends the sleep, answers with what it already did.
 */
function streamCall(k: Kernel, t: Task, op: StreamOp, done: (n: number) => SysResult): SysResult {
  const attempt = (): SysResult => {
    const n = op.step(t);
    if (n !== BLOCK) return n < 0 ? n : done(n);
    k.sched.sleep(t, op.deadline);
    return b;
  };
  const b: Block = new Block(attempt, null, null, () => {
    const n = op.interrupted();
    return n < 0 ? n : (done(n) as number);
  });
  return attempt();
}

/** a file with resumable reads and writes (readOp/writeOp): a terminal */
function isStream(f: OpenFile | number): f is OpenFile {
  return typeof f !== "number" && f.ops.readOp !== undefined;
}

/** a terminal read into the iterator (the op's buffer is bounded by the line discipline's) */
function streamRead(k: Kernel, t: Task, f: OpenFile, it: UserIter): SysResult {
  if (it.count === 0) return 0;
  const op = f.ops.readOp!(f, it.count);
  return streamCall(k, t, op, (n) => (n > 0 && !it.copyOut(t.mm!, op.data!, n) ? -E.EFAULT : n));
}

/**
 * A terminal write of the iterator's bytes: COPY_CHUNK at a time (never a host buffer of the
 * guest's length), each piece an op of the file that keeps its progress across sleeps.
 */
class ChunkedWrite implements StreamOp {
  readonly data = null;
  private done = 0;
  private op: StreamOp | null = null;
  private len = 0;
  constructor(private readonly t: Task, private readonly f: OpenFile, private readonly it: UserIter) {}
  get deadline(): number {
    return this.op?.deadline ?? -1;
  }
  step(who: Sleeper): OpResult {
    for (;;) {
      if (this.op === null) {
        const data = this.it.copyIn(this.t.mm!, this.done, COPY_CHUNK);
        if (data === null) return this.done > 0 ? this.done : -E.EFAULT;
        // a write of nothing still reaches the file once (a terminal's TOSTOP check)
        if (data.length === 0 && (this.done > 0 || this.it.count > 0)) return this.done;
        this.op = this.f.ops.writeOp!(this.f, data);
        this.len = data.length;
      }
      const n = this.op.step(who);
      if (n === BLOCK) return BLOCK;
      this.op = null;
      if (n < 0) return this.done > 0 ? this.done : n;
      this.done += n;
      if (n < this.len || this.done >= this.it.count) return this.done;
    }
  }
  interrupted(): number {
    const n = this.op ? this.op.interrupted() : 0;
    if (n < 0) return this.done > 0 ? this.done : n;
    return this.done + n;
  }
}

function streamWrite(k: Kernel, t: Task, f: OpenFile, it: UserIter): SysResult {
  return streamCall(k, t, new ChunkedWrite(t, f, it), (n) => n);
}

/** account a read or write call that has ended (Linux: add_rchar/inc_syscr in vfs_read and
 *  vfs_write): the bytes moved, and the call itself; failed calls are not counted */
function account(t: Task, write: boolean, res: number): void {
  // calls that failed before reaching the file (bad descriptor or buffer) are not counted
  if (res < 0) return;
  const n = res;
  for (const a of [t.ioac, t.group.ioac]) {
    if (write) {
      a.wchar += n;
      a.syscw++;
    } else {
      a.rchar += n;
      a.syscr++;
    }
  }
}

/** wrap a read/write handler so that its final result is accounted */
function accounted(write: boolean, h: Handler): Handler {
  return (k, t, r) => {
    const res = h(k, t, r);
    if (typeof res === "number") account(t, write, res);
    else if (res instanceof Block) return wrapBlock(t, write, res);
    else account(t, write, -1);
    return res;
  };
}

function wrapBlock(t: Task, write: boolean, b: Block): Block {
  const w: Block = new Block(
    () => {
      const res = b.resume();
      if (res instanceof Block) return res === b ? w : wrapBlock(t, write, res);
      account(t, write, typeof res === "number" ? res : -1);
      return res;
    },
    () => {
      b.cleanup?.();
      // a call whose own answer stands after a signal (a terminal read's bytes) is accounted then
      if (b.interrupted === null) account(t, write, -1);
    },
    b.restart,
    b.interrupted === null
      ? null
      : () => {
          const n = b.interrupted!();
          account(t, write, n);
          return n;
        },
  );
  return w;
}

/** read(fd, buf, count) */
export const sysRead: Handler = accounted(false, (k, t, r) => {
  const f = readable(t, iarg(r, 0));
  if (isStream(f)) {
    const it = rwBuf(uarg(r, 1), uarg(r, 2));
    return typeof it === "number" ? it : streamRead(k, t, f, it);
  }
  return untilDone(() => readOnce(k, t, r));
});

/** one try of read: BLOCK when it must wait (the handler sleeps and tries again) */
function readOnce(_k: Kernel, t: Task, r: Regs): OpResult | Refusal {
  const f = readable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const it = rwBuf(uarg(r, 1), uarg(r, 2));
  if (typeof it === "number") return it;
  if (f.ops === regularOps && typeof f.pos !== "number" && verifyArea(f.pos, uarg(r, 2)) < 0) return -E.EINVAL;
  return doRead(t, f, it);
}

function doRead(t: Task, f: OpenFile, it: UserIter): OpResult {
  if (it.count === 0) return 0;
  const buf = readBuffer(f, it.count);
  const n = f.ops.read(f, buf, t);
  if (n === BLOCK || n <= 0) return n;
  return it.copyOut(t.mm!, buf, n) ? n : -E.EFAULT;
}

/** write(fd, buf, count) */
export const sysWrite: Handler = accounted(true, (k, t, r) => {
  const f = writable(t, iarg(r, 0));
  if (isStream(f)) {
    const it = rwBuf(uarg(r, 1), uarg(r, 2));
    return typeof it === "number" ? it : streamWrite(k, t, f, it);
  }
  const progress = { done: 0 };
  return untilDone(() => writeOnce(k, t, r, progress));
});

/** one try of write: BLOCK when it must wait (the handler sleeps and tries again) */
function writeOnce(k: Kernel, t: Task, r: Regs, progress: { done: number }): OpResult | Refusal {
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const it = rwBuf(uarg(r, 1), uarg(r, 2));
  if (typeof it === "number") return it;
  if (f.ops === regularOps && typeof f.pos !== "number" && verifyArea(f.pos, uarg(r, 2)) < 0) return -E.EINVAL;
  return doWrite(k, t, f, it, progress);
}

/**
 * Write the iterator's bytes, COPY_CHUNK at a time, as far as it got before the last time it had
 * to wait (progress.done): a blocked write resumes where it stopped without copying what was
 * written again, and no host buffer is ever larger than a chunk whatever length the guest gives.
 */
function doWrite(k: Kernel, t: Task, f: OpenFile, it: UserIter, progress: { done: number }): OpResult {
  let done = progress.done;
  if (f.ops === regularOps && it.count > 0) {
    const n = fsizeLimit(k, t, f.flags & O_APPEND ? f.node.size() : f.pos, it.count);
    if (n < 0) return n;
    it = it.upTo(n);
  }
  while (done < it.count || it.count === 0) {
    // a file that can take nothing now (a full pipe or socket) is offered a small piece: a writer
    // blocked there and woken often (signals, timers) must not copy COPY_CHUNK bytes each time.
    // Just over PIPE_BUF, so the pipe does not treat it as an atomic write
    const full = f.ops.poll !== undefined && (f.ops.poll(f, null) & (POLLOUT | POLLERR | POLLHUP)) === 0;
    const data = it.copyIn(t.mm!, done, full ? PIPE_BUF + 1 : COPY_CHUNK);
    if (data === null) return done > 0 ? done : -E.EFAULT;
    // offer the rest of this piece until the file takes no more (no copy of it again)
    let used = 0;
    while (used < data.length || data.length === 0) {
      const n = f.ops.write(f, data.subarray(used), t);
      if (n === BLOCK) {
        // a signal ends a write that has written something with that count (Linux: pipe_write);
        // restarting it would write those bytes again
        if (done + used > 0 && hasDeliverable(t)) return done + used;
        progress.done = done + used;
        k.sched.sleep(t);
        return BLOCK;
      }
      if (n < 0) {
        if (n === -E.EPIPE) sendToThread(k, t, { signo: SIGPIPE, code: SI_USER, sender: t, uid: t.cred.uid });
        return done + used > 0 ? done + used : n;
      }
      used += n;
      if (n === 0) break;
    }
    done += used;
    if (it.count === 0 || used < data.length) break;
  }
  return done;
}

export const sysReadv: Handler = accounted(false, (k, t, r) => {
  const f = readable(t, iarg(r, 0));
  if (isStream(f)) {
    const it = importIovec(t.mm!, uarg(r, 1), iarg(r, 2));
    return typeof it === "number" ? it : streamRead(k, t, f, it);
  }
  return untilDone(() => readvOnce(k, t, r));
});

/** one try of readv: BLOCK when it must wait (the handler sleeps and tries again) */
function readvOnce(_k: Kernel, t: Task, r: Regs): OpResult | Refusal {
  const f = readable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const it = importIovec(t.mm!, uarg(r, 1), iarg(r, 2));
  if (typeof it === "number") return it;
  return doRead(t, f, it);
}

export const sysWritev: Handler = accounted(true, (k, t, r) => {
  const f = writable(t, iarg(r, 0));
  if (isStream(f)) {
    const it = importIovec(t.mm!, uarg(r, 1), iarg(r, 2));
    return typeof it === "number" ? it : it.count === 0 ? 0 : streamWrite(k, t, f, it);
  }
  const progress = { done: 0 };
  return untilDone(() => writevOnce(k, t, r, progress));
});

/** one try of writev: BLOCK when it must wait (the handler sleeps and tries again) */
function writevOnce(k: Kernel, t: Task, r: Regs, progress: { done: number }): OpResult | Refusal {
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const it = importIovec(t.mm!, uarg(r, 1), iarg(r, 2));
  if (typeof it === "number") return it;
  if (it.count === 0) return 0;
  return doWrite(k, t, f, it, progress);
}

/** Linux rw_verify_area for a file with positions: a count that takes the position past the
 *  largest loff_t is EINVAL (the position is never negative here), exactly */
function verifyArea(pos: Loff, count: number): number {
  return loffAdd(pos, count) > MAX_LFS_FILESIZE ? -E.EINVAL : 0;
}

export const sysPread64: Handler = accounted(false, (_k, t, r) => {
  // ksys_pread64 refuses a negative position before it looks at the descriptor
  const pos = loffArg(r, 3);
  if (pos < 0) return -E.EINVAL;
  const f = readable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  if (!f.ops.seekable || f.node.fileOps() !== null) return -E.ESPIPE;
  if (f.node.isDir()) return -E.EISDIR;
  const it = rwBuf(uarg(r, 1), uarg(r, 2));
  if (typeof it === "number") return it;
  const bad = verifyArea(pos, uarg(r, 2));
  if (bad < 0) return bad;
  const buf = new Uint8Array(Math.min(it.count, 1 << 24));
  const n = f.node.readAt(pos, buf, 0, buf.length);
  if (n > 0 && !it.copyOut(t.mm!, buf, n)) return -E.EFAULT;
  return n;
});

export const sysPwrite64: Handler = accounted(true, (k, t, r) => {
  const pos = loffArg(r, 3);
  if (pos < 0) return -E.EINVAL;
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  if (!f.ops.seekable || f.node.fileOps() !== null) return -E.ESPIPE;
  let it = rwBuf(uarg(r, 1), uarg(r, 2));
  if (typeof it === "number") return it;
  const bad = verifyArea(pos, uarg(r, 2));
  if (bad < 0) return bad;
  if (it.count === 0) return 0;
  const allowed = fsizeLimit(k, t, pos, it.count);
  if (allowed < 0) return allowed;
  it = it.upTo(allowed);
  let done = 0;
  while (done < it.count) {
    const data = it.copyIn(t.mm!, done, COPY_CHUNK);
    if (data === null) return done > 0 ? done : -E.EFAULT;
    const n = f.node.writeAt(loffAdd(pos, done), data, 0, data.length);
    if (n < 0) return done > 0 ? done : n;
    done += n;
    if (n < data.length) break;
  }
  return done;
});
