// The namespaces a task uses besides its user and pid namespaces (Linux: kernel/nsproxy.c,
// struct nsproxy). An NsProxy never changes: unshare and setns build a new one and switch to it
// (switch_task_namespaces); fork shares the parent's unless a CLONE_NEW* flag asks for a new one.

import { Shared } from "../base/refcount.js";
import type { IpcNamespace } from "./sem.js";
import type { CgroupNamespace, MntNamespace, NetNamespace, UtsNamespace } from "./namespaces.js";
import type { PidNamespace } from "./pidns.js";

export interface NsProxyFields {
  readonly uts: UtsNamespace;
  readonly ipc: IpcNamespace;
  readonly mnt: MntNamespace;
  readonly net: NetNamespace;
  readonly cgroup: CgroupNamespace;
  /** where the task's children get their pids (differs from its own after unshare(CLONE_NEWPID)) */
  readonly pidForChildren: PidNamespace;
}

/** what unshare and setns change */
export type NsProxyChanges = { -readonly [K in keyof NsProxyFields]?: NsProxyFields[K] };

// the fields are those of NsProxyFields (declaration merging), copied in by the constructor
export interface NsProxy extends NsProxyFields {}
export class NsProxy extends Shared {
  constructor(f: NsProxyFields) {
    super();
    Object.assign(this, f);
  }

  /** a new set that differs in `changes` */
  with(changes: NsProxyChanges): NsProxy {
    return new NsProxy({
      uts: changes.uts ?? this.uts, ipc: changes.ipc ?? this.ipc, mnt: changes.mnt ?? this.mnt, net: changes.net ?? this.net,
      cgroup: changes.cgroup ?? this.cgroup, pidForChildren: changes.pidForChildren ?? this.pidForChildren,
    });
  }
}

/** the task moves to another set of namespaces (Linux: switch_task_namespaces) */
export function switchNamespaces(t: { nsproxy: NsProxy }, next: NsProxy): void {
  const old = t.nsproxy;
  t.nsproxy = next;
  old.put();
}
