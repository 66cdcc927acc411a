// File syscalls: open, read, write, stat, directories, descriptors, pipes (Linux: fs/*.c).

import * as E from "../kernel/errno.js";
import { BLOCK, SysResult } from "../kernel/errno.js";
import { Handler, AT_FDCWD, AT_EMPTY_PATH, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, arg, iarg, put64, putTimespec, uarg, u32arg } from "./args.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { Loc, Lookup, childLoc, locPath, pathFrom } from "../fs/path.js";
import {
  FileOps, OpenFile, O_ACCMODE, O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_PATH,
  O_RDONLY, O_TRUNC, O_WRONLY, SETFL_MASK, dirOps, regularOps,
} from "../fs/file.js";
import { Node, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, S_IFCHR, S_IFIFO } from "../fs/node.js";
import { PIPE_BUF, Pipe } from "../fs/pipe.js";
import { POLLERR, POLLHUP, POLLIN, POLLOUT } from "../fs/poll.js";
import { CGROUP_DEV, CgroupDir } from "../fs/cgroupfs.js";
import { UnixSocket } from "../fs/unix.js";
import { NetlinkSocket } from "../net/netlink.js";
import { isNetdevIoctl, netdevIoctl } from "./netdev.js";
import { hasDeliverable, sendToThread } from "../kernel/sigdeliver.js";
import { SIGPIPE, SI_USER } from "../kernel/signals.js";
import { CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_SYS_CHROOT, INIT_USER_NS, munged, toKernel } from "../kernel/userns.js";
import { COPY_CHUNK, MAX_RW_COUNT, UserIter, fsizeLimit, fsizeTruncate, importIovec, rwBuf } from "./uaccess.js";

const O_LARGEFILE = 0o100000;

/** the directory a *at() call starts from */
function dirLoc(t: Task, dirfd: number, path: string): Loc | number {
  if (path.startsWith("/") || dirfd === AT_FDCWD) return t.fs.cwd;
  const f = t.files.get(dirfd);
  if (f === null) return -E.EBADF;
  if (!f.node.isDir()) return -E.ENOTDIR;
  return f.loc ?? t.fs.cwd;
}

declare module "../fs/file.js" {
  interface OpenFile {
    /** where a directory was opened, for *at() lookups and fchdir */
    loc?: Loc;
  }
}

function readPath(t: Task, addr: number): string | number {
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
    const f = t.files.get(dirfd);
    if (dirfd === AT_FDCWD) return { loc: t.fs.cwd, parent: t.fs.cwd, name: ".", missing: false };
    if (f === null) return -E.EBADF;
    const loc = f.loc ?? { node: f.node, mnt: t.fs.root.mnt, chain: [], names: [] };
    return { loc, parent: loc, name: ".", missing: false };
  }
  const d = dirLoc(t, dirfd, p);
  if (typeof d === "number") return d;
  return k.resolve(t, p, follow, d);
}

function opsFor(n: Node): FileOps {
  return n.fileOps() ?? (n.isDir() ? dirOps : regularOps);
}

/** is the location on a read-only mount (or a read-only filesystem)? */
function readOnlyMount(_t: Task, l: Loc): boolean {
  return l.node.readOnly() || l.mnt.readOnly;
}

/** is the directory entry `name` of `dir` a mount point in the caller's namespace? Those cannot
 *  be removed or renamed (Linux: is_local_mountpoint) */
function localMountpoint(t: Task, dir: Loc, name: string): boolean {
  const d = dir.node.lookup(name);
  return d !== null && t.mntns.mounts().some((m) => m.parent !== null && m.mp.node === d);
}

/** openat(dirfd, path, flags, mode) */
export const sysOpenat: Handler = (k, t, r) => {
  const dirfd = iarg(r, 0);
  let flags = iarg(r, 2) | O_LARGEFILE;
  const mode = u32arg(r, 3);
  const lk = at(k, t, dirfd, uarg(r, 1), (flags & O_NOFOLLOW) === 0);
  if (typeof lk === "number") return lk;
  let node: Node;
  let loc: Loc;
  if (lk.missing) {
    if (!(flags & O_CREAT)) return -E.ENOENT;
    if (readOnlyMount(t, lk.parent)) return -E.EROFS;
    const made = lk.parent.node.create(lk.name, S_IFREG | (mode & ~t.fs.umask & 0o7777));
    if (typeof made === "number") return made;
    made.uid = t.euid;
    made.gid = t.egid;
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
    if (!t.can(CAP_DAC_OVERRIDE, INIT_USER_NS)) {
      const need = (acc === O_RDONLY ? 4 : acc === O_WRONLY ? 2 : 6);
      const bits = node.uid === t.euid ? (node.mode >> 6) & 7 : node.gid === t.egid ? (node.mode >> 3) & 7 : node.mode & 7;
      if ((bits & need) !== need && !(flags & O_PATH)) return -E.EACCES;
    }
  }
  if (flags & O_TRUNC && (flags & O_ACCMODE) !== O_RDONLY && (node.mode & S_IFMT) === S_IFREG) node.truncate(0);
  const f = new OpenFile(node, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | 0o400), opsFor(node), locPath(loc));
  f.ops.open?.(f);
  f.loc = loc;
  const fd = t.files.alloc(f, (flags & O_CLOEXEC) !== 0, 0, t.group.rlimits[7].cur);
  if (fd < 0) f.put();
  return fd;
};

