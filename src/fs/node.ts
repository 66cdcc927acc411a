// Inodes of the in-memory VFS, and tmpfs (Linux: fs/inode.c, mm/shmem.c): directories, regular
// files and symlinks held in memory.

import * as E from "../base/errno.js";
import type { FileOps } from "./file.js";
import { ShmObject } from "../mm/shmem.js";
import { FramePool, PAGE_SIZE } from "../mm/frames.js";

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
  /** devices, pipes and other special files supply their own file operations */
  fileOps(): FileOps | null {
    return null;
  }
}

/** tmpfs's largest file (Linux allows MAX_LFS_FILESIZE; positions here are doubles) */
export const TMPFS_MAX_SIZE = 1 << 30;

export class TmpFile extends Node {
  /** the bytes as 4 KiB pages by page index; a missing page is a hole that reads as zeros, so a
   *  sparse file (ftruncate or pwrite far out) costs host memory only for the pages written */
  private pages = new Map<number, Uint8Array>();
  private len = 0;
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
    }
    return this.cache;
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
}

export class TmpDir extends Node {
  readonly children = new Map<string, Node>();
  /** removed by rmdir (or replaced by a rename): nothing can be created in it again, even
   *  through a working directory or descriptor that still refers to it (Linux: S_DEAD, whose
   *  may_create check gives ENOENT) */
  dead = false;

  constructor(mode = 0o755) {
    super(S_IFDIR | (mode & 0o7777));
    this.nlink = 2;
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
    let n: Node;
    const t = mode & S_IFMT;
    if (t === S_IFDIR) {
      n = new TmpDir(mode);
      this.nlink++;
    } else if (t === S_IFLNK) n = new TmpSymlink(target ?? "");
    else n = new TmpFile(mode);
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
      }
    } else n.nlink--;
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
