// read, write, readv, writev, pread64, pwrite64 (Linux: fs/read_write.c): a read or write that
// must wait sleeps and tries again when woken; a write resumes where it stopped.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, arg, iarg, uarg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { OpenFile, O_PATH, type StreamOp } from "../fs/file.js";
import { sendToThread } from "../kernel/sigdeliver.js";
import { SIGPIPE, SI_USER } from "../kernel/signals.js";
import { Block, untilDone, type SysResult } from "../kernel/block.js";
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

const MAX_RW = 0x7ffff000;

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

/** copy a stream read's bytes to the guest: the count, or EFAULT */
function copyOut(t: Task, op: StreamOp, addr: number, n: number): number {
  if (n > 0 && !t.mm!.write(addr, op.data!, 0, n)) return -E.EFAULT;
  return n;
}

/** read(fd, buf, count) */
export const sysRead: Handler = (k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f !== null && f.ops.readOp && f.readable && !(f.flags & O_PATH)) {
    const count = Math.min(uarg(r, 2), MAX_RW);
    if (count === 0) return 0;
    const op = f.ops.readOp(f, count);
    return streamCall(k, t, op, (n) => copyOut(t, op, uarg(r, 1), n));
  }
  return untilDone(() => readOnce(k, t, r));
};

/** one try of read: BLOCK when it must wait (the handler sleeps and tries again) */
function readOnce(_k: Kernel, t: Task, r: Regs): OpResult | Refusal {
  const f = readable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const addr = uarg(r, 1);
  const count = Math.min(uarg(r, 2), MAX_RW);
  return doRead(t, f, addr, count);
}

function doRead(t: Task, f: OpenFile, addr: number, count: number): OpResult {
  if (count === 0) return 0;
  const buf = new Uint8Array(Math.min(count, 1 << 20));
  const n = f.ops.read(f, buf, t);
  if (n === BLOCK || n <= 0) return n;
  if (!t.mm!.write(addr, buf, 0, n)) return -E.EFAULT;
  return n;
}

/** write(fd, buf, count) */
export const sysWrite: Handler = (k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f !== null && f.ops.writeOp && f.writable && !(f.flags & O_PATH)) {
    const data = t.mm!.read(uarg(r, 1), Math.min(uarg(r, 2), MAX_RW));
    if (data === null) return -E.EFAULT;
    return streamCall(k, t, f.ops.writeOp(f, data), (n) => n);
  }
  const progress = { done: 0 };
  return untilDone(() => writeOnce(k, t, r, progress));
};

/** one try of write: BLOCK when it must wait (the handler sleeps and tries again) */
function writeOnce(k: Kernel, t: Task, r: Regs, progress: { done: number }): OpResult | Refusal {
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const count = Math.min(uarg(r, 2), MAX_RW);
  const data = t.mm!.read(uarg(r, 1), count);
  if (data === null) return -E.EFAULT;
  return doWrite(k, t, f, data, progress);
}

/** write all of data, as far as it got before the last time it had to wait (progress.done) */
function doWrite(k: Kernel, t: Task, f: OpenFile, data: Uint8Array, progress: { done: number }): OpResult {
  let done = progress.done;
  while (done < data.length || data.length === 0) {
    const n = f.ops.write(f, data.subarray(done), t);
    if (n === BLOCK) {
      progress.done = done;
      k.sched.sleep(t);
      return BLOCK;
    }
    if (n < 0) {
      if (n === -E.EPIPE) sendToThread(k, t, { signo: SIGPIPE, code: SI_USER, sender: t, uid: t.cred.uid });
      return done > 0 ? done : n;
    }
    done += n;
    if (data.length === 0) break;
  }
  return done;
}

/** the (base, length) pairs of a user iovec array; too many entries give `tooMany`
 *  (readv/writev: EINVAL, sendmsg/recvmsg: EMSGSIZE) */
export function readIov(t: Task, addr: number, cnt: number, tooMany = -E.EINVAL): [number, number][] | number {
  if (cnt < 0 || cnt > 1024) return tooMany;
  const out: [number, number][] = [];
  for (let i = 0; i < cnt; i++) {
    const base = t.mm!.readU64(addr + 16 * i);
    const len = t.mm!.readU64(addr + 16 * i + 8);
    if (base === null || len === null) return -E.EFAULT;
    out.push([base, len]);
  }
  return out;
}