export const sysClose: Handler = (_k, t, r) => t.files.close(iarg(r, 0));

function readable(t: Task, fd: number): OpenFile | number {
  const f = t.files.get(fd);
  if (f === null || f.flags & O_PATH) return -E.EBADF;
  if (!f.readable) return -E.EBADF;
  return f;
}

function writable(t: Task, fd: number): OpenFile | number {
  const f = t.files.get(fd);
  if (f === null || f.flags & O_PATH) return -E.EBADF;
  if (!f.writable) return -E.EBADF;
  return f;
}

/** read(fd, buf, count) */
export const sysRead: Handler = (_k, t, r) => {
  const f = readable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const addr = uarg(r, 1);
  const count = Math.min(uarg(r, 2), MAX_RW_COUNT);
  return doRead(t, f, addr, count);
};

/** the host buffer a read of `count` bytes gets: at most 1 MiB, and only a page when the file has
 *  nothing to give (a reader blocked there and woken often by signals must not allocate 1 MiB
 *  each time; a page is more than any file's minimum read size) */
function readBuffer(f: OpenFile, count: number): Uint8Array {
  const idle = f.ops.poll !== undefined && (f.ops.poll(f, null) & (POLLIN | POLLERR | POLLHUP)) === 0;
  return new Uint8Array(Math.min(count, idle ? 4096 : 1 << 20));
}

function doRead(t: Task, f: OpenFile, addr: number, count: number): SysResult {
  if (count === 0) return 0;
  const buf = readBuffer(f, count);
  const n = f.ops.read(f, buf, t);
  if (n === BLOCK || n <= 0) return n;
  if (!t.mm!.write(addr, buf, 0, n)) return -E.EFAULT;
  return n;
}

/** write(fd, buf, count) */
export const sysWrite: Handler = (k, t, r) => {
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const it = rwBuf(uarg(r, 1), uarg(r, 2));
  if (typeof it === "number") return it;
  return doWrite(k, t, f, it);
};

/** write the iterator's bytes, COPY_CHUNK at a time (a blocked write resumes where it stopped
 *  without copying what was written again) */
function doWrite(k: Kernel, t: Task, f: OpenFile, it: UserIter): SysResult {
  let done = (t.sysState as number | null) ?? 0;
  if (f.ops === regularOps && it.count > 0) {
    const n = fsizeLimit(k, t, f.flags & O_APPEND ? f.node.size() : f.pos, it.count);
    if (n < 0) return n;
    it = it.upTo(n);
  }
  while (done < it.count || it.count === 0) {
    // a file that can take nothing now (a full pipe or socket) is offered a small piece: a writer
    // blocked there and woken often (signals, timers) must not copy COPY_CHUNK bytes each time.
    // Just over PIPE_BUF, so the pipe does not treat it as an atomic write
    const full = f.ops.poll !== undefined && (f.ops.poll(f, null) & (POLLOUT | POLLERR | POLLHUP)) === 0;
    const data = it.copyIn(t.mm!, done, full ? PIPE_BUF + 1 : COPY_CHUNK);
    if (data === null) return done > 0 ? done : -E.EFAULT;
    // offer the rest of this piece until the file takes no more (no copy of it again)
    let used = 0;
    while (used < data.length || data.length === 0) {
      const n = f.ops.write(f, data.subarray(used), t);
      if (n === BLOCK) {
        // a signal ends a write that has written something with that count (Linux: pipe_write);
        // restarting it would write those bytes again
        if (done + used > 0 && hasDeliverable(t)) return done + used;
        t.sysState = done + used;
        k.sleep(t);
        return BLOCK;
      }
      if (n < 0) {
        if (n === -E.EPIPE) sendToThread(k, t, { signo: SIGPIPE, code: SI_USER, sender: t, uid: t.uid });
        return done + used > 0 ? done + used : n;
      }
      used += n;
      if (n === 0) break;
    }
    done += used;
    if (it.count === 0 || used < data.length) break;
  }
  return done;
}

