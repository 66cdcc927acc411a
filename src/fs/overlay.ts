// An overlay filesystem: a writable in-memory upper tree (tmpfs) over a read-only lower tree
// (Linux: fs/overlayfs; the lower is never written, changes go to upper after a copy-up).

import * as E from "../base/errno.js";
import { Node, TmpDir, TmpFile, fsClock, denyWriteCount, getWriteCount, S_IFMT, S_IFDIR, S_IFLNK, S_IFREG } from "./node.js";
import type { FileOps } from "./file.js";
import { loffAdd, type Loff } from "../base/loff.js";

/** what an overlay instance shares: its st_dev */
interface OvlSb {
  dev: number;
}

/** the lower inode numbers of copied-up inodes, so a file keeps its st_ino across a copy-up
 *  (Linux: the "origin" xattr, with which ovl_getattr reports the lower st_ino) */
const origin = new WeakMap<Node, number>();

const COPY_CHUNK = 65536;

/** one overlay inode: the upper node (once it exists) over the lower one (Linux: struct ovl_inode's
 *  __upperdentry and lowerpath). Attributes read through to the real node, upper first; setting
 *  mode, owner or times copies up first (Linux: ovl_setattr calls ovl_copy_up). */
export class OvlNode extends Node {
  /** names removed from the merged view (Linux: whiteouts, 0/0 character devices in upper) */
  private readonly whiteouts = new Set<string>();
  /** upper hides the whole lower directory (Linux: the "opaque" xattr) */
  private opaque = false;
  /** the overlay inodes of looked-up names, so a name keeps its inode (Linux: the dcache) */
  private readonly cache = new Map<string, OvlNode>();
  private pins = 0;

  constructor(readonly sb: OvlSb, private readonly parentDir: OvlNode | null, private readonly ename: string, public upper: Node | null, public lower: Node | null) {
    super((upper ?? lower)!.mode);
    const fixed = this.lower?.ino ?? origin.get(upper!) ?? upper!.ino;
    const self = this;
    const through = (k: "mode" | "uid" | "gid" | "atime" | "mtime" | "ctime"): PropertyDescriptor => ({
      get: () => self.real()[k],
      set: (v: number) => {
        if (self.copyUp() === 0) self.upper![k] = v;
      },
    });
    Object.defineProperties(this, {
      mode: through("mode"),
      uid: through("uid"),
      gid: through("gid"),
      atime: through("atime"),
      mtime: through("mtime"),
      ctime: through("ctime"),
      ino: { get: () => fixed, set: () => {} },
      dev: { get: () => self.sb.dev, set: () => {} },
      rdev: { get: () => self.real().rdev, set: () => {} },
      nlink: { get: () => self.real().nlink, set: (v: number) => (self.real().nlink = v) },
    });
  }

  /** the node that answers: upper once copied up, else lower */
  real(): Node {
    return (this.upper ?? this.lower)!;
  }

  override size(): Loff {
    return this.real().size();
  }
  override blocks(): number {
    return this.real().blocks();
  }
  /** the lower is read-only but the overlay is not: writes copy up */
  override readOnly(): boolean {
    return false;
  }

