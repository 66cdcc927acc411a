// stat, statx, fstat, readlinkat, faccessat, statfs and fstatfs (Linux: fs/stat.c, fs/statfs.c,
// fs/open.c do_faccessat).

import { strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { Handler, AT_FDCWD, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, iarg, put64, putTimespec, uarg } from "./args.js";
import type { Task } from "../kernel/task.js";
import { Node } from "../fs/node.js";
import { CGROUP_DEV } from "../fs/cgroupfs.js";
import { munged } from "../cred/userns.js";
import { at, readOnlyMount } from "./files.js";

/** struct stat for riscv64 (asm-generic, 128 bytes) */
export function statBytes(n: Node, viewer: Task): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  const p = (o: number, v: number) => put64(dv, o, v);
  p(0, n.dev);
  p(8, n.ino);
  dv.setUint32(16, n.mode, true);
  dv.setUint32(20, n.nlink, true);
  dv.setUint32(24, munged(viewer.cred.userns.uidMap, n.uid), true);
  dv.setUint32(28, munged(viewer.cred.userns.gidMap, n.gid), true);
  p(32, n.rdev);
  p(48, n.size());
  dv.setInt32(56, 4096, true);
  p(64, Math.ceil(n.size() / 512));
  const ts = (o: number, ns: number) => putTimespec(dv, o, ns);
  ts(72, n.atime);
  ts(88, n.mtime);
  ts(104, n.ctime);
  return b;
}

/** newfstatat(dirfd, path, statbuf, flags) */
export const sysNewfstatat: Handler = (k, t, r) => {
  const flags = iarg(r, 3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800)) return -E.EINVAL;
  const lk = at(k, t, iarg(r, 0), uarg(r, 1), (flags & AT_SYMLINK_NOFOLLOW) === 0, flags);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  return t.mm!.write(uarg(r, 2), statBytes(lk.loc.node, t)) ? 0 : -E.EFAULT;
};

export const sysFstat: Handler = (k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f === null) return -E.EBADF;
  return t.mm!.write(uarg(r, 1), statBytes(f.node, t)) ? 0 : -E.EFAULT;
};

/** readlinkat(dirfd, path, buf, size) */
export const sysReadlinkat: Handler = (k, t, r) => {
  const size = iarg(r, 3);
  if (size <= 0) return -E.EINVAL;
  const lk = at(k, t, iarg(r, 0), uarg(r, 1), false);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  const target = lk.loc.node.readlink();
  if (target === null) return -E.EINVAL;
  const b = strbytes(target);
  const n = Math.min(b.length, size);
  return t.mm!.write(uarg(r, 2), b, 0, n) ? n : -E.EFAULT;
};

export const sysFaccessat: Handler = (k, t, r) => {
  const mode = iarg(r, 2);
  if (mode & ~7) return -E.EINVAL;
  const lk = at(k, t, iarg(r, 0), uarg(r, 1), true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  const n = lk.loc.node;
  if (mode & 2 && readOnlyMount(t, lk.loc)) return -E.EROFS;
  if (mode & 1 && !n.isDir() && (n.mode & 0o111) === 0) return -E.EACCES;
  return 0;
};

/** statx(dirfd, path, flags, mask, statxbuf): the fields struct stat has, in statx's layout */
export const sysStatx: Handler = (k, t, r) => {
  const flags = iarg(r, 2);
  const lk = at(k, t, iarg(r, 0), uarg(r, 1), (flags & AT_SYMLINK_NOFOLLOW) === 0, flags);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  const n = lk.loc.node;
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  const p64 = (o: number, v: number) => put64(dv, o, v);
  // statx_timestamp: tv_sec, tv_nsec and a reserved word, the layout of a timespec
  const ts = (o: number, ns: number) => putTimespec(dv, o, ns);
  dv.setUint32(0, 0x7ff, true); // STATX_BASIC_STATS
  dv.setUint32(4, 4096, true);
  dv.setUint32(16, n.nlink, true);
  dv.setUint32(20, munged(t.cred.userns.uidMap, n.uid), true);
  dv.setUint32(24, munged(t.cred.userns.gidMap, n.gid), true);
  dv.setUint16(28, n.mode, true);
  p64(32, n.ino);
  p64(40, n.size());
  p64(48, Math.ceil(n.size() / 512));
  ts(64, n.atime);
  ts(80, n.ctime); // btime: not kept, reported as ctime
  ts(96, n.ctime);
  ts(112, n.mtime);
  dv.setUint32(128, n.rdev >>> 8, true);
  dv.setUint32(132, n.rdev & 0xff, true);
  dv.setUint32(136, n.dev >>> 8, true);
  dv.setUint32(140, n.dev & 0xff, true);
  return t.mm!.write(uarg(r, 4), b) ? 0 : -E.EFAULT;
};

/** statfs/fstatfs: a tmpfs-like answer */
/** struct statfs of the filesystem a node is on: cgroup2 says what it is (container runtimes
 *  check that f_type to tell cgroup v2 from v1), the others say tmpfs */
function statfsBytes(n: Node): Uint8Array {
  const b = new Uint8Array(120);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, n.dev === CGROUP_DEV ? 0x63677270 : 0x01021994, true); // CGROUP2_SUPER_MAGIC, TMPFS_MAGIC
  dv.setUint32(8, 4096, true);
  dv.setUint32(16, 1 << 20, true);
  dv.setUint32(24, 1 << 20, true);
  dv.setUint32(32, 1 << 20, true);
  dv.setUint32(40, 1 << 20, true);
  dv.setUint32(48, 1 << 20, true);
  dv.setUint32(64, 255, true);
  dv.setUint32(72, 4096, true);
  return b;
}

export const sysStatfs: Handler = (k, t, r) => {
  const lk = at(k, t, AT_FDCWD, uarg(r, 0), true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  return t.mm!.write(uarg(r, 1), statfsBytes(lk.loc.node)) ? 0 : -E.EFAULT;
};

export const sysFstatfs: Handler = (_k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f === null) return -E.EBADF;
  return t.mm!.write(uarg(r, 1), statfsBytes(f.node)) ? 0 : -E.EFAULT;
};
