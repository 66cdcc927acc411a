// Inodes of the in-memory VFS, and tmpfs (Linux: fs/inode.c, mm/shmem.c): directories, regular
// files and symlinks held in memory.

import * as E from "../base/errno.js";
import type { FileOps } from "./file.js";
import { ShmObject } from "../mm/shmem.js";
import { FramePool, PAGE_SIZE } from "../mm/frames.js";
import type { Loc } from "./path.js";

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
  size(): number {
    return 0;
  }
  /** 512-byte blocks allocated (st_blocks): by default what the size needs */
  blocks(): number {
    return Math.ceil(this.size() / 512);
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
  /** an open file description now refers to this inode / the last one was closed (host files keep
   *  a host descriptor while open, so an unlinked open file stays readable) */
  pin(): void {}
  unpin(): void {}

  // regular file operations
  readAt(_pos: number, _dst: Uint8Array, _off: number, _len: number): number {
    return -E.EINVAL;
  }
  writeAt(_pos: number, _src: Uint8Array, _off: number, _len: number): number {
    return -E.EINVAL;
  }
  truncate(_len: number): number {
    return -E.EINVAL;
  }
  readlink(): string | null {
    return null;
  }
  /** "magic" symlinks (/proc/PID/ns/*) lead straight to a node rather than to a path */
  magicTarget(): Node | null {
    return null;
  }
  /** a magic link to a place in the tree (/proc/PID/fd/N of a file opened by path, /proc/PID/cwd):
   *  following it goes there, mounts and all */
  magicLoc(): Loc | null {
    return null;
  }
  /** devices, pipes and other special files supply their own file operations */
  fileOps(): FileOps | null {
    return null;
  }
}

/** a tmpfs instance's size limits and use (Linux: struct shmem_sb_info); the pages of its files
 *  come out of the guest's memory (the frame pool's reserve) */
export class TmpfsSb {
  blocks = 0;
  inodes = 0;
  constructor(readonly frames: FramePool | null, public maxBlocks: number, public maxInodes: number) {}

  /** Linux's defaults: half of memory in pages and in inodes (shmem_default_max_blocks/inodes) */
  static withDefaults(frames: FramePool): TmpfsSb {
    const half = Math.floor(frames.maxFrames / 2);
    return new TmpfsSb(frames, half, half);
  }

  /** take n more pages, held outside the frame pool when `reserve`; false means ENOSPC */
  charge(n: number, reserve: boolean): boolean {
    if (n <= 0) return true;
    if (this.blocks + n > this.maxBlocks) return false;
    if (reserve && this.frames && !this.frames.reserve(n)) return false;
    this.blocks += n;
    return true;
  }
  uncharge(n: number, reserved: boolean): void {
    if (n <= 0) return;
    this.blocks -= n;
    if (reserved) this.frames?.unreserve(n);
  }
}

/** tmpfs's largest file (Linux allows MAX_LFS_FILESIZE; positions here are doubles) */
export const TMPFS_MAX_SIZE = 1 << 30;

export class TmpFile extends Node {
  /** the bytes as 4 KiB pages by page index; a missing page is a hole that reads as zeros, so a
   *  sparse file (ftruncate or pwrite far out) costs host memory only for the pages written */
  private pages = new Map<number, Uint8Array>();
  private len = 0;
  /** the tmpfs it belongs to (null: not accounted) */
  sb: TmpfsSb | null = null;
  /** pages that hold data (st_blocks counts them: a hole or truncated tail holds none) */
  private present = new Uint8Array(0);
  private used = 0;
  /** open descriptions: an unlinked file keeps its pages until the last one is closed */
  private opens = 0;
  /** once the file is mapped MAP_SHARED its bytes live in frames (a page cache) that every
   *  shared mapping and read/write go through, so all of them see one file */
  private cache: ShmObject | null = null;

