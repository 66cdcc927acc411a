// pidfd_open and pidfd_send_signal (Linux: kernel/pid.c, kernel/signal.c).

import * as E from "../base/errno.js";
import { Handler, iarg, uarg, u32arg } from "./args.js";
import { TaskState } from "../kernel/task.js";
import { PidfdNode, openPidfd } from "../kernel/pidfd.js";
import { O_NONBLOCK } from "../fs/file.js";
import { sendToGroup, sendToThread } from "../kernel/sigdeliver.js";
import { NSIG, SI_USER } from "../kernel/signals.js";
import { findTask } from "../kernel/pidns.js";
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

export const sysPidfdSendSignal: Handler = (k, t, r) => {
  const fd = iarg(r, 0);
  const sig = iarg(r, 1);
  const info = uarg(r, 2);
  const flags = u32arg(r, 3);
  if (flags !== 0) return -E.EINVAL;
  const f = t.files.lookup(fd);
  if (f === null) return -E.EBADF;
  if (!(f.node instanceof PidfdNode)) return -E.EBADF;
  if (sig < 0 || sig > NSIG) return -E.EINVAL;
  if (info !== 0) {
    return refuse(E.EINVAL, "a siginfo argument is not supported yet");
  }
  const target = f.node.task;
  if (target.state === TaskState.Dead) return -E.ESRCH;
  if (sig !== 0) {
    const info = { signo: sig, code: SI_USER, sender: t, uid: t.cred.uid };
    if (f.node.thread) sendToThread(k, target, info);
    else sendToGroup(k, target.group, info);
  }
  return 0;
};
