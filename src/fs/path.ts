// Path resolution (Linux: namei) and the per-task filesystem context (struct fs_struct).

import * as E from "../base/errno.js";
import { Node, S_IFLNK } from "./node.js";
import { Mount, followMounts } from "./mount.js";
import { Shared } from "../base/refcount.js";

/** a resolved location (Linux: struct path, with the dentry's d_parent and d_name): a node of
 *  a mount and the location of the directory it was reached from (for "..", and for its path).
 *  A step down shares its parent's location, so a walk is linear in the path's length. */
export interface Loc {
  node: Node;
  mnt: Mount;
  /** the parent directory's location in the same mount; null at the mount's root */
  up: Loc | null;
  /** the node's name in `up` ("" at the mount's root) */
  name: string;
}

/** one step down from a directory location to its child `name` (no mounts crossed) */
export function childLoc(dir: Loc, name: string, node: Node): Loc {
  return { node, mnt: dir.mnt, up: dir, name };
}

/** the location of a mount's root directory, or of a node with no known parent in it */
export function topLoc(node: Node, mnt: Mount): Loc {
  return { node, mnt, up: null, name: "" };
}

/** the names leading from the mount's root to l (empty at its root) */
export function locNames(l: Loc): string[] {
  const out: string[] = [];
  for (let x: Loc | null = l; x !== null && x.up !== null; x = x.up) out.push(x.name);
  return out.reverse();
}

/** is `dir` l's node or one of the directories l was reached through in its mount? */
export function locPassesThrough(l: Loc, dir: Node): boolean {
  for (let x: Loc | null = l; x !== null; x = x.up) if (x.node === dir) return true;
  return false;
}

/** root, working directory and umask (Linux: struct fs_struct), shared by CLONE_FS */
export class FsInfo extends Shared {
  readonly id: number;
  private static nextId = 1;
  constructor(public root: Loc, public cwd: Loc, public umask = 0o022) {
    super();
    this.id = FsInfo.nextId++;
  }
  copy(): FsInfo {
    return new FsInfo(this.root, this.cwd, this.umask);
  }
}

export const PATH_MAX = 4096;
/** openat2's struct open_how resolve flags (include/uapi/linux/openat2.h) */
export const RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
  RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20;
export const NAME_MAX = 255;
const MAX_SYMLINKS = 40;

/** the path of l from `root` (Linux: d_path): up through the mounts it lies in; null when root is
 *  not on the way (a location outside a chroot, or in a detached mount) */
export function pathFrom(l: Loc, root: Loc | null): string | null {
  // names from l upwards, reversed at the end
  const names: string[] = [];
  for (let cur: Loc = l; ; cur = cur.mnt.mp) {
    for (let x: Loc | null = cur; x !== null; x = x.up) {
      if (root !== null && x.mnt === root.mnt && x.node === root.node) return "/" + names.reverse().join("/");
      if (x.up !== null) names.push(x.name);
    }
    if (cur.mnt.parent === null) return root === null ? "/" + names.reverse().join("/") : null;
  }
}

/** the absolute path of l in its mount namespace */
export function locPath(l: Loc): string {
  return pathFrom(l, null)!;
}

export interface Lookup {
  loc: Loc;
  /** the directory holding the last component and its name (for create/unlink) */
  parent: Loc;
  name: string;
  /** the last component does not exist (loc is then the parent) */
  missing: boolean;
}

/**
 * Resolve `path` from `start` (cwd or a directory fd) with the process root `root`, crossing
 * into whatever is mounted on the way. followLast: follow a symlink in the last component.
 * Returns -errno on failure; a missing last component is not an error (missing = true) so
 * callers can create it.
 */
