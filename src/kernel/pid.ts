// Pid allocation and the pid hashes (Linux: kernel/pid.c alloc_pid, attach_pid, detach_pid):
// a new task gets a pid in its pid namespace and in every ancestor namespace.

import { EAGAIN, EEXIST, EINVAL, ENOMEM, EPERM, type Refusal } from "../base/errno.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { PidNamespace } from "./pidns.js";
import { CAP_CHECKPOINT_RESTORE, CAP_SYS_ADMIN } from "../cred/capability.js";

/**
 * Pids for a new task in `ns` and every ancestor namespace, innermost last (Linux: alloc_pid).
 * setTid asks for specific pids, innermost first (clone3 set_tid); `caller` must then be
 * privileged. Nothing is taken until attachTask hashes the task.
 */
export function allocPids(caller: Task | null, ns: PidNamespace, setTid: number[] = []): number[] | Refusal {
  const refuse = (errno: number, reason: string): Refusal => ({ errno, reason });
  if (setTid.length > ns.level + 1) return refuse(EINVAL, "set_tid_size is larger than the pid namespace nesting");
  if (ns.dead) return refuse(ENOMEM, "the pid namespace's init has exited");
  const pids: number[] = new Array(ns.level + 1);
  let i = 0;
  for (let n: PidNamespace | null = ns; n; n = n.parent, i++) {
    if (i < setTid.length) {
      const want = setTid[i];
      if (want < 1 || want >= n.pidMax) return refuse(EINVAL, "set_tid outside 1..pid_max");
      if (want !== 1 && n.init === null) return refuse(EINVAL, "set_tid in a namespace without an init must be 1");
      if (caller && !caller.can(CAP_SYS_ADMIN) && !caller.can(CAP_CHECKPOINT_RESTORE)) return refuse(EPERM, "set_tid requires CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE");
      if (n.tasks.has(want)) return refuse(EEXIST, "set_tid names a pid that is in use");
      pids[n.level] = want;
    } else {
      const p = n.alloc();
      if (p < 0) return refuse(EAGAIN, "no free pid");
      pids[n.level] = p;
    }
  }
  return pids;
}

/** make a new task findable by its pids (Linux: attach_pid); the first task of a pid namespace is its init */
export function attachTask(k: Kernel, t: Task): void {
  if (t.regs !== null) k.liveUser++;
  hashPids(k, t);
  if (t.pidns.init === null) t.pidns.init = t;
}

/** undo attachTask for a clone that failed before its point of no return */
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
