// Sending and delivering signals (Linux: kernel/signal.c).
//
// Handlers run on the guest stack with Linux's riscv64 rt_sigframe; see sigframe.ts. This
// file decides who gets a signal, and performs default actions (terminate, core, stop,
// continue, ignore), including the group stop and continue with the parent's notification.

import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { ThreadGroup } from "./group.js";
import { ptraceStop } from "./ptrace.js";
import {
  CLD_CONTINUED, CLD_STOPPED, DefaultAction, SA_NOCLDSTOP, SIGCHLD, SIGCONT, SIGKILL, SIGRTMIN, SIGSTOP, SIG_DFL, SIG_IGN, SI_USER, SigInfo, UNBLOCKABLE,
  defaultAction, sigbit,
} from "./signals.js";
import { setupRtFrame } from "./sigframe.js";
import { flushSigqueue, sigqueueAlloc, sigqueueFree } from "./sigqueue.js";
import { EAGAIN } from "../base/errno.js";
import { RLIMIT_CORE, rlimit } from "./rlimit.js";
import { doExit, groupExit } from "./exit.js";
import { willBecomeOrphanedPgrp } from "./pgrp.js";

function ignored(t: Task, sig: number): boolean {
  const h = t.sighand.actions[sig].handler;
  return h === SIG_IGN || (h === SIG_DFL && defaultAction(sig) === DefaultAction.Ign);
}

/** send a signal to one thread (tkill/tgkill, faults); -EAGAIN when a real-time signal
 *  with an si_code other than SI_USER finds the user's RLIMIT_SIGPENDING used up */
export function sendToThread(k: Kernel, t: Task, info: SigInfo): number {
  if (t.state === TaskState.Zombie || t.state === TaskState.Dead) return 0;
  if (t.regs === null || unkillable(t.group, info)) return 0;
  if (prepare(k, t.group, info.signo)) {
    k.tracer?.ignored(t, info);
    return 0;
  }
  const r = enqueue(k, t.sig.pending, t, info);
  if (r === 1) signalWake(k, t, info.signo);
  return r < 0 ? r : 0;
}

/** Put info on a pending queue (Linux: __send_signal_locked): 1 when queued, 0 when a
 *  standard signal is already pending, -EAGAIN on queue overflow. */
function enqueue(k: Kernel, q: SigInfo[], target: Task, info: SigInfo): number {
  const sig = info.signo;
  if (sig < SIGRTMIN && q.some((p) => p.signo === sig)) return 0;
  // POSIX timers' signals have their entry from timer_create (Linux: SIGQUEUE_PREALLOC)
  if (info.timerId === undefined) {
    // the limit binds sigqueue-like senders; kill()'s standard signals and the kernel's own get through
    const override = sig < SIGRTMIN && info.code >= 0;
    // each queue holds its own entry (kill() of a process group sends one info to many)
    info = { ...info };
    if (!sigqueueAlloc(k.sigCounts, target, info, override)) {
      // overflow: sigqueue and real-time senders other than kill() fail
      if (sig >= SIGRTMIN && info.code !== SI_USER) return -EAGAIN;
      // kill() of a real-time signal is sent without its information: pending once, as
      // SI_USER from pid 0 (Linux: the bit without a queue entry, collect_signal)
      if (q.some((p) => p.signo === sig && p.queued === undefined && p.lost === true)) return 0;
      info = { signo: sig, code: SI_USER, pid: 0, uid: 0, lost: true };
    }
  }
  q.push(info);
  return 1;
}

/** the init of a pid namespace gets only the signals it handles from inside its namespace,
 *  and SIGKILL/SIGSTOP only from an ancestor namespace (Linux: SIGNAL_UNKILLABLE); the global
 *  init (a program run with --init) has no ancestor, so only the kernel's get through */
function unkillable(g: ThreadGroup, info: SigInfo): boolean {
  const leader = g.leader;
  if (leader.pidns.init !== leader || leader.regs === null) return false;
  const sig = info.signo;
  if (sig !== SIGKILL && sig !== SIGSTOP && leader.sighand.actions[sig].handler !== SIG_DFL) return false;
  // only SIGKILL and SIGSTOP from outside the namespace (or from the kernel) get through
  const from = info.sender;
  const outside = from === undefined || !from.pidns.within(leader.pidns);
  return !(outside && (sig === SIGKILL || sig === SIGSTOP));
}

/** send a signal to a thread group (kill); -EAGAIN as sendToThread */
export function sendToGroup(k: Kernel, g: ThreadGroup, info: SigInfo): number {
  const live = g.live();
  if (live.length === 0) return 0;
  if (g.leader.regs === null) return 0;
  if (unkillable(g, info)) return 0;
  if (prepare(k, g, info.signo)) {
    if (k.tracer) k.tracer.ignored(live.find((t) => (t.sig.blocked & sigbit(info.signo)) === 0n) ?? live[0], info);
    return 0;
  }
  const r = enqueue(k, g.pending, g.leader, info);
  if (r !== 1) return r < 0 ? r : 0;
  // wake a thread that does not block it (Linux: complete_signal)
  const bit = sigbit(info.signo);
  const target = live.find((t) => (t.sig.blocked & bit) === 0n) ?? live[0];
  signalWake(k, target, info.signo);
  return 0;
}

