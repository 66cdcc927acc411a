// Opening files and working with descriptors (Linux: fs/open.c, fs/file.c, fs/fcntl.c, fs/ioctl.c,
// fs/pipe.c, fs/readdir.c): openat, close, lseek, getdents64, dup, dup3, fcntl, pipe2, ioctl, and
// the path helpers of the *at() calls. Reads and writes are in rw.ts, stat in stat.ts, the file
// tree in namei.ts.

import { strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, AT_FDCWD, AT_EMPTY_PATH, arg, iarg, loffArg, uarg, u32arg } from "./args.js";
import { MAX_LFS_FILESIZE, loff, loffAdd, loffBig, type Loff } from "../base/loff.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { Loc, Lookup, childLoc, locPath, topLoc } from "../fs/path.js";
import {
  FileOps, OpenFile, O_ACCMODE, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOCTTY, O_NOFOLLOW, O_NONBLOCK, O_PATH, O_RDONLY,
  O_TRUNC, O_WRONLY, SETFL_MASK, dirOps, regularOps,
} from "../fs/file.js";
import { Node, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, S_IFCHR, S_IFIFO } from "../fs/node.js";
import { PIPE_BYTES, Pipe } from "../fs/pipe.js";
import { UnixSocket } from "../net/unix.js";
import { NetlinkSocket } from "../net/netlink.js";
import { isNetdevIoctl, netdevIoctl } from "./netdev.js";
import { INIT_USER_NS } from "../cred/userns.js";
import { CAP_DAC_OVERRIDE } from "../cred/capability.js";
import { RLIMIT_NOFILE, rlimit } from "../kernel/rlimit.js";
import { refuse } from "../base/errno.js";
import { ttyOf } from "../tty/ttyfops.js";
import { ttyIoctlFor } from "./ttyioctl.js";
import { untilDone, type SysResult } from "../kernel/block.js";

const O_LARGEFILE = 0o100000;

/** the directory a *at() call starts from */
export function dirLoc(t: Task, dirfd: number, path: string): Loc | number {
  if (path.startsWith("/") || dirfd === AT_FDCWD) return t.fs.cwd;
  const f = t.files.lookup(dirfd);
  if (f === null) return -E.EBADF;
  if (!f.node.isDir()) return -E.ENOTDIR;
  return f.loc ?? t.fs.cwd;
}


export function readPath(t: Task, addr: number): string | number {
  const s = t.mm!.readString(addr, 4096);
  if (s === null) return -E.EFAULT;
  if (s === undefined) return -E.ENAMETOOLONG;
  return s;
}

/** resolve (dirfd, path) for a syscall; -errno on failure */
export function at(k: Kernel, t: Task, dirfd: number, pathAddr: number, follow: boolean, flags = 0): Lookup | number {
  const p = readPath(t, pathAddr);
  if (typeof p === "number") return p;
  if (p === "" && flags & AT_EMPTY_PATH) {
    const f = t.files.lookup(dirfd);
    if (dirfd === AT_FDCWD) return { loc: t.fs.cwd, parent: t.fs.cwd, name: ".", missing: false };
    if (f === null) return -E.EBADF;
    const loc = f.loc ?? topLoc(f.node, t.fs.root.mnt);
    return { loc, parent: loc, name: ".", missing: false };
  }
  const d = dirLoc(t, dirfd, p);
  if (typeof d === "number") return d;
  return k.resolve(t, p, follow, d);
}

export function opsFor(n: Node): FileOps {
  return n.fileOps() ?? (n.isDir() ? dirOps : regularOps);
}

/** is the location on a read-only mount (or a read-only filesystem)? */
export function readOnlyMount(_t: Task, l: Loc): boolean {
  return l.node.readOnly() || l.mnt.readOnly;
}

/** is the directory entry `name` of `dir` a mount point in the caller's namespace? Those cannot
 *  be removed or renamed (Linux: is_local_mountpoint) */
export function localMountpoint(t: Task, dir: Loc, name: string): boolean {
  const d = dir.node.lookup(name);
  return d !== null && t.nsproxy.mnt.mounts().some((m) => m.parent !== null && m.mp.node === d);
}

/** openat(dirfd, path, flags, mode) */
export const sysOpenat: Handler = (k, t, r) => {
  const flags = iarg(r, 2);
  return openFile(t, flags, u32arg(r, 3), at(k, t, iarg(r, 0), uarg(r, 1), (flags & O_NOFOLLOW) === 0));
};

