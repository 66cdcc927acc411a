// openat2(dirfd, path, how, size) (Linux: fs/open.c sys_openat2, build_open_flags; fs/namei.c's
// LOOKUP_BENEATH, LOOKUP_IN_ROOT, LOOKUP_NO_XDEV, LOOKUP_NO_SYMLINKS, LOOKUP_NO_MAGICLINKS).

import * as E from "../base/errno.js";
import { Handler, AT_FDCWD, iarg, uarg } from "./args.js";
import { O_CREAT, O_NOFOLLOW, O_TRUNC } from "../fs/file.js";
import { RESOLVE_BENEATH, RESOLVE_CACHED, RESOLVE_IN_ROOT, lookup } from "../fs/path.js";
import { openFile, readPath } from "./files.js";

/** sizeof(struct open_how) in its first version: flags, mode, resolve (u64 each) */
const OPEN_HOW_SIZE_VER0 = 24;
const O_TMPFILE_BIT = 0o20000000;
/** VALID_OPEN_FLAGS of the generic fcntl.h: O_ACCMODE up to __O_TMPFILE */
const VALID_OPEN_FLAGS = 0o37777703;
const S_IALLUGO = 0o7777;
const RESOLVE_ALL = 0x3f;

export const sysOpenat2: Handler = (k, t, r) => {
  const dirfd = iarg(r, 0);
  const size = uarg(r, 3);
  // copy_struct_from_user: smaller than the first version EINVAL, a larger struct only with zeros past it
  if (size < OPEN_HOW_SIZE_VER0) return -E.EINVAL;
  if (size > 4096) return -E.E2BIG;
  const b = t.mm!.read(uarg(r, 2), size);
  if (b === null) return -E.EFAULT;
  for (let i = OPEN_HOW_SIZE_VER0; i < size; i++) if (b[i] !== 0) return -E.E2BIG;
  const dv = new DataView(b.buffer, b.byteOffset, size);
  const flags = dv.getUint32(0, true), mode = dv.getUint32(8, true), resolve = dv.getUint32(16, true);
  // build_open_flags: openat2 refuses what openat ignores
  if (dv.getUint32(4, true) !== 0 || (flags & ~VALID_OPEN_FLAGS) !== 0) return -E.EINVAL;
  if (dv.getUint32(12, true) !== 0 || (mode & ~S_IALLUGO) !== 0) return -E.EINVAL;
  if (mode !== 0 && (flags & (O_CREAT | O_TMPFILE_BIT)) === 0) return -E.EINVAL;
  if (dv.getUint32(20, true) !== 0 || (resolve & ~RESOLVE_ALL) !== 0) return -E.EINVAL;
  if ((resolve & RESOLVE_BENEATH) && (resolve & RESOLVE_IN_ROOT)) return -E.EINVAL;
  // RESOLVE_CACHED cannot create or truncate; every lookup here is "in the cache"
  if ((resolve & RESOLVE_CACHED) && (flags & (O_CREAT | O_TRUNC | O_TMPFILE_BIT))) return -E.EAGAIN;
  const path = readPath(t, uarg(r, 1));
  if (typeof path === "number") return openFile(t, flags, mode, path);
  // the start: dirfd (also for an absolute path when scoped), or the working directory
  let start = t.fs.cwd;
  const scoped = (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) !== 0;
  if (dirfd !== AT_FDCWD && (scoped || !path.startsWith("/"))) {
    const f = t.files.lookup(dirfd);
    if (f === null) return -E.EBADF;
    if (!f.node.isDir()) return -E.ENOTDIR;
    start = f.loc ?? t.fs.cwd;
  }
  // RESOLVE_IN_ROOT: the start is the root for "/", ".." and absolute symlinks
  const root = resolve & RESOLVE_IN_ROOT ? start : t.fs.root;
  const lk = lookup(root, start, path, (flags & O_NOFOLLOW) === 0, resolve);
  return openFile(t, flags, mode, lk);
};
