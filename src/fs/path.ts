// Path resolution (Linux: namei) and the per-task filesystem context (struct fs_struct).

import * as E from "../kernel/errno.js";
import { Node, S_IFLNK } from "./node.js";

/** a resolved location: the node and the chain of directories that led to it from the global root */
export interface Loc {
  node: Node;
  chain: Node[];
  names: string[];
}

export class FsInfo {
  /** tasks sharing this context (CLONE_FS) */
  users = 1;
  readonly id: number;
  private static nextId = 1;
  constructor(public root: Loc, public cwd: Loc, public umask = 0o022) {
    this.id = FsInfo.nextId++;
  }
  copy(): FsInfo {
    return new FsInfo(this.root, this.cwd, this.umask);
  }
}

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
const MAX_SYMLINKS = 40;

export function locPath(l: Loc): string {
  return "/" + l.names.join("/");
}

export interface MountInfo {
  fstype: string;
  source: string;
  ro: boolean;
  path?: string;
  propagation?: string;
  /** shared subtrees: the peer group this mount sends to and receives from, and the group a
   *  slave receives from (Linux: mnt_group_id, mnt_master) */
  peer?: number | null;
  master?: number | null;
}

/** mountpoint -> root of what is mounted on it */
export class MountTable {
  readonly over = new Map<Node, Node>();
  /** mounted roots -> a label for /proc/self/mounts */
  readonly info = new Map<Node, MountInfo>();
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
 * Resolve `path` from `start` (cwd or a directory fd) with the process root `root`.
 * followLast: follow a symlink in the last component. Returns -errno on failure; a
 * missing last component is not an error (missing = true) so callers can create it.
 */
export function lookup(mounts: MountTable, root: Loc, start: Loc, path: string, followLast: boolean): Lookup | number {
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
      if (!(cur.node === root.node && cur.chain.length === root.chain.length) && cur.chain.length > 0) {
        cur = { node: cur.chain[cur.chain.length - 1], chain: cur.chain.slice(0, -1), names: cur.names.slice(0, -1) };
      }
      parent = cur;
      lastName = ".";
      continue;
    }
    let child = cur.node.lookup(p);
    if (child === null) {
      if (last) return { loc: cur, parent: cur, name: p, missing: true };
      return -E.ENOENT;
    }
    while (mounts.over.has(child)) child = mounts.over.get(child)!;
    if ((child.mode & 0o170000) === S_IFLNK && (!last || followLast || trailingSlash)) {
      if (++links > MAX_SYMLINKS) return -E.ELOOP;
      const magic = child.magicTarget();
      if (magic !== null) {
        parent = cur;
        lastName = p;
        cur = { node: magic, chain: [...cur.chain, cur.node], names: [...cur.names, p] };
        continue;
      }
      const target = child.readlink() ?? "";
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
    cur = { node: child, chain: [...cur.chain, cur.node], names: [...cur.names, p] };
  }
  if (trailingSlash && !cur.node.isDir()) return -E.ENOTDIR;
  return { loc: cur, parent, name: lastName, missing: false };
}
