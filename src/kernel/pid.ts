// Pid allocation and the pid hashes (Linux: kernel/pid.c alloc_pid, attach_pid, detach_pid):
// a new task gets a pid in its pid namespace and in every ancestor namespace.

import { EAGAIN, EEXIST, EINVAL, ENOMEM, EPERM } from "../base/errno.js";
import type { Regs } from "../cpu/regs.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { PidNamespace, PID_MAX } from "./pidns.js";
import { CAP_CHECKPOINT_RESTORE, CAP_SYS_ADMIN } from "../cred/capability.js";

/**
 * A task with a pid in `ns` and every ancestor namespace (Linux: alloc_pid). setTid asks
 * for specific pids, innermost first (clone3 set_tid). Returns -errno on failure.
 */
export function newTask(k: Kernel, parent: Task | null, regs: Regs | null, comm: string, ns: PidNamespace = k.rootPidns, setTid: number[] = []): Task | number {
  if (setTid.length > ns.level + 1) {
    k.reason = "set_tid_size is larger than the pid namespace nesting";
    return -EINVAL;
  }
  if (ns.dead) {
    k.reason = "the pid namespace's init has exited";
    return -ENOMEM;
  }
  const pids: number[] = new Array(ns.level + 1);
  let i = 0;
  for (let n: PidNamespace | null = ns; n; n = n.parent, i++) {
    const want = i < setTid.length ? setTid[i] : 0;
    if (i < setTid.length) {
      if (want < 1 || want >= PID_MAX) return (k.reason = "set_tid outside 1..pid_max"), -EINVAL;
      if (want !== 1 && n.init === null) return (k.reason = "set_tid in a namespace without an init must be 1"), -EINVAL;
      if (parent && !parent.can(CAP_SYS_ADMIN) && !parent.can(CAP_CHECKPOINT_RESTORE)) return (k.reason = "set_tid requires CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE"), -EPERM;
      if (n.tasks.has(want)) return (k.reason = "set_tid names a pid that is in use"), -EEXIST;
      pids[n.level] = want;
    } else {
      const p = n.alloc();
      if (p < 0) return (k.reason = "no free pid"), -EAGAIN;
      pids[n.level] = p;
    }
  }
  const t = new Task(pids[0], parent, regs, comm, (w) => k.sched.makeRunnable(w));
  if (regs !== null) k.liveUser++;
  t.pids = pids;
  t.pidns = ns;
  t.pidnsChildren = ns;
  t.startTime = k.clock.now;
  hashPids(k, t);
  if (ns.init === null) ns.init = t;
  return t;
}

/** undo newTask for a clone that failed before its point of no return */
export function forgetTask(k: Kernel, t: Task): void {
  if (t.regs !== null) k.liveUser--;
  unhashPids(k, t);
  k.history.delete(t.tid);
}

export function hashPids(k: Kernel, t: Task): void {
  k.tasks.set(t.tid, t);
  for (let n: PidNamespace | null = t.pidns; n; n = n.parent) n.tasks.set(t.pids[n.level], t);
}

export function unhashPids(k: Kernel, t: Task): void {
  if (k.tasks.get(t.tid) === t) k.tasks.delete(t.tid);
  for (let n: PidNamespace | null = t.pidns; n; n = n.parent) if (n.tasks.get(t.pids[n.level]) === t) n.tasks.delete(t.pids[n.level]);
}

/** de_thread's pid exchange (Linux: exchange_tids): t becomes the group leader under the leader's pid */
export function takeOverLeader(k: Kernel, t: Task, leader: Task): void {
  const g = t.group;
  const oldTid = t.tid;
  unhashPids(k, t);
  unhashPids(k, leader);
  k.history.delete(oldTid);
  t.tid = leader.tid;
  t.pids = leader.pids;
  t.pidns = leader.pidns;
  hashPids(k, t);
  if (t.pidns.init === leader) t.pidns.init = t;
  t.parent = leader.parent;
  t.exitSignal = leader.exitSignal;
  if (t.parent) {
    const i = t.parent.children.indexOf(leader);
    if (i >= 0) t.parent.children[i] = t;
  }
  t.children.push(...leader.children.filter((c) => c !== t));
  for (const c of leader.children) c.parent = t;
  leader.children = [];
  g.threads = g.threads.filter((x) => x !== leader);
  g.leader = t;
  leader.state = TaskState.Dead;
  if (k.main === leader) k.main = t;
  const h = k.history.get(t.tid);
  if (h) h.status = null;
}