  /** the page-cache object MAP_SHARED mappings use (Linux: the inode's address_space); null when
   *  guest memory cannot hold the pages the file has */
  sharedObject(frames: FramePool): ShmObject | null {
    if (this.cache === null) {
      const obj = new ShmObject(frames, Math.ceil(this.len / PAGE_SIZE));
      for (const [p, page] of this.pages) {
        const f = obj.frame(p);
        if (f === 0) {
          obj.put();
          return null;
        }
        frames.write(f, 0, page, 0, PAGE_SIZE);
      }
      this.cache = obj;
      this.pages = new Map();
      // the pages are frames now, counted by the pool itself
      this.sb?.frames?.unreserve(this.used);
    }
    return this.cache;
  }

  /** mark the pages of [pos, end) present; false when the filesystem or memory is full */
  private populate(pos: number, end: number): boolean {
    const first = Math.floor(pos / PAGE_SIZE);
    const last = Math.ceil(end / PAGE_SIZE);
    if (last > this.present.length) {
      const p = new Uint8Array(Math.max(last, this.present.length * 2));
      p.set(this.present);
      this.present = p;
    }
    let fresh = 0;
    for (let i = first; i < last; i++) if (this.present[i] === 0) fresh++;
    if (fresh === 0) return true;
    if (this.sb && !this.sb.charge(fresh, this.cache === null)) return false;
    for (let i = first; i < last; i++) this.present[i] = 1;
    this.used += fresh;
    return true;
  }

  /** drop the pages from byte n on */
  private depopulate(n: number): void {
    let gone = 0;
    for (let i = Math.ceil(n / PAGE_SIZE); i < this.present.length; i++) if (this.present[i]) {
      this.present[i] = 0;
      gone++;
    }
    this.used -= gone;
    this.sb?.uncharge(gone, this.cache === null);
  }

  override blocks(): number {
    return this.used * (PAGE_SIZE / 512);
  }
  override pin(): void {
    this.opens++;
  }
  override unpin(): void {
    if (--this.opens === 0 && this.nlink === 0) this.freeAll();
  }
  /** the last name and the last open file are gone */
  freeAll(): void {
    if (this.opens > 0) return;
    this.depopulate(0);
    if (this.sb) this.sb.inodes--;
    this.sb = null;
    if (this.cache === null) this.pages = new Map();
  }