export const sysReadv: Handler = (k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f !== null && f.ops.readOp && f.readable && !(f.flags & O_PATH)) {
    const iov = readIov(t, uarg(r, 1), iarg(r, 2));
    if (typeof iov === "number") return iov;
    const total = Math.min(iov.reduce((s, [, l]) => s + l, 0), MAX_RW);
    if (total === 0) return 0;
    const op = f.ops.readOp(f, total);
    return streamCall(k, t, op, (n) => scatter(t, iov, op.data!, n));
  }
  return untilDone(() => readvOnce(k, t, r));
};

/** copy n bytes of buf to an iovec: n, or EFAULT */
function scatter(t: Task, iov: [number, number][], buf: Uint8Array, n: number): number {
  let off = 0;
  for (const [base, len] of iov) {
    const k2 = Math.min(len, n - off);
    if (k2 <= 0) break;
    if (!t.mm!.write(base, buf, off, k2)) return -E.EFAULT;
    off += k2;
  }
  return n;
}

/** one try of readv: BLOCK when it must wait (the handler sleeps and tries again) */
function readvOnce(_k: Kernel, t: Task, r: Regs): OpResult | Refusal {
  const f = readable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const iov = readIov(t, uarg(r, 1), iarg(r, 2));
  if (typeof iov === "number") return iov;
  const total = iov.reduce((s, [, l]) => s + l, 0);
  if (total === 0) return 0;
  const buf = new Uint8Array(Math.min(total, 1 << 20));
  const n = f.ops.read(f, buf, t);
  if (n === BLOCK || n <= 0) return n;
  return scatter(t, iov, buf, n);
}

export const sysWritev: Handler = (k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f !== null && f.ops.writeOp && f.writable && !(f.flags & O_PATH)) {
    const data = gather(t, uarg(r, 1), iarg(r, 2));
    if (typeof data === "number") return data;
    if (data.length === 0) return 0;
    return streamCall(k, t, f.ops.writeOp(f, data), (n) => n);
  }
  const progress = { done: 0 };
  return untilDone(() => writevOnce(k, t, r, progress));
};

/** an iovec's bytes in one buffer, or -errno */
function gather(t: Task, addr: number, cnt: number): Uint8Array | number {
  const iov = readIov(t, addr, cnt);
  if (typeof iov === "number") return iov;
  const parts: Uint8Array[] = [];
  for (const [base, len] of iov) {
    const d = t.mm!.read(base, len);
    if (d === null) return -E.EFAULT;
    parts.push(d);
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const data = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  return data;
}

/** one try of writev: BLOCK when it must wait (the handler sleeps and tries again) */
function writevOnce(k: Kernel, t: Task, r: Regs, progress: { done: number }): OpResult | Refusal {
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const data = gather(t, uarg(r, 1), iarg(r, 2));
  if (typeof data === "number") return data;
  if (data.length === 0) return 0;
  return doWrite(k, t, f, data, progress);
}

export const sysPread64: Handler = (_k, t, r) => {
  const f = readable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  if (!f.ops.seekable || f.node.fileOps() !== null) return -E.ESPIPE;
  if (f.node.isDir()) return -E.EISDIR;
  const pos = arg(r, 3);
  if (pos < 0) return -E.EINVAL;
  const buf = new Uint8Array(Math.min(uarg(r, 2), 1 << 24));
  const n = f.node.readAt(pos, buf, 0, buf.length);
  if (n > 0 && !t.mm!.write(uarg(r, 1), buf, 0, n)) return -E.EFAULT;
  return n;
};

export const sysPwrite64: Handler = (_k, t, r) => {
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  if (!f.ops.seekable || f.node.fileOps() !== null) return -E.ESPIPE;
  const pos = arg(r, 3);
  if (pos < 0) return -E.EINVAL;
  const data = t.mm!.read(uarg(r, 1), uarg(r, 2));
  if (data === null) return -E.EFAULT;
  return f.node.writeAt(pos, data, 0, data.length);
};
