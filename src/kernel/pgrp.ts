// Process groups (Linux: kernel/exit.c will_become_orphaned_pgrp, has_stopped_jobs): who is in a
// group, and whether it is orphaned, which decides job-control signals (kernel/sigdeliver.ts drops
// a default stop for an orphaned group; tty/jobctrl.ts answers EIO and sends SIGHUP+SIGCONT).

import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import type { ThreadGroup } from "./group.js";

/** the processes (thread-group leaders) of process group `pgrp` (a root-namespace pid), the
 *  not-yet-reaped included (Linux: do_each_pid_task(pgrp, PIDTYPE_PGID)) */
export function* pgrpMembers(k: Kernel, pgrp: number): Iterable<Task> {
  for (const t of k.tasks.values()) if (t.isLeader && t.regs !== null && t.group.pgid === pgrp && t.state !== TaskState.Dead) yield t;
}

/** the live thread groups of a process group */
export function* pgrpGroups(k: Kernel, pgrp: number): Iterable<ThreadGroup> {
  for (const t of pgrpMembers(k, pgrp)) if (t.group.live().length > 0) yield t.group;
}

/**
 * will_become_orphaned_pgrp: no member (but `ignored`) has a parent in another group of the same
 * session, the link that lets a shell continue a stopped job. Zombies and children of the global
 * init do not count.
 */
export function willBecomeOrphanedPgrp(k: Kernel, pgrp: number, ignored: Task | null): boolean {
  for (const p of pgrpMembers(k, pgrp)) {
    if (p === ignored) continue;
    if (p.state === TaskState.Zombie && p.group.live().length === 0) continue;
    const rp = p.parent;
    if (rp === null || rp === k.init) continue;
    if (rp.group.pgid !== pgrp && rp.group.sid === p.group.sid) return false;
  }
  return true;
}

/** has_stopped_jobs: a member is in a group stop */
export function hasStoppedJobs(k: Kernel, pgrp: number): boolean {
  for (const g of pgrpGroups(k, pgrp)) if (g.stopped) return true;
  return false;
}
