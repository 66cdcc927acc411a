// PID namespaces (Linux: kernel/pid_namespace.c, kernel/pid.c): every task has a pid in its
// own namespace and in each ancestor; ids that cross the kernel boundary are translated to
// the viewer's namespace (0 when the task is not visible there).

import type { Task } from "./task.js";
import { INIT_INO, allocNsIno } from "../base/nsinum.js";
import { INIT_USER_NS, UserNamespace } from "../cred/userns.js";

export const MAX_PID_NS_LEVEL = 32;
export const PID_MAX = 4194304;
export const RESERVED_PIDS = 300;

export class PidNamespace {
  readonly level: number;
  readonly tasks = new Map<number, Task>();
  private next = 1;
  /** the namespace's init (its child reaper); null until the first task is created in it */
  init: Task | null = null;
  /** init has died: no new tasks can be created here (fork gets ENOMEM) */
  dead = false;
  readonly id: number;
  private static nextId = 1;
  /** nsfs inode (/proc/PID/ns/pid) */
  readonly ino: number;
  /** kernel.pid_max of this namespace (Linux 6.14+: per pid namespace, inherited): pids are
   *  below it */
  pidMax: number;

  constructor(readonly parent: PidNamespace | null, public owner: UserNamespace = INIT_USER_NS) {
    this.level = parent ? parent.level + 1 : 0;
    this.pidMax = parent ? parent.pidMax : PID_MAX;
    this.ino = parent ? allocNsIno() : INIT_INO.pid;
    this.id = PidNamespace.nextId++;
  }

  /** the next free pid, cycling like Linux's idr_alloc_cyclic; -1 if none */
  alloc(): number {
    const max = this.pidMax;
    for (let tries = 0; tries < max; tries++) {
      if (this.next >= max) this.next = this.level === 0 ? RESERVED_PIDS : 2;
      const p = this.next++;
      if (!this.tasks.has(p)) return p;
    }
    return -1;
  }

  /** the last pid handed out here (kernel.ns_last_pid; Linux: idr_get_cursor - 1) */
  get lastPid(): number {
    return this.next - 1;
  }
  /** writing ns_last_pid: the next pid tried is the one after (Linux: idr_set_cursor) */
  set lastPid(v: number) {
    this.next = v + 1;
  }

  /** the namespace at `level` on the way up from this one */
  ancestor(level: number): PidNamespace | null {
    let ns: PidNamespace | null = this;
    while (ns && ns.level > level) ns = ns.parent;
    return ns && ns.level === level ? ns : null;
  }

  /** is `ns` this namespace or one of its ancestors? */
  within(ns: PidNamespace): boolean {
    return this.ancestor(ns.level) === ns;
  }
}

/** t's pid as seen in ns (0 when t is not visible from ns) */
export function pidIn(t: Task, ns: PidNamespace): number {
  if (!t.pidns.within(ns)) return 0;
  return t.pids[ns.level];
}

/** t's thread id as `viewer` sees it */
export function vtid(t: Task, viewer: Task): number {
  return pidIn(t, viewer.pidns);
}

/** t's process id (thread-group id) as `viewer` sees it */
export function vtgid(t: Task, viewer: Task): number {
  return pidIn(t.group.leader, viewer.pidns);
}

/** a global id (process group, session) as `viewer` sees it */
export function viewId(k: { tasks: Map<number, Task> }, globalId: number, viewer: Task): number {
  const owner = k.tasks.get(globalId);
  if (owner) return pidIn(owner, viewer.pidns);
  return viewer.pidns.level === 0 ? globalId : 0;
}

/** the task with pid `pid` in the namespace `viewer` lives in */
export function findTask(viewer: Task, pid: number): Task | undefined {
  return viewer.pidns.tasks.get(pid);
}
