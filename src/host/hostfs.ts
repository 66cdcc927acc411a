// Host directories and files mounted into the guest (--mount HOST:GUEST[:ro|rw]). Node-only glue.
//
// The guest must never reach a host file outside what it was given. So no host path is ever built
// from guest names: every host directory the guest uses is held open as a file descriptor (an
// O_PATH descriptor names the inode, whatever later happens to its name), and every host access is
// one name component inside such a directory, reached through Linux's /proc/self/fd/N/NAME, with
// the last component never followed (lstat, O_NOFOLLOW, and calls such as mkdir, unlink, rename
// and link that do not follow it). That is the *at() family the kernel's own namei uses
// (fs/namei.c: lookups are component by component, each from the directory before it); symlinks on
// a host mount are read by forkscope and resolved by the kernel's lookup in the guest's namespace,
// never by the host. A node is one object per host inode, so it keeps its identity across a rename
// or an unlink as an inode does: a directory that was removed stays removed (ENOENT for anything
// created in it) even if its old name now holds a symlink, and a file that is open keeps its
// descriptor, so it can still be read after it is unlinked or renamed.

import * as fs from "node:fs";
import * as path from "node:path";
import * as E from "../base/errno.js";
import { Node, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from "../fs/node.js";
import { loff, type Loff } from "../base/loff.js";

const O_PATH = 0o10000000;
const { O_RDONLY, O_RDWR, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY } = fs.constants;
/** directory descriptors kept open per mount (the least recently used one is closed past this) */
const MAX_DIR_FDS = 256;
/** first st_dev of host mounts (major 8, as a disk would be); each mount gets its own */
let nextDev = 0x801;

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
    case "EINVAL": return -E.EINVAL;
    case "EXDEV": return -E.EXDEV;
    case "EBUSY": return -E.EBUSY;
    case "ELOOP": return -E.ELOOP;
    case "EMLINK": return -E.EMLINK;
    case "EFBIG": return -E.EFBIG;
    case "EROFS": return -E.EROFS;
    case "ENAMETOOLONG": return -E.ENAMETOOLONG;
    case "EMFILE":
    case "ENFILE": return -E.ENFILE;
    default: return -E.EIO;
  }
}

/** a guest name as the host's bytes: guest names are byte strings (one char per byte) */
function hostName(name: string): Buffer {
  return Buffer.from(name, "latin1");
}

/** the host path that reaches `name` inside the directory open as `dirFd`, and nothing else */
function at(dirFd: number, name: string): Buffer {
  return Buffer.concat([Buffer.from(`/proc/self/fd/${dirFd}/`), hostName(name)]);
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}

/** one mounted host tree (Linux: its super_block): the inode cache and the open directories */
class HostFs {
  readonly dev = nextDev++;
  /** one node per host inode while anything holds it (Linux: the inode cache) */
  private readonly nodes = new Map<bigint, WeakRef<HostNode>>();
  private readonly forget = new FinalizationRegistry<bigint>((ino) => {
    const ref = this.nodes.get(ino);
    if (ref !== undefined && ref.deref() === undefined) this.nodes.delete(ino);
  });
  /** directories holding a descriptor, least recently used first */
  private readonly open = new Set<HostDir>();

  constructor(readonly ro: boolean) {}

  /** the node for the host inode `st`, found as `name` in `parent` */
  node(parent: HostDir | null, name: string, st: fs.BigIntStats, fd = -1): HostNode | null {
    const known = this.nodes.get(st.ino)?.deref();
    if (known !== undefined && known.type === (Number(st.mode) & S_IFMT)) {
      known.parent = parent;
      known.name = name;
      known.refresh(st);
      if (fd >= 0) closeQuietly(fd);
      return known;
    }
    let n: HostNode;
    if (st.isDirectory()) n = new HostDir(this, parent, name, st);
    else if (st.isFile()) n = new HostFile(this, parent, name, st);
    else if (st.isSymbolicLink()) {
      if (parent === null) return null;
      let target: Buffer;
      try {
        target = fs.readlinkSync(at(parent.dirFd(), name), { encoding: "buffer" });
      } catch {
        return null;
      }
      n = new HostLink(this, parent, name, st, target.toString("latin1"));
    } else return null;
    if (fd >= 0) n.adopt(fd);
    this.nodes.set(st.ino, new WeakRef(n));
    this.forget.register(n, st.ino);
    return n;
  }

