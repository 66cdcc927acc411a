// Open file descriptions (Linux: struct file) and descriptor tables (struct files_struct).

import * as E from "../base/errno.js";
import type { OpResult } from "../base/errno.js";
import type { Sleeper } from "../base/waitqueue.js";
import { Node } from "./node.js";
import { Shared } from "../base/refcount.js";
import { loffAdd, type Loff } from "../base/loff.js";
import type { Loc } from "./path.js";
import type { FlockTable } from "./flock.js";
import type { FramePool } from "../mm/frames.js";

/** host bytes of one descriptor slot and of an open file description, charged to guest memory
 *  (Linux: the files_cache and filp slabs a memcg is charged for) */
export const FD_BYTES = 48;

export const O_ACCMODE = 3;
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
/** flags F_SETFL may change */
export const SETFL_MASK = O_APPEND | O_NONBLOCK;

/**
 * A read or write that keeps its state across sleeps (Linux: a terminal's n_tty_read that already
 * took VMIN bytes, a do_tty_write half done): rw.ts steps the same object again when the task is
 * woken instead of starting over.
 */
export interface StreamOp {
  /** bytes done, -errno, or BLOCK after registering `who` on the wait queues it needs */
  step(who: Sleeper): OpResult;
  /** after BLOCK: virtual ns at which to step again even if nothing woke the task, or -1 */
  readonly deadline: number;
  /** a read's bytes, once step() returned a count */
  readonly data: Uint8Array | null;
  /** a signal ended the sleep: the bytes so far, or -ERESTARTSYS */
  interrupted(): number;
}

export interface FileOps {
  /** bytes read, -errno, or BLOCK after registering `who` on a wait queue */
  read(f: OpenFile, dst: Uint8Array, who: Sleeper): OpResult;
  write(f: OpenFile, src: Uint8Array, who: Sleeper): OpResult;
  ioctl?(f: OpenFile, req: number): number | { out: Uint8Array } ;
  /** ready events (POLL* bits); when `who` is given and nothing is ready, register it to be woken */
  poll?(f: OpenFile, who: Sleeper | null): number;
  release?(f: OpenFile): void;
  /** called when a path open creates a description (FIFOs count their readers and writers;
   *  terminals find their tty) with the open flags; a negative result refuses the open with that
   *  -errno (a locked pty, /dev/kmsg's syslog permission check) */
  open?(f: OpenFile, flags: number): number | void;
  /** reads and writes that keep state across sleeps (terminals): rw.ts uses these when present */
  readOp?(f: OpenFile, count: number): StreamOp;
  writeOp?(f: OpenFile, src: Uint8Array): StreamOp;
  /** poll generation for edge-triggered epoll when it is not the node's (a pty master: every
   *  open of /dev/ptmx is its own terminal) */
  pollGen?(f: OpenFile): number;
  /** lseek for files whose positions are not byte offsets (Linux: f_op->llseek; /dev/kmsg) */
  llseek?(f: OpenFile, off: number, whence: number): number;
  /** an open that may have to wait (FIFOs wait for the other end): 0, -errno, or BLOCK after
   *  registering `who`; called again (again = true) when woken. openAbort undoes a waiting open
   *  that a signal ended */
  openWait?(f: OpenFile, who: Sleeper, again: boolean): OpResult;
  openAbort?(f: OpenFile): void;
  /** the lines this kind of file adds to /proc/PID/fdinfo/N (Linux: f_op->show_fdinfo) */
  showFdinfo?(f: OpenFile): string;
  /** false for pipes, terminals and other streams: lseek gives ESPIPE, pread EPIPE-like ESPIPE */
  readonly seekable: boolean;
}

/** an open file description (Linux: struct file), shared by dup, fork and SCM_RIGHTS; the last
 *  put() runs the file's release operation */
export class OpenFile extends Shared {
  /** f_pos (a Loff: a number below 2^53, a bigint above, up to MAX_LFS_FILESIZE) */
  pos: Loff = 0;
  /** directory read position for getdents64 */
  dirCursor = 0;
  /** where a directory was opened, for *at() lookups and fchdir */
  loc?: Loc;
  /** what the file's driver keeps per open file (Linux: private_data; a terminal's TtyFile) */
  priv: unknown = null;
  /** the lock table holding a flock(2) lock of this description, released with it */
  flocks: FlockTable | null = null;
  /** holds write access to its regular file (given back at the last close) */
  writeAccess = false;

  constructor(readonly node: Node, public flags: number, readonly ops: FileOps, readonly path: string) {
    super();
  }

  get readable(): boolean {
    return (this.flags & O_ACCMODE) !== O_WRONLY && (this.flags & O_PATH) === 0;
  }
  get writable(): boolean {
    return (this.flags & O_ACCMODE) !== O_RDONLY && (this.flags & O_PATH) === 0;
  }

