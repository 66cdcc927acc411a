// Changing the file tree and attributes (Linux: fs/namei.c, fs/open.c, fs/attr.c, fs/utimes.c):
// mkdir, unlink, rename, symlink, link, mknod, chdir/fchdir/chroot/getcwd, chmod, chown,
// utimensat, truncate, ftruncate, fsync.

import { fsizeTruncate } from "./uaccess.js";
import { strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { Handler, AT_FDCWD, AT_EMPTY_PATH, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, iarg, loffArg, uarg, u32arg } from "./args.js";
import type { Task } from "../kernel/task.js";
import { locPassesThrough, locPath, pathFrom } from "../fs/path.js";
import { FileOps, O_APPEND, O_PATH, O_RDONLY } from "../fs/file.js";
import { Node, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, S_IFCHR, S_IFIFO } from "../fs/node.js";
import { Pipe } from "../fs/pipe.js";
import type { FramePool } from "../mm/frames.js";
import { CgroupDir } from "../fs/cgroupfs.js";
import { INIT_USER_NS, toKernel } from "../cred/userns.js";
import { CAP_CHOWN, CAP_FOWNER, CAP_SYS_CHROOT } from "../cred/capability.js";
import { refuse } from "../base/errno.js";
import { at, localMountpoint, readOnlyMount, readPath } from "./files.js";

export const sysGetcwd: Handler = (_k, t, r) => {
  // the path from the process root; a cwd outside it is "(unreachable)" (Linux: getcwd)
  const p = strbytes((pathFrom(t.fs.cwd, t.fs.root) ?? "(unreachable)" + locPath(t.fs.cwd)) + "\0");
  const size = uarg(r, 1);
  if (size < p.length) return -E.ERANGE;
  return t.mm!.write(uarg(r, 0), p) ? p.length : -E.EFAULT;
};

export const sysChdir: Handler = (k, t, r) => {
  const lk = at(k, t, AT_FDCWD, uarg(r, 0), true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  if (!lk.loc.node.isDir()) return -E.ENOTDIR;
  t.fs.cwd = lk.loc;
  return 0;
};

export const sysFchdir: Handler = (_k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f === null) return -E.EBADF;
  if (!f.node.isDir() || !f.loc) return -E.ENOTDIR;
  t.fs.cwd = f.loc;
  return 0;
};

export const sysMkdirat: Handler = (k, t, r) => {
  const lk = at(k, t, iarg(r, 0), uarg(r, 1), false);
  if (typeof lk === "number") return lk;
  if (!lk.missing) return -E.EEXIST;
  if (readOnlyMount(t, lk.parent)) return -E.EROFS;
  const made = lk.parent.node.create(lk.name, S_IFDIR | (u32arg(r, 2) & ~t.fs.umask & 0o7777));
  if (typeof made === "number") return made;
  made.uid = t.cred.euid;
  made.gid = t.cred.egid;
  return 0;
};

export const sysUnlinkat: Handler = (k, t, r) => {
  const flags = iarg(r, 2);
  if (flags & ~AT_REMOVEDIR) return -E.EINVAL;
  const lk = at(k, t, iarg(r, 0), uarg(r, 1), false);
  if (typeof lk === "number") return lk;
  // the mount's write access is checked before the last name is looked up (do_unlinkat, do_rmdir)
  if (lk.missing) return readOnlyMount(t, lk.parent) ? -E.EROFS : -E.ENOENT;
  const n = lk.loc.node;
  if (lk.name === "." ) return -E.EINVAL;
  if (lk.name === "..") return -E.ENOTEMPTY;
  if (readOnlyMount(t, lk.parent)) return -E.EROFS;
  if (flags & AT_REMOVEDIR) {
    if (!n.isDir()) return -E.ENOTDIR;
    // a cgroup directory always holds its control files; the hierarchy decides
    if (n instanceof CgroupDir) return lk.parent.node.unlink(lk.name);
    if (localMountpoint(t, lk.parent, lk.name) || (n === t.fs.root.node && lk.loc.mnt === t.fs.root.mnt)) return -E.EBUSY;
    if (n.entries().length > 0) return -E.ENOTEMPTY;
  } else if (n.isDir()) return -E.EISDIR;
  else if (localMountpoint(t, lk.parent, lk.name)) return -E.EBUSY;
  return lk.parent.node.unlink(lk.name);
};

export const sysFtruncate: Handler = (k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f === null) return -E.EBADF;
  const len = loffArg(r, 1);
  if (len < 0) return -E.EINVAL;
  if (!f.writable || (f.node.mode & S_IFMT) !== S_IFREG) return -E.EINVAL;
  return fsizeTruncate(k, t, f.node.size(), len) || f.node.truncate(len);
};