  /** Linux: ovl_copy_up. Give this inode an upper node: its parents' directories first, then a
   *  copy of its contents (a regular file's bytes, a symlink's target), mode, owner and times.
   *  0 or -errno. */
  copyUp(): number {
    if (this.upper !== null) return 0;
    const lower = this.lower!;
    const p = this.parentDir!;
    const err = p.copyUp();
    if (err < 0) return err;
    const pu = p.upper!;
    const type = lower.mode & S_IFMT;
    if (type !== S_IFDIR && type !== S_IFREG && type !== S_IFLNK) return -E.EPERM;
    const made = pu.create(this.ename, lower.mode, type === S_IFLNK ? (lower.readlink() ?? "") : undefined);
    if (typeof made === "number") return made;
    if (type === S_IFREG) {
      // Linux: ovl_copy_up_data copies the bytes in chunks
      const size = lower.size();
      const buf = new Uint8Array(size < COPY_CHUNK ? Math.max(1, Number(size)) : COPY_CHUNK);
      for (let pos: Loff = 0; ; ) {
        const n = lower.readAt(pos, buf, 0, buf.length);
        if (n < 0) {
          pu.unlink(this.ename);
          return n;
        }
        if (n === 0) break;
        const w = made.writeAt(pos, buf, 0, n);
        if (w !== n) {
          pu.unlink(this.ename);
          return w < 0 ? w : -E.ENOSPC;
        }
        pos = loffAdd(pos, n);
      }
    }
    // Linux: ovl_set_attr copies mode, owner and times last
    made.mode = lower.mode;
    made.uid = lower.uid;
    made.gid = lower.gid;
    made.atime = lower.atime;
    made.mtime = lower.mtime;
    made.ctime = lower.ctime;
    origin.set(made, lower.ino);
    this.upper = made;
    // open files now read and write the upper copy (as Linux's ovl_real_file reopens)
    for (let i = 0; i < this.pins; i++) {
      made.pin();
      lower.unpin();
    }
    return 0;
  }

  /** Linux: ovl_lookup. Upper first; lower unless the name is whited out, the directory is
   *  opaque, or upper's entry is not a directory merging with a lower directory */
  override lookup(name: string): OvlNode | null {
    const u = this.upper?.lookup(name) ?? null;
    let l: Node | null = null;
    if (this.lower !== null && !this.opaque && !this.whiteouts.has(name)) {
      l = this.lower.lookup(name);
      if (u !== null && !(u.isDir() && l !== null && l.isDir())) l = null;
    }
    if (u === null && l === null) {
      this.cache.delete(name);
      return null;
    }
    const c = this.cache.get(name);
    if (c !== undefined && (c.upper ?? null) === u && ((c.lower ?? null) === l || c.upper !== null)) return c;
    const n = new OvlNode(this.sb, this, name, u, l);
    this.cache.set(name, n);
    return n;
  }

