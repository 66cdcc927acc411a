// Ending tasks (Linux: kernel/exit.c): do_exit and exit_group, the mm release that exec shares
// (kernel/fork.c mm_release), the parent's notification, reaping, and reparenting orphans.

import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { CLD_DUMPED, CLD_EXITED, CLD_KILLED, SA_NOCLDWAIT, SIGCHLD, SIGKILL, SIG_IGN } from "./signals.js";
import { sendToGroup } from "./sigdeliver.js";
import { tracerExit } from "./ptrace.js";
import { exitRobustList, futexWakeShared } from "./futex.js";
import { recordExit } from "./tree.js";
import { unhashPids } from "./pid.js";
import { flushSigqueue } from "./sigqueue.js";
import { exitTty, killOrphanedGroup } from "./ttyhost.js";
import { KERN_EMERG, printk } from "./printk.js";

/** Linux do_exit: release what the task holds, become a zombie, tell the parent */
export function doExit(k: Kernel, t: Task, status: number): void {
  if (t.state === TaskState.Zombie || t.state === TaskState.Dead) return;
  const groupDead = t.group.live().every((x) => x === t);
  t.exitStatus = status;
  k.tracer?.exited(t, status);
  if (t.regs !== null) k.liveUser--;
  recordExit(k, t, status);
  // kernel/exit.c do_exit: "If the last thread of global init has exited, panic immediately"
  if (groupDead && t.group === k.init.group && t.regs !== null) initDied(k, t.group.groupExit ? t.group.exitStatus : status);
  if (t.pidns.init === t && t.pidns !== k.rootPidns) zapPidNamespace(k, t);
  releaseMm(k, t);
  if (t.ptrace.tracees.length) tracerExit(k, t);
  t.files.put();
  t.fs.put();
  t.sighand.put();
  t.semUndo.put(t.tgid);
  t.io.put();
  // a session leader's terminal goes: its foreground job gets SIGHUP (disassociate_ctty(1))
  if (groupDead && t.regs !== null) exitTty(k, t);
  k.sched.cancelDeadline(t);
  t.state = TaskState.Zombie;
  reparentChildren(k, t);
  // exit_notify: a process group this exit leaves orphaned with stopped members is woken
  if (groupDead && t.regs !== null) killOrphanedGroup(k, t.group.leader, null);
  const g = t.group;
  const last = g.live().length === 0;
  // queued signals die with the thread, the shared ones with the process (Linux: __exit_signal's flush_sigqueue)
  t.sig.pending = flushSigqueue(t.sig.pending, () => false);
  if (last) g.pending = flushSigqueue(g.pending, () => false);
  k.emit({ type: "task-exited", pid: t.tgid, tid: t.tid, status });
  g.exitWait.wakeAll();
  if (!t.isLeader) {
    // threads are reaped by the kernel at once (Linux: release_task for non-leaders)
    release(k, t);
    if (last && g.leader.state === TaskState.Zombie) notifyParent(k, g.leader);
    return;
  }
  if (last) notifyParent(k, t);
}

/** exit_group and fatal signals: the whole thread group dies with this wait status */
export function groupExit(k: Kernel, t: Task, status: number): void {
  const g = t.group;
  if (!g.groupExit) {
    g.groupExit = true;
    g.exitStatus = status;
    for (const o of g.threads) if (o !== t && o.state !== TaskState.Zombie && o.state !== TaskState.Dead) k.sched.makeRunnable(o);
  }
  doExit(k, t, g.exitStatus);
}

/** the task leaves its address space, at exit and at exec (Linux: mm_release, exit_mm): the
 *  robust futex list is processed, a CLONE_CHILD_CLEARTID word is cleared and woken when the
 *  mm stays in use, a vfork parent is released, and the last user frees the mm */
export function releaseMm(k: Kernel, t: Task): void {
  exitRobustList(k, t);
  const mm = t.mm;
  if (mm === null) return;
  if (t.clearChildTid !== 0 && mm.users > 1) {
    mm.writeU32(t.clearChildTid, 0);
    futexWakeShared(k, mm, t.clearChildTid, 1);
  }
  t.mm = null;
  // the faults of an address space the process lets go of stay counted (Linux: signal->min_flt)
  if (mm.users === 1) t.group.minflt += mm.faults;
  if (t.vforkParent) {
    const p = t.vforkParent;
    t.vforkParent = null;
    // only a sleeping parent is woken; a stopped one sees the release when it resumes
    p.wake();
  }
  mm.put();
}

/** the init of a pid namespace is exiting: everything inside dies with it, and it reaps
 *  what was reparented to it (Linux: zap_pid_ns_processes); later forks there fail */
function zapPidNamespace(k: Kernel, init: Task): void {
  const ns = init.pidns;
  ns.dead = true;
  for (const x of [...ns.tasks.values()]) {
    if (x === init || x.state === TaskState.Zombie || x.state === TaskState.Dead) continue;
    if (x.group === init.group) continue;
    x.group.groupExit = true;
    x.group.exitStatus = SIGKILL;
    doExit(k, x, SIGKILL);
  }
  for (const c of [...init.children]) {
    if (c.isLeader && c.state === TaskState.Zombie && c.group.live().length === 0) reap(k, c);
  }
}

