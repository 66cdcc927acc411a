// Path resolution (Linux: namei) and the per-task filesystem context (struct fs_struct).

import * as E from "../base/errno.js";
import { Node, S_IFLNK } from "./node.js";
import { Mount, followMounts } from "./mount.js";
import { Shared } from "../base/refcount.js";

/** a resolved location (Linux: struct path): a node of a mount, with the directories that lead
 *  to it from the mount's root and their names (for "..", and for its path) */
export interface Loc {
  node: Node;
  mnt: Mount;
  /** from mnt.root to the node's parent directory: empty at the mount's root */
  chain: Node[];
  /** names[i] is the name of chain[i + 1] (or of node, for the last) in chain[i] */
  names: string[];
}

/** one step down from a directory location to its child `name` (no mounts crossed) */
export function childLoc(dir: Loc, name: string, node: Node): Loc {
  return { node, mnt: dir.mnt, chain: [...dir.chain, dir.node], names: [...dir.names, name] };
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
export const NAME_MAX = 255;
const MAX_SYMLINKS = 40;

/** the path of l from `root` (Linux: d_path): up through the mounts it lies in; null when root is
 *  not on the way (a location outside a chroot, or in a detached mount) */
export function pathFrom(l: Loc, root: Loc | null): string | null {
  let names: string[] = [];
  for (let cur: Loc = l; ; cur = cur.mnt.mp) {
    if (root !== null && cur.mnt === root.mnt) {
      if (cur.node === root.node) return "/" + names.join("/");
      const i = cur.chain.indexOf(root.node);
      if (i >= 0) return "/" + [...cur.names.slice(i), ...names].join("/");
    }
    names = [...cur.names, ...names];
    if (cur.mnt.parent === null) return root === null ? "/" + names.join("/") : null;
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
export function lookup(root: Loc, start: Loc, path: string, followLast: boolean): Lookup | number {
  if (path.length === 0) return -E.ENOENT;
  if (path.length >= PATH_MAX) return -E.ENAMETOOLONG;
  let cur: Loc = path.startsWith("/") ? root : start;
  let parts = path.split("/");
  const trailingSlash = path.endsWith("/") && path.length > 1;
  let links = 0;
  let lastName = ".";
  let parent = cur;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const last = i === parts.length - 1 || parts.slice(i + 1).every((q) => q === "" || q === ".");
    if (p === "" || p === ".") {
      if (!cur.node.isDir()) return -E.ENOTDIR;
      continue;
    }
    if (p.length > NAME_MAX) return -E.ENAMETOOLONG;
    if (!cur.node.isDir()) return -E.ENOTDIR;
    if (p === "..") {
      cur = dotdot(cur, root);
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
    if ((next.node.mode & 0o170000) === S_IFLNK && (!last || followLast || trailingSlash)) {
      if (++links > MAX_SYMLINKS) return -E.ELOOP;
      const magicLoc = next.node.magicLoc();
      if (magicLoc !== null) {
        parent = magicLoc.chain.length > 0 ? { node: magicLoc.chain[magicLoc.chain.length - 1], mnt: magicLoc.mnt, chain: magicLoc.chain.slice(0, -1), names: magicLoc.names.slice(0, -1) } : magicLoc;
        lastName = magicLoc.names[magicLoc.names.length - 1] ?? ".";
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
        cur = root;
        parts[0] = ".";
      }
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

/** ".." (Linux: follow_dotdot): never above the process root; from a mount's root, up to where
 *  it is mounted first; then into whatever is mounted on the directory reached */
function dotdot(l: Loc, root: Loc): Loc {
  let cur = l;
  for (;;) {
    if (cur.node === root.node && cur.mnt === root.mnt) return cur;
    if (cur.chain.length > 0) break;
    if (cur.mnt.parent === null) return cur;
    cur = cur.mnt.mp;
  }
  const up: Loc = { node: cur.chain[cur.chain.length - 1], mnt: cur.mnt, chain: cur.chain.slice(0, -1), names: cur.names.slice(0, -1) };
  return followMounts(up);
}
