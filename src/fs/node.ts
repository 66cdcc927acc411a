// Inodes of the in-memory VFS, and tmpfs (Linux: fs/inode.c, mm/shmem.c): directories, regular
// files and symlinks held in memory.

import * as E from "../base/errno.js";
import type { Loc } from "./path.js";
import type { FileOps } from "./file.js";
import { ShmObject } from "../mm/shmem.js";
import { FramePool, PAGE_SIZE } from "../mm/frames.js";
import { MAX_LFS_FILESIZE, loffAdd, loffInPage, loffPage, loffSpan, type Loff } from "../base/loff.js";

const PAGE_SHIFT = 12;

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

let nextIno = 1;
/** the clock every node stamps times with (ns since the epoch); set by the kernel */
export const fsClock = { now: () => 0 };

export abstract class Node {
  ino = nextIno++;
  nlink = 1;
  uid = 0;
  gid = 0;
  dev = 1;
  rdev = 0;
  atime: number;
  mtime: number;
  ctime: number;

  constructor(public mode: number) {
    this.atime = this.mtime = this.ctime = fsClock.now();
  }

  get type(): number {
    return this.mode & S_IFMT;
  }
  isDir(): boolean {
    return this.type === S_IFDIR;
  }
  /** i_size: exact up to MAX_LFS_FILESIZE (a Loff is a number below 2^53, a bigint above) */
  size(): Loff {
    return 0;
  }
  /** writes refused with EROFS (read-only mounts) */
  readOnly(): boolean {
    return false;
  }

  // directory operations
  lookup(_name: string): Node | null {
    return null;
  }
  entries(): [string, Node][] {
    return [];
  }
  /** create a regular file, directory, symlink or node; the new node or -errno */
  create(_name: string, _mode: number, _target?: string): Node | number {
    return -E.ENOTDIR;
  }
  /** link an existing node under a new name */
  link(_name: string, _node: Node): number {
    return -E.ENOTDIR;
  }
  unlink(_name: string): number {
    return -E.ENOTDIR;
  }
  /** move the entry `oldName` to `newName` in `newDir` (same filesystem), replacing what is there
   *  (the caller has checked the types and emptiness, as vfs_rename does) */
  rename(_oldName: string, _newDir: Node, _newName: string): number {
    return -E.ENOTDIR;
  }
  /** RENAME_EXCHANGE: the two names swap their inodes; EINVAL where the filesystem cannot */
  exchange(_oldName: string, _newDir: Node, _newName: string): number {
    return -E.EINVAL;
  }
  /** an open file description now refers to this inode / the last one was closed (host files keep
   *  a host descriptor while open, so an unlinked open file stays readable) */
  pin(): void {}
  unpin(): void {}

  // regular file operations
  readAt(_pos: Loff, _dst: Uint8Array, _off: number, _len: number): number {
    return -E.EINVAL;
  }
  writeAt(_pos: Loff, _src: Uint8Array, _off: number, _len: number): number {
    return -E.EINVAL;
  }
  truncate(_len: Loff): number {
    return -E.EINVAL;
  }
  readlink(): string | null {
    return null;
  }
  /** "magic" symlinks (/proc/PID/ns/*) lead straight to a node rather than to a path */
  magicTarget(): Node | null {
    return null;
  }
  /** opening it checks the mode bits even for CAP_DAC_OVERRIDE (Linux: sysctl files'
   *  proc_sys_permission) */
  strictPerm = false;
  /** 512-byte blocks allocated (st_blocks): by default what the size needs */
  blocks(): number {
    const s = this.size();
    return typeof s === "number" ? Math.ceil(s / 512) : Number((s + 511n) >> 9n);
  }
  /** a magic link to a place in the tree (/proc/PID/fd/N of a file opened by path, /proc/PID/cwd):
   *  following it goes there, mounts and all */
  magicLoc(): Loc | null {
    return null;
  }
  /** a /proc link Linux follows with nd_jump_link (cwd, exe, fd/N, ns/*): openat2's
   *  RESOLVE_NO_MAGICLINKS refuses it, RESOLVE_BENEATH and RESOLVE_IN_ROOT too */
  isMagicLink(): boolean {
    return this.magicTarget() !== null || this.magicLoc() !== null;
  }
  /** devices, pipes and other special files supply their own file operations */
  fileOps(): FileOps | null {
    return null;
  }
  /** the frame of guest memory holding page i of the file, for mappings to share (0: none) */
  pageFrame(_i: number): number {
    return 0;
  }
  /** exec maps the file: writers are refused (ETXTBSY) until allowWrite; false when it is open
   *  for writing (Linux: deny_write_access, allow_write_access) */
  denyWrite(): boolean {
    return true;
  }
  allowWrite(): void {}
  /** an open for writing or a truncate: false (ETXTBSY) while a program maps it (Linux:
   *  get_write_access, put_write_access) */
  getWriteAccess(): boolean {
    return true;
  }
  putWriteAccess(): void {}
}

