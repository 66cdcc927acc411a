// A cgroup v2 hierarchy at /sys/fs/cgroup (Linux: kernel/cgroup/cgroup.c, pids.c): directories
// are cgroups, cgroup.procs lists and moves processes, pids.max limits fork.

import * as E from "../kernel/errno.js";
import { Node, S_IFDIR, S_IFREG } from "./node.js";

/** what the hierarchy needs from the kernel */
export interface CgroupHost {
  /** pids of the member processes as the calling task sees them */
  procs(cg: Cgroup): number[];
  /** move the process with this pid (in the caller's namespace) into cg */
  move(cg: Cgroup, pid: number): number;
  /** tasks (threads) in the cgroup and below */
  taskCount(cg: Cgroup): number;
}

export class Cgroup {
  readonly children = new Map<string, Cgroup>();
  /** pids.max: Infinity for "max" */
  pidsMax = Infinity;
  subtreeControl = "";
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

  /** would one more task exceed pids.max here or above? (Linux: pids_try_charge) */
  forkAllowed(): boolean {
    for (let c: Cgroup | null = this; c; c = c.parent) if (c.pidsMax !== Infinity && this.host.taskCount(c) + 1 > c.pidsMax) return false;
    return true;
  }

  /** a path relative to a cgroup namespace root */
  relativeTo(root: Cgroup): string {
    if (this.within(root)) {
      if (root.path === "/") return this.path;
      return this.path === root.path ? "/" : this.path.slice(root.path.length);
    }
    // outside the namespace root: shown with ../ steps (Linux: cgroup_path_ns)
    let up = "";
    let r: Cgroup | null = root;
    while (r && !this.within(r)) {
      up += "/..";
      r = r.parent;
    }
    return up + (r && r.path !== "/" ? this.path.slice(r.path.length) : this.path === "/" ? "" : this.path);
  }
}

const enc = new TextEncoder();

class CgroupFile extends Node {
  constructor(private get: () => string, private put: ((s: string) => number) | null) {
    super(S_IFREG | (put ? 0o644 : 0o444));
  }
  override size(): number {
    return 0;
  }
  override readAt(pos: number, dst: Uint8Array, off: number, len: number): number {
    const d = enc.encode(this.get());
    if (pos >= d.length) return 0;
    const n = Math.min(len, d.length - pos);
    dst.set(d.subarray(pos, pos + n), off);
    return n;
  }
  override writeAt(_pos: number, src: Uint8Array, off: number, len: number): number {
    if (!this.put) return -E.EACCES;
    const r = this.put(new TextDecoder().decode(src.subarray(off, off + len)));
    return r < 0 ? r : len;
  }
  override truncate(): number {
    return 0;
  }
}

export class CgroupDir extends Node {
  constructor(readonly cg: Cgroup) {
    super(S_IFDIR | 0o755);
  }

  private files(): [string, () => Node][] {
    const cg = this.cg;
    const list: [string, () => Node][] = [
      ["cgroup.procs", () => new CgroupFile(() => cg.host.procs(cg).map((p) => p + "\n").join(""), (s) => {
        const pid = Number(s.trim());
        if (!Number.isInteger(pid) || pid < 0) return -E.EINVAL;
        return cg.host.move(cg, pid);
      })],
      ["cgroup.controllers", () => new CgroupFile(() => "pids\n", null)],
      ["cgroup.subtree_control", () => new CgroupFile(() => (cg.subtreeControl ? cg.subtreeControl + "\n" : "\n"), (s) => {
        for (const w of s.trim().split(/\s+/).filter((x) => x)) {
          if (w !== "+pids" && w !== "-pids") return -E.EINVAL;
          cg.subtreeControl = w === "+pids" ? "pids" : "";
        }
        return 0;
      })],
      ["cgroup.events", () => new CgroupFile(() => `populated ${cg.host.taskCount(cg) > 0 ? 1 : 0}\nfrozen 0\n`, null)],
    ];
    if (cg.parent) {
      list.push(
        ["pids.max", () => new CgroupFile(() => (cg.pidsMax === Infinity ? "max\n" : `${cg.pidsMax}\n`), (s) => {
          const v = s.trim();
          if (v === "max") cg.pidsMax = Infinity;
          else if (/^\d+$/.test(v)) cg.pidsMax = Number(v);
          else return -E.EINVAL;
          return 0;
        })],
        ["pids.current", () => new CgroupFile(() => `${cg.host.taskCount(cg)}\n`, null)],
      );
    }
    return list;
  }

  override lookup(name: string): Node | null {
    const c = this.cg.children.get(name);
    if (c) return c.dir;
    const f = this.files().find(([n]) => n === name);
    return f ? f[1]() : null;
  }

  override entries(): [string, Node][] {
    return [...[...this.cg.children].map(([n, c]): [string, Node] => [n, c.dir]), ...this.files().map(([n, f]): [string, Node] => [n, f()])];
  }

  override create(name: string, mode: number): Node | number {
    if ((mode & 0o170000) !== S_IFDIR) return -E.EPERM;
    if (this.lookup(name)) return -E.EEXIST;
    const c = new Cgroup(this.cg, name, this.cg.host);
    this.cg.children.set(name, c);
    return c.dir;
  }

  override unlink(name: string): number {
    const c = this.cg.children.get(name);
    if (!c) return this.lookup(name) ? -E.EPERM : -E.ENOENT;
    if (c.children.size > 0 || c.host.taskCount(c) > 0) return -E.EBUSY;
    this.cg.children.delete(name);
    return 0;
  }
}