/** stop/continue side effects at send time; true when the signal is dropped */
function prepare(k: Kernel, g: ThreadGroup, sig: number): boolean {
  const leader = g.leader;
  if (sig === SIGCONT) {
    for (const t of g.threads) t.sig.pending = flushSigqueue(t.sig.pending, (p) => !isStopSig(p.signo));
    g.pending = flushSigqueue(g.pending, (p) => !isStopSig(p.signo));
    groupContinue(k, g);
  } else if (isStopSig(sig)) {
    for (const t of g.threads) t.sig.pending = flushSigqueue(t.sig.pending, (p) => p.signo !== SIGCONT);
    g.pending = flushSigqueue(g.pending, (p) => p.signo !== SIGCONT);
  }
  if (sig === SIGKILL) return false;
  // ignored signals are dropped at once, unless blocked (they may be handled later) or traced
  const t = g.live()[0] ?? leader;
  return ignored(t, sig) && (t.sig.blocked & sigbit(sig)) === 0n && t.ptrace.tracer === null;
}

function isStopSig(s: number): boolean {
  return defaultAction(s) === DefaultAction.Stop;
}

function signalWake(k: Kernel, t: Task, sig: number): void {
  if ((t.sig.blocked & sigbit(sig)) !== 0n && (sigbit(sig) & UNBLOCKABLE) === 0n) return;
  if (t.state === TaskState.Sleeping) k.sched.interrupt(t);
  if (sig === SIGKILL && t.state === TaskState.Stopped) {
    t.ptrace.stopped = false;
    k.sched.makeRunnable(t);
  }
}

/** is a signal pending that t does not block? */
export function hasDeliverable(t: Task): boolean {
  if (t.ptrace.pendingStop !== null) return true;
  for (const p of t.sig.pending) if ((t.sig.blocked & sigbit(p.signo)) === 0n || p.signo === SIGKILL) return true;
  for (const p of t.group.pending) if ((t.sig.blocked & sigbit(p.signo)) === 0n || p.signo === SIGKILL) return true;
  return false;
}

/** the signal deliverSignals would take next (0 if none), without taking it */
export function nextDeliverable(t: Task): number {
  for (const q of [t.sig.pending, t.group.pending]) {
    let best = 0;
    for (const p of q) {
      const s = p.signo;
      if ((t.sig.blocked & sigbit(s)) !== 0n && s !== SIGKILL && s !== SIGSTOP) continue;
      if (best === 0 || s < best) best = s;
    }
    if (best) return best;
  }
  return 0;
}

/** take a pending signal in `set` (sigtimedwait), thread queue first */
export function dequeueFrom(t: Task, set: bigint): SigInfo | null {
  for (const q of [t.sig.pending, t.group.pending]) {
    let best = -1;
    for (let i = 0; i < q.length; i++) {
      if ((set & sigbit(q[i].signo)) === 0n) continue;
      if (best < 0 || q[i].signo < q[best].signo) best = i;
    }
    if (best >= 0) {
      const info = q.splice(best, 1)[0];
      sigqueueFree(info);
      info.onDeliver?.();
      return info;
    }
  }
  return null;
}

function dequeue(t: Task): SigInfo | null {
  // synchronous and lower-numbered signals first, thread queue before process queue
  for (const q of [t.sig.pending, t.group.pending]) {
    let best = -1;
    for (let i = 0; i < q.length; i++) {
      const s = q[i].signo;
      if ((t.sig.blocked & sigbit(s)) !== 0n && s !== SIGKILL && s !== SIGSTOP) continue;
      if (best < 0 || s < q[best].signo) best = i;
    }
    if (best >= 0) {
      const info = q.splice(best, 1)[0];
      sigqueueFree(info);
      info.onDeliver?.();
      return info;
    }
  }
  return null;
}

/**
 * Deliver pending signals before t returns to user mode (Linux: get_signal). Returns false
 * when t can no longer run (it died or stopped).
 */