export const sysFsync: Handler = (_k, t, r) => (t.files.lookup(iarg(r, 0)) === null ? -E.EBADF : 0);

const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

/** does the path end in an ordinary name (not "/", "." or "..", trailing slashes aside)? */
function normalLast(t: Task, addr: number): boolean {
  const p = readPath(t, addr);
  if (typeof p === "number") return true;
  const last = p.replace(/\/+$/, "").split("/").pop() ?? "";
  return last !== "" && last !== "." && last !== "..";
}

/** renameat2(olddirfd, oldpath, newdirfd, newpath, flags), in do_renameat2's order of checks */
export const sysRenameat2: Handler = (k, t, r) => {
  const flags = u32arg(r, 4);
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -E.EINVAL;
  if (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT) && flags & RENAME_EXCHANGE) return -E.EINVAL;
  // whiteouts are for overlay filesystems, which forkscope does not have (and need CAP_MKNOD)
  if (flags & RENAME_WHITEOUT) return refuse(E.EINVAL, "RENAME_WHITEOUT is not supported");
  const a = at(k, t, iarg(r, 0), uarg(r, 1), false);
  if (typeof a === "number") return a;
  const b = at(k, t, iarg(r, 2), uarg(r, 3), false);
  if (typeof b === "number") return b;
  // "/", "." and ".." as the last component cannot be renamed or replaced (Linux: last_type
  // other than LAST_NORM)
  if (!normalLast(t, uarg(r, 1))) return -E.EBUSY;
  if (!normalLast(t, uarg(r, 3))) return flags & RENAME_NOREPLACE ? -E.EEXIST : -E.EBUSY;
  // a rename stays within one mount, and moves no mount point (Linux: do_renameat2, vfs_rename);
  // the mount's write access comes before the lookup of the old name (mnt_want_write)
  if (a.parent.mnt !== b.parent.mnt) return -E.EXDEV;
  if (a.missing) return readOnlyMount(t, a.parent) ? -E.EROFS : -E.ENOENT;
  if (flags & RENAME_NOREPLACE && !b.missing) return -E.EEXIST;
  if (flags & RENAME_EXCHANGE && b.missing) return -E.ENOENT;
  if (readOnlyMount(t, a.parent)) return -E.EROFS;
  if (localMountpoint(t, a.parent, a.name) || (!b.missing && localMountpoint(t, b.parent, b.name))) return -E.EBUSY;
  const src = a.loc.node;
  // a directory cannot become its own descendant (Linux: lock_rename's trap is the source: EINVAL)
  if (src.isDir() && locPassesThrough(b.parent, src)) return -E.EINVAL;
  if (flags & RENAME_EXCHANGE) {
    const dst = b.loc.node;
    // nor can the other one, moving the other way (the trap is the target: EINVAL for an exchange)
    if (dst.isDir() && locPassesThrough(a.parent, dst)) return -E.EINVAL;
    if (dst === src) return 0;
    return a.parent.node.exchange(a.name, b.parent.node, b.name);
  }
  if (!b.missing) {
    const dst = b.loc.node;
    if (dst === src) return 0;
    // the target is an ancestor of the source (lock_rename's trap: ENOTEMPTY)
    if (dst.isDir() && locPassesThrough(a.parent, dst)) return -E.ENOTEMPTY;
    if (dst.isDir() && !src.isDir()) return -E.EISDIR;
    if (!dst.isDir() && src.isDir()) return -E.ENOTDIR;
    if (dst.isDir() && dst.entries().length > 0) return -E.ENOTEMPTY;
  }
  return a.parent.node.rename(a.name, b.parent.node, b.name);
};

