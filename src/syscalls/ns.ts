// Namespace syscalls: sethostname, setdomainname, setns, mount, umount2.

import * as E from "../kernel/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import { Task, TaskState } from "../kernel/task.js";
import { CAP_SYS_ADMIN, CAP_SYS_CHROOT, CAP_FULL, nsCapable } from "../kernel/userns.js";
import { NS_FLAG, NsNode } from "../kernel/nsfs.js";
import { PidfdNode } from "../kernel/pidfd.js";
import { SemUndoList } from "../kernel/sem.js";
import { TmpDir, Node } from "../fs/node.js";
import { MountInfo, locPath } from "../fs/path.js";
import { MntNamespace } from "../kernel/namespaces.js";

const HOST_NAME_MAX = 64;

function setName(t: Task, r: import("../cpu/regs.js").Regs, field: "hostname" | "domainname"): number {
  const len = iarg(r, 1);
  if (len < 0 || len > HOST_NAME_MAX) return -E.EINVAL;
  if (!nsCapable(t, t.utsns.owner, CAP_SYS_ADMIN)) return -E.EPERM;
  const b = t.mm!.read(uarg(r, 0), len);
  if (b === null) return -E.EFAULT;
  t.utsns[field] = new TextDecoder().decode(b).replace(/\0.*$/s, "");
  return 0;
}

export const sysSethostname: Handler = (_k, t, r) => setName(t, r, "hostname");
export const sysSetdomainname: Handler = (_k, t, r) => setName(t, r, "domainname");

const ALL_NS = 0x02000000 | 0x08000000 | 0x00020000 | 0x40000000 | 0x20000000 | 0x10000000 | 0x04000000;

/** setns(fd, nstype): join the namespace an nsfs fd names, or those of a pidfd's process */
export const sysSetns: Handler = (k, t, r) => {
  const f = t.files.get(iarg(r, 0));
  const nstype = iarg(r, 1);
  if (f === null) return -E.EBADF;
  if (f.node instanceof NsNode) {
    const type = f.node.nsType;
    if (nstype !== 0 && NS_FLAG[type] !== nstype) return -E.EINVAL;
    return join(k, t, type === "pid_for_children" ? "pid" : type, f.node.ns);
  }
  if (f.node instanceof PidfdNode) {
    if (nstype === 0 || nstype & ~ALL_NS) return -E.EINVAL;
    const target = f.node.task;
    if (target.state === TaskState.Dead || target.state === TaskState.Zombie) return -E.ESRCH;
    // the user namespace first, so that the rest are joined with its capabilities
    const order: [number, string, unknown][] = [
      [0x10000000, "user", target.userns], [0x00020000, "mnt", target.mntns], [0x04000000, "uts", target.utsns],
      [0x08000000, "ipc", target.ipcns], [0x40000000, "net", target.netns], [0x02000000, "cgroup", target.cgroupns],
      [0x20000000, "pid", target.pidns],
    ];
    for (const [flag, type, ns] of order) {
      if (!(nstype & flag)) continue;
      if (type === "user" && ns === t.userns) continue;
      const e = join(k, t, type, ns as never);
      if (e < 0) return e;
    }
    return 0;
  }
  return -E.EINVAL;
};

type Owned = { owner: import("../kernel/userns.js").UserNamespace };

function join(k: Kernel, t: Task, type: string, ns: unknown): number {
  const admin = (owner: Owned["owner"]) => nsCapable(t, owner, CAP_SYS_ADMIN) && nsCapable(t, t.userns, CAP_SYS_ADMIN);
  switch (type) {
    case "user": {
      const u = ns as Task["userns"];
      if (u === t.userns) return -E.EINVAL;
      if (t.group.live().length > 1 || t.fs.users > 1) return -E.EINVAL;
      if (!nsCapable(t, u, CAP_SYS_ADMIN)) return -E.EPERM;
      t.userns = u;
      t.capEff = t.capPrm = t.capBnd = CAP_FULL;
      t.capInh = t.capAmb = 0n;
      return 0;
    }
    case "pid": {
      const p = ns as Task["pidns"];
      if (!p.within(t.pidns)) return -E.EINVAL;
      if (!admin(p.owner)) return -E.EPERM;
      t.pidnsChildren = p;
      return 0;
    }
    case "mnt": {
      const m = ns as Task["mntns"];
      if (!nsCapable(t, m.owner, CAP_SYS_ADMIN) || !nsCapable(t, t.userns, CAP_SYS_CHROOT) || !nsCapable(t, t.userns, CAP_SYS_ADMIN)) return -E.EPERM;
      if (t.fs.users > 1) return -E.EINVAL;
      t.mntns = m;
      t.fs.root = k.rootLoc();
      t.fs.cwd = k.rootLoc();
      return 0;
    }
    case "ipc": {
      const i = ns as Task["ipcns"];
      if (!admin(i.owner)) return -E.EPERM;
      if (--t.semUndo.users === 0) t.semUndo.apply(t.ipcns, t.tgid);
      t.semUndo = new SemUndoList();
      t.ipcns = i;
      return 0;
    }
    case "uts":
    case "net":
    case "cgroup": {
      const o = ns as Owned;
      if (!admin(o.owner)) return -E.EPERM;
      if (type === "uts") t.utsns = ns as Task["utsns"];
      else if (type === "net") t.netns = ns as Task["netns"];
      else t.cgroupns = ns as Task["cgroupns"];
      return 0;
    }
  }
  return -E.EINVAL;
}