/** open or create what a lookup found (Linux: do_filp_open's path_openat, do_open) */
export function openFile(t: Task, flags: number, mode: number, lk: Lookup | number): SysResult {
  flags |= O_LARGEFILE;
  if (typeof lk === "number") return lk;
  let node: Node;
  let loc: Loc;
  if (lk.missing) {
    if (!(flags & O_CREAT)) return -E.ENOENT;
    if (readOnlyMount(t, lk.parent)) return -E.EROFS;
    const made = lk.parent.node.create(lk.name, S_IFREG | (mode & ~t.fs.umask & 0o7777));
    if (typeof made === "number") return made;
    made.uid = t.cred.euid;
    made.gid = t.cred.egid;
    node = made;
    loc = childLoc(lk.parent, lk.name, node);
    flags &= ~O_TRUNC;
  } else {
    node = lk.loc.node;
    loc = lk.loc;
    if ((flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL)) return -E.EEXIST;
    if ((node.mode & S_IFMT) === S_IFLNK && !(flags & O_PATH)) return -E.ELOOP;
    if (flags & O_DIRECTORY && !node.isDir()) return -E.ENOTDIR;
    const acc = flags & O_ACCMODE;
    if (node.isDir() && (acc !== O_RDONLY || flags & O_TRUNC) && !(flags & O_PATH)) return -E.EISDIR;
    if (acc !== O_RDONLY && !(flags & O_PATH) && readOnlyMount(t, loc) && (node.mode & S_IFMT) === S_IFREG) return -E.EROFS;
    if (node.strictPerm || !t.can(CAP_DAC_OVERRIDE, INIT_USER_NS)) {
      const need = (acc === O_RDONLY ? 4 : acc === O_WRONLY ? 2 : 6);
      const bits = node.uid === t.cred.euid ? (node.mode >> 6) & 7 : node.gid === t.cred.egid ? (node.mode >> 3) & 7 : node.mode & 7;
      if ((bits & need) !== need && !(flags & O_PATH)) return -E.EACCES;
    }
  }
  // a file a program is running from cannot be opened for writing (Linux: get_write_access in do_dentry_open)
  const writer = (flags & O_ACCMODE) !== O_RDONLY && !(flags & O_PATH) && (node.mode & S_IFMT) === S_IFREG;
  if (writer && !node.getWriteAccess()) return -E.ETXTBSY;
  if (flags & O_TRUNC && writer) node.truncate(0);
  const f = new OpenFile(node, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | O_NOCTTY), opsFor(node), locPath(loc));
  f.writeAccess = writer;
  f.loc = loc;
  // a device's open may refuse (a locked pty, /dev/tty without a controlling terminal, /dev/kmsg)
  const refused = f.ops.open?.(f, flags);
  if (typeof refused === "number" && refused < 0) {
    f.put();
    return refused;
  }
  const install = (): number => {
    const fd = t.files.alloc(f, (flags & O_CLOEXEC) !== 0, 0, rlimit(t, RLIMIT_NOFILE));
    if (fd < 0) f.put();
    return fd;
  };
  const wait = f.ops.openWait;
  if (!wait) return install();
  // a FIFO end waits for the other end: a typed sleep, restarted after a handler with SA_RESTART
  return untilDone(
    (again) => {
      const r = wait(f, t, again);
      if (r === BLOCK) return BLOCK;
      if (r < 0) {
        f.put();
        return r;
      }
      return install();
    },
    () => {
      f.ops.openAbort?.(f);
      f.put();
    },
  );
};

export const sysClose: Handler = (_k, t, r) => t.files.close(iarg(r, 0));

const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

export const sysLseek: Handler = (_k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f === null) return -E.EBADF;
  if (!f.ops.seekable) return -E.ESPIPE;
  const whence = iarg(r, 2);
  // /dev/kmsg's positions are record numbers: arg's saturation keeps any offset past 2^53 past them
  if (f.ops.llseek) return f.ops.llseek(f, arg(r, 1), whence);
  // Linux generic_file_llseek_size with s_maxbytes = MAX_LFS_FILESIZE, on the exact loff_t: the
  // sum wraps as Linux's signed arithmetic does (-fno-strict-overflow), and vfs_setpos refuses a
  // negative result or one past the largest file
  const off = loffArg(r, 1);
  let pos: Loff;
  if (whence === SEEK_SET) pos = off;
  else if (whence === SEEK_CUR) pos = wrapAdd(f.pos, off);
  else if (whence === SEEK_END) pos = wrapAdd(f.node.size(), off);
  else return -E.EINVAL;
  if (pos < 0 || pos > MAX_LFS_FILESIZE) return -E.EINVAL;
  // a directory's cursor counts entries: a position past 2^53 is past all of them
  if (f.node.isDir()) f.dirCursor = typeof pos === "number" ? pos : Number.MAX_SAFE_INTEGER;
  f.pos = pos;
  // an offset past 2^53 is returned exactly (dispatch writes a bigint result whole into a0)
  return pos;
};

