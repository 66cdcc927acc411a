// Job control on terminals (Linux drivers/tty/tty_jobctrl.c, and kill_orphaned_pgrp from
// kernel/exit.c): who may read, write and change a terminal, controlling-terminal acquisition and
// release, and the signals sent when a session leader exits or a process group is orphaned.
// Everything goes through TtyHost, so the rules can be checked without a kernel.

import { EFAULT, EINVAL, EIO, ENOTTY, EPERM, ERESTARTSYS, ESRCH } from "../base/errno.js";
import { SIGCONT, SIGHUP, SIGTTIN, SIGTTOU } from "../base/signum.js";
import { Pid, Tty, TtyHost, TtyProcess } from "./tty.js";

export { ERESTARTSYS };

/**
 * __tty_check_change: a member of a background group touching its controlling terminal gets
 * `sig` (SIGTTIN for reads, SIGTTOU for writes with TOSTOP and for changes) and the call is
 * restarted after it; with the signal ignored or blocked the call goes ahead (a read: EIO), an
 * orphaned group gets EIO. 0 means go ahead. -ERESTARTSYS means the signal was sent.
 */
export function ttyCheckChange(host: TtyHost, tty: Tty, sig: number): number {
  const cur = host.current();
  if (cur.ctty !== tty) return 0;
  const ttyPgrp = tty.pgrp;
  if (ttyPgrp === null || cur.pgrp === ttyPgrp) return 0;
  if (host.ignoresSignal(sig)) return sig === SIGTTIN ? -EIO : 0;
  if (host.isOrphanedPgrp(cur.pgrp)) return -EIO;
  host.signalPgrp(cur.pgrp, sig, true);
  return -ERESTARTSYS;
}

/** tty_check_change */
export const ttyCheckChangeTtou = (host: TtyHost, tty: Tty): number => ttyCheckChange(host, tty, SIGTTOU);

/** __proc_set_tty: the current process's session takes the tty, its group in the foreground */
function procSetTty(cur: TtyProcess, tty: Tty): void {
  tty.pgrp = cur.pgrp;
  tty.session = cur.session;
  cur.ctty = tty;
  cur.ttyOldPgrp = null;
}

/** tty_open_proc_set_tty: opening without O_NOCTTY makes it the controlling tty of a leader without one */
export function openProcSetTty(host: TtyHost, tty: Tty, readable: boolean): void {
  const cur = host.current();
  if (cur.leader && !cur.ctty && tty.session === null && readable) procSetTty(cur, tty);
}

/** session_clear_tty: no process of the session has a controlling tty any more */
export function sessionClearTty(host: TtyHost, session: Pid | null): void {
  if (session === null) return;
  for (const p of host.sessionProcesses(session)) p.ctty = null;
}

/**
 * disassociate_ctty: the session leader gives up its terminal, at exit (onExit) or by
 * TIOCNOTTY. A pty's foreground group gets SIGHUP (and SIGCONT when not exiting); other
 * terminals are hung up at exit. The tty forgets the session, the session forgets the tty.
 */
export function disassociateCtty(host: TtyHost, onExit: boolean): void {
  const cur = host.current();
  if (!cur.leader) return;
  const tty = cur.ctty;
  if (tty) {
    if (onExit && tty.driver.type !== "pty") {
      tty.hangup(true);
    } else if (tty.pgrp !== null) {
      const fg = tty.pgrp;
      host.signalPgrp(fg, SIGHUP, onExit);
      if (!onExit) host.signalPgrp(fg, SIGCONT, onExit);
    }
  } else if (onExit) {
    const old = cur.ttyOldPgrp;
    cur.ttyOldPgrp = null;
    if (old !== null) {
      host.signalPgrp(old, SIGHUP, onExit);
      host.signalPgrp(old, SIGCONT, onExit);
    }
    return;
  }
  const again = cur.ctty;
  if (again) {
    again.session = null;
    again.pgrp = null;
  }
  cur.ttyOldPgrp = null;
  sessionClearTty(host, cur.session);
}