export const sysReadv: Handler = (_k, t, r) => {
  const f = readable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const it = importIovec(t.mm!, uarg(r, 1), iarg(r, 2));
  if (typeof it === "number") return it;
  if (it.count === 0) return 0;
  const buf = readBuffer(f, it.count);
  const n = f.ops.read(f, buf, t);
  if (n === BLOCK || n <= 0) return n;
  return it.copyOut(t.mm!, buf, n) ? n : -E.EFAULT;
};

export const sysWritev: Handler = (k, t, r) => {
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  const it = importIovec(t.mm!, uarg(r, 1), iarg(r, 2));
  if (typeof it === "number") return it;
  if (it.count === 0) return 0;
  return doWrite(k, t, f, it);
};

export const sysPread64: Handler = (_k, t, r) => {
  const f = readable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  if (!f.ops.seekable || f.node.fileOps() !== null) return -E.ESPIPE;
  if (f.node.isDir()) return -E.EISDIR;
  const pos = arg(r, 3);
  if (pos < 0) return -E.EINVAL;
  const buf = new Uint8Array(Math.min(uarg(r, 2), 1 << 24));
  const n = f.node.readAt(pos, buf, 0, buf.length);
  if (n > 0 && !t.mm!.write(uarg(r, 1), buf, 0, n)) return -E.EFAULT;
  return n;
};

export const sysPwrite64: Handler = (k, t, r) => {
  const f = writable(t, iarg(r, 0));
  if (typeof f === "number") return f;
  if (!f.ops.seekable || f.node.fileOps() !== null) return -E.ESPIPE;
  const pos = arg(r, 3);
  if (pos < 0) return -E.EINVAL;
  let it = rwBuf(uarg(r, 1), uarg(r, 2));
  if (typeof it === "number") return it;
  if (it.count === 0) return 0;
  const allowed = fsizeLimit(k, t, pos, it.count);
  if (allowed < 0) return allowed;
  it = it.upTo(allowed);
  let done = 0;
  while (done < it.count) {
    const data = it.copyIn(t.mm!, done, COPY_CHUNK);
    if (data === null) return done > 0 ? done : -E.EFAULT;
    const n = f.node.writeAt(pos + done, data, 0, data.length);
    if (n < 0) return done > 0 ? done : n;
    done += n;
    if (n < data.length) break;
  }
  return done;
};

const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

export const sysLseek: Handler = (_k, t, r) => {
  const f = t.files.get(iarg(r, 0));
  if (f === null) return -E.EBADF;
  if (!f.ops.seekable) return -E.ESPIPE;
  const off = arg(r, 1);
  const whence = iarg(r, 2);
  let pos: number;
  if (whence === SEEK_SET) pos = off;
  else if (whence === SEEK_CUR) pos = f.pos + off;
  else if (whence === SEEK_END) pos = f.node.size() + off;
  else return -E.EINVAL;
  if (pos < 0) return -E.EINVAL;
  if (f.node.isDir()) {
    f.dirCursor = pos;
    f.pos = pos;
    return pos;
  }
  f.pos = pos;
  return pos;
};

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
  const f = t.files.get(iarg(r, 0));
  if (f === null) return -E.EBADF;
  if (!f.node.isDir()) return -E.ENOTDIR;
  const count = u32arg(r, 2);
  const loc = f.loc;
  const parent = loc && loc.chain.length > 0 ? loc.chain[loc.chain.length - 1] : f.node;
  const list: [string, Node][] = [[".", f.node], ["..", parent], ...f.node.entries()];
  const out = new Uint8Array(Math.min(count, 1 << 20));
  const dv = new DataView(out.buffer);
  const enc = new TextEncoder();
  let o = 0;
  while (f.dirCursor < list.length) {
    const [name, node] = list[f.dirCursor];
    const nb = enc.encode(name);
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
  const f = t.files.get(iarg(r, 0));
  if (f === null) return -E.EBADF;
  const fd = t.files.alloc(f.get(), false, 0, t.group.rlimits[7].cur);
  if (fd < 0) f.put();
  return fd;
};