const MS_RDONLY = 1, MS_REMOUNT = 32, MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384;
const MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20;
const PROPAGATION = MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED;

function readStr(t: Task, addr: number): string | null | number {
  if (addr === 0) return null;
  const s = t.mm!.readString(addr, 4096);
  if (s === null) return -E.EFAULT;
  if (s === undefined) return -E.ENAMETOOLONG;
  return s;
}

/** mount(source, target, fstype, flags, data): tmpfs, proc, bind mounts, remount, propagation */
export const sysMount: Handler = (k, t, r) => {
  const source = readStr(t, uarg(r, 0));
  const target = readStr(t, uarg(r, 1));
  const fstype = readStr(t, uarg(r, 2));
  const flags = uarg(r, 3) % 2 ** 32;
  for (const v of [source, target, fstype]) if (typeof v === "number") return v;
  if (!nsCapable(t, t.mntns.owner, CAP_SYS_ADMIN)) return -E.EPERM;
  if (target === null) return -E.EFAULT;
  const lk = k.resolve(t, target as string, true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  const at = lk.loc.node;
  const table = t.mntns.mounts;
  const isMountRoot = table.info.has(at);
  if (flags & PROPAGATION && !(flags & (MS_BIND | MS_REMOUNT))) {
    if (!isMountRoot) return -E.EINVAL;
    // MS_REC applies to every mount at or below the target (Linux: change_mnt_propagation)
    const targets = [at];
    if (flags & MS_REC) for (const [n, i] of table.info) if (n !== at && i.path !== undefined && (i.path.startsWith((table.info.get(at)!.path ?? "/").replace(/\/$/, "") + "/") || table.info.get(at)!.path === "/")) targets.push(n);
    for (const n of targets) {
      const info = table.info.get(n)!;
      if (flags & MS_SHARED) {
        info.propagation = "shared";
        if (info.peer == null) info.peer = nextPeer++;
      } else if (flags & MS_SLAVE) {
        info.propagation = info.peer != null || info.master != null ? "slave" : "private";
        if (info.peer != null) info.master = info.peer;
        info.peer = null;
      } else {
        info.propagation = flags & MS_UNBINDABLE ? "unbindable" : "private";
        info.peer = null;
        info.master = null;
      }
    }
    return 0;
  }
  if (flags & MS_REMOUNT) {
    if (!isMountRoot) return -E.EINVAL;
    table.info.get(at)!.ro = (flags & MS_RDONLY) !== 0;
    return 0;
  }
  if (flags & MS_MOVE) {
    k.reason = "MS_MOVE is not implemented yet";
    return -E.EINVAL;
  }
  let root: Node;
  let fs: string;
  let src: string;
  if (flags & MS_BIND) {
    const s = k.resolve(t, (source as string | null) ?? "", true);
    if (typeof s === "number") return s;
    if (s.missing) return -E.ENOENT;
    if (s.loc.node.isDir() !== at.isDir()) return at.isDir() ? -E.ENOTDIR : -E.EISDIR;
    root = s.loc.node;
    const from = table.info.get(root);
    fs = from?.fstype ?? "tmpfs";
    src = from?.source ?? "none";
    void MS_REC;
  } else {
    if (!at.isDir()) return -E.ENOTDIR;
    if (fstype === "tmpfs") root = new TmpDir(0o1777);
    else if (fstype === "proc") root = k.procRootFor(t.pidns);
    else {
      k.reason = `filesystem type ${fstype ?? "(none)"} is not supported (tmpfs, proc and bind mounts are)`;
      return -E.ENODEV;
    }
    fs = fstype;
    src = (source as string | null) ?? "none";
  }
  const info: MountInfo = { fstype: fs, source: src, ro: (flags & MS_RDONLY) !== 0, path: locPath(lk.loc) };
  table.over.set(at, root);
  table.info.set(root, info);
  // under a shared mount the new mount is shared too; its copies in peers join its peer group,
  // its copies in slaves become its slaves (Linux: propagate_mnt)
  const parent = containing(t, lk.loc);
  if (parent?.peer != null) {
    info.peer = nextPeer++;
    info.propagation = "shared";
    propagate(t, lk.loc, (other, theirParent) => {
      other.over.set(at, root);
      const slave = theirParent.peer !== parent.peer;
      other.info.set(root, { ...info, propagation: slave ? "slave" : "shared", peer: slave ? null : info.peer, master: slave ? info.peer : null });
    });
  }
  return 0;
};

let nextPeer = 1;

/** the mount a location lies in: the nearest mounted root on its path */
function containing(t: Task, loc: import("../fs/path.js").Loc): MountInfo | undefined {
  const table = t.mntns.mounts;
  const path = [...loc.chain, loc.node];
  for (let i = path.length - 1; i >= 0; i--) {
    const i2 = table.info.get(path[i]);
    if (i2) return i2;
  }
  return undefined;
}

/** apply a mount event under a shared mount to its peers and slaves in other namespaces
 *  (Linux: propagate_mnt); the mountpoint nodes are the same objects in every copy */
function propagate(t: Task, loc: import("../fs/path.js").Loc, apply: (other: import("../fs/path.js").MountTable, theirParent: MountInfo) => void): void {
  const parent = containing(t, loc);
  if (!parent || parent.peer == null) return;
  const path = [...loc.chain, loc.node];
  let parentRoot: Node | null = null;
  for (let i = path.length - 1; i >= 0 && parentRoot === null; i--) if (t.mntns.mounts.info.has(path[i])) parentRoot = path[i];
  if (parentRoot === null) return;
  for (const ns of MntNamespace.live()) {
    if (ns === t.mntns) continue;
    const theirs = ns.mounts.info.get(parentRoot);
    if (!theirs) continue;
    if (theirs.peer === parent.peer || theirs.master === parent.peer) apply(ns.mounts, theirs);
  }
}

const MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;

export const sysUmount2: Handler = (k, t, r) => {
  const target = readStr(t, uarg(r, 0));
  const flags = iarg(r, 1);
  if (typeof target === "number") return target;
  if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) return -E.EINVAL;
  if (!nsCapable(t, t.mntns.owner, CAP_SYS_ADMIN)) return -E.EPERM;
  const lk = k.resolve(t, target ?? "", (flags & UMOUNT_NOFOLLOW) === 0);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  const node = lk.loc.node;
  const table = t.mntns.mounts;
  // the path must name a mount point: its directory entry is covered by a mount whose top is node
  const raw = lk.parent.node.lookup(lk.name);
  if (raw === null || !table.over.has(raw)) return -E.EINVAL;
  let point: Node = raw;
  while (table.over.has(table.over.get(point)!)) point = table.over.get(point)!;
  if (table.over.get(point) !== node) return -E.EINVAL;
  if (!(flags & MNT_DETACH)) {
    // a mount someone works in is busy (Linux: -EBUSY unless MNT_DETACH)
    for (const x of k.tasks.values()) {
      if (x.mntns !== t.mntns || x.state === TaskState.Dead) continue;
      if ([x.fs.cwd, x.fs.root].some((l) => l.node === node || l.chain.includes(node))) return -E.EBUSY;
    }
  }
  table.over.delete(point);
  table.info.delete(node);
  // unmounts propagate like mounts
  propagate(t, lk.parent, (other) => {
    if (other.over.get(point) === node) {
      other.over.delete(point);
      other.info.delete(node);
    }
  });
  return 0;
};