/** the whole group is dead: the leader's zombie now reports to the parent (Linux: do_notify_parent) */
function notifyParent(k: Kernel, leader: Task): void {
  const g = leader.group;
  const status = g.groupExit ? g.exitStatus : leader.exitStatus;
  leader.exitStatus = status;
  if (leader === k.main) {
    k.mainStatus = status;
    // the run ends with the program: what it left behind is killed, as a container's init would
    for (const t of k.tasks.values()) {
      if (t.regs !== null && t.isLeader && t.group !== g && t.group.live().length > 0) sendToGroup(k, t.group, { signo: SIGKILL, code: 0x80 });
    }
  }
  g.exitWait.wakeAll();
  if (leader.ptrace.tracer && leader.ptrace.tracer.group !== leader.parent?.group) leader.ptrace.tracer.group.childWait.wakeAll();
  // pid 1 run as --init has no parent to tell
  const parent = leader.parent;
  if (parent === null) return;
  if (parent.kfn !== null) {
    // kernel-side parents (init) are woken to reap; they take no signals
    parent.group.childWait.wakeAll();
    return;
  }
  const pact = parent.sighand.actions[SIGCHLD];
  const autoReap = leader.exitSignal === SIGCHLD && (pact.handler === SIG_IGN || (pact.flags & SA_NOCLDWAIT) !== 0);
  if (leader.exitSignal > 0 && leader.exitSignal <= 64) {
    const code = (status & 0x7f) === 0 ? CLD_EXITED : status & 0x80 ? CLD_DUMPED : CLD_KILLED;
    sendToGroup(k, parent.group, {
      signo: leader.exitSignal, code, sender: leader, uid: 0,
      status: code === CLD_EXITED ? (status >> 8) & 0xff : status & 0x7f,
    });
  }
  parent.group.childWait.wakeAll();
  if (autoReap) reap(k, leader);
}

/** the program run as pid 1 (--init) ended: Linux panics (kernel/exit.c do_exit, with
 *  signal->group_exit_code ?: code), and the machine stops; here the run ends with init's status
 *  (notifyParent kills what is left, as for any main program) and the panic is in the kernel log */
function initDied(k: Kernel, code: number): void {
  const msg = `Attempted to kill init! exitcode=0x${(code >>> 0).toString(16).padStart(8, "0")}`;
  // kernel/panic.c: pr_emerg("Kernel panic - not syncing: %s\n", buf) ... pr_emerg("---[ end Kernel panic - not syncing: %s ]---\n", buf)
  printk(k.log, KERN_EMERG, `Kernel panic - not syncing: ${msg}`);
  printk(k.log, KERN_EMERG, `---[ end Kernel panic - not syncing: ${msg} ]---`);
}

/** remove a dead task and its group from every list (Linux: release_task) */
export function reap(k: Kernel, t: Task): void {
  t.state = TaskState.Dead;
  const p = t.parent;
  if (p) {
    const i = p.children.indexOf(t);
    if (i >= 0) p.children.splice(i, 1);
    // the child's time and faults, its threads' and its own reaped children's (Linux: __exit_signal, wait_task_zombie)
    const g = t.group;
    p.group.cutime += g.threads.reduce((a, x) => a + x.utime, 0) + g.deadUtime + g.cutime;
    p.group.cminflt += g.minflt + g.cminflt;
  }
  for (const th of [...t.group.threads]) if (th !== t) release(k, th);
  release(k, t);
}

function release(k: Kernel, t: Task): void {
  t.state = TaskState.Dead;
  k.frames.uncharge(t.charged);
  t.charged = 0;
  if (t.ptrace.tracer) t.ptrace.tracer.ptrace.tracees = t.ptrace.tracer.ptrace.tracees.filter((x) => x !== t);
  const g = t.group;
  const i = g.threads.indexOf(t);
  if (i >= 0 && t !== g.leader) {
    g.threads.splice(i, 1);
    g.deadUtime += t.utime;
  }
  if (t === g.leader && g.threads.every((x) => x.state === TaskState.Dead)) g.threads = [];
  unhashPids(k, t);
}

/** children of an exiting task go to another live thread, the nearest subreaper, or init */
function reparentChildren(k: Kernel, t: Task): void {
  if (t.children.length === 0) return;
  // Linux find_new_reaper: another thread, else a subreaper ancestor in the same pid
  // namespace, else the namespace's init
  let heir: Task | null = t.group.live().find((x) => x !== t) ?? null;
  const ns = t.pidns;
  if (heir === null) {
    for (let a = t.parent; a !== null && a.pidns === ns && a !== ns.init; a = a.parent) {
      if (a.group.isSubreaper && a.group.live().length > 0) {
        heir = a.group.live()[0];
        break;
      }
    }
  }
  if (heir === null) heir = ns.init && ns.init.state !== TaskState.Dead && ns.init !== t ? ns.init : k.init;
  const moved = t.children;
  for (const c of t.children) {
    c.parent = heir;
    heir.children.push(c);
    if (c.pdeathSignal) sendToGroup(k, c.group, { signo: c.pdeathSignal, code: 0 });
    if (c.state === TaskState.Zombie && c.isLeader && c.group.live().length === 0) heir.group.childWait.wakeAll();
  }
  t.children = [];
  // reparent_leader: a child's group may have lost its last link to a parent in the session
  if (heir.group !== t.group) for (const c of moved) if (c.isLeader && c.regs !== null && c.state !== TaskState.Dead) killOrphanedGroup(k, c, t);
}