  /** the cached node of a host inode, if any */
  cached(ino: bigint): HostNode | undefined {
    return this.nodes.get(ino)?.deref();
  }

  /** note that `d` holds a descriptor; close the least recently used past the limit */
  used(d: HostDir): void {
    this.open.delete(d);
    this.open.add(d);
    if (this.open.size <= MAX_DIR_FDS) return;
    for (const old of this.open) {
      if (old.pinned) continue;
      this.open.delete(old);
      old.drop();
      return;
    }
  }
}

abstract class HostNode extends Node {
  constructor(readonly sb: HostFs, public parent: HostDir | null, public name: string, st: fs.BigIntStats, kind: number) {
    super(kind | (Number(st.mode) & 0o7777));
    this.hostIno = st.ino;
    this.refresh(st);
  }
  readonly hostIno: bigint;

  override readOnly(): boolean {
    return this.sb.ro;
  }

  /** take the host's attributes (the guest sees the host's owner as root, since it cannot be mapped) */
  refresh(st: fs.BigIntStats): void {
    this.ino = Number(st.ino & 0x1fffffffffffffn);
    this.dev = this.sb.dev;
    this.nlink = Number(st.nlink);
    this.mode = (this.mode & S_IFMT) | (Number(st.mode) & 0o7777);
    this.atime = Number(st.atimeNs);
    this.mtime = Number(st.mtimeNs);
    this.ctime = Number(st.ctimeNs);
  }

  /** the inode's place on the host, checked to still be this inode */
  hostLocation(): Buffer | number {
    if (this.parent === null) return -E.EXDEV;
    const dfd = this.parent.dirFd();
    if (dfd < 0) return -E.ENOENT;
    const p = at(dfd, this.name);
    try {
      if (fs.lstatSync(p, { bigint: true }).ino === this.hostIno) return p;
    } catch {
      // gone
    }
    return -E.ENOENT;
  }

  /** take over a descriptor opened for this inode (only directories keep one) */
  adopt(fd: number): void {
    closeQuietly(fd);
  }
}

export class HostDir extends HostNode {
  private fd = -1;
  /** the directory was removed (through the guest, or found gone from the host) */
  private removed = false;
  /** the mount's root keeps its descriptor for good */
  pinned = false;

  constructor(sb: HostFs, parent: HostDir | null, name: string, st: fs.BigIntStats) {
    super(sb, parent, name, st, S_IFDIR);
  }

  override adopt(fd: number): void {
    this.fd = fd;
    this.sb.used(this);
  }

  /** close the descriptor (it is opened again, and checked to be the same inode, when needed) */
  drop(): void {
    if (this.fd >= 0) closeQuietly(this.fd);
    this.fd = -1;
  }

  /** mark removed: the guest deleted it, so nothing may be looked up or created in it again */
  gone(): void {
    this.removed = true;
    this.nlink = 0;
  }

  /**
   * A descriptor for this directory, or -1 when it no longer exists. A directory whose
   * descriptor was closed is opened again through its parent's descriptor and its name,
   * and only if what is found there is this very inode (not a symlink, not a new directory
   * made under the old name).
   */
  dirFd(): number {
    if (this.removed) return -1;
    if (this.fd >= 0) {
      this.sb.used(this);
      return this.fd;
    }
    // walk up to the nearest ancestor that is still open, then reopen downwards (no recursion:
    // directories may nest tens of thousands deep)
    const down: HostDir[] = [];
    let top: HostDir = this;
    while (top.fd < 0) {
      if (top.removed || top.parent === null) {
        this.removed = top.removed || this.removed;
        return -1;
      }
      down.push(top);
      top = top.parent;
    }
    let dfd = top.fd;
    for (let i = down.length - 1; i >= 0; i--) {
      const d = down[i];
      let fd: number;
      try {
        fd = fs.openSync(at(dfd, d.name), O_PATH | O_DIRECTORY | O_NOFOLLOW);
      } catch {
        d.removed = true;
        return -1;
      }
      if (fs.fstatSync(fd, { bigint: true }).ino !== d.hostIno) {
        closeQuietly(fd);
        d.removed = true;
        return -1;
      }
      d.adopt(fd);
      dfd = fd;
    }
    return this.fd;
  }

  override size(): number {
    const fd = this.dirFd();
    if (fd < 0) return 0;
    try {
      return fs.fstatSync(fd).size;
    } catch {
      return 0;
    }
  }