/** tmpfs's largest file (Linux: shmem's s_maxbytes, MAX_LFS_FILESIZE = 2^63 - 1): sizes and
 *  positions are Loffs, exact over the whole range; pages are kept sparsely, so a file of that size
 *  costs only the pages written */
export const TMPFS_MAX_SIZE = MAX_LFS_FILESIZE;

/** host bytes an inode and a directory entry cost (the objects, their maps and strings; measured
 *  with test/fuzz's heap probe), charged to guest memory as Linux charges its inode and dentry slabs */
export const INODE_BYTES = 640;
export const DENTRY_BYTES = 96;

/** frames for tmpfs objects made outside any kernel (tests that build a tree by hand): unlimited */
let looseFrames: FramePool | null = null;
function unaccounted(): FramePool {
  return (looseFrames ??= new FramePool(Number.MAX_SAFE_INTEGER));
}

/** one tmpfs instance's size, inode count and memory (Linux: struct shmem_sb_info): its pages are
 *  frames of guest memory, like Linux's page cache, and its inodes and names are charged to it */
export class TmpfsSb {
  blocks = 0;
  inodes = 0;
  constructor(readonly frames: FramePool, public maxBlocks: number, public maxInodes: number) {}

  /** Linux's defaults: half of memory in pages, and as many inodes (shmem_default_max_blocks,
   *  shmem_default_max_inodes) */
  static withDefaults(frames: FramePool): TmpfsSb {
    const half = Math.floor(Math.min(frames.maxFrames, 2 ** 40) / 2);
    return new TmpfsSb(frames, half, half);
  }

  /** a new inode with a name: false (ENOSPC) past nr_inodes or when memory is full */
  takeInode(nameLen: number): boolean {
    if (this.inodes >= this.maxInodes || !this.frames.charge(INODE_BYTES + DENTRY_BYTES + nameLen)) return false;
    this.inodes++;
    return true;
  }
  giveInode(): void {
    this.inodes--;
    this.frames.uncharge(INODE_BYTES);
  }
  /** the page limit its files' objects are charged to */
  readonly pageLimit = {
    take: (): boolean => {
      if (this.blocks >= this.maxBlocks) return false;
      this.blocks++;
      return true;
    },
    give: (n: number): void => {
      this.blocks -= n;
    },
  };
}

export class TmpFile extends Node {
  /** the pages (Linux: the inode's page cache): frames of guest memory, sparse (a hole costs
   *  nothing); MAP_SHARED mappings map these frames, and private mappings too until written */
  private obj: ShmObject;
  /** i_size (a Loff: a number below 2^53, the fast path, a bigint above) */
  private len: Loff = 0;
  /** open file descriptions: the pages of an unlinked file go when the last one is closed */
  private opens = 0;
  private freed = false;
  /** exec'd (negative: mappings that deny writes) or open for writing (positive) (Linux: i_writecount) */
  writecount = 0;

  constructor(mode: number, readonly sb: TmpfsSb | null = null) {
    super(S_IFREG | (mode & 0o7777));
    this.obj = new ShmObject(sb?.frames ?? unaccounted(), 0);
    this.obj.limit = sb?.pageLimit ?? null;
  }