/** pivot_root(new_root, put_old): the mount namespace's root becomes new_root, the old root is
 *  mounted at put_old, and tasks whose root or cwd was the old root follow (Linux: chroot_fs_refs) */
export const sysPivotRoot: Handler = (k, t, r) => {
  const a = readStr(t, uarg(r, 0));
  const b = readStr(t, uarg(r, 1));
  if (typeof a === "number") return a;
  if (typeof b === "number") return b;
  if (!nsCapable(t, t.mntns.owner, CAP_SYS_ADMIN)) return -E.EPERM;
  const nr = k.resolve(t, a ?? "", true);
  const po = k.resolve(t, b ?? "", true);
  if (typeof nr === "number") return nr;
  if (typeof po === "number") return po;
  if (nr.missing || po.missing) return -E.ENOENT;
  if (!nr.loc.node.isDir() || !po.loc.node.isDir()) return -E.ENOTDIR;
  const table = t.mntns.mounts;
  const oldRoot = t.fs.root;
  // new_root must be a mount point other than the current root; put_old must be at or under it
  if (!table.info.has(nr.loc.node) || nr.loc.node === oldRoot.node) return -E.EINVAL;
  const under = po.loc.node === nr.loc.node || po.loc.chain.includes(nr.loc.node);
  if (!under) return -E.EINVAL;
  if (table.info.get(oldRoot.node)?.path === undefined && oldRoot.chain.length > 0) return -E.EINVAL;
  table.over.set(po.loc.node, oldRoot.node);
  const oldInfo = table.info.get(oldRoot.node);
  if (oldInfo) oldInfo.path = locPath(po.loc).slice(locPath(nr.loc).length) || "/";
  const newInfo = table.info.get(nr.loc.node)!;
  newInfo.path = "/";
  const newRoot = { node: nr.loc.node, chain: [], names: [] };
  for (const x of k.tasks.values()) {
    if (x.mntns !== t.mntns || x.state === TaskState.Dead || x.regs === null) continue;
    if (x.fs.root.node === oldRoot.node) x.fs.root = newRoot;
    if (x.fs.cwd.node === oldRoot.node) x.fs.cwd = newRoot;
  }
  return 0;
};
