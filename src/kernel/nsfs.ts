// nsfs (Linux: fs/nsfs.c): the inode behind /proc/PID/ns/*. Two opens name the same namespace
// exactly when device and inode numbers are equal; setns takes such an fd.

import * as E from "../base/errno.js";
import { FileOps } from "../fs/file.js";
import { Node, S_IFREG } from "../fs/node.js";
import type { Task } from "./task.js";
import { CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS } from "./cloneflags.js";

export const NSFS_DEV = 4;

export type NsType = "cgroup" | "ipc" | "mnt" | "net" | "pid" | "pid_for_children" | "user" | "uts";

/** the CLONE_NEW* flag of each type, as setns's nstype argument takes it */
export const NS_FLAG: Record<NsType, number> = {
  cgroup: CLONE_NEWCGROUP, ipc: CLONE_NEWIPC, mnt: CLONE_NEWNS, net: CLONE_NEWNET, pid: CLONE_NEWPID,
  pid_for_children: CLONE_NEWPID, user: CLONE_NEWUSER, uts: CLONE_NEWUTS,
};

export interface AnyNs {
  ino: number;
}

export class NsNode extends Node {
  constructor(readonly nsType: NsType, readonly ns: AnyNs) {
    super(S_IFREG | 0o444);
    this.ino = ns.ino;
    this.dev = NSFS_DEV;
  }
  readonly ops: FileOps = { seekable: false, read: () => -E.EINVAL, write: () => -E.EINVAL };
  override fileOps(): FileOps {
    return this.ops;
  }
}

/** the namespaces of a task as /proc/PID/ns lists them */
export function taskNamespaces(t: Task): [NsType, AnyNs][] {
  const all: [NsType, AnyNs][] = [
    ["cgroup", t.nsproxy.cgroup], ["ipc", t.nsproxy.ipc], ["mnt", t.nsproxy.mnt], ["net", t.nsproxy.net], ["pid", t.pidns],
    ["pid_for_children", t.nsproxy.pidForChildren], ["user", t.cred.userns], ["uts", t.nsproxy.uts],
  ];
  // pid_for_children of a namespace that has no init yet does not resolve (Linux: ENOENT)
  return all.filter(([n]) => n !== "pid_for_children" || t.nsproxy.pidForChildren.init !== null);
}

export function nsLinkText(type: NsType, ns: AnyNs): string {
  return `${type === "pid_for_children" ? "pid" : type}:[${ns.ino}]`;
}
