// mount(2), umount2(2) and pivot_root(2) (Linux: fs/namespace.c path_mount, do_loopback,
// do_change_type, do_move_mount, do_new_mount, do_remount, path_umount, pivot_root), on the
// mount trees of src/fs/mount.ts.

import * as E from "../base/errno.js";
import { Handler, iarg, uarg, u32arg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import { Task, TaskState } from "../kernel/task.js";
import { nsCapable } from "../cred/userns.js";
import { CAP_SYS_ADMIN } from "../cred/capability.js";
import { Node, TmpDir, TmpfsSb } from "../fs/node.js";
import { Loc, locNames } from "../fs/path.js";
import { procRootFor } from "../kernel/procview.js";
import { newDevpts } from "../kernel/ttydev.js";
import { parseDevptsOptions } from "../tty/devpts.js";
import {
  Mount, SuperBlock, attach, changeType, copyTree, cloneMount, detach, followMounts, hasUnbindable, isAncestor, makeShared, propagateMount,
  MOUNT_MAX, countMounts, discardTree,
  rootOf, subtree, umountAll, umountSet,
} from "../fs/mount.js";
import { refuse, type Refusal } from "../base/errno.js";

const MS_RDONLY = 1, MS_REMOUNT = 32, MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768;
const MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20;
const MS_NOUSER = 2 ** 31, MS_MGC_VAL = 0xc0ed0000, MS_MGC_MSK = 0xffff0000;
const PROPAGATION = MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED;

function readStr(t: Task, addr: number): string | null | number {
  if (addr === 0) return null;
  const s = t.mm!.readString(addr, 4096);
  if (s === null) return -E.EFAULT;
  if (s === undefined) return -E.ENAMETOOLONG;
  return s;
}

/** is the location the root of its mount? */
const isMountRoot = (l: Loc): boolean => l.node === l.mnt.root;

/** device numbers for new tmpfs instances (anonymous devices 0:N) */

/** mount(source, target, fstype, flags, data) */
export const sysMount: Handler = (k, t, r) => {
  const fstype = readStr(t, uarg(r, 2));
  const source = readStr(t, uarg(r, 0));
  const target = readStr(t, uarg(r, 1));
  for (const v of [fstype, source, target]) if (typeof v === "number") return v;
  // the low 32 bits, exactly (Linux: the MS_* flags are all below bit 32)
  let flags = u32arg(r, 3);
  if ((flags & MS_MGC_MSK) >>> 0 === MS_MGC_VAL) flags = (flags & ~MS_MGC_MSK) >>> 0;
  if (target === null) return -E.EFAULT;
  const lk = k.resolve(t, target as string, true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  if (flags & MS_NOUSER) return -E.EINVAL;
  if (!nsCapable(t.cred, t.nsproxy.mnt.owner, CAP_SYS_ADMIN)) return -E.EPERM;
  // the target is whatever is mounted on top of the place, even when the path ends in "."
  // (Linux: lock_mount)
  const at = followMounts(lk.loc);
  const src = source as string | null;
  if ((flags & (MS_REMOUNT | MS_BIND)) === (MS_REMOUNT | MS_BIND)) {
    // per-mount flags only
    if (at.mnt.ns !== t.nsproxy.mnt || !isMountRoot(at)) return -E.EINVAL;
    at.mnt.ro = (flags & MS_RDONLY) !== 0;
    return 0;
  }
  if (flags & MS_REMOUNT) {
    // the filesystem's flags, and this mount's
    if (at.mnt.ns !== t.nsproxy.mnt || !isMountRoot(at)) return -E.EINVAL;
    at.mnt.sb.ro = at.mnt.ro = (flags & MS_RDONLY) !== 0;
    return 0;
  }
  if (flags & MS_BIND) return bind(k, t, src, at, (flags & MS_REC) !== 0);
  if (flags & PROPAGATION) return changePropagation(t, at, flags);
  if (flags & MS_MOVE) return move(k, t, src, at);
  return newMount(k, t, fstype as string | null, src, at, flags, uarg(r, 4));
};

/** graft a new tree at `at`: under a shared mount it becomes shared and its copies go to the
 *  mount's peers and slaves (Linux: graft_tree, attach_recursive_mnt) */
function graft(tree: Mount, at: Loc, moving = false): number {
  if (at.node.isDir() !== tree.root.isDir()) return -E.ENOTDIR;
  // fs.mount-max counts a new tree and every copy propagation makes (Linux: count_mounts); a
  // tree that fails is dropped, a moved one left for the caller to put back
  const room = (at.mnt.ns ? MOUNT_MAX - countMounts(at.mnt.ns) : Infinity) - (moving ? 0 : subtree(tree).length);
  if (room < 0) return discardTree(tree), -E.ENOSPC;
  if (at.mnt.shared) {
    for (const m of subtree(tree)) makeShared(m);
    const e = propagateMount(at.mnt, at, tree, room);
    if (e < 0) return moving || discardTree(tree), e;
  }
  attach(tree, at);
  return 0;
}

function newMount(k: Kernel, t: Task, fstype: string | null, source: string | null, at: Loc, flags: number, dataAddr: number): number | Refusal {
  if (fstype === null) return -E.EINVAL;
  const ro = (flags & MS_RDONLY) !== 0;
  let root: Node;
  let sb: SuperBlock;
  if (fstype === "tmpfs") {
    root = new TmpDir(0o1777, TmpfsSb.withDefaults(k.frames));
    sb = { fstype, dev: (root.dev = k.newAnonDev()), ro };
  } else if (fstype === "sysfs") {
    root = k.sysfsRoot;
    sb = { fstype, dev: root.dev, ro };
  } else if (fstype === "proc") {
    root = procRootFor(k, t.pidns);
    sb = { fstype, dev: root.dev, ro };
  } else if (fstype === "cgroup2") {
    // the one hierarchy, from the mounter's cgroup namespace root (Linux: cgroup_get_tree)
    if (!nsCapable(t.cred, t.nsproxy.cgroup.owner, CAP_SYS_ADMIN)) return -E.EPERM;
    root = t.nsproxy.cgroup.root.dir;
    sb = k.cgroupSb;
  } else if (fstype === "devpts") {
    // every devpts mount is a new instance with its own pty numbers (Linux 4.7 and later)
    // the options as text (copy_mount_options reads at most a page)
    const data = readStr(t, dataAddr);
    if (typeof data === "number") return data;
    const opts = parseDevptsOptions(data);
    if (typeof opts === "number") return opts;
    root = newDevpts(k, opts).root;
    sb = { fstype, dev: root.dev, ro };
  } else {
    return refuse(E.ENODEV, `filesystem type ${fstype} is not supported (tmpfs, proc, cgroup2, devpts and bind mounts are)`);
  }
  if (at.mnt.ns !== t.nsproxy.mnt) return -E.EINVAL;
  return graft(new Mount(sb, root, [], source ?? "none", ro), at);
}

/** MS_BIND: a new mount of the source's filesystem showing the source directory; with MS_REC
 *  the submounts below it come along, except unbindable ones (Linux: do_loopback) */
function bind(k: Kernel, t: Task, source: string | null, at: Loc, recursive: boolean): number {
  if (source === null || source === "") return -E.EINVAL;
  const s = k.resolve(t, source, true);
  if (typeof s === "number") return s;
  if (s.missing) return -E.ENOENT;
  if (at.mnt.ns !== t.nsproxy.mnt) return -E.EINVAL;
  const old = s.loc.mnt;
  if (old.unbindable) return -E.EINVAL;
  if (old.ns !== t.nsproxy.mnt) return -E.EINVAL;
  const rootNames = [...old.rootNames, ...locNames(s.loc)];
  const tree = recursive ? copyTree(old, s.loc.node, rootNames, 0) : cloneMount(old, s.loc.node, rootNames, 0);
  if (typeof tree === "number") return tree;
  return graft(tree, at);
}

/** MS_SHARED, MS_PRIVATE, MS_SLAVE, MS_UNBINDABLE (one of them, with MS_REC for the whole tree) */
function changePropagation(t: Task, at: Loc, flags: number): number {
  if (!isMountRoot(at)) return -E.EINVAL;
  const type = flags & ~(MS_REC | MS_SILENT);
  if (type & ~PROPAGATION || (type & (type - 1)) !== 0) return -E.EINVAL;
  if (at.mnt.ns !== t.nsproxy.mnt) return -E.EINVAL;
  const kind = type === MS_SHARED ? "shared" : type === MS_SLAVE ? "slave" : type === MS_PRIVATE ? "private" : "unbindable";
  for (const m of flags & MS_REC ? subtree(at.mnt) : [at.mnt]) changeType(m, kind);
  return 0;
}

/** MS_MOVE: detach the mount at `source` (with everything on it) and attach it at `at` */
function move(k: Kernel, t: Task, source: string | null, at: Loc): number | Refusal {
  if (source === null || source === "") return -E.EINVAL;
  const s = k.resolve(t, source, true);
  if (typeof s === "number") return s;
  if (s.missing) return -E.ENOENT;
  const old = s.loc.mnt;
  const dest = at.mnt;
  if (old.ns !== t.nsproxy.mnt) {
    return refuse(E.EINVAL, "only mounts of the caller's namespace can be moved");
  }
  // the source must hang from a parent that does not propagate, into our namespace
  if (old.parent === null || old.parent.shared || dest.ns !== t.nsproxy.mnt) return -E.EINVAL;
  if (!isMountRoot(s.loc)) return -E.EINVAL;
  if (at.node.isDir() !== s.loc.node.isDir()) return -E.EINVAL;
  if (dest.shared && hasUnbindable(old)) return -E.EINVAL;
  if (isAncestor(old, dest)) return -E.ELOOP;
  const from = old.mp;
  detach(old);
  const e = graft(old, at, true);
  if (e < 0) attach(old, from);
  return e;
}

const MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;

/** is anything using the mount: a task's root or working directory, an open file? */
function busy(k: Kernel, m: Mount): boolean {
  for (const x of k.tasks.values()) {
    if (x.state === TaskState.Dead) continue;
    if (x.fs && (x.fs.cwd.mnt === m || x.fs.root.mnt === m)) return true;
    if (x.files?.fds.some((e) => e?.file.loc?.mnt === m)) return true;
  }
  return false;
}

export const sysUmount2: Handler = (k, t, r) => {
  const target = readStr(t, uarg(r, 0));
  const flags = iarg(r, 1);
  if (typeof target === "number") return target;
  if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) return -E.EINVAL;
  const lk = k.resolve(t, target ?? "", (flags & UMOUNT_NOFOLLOW) === 0);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  if (!nsCapable(t.cred, t.nsproxy.mnt.owner, CAP_SYS_ADMIN)) return -E.EPERM;
  // LOOKUP_MOUNTPOINT: the mount on top of the place, even for "." (pivot_root(".", ".") leaves
  // the old root on top of the cwd, and umount2(".", MNT_DETACH) is how it goes)
  const loc = followMounts(lk.loc);
  const m = loc.mnt;
  if (!isMountRoot(loc) || m.ns !== t.nsproxy.mnt) return -E.EINVAL;
  if (flags & MNT_EXPIRE) {
    return refuse(E.EINVAL, "MNT_EXPIRE is not implemented");
  }
  // the namespace's bottom mount stays; the process root only goes with MNT_DETACH
  if (m.parent === null) return -E.EINVAL;
  if (m === t.fs.root.mnt && !(flags & MNT_DETACH)) {
    // "unmounting" the root remounts its filesystem read-only (Linux: do_umount_root)
    m.sb.ro = true;
    return 0;
  }
  const going = umountSet(m, true);
  if (!(flags & MNT_DETACH)) {
    // submounts or users make it busy, here or in the copies propagation would take
    if (m.children.length > 0) return -E.EBUSY;
    for (const x of going) if (busy(k, x)) return -E.EBUSY;
  }
  umountAll(going);
  return 0;
};

/** pivot_root(new_root, put_old): new_root's mount takes the place of the root mount, which goes
 *  to put_old; tasks whose root or cwd was the old root move to the new one (Linux: pivot_root) */
export const sysPivotRoot: Handler = (k, t, r) => {
  const a = readStr(t, uarg(r, 0));
  const b = readStr(t, uarg(r, 1));
  if (typeof a === "number") return a;
  if (typeof b === "number") return b;
  if (!nsCapable(t.cred, t.nsproxy.mnt.owner, CAP_SYS_ADMIN)) return -E.EPERM;
  const nr = k.resolve(t, a ?? "", true);
  if (typeof nr === "number") return nr;
  if (nr.missing) return -E.ENOENT;
  if (!nr.loc.node.isDir()) return -E.ENOTDIR;
  const po = k.resolve(t, b ?? "", true);
  if (typeof po === "number") return po;
  if (po.missing) return -E.ENOENT;
  if (!po.loc.node.isDir()) return -E.ENOTDIR;
  const root = t.fs.root;
  const newMnt = nr.loc.mnt, rootMnt = root.mnt, oldMnt = po.loc.mnt;
  const exParent = newMnt.parent, rootParent = rootMnt.parent;
  if (oldMnt.shared || exParent?.shared || rootParent?.shared) return -E.EINVAL;
  if (rootMnt.ns !== t.nsproxy.mnt || newMnt.ns !== t.nsproxy.mnt) return -E.EINVAL;
  if (newMnt === rootMnt || oldMnt === rootMnt) return -E.EBUSY;
  if (!isMountRoot(root) || rootParent === null) return -E.EINVAL;
  if (!isMountRoot(nr.loc) || exParent === null) return -E.EINVAL;
  // put_old must be at or under new_root, and new_root under the current root
  if (!isAncestor(newMnt, oldMnt)) return -E.EINVAL;
  if (!isAncestor(rootMnt, newMnt)) return -E.EINVAL;
  const rootMp = rootMnt.mp;
  detach(newMnt);
  detach(rootMnt);
  attach(rootMnt, po.loc);
  attach(newMnt, rootMp);
  const newRoot = rootOf(newMnt);
  for (const x of k.tasks.values()) {
    if (x.state === TaskState.Dead || !x.fs) continue;
    if (x.fs.root.node === root.node && x.fs.root.mnt === rootMnt) x.fs.root = newRoot;
    if (x.fs.cwd.node === root.node && x.fs.cwd.mnt === rootMnt) x.fs.cwd = newRoot;
  }
  return 0;
};