  protected override release(): void {
    this.flocks?.unlock(this);
    if (this.writeAccess) this.node.putWriteAccess();
    this.ops.release?.(this);
  }
}

/** regular files: positioned reads and writes on the inode */
export const regularOps: FileOps = {
  seekable: true,
  open: (f) => f.node.pin(),
  release: (f) => f.node.unpin(),
  read(f, dst) {
    const n = f.node.readAt(f.pos, dst, 0, dst.length);
    if (n > 0) f.pos = loffAdd(f.pos, n);
    return n;
  },
  write(f, src) {
    if (f.node.readOnly()) return -E.EROFS;
    if (f.flags & O_APPEND) f.pos = f.node.size();
    const n = f.node.writeAt(f.pos, src, 0, src.length);
    if (n > 0) f.pos = loffAdd(f.pos, n);
    return n;
  },
};

export const dirOps: FileOps = {
  seekable: true,
  read: () => -E.EISDIR,
  write: () => -E.EBADF,
};

export interface FdEntry {
  file: OpenFile;
  cloexec: boolean;
}

export const NR_OPEN_DEFAULT = 1024;

/** a task's descriptor table (Linux: struct files_struct), shared by CLONE_FILES; the last
 *  holder's put() closes every file */
export class FdTable extends Shared {
  fds: (FdEntry | null)[] = [];
  readonly id: number;
  private static nextId = 1;
  /** descriptor slots charged to `pool` */
  private charged = 0;

  /** pool: the guest memory its slots are charged to (null: not accounted) */
  constructor(readonly pool: FramePool | null = null) {
    super();
    this.id = FdTable.nextId++;
  }

  /** room for descriptors below n; false (ENOMEM... EMFILE for the caller) when memory is full */
  private reserve(n: number): boolean {
    if (n <= this.charged) return true;
    const more = Math.max(n, this.charged * 2, 64) - this.charged;
    if (this.pool !== null && !this.pool.charge(more * FD_BYTES)) return false;
    this.charged += more;
    return true;
  }

  /** the host bytes a copy of this table takes (fork checks them against memory first) */
  get bytes(): number {
    return this.charged * FD_BYTES;
  }

  protected override release(): void {
    this.closeAll();
    this.pool?.uncharge(this.charged * FD_BYTES);
    this.charged = 0;
  }

  lookup(fd: number): OpenFile | null {
    if (!(fd >= 0 && fd < this.fds.length)) return null;
    return this.fds[fd]?.file ?? null;
  }

  entry(fd: number): FdEntry | null {
    if (!(fd >= 0 && fd < this.fds.length)) return null;
    return this.fds[fd];
  }

  /** lowest free descriptor >= min, or -EMFILE */
  alloc(file: OpenFile, cloexec: boolean, min = 0, limit = NR_OPEN_DEFAULT): number {
    let fd = min;
    while (fd < this.fds.length && this.fds[fd] !== null) fd++;
    if (fd >= limit) return -E.EMFILE;
    if (!this.reserve(fd + 1)) return -E.ENOMEM;
    while (this.fds.length <= fd) this.fds.push(null);
    this.fds[fd] = { file, cloexec };
    return fd;
  }

  /** install at a given descriptor, closing what was there (dup2/dup3) */
  install(fd: number, file: OpenFile, cloexec: boolean): void {
    // dup2/dup3 checked the limit; a slot is small and must not fail here
    if (!this.reserve(fd + 1)) {
      this.pool?.forceCharge((fd + 1 - this.charged) * FD_BYTES);
      this.charged = fd + 1;
    }
    while (this.fds.length <= fd) this.fds.push(null);
    const old = this.fds[fd];
    this.fds[fd] = { file, cloexec };
    if (old) old.file.put();
  }

  close(fd: number): number {
    const e = this.entry(fd);
    if (e === null) return -E.EBADF;
    this.fds[fd] = null;
    e.file.put();
    return 0;
  }

  /** fork without CLONE_FILES (Linux: dup_fd) */
  copy(): FdTable {
    const t = new FdTable(this.pool);
    t.fds = this.fds.map((e) => (e ? { file: e.file.get(), cloexec: e.cloexec } : null));
    // fork checked memory for the copy (FdTable.bytes)
    t.pool?.forceCharge(this.charged * FD_BYTES);
    t.charged = this.charged;
    return t;
  }

  closeOnExec(): void {
    this.fds.forEach((e, fd) => {
      if (e && e.cloexec) this.close(fd);
    });
  }

  closeAll(): void {
    this.fds.forEach((e, fd) => {
      if (e) this.close(fd);
    });
  }
}
