// Inodes of the in-memory VFS, and tmpfs: directories, regular files and symlinks held in memory.

import * as E from "../kernel/errno.js";
import type { FileOps } from "./file.js";

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

export class TmpFile extends Node {
  private data: Uint8Array = new Uint8Array(0);
  private len = 0;

  constructor(mode: number) {
    super(S_IFREG | (mode & 0o7777));
  }
  override size(): number {
    return this.len;
  }
  override readAt(pos: number, dst: Uint8Array, off: number, len: number): number {
    if (pos >= this.len) return 0;
    const n = Math.min(len, this.len - pos);
    dst.set(this.data.subarray(pos, pos + n), off);
    this.atime = fsClock.now();
    return n;
  }
  override writeAt(pos: number, src: Uint8Array, off: number, len: number): number {
    const end = pos + len;
    if (end > 1 << 30) return -E.EFBIG;
    this.reserve(end);
    this.data.set(src.subarray(off, off + len), pos);
    if (end > this.len) this.len = end;
    this.mtime = this.ctime = fsClock.now();
    return len;
  }
  override truncate(n: number): number {
    this.reserve(n);
    if (n < this.len) this.data.fill(0, n, this.len);
    this.len = n;
    this.mtime = this.ctime = fsClock.now();
    return 0;
  }
  private reserve(n: number): void {
    if (n <= this.data.length) return;
    const d = new Uint8Array(Math.max(n, this.data.length * 2, 256));
    d.set(this.data.subarray(0, this.len));
    this.data = d;
  }
  /** fill with host bytes (the program being run, fixtures) */
  setContents(bytes: Uint8Array): void {
    this.data = bytes;
    this.len = bytes.length;
  }
}

export class TmpSymlink extends Node {
  constructor(readonly target: string) {
    super(S_IFLNK | 0o777);
  }
  override size(): number {
    return new TextEncoder().encode(this.target).length;
  }
  override readlink(): string {
    return this.target;
  }
}

export class TmpDir extends Node {
  readonly children = new Map<string, Node>();

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
    if (this.children.has(name)) return -E.EEXIST;
    let n: Node;
    const t = mode & S_IFMT;
    if (t === S_IFDIR) {
      n = new TmpDir(mode);
      this.nlink++;
    } else if (t === S_IFLNK) n = new TmpSymlink(target ?? "");
    else n = new TmpFile(mode);
    this.children.set(name, n);
    this.mtime = this.ctime = fsClock.now();
    return n;
  }
  override link(name: string, node: Node): number {
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
    if (n.isDir()) this.nlink--;
    else n.nlink--;
    this.mtime = this.ctime = fsClock.now();
    return 0;
  }
  /** add a node built elsewhere (devices, the program file) */
  add(name: string, node: Node): Node {
    this.children.set(name, node);
    if (node.isDir()) this.nlink++;
    return node;
  }
}