  /** the page-cache object MAP_SHARED mappings use (Linux: the inode's address_space) */
  sharedObject(): ShmObject {
    return this.obj;
  }
  /** the frame holding page i of the file (0: a hole) */
  override pageFrame(i: number): number {
    return this.obj.peek(i);
  }
  get frames(): FramePool {
    return this.obj.frames;
  }
  /** pages that hold data (a hole or a truncated tail holds none) */
  override blocks(): number {
    return this.obj.present * (PAGE_SIZE / 512);
  }
  override size(): Loff {
    return this.len;
  }
  override readAt(pos: Loff, dst: Uint8Array, off: number, len: number): number {
    if (pos >= this.len) return 0;
    const n = loffSpan(this.len, pos, len);
    const c = this.obj;
    let p = loffPage(pos, PAGE_SHIFT);
    let po = loffInPage(pos, PAGE_SHIFT);
    for (let done = 0; done < n; p++, po = 0) {
      const k = Math.min(PAGE_SIZE - po, n - done);
      const f = c.peek(p);
      if (f === 0) dst.fill(0, off + done, off + done + k);
      else c.frames.read(f, po, dst, off + done, k);
      done += k;
    }
    this.atime = fsClock.now();
    return n;
  }
  override writeAt(pos: Loff, src: Uint8Array, off: number, len: number): number {
    const end = loffAdd(pos, len);
    if (end > TMPFS_MAX_SIZE) return -E.EFBIG;
    const c = this.obj;
    let p = loffPage(pos, PAGE_SHIFT);
    let po = loffInPage(pos, PAGE_SHIFT);
    for (let done = 0; done < len; p++, po = 0) {
      const k = Math.min(PAGE_SIZE - po, len - done);
      const f = c.frame(p);
      // the filesystem is full (ENOSPC) or guest memory is (ENOMEM): a partial write counts
      if (f <= 0) {
        if (done > 0) this.grew(loffAdd(pos, done));
        return done > 0 ? done : f < 0 ? -E.ENOSPC : -E.ENOMEM;
      }
      c.frames.write(f, po, src, off + done, k);
      done += k;
    }
    this.grew(end);
    return len;
  }
  /** a write reached `end`: the size and times follow */
  private grew(end: Loff): void {
    if (end > this.len) this.len = end;
    this.mtime = this.ctime = fsClock.now();
  }
  override truncate(n: Loff): number {
    if (n > TMPFS_MAX_SIZE) return -E.EFBIG;
    const c = this.obj;
    // bytes past the new end read as zero if the file grows again
    const at = loffInPage(n, PAGE_SHIFT);
    const f = c.peek(loffPage(n, PAGE_SHIFT));
    if (f !== 0 && at) c.frames.u8[FramePool.chunk(f)].fill(0, FramePool.offset(f) + at, FramePool.offset(f) + PAGE_SIZE);
    if (f !== 0) c.frames.invalidateCode(f);
    if (n < this.len) c.truncate(loffPage(loffAdd(n, PAGE_SIZE - 1), PAGE_SHIFT));
    this.len = n;
    this.mtime = this.ctime = fsClock.now();
    return 0;
  }
  /** fill with host bytes (the program being run, fixtures): placed whatever the limits say */
  setContents(bytes: Uint8Array): void {
    this.truncate(0);
    const c = this.obj;
    const limit = c.limit;
    c.limit = null;
    for (let p = 0; p * PAGE_SIZE < bytes.length; p++) {
      const f = c.frame(p, true);
      c.frames.write(f, 0, bytes, p * PAGE_SIZE, Math.min(PAGE_SIZE, bytes.length - p * PAGE_SIZE));
    }
    if (limit !== null) {
      limit.give(-c.present);
      c.limit = limit;
    }
    this.grew(bytes.length);
  }
  override pin(): void {
    this.opens++;
  }
  override unpin(): void {
    if (--this.opens === 0 && this.nlink === 0) this.free();
  }
  /** the last name and the last open file are gone: the pages go back (those still mapped stay
   *  with their mappings) and the inode is uncharged */
  free(): void {
    if (this.opens > 0 || this.freed) return;
    this.freed = true;
    this.obj.put();
    this.sb?.giveInode();
  }
  override denyWrite(): boolean {
    return denyWriteCount(this);
  }
  override allowWrite(): void {
    this.writecount++;
  }
  override getWriteAccess(): boolean {
    return getWriteCount(this);
  }
  override putWriteAccess(): void {
    this.writecount--;
  }
}

/** Linux's deny_write_access and get_write_access on an i_writecount: exec makes it negative,
 *  writers positive, and each refuses while the other holds it */
export function denyWriteCount(n: { writecount: number }): boolean {
  if (n.writecount > 0) return false;
  n.writecount--;
  return true;
}
export function getWriteCount(n: { writecount: number }): boolean {
  if (n.writecount < 0) return false;
  n.writecount++;
  return true;
}

export class TmpSymlink extends Node {
  constructor(readonly target: string) {
    super(S_IFLNK | 0o777);
  }
  override size(): number {
    return this.target.length;
  }
  override readlink(): string {
    return this.target;
  }
  /** a long target takes a page (Linux: shmem_symlink, SHORT_SYMLINK_LEN) */
  override blocks(): number {
    return this.target.length >= 128 ? PAGE_SIZE / 512 : 0;
  }
}

/** tmpfs directories count 20 bytes per entry (Linux: BOGO_DIRENT_SIZE) */
const BOGO_DIRENT_SIZE = 20;

export class TmpDir extends Node {
  readonly children = new Map<string, Node>();
  /** removed by rmdir (or replaced by a rename): nothing can be created in it again, even
   *  through a working directory or descriptor that still refers to it (Linux: S_DEAD, whose
   *  may_create check gives ENOENT) */
  dead = false;

