// Nice values (Linux: kernel/sys.c getpriority/setpriority, kernel/sched/core.c can_nice): per
// thread, -20..19, inherited by fork; the scheduler gives a task time slices in proportion to
// its nice weight (kernel/sched.ts).

import * as E from "../base/errno.js";
import { Handler, iarg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import { Task, TaskState } from "../kernel/task.js";
import { findTask } from "../kernel/pidns.js";
import { RLIMIT_NICE, rlimit } from "../kernel/rlimit.js";
import { CAP_SYS_NICE } from "../cred/capability.js";
import { INIT_USER_NS, toKernel } from "../cred/userns.js";

const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
const MIN_NICE = -20, MAX_NICE = 19;

/** the threads `which`/`who` name, as the caller's namespaces see them */
function targets(k: Kernel, t: Task, which: number, who: number): Task[] {
  const alive = (x: Task) => x.state !== TaskState.Dead && x.kfn === null;
  switch (which) {
    case PRIO_PROCESS: {
      const p = who === 0 ? t : findTask(t, who);
      return p && alive(p) ? [p] : [];
    }
    case PRIO_PGRP: {
      const pgid = who === 0 ? t.group.pgid : findTask(t, who)?.tid ?? -1;
      return [...t.pidns.tasks.values()].filter((x) => alive(x) && x.group.pgid === pgid);
    }
    default: {
      const uid = who === 0 ? t.cred.uid : toKernel(t.cred.userns.uidMap, who >>> 0);
      return [...t.pidns.tasks.values()].filter((x) => alive(x) && x.cred.uid === uid);
    }
  }
}

/** getpriority(which, who): 20 - nice of the highest-priority match, so never negative (glibc
 *  turns it back into a nice value) */
export const sysGetpriority: Handler = (k, t, r) => {
  const which = iarg(r, 0);
  if (which < PRIO_PROCESS || which > PRIO_USER) return -E.EINVAL;
  let best = -E.ESRCH;
  for (const x of targets(k, t, which, iarg(r, 1))) best = Math.max(best, 20 - x.nice);
  return best;
};

/** setpriority(which, who, nice): clamped to -20..19; EPERM for another user's task without
 *  CAP_SYS_NICE, EACCES for lowering the value below what RLIMIT_NICE allows (Linux: set_one_prio) */
export const sysSetpriority: Handler = (k, t, r) => {
  const which = iarg(r, 0);
  if (which < PRIO_PROCESS || which > PRIO_USER) return -E.EINVAL;
  const nice = Math.min(MAX_NICE, Math.max(MIN_NICE, iarg(r, 2)));
  let err = -E.ESRCH;
  for (const p of targets(k, t, which, iarg(r, 1))) {
    if (p.cred.uid !== t.cred.euid && p.cred.euid !== t.cred.euid && !t.can(CAP_SYS_NICE, p.cred.userns)) {
      err = -E.EPERM;
      continue;
    }
    if (nice < p.nice && 20 - nice > rlimit(p, RLIMIT_NICE) && !t.can(CAP_SYS_NICE, INIT_USER_NS)) {
      err = -E.EACCES;
      continue;
    }
    if (err === -E.ESRCH) err = 0;
    p.nice = nice;
  }
  return err;
};
