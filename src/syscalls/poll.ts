// ppoll and pselect6's poll core (Linux: fs/select.c). riscv64 has no plain poll/select.

import { deadlineAfter } from "../kernel/clock.js";
import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import { readTimespec } from "./time.js";
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLRDNORM, POLLWRNORM } from "../fs/poll.js";
import type { Task } from "../kernel/task.js";
import type { OpenFile } from "../fs/file.js";
import { RLIMIT_NOFILE, rlimit } from "../kernel/rlimit.js";
import { untilDone } from "../kernel/block.js";
import type { Kernel } from "../kernel/kernel.js";
import type { OpResult } from "../base/errno.js";

function ready(f: OpenFile, who: Task | null): number {
  if (f.ops.poll) return f.ops.poll(f, who);
  // regular files and devices without a poll method are always ready
  return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

/** ppoll(fds, nfds, timeout, sigmask, sigsetsize) */
export const sysPpoll: Handler = (k, t, r) => {
  const addr = uarg(r, 0);
  const nfds = uarg(r, 1);
  const tmo = uarg(r, 2);
  // the deadline is fixed by the first try; every wake-up polls again until it passes
  let deadline: bigint | null = null;
  return untilDone(() => {
    if (nfds > rlimit(t, RLIMIT_NOFILE)) return -E.EINVAL;
    if (deadline === null) {
      if (tmo === 0) deadline = -1n;
      else {
        const ns = readTimespec(t, tmo);
        if (ns < 0n) return Number(ns);
        deadline = deadlineAfter(k.clock.now, ns);
      }
    }
    return pollOnce(k, t, addr, nfds, deadline);
  });
};

function pollOnce(k: Kernel, t: Task, addr: number, nfds: number, deadline: bigint): OpResult {
  const raw = t.mm!.read(addr, nfds * 8);
  if (raw === null) return -E.EFAULT;
  const dv = new DataView(raw.buffer);
  let count = 0;
  const files: (OpenFile | null)[] = [];
  for (let i = 0; i < nfds; i++) {
    const fd = dv.getInt32(i * 8, true);
    const events = dv.getInt16(i * 8 + 4, true);
    let rev = 0;
    let f: OpenFile | null = null;
    if (fd >= 0) {
      f = t.files.lookup(fd);
      rev = f === null ? POLLNVAL : ready(f, null) & (events | POLLERR | POLLHUP);
    }
    files.push(f);
    dv.setInt16(i * 8 + 6, rev, true);
    if (rev) count++;
  }
  if (count > 0 || deadline === k.clock.now || (deadline >= 0n && k.clock.now >= deadline)) {
    if (!t.mm!.write(addr, raw)) return -E.EFAULT;
    return count;
  }
  for (const f of files) if (f) ready(f, t);
  k.sched.sleep(t, deadline);
  return BLOCK;
}

export { iarg };