export function deliverSignals(k: Kernel, t: Task): boolean {
  for (;;) {
    if (t.group.groupExit) {
      doExit(k, t, t.group.exitStatus);
      return false;
    }
    if (t.ptrace.pendingStop !== null && t.ptrace.tracer !== null) {
      const st = t.ptrace.pendingStop;
      t.ptrace.pendingStop = null;
      ptraceStop(k, t, st);
      return false;
    }
    let info: SigInfo | null;
    if (t.ptrace.injectSignal > 0) {
      // the tracer resumed us with a signal: deliver it without another stop
      const s = t.ptrace.injectSignal;
      t.ptrace.injectSignal = 0;
      info = t.ptrace.lastSiginfo && t.ptrace.lastSiginfo.signo === s ? t.ptrace.lastSiginfo : { signo: s, code: 0x80 };
    } else {
      t.ptrace.injectSignal = 0;
      info = dequeue(t);
      if (info === null) {
        if (t.sig.savedMask !== null) {
          t.sig.blocked = t.sig.savedMask;
          t.sig.savedMask = null;
        }
        return true;
      }
      if (t.ptrace.tracer !== null && info.signo !== SIGKILL) {
        // signal-delivery-stop: the tracer decides what is delivered
        t.ptrace.lastSiginfo = info;
        ptraceStop(k, t, (info.signo << 8) | 0x7f);
        return false;
      }
    }
    const sig = info.signo;
    // strace's signal-delivery-stop: every signal but SIGKILL is seen before it acts
    if (sig !== SIGKILL) k.tracer?.signal(t, info);
    const act = t.sighand.actions[sig];
    if (sig !== SIGKILL && sig !== SIGSTOP && act.handler === SIG_IGN) continue;
    if (sig !== SIGKILL && sig !== SIGSTOP && act.handler !== SIG_DFL) {
      // a frame for this handler; other pending signals get theirs on top before the task returns
      // to user mode, so the last one set up runs first (Linux: exit_to_user_mode_loop calls
      // arch_do_signal_or_restart while signals are pending)
      setupRtFrame(k, t, info, act);
      continue;
    }
    switch (defaultAction(sig)) {
      case DefaultAction.Ign:
      case DefaultAction.Cont:
        continue;
      case DefaultAction.Stop:
        // a process group without a shell to continue it ignores the terminal's stop signals
        // (get_signal: is_current_pgrp_orphaned)
        if (sig !== SIGSTOP && willBecomeOrphanedPgrp(k, t.group.pgid, null)) continue;
        groupStop(k, t, sig);
        return false;
      case DefaultAction.Core:
      case DefaultAction.Term: {
        const core = defaultAction(sig) === DefaultAction.Core && rlimit(t, RLIMIT_CORE) > 0;
        groupExit(k, t, sig | (core ? 0x80 : 0));
        return false;
      }
    }
  }
}

/** a fault the task cannot ignore or block (Linux: force_sig_info) */
export function forceSignal(k: Kernel, t: Task, info: SigInfo): void {
  const act = t.sighand.actions[info.signo];
  const blocked = (t.sig.blocked & sigbit(info.signo)) !== 0n;
  if (blocked || act.handler === SIG_IGN) {
    t.sighand.resetHandler(info.signo);
    t.sig.blocked &= ~sigbit(info.signo);
  }
  t.sig.pending.push(info);
}

/** a stop signal's default action: every thread of the group stops (Linux: do_signal_stop) */
export function groupStop(k: Kernel, t: Task, sig: number): void {
  const g = t.group;
  g.stopped = true;
  g.stopSignal = sig;
  g.reportStop = true;
  g.reportCont = false;
  for (const th of g.live()) {
    th.state = TaskState.Stopped;
    k.sched.cancelDeadline(th);
    k.tracer?.stopped(th, sig);
  }
  notifyStopCont(k, g.leader, CLD_STOPPED, sig);
}

/** SIGCONT: resume a stopped group (Linux: prepare_signal's SIGCONT branch) */
export function groupContinue(k: Kernel, g: ThreadGroup): void {
  // tasks CLONE_STOPPED made (Linux 2.6: prepare_signal's wake_up_state(t, __TASK_STOPPED) for
  // every thread; SIGNAL_STOP_STOPPED was never set, so no CLD_CONTINUED)
  for (const th of g.live()) {
    if (!th.cloneStopped) continue;
    th.cloneStopped = false;
    if (th.state === TaskState.Stopped && !th.ptrace.stopped && !g.stopped) k.sched.makeRunnable(th);
  }
  if (!g.stopped) return;
  g.stopped = false;
  g.reportStop = false;
  g.reportCont = true;
  for (const th of g.live()) if (th.state === TaskState.Stopped && !th.ptrace.stopped) k.sched.makeRunnable(th);
  notifyStopCont(k, g.leader, CLD_CONTINUED, SIGCONT);
}

/** tell the parent (Linux: do_notify_parent_cldstop): SIGCHLD unless SA_NOCLDSTOP, and wake waiters */
function notifyStopCont(k: Kernel, leader: Task, code: number, sig: number): void {
  const parent = leader.parent;
  // kernel-side parents (init, the launcher) take no signals
  if (!parent || parent.kfn !== null) return;
  const act = parent.sighand.actions[SIGCHLD];
  if ((act.flags & SA_NOCLDSTOP) === 0) {
    sendToGroup(k, parent.group, { signo: SIGCHLD, code, sender: leader, uid: leader.cred.uid, status: sig });
  }
  parent.group.childWait.wakeAll();
}
