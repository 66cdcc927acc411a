// read, write, readv, writev, pread64, pwrite64 (Linux: fs/read_write.c): a read or write that
// must wait sleeps and tries again when woken; a write resumes where it stopped.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, arg, iarg, uarg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { OpenFile, O_PATH } from "../fs/file.js";
import { sendToThread } from "../kernel/sigdeliver.js";
import { SIGPIPE, SI_USER } from "../kernel/signals.js";
import { Block, untilDone } from "../kernel/block.js";
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
      account(t, write, -1);
    },
    b.restart,
  );
  return w;
}

/** read(fd, buf, count) */
export const sysRead: Handler = accounted(false, (k, t, r) => untilDone(() => readOnce(k, t, r)));

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
export const sysWrite: Handler = accounted(true, (k, t, r) => {
  const progress = { done: 0 };
  return untilDone(() => writeOnce(k, t, r, progress));
});

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

export const sysReadv: Handler = accounted(false, (k, t, r) => untilDone(() => readvOnce(k, t, r)));

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
  let off = 0;
  for (const [base, len] of iov) {
    const k2 = Math.min(len, n - off);
    if (k2 <= 0) break;
    if (!t.mm!.write(base, buf, off, k2)) return -E.EFAULT;
    off += k2;
  }
  return n;
}

export const sysWritev: Handler = accounted(true, (k, t, r) => {
  const progress = { done: 0 };
  return untilDone(() => writevOnce(k, t, r, progress));
});

/** one try of writev: BLOCK when it must wait (the handler sleeps and tries again) */
function writevOnce(k: Kernel, t: Task, r: Regs, progress: { done: number }): OpResult | Refusal {
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const iov = readIov(t, uarg(r, 1), iarg(r, 2));
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
  if (total === 0) return 0;
  return doWrite(k, t, f, data, progress);
}

export const sysPread64: Handler = accounted(false, (_k, t, r) => {
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
});

export const sysPwrite64: Handler = accounted(true, (_k, t, r) => {
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  if (!f.ops.seekable || f.node.fileOps() !== null) return -E.ESPIPE;
  const pos = arg(r, 3);
  if (pos < 0) return -E.EINVAL;
  const data = t.mm!.read(uarg(r, 1), uarg(r, 2));
  if (data === null) return -E.EFAULT;
  return f.node.writeAt(pos, data, 0, data.length);
});