  override lookup(name: string): Node | null {
    const fd = this.dirFd();
    if (fd < 0) return null;
    let st: fs.BigIntStats;
    try {
      st = fs.lstatSync(at(fd, name), { bigint: true });
    } catch {
      return null;
    }
    return this.sb.node(this, name, st);
  }

  override entries(): [string, Node][] {
    const fd = this.dirFd();
    if (fd < 0) return [];
    let names: Buffer[];
    try {
      names = fs.readdirSync(`/proc/self/fd/${fd}`, { encoding: "buffer" });
    } catch {
      return [];
    }
    const out: [string, Node][] = [];
    for (const b of names.map((n) => n.toString("latin1")).sort()) {
      const node = this.lookup(b);
      if (node !== null) out.push([b, node]);
    }
    return out;
  }

  override create(name: string, mode: number, target?: string): Node | number {
    if (this.sb.ro) return -E.EROFS;
    const fd = this.dirFd();
    if (fd < 0) return -E.ENOENT;
    const p = at(fd, name);
    try {
      const t = mode & S_IFMT;
      if (t === S_IFDIR) fs.mkdirSync(p, { mode: mode & 0o7777 });
      else if (t === S_IFLNK) fs.symlinkSync(hostName(target ?? ""), p);
      else if (t === S_IFREG) closeQuietly(fs.openSync(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode & 0o7777));
      else return -E.EPERM;
      return this.lookup(name) ?? -E.EIO;
    } catch (e) {
      return errno(e);
    }
  }

  override unlink(name: string): number {
    if (this.sb.ro) return -E.EROFS;
    const fd = this.dirFd();
    if (fd < 0) return -E.ENOENT;
    const p = at(fd, name);
    try {
      const st = fs.lstatSync(p, { bigint: true });
      if (st.isDirectory()) fs.rmdirSync(p);
      else fs.unlinkSync(p);
      const n = this.sb.cached(st.ino);
      if (n instanceof HostDir) n.gone();
      else if (n !== undefined) n.nlink = Math.max(0, n.nlink - 1);
      return 0;
    } catch (e) {
      return errno(e);
    }
  }

  override link(name: string, node: Node): number {
    if (this.sb.ro) return -E.EROFS;
    if (!(node instanceof HostNode) || node instanceof HostDir || node.sb !== this.sb) return -E.EXDEV;
    const src = node.hostLocation();
    if (typeof src === "number") return src;
    const fd = this.dirFd();
    if (fd < 0) return -E.ENOENT;
    try {
      fs.linkSync(src, at(fd, name));
      node.nlink++;
      return 0;
    } catch (e) {
      return errno(e);
    }
  }

  override rename(oldName: string, newDir: Node, newName: string): number {
    if (this.sb.ro) return -E.EROFS;
    if (!(newDir instanceof HostDir) || newDir.sb !== this.sb) return -E.EXDEV;
    const from = this.dirFd();
    const to = newDir.dirFd();
    if (from < 0 || to < 0) return -E.ENOENT;
    try {
      const st = fs.lstatSync(at(from, oldName), { bigint: true });
      let replaced: fs.BigIntStats | null = null;
      try {
        replaced = fs.lstatSync(at(to, newName), { bigint: true });
      } catch {
        // nothing there yet
      }
      fs.renameSync(at(from, oldName), at(to, newName));
      if (replaced !== null && replaced.ino !== st.ino) {
        const r = this.sb.cached(replaced.ino);
        if (r instanceof HostDir) r.gone();
        else if (r !== undefined) r.nlink = Math.max(0, r.nlink - 1);
      }
      const n = this.sb.cached(st.ino);
      if (n !== undefined) {
        n.parent = newDir;
        n.name = newName;
      }
      return 0;
    } catch (e) {
      return errno(e);
    }
  }
}

export class HostFile extends HostNode {
  /** a descriptor held while the guest has the file open (so it stays readable after an unlink) */
  private fd = -1;
  private writableFd = false;
  private opens = 0;

  constructor(sb: HostFs, parent: HostDir | null, name: string, st: fs.BigIntStats) {
    super(sb, parent, name, st, S_IFREG);
  }

  /** take over the descriptor of a file mounted on its own (it has no parent to reopen it from) */
  override adopt(fd: number): void {
    this.fd = fd;
    this.writableFd = !this.sb.ro;
    this.opens = Infinity;
  }

