// Host directories mounted into the guest (--mount HOST:GUEST[:ro|rw]). Node-only glue:
// the guest sees nothing of the host outside the directories it was given.

import * as fs from "node:fs";
import * as path from "node:path";
import * as E from "../kernel/errno.js";
import { Node, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from "../fs/node.js";

function errno(e: unknown): number {
  const code = (e as { code?: string }).code;
  switch (code) {
    case "ENOENT": return -E.ENOENT;
    case "EACCES": return -E.EACCES;
    case "EPERM": return -E.EPERM;
    case "EEXIST": return -E.EEXIST;
    case "ENOTDIR": return -E.ENOTDIR;
    case "EISDIR": return -E.EISDIR;
    case "ENOTEMPTY": return -E.ENOTEMPTY;
    case "ENOSPC": return -E.ENOSPC;
    default: return -E.EIO;
  }
}

function make(p: string, ro: boolean): Node | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return null;
  }
  if (st.isDirectory()) return new HostDir(p, ro, st);
  if (st.isSymbolicLink()) return new HostLink(p, st);
  if (st.isFile()) return new HostFile(p, ro, st);
  return null;
}

function stamp(n: Node, st: fs.Stats): void {
  n.ino = Number(st.ino % 2147483647);
  n.dev = 0x800 + 1;
  n.uid = 0;
  n.gid = 0;
  n.nlink = st.nlink;
  n.atime = st.atimeMs * 1e6;
  n.mtime = st.mtimeMs * 1e6;
  n.ctime = st.ctimeMs * 1e6;
}

export class HostDir extends Node {
  constructor(readonly hostPath: string, readonly ro: boolean, st?: fs.Stats) {
    super(S_IFDIR | ((st?.mode ?? 0o755) & 0o7777));
    if (st) stamp(this, st);
  }
  override readOnly(): boolean {
    return this.ro;
  }
  override lookup(name: string): Node | null {
    return make(path.join(this.hostPath, name), this.ro);
  }
  override entries(): [string, Node][] {
    let names: string[];
    try {
      names = fs.readdirSync(this.hostPath).sort();
    } catch {
      return [];
    }
    return names.flatMap((n) => {
      const node = this.lookup(n);
      return node ? [[n, node] as [string, Node]] : [];
    });
  }
  override create(name: string, mode: number, target?: string): Node | number {
    if (this.ro) return -E.EROFS;
    const p = path.join(this.hostPath, name);
    try {
      const t = mode & S_IFMT;
      if (t === S_IFDIR) fs.mkdirSync(p, { mode: mode & 0o7777 });
      else if (t === S_IFLNK) fs.symlinkSync(target ?? "", p);
      else fs.writeFileSync(p, new Uint8Array(0), { flag: "wx", mode: mode & 0o7777 });
    } catch (e) {
      return errno(e);
    }
    return make(p, this.ro) ?? -E.EIO;
  }
  override unlink(name: string): number {
    if (this.ro) return -E.EROFS;
    const p = path.join(this.hostPath, name);
    try {
      if (fs.lstatSync(p).isDirectory()) fs.rmdirSync(p);
      else fs.unlinkSync(p);
      return 0;
    } catch (e) {
      return errno(e);
    }
  }
  override link(name: string, node: Node): number {
    if (this.ro) return -E.EROFS;
    if (!(node instanceof HostFile || node instanceof HostDir)) return -E.EXDEV;
    try {
      fs.renameSync(node.hostPath, path.join(this.hostPath, name));
      return 0;
    } catch (e) {
      return errno(e);
    }
  }
}

export class HostFile extends Node {
  constructor(readonly hostPath: string, readonly ro: boolean, st?: fs.Stats) {
    super(S_IFREG | ((st?.mode ?? 0o644) & 0o7777));
    if (st) stamp(this, st);
  }
  override readOnly(): boolean {
    return this.ro;
  }
  override size(): number {
    try {
      return fs.statSync(this.hostPath).size;
    } catch {
      return 0;
    }
  }
  override readAt(pos: number, dst: Uint8Array, off: number, len: number): number {
    try {
      const fd = fs.openSync(this.hostPath, "r");
      try {
        return fs.readSync(fd, dst, off, len, pos);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      return errno(e);
    }
  }
  override writeAt(pos: number, src: Uint8Array, off: number, len: number): number {
    if (this.ro) return -E.EROFS;
    try {
      const fd = fs.openSync(this.hostPath, "r+");
      try {
        return fs.writeSync(fd, src, off, len, pos);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      return errno(e);
    }
  }
  override truncate(len: number): number {
    if (this.ro) return -E.EROFS;
    try {
      fs.truncateSync(this.hostPath, len);
      return 0;
    } catch (e) {
      return errno(e);
    }
  }
}

class HostLink extends Node {
  constructor(readonly hostPath: string, st: fs.Stats) {
    super(S_IFLNK | 0o777);
    stamp(this, st);
  }
  override readlink(): string {
    try {
      return fs.readlinkSync(this.hostPath);
    } catch {
      return "";
    }
  }
}

/** the root of a mount, or an error message */
export function hostMount(hostPath: string, ro: boolean): Node | string {
  const abs = path.resolve(hostPath);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    return `cannot mount ${hostPath}: no such directory`;
  }
  if (!st.isDirectory()) return `cannot mount ${hostPath}: not a directory`;
  return new HostDir(abs, ro, st);
}
