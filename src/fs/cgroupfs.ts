// The cgroup v2 hierarchy (Linux: kernel/cgroup/cgroup.c): directories are cgroups, each with
// control files (cgroupfiles.ts). One hierarchy, shown by every cgroup2 mount from the mounter's
// cgroup namespace root. Processes move with cgroup.procs and clone3 CLONE_INTO_CGROUP under
// the "no internal processes" rule; controllers pass down through cgroup.subtree_control.

import * as E from "../base/errno.js";
import { Node, S_IFDIR, S_IFMT, S_IFREG } from "./node.js";
import { controlFiles } from "./cgroupfiles.js";

/** the controllers this kernel has, in Linux's subsystem order. rdma controls RDMA devices, and
 *  there are none: it is here as a domain controller, the kind the no-internal-process rule is about */
export const CONTROLLERS = ["pids", "rdma"];
/** controllers that may sit next to processes (Linux: cgrp_dfl_threaded_ss_mask) */
const THREADED = new Set(["pids"]);

/** st_dev of the hierarchy's files (an anonymous device, like every cgroup2 mount's) */
export const CGROUP_DEV = 0x1c;

/** a process (thread group) as the hierarchy sees it */
export interface CgroupMember {
  readonly cgroup: Cgroup;
  /** Linux PF_EXITING: a write naming it succeeds without moving it */
  readonly exiting: boolean;
  join(cg: Cgroup): void;
}

/** what the hierarchy needs from the kernel, always from the calling task's point of view */
export interface CgroupHost {
  /** ids of the members as the caller sees them (0 outside its pid namespace), in the order
   *  they joined: process ids, or with `threads` thread ids */
  members(cg: Cgroup, threads: boolean): number[];
  /** live tasks in cg (with `below`, also in its descendants): what makes it populated */
  count(cg: Cgroup, below: boolean): number;
  /** tasks in cg and below not yet released, zombies too: what pids.current counts (Linux
   *  uncharges in release_task) */
  charged(cg: Cgroup): number;
  /** the process of a pid or tid written to cgroup.procs (0: the caller): -ESRCH, -EINVAL for
   *  kernel threads (Linux: cgroup_procs_write_start) */
  find(pid: number): CgroupMember | number;
}

export class Cgroup {
  readonly children = new Map<string, Cgroup>();
  /** controllers handed to the children (cgroup.subtree_control) */
  readonly subtree = new Set<string>();
  /** pids.max: Infinity for "max" */
  pidsMax = Infinity;
  /** removed (rmdir): open files of it answer ENODEV */
  dead = false;
  readonly dir: CgroupDir;

  constructor(readonly parent: Cgroup | null, readonly name: string, readonly host: CgroupHost) {
    this.dir = new CgroupDir(this);
  }

  get path(): string {
    if (!this.parent) return "/";
    const p = this.parent.path;
    return (p === "/" ? "" : p) + "/" + this.name;
  }

  /** is this cgroup `other` or below it? */
  within(other: Cgroup): boolean {
    for (let c: Cgroup | null = this; c; c = c.parent) if (c === other) return true;
    return false;
  }

  /** controllers it may hand on: the root has all, others what the parent hands them */
  controllers(): string[] {
    return CONTROLLERS.filter((c) => !this.parent || this.parent.subtree.has(c));
  }

  /** would one more task exceed pids.max here or above? (Linux: pids_try_charge) */
  forkAllowed(): boolean {
    for (let c: Cgroup | null = this; c; c = c.parent) if (c.pidsMax !== Infinity && this.host.charged(c) + 1 > c.pidsMax) return false;
    return true;
  }

  /** Linux cgroup_can_be_thread_root: the root, or no populated children and no domain
   *  controllers handed on; such a cgroup may hold processes next to children */
  canBeThreadRoot(): boolean {
    if (!this.parent) return true;
    if ([...this.children.values()].some((c) => this.host.count(c, true) > 0)) return false;
    return [...this.subtree].every((c) => THREADED.has(c));
  }

  /** a path relative to a cgroup namespace root, with /.. steps above it (Linux:
   *  kernfs_path_from_node, as /proc/PID/cgroup and the mountinfo root field show it) */
  relativeTo(root: Cgroup): string {
    if (this.within(root)) {
      if (root.path === "/") return this.path;
      return this.path === root.path ? "/" : this.path.slice(root.path.length);
    }
    let up = "";
    let r: Cgroup | null = root;
    while (r && !this.within(r)) {
      up += "/..";
      r = r.parent;
    }
    return up + (r && r.path !== "/" ? this.path.slice(r.path.length) : this.path === "/" ? "" : this.path);
  }
}