export { O_APPEND, O_RDONLY };

/** symlinkat(target, newdirfd, linkpath) */
export const sysSymlinkat: Handler = (k, t, r) => {
  const target = readPath(t, uarg(r, 0));
  if (typeof target === "number") return target;
  const lk = at(k, t, iarg(r, 1), uarg(r, 2), false);
  if (typeof lk === "number") return lk;
  if (!lk.missing) return -E.EEXIST;
  if (readOnlyMount(t, lk.parent)) return -E.EROFS;
  const made = lk.parent.node.create(lk.name, S_IFLNK | 0o777, target);
  if (typeof made === "number") return made;
  made.uid = t.cred.fsuid;
  made.gid = t.cred.fsgid;
  return 0;
};

/** linkat(olddirfd, oldpath, newdirfd, newpath, flags) */
export const sysLinkat: Handler = (k, t, r) => {
  const flags = iarg(r, 4);
  if (flags & ~(0x400 | AT_EMPTY_PATH)) return -E.EINVAL;
  const a = at(k, t, iarg(r, 0), uarg(r, 1), (flags & 0x400) !== 0, flags);
  if (typeof a === "number") return a;
  if (a.missing) return -E.ENOENT;
  if (a.loc.node.isDir()) return -E.EPERM;
  const b = at(k, t, iarg(r, 2), uarg(r, 3), false);
  if (typeof b === "number") return b;
  if (!b.missing) return -E.EEXIST;
  if (a.loc.mnt !== b.parent.mnt) return -E.EXDEV;
  if (readOnlyMount(t, b.parent)) return -E.EROFS;
  return b.parent.node.link(b.name, a.loc.node);
};

function chmod(t: Task, n: Node, mode: number): number {
  if (!t.can(CAP_FOWNER, INIT_USER_NS) && n.uid !== t.cred.fsuid) return -E.EPERM;
  n.mode = (n.mode & S_IFMT) | (mode & 0o7777);
  return 0;
}

function chown(t: Task, n: Node, iuid: number, igid: number): number {
  let uid = iuid;
  let gid = igid;
  if (uid !== -1) uid = toKernel(t.cred.userns.uidMap, uid >>> 0);
  if (gid !== -1) gid = toKernel(t.cred.userns.gidMap, gid >>> 0);
  if (uid === -1 && iuid !== -1) return -E.EINVAL;
  if (gid === -1 && igid !== -1) return -E.EINVAL;
  if (!t.can(CAP_CHOWN, INIT_USER_NS)) {
    if (uid !== -1 && uid !== n.uid) return -E.EPERM;
    if (gid !== -1 && (n.uid !== t.cred.fsuid || (gid !== t.cred.fsgid && !t.cred.groups.includes(gid)))) return -E.EPERM;
  }
  if (uid !== -1) n.uid = uid >>> 0;
  if (gid !== -1) n.gid = gid >>> 0;
  return 0;
}

export const sysFchmodat: Handler = (k, t, r) => {
  const lk = at(k, t, iarg(r, 0), uarg(r, 1), true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  if (readOnlyMount(t, lk.loc)) return -E.EROFS;
  return chmod(t, lk.loc.node, u32arg(r, 2));
};

export const sysFchmod: Handler = (_k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f === null || f.flags & O_PATH) return -E.EBADF;
  return chmod(t, f.node, u32arg(r, 1));
};

export const sysFchownat: Handler = (k, t, r) => {
  const flags = iarg(r, 4);
  const lk = at(k, t, iarg(r, 0), uarg(r, 1), (flags & AT_SYMLINK_NOFOLLOW) === 0, flags);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  if (readOnlyMount(t, lk.loc)) return -E.EROFS;
  return chown(t, lk.loc.node, iarg(r, 2), iarg(r, 3));
};

export const sysFchown: Handler = (_k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f === null || f.flags & O_PATH) return -E.EBADF;
  return chown(t, f.node, iarg(r, 1), iarg(r, 2));
};

const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;