export const sysDup3: Handler = (_k, t, r) => {
  const oldfd = iarg(r, 0);
  const newfd = iarg(r, 1);
  const flags = iarg(r, 2);
  if (flags & ~O_CLOEXEC) return -E.EINVAL;
  const f = t.files.get(oldfd);
  if (f === null) return -E.EBADF;
  if (oldfd === newfd) return -E.EINVAL;
  if (newfd < 0 || newfd >= t.group.rlimits[7].cur) return -E.EBADF;
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
      if (a < 0 || a >= t.group.rlimits[7].cur) return -E.EINVAL;
      const n = t.files.alloc(e.file.get(), cmd === F_DUPFD_CLOEXEC, a, t.group.rlimits[7].cur);
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
      k.reason = "record locks are not implemented yet";
      return -E.ENOLCK;
    default:
      return -E.EINVAL;
  }
};

export const sysPipe2: Handler = (_k, t, r) => {
  const flags = iarg(r, 1);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | 0o40000)) return -E.EINVAL;
  const p = new Pipe();
  const [rd, wr] = p.open(flags);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const a = t.files.alloc(rd, cloexec, 0, t.group.rlimits[7].cur);
  if (a < 0) {
    rd.put();
    wr.put();
    return a;
  }
  const b = t.files.alloc(wr, cloexec, 0, t.group.rlimits[7].cur);
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
  // device ioctls work on any socket, in the network namespace the socket was made in
  if (f.node instanceof UnixSocket && isNetdevIoctl(req)) return netdevIoctl(k, t, f.node.netns ?? t.netns, req, uarg(r, 2));
  if (f.node instanceof NetlinkSocket && isNetdevIoctl(req)) return netdevIoctl(k, t, f.node.net, req, uarg(r, 2));
  if (!f.ops.ioctl) return -E.ENOTTY;
  const res = f.ops.ioctl(f, req);
  if (typeof res === "number") return res;
  return t.mm!.write(uarg(r, 2), res.out) ? 0 : -E.EFAULT;
};

/** struct stat for riscv64 (asm-generic, 128 bytes) */
export function statBytes(n: Node, viewer: Task): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  const p = (o: number, v: number) => put64(dv, o, v);
  p(0, n.dev);
  p(8, n.ino);
  dv.setUint32(16, n.mode, true);
  dv.setUint32(20, n.nlink, true);
  dv.setUint32(24, munged(viewer.userns.uidMap, n.uid), true);
  dv.setUint32(28, munged(viewer.userns.gidMap, n.gid), true);
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
  const f = t.files.get(iarg(r, 0));
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
  const b = new TextEncoder().encode(target);
  const n = Math.min(b.length, size);
  return t.mm!.write(uarg(r, 2), b, 0, n) ? n : -E.EFAULT;
};

export const sysGetcwd: Handler = (_k, t, r) => {
  // the path from the process root; a cwd outside it is "(unreachable)" (Linux: getcwd)
  const p = new TextEncoder().encode((pathFrom(t.fs.cwd, t.fs.root) ?? "(unreachable)" + locPath(t.fs.cwd)) + "\0");
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
  const f = t.files.get(iarg(r, 0));
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
  made.uid = t.euid;
  made.gid = t.egid;
  return 0;
};

