// The tty layer's view of the kernel (tty/tty.ts TtyHost over tasks) and the process lifecycle's
// terminal work (Linux: kernel/exit.c disassociate_ctty at group exit and kill_orphaned_pgrp,
// fs/proc/array.c's tty_nr and tpgid). Process groups and sessions are root-namespace pids.

import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import type { GroupTty } from "./group.js";
import { SIGCONT, SIG_IGN, SI_KERNEL, SI_USER, sigbit } from "./signals.js";
import { sendToGroup } from "./sigdeliver.js";
import { pidIn, viewId } from "./pidns.js";
import { hasStoppedJobs, pgrpGroups, willBecomeOrphanedPgrp } from "./pgrp.js";
import { CAP_SYS_ADMIN } from "../cred/capability.js";
import type { Pid, Tty, TtyHost, TtyProcess } from "../tty/tty.js";
import { disassociateCtty, killOrphanedPgrp } from "../tty/jobctrl.js";

export class KernelTtyHost implements TtyHost {
  constructor(private readonly k: Kernel) {}

  private cur(): Task {
    const t = this.k.current;
    if (t === null) throw new Error("tty: no current task");
    return t;
  }

  current(): TtyProcess {
    return this.cur().group.tty;
  }

  /** is_ignored: blocked by the current thread, or SIG_IGN */
  ignoresSignal(sig: number): boolean {
    const t = this.cur();
    return (t.sig.blocked & sigbit(sig)) !== 0n || t.sighand.actions[sig].handler === SIG_IGN;
  }

  isOrphanedPgrp(pgrp: Pid): boolean {
    return willBecomeOrphanedPgrp(this.k, pgrp, null);
  }

  /** kill_pgrp: priv is SEND_SIG_PRIV (si_code SI_KERNEL), else SEND_SIG_NOINFO (SI_USER from
   *  the current task); no permission check either way */
  signalPgrp(pgrp: Pid, sig: number, priv: boolean): void {
    const from = priv ? null : this.k.current;
    for (const g of [...pgrpGroups(this.k, pgrp)]) {
      sendToGroup(this.k, g, from ? { signo: sig, code: SI_USER, sender: from, uid: from.cred.uid } : { signo: sig, code: SI_KERNEL });
    }
  }

  signalProcess(p: TtyProcess, sig: number): void {
    sendToGroup(this.k, (p as GroupTty).group, { signo: sig, code: SI_KERNEL });
  }

  *sessionProcesses(session: Pid): Iterable<TtyProcess> {
    for (const t of [...this.k.tasks.values()]) {
      if (t.isLeader && t.regs !== null && t.group.sid === session && t.state !== TaskState.Dead) yield t.group.tty;
    }
  }

  /** find_vpid: a pid of the caller's namespace that names a process, group or session */
  findPid(nr: number): Pid | null {
    if (nr <= 0) return null;
    const t = this.cur();
    const owner = t.pidns.tasks.get(nr);
    if (owner) return owner.tid;
    if (t.pidns.level !== 0) return null;
    // a group or session whose leader is gone is still named by its number
    for (const x of this.k.tasks.values()) if (x.state !== TaskState.Dead && (x.group.pgid === nr || x.group.sid === nr)) return nr;
    return null;
  }

  /** session_of_pgrp: the session of a member of the group, else of the process with that pid */
  sessionOfPgrp(pgrp: Pid): Pid | null {
    for (const g of pgrpGroups(this.k, pgrp)) return g.sid;
    const t = this.k.tasks.get(pgrp);
    return t && t.state !== TaskState.Dead ? t.group.sid : null;
  }

  pidNr(pid: Pid): number {
    return viewId(this.k, pid, this.cur());
  }

  capSysAdmin(): boolean {
    return this.cur().can(CAP_SYS_ADMIN);
  }

  now(): number {
    return this.k.clock.approx();
  }
}

/** run fn with t as the current task (exit work done on behalf of a task that is not running) */
function asCurrent<T>(k: Kernel, t: Task, fn: () => T): T {
  const saved = k.current;
  k.current = t;
  try {
    return fn();
  } finally {
    k.current = saved;
  }
}

/** do_exit of the last thread of a group: a session leader gives up its terminal (disassociate_ctty(1)) */
export function exitTty(k: Kernel, t: Task): void {
  const tty = t.group.tty;
  if (!tty.leader || (tty.ctty === null && tty.ttyOldPgrp === null)) return;
  asCurrent(k, t, () => disassociateCtty(k.ttyHost, true));
}

/**
 * kill_orphaned_pgrp: `p`'s group became orphaned through `parent` (its exiting parent when p is
 * reparented; null when p itself exits, whose real parent is then the link that went away) while
 * a member is stopped: SIGHUP then SIGCONT to the group.
 */
export function killOrphanedGroup(k: Kernel, p: Task, parent: Task | null): void {
  const pgrp = p.group.pgid;
  const ignored = parent === null ? p : null;
  const par = parent ?? p.parent;
  if (par === null) return;
  killOrphanedPgrp(k.ttyHost, pgrp, {
    parentInOtherPgrpSameSession: par.group.pgid !== pgrp && par.group.sid === p.group.sid,
    becomesOrphaned: willBecomeOrphanedPgrp(k, pgrp, ignored),
    hasStoppedJobs: hasStoppedJobs(k, pgrp),
  });
}

/** /proc/PID/stat field 7: the controlling terminal's device number (new_encode_dev), 0 without */
export function ttyNrOf(t: Task): number {
  const tty: Tty | null = t.group.tty.ctty;
  return tty ? tty.driver.devnum(tty) : 0;
}

/** /proc/PID/stat field 8: the foreground process group of the controlling terminal as `viewer`
 *  sees it; -1 without a controlling terminal, 0 when it has no foreground group */
export function tpgidOf(k: Kernel, t: Task, viewer: Task): number {
  const tty = t.group.tty.ctty;
  if (!tty) return -1;
  if (tty.pgrp === null) return 0;
  const owner = k.tasks.get(tty.pgrp);
  return owner ? pidIn(owner, viewer.pidns) : viewer.pidns.level === 0 ? tty.pgrp : 0;
}

/** the first program's job (its process group) is stopped by job control, with its parent the
 *  launcher waiting: what a shell reports as "Stopped" (the CLI then stops forkscope itself) */
export function mainJobStopped(k: Kernel): boolean {
  const m = k.main;
  if (m === null || m.state === TaskState.Zombie || m.state === TaskState.Dead || k.mainStatus !== null) return false;
  const groups = [...pgrpGroups(k, m.group.pgid)];
  return groups.length > 0 && groups.every((g) => g.stopped);
}

/** what a shell's fg does for the launcher's stopped job: the job's group in the terminal's
 *  foreground again (tcsetpgrp) and SIGCONT to it (kill(-pgrp, SIGCONT), from the launcher) */
export function continueMainJob(k: Kernel): void {
  const m = k.main;
  const launcher = m?.parent;
  if (!m || !launcher || !mainJobStopped(k)) return;
  const pgrp = m.group.pgid;
  const tty = launcher.group.tty.ctty;
  if (tty !== null && tty.session === launcher.group.sid) tty.pgrp = pgrp;
  for (const g of [...pgrpGroups(k, pgrp)]) sendToGroup(k, g, { signo: SIGCONT, code: SI_USER, sender: launcher, uid: launcher.cred.uid });
}