/** no_tty (TIOCNOTTY): disassociate, and drop the tty even if not a leader */
export function noTty(host: TtyHost): void {
  disassociateCtty(host, false);
  host.current().ctty = null;
}

/** tiocsctty: a session leader without a terminal takes this one (arg 1 with CAP_SYS_ADMIN steals it) */
export function tiocsctty(host: TtyHost, tty: Tty, readable: boolean, arg: number): number {
  const cur = host.current();
  if (cur.leader && cur.session === tty.session) return 0;
  if (!cur.leader || cur.ctty) return -EPERM;
  if (tty.session !== null) {
    if (arg === 1 && host.capSysAdmin()) sessionClearTty(host, tty.session);
    else return -EPERM;
  }
  if (!readable && !host.capSysAdmin()) return -EPERM;
  procSetTty(cur, tty);
  return 0;
}

/** tiocgpgrp: the foreground group, for the controlling terminal or through a pty master */
export function tiocgpgrp(host: TtyHost, tty: Tty): number {
  const real = tty.realTty;
  if (tty === real && host.current().ctty !== real) return -ENOTTY;
  return real.pgrp === null ? 0 : host.pidNr(real.pgrp);
}

/**
 * tiocspgrp (tcsetpgrp): only the controlling terminal, only a group of the caller's session;
 * pgrpNr null: the argument could not be read (EFAULT after the job-control check)
 */
export function tiocspgrp(host: TtyHost, tty: Tty, pgrpNr: number | null): number {
  const real = tty.realTty;
  const r = ttyCheckChange(host, real, SIGTTOU);
  if (r === -EIO) return -ENOTTY;
  if (r) return r;
  if (pgrpNr === null) return -EFAULT;
  if (pgrpNr < 0) return -EINVAL;
  const cur = host.current();
  if (!cur.ctty || cur.ctty !== real || real.session !== cur.session) return -ENOTTY;
  const pgrp = host.findPid(pgrpNr);
  if (pgrp === null) return -ESRCH;
  if (host.sessionOfPgrp(pgrp) !== cur.session) return -EPERM;
  real.pgrp = pgrp;
  return 0;
}

/** tiocgsid: the session of the terminal (ENOTTY if it has none or is not ours) */
export function tiocgsid(host: TtyHost, tty: Tty): number {
  const real = tty.realTty;
  if (tty === real && host.current().ctty !== real) return -ENOTTY;
  if (real.session === null) return -ENOTTY;
  return host.pidNr(real.session);
}

/** the TIOCNOTTY ioctl */
export function tiocnotty(host: TtyHost, tty: Tty): number {
  if (host.current().ctty !== tty) return -ENOTTY;
  noTty(host);
  return 0;
}

/** what kill_orphaned_pgrp needs to know about the exiting (or reparented) process */
export interface OrphanQuery {
  /** task_pgrp(parent) != pgrp, task_session(parent) == task_session(tsk) */
  parentInOtherPgrpSameSession: boolean;
  /** will_become_orphaned_pgrp(pgrp, ignored_task) */
  becomesOrphaned: boolean;
  /** has_stopped_jobs(pgrp) */
  hasStoppedJobs: boolean;
}

/**
 * kill_orphaned_pgrp (kernel/exit.c): a process group that becomes orphaned while it has stopped
 * members gets SIGHUP then SIGCONT, so it is not left stopped with nobody to continue it.
 */
export function killOrphanedPgrp(host: TtyHost, pgrp: Pid, q: OrphanQuery): boolean {
  if (!(q.parentInOtherPgrpSameSession && q.becomesOrphaned && q.hasStoppedJobs)) return false;
  host.signalPgrp(pgrp, SIGHUP, true);
  host.signalPgrp(pgrp, SIGCONT, true);
  return true;
}