/** utimensat(dirfd, path, times[2], flags) */
export const sysUtimensat: Handler = (k, t, r) => {
  const flags = iarg(r, 3);
  let node: Node;
  if (uarg(r, 1) === 0) {
    const f = t.files.lookup(iarg(r, 0));
    if (f === null) return -E.EBADF;
    node = f.node;
  } else {
    const lk = at(k, t, iarg(r, 0), uarg(r, 1), (flags & AT_SYMLINK_NOFOLLOW) === 0, flags);
    if (typeof lk === "number") return lk;
    if (lk.missing) return -E.ENOENT;
    node = lk.loc.node;
  }
  const now = k.clock.realtime();
  const tp = uarg(r, 2);
  if (tp === 0) {
    node.atime = node.mtime = now;
    return 0;
  }
  const b = t.mm!.read(tp, 32);
  if (b === null) return -E.EFAULT;
  const dv = new DataView(b.buffer);
  for (let i = 0; i < 2; i++) {
    const sec = dv.getUint32(16 * i, true) + dv.getInt32(16 * i + 4, true) * 4294967296;
    const nsec = dv.getUint32(16 * i + 8, true);
    if (nsec === UTIME_OMIT) continue;
    if (nsec !== UTIME_NOW && nsec >= 1e9) return -E.EINVAL;
    const v = nsec === UTIME_NOW ? now : sec * 1e9 + nsec;
    if (i === 0) node.atime = v;
    else node.mtime = v;
  }
  node.ctime = now;
  return 0;
};

export const sysTruncate: Handler = (k, t, r) => {
  const lk = at(k, t, AT_FDCWD, uarg(r, 0), true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  const n = lk.loc.node;
  if (n.isDir()) return -E.EISDIR;
  if ((n.mode & S_IFMT) !== S_IFREG) return -E.EINVAL;
  const len = loffArg(r, 1);
  if (len < 0) return -E.EINVAL;
  if (readOnlyMount(t, lk.loc)) return -E.EROFS;
  // a running program's file cannot be changed (Linux: do_sys_truncate's get_write_access)
  if (!n.getWriteAccess()) return -E.ETXTBSY;
  const res = fsizeTruncate(k, t, n.size(), len) || n.truncate(len);
  n.putWriteAccess();
  return res;
};

export const sysChroot: Handler = (k, t, r) => {
  if (!t.can(CAP_SYS_CHROOT)) return -E.EPERM;
  const lk = at(k, t, AT_FDCWD, uarg(r, 0), true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  if (!lk.loc.node.isDir()) return -E.ENOTDIR;
  t.fs.root = lk.loc;
  return 0;
};

/** mknodat: FIFOs and regular files (device nodes need CAP_MKNOD and a driver: EPERM) */
export const sysMknodat: Handler = (k, t, r) => {
  const mode = u32arg(r, 2);
  const type = mode & S_IFMT;
  const lk = at(k, t, iarg(r, 0), uarg(r, 1), false);
  if (typeof lk === "number") return lk;
  if (!lk.missing) return -E.EEXIST;
  if (type === S_IFCHR || type === 0o060000) {
    return refuse(E.EPERM, "device nodes are not supported");
  }
  if (type !== 0 && type !== S_IFREG && type !== S_IFIFO && type !== 0o140000) return -E.EINVAL;
  if (type === S_IFIFO) {
    const fifo = new Fifo(k.frames, mode & ~t.fs.umask & 0o7777);
    fifo.nlink = 0; // the directory entry made by link() is its only name
    const rr = lk.parent.node.link(lk.name, fifo);
    return rr < 0 ? rr : 0;
  }
  const made = lk.parent.node.create(lk.name, S_IFREG | (mode & ~t.fs.umask & 0o7777));
  return typeof made === "number" ? made : 0;
};

/** a named pipe: opening it gives ends of one shared pipe */
class Fifo extends Node {
  private pipe: Pipe;
  constructor(frames: FramePool, mode: number) {
    super(S_IFIFO | mode);
    this.pipe = new Pipe(frames, 0);
    this.pipe.isFifo = true;
  }
  override fileOps(): FileOps {
    return this.pipe.fifoOps;
  }
}
