// Interval timers (setitimer/getitimer ITIMER_REAL; alarm() uses them) and CPU affinity.

import * as E from "../kernel/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import type { ThreadGroup } from "../kernel/task.js";
import { sendToGroup } from "../kernel/sigdeliver.js";
import { SIGALRM, SI_KERNEL } from "../kernel/signals.js";
import { findTask } from "../kernel/pidns.js";

const ITIMER_REAL = 0;

function readTimeval(b: Uint8Array, o: number): number {
  const dv = new DataView(b.buffer, b.byteOffset);
  const sec = dv.getUint32(o, true) + dv.getInt32(o + 4, true) * 4294967296;
  const usec = dv.getUint32(o + 8, true) + dv.getInt32(o + 12, true) * 4294967296;
  if (sec < 0 || usec < 0 || usec >= 1e6) return -1;
  return sec * 1e9 + usec * 1000;
}

function writeTimeval(dv: DataView, o: number, ns: number): void {
  // round up to whole microseconds as Linux reports remaining time
  const us = Math.ceil(ns / 1000);
  const sec = Math.floor(us / 1e6);
  dv.setUint32(o, sec % 4294967296, true);
  dv.setUint32(o + 4, Math.floor(sec / 4294967296), true);
  dv.setUint32(o + 8, us % 1e6, true);
}

function itimerval(k: Kernel, g: ThreadGroup): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  const it = g.itimerReal;
  if (it) {
    writeTimeval(dv, 0, it.interval);
    const d = k.timerDeadline(it.timer);
    writeTimeval(dv, 16, d < 0 ? 0 : Math.max(1000, d - k.clock.now));
  }
  return b;
}

function arm(k: Kernel, g: ThreadGroup, value: number, interval: number): void {
  if (g.itimerReal) k.cancelTimer(g.itimerReal.timer);
  g.itimerReal = null;
  if (value === 0) return;
  const fire = (at: number) => {
    const timer = k.addTimer(at, () => {
      sendToGroup(k, g, { signo: SIGALRM, code: SI_KERNEL });
      if (interval > 0 && g.live().length > 0) fire(at + interval);
      else g.itimerReal = null;
    });
    g.itimerReal = { timer, interval };
  };
  fire(k.clock.now + value);
}

export const sysGetitimer: Handler = (k, t, r) => {
  if (iarg(r, 0) !== ITIMER_REAL) {
    k.reason = "only ITIMER_REAL is implemented";
    return -E.EINVAL;
  }
  return t.mm!.write(uarg(r, 1), itimerval(k, t.group)) ? 0 : -E.EFAULT;
};

export const sysSetitimer: Handler = (k, t, r) => {
  if (iarg(r, 0) !== ITIMER_REAL) {
    k.reason = "only ITIMER_REAL is implemented";
    return -E.EINVAL;
  }
  const nw = uarg(r, 1);
  const old = uarg(r, 2);
  let value = 0;
  let interval = 0;
  if (nw !== 0) {
    const b = t.mm!.read(nw, 32);
    if (b === null) return -E.EFAULT;
    interval = readTimeval(b, 0);
    value = readTimeval(b, 16);
    if (interval < 0 || value < 0) return -E.EINVAL;
  }
  if (old !== 0 && !t.mm!.write(old, itimerval(k, t.group))) return -E.EFAULT;
  arm(k, t.group, value, interval);
  return 0;
};

/** one CPU: forkscope runs every task on a single virtual hart */
export const sysSchedGetaffinity: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const len = uarg(r, 1);
  if (pid < 0) return -E.EINVAL;
  if (pid !== 0 && !findTask(t, pid)) return -E.ESRCH;
  if (len < 8 || len % 8 !== 0) return -E.EINVAL;
  const b = new Uint8Array(8);
  b[0] = 1;
  return t.mm!.write(uarg(r, 2), b) ? 8 : -E.EFAULT;
};

export const sysSchedSetaffinity: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  if (pid < 0) return -E.EINVAL;
  if (pid !== 0 && !findTask(t, pid)) return -E.ESRCH;
  const len = Math.min(uarg(r, 1), 128);
  const b = t.mm!.read(uarg(r, 2), len);
  if (b === null) return -E.EFAULT;
  return len > 0 && (b[0] & 1) !== 0 ? 0 : -E.EINVAL;
};

export const sysGetcpu: Handler = (_k, t, r) => {
  const cpu = uarg(r, 0);
  const node = uarg(r, 1);
  if (cpu !== 0 && !t.mm!.writeU32(cpu, 0)) return -E.EFAULT;
  if (node !== 0 && !t.mm!.writeU32(node, 0)) return -E.EFAULT;
  return 0;
};

export const sysSchedGetscheduler: Handler = (_k, t, r) => (iarg(r, 0) < 0 ? -E.EINVAL : iarg(r, 0) && !findTask(t, iarg(r, 0)) ? -E.ESRCH : 0);
export const sysSchedGetparam: Handler = (k, t, r) => {
  if (iarg(r, 0) < 0) return -E.EINVAL;
  if (iarg(r, 0) && !findTask(t, iarg(r, 0))) return -E.ESRCH;
  return t.mm!.writeU32(uarg(r, 1), 0) ? 0 : -E.EFAULT;
};
export const sysSchedGetPriorityMax: Handler = (_k, _t, r) => ([1, 2].includes(iarg(r, 0)) ? 99 : [0, 3, 5].includes(iarg(r, 0)) ? 0 : -E.EINVAL);
export const sysSchedGetPriorityMin: Handler = (_k, _t, r) => ([1, 2].includes(iarg(r, 0)) ? 1 : [0, 3, 5].includes(iarg(r, 0)) ? 0 : -E.EINVAL);