/** may a process in src move into dst, the whole process (threadgroup) or one thread?
 *  (Linux: cgroup_attach_permissions, cgroup_migrate_vet_dst); 0 or -errno */
export function attachCheck(src: Cgroup, dst: Cgroup, threadgroup: boolean): number {
  // no internal processes: a cgroup that hands domain controllers to children holds none
  if (!dst.canBeThreadRoot() && dst.subtree.size > 0) return -E.EBUSY;
  // no threaded cgroups here, so a thread stays in its process's cgroup
  if (!threadgroup && src !== dst) return -E.EOPNOTSUPP;
  return 0;
}

/** a cgroup.subtree_control write: "+name" and "-name" words (Linux:
 *  cgroup_subtree_control_write, cgroup_vet_subtree_control_enable) */
export function writeSubtreeControl(cg: Cgroup, text: string): number {
  const enable = new Set<string>();
  const disable = new Set<string>();
  for (const w of text.trim().split(" ")) {
    if (w === "") continue;
    const name = w.slice(1);
    if (!CONTROLLERS.includes(name)) return -E.EINVAL;
    if (w[0] === "+") {
      enable.add(name);
      disable.delete(name);
    } else if (w[0] === "-") {
      disable.add(name);
      enable.delete(name);
    } else return -E.EINVAL;
  }
  if (cg.dead) return -E.ENODEV;
  for (const c of CONTROLLERS) {
    if (enable.has(c)) {
      if (cg.subtree.has(c)) enable.delete(c);
      else if (!cg.controllers().includes(c)) return -E.ENOENT;
    } else if (disable.has(c)) {
      if (!cg.subtree.has(c)) disable.delete(c);
      else if ([...cg.children.values()].some((ch) => ch.subtree.has(c))) return -E.EBUSY;
    }
  }
  if (enable.size > 0 && cg.parent) {
    // threaded controllers are fine next to processes while the cgroup could be a thread root
    const domain = [...enable].some((c) => !THREADED.has(c));
    if ((domain || !cg.canBeThreadRoot()) && cg.host.count(cg, false) > 0) return -E.EBUSY;
  }
  for (const c of enable) cg.subtree.add(c);
  for (const c of disable) {
    cg.subtree.delete(c);
    // the children's state of that controller goes with it
    if (c === "pids") for (const ch of cg.children.values()) ch.pidsMax = Infinity;
  }
  return 0;
}

/** a cgroup directory: its child cgroups and its control files */
export class CgroupDir extends Node {
  constructor(readonly cg: Cgroup) {
    super(S_IFDIR | 0o755);
    this.dev = CGROUP_DEV;
  }

  override lookup(name: string): Node | null {
    if (this.cg.dead) return null;
    const c = this.cg.children.get(name);
    if (c) return c.dir;
    const f = controlFiles(this.cg).find(([n]) => n === name);
    return f ? f[1]() : null;
  }

  override entries(): [string, Node][] {
    if (this.cg.dead) return [];
    return [
      ...[...this.cg.children].map(([n, c]): [string, Node] => [n, c.dir]),
      ...controlFiles(this.cg).map(([n, f]): [string, Node] => [n, f()]),
    ];
  }

  /** mkdir makes a cgroup; nothing else can be created (Linux: kernfs has no create, mknod or
   *  symlink for cgroups, so open(O_CREAT) is EACCES and the others EPERM) */
  override create(name: string, mode: number): Node | number {
    if (this.cg.dead) return -E.ENOENT;
    if ((mode & S_IFMT) !== S_IFDIR) return (mode & S_IFMT) === S_IFREG ? -E.EACCES : -E.EPERM;
    if (this.lookup(name)) return -E.EEXIST;
    if (name.includes("\n")) return -E.EINVAL;
    const c = new Cgroup(this.cg, name, this.cg.host);
    this.cg.children.set(name, c);
    return c.dir;
  }

  /** rmdir of a child cgroup: only when no process is in it or below and it has no children */
  override unlink(name: string): number {
    const c = this.cg.children.get(name);
    if (!c) return this.lookup(name) ? -E.EPERM : -E.ENOENT;
    if (c.children.size > 0 || c.host.count(c, true) > 0) return -E.EBUSY;
    this.cg.children.delete(name);
    c.dead = true;
    return 0;
  }
}