/** a + b as Linux's loff_t addition gives it (two's complement wrap-around) */
function wrapAdd(a: Loff, b: Loff): Loff {
  const s = loffAdd(a, b);
  return s > MAX_LFS_FILESIZE || s < -MAX_LFS_FILESIZE - 1n ? loff(BigInt.asIntN(64, loffBig(s))) : s;
}

function dtype(n: Node): number {
  switch (n.mode & S_IFMT) {
    case S_IFDIR: return 4;
    case S_IFREG: return 8;
    case S_IFLNK: return 10;
    case S_IFCHR: return 2;
    case S_IFIFO: return 1;
    default: return 0;
  }
}

/** getdents64(fd, dirp, count) */
export const sysGetdents64: Handler = (k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f === null) return -E.EBADF;
  if (!f.node.isDir()) return -E.ENOTDIR;
  const count = u32arg(r, 2);
  const loc = f.loc;
  const parent = loc && loc.up !== null ? loc.up.node : f.node;
  const list: [string, Node][] = [[".", f.node], ["..", parent], ...f.node.entries()];
  const out = new Uint8Array(Math.min(count, 1 << 20));
  const dv = new DataView(out.buffer);
  let o = 0;
  while (f.dirCursor < list.length) {
    const [name, node] = list[f.dirCursor];
    const nb = strbytes(name);
    const reclen = (19 + nb.length + 1 + 7) & ~7;
    if (o + reclen > out.length) {
      if (o === 0) return -E.EINVAL;
      break;
    }
    // a mount point shows the directory beneath, not what is mounted on it (as Linux's d_ino)
    dv.setUint32(o, node.ino, true);
    dv.setUint32(o + 8, f.dirCursor + 1, true);
    dv.setUint16(o + 16, reclen, true);
    out[o + 18] = dtype(node);
    out.set(nb, o + 19);
    out.fill(0, o + 19 + nb.length, o + reclen);
    o += reclen;
    f.dirCursor++;
  }
  if (o > 0 && !t.mm!.write(uarg(r, 1), out, 0, o)) return -E.EFAULT;
  return o;
};

export const sysDup: Handler = (_k, t, r) => {
  const f = t.files.lookup(iarg(r, 0));
  if (f === null) return -E.EBADF;
  const fd = t.files.alloc(f.get(), false, 0, rlimit(t, RLIMIT_NOFILE));
  if (fd < 0) f.put();
  return fd;
};

export const sysDup3: Handler = (_k, t, r) => {
  const oldfd = iarg(r, 0);
  const newfd = iarg(r, 1);
  const flags = iarg(r, 2);
  if (flags & ~O_CLOEXEC) return -E.EINVAL;
  const f = t.files.lookup(oldfd);
  if (f === null) return -E.EBADF;
  if (oldfd === newfd) return -E.EINVAL;
  if (newfd < 0 || newfd >= rlimit(t, RLIMIT_NOFILE)) return -E.EBADF;
  t.files.install(newfd, f.get(), (flags & O_CLOEXEC) !== 0);
  return newfd;
};

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7,
  F_DUPFD_CLOEXEC = 1030, F_GETPIPE_SZ = 1032;

export const sysFcntl: Handler = (k, t, r) => {
  const fd = iarg(r, 0);
  const cmd = iarg(r, 1);
  const a = iarg(r, 2);
  const e = t.files.entry(fd);
  if (e === null) return -E.EBADF;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      if (a < 0 || a >= rlimit(t, RLIMIT_NOFILE)) return -E.EINVAL;
      const n = t.files.alloc(e.file.get(), cmd === F_DUPFD_CLOEXEC, a, rlimit(t, RLIMIT_NOFILE));
      if (n < 0) e.file.put();
      return n;
    }
    case F_GETFD:
      return e.cloexec ? 1 : 0;
    case F_SETFD:
      e.cloexec = (a & 1) !== 0;
      return 0;
    case F_GETFL:
      return e.file.flags;
    case F_SETFL:
      e.file.flags = (e.file.flags & ~SETFL_MASK) | (a & SETFL_MASK);
      return 0;
    case F_GETPIPE_SZ:
      return e.file.node instanceof Pipe ? 65536 : -E.EBADF;
    case F_GETLK: case F_SETLK: case F_SETLKW:
      return refuse(E.ENOLCK, "record locks are not implemented yet");
    default:
      return -E.EINVAL;
  }
};