export function lookup(root: Loc, start: Loc, path: string, followLast: boolean, resolve = 0): Lookup | number {
  if (path.length === 0) return -E.ENOENT;
  if (path.length >= PATH_MAX) return -E.ENAMETOOLONG;
  // openat2's RESOLVE_BENEATH: the start is the root, and nothing may leave it (-EXDEV)
  const beneath = (resolve & RESOLVE_BENEATH) !== 0;
  if (beneath) {
    root = start;
    if (path.startsWith("/")) return -E.EXDEV;
  }
  // (an absolute path itself is allowed under RESOLVE_NO_XDEV: nd_jump_root from path_init)
  let cur: Loc = path.startsWith("/") ? root : start;
  let parts = path.split("/");
  const trailingSlash = path.endsWith("/") && path.length > 1;
  let links = 0;
  // the index of the last component that is not "" or "." (recomputed when a symlink splices in)
  let lastReal = lastComponent(parts);
  let lastName = ".";
  let parent = cur;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const last = i >= lastReal;
    if (p === "" || p === ".") {
      if (!cur.node.isDir()) return -E.ENOTDIR;
      continue;
    }
    if (p.length > NAME_MAX) return -E.ENAMETOOLONG;
    if (!cur.node.isDir()) return -E.ENOTDIR;
    if (p === "..") {
      if (beneath && cur.node === root.node && cur.mnt === root.mnt) return -E.EXDEV;
      const up = dotdot(cur, root);
      if ((resolve & RESOLVE_NO_XDEV) !== 0 && up.mnt !== cur.mnt) return -E.EXDEV;
      cur = up;
      parent = cur;
      lastName = ".";
      continue;
    }
    const child = cur.node.lookup(p);
    if (child === null) {
      if (last) return { loc: cur, parent: cur, name: p, missing: true };
      return -E.ENOENT;
    }
    const next = followMounts(childLoc(cur, p, child));
    if ((resolve & RESOLVE_NO_XDEV) !== 0 && next.mnt !== cur.mnt) return -E.EXDEV;
    if ((next.node.mode & 0o170000) === S_IFLNK && (!last || followLast || trailingSlash)) {
      if (++links > MAX_SYMLINKS) return -E.ELOOP;
      if ((resolve & RESOLVE_NO_SYMLINKS) !== 0) return -E.ELOOP;
      // a jump through /proc/PID/{cwd,exe,fd/N,ns/*} (Linux: nd_jump_link)
      if (resolve !== 0 && next.node.isMagicLink()) {
        if ((resolve & RESOLVE_NO_MAGICLINKS) !== 0) return -E.ELOOP;
        if ((resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) !== 0) return -E.EXDEV;
      }
      // /proc/PID/cwd, /proc/PID/fd/N of a directory: a jump to where that location is
      const magicLoc = next.node.magicLoc();
      if (magicLoc !== null) {
        parent = magicLoc.up ?? magicLoc;
        lastName = magicLoc.up !== null ? magicLoc.name : ".";
        cur = magicLoc;
        continue;
      }
      const magic = next.node.magicTarget();
      if (magic !== null) {
        parent = cur;
        lastName = p;
        cur = childLoc(cur, p, magic);
        continue;
      }
      const target = next.node.readlink() ?? "";
      if (target.length === 0) return -E.ENOENT;
      const rest = parts.slice(i + 1);
      parts = [...target.split("/"), ...rest];
      if (target.startsWith("/")) {
        if (beneath) return -E.EXDEV;
        if ((resolve & RESOLVE_NO_XDEV) !== 0 && root.mnt !== cur.mnt) return -E.EXDEV;
        cur = root;
        parts[0] = ".";
      }
      lastReal = lastComponent(parts);
      i = -1;
      continue;
    }
    parent = cur;
    lastName = p;
    cur = next;
  }
  if (trailingSlash && !cur.node.isDir()) return -E.ENOTDIR;
  return { loc: cur, parent, name: lastName, missing: false };
}

/** the index of the last part that names something (not "" or "."); -1 if none */
function lastComponent(parts: string[]): number {
  let i = parts.length - 1;
  while (i >= 0 && (parts[i] === "" || parts[i] === ".")) i--;
  return i;
}

/** ".." (Linux: follow_dotdot): never above the process root; from a mount's root, up to where
 *  it is mounted first; then into whatever is mounted on the directory reached */
function dotdot(l: Loc, root: Loc): Loc {
  let cur = l;
  for (;;) {
    if (cur.node === root.node && cur.mnt === root.mnt) return cur;
    if (cur.up !== null) break;
    if (cur.mnt.parent === null) return cur;
    cur = cur.mnt.mp;
  }
  return followMounts(cur.up);
}