  /** sb: the tmpfs it belongs to, which what is created in it shares (null: not accounted) */
  constructor(mode = 0o755, readonly sb: TmpfsSb | null = null) {
    super(S_IFDIR | (mode & 0o7777));
    this.nlink = 2;
  }
  /** Linux shmem: 2 * BOGO_DIRENT_SIZE for "." and "..", plus one per entry */
  override size(): number {
    return (2 + this.children.size) * BOGO_DIRENT_SIZE;
  }
  override blocks(): number {
    return 0;
  }
  override lookup(name: string): Node | null {
    return this.children.get(name) ?? null;
  }
  override entries(): [string, Node][] {
    return [...this.children];
  }
  override create(name: string, mode: number, target?: string): Node | number {
    if (this.dead) return -E.ENOENT;
    if (this.children.has(name)) return -E.EEXIST;
    const t = mode & S_IFMT;
    // Linux: shmem_reserve_inode's ENOSPC past nr_inodes; a symlink's target is a page (or in the inode)
    if (this.sb !== null && !this.sb.takeInode(name.length + (t === S_IFLNK ? (target ?? "").length : 0))) return -E.ENOSPC;
    let n: Node;
    if (t === S_IFDIR) {
      n = new TmpDir(mode, this.sb);
      this.nlink++;
    } else if (t === S_IFLNK) n = new TmpSymlink(target ?? "");
    else n = new TmpFile(mode, this.sb);
    // files live on their directory's filesystem (st_dev)
    n.dev = this.dev;
    this.children.set(name, n);
    this.mtime = this.ctime = fsClock.now();
    return n;
  }
  override link(name: string, node: Node): number {
    if (this.dead) return -E.ENOENT;
    if (this.children.has(name)) return -E.EEXIST;
    // Linux: a hard link takes an inode slot too (shmem_link), so names stay bounded
    if (this.sb !== null && !this.sb.takeInode(name.length)) return -E.ENOSPC;
    if (this.sb !== null) this.sb.frames.uncharge(INODE_BYTES);
    this.children.set(name, node);
    if (node.isDir()) this.nlink++;
    else node.nlink++;
    this.mtime = this.ctime = fsClock.now();
    return 0;
  }
  /** a name goes: its charge, and the inode's once nothing refers to it */
  private dropName(name: string, n: Node): void {
    if (this.sb === null) return;
    this.sb.frames.uncharge(DENTRY_BYTES + name.length + (n instanceof TmpSymlink ? n.target.length : 0));
    if (n.nlink > 0 && !n.isDir()) {
      // another name remains: the inode slot this one took goes back (shmem_unlink)
      this.sb.inodes--;
      return;
    }
    if (n instanceof TmpFile) n.free();
    else this.sb.giveInode();
  }
  override unlink(name: string): number {
    const n = this.children.get(name);
    if (!n) return -E.ENOENT;
    this.children.delete(name);
    if (n.isDir()) {
      this.nlink--;
      if (n instanceof TmpDir) {
        n.dead = true;
        n.nlink = 0;
      }
    } else n.nlink--;
    this.dropName(name, n);
    this.mtime = this.ctime = fsClock.now();
    return 0;
  }
  override rename(oldName: string, newDir: Node, newName: string): number {
    const n = this.children.get(oldName);
    if (!n) return -E.ENOENT;
    if (!(newDir instanceof TmpDir)) return -E.EXDEV;
    if (newDir.dead) return -E.ENOENT;
    if (newDir.children.has(newName)) newDir.unlink(newName);
    this.children.delete(oldName);
    newDir.children.set(newName, n);
    if (this.sb !== null) {
      this.sb.frames.uncharge(oldName.length);
      this.sb.frames.forceCharge(newName.length);
    }
    if (n.isDir() && newDir !== this) {
      this.nlink--;
      newDir.nlink++;
    }
    const now = fsClock.now();
    this.mtime = this.ctime = newDir.mtime = newDir.ctime = n.ctime = now;
    return 0;
  }
  override exchange(oldName: string, newDir: Node, newName: string): number {
    const a = this.children.get(oldName);
    if (!(newDir instanceof TmpDir)) return -E.EXDEV;
    const b = newDir.children.get(newName);
    if (!a || !b) return -E.ENOENT;
    this.children.set(oldName, b);
    newDir.children.set(newName, a);
    if (this !== newDir) {
      // a directory moving to the other parent takes its ".." link with it
      if (a.isDir()) {
        this.nlink--;
        newDir.nlink++;
      }
      if (b.isDir()) {
        newDir.nlink--;
        this.nlink++;
      }
    }
    const now = fsClock.now();
    this.mtime = this.ctime = newDir.mtime = newDir.ctime = a.ctime = b.ctime = now;
    return 0;
  }
  /** add a node built elsewhere (devices, the program file) */
  add(name: string, node: Node): Node {
    if (this.sb !== null) {
      this.sb.inodes++;
      this.sb.frames.forceCharge(INODE_BYTES + DENTRY_BYTES + name.length);
    }
    this.children.set(name, node);
    if (node.isDir()) this.nlink++;
    return node;
  }
}
