// pidfd_open and pidfd_send_signal (Linux: kernel/pid.c, kernel/signal.c).

import * as E from "../base/errno.js";
import { Handler, iarg, uarg, u32arg } from "./args.js";
import { TaskState } from "../kernel/task.js";
import { PidfdNode, openPidfd } from "../kernel/pidfd.js";
import { O_NONBLOCK } from "../fs/file.js";
import { sendToGroup, sendToThread } from "../kernel/sigdeliver.js";
import { NSIG, SI_TKILL, SI_USER, type SigInfo } from "../kernel/signals.js";
import { findTask, pidIn } from "../kernel/pidns.js";
import { mayKill } from "./signal.js";
import { RLIMIT_NOFILE, rlimit } from "../kernel/rlimit.js";
import { refuse } from "../base/errno.js";

const PIDFD_NONBLOCK = O_NONBLOCK;
const PIDFD_THREAD = 0o200; // O_EXCL

export const sysPidfdOpen: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const flags = u32arg(r, 1);
  if (flags & ~(PIDFD_NONBLOCK | PIDFD_THREAD)) return -E.EINVAL;
  if (pid <= 0) return -E.EINVAL;
  const target = findTask(t, pid);
  if (!target || target.state === TaskState.Dead) return -E.ESRCH;
  const thread = (flags & PIDFD_THREAD) !== 0;
  if (!target.isLeader && !thread) {
    return refuse(E.ENOENT, "pid is a thread, not a thread-group leader (use PIDFD_THREAD)");
  }
  const f = openPidfd(target, flags & PIDFD_NONBLOCK, thread);
  const fd = t.files.alloc(f, true, 0, rlimit(t, RLIMIT_NOFILE));
  if (fd < 0) f.put();
  return fd;
};

const PIDFD_SIGNAL_THREAD = 1, PIDFD_SIGNAL_THREAD_GROUP = 2, PIDFD_SIGNAL_PROCESS_GROUP = 4;
const SIGNAL_FLAGS = PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP;

/** pidfd_send_signal(pidfd, sig, info, flags) (Linux: kernel/signal.c): the scope is the pidfd's
 *  (a process, or a thread for PIDFD_THREAD) unless a flag picks one; a siginfo must name the
 *  same signal and may carry a kernel-like si_code (>= 0, or SI_TKILL) only when a process
 *  signals itself, as rt_sigqueueinfo's rule */
export const sysPidfdSendSignal: Handler = (k, t, r) => {
  const fd = iarg(r, 0);
  const sig = iarg(r, 1);
  const infoAddr = uarg(r, 2);
  const flags = u32arg(r, 3);
  if (flags & ~SIGNAL_FLAGS) return -E.EINVAL;
  if (flags & (flags - 1)) return refuse(E.EINVAL, "more than one PIDFD_SIGNAL_* scope");
  const f = t.files.lookup(fd);
  if (f === null) return -E.EBADF;
  if (!(f.node instanceof PidfdNode)) return -E.EBADF;
  const target = f.node.task;
  // the process must be visible from the caller's pid namespace (Linux: access_pidfd_pidns)
  if (pidIn(target, t.pidns) === 0 && target.state !== TaskState.Dead) return refuse(E.EINVAL, "the process is outside the caller's pid namespace");
  const scope = flags === PIDFD_SIGNAL_THREAD ? "thread" : flags === PIDFD_SIGNAL_THREAD_GROUP ? "process" : flags === PIDFD_SIGNAL_PROCESS_GROUP ? "pgrp" : f.node.thread ? "thread" : "process";
  let info: SigInfo = { signo: sig, code: scope === "thread" ? SI_TKILL : SI_USER, sender: t, uid: t.cred.uid };
  if (infoAddr !== 0) {
    const b = t.mm!.read(infoAddr, 128);
    if (b === null) return -E.EFAULT;
    const dv = new DataView(b.buffer);
    if (dv.getInt32(0, true) !== sig) return refuse(E.EINVAL, "si_signo differs from the signal");
    const code = dv.getInt32(8, true);
    if ((target !== t || scope === "pgrp") && (code >= 0 || code === SI_TKILL)) {
      return refuse(E.EPERM, "only a process signalling itself may use a kernel si_code (>= 0 or SI_TKILL)");
    }
    info = { signo: sig, code, pid: dv.getInt32(16, true), uid: dv.getInt32(20, true), value: dv.getInt32(24, true), valueHi: dv.getInt32(28, true) };
  }
  if (sig < 0 || sig > NSIG) return -E.EINVAL;
  if (target.state === TaskState.Dead) return -E.ESRCH;
  if (scope === "pgrp") {
    // the process group the pidfd's process leads (Linux: kill_pgrp_info)
    const members = [...k.tasks.values()].filter((x) => x.isLeader && x.regs !== null && x.state !== TaskState.Dead && x.group.pgid === target.tid);
    if (members.length === 0) return -E.ESRCH;
    let sent = 0;
    for (const x of members) {
      if (!mayKill(t, x, sig)) continue;
      sent++;
      if (sig !== 0) sendToGroup(k, x.group, info);
    }
    return sent > 0 ? 0 : -E.EPERM;
  }
  if (!mayKill(t, target, sig)) return -E.EPERM;
  if (sig !== 0) {
    if (scope === "thread") sendToThread(k, target, info);
    else sendToGroup(k, target.group, info);
  }
  return 0;
};