  constructor(mode: number) {
    super(S_IFREG | (mode & 0o7777));
  }
  override size(): number {
    return this.len;
  }
  override readAt(pos: number, dst: Uint8Array, off: number, len: number): number {
    if (pos >= this.len) return 0;
    const n = Math.min(len, this.len - pos);
    const c = this.cache;
    for (let done = 0; done < n; ) {
      const p = Math.floor((pos + done) / PAGE_SIZE);
      const po = (pos + done) % PAGE_SIZE;
      const k = Math.min(PAGE_SIZE - po, n - done);
      if (c) {
        const f = c.peek(p);
        if (f === 0) dst.fill(0, off + done, off + done + k);
        else c.frames.read(f, po, dst, off + done, k);
      } else {
        const page = this.pages.get(p);
        if (page === undefined) dst.fill(0, off + done, off + done + k);
        else dst.set(page.subarray(po, po + k), off + done);
      }
      done += k;
    }
    this.atime = fsClock.now();
    return n;
  }
  override writeAt(pos: number, src: Uint8Array, off: number, len: number): number {
    const end = pos + len;
    if (end > TMPFS_MAX_SIZE) return -E.EFBIG;
    if (len > 0 && !this.populate(pos, end)) return -E.ENOSPC;
    const c = this.cache;
    for (let done = 0; done < len; ) {
      const p = Math.floor((pos + done) / PAGE_SIZE);
      const po = (pos + done) % PAGE_SIZE;
      const k = Math.min(PAGE_SIZE - po, len - done);
      if (c) {
        const f = c.frame(p);
        if (f === 0) return done > 0 ? this.grew(pos + done) : -E.ENOSPC;
        c.frames.write(f, po, src, off + done, k);
      } else {
        let page = this.pages.get(p);
        if (page === undefined) this.pages.set(p, (page = new Uint8Array(PAGE_SIZE)));
        page.set(src.subarray(off + done, off + done + k), po);
      }
      done += k;
    }
    return this.grew(end) - pos;
  }
  /** a write reached `end`: the size and times follow */
  private grew(end: number): number {
    if (end > this.len) this.len = end;
    this.mtime = this.ctime = fsClock.now();
    return end;
  }
  override truncate(n: number): number {
    if (n > TMPFS_MAX_SIZE) return -E.EFBIG;
    if (n < this.len) this.depopulate(n);
    const keep = Math.ceil(n / PAGE_SIZE);
    if (this.cache) {
      const c = this.cache;
      // bytes past the new end read as zero if the file grows again
      const f = c.peek(Math.floor(n / PAGE_SIZE));
      if (f !== 0 && n % PAGE_SIZE) c.frames.write(f, n % PAGE_SIZE, new Uint8Array(PAGE_SIZE - (n % PAGE_SIZE)), 0, PAGE_SIZE - (n % PAGE_SIZE));
      c.truncate(keep);
    } else if (n < this.len) {
      for (const p of [...this.pages.keys()]) if (p >= keep) this.pages.delete(p);
      if (n % PAGE_SIZE) this.pages.get(keep - 1)?.fill(0, n % PAGE_SIZE);
    }
    this.len = n;
    this.mtime = this.ctime = fsClock.now();
    return 0;
  }
  /** fill with host bytes (the program being run, fixtures) */
  setContents(bytes: Uint8Array): void {
    this.truncate(0);
    // host content is placed whatever the limits say; it still counts
    const pages = Math.ceil(bytes.length / PAGE_SIZE);
    if (this.sb) {
      this.sb.blocks += pages;
      if (this.cache === null) this.sb.frames?.forceReserve(pages);
    }
    this.present = new Uint8Array(pages).fill(1);
    this.used = pages;
    this.writeAt(0, bytes, 0, bytes.length);
  }
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
  /** the tmpfs it belongs to; what is created in it inherits it */
  sb: TmpfsSb | null = null;

  constructor(mode = 0o755) {
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
    if (this.sb && this.sb.inodes >= this.sb.maxInodes) return -E.ENOSPC;
    let n: Node;
    const t = mode & S_IFMT;
    if (t === S_IFDIR) {
      const d = new TmpDir(mode);
      d.sb = this.sb;
      n = d;
      this.nlink++;
    } else if (t === S_IFLNK) n = new TmpSymlink(target ?? "");
    else {
      const f = new TmpFile(mode);
      f.sb = this.sb;
      n = f;
    }
    if (this.sb) this.sb.inodes++;
    // files live on their directory's filesystem (st_dev)
    n.dev = this.dev;
    this.children.set(name, n);
    this.mtime = this.ctime = fsClock.now();
    return n;
  }
  override link(name: string, node: Node): number {
    if (this.dead) return -E.ENOENT;
    if (this.children.has(name)) return -E.EEXIST;
    this.children.set(name, node);
    if (node.isDir()) this.nlink++;
    else node.nlink++;
    this.mtime = this.ctime = fsClock.now();
    return 0;
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
        if (n.sb) n.sb.inodes--;
      }
    } else {
      n.nlink--;
      if (n.nlink === 0 && n instanceof TmpFile) n.freeAll();
    }
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
    if (n.isDir() && newDir !== this) {
      this.nlink--;
      newDir.nlink++;
    }
    const now = fsClock.now();
    this.mtime = this.ctime = newDir.mtime = newDir.ctime = n.ctime = now;
    return 0;
  }
  /** add a node built elsewhere (devices, the program file) */
  add(name: string, node: Node): Node {
    this.children.set(name, node);
    if (node.isDir()) this.nlink++;
    return node;
  }
}