  /** Linux: ovl_iterate (ovl_dir_read_merged): upper's names, then lower's not in upper and not
   *  whited out */
  override entries(): [string, Node][] {
    const out: [string, Node][] = [];
    const seen = new Set<string>();
    const names: string[] = [];
    for (const [name] of this.upper?.entries() ?? []) names.push(name);
    if (this.lower !== null && !this.opaque) for (const [name] of this.lower.entries()) names.push(name);
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const n = this.lookup(name);
      if (n !== null) out.push([name, n]);
    }
    return out;
  }

  override create(name: string, mode: number, target?: string): Node | number {
    if (!this.isDir()) return -E.ENOTDIR;
    if (this.lookup(name) !== null) return -E.EEXIST;
    const err = this.copyUp();
    if (err < 0) return err;
    const made = this.upper!.create(name, mode, target);
    if (typeof made === "number") return made;
    // Linux: ovl_create_over_whiteout makes a directory created over a whiteout opaque
    const overWhiteout = this.whiteouts.delete(name);
    this.cache.delete(name);
    const n = this.lookup(name)!;
    if (overWhiteout && made.isDir()) {
      n.opaque = true;
      n.lower = null;
    }
    return n;
  }

  /** Linux: ovl_link copies the source up and links the upper inode */
  override link(name: string, node: Node): number {
    if (!(node instanceof OvlNode) || node.sb !== this.sb) return -E.EXDEV;
    if (this.lookup(name) !== null) return -E.EEXIST;
    let err = node.copyUp();
    if (err < 0) return err;
    err = this.copyUp();
    if (err < 0) return err;
    err = this.upper!.link(name, node.upper!);
    if (err < 0) return err;
    this.whiteouts.delete(name);
    this.cache.delete(name);
    return 0;
  }

  /** remove a name: from upper if it is there, and a whiteout if lower has it (Linux:
   *  ovl_do_remove, ovl_whiteout) */
  override unlink(name: string): number {
    const n = this.lookup(name);
    if (n === null) return -E.ENOENT;
    if (n.lower !== null) {
      const err = this.copyUp();
      if (err < 0) return err;
    }
    if (n.upper !== null) {
      const err = this.upper!.unlink(name);
      if (err < 0) return err;
    }
    if (n.lower !== null) {
      this.whiteouts.add(name);
      // the upper directory changed (Linux: the whiteout is an entry in it)
      this.upper!.mtime = this.upper!.ctime = fsClock.now();
    }
    this.cache.delete(name);
    return 0;
  }

  /** Linux: ovl_rename. A directory with a lower part is EXDEV (no redirect_dir), so mv copies it;
   *  anything else is copied up and renamed in upper, leaving a whiteout where lower had the name */
  override rename(oldName: string, newDir: Node, newName: string): number {
    if (!(newDir instanceof OvlNode) || newDir.sb !== this.sb) return -E.EXDEV;
    const n = this.lookup(oldName);
    if (n === null) return -E.ENOENT;
    if (n.isDir() && n.lower !== null) return -E.EXDEV;
    let err = n.copyUp();
    if (err < 0) return err;
    err = newDir.copyUp();
    if (err < 0) return err;
    err = this.upper!.rename(oldName, newDir.upper!, newName);
    if (err < 0) return err;
    if (n.lower !== null) this.whiteouts.add(oldName);
    this.cache.delete(oldName);
    newDir.whiteouts.delete(newName);
    // the inode moves with its name; a directory (upper only here) must not merge with a lower
    // directory of the new name, so it is opaque (Linux: ovl_set_opaque in ovl_rename)
    n.lower = null;
    if (n.isDir()) n.opaque = true;
    newDir.cache.set(newName, n);
    return 0;
  }

  override pin(): void {
    this.pins++;
    this.real().pin();
  }
  override unpin(): void {
    this.pins--;
    this.real().unpin();
  }

  override readAt(pos: Loff, dst: Uint8Array, off: number, len: number): number {
    return this.real().readAt(pos, dst, off, len);
  }
  /** a write to a lower file copies it up first (Linux: ovl_open with O_WRONLY/O_RDWR copies up;
   *  here the copy happens at the first write, since an open for writing reaches no node hook) */
  override writeAt(pos: Loff, src: Uint8Array, off: number, len: number): number {
    const err = this.copyUp();
    return err < 0 ? err : this.upper!.writeAt(pos, src, off, len);
  }
  override truncate(len: Loff): number {
    const err = this.copyUp();
    return err < 0 ? err : this.upper!.truncate(len);
  }
  override readlink(): string | null {
    return this.real().readlink();
  }
  override fileOps(): FileOps | null {
    return this.real().fileOps();
  }
  override pageFrame(i: number): number {
    return this.upper instanceof TmpFile ? this.upper.pageFrame(i) : 0;
  }
  /** exec and writers are counted here, not on the real node, since a copy-up changes which
   *  node is real between the two halves of a pair (Linux: i_writecount of the overlay inode) */
  writecount = 0;
  override denyWrite(): boolean {
    return denyWriteCount(this);
  }
  override allowWrite(): void {
    this.writecount++;
  }
  /** an open for writing or a truncate: a regular file is copied up first (Linux: ovl_open and
   *  ovl_setattr call ovl_maybe_copy_up); a failed copy-up refuses as ETXTBSY does here */
  override getWriteAccess(): boolean {
    if (this.writecount < 0 || ((this.mode & S_IFMT) === S_IFREG && this.copyUp() < 0)) return false;
    return getWriteCount(this);
  }
  override putWriteAccess(): void {
    this.writecount--;
  }
}

/** the root of an overlay of a fresh in-memory upper over `lower` (a directory); `upper` is a
 *  TmpDir (accounted to a tmpfs) the caller makes */
export function overlayRoot(lower: Node, upper: TmpDir, dev: number): OvlNode {
  upper.mode = lower.mode;
  upper.uid = lower.uid;
  upper.gid = lower.gid;
  return new OvlNode({ dev }, null, "", upper, lower);
}