export const sysPipe2: Handler = (k, t, r) => {
  const flags = iarg(r, 1);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | 0o40000)) return -E.EINVAL;
  // the pipe's own memory (Linux: alloc_pipe_info's ENOMEM, or ENFILE past file-max)
  if (!k.frames.charge(PIPE_BYTES)) return -E.ENFILE;
  const p = new Pipe(k.frames, PIPE_BYTES);
  const [rd, wr] = p.open(flags);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const a = t.files.alloc(rd, cloexec, 0, rlimit(t, RLIMIT_NOFILE));
  if (a < 0) {
    rd.put();
    wr.put();
    return a;
  }
  const b = t.files.alloc(wr, cloexec, 0, rlimit(t, RLIMIT_NOFILE));
  if (b < 0) {
    t.files.close(a);
    wr.put();
    return b;
  }
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, a, true);
  dv.setInt32(4, b, true);
  if (!t.mm!.write(uarg(r, 0), out)) {
    t.files.close(a);
    t.files.close(b);
    return -E.EFAULT;
  }
  return 0;
};

const FIONBIO = 0x5421, FIOCLEX = 0x5451, FIONCLEX = 0x5450, FIONREAD = 0x541b;

export const sysIoctl: Handler = (k, t, r) => {
  const fd = iarg(r, 0);
  const req = u32arg(r, 1);
  const e = t.files.entry(fd);
  if (e === null) return -E.EBADF;
  const f = e.file;
  switch (req) {
    case FIOCLEX: e.cloexec = true; return 0;
    case FIONCLEX: e.cloexec = false; return 0;
    case FIONBIO: {
      const v = t.mm!.readU32(uarg(r, 2));
      if (v === null) return -E.EFAULT;
      f.flags = v ? f.flags | O_NONBLOCK : f.flags & ~O_NONBLOCK;
      return 0;
    }
    case FIONREAD:
      if (f.node instanceof Pipe) return t.mm!.writeU32(uarg(r, 2), f.node.buffered) ? 0 : -E.EFAULT;
      break;
  }
  const tf = ttyOf(f);
  if (tf) return ttyIoctlFor(k, t, tf, f, req, uarg(r, 2));
  // device ioctls work on any socket, in the network namespace the socket was made in
  if (f.node instanceof UnixSocket && isNetdevIoctl(req)) return netdevIoctl(k, t, f.node.netns ?? t.nsproxy.net, req, uarg(r, 2));
  if (f.node instanceof NetlinkSocket && isNetdevIoctl(req)) return netdevIoctl(k, t, f.node.net, req, uarg(r, 2));
  if (!f.ops.ioctl) return -E.ENOTTY;
  const res = f.ops.ioctl(f, req);
  if (typeof res === "number") return res;
  return t.mm!.write(uarg(r, 2), res.out) ? 0 : -E.EFAULT;
};

const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32;

/** flock(fd, operation) (Linux: fs/locks.c sys_flock): a conflicting lock sleeps until the inode's
 *  locks change, or fails with EWOULDBLOCK under LOCK_NB */
export const sysFlock: Handler = (k, t, r) => {
  const fd = iarg(r, 0);
  const op = u32arg(r, 1);
  // LOCK_MAND never worked and is ignored since Linux 5.15
  if (op & LOCK_MAND) return 0;
  const cmd = op & ~LOCK_NB;
  if (cmd !== LOCK_SH && cmd !== LOCK_EX && cmd !== LOCK_UN) return -E.EINVAL;
  const f = t.files.lookup(fd);
  if (f === null) return -E.EBADF;
  if (cmd !== LOCK_UN && f.flags & O_PATH) return -E.EBADF;
  if (cmd === LOCK_UN) {
    k.flocks.unlock(f);
    return 0;
  }
  const wait = (op & LOCK_NB) === 0;
  return untilDone(() => k.flocks.lock(f, cmd === LOCK_EX, t.tgid, wait ? t : null), () => k.flocks.cancel(f, t));
};
