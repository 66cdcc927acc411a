// epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2 and eventfd2 (Linux: fs/eventpoll.c,
// fs/eventfd.c); the instances themselves are in fs/epoll.ts.

import { deadlineAfter } from "../kernel/clock.js";
import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, iarg, uarg, u32arg } from "./args.js";
import { OpenFile, O_CLOEXEC, O_NONBLOCK, O_RDWR } from "../fs/file.js";
import { EFD_SEMAPHORE, EpollNode, EventFdNode } from "../fs/epoll.js";
import { readTimespec } from "./time.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { RLIMIT_NOFILE, rlimit } from "../kernel/rlimit.js";
import { untilDone, type SysResult } from "../kernel/block.js";
import type { OpResult } from "../base/errno.js";

const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
const EP_MAX_EVENTS = 0x7fffffff / 16;

export const sysEpollCreate1: Handler = (_k, t, r) => {
  const flags = iarg(r, 0);
  if (flags & ~O_CLOEXEC) return -E.EINVAL;
  const n = new EpollNode();
  const f = new OpenFile(n, O_RDWR, n.ops, "anon_inode:[eventpoll]");
  const fd = t.files.alloc(f, (flags & O_CLOEXEC) !== 0, 0, rlimit(t, RLIMIT_NOFILE));
  if (fd < 0) f.put();
  return fd;
};

export const sysEpollCtl: Handler = (_k, t, r) => {
  const epfd = iarg(r, 0);
  const op = iarg(r, 1);
  const fd = iarg(r, 2);
  const evAddr = uarg(r, 3);
  const ep = t.files.lookup(epfd);
  const f = t.files.lookup(fd);
  if (ep === null || f === null) return -E.EBADF;
  if (!(ep.node instanceof EpollNode) || ep === f) return -E.EINVAL;
  if (!f.ops.poll) return -E.EPERM;
  const n = ep.node;
  let events = 0;
  let lo = 0;
  let hi = 0;
  if (op !== EPOLL_CTL_DEL) {
    const b = t.mm!.read(evAddr, 16);
    if (b === null) return -E.EFAULT;
    const dv = new DataView(b.buffer);
    events = dv.getUint32(0, true) | 0;
    lo = dv.getInt32(8, true);
    hi = dv.getInt32(12, true);
  }
  const cur = n.interest.get(f);
  switch (op) {
    case EPOLL_CTL_ADD:
      if (cur) return -E.EEXIST;
      if (f.node instanceof EpollNode && f.node.interest.has(ep)) return -E.ELOOP;
      n.interest.set(f, { fd, file: f, events, dataLo: lo, dataHi: hi, seen: -1, disabled: false });
      break;
    case EPOLL_CTL_MOD:
      if (!cur) return -E.ENOENT;
      Object.assign(cur, { events, dataLo: lo, dataHi: hi, seen: -1, disabled: false });
      break;
    case EPOLL_CTL_DEL:
      if (!cur) return -E.ENOENT;
      n.interest.delete(f);
      break;
    default:
      return -E.EINVAL;
  }
  n.waiters.wakeAll();
  return 0;
};

/** wait for ready items; the deadline (-1n: none, below: -errno - 1) comes from deadlineIn at the first try */
function epollWait(k: Kernel, t: Task, epfd: number, addr: number, max: number, deadlineIn: () => bigint): SysResult {
  let deadline: bigint | null = null;
  return untilDone(() => {
    const ep = t.files.lookup(epfd);
    if (ep === null) return -E.EBADF;
    if (!(ep.node instanceof EpollNode)) return -E.EINVAL;
    if (max <= 0 || max > EP_MAX_EVENTS) return -E.EINVAL;
    if (deadline === null) {
      deadline = deadlineIn();
      if (deadline < -1n) return Number(deadline + 1n);
    }
    return collectOnce(k, t, ep.node, addr, max, deadline);
  });
}

function collectOnce(k: Kernel, t: Task, ep: EpollNode, addr: number, max: number, deadline: bigint): OpResult {
  const ready = ep.collect(max, true);
  if (ready.length > 0 || (deadline >= 0n && k.clock.now >= deadline)) {
    const b = new Uint8Array(16 * ready.length);
    const dv = new DataView(b.buffer);
    ready.forEach(([it, ev], i) => {
      dv.setUint32(16 * i, ev, true);
      dv.setInt32(16 * i + 8, it.dataLo, true);
      dv.setInt32(16 * i + 12, it.dataHi, true);
    });
    if (ready.length && !t.mm!.write(addr, b)) return -E.EFAULT;
    return ready.length;
  }
  ep.register(t);
  k.sched.sleep(t, deadline);
  return BLOCK;
}

/** epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize) */
export const sysEpollPwait: Handler = (k, t, r) => {
  const ms = iarg(r, 3);
  return epollWait(k, t, iarg(r, 0), uarg(r, 1), iarg(r, 2), () => (ms < 0 ? -1n : deadlineAfter(k.clock.now, BigInt(ms) * 1_000_000n)));
};

/** epoll_pwait2(epfd, events, maxevents, timeout timespec, sigmask, sigsetsize) */
export const sysEpollPwait2: Handler = (k, t, r) => {
  const tp = uarg(r, 3);
  return epollWait(k, t, iarg(r, 0), uarg(r, 1), iarg(r, 2), () => {
    if (tp === 0) return -1n;
    const ns = readTimespec(t, tp);
    return ns < 0n ? ns - 1n : deadlineAfter(k.clock.now, ns);
  });
};

export const sysEventfd2: Handler = (_k, t, r) => {
  const init = u32arg(r, 0);
  const flags = iarg(r, 1);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE)) return -E.EINVAL;
  const n = new EventFdNode(init, (flags & EFD_SEMAPHORE) !== 0);
  const f = new OpenFile(n, O_RDWR | (flags & O_NONBLOCK), n.ops, "anon_inode:[eventfd]");
  const fd = t.files.alloc(f, (flags & O_CLOEXEC) !== 0, 0, rlimit(t, RLIMIT_NOFILE));
  if (fd < 0) f.put();
  return fd;
};