export const sysUnlinkat: Handler = (k, t, r) => {
  const flags = iarg(r, 2);
  if (flags & ~AT_REMOVEDIR) return -E.EINVAL;
  const lk = at(k, t, iarg(r, 0), uarg(r, 1), false);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
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

export const sysFtruncate: Handler = (k, t, r) => {
  const f = t.files.get(iarg(r, 0));
  if (f === null) return -E.EBADF;
  const len = arg(r, 1);
  if (len < 0) return -E.EINVAL;
  if (!f.writable || (f.node.mode & S_IFMT) !== S_IFREG) return -E.EINVAL;
  return fsizeTruncate(k, t, f.node.size(), len) || f.node.truncate(len);
};

export const sysFsync: Handler = (_k, t, r) => (t.files.get(iarg(r, 0)) === null ? -E.EBADF : 0);

/** renameat2(olddirfd, oldpath, newdirfd, newpath, flags) */
export const sysRenameat2: Handler = (k, t, r) => {
  const flags = u32arg(r, 4);
  if (flags !== 0) {
    k.reason = "renameat2 flags are not implemented yet";
    return -E.EINVAL;
  }
  const a = at(k, t, iarg(r, 0), uarg(r, 1), false);
  if (typeof a === "number") return a;
  if (a.missing) return -E.ENOENT;
  const b = at(k, t, iarg(r, 2), uarg(r, 3), false);
  if (typeof b === "number") return b;
  // a rename stays within one mount, and moves no mount point (Linux: do_renameat2, vfs_rename)
  if (a.parent.mnt !== b.parent.mnt) return -E.EXDEV;
  if (localMountpoint(t, a.parent, a.name) || (!b.missing && localMountpoint(t, b.parent, b.name))) return -E.EBUSY;
  const src = a.loc.node;
  if (!b.missing) {
    const dst = b.loc.node;
    if (dst === src) return 0;
    if (dst.isDir() && !src.isDir()) return -E.EISDIR;
    if (!dst.isDir() && src.isDir()) return -E.ENOTDIR;
    if (dst.isDir() && dst.entries().length > 0) return -E.ENOTEMPTY;
    b.parent.node.unlink(b.name);
  }
  const l = b.parent.node.link(b.name, src);
  if (l < 0) return l;
  if (src.isDir()) src.nlink; // directories keep their link count when moved
  const u = a.parent.node.unlink(a.name);
  if (!src.isDir()) src.nlink = Math.max(1, src.nlink);
  return u;
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
  made.uid = t.fsuid;
  made.gid = t.fsgid;
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
  if (!t.can(CAP_FOWNER, INIT_USER_NS) && n.uid !== t.fsuid) return -E.EPERM;
  n.mode = (n.mode & S_IFMT) | (mode & 0o7777);
  return 0;
}

function chown(t: Task, n: Node, iuid: number, igid: number): number {
  let uid = iuid;
  let gid = igid;
  if (uid !== -1) uid = toKernel(t.userns.uidMap, uid >>> 0);
  if (gid !== -1) gid = toKernel(t.userns.gidMap, gid >>> 0);
  if (uid === -1 && iuid !== -1) return -E.EINVAL;
  if (gid === -1 && igid !== -1) return -E.EINVAL;
  if (!t.can(CAP_CHOWN, INIT_USER_NS)) {
    if (uid !== -1 && uid !== n.uid) return -E.EPERM;
    if (gid !== -1 && (n.uid !== t.fsuid || (gid !== t.fsgid && !t.groups.includes(gid)))) return -E.EPERM;
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
  const f = t.files.get(iarg(r, 0));
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
  const f = t.files.get(iarg(r, 0));
  if (f === null || f.flags & O_PATH) return -E.EBADF;
  return chown(t, f.node, iarg(r, 1), iarg(r, 2));
};

const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;

/** utimensat(dirfd, path, times[2], flags) */
export const sysUtimensat: Handler = (k, t, r) => {
  const flags = iarg(r, 3);
  let node: Node;
  if (uarg(r, 1) === 0) {
    const f = t.files.get(iarg(r, 0));
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
  dv.setUint32(20, munged(t.userns.uidMap, n.uid), true);
  dv.setUint32(24, munged(t.userns.gidMap, n.gid), true);
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

export const sysTruncate: Handler = (k, t, r) => {
  const lk = at(k, t, AT_FDCWD, uarg(r, 0), true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  const n = lk.loc.node;
  if (n.isDir()) return -E.EISDIR;
  if ((n.mode & S_IFMT) !== S_IFREG) return -E.EINVAL;
  if (arg(r, 1) < 0) return -E.EINVAL;
  if (readOnlyMount(t, lk.loc)) return -E.EROFS;
  return fsizeTruncate(k, t, n.size(), arg(r, 1)) || n.truncate(arg(r, 1));
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
    k.reason = "device nodes are not supported";
    return -E.EPERM;
  }
  if (type !== 0 && type !== S_IFREG && type !== S_IFIFO && type !== 0o140000) return -E.EINVAL;
  if (type === S_IFIFO) {
    const fifo = new Fifo(mode & ~t.fs.umask & 0o7777);
    const rr = lk.parent.node.link(lk.name, fifo);
    return rr < 0 ? rr : 0;
  }
  const made = lk.parent.node.create(lk.name, S_IFREG | (mode & ~t.fs.umask & 0o7777));
  return typeof made === "number" ? made : 0;
};

/** a named pipe: opening it gives ends of one shared pipe */
class Fifo extends Node {
  private pipe = new Pipe();
  constructor(mode: number) {
    super(S_IFIFO | mode);
  }
  override fileOps(): FileOps {
    return this.pipe.fifoOps;
  }
}

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
  const f = t.files.get(iarg(r, 0));
  if (f === null) return -E.EBADF;
  return t.mm!.write(uarg(r, 1), statfsBytes(f.node)) ? 0 : -E.EFAULT;
};
