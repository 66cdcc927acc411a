// timerfd_create, timerfd_settime, timerfd_gettime (Linux: fs/timerfd.c); the file is
// kernel/timerfd.ts.

import * as E from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import { OpenFile, O_CLOEXEC, O_NONBLOCK, O_RDWR } from "../fs/file.js";
import { RLIMIT_NOFILE, rlimit } from "../kernel/rlimit.js";
import { TimerFdNode } from "../kernel/timerfd.js";
import type { Task } from "../kernel/task.js";
import { CAP_WAKE_ALARM } from "../cred/capability.js";
import { INIT_USER_NS } from "../cred/userns.js";
import { deadlineAfter, getKtimespec, putKtimespec } from "../kernel/ktime.js";
import { CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_REALTIME_ALARM } from "./time.js";

const TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
const CLOCKS = [CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM];

const isAlarm = (clockid: number): boolean => clockid === CLOCK_REALTIME_ALARM || clockid === CLOCK_BOOTTIME_ALARM;

/** timerfd_create(clockid, flags) */
export const sysTimerfdCreate: Handler = (k, t, r) => {
  const clockid = iarg(r, 0);
  const flags = iarg(r, 1);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK) || !CLOCKS.includes(clockid)) return -E.EINVAL;
  if (isAlarm(clockid) && !t.can(CAP_WAKE_ALARM, INIT_USER_NS)) return -E.EPERM;
  const n = new TimerFdNode(k, clockid);
  const f = new OpenFile(n, O_RDWR | (flags & O_NONBLOCK), n.ops, "anon_inode:[timerfd]");
  const fd = t.files.alloc(f, (flags & O_CLOEXEC) !== 0, 0, rlimit(t, RLIMIT_NOFILE));
  if (fd < 0) f.put();
  return fd;
};

/** the timerfd behind fd: EBADF for no file, EINVAL for another kind (timerfd_fget) */
function timerfdOf(t: Task, fd: number): TimerFdNode | number {
  const f = t.files.lookup(fd);
  if (f === null) return -E.EBADF;
  return f.node instanceof TimerFdNode ? f.node : -E.EINVAL;
}

/** the current setting as a struct itimerspec (interval, then the time left) */
function itimerspec(n: TimerFdNode): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  putKtimespec(dv, 0, n.interval);
  putKtimespec(dv, 16, n.remaining());
  return b;
}

/** timerfd_settime(fd, flags, new, old) (do_timerfd_settime, timerfd_setup) */
export const sysTimerfdSettime: Handler = (k, t, r) => {
  const flags = iarg(r, 1);
  const b = t.mm!.read(uarg(r, 2), 32);
  if (b === null) return -E.EFAULT;
  const interval = getKtimespec(b, 0);
  const value = getKtimespec(b, 16);
  if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) || interval < 0n || value < 0n) return -E.EINVAL;
  const n = timerfdOf(t, iarg(r, 0));
  if (typeof n === "number") return n;
  if (isAlarm(n.clockid) && !t.can(CAP_WAKE_ALARM, INIT_USER_NS)) return -E.EPERM;
  const old = itimerspec(n);
  n.disarm();
  n.ticks = 0n;
  // the interval is kept even when the value disarms the timer
  n.interval = interval;
  n.settimeFlags = flags;
  if (value !== 0n) {
    const abs = (flags & TFD_TIMER_ABSTIME) !== 0;
    // an absolute CLOCK_REALTIME timer stays on the realtime clock; a relative one runs on
    // CLOCK_MONOTONIC (__hrtimer_init)
    const real = abs && (n.clockid === CLOCK_REALTIME || n.clockid === CLOCK_REALTIME_ALARM);
    n.arm(abs ? value : deadlineAfter(k.clock.now, value), interval, real);
  }
  n.pollGen++;
  if (uarg(r, 3) !== 0 && !t.mm!.write(uarg(r, 3), old)) return -E.EFAULT;
  return 0;
};

/** timerfd_gettime(fd, cur) */
export const sysTimerfdGettime: Handler = (_k, t, r) => {
  const n = timerfdOf(t, iarg(r, 0));
  if (typeof n === "number") return n;
  return t.mm!.write(uarg(r, 1), itimerspec(n)) ? 0 : -E.EFAULT;
};