  /** open this inode on the host (never following a symlink), checked to be the same inode */
  private openHost(write: boolean): number {
    const p = this.hostLocation();
    if (typeof p === "number") return p;
    let fd: number;
    try {
      fd = fs.openSync(p, (write ? O_RDWR : O_RDONLY) | O_NOFOLLOW);
    } catch (e) {
      return errno(e);
    }
    if (fs.fstatSync(fd, { bigint: true }).ino !== this.hostIno) {
      closeQuietly(fd);
      return -E.ENOENT;
    }
    return fd;
  }

  override pin(): void {
    if (this.opens++ > 0 || this.fd >= 0) return;
    let fd = this.sb.ro ? -1 : this.openHost(true);
    this.writableFd = fd >= 0;
    if (fd < 0) fd = this.openHost(false);
    if (fd >= 0) this.fd = fd;
  }

  override unpin(): void {
    if (this.opens <= 0 || --this.opens > 0 || this.fd < 0) return;
    closeQuietly(this.fd);
    this.fd = -1;
  }

  /** run `fn` on a descriptor: the one held while open, or one opened for this call */
  private withFd(write: boolean, fn: (fd: number) => number): number {
    if (this.fd >= 0 && (!write || this.writableFd)) {
      try {
        return fn(this.fd);
      } catch (e) {
        return errno(e);
      }
    }
    const fd = this.openHost(write);
    if (fd < 0) return fd;
    try {
      return fn(fd);
    } catch (e) {
      return errno(e);
    } finally {
      closeQuietly(fd);
    }
  }

  override size(): Loff {
    // the host's st_size exactly (a host file may be larger than 2^53: a sparse file on tmpfs)
    let size: Loff = 0;
    this.withFd(false, (fd) => {
      size = loff(fs.fstatSync(fd, { bigint: true }).size);
      return 0;
    });
    return size;
  }
  // Node takes a bigint position for reads and writes, so the host's own answer (its s_maxbytes:
  // EFBIG on ext4 past 16 TiB, a sparse write on tmpfs) comes back for any offset
  override readAt(pos: Loff, dst: Uint8Array, off: number, len: number): number {
    return this.withFd(false, (fd) => fs.readSync(fd, dst, off, len, pos));
  }
  override writeAt(pos: Loff, src: Uint8Array, off: number, len: number): number {
    if (this.sb.ro) return -E.EROFS;
    return this.withFd(true, (fd) => fs.writeSync(fd, src, off, len, pos as number));
  }
  override truncate(len: Loff): number {
    if (this.sb.ro) return -E.EROFS;
    // Node's ftruncate takes only safe integers: a length past 2^53 cannot be asked of the host,
    // and is refused as past the filesystem's largest file (EFBIG, as ext4 and xfs answer)
    if (typeof len !== "number") return -E.EFBIG;
    return this.withFd(true, (fd) => {
      fs.ftruncateSync(fd, len);
      return 0;
    });
  }
}

class HostLink extends HostNode {
  constructor(sb: HostFs, parent: HostDir, name: string, st: fs.BigIntStats, readonly target: string) {
    super(sb, parent, name, st, S_IFLNK);
  }
  override size(): number {
    return this.target.length;
  }
  override readlink(): string {
    return this.target;
  }
}

/** the root of a mount of a host directory or file, or an error message */
export function hostMount(hostPath: string, ro: boolean): Node | string {
  if (!fs.existsSync("/proc/self/fd")) return `cannot mount ${hostPath}: host mounts need Linux's /proc on the host`;
  const abs = path.resolve(hostPath);
  let st: fs.BigIntStats;
  try {
    st = fs.statSync(abs, { bigint: true });
  } catch {
    return `cannot mount ${hostPath}: no such file or directory`;
  }
  if (!st.isDirectory() && !st.isFile()) return `cannot mount ${hostPath}: not a directory or regular file`;
  let fd: number;
  try {
    fd = st.isDirectory() ? fs.openSync(abs, O_PATH | O_DIRECTORY) : fs.openSync(abs, ro ? O_RDONLY : O_RDWR);
  } catch (e) {
    return `cannot mount ${hostPath}: ${(e as Error).message}`;
  }
  const sb = new HostFs(ro);
  const root = sb.node(null, path.basename(abs), fs.fstatSync(fd, { bigint: true }), fd)!;
  if (root instanceof HostDir) root.pinned = true;
  return root;
}
