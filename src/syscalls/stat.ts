// stat, statx, fstat, readlinkat, faccessat, statfs and fstatfs (Linux: fs/stat.c, fs/statfs.c,
// fs/open.c do_faccessat).

import { strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { Handler, AT_FDCWD, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, iarg, put64, putTimespec, uarg } from "./args.js";
import type { Task } from "../kernel/task.js";
import { Node, TmpDir } from "../fs/node.js";
import type { Mount } from "../fs/mount.js";
import { CGROUP_DEV } from "../fs/cgroupfs.js";
import { munged } from "../cred/userns.js";
import { at, readOnlyMount } from "./files.js";

/** struct stat for riscv64 (asm-generic, 128 bytes) */
export function statBytes(n: Node, viewer: Task): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  const p = (o: number, v: number | bigint) => put64(dv, o, v);
  p(0, n.dev);
  p(8, n.ino);
  dv.setUint32(16, n.mode, true);
  dv.setUint32(20, n.nlink, true);
  dv.setUint32(24, munged(viewer.cred.userns.uidMap, n.uid), true);
  dv.setUint32(28, munged(viewer.cred.userns.gidMap, n.gid), true);
  p(32, n.rdev);
  p(48, n.size());
  dv.setInt32(56, 4096, true);
  p(64, n.blocks());
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
  const p64 = (o: number, v: number | bigint) => put64(dv, o, v);
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
  p64(48, n.blocks());
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

const MAGIC: Record<string, number> = {
  tmpfs: 0x01021994, proc: 0x9fa0, sysfs: 0x62656572, cgroup2: 0x63677270, rootfs: 0x858458f6, nsfs: 0x6e736673, pipefs: 0x50495045,
};
const ST_RDONLY = 1, ST_VALID = 0x20, ST_RELATIME = 0x400;

/** struct statfs of the filesystem a location is on (Linux: statfs_by_dentry, shmem_statfs):
 *  f_type says which filesystem (container runtimes tell cgroup v2 from v1 by it); a tmpfs
 *  reports its size limit and the pages and inodes its files use */
function statfsBytes(n: Node, mnt: Mount | null): Uint8Array {
  const b = new Uint8Array(120);
  const dv = new DataView(b.buffer);
  const fstype = mnt?.sb.fstype ?? (n.dev === CGROUP_DEV ? "cgroup2" : n.dev === 0xc ? "pipefs" : "tmpfs");
  put64(dv, 0, MAGIC[fstype] ?? MAGIC.tmpfs);
  put64(dv, 8, 4096);
  const root = mnt?.root ?? n;
  const sb = root instanceof TmpDir ? root.sb : null;
  if (sb !== null) {
    put64(dv, 16, sb.maxBlocks);
    put64(dv, 24, Math.max(0, sb.maxBlocks - sb.blocks));
    put64(dv, 32, Math.max(0, sb.maxBlocks - sb.blocks));
    put64(dv, 40, sb.maxInodes);
    put64(dv, 48, Math.max(0, sb.maxInodes - sb.inodes));
  }
  dv.setUint32(56, mnt?.sb.dev ?? n.dev, true); // f_fsid
  put64(dv, 64, 255);
  put64(dv, 72, 4096);
  put64(dv, 80, ST_VALID | ST_RELATIME | (mnt?.readOnly ? ST_RDONLY : 0));
  return b;
}

export const sysStatfs: Handler = (k, t, r) => {
  const lk = at(k, t, AT_FDCWD, uarg(r, 0), true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  return t.mm!.write(uarg(r, 1), statfsBytes(lk.loc.node, lk.loc.mnt)) ? 0 : -E.EFAULT;
};

export const sysFstatfs: Handler = (_k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f === null) return -E.EBADF;
  return t.mm!.write(uarg(r, 1), statfsBytes(f.node, f.loc?.mnt ?? null)) ? 0 : -E.EFAULT;
};
