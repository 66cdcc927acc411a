// Socket syscalls for AF_UNIX (Linux: net/socket.c, net/unix/af_unix.c); AF_NETLINK sockets are
// handed to netlink.ts. Other families give EAFNOSUPPORT: forkscope has no network stack beyond
// each namespace's loopback device.

import { bytestr, strbytes } from "../base/bytestr.js";
import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { Handler, iarg, uarg, u32arg } from "./args.js";
import { finishMsghdr, iovLength, putAddr, readMsghdr, scatter } from "./msghdr.js";
import * as NL from "./netlink.js";
import { NetlinkSocket } from "../net/netlink.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { OpenFile, O_CLOEXEC, O_NONBLOCK, O_RDWR } from "../fs/file.js";
import { Packet, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, SocketInode, UnixSocket, recv } from "../net/unix.js";
import { S_IFSOCK } from "../fs/node.js";
import { vtgid } from "../kernel/pidns.js";
import { munged } from "../cred/userns.js";
import { RLIMIT_NOFILE, rlimit } from "../kernel/rlimit.js";
import { untilDone } from "../kernel/block.js";
import type { Regs } from "../cpu/regs.js";
import type { OpResult, Refusal } from "../base/errno.js";
import { refuse } from "../base/errno.js";

const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16;
const SOCK_NONBLOCK = O_NONBLOCK, SOCK_CLOEXEC = O_CLOEXEC;
export const SOL_SOCKET = 1, SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
const SO_TYPE = 3, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_PASSCRED = 16, SO_PEERCRED = 17, SO_ACCEPTCONN = 30,
  SO_DOMAIN = 39, SO_PROTOCOL = 38, SO_REUSEADDR = 2, SO_KEEPALIVE = 9, SO_LINGER = 13, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21;
export const MSG_PEEK = 2, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
const SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

function credOf(t: Task): { pid: number; uid: number; gid: number } {
  return { pid: vtgid(t, t), uid: t.cred.euid, gid: t.cred.egid };
}

export function sock(t: Task, fd: number): UnixSocket | number {
  const f = t.files.lookup(fd);
  if (f === null) return -E.EBADF;
  if (!(f.node instanceof UnixSocket)) return -E.ENOTSOCK;
  return f.node;
}

/** the netlink socket behind fd, if that is what it is (its calls are in netlink.ts) */
export function netlinkOf(t: Task, fd: number): NetlinkSocket | null {
  const n = t.files.lookup(fd)?.node;
  return n instanceof NetlinkSocket ? n : null;
}

function install(t: Task, s: UnixSocket, flags: number): number {
  s.netns = t.nsproxy.net;
  const f = new OpenFile(s, O_RDWR | (flags & SOCK_NONBLOCK), s.ops, `socket:[${s.ino}]`);
  const fd = t.files.alloc(f, (flags & SOCK_CLOEXEC) !== 0, 0, rlimit(t, RLIMIT_NOFILE));
  if (fd < 0) f.put();
  return fd;
}

export const sysSocket: Handler = (k, t, r) => {
  const domain = iarg(r, 0);
  const rawType = iarg(r, 1);
  const type = rawType & 0xf;
  const proto = iarg(r, 2);
  if (rawType & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) return -E.EINVAL;
  if (domain === AF_NETLINK) return NL.nlSocket(k, t, rawType, proto);
  if (domain !== AF_UNIX) {
    return refuse(E.EAFNOSUPPORT, domain === AF_INET || domain === AF_INET6 ? "only AF_UNIX and AF_NETLINK sockets are implemented" : "unknown address family");
  }
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) return -E.ESOCKTNOSUPPORT;
  if (proto !== 0) return -E.EPROTONOSUPPORT;
  return install(t, new UnixSocket(type, credOf(t)), rawType);
};

export const sysSocketpair: Handler = (_k, t, r) => {
  const domain = iarg(r, 0);
  const rawType = iarg(r, 1);
  const type = rawType & 0xf;
  if (domain === AF_NETLINK) return type === 2 || type === 3 ? -E.EOPNOTSUPP : -E.ESOCKTNOSUPPORT;
  if (domain !== AF_UNIX) return -E.EAFNOSUPPORT;
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) return -E.ESOCKTNOSUPPORT;
  if (iarg(r, 2) !== 0) return -E.EPROTONOSUPPORT;
  const a = new UnixSocket(type, credOf(t));
  const b = new UnixSocket(type, credOf(t));
  a.peer = b;
  b.peer = a;
  a.state = b.state = "connected";
  a.peerCred = b.cred;
  b.peerCred = a.cred;
  const fa = install(t, a, rawType);
  if (fa < 0) return fa;
  const fb = install(t, b, rawType);
  if (fb < 0) {
    t.files.close(fa);
    return fb;
  }
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, fa, true);
  dv.setInt32(4, fb, true);
  if (!t.mm!.write(uarg(r, 3), out)) {
    t.files.close(fa);
    t.files.close(fb);
    return -E.EFAULT;
  }
  return 0;
};

/** a sockaddr_un as "/path", "@abstract", "" (unnamed) or -errno */
export function readAddr(t: Task, addr: number, len: number): string | number {
  if (len < 2 || len > 110) return -E.EINVAL;
  const b = t.mm!.read(addr, len);
  if (b === null) return -E.EFAULT;
  if ((b[0] | (b[1] << 8)) !== AF_UNIX) return -E.EINVAL;
  if (len === 2) return "";
  if (b[2] === 0) return "@" + bytestr(b, 3, len);
  const end = b.indexOf(0, 2);
  return bytestr(b, 2, end < 0 ? len : end);
}

function addrBytes(name: string | null): Uint8Array {
  if (name === null) return new Uint8Array([AF_UNIX, 0]);
  if (name.startsWith("@")) {
    const n = strbytes(name.slice(1));
    const b = new Uint8Array(3 + n.length);
    b[0] = AF_UNIX;
    b.set(n, 3);
    return b;
  }
  const n = strbytes(name);
  const b = new Uint8Array(3 + n.length);
  b[0] = AF_UNIX;
  b.set(n, 2);
  return b;
}

function writeAddr(t: Task, addr: number, lenAddr: number, name: string | null): number {
  return putAddr(t, addr, lenAddr, addrBytes(name));
}

/** find the socket a name refers to (abstract in the caller's network namespace, or a path) */
export function lookupName(k: Kernel, t: Task, name: string): UnixSocket | number {
  if (name.startsWith("@")) return t.nsproxy.net.abstract.get(name) ?? -E.ECONNREFUSED;
  const lk = k.resolve(t, name, true);
  if (typeof lk === "number") return lk;
  if (lk.missing) return -E.ENOENT;
  const n = lk.loc.node;
  if (!(n instanceof SocketInode)) return (n.mode & 0o170000) === S_IFSOCK ? -E.ECONNREFUSED : -E.ECONNREFUSED;
  if (!n.sock || n.sock.closed) return -E.ECONNREFUSED;
  return n.sock;
}

export const sysBind: Handler = (k, t, r) => {
  const nl = netlinkOf(t, iarg(r, 0));
  if (nl) return NL.nlBind(k, t, nl, uarg(r, 1), u32arg(r, 2));
  const s = sock(t, iarg(r, 0));
  if (typeof s === "number") return s;
  const name = readAddr(t, uarg(r, 1), u32arg(r, 2));
  if (typeof name === "number") return name;
  if (s.name !== null) return -E.EINVAL;
  if (name === "") {
    // autobind: an abstract name of five hex digits
    let n = 0;
    while (t.nsproxy.net.abstract.has("@" + n.toString(16).padStart(5, "0"))) n++;
    s.name = "@" + n.toString(16).padStart(5, "0");
  } else if (name.startsWith("@")) {
    if (t.nsproxy.net.abstract.has(name)) return -E.EADDRINUSE;
    s.name = name;
  } else {
    const lk = k.resolve(t, name, false);
    if (typeof lk === "number") return lk;
    if (!lk.missing) return -E.EADDRINUSE;
    const inode = new SocketInode(s, 0o777 & ~t.fs.umask);
    inode.uid = t.cred.fsuid;
    inode.gid = t.cred.fsgid;
    const rr = lk.parent.node.link(lk.name, inode);
    if (rr < 0) return rr;
    s.name = name;
    s.unbind = () => {
      inode.sock = null;
    };
    return 0;
  }
  const ns = t.nsproxy.net;
  ns.abstract.set(s.name, s);
  s.unbind = () => {
    if (ns.abstract.get(s.name!) === s) ns.abstract.delete(s.name!);
  };
  return 0;
};

export const sysListen: Handler = (_k, t, r) => {
  if (netlinkOf(t, iarg(r, 0))) return -E.EOPNOTSUPP;
  const s = sock(t, iarg(r, 0));
  if (typeof s === "number") return s;
  if (!s.connectionOriented) return -E.EOPNOTSUPP;
  if (s.state === "connected") return -E.EINVAL;
  if (s.name === null) return -E.EINVAL;
  s.state = "listening";
  s.maxBacklog = Math.max(1, Math.min(iarg(r, 1) < 0 ? 4096 : iarg(r, 1), 4096));
  return 0;
};

export const sysConnect: Handler = (k, t, r) => untilDone(() => connectOnce(k, t, r));

/** one try of connect: BLOCK when it must wait (the handler sleeps and tries again) */
function connectOnce(k: Kernel, t: Task, r: Regs): OpResult | Refusal {
  const nl = netlinkOf(t, iarg(r, 0));
  if (nl) return NL.nlConnect(k, t, nl, uarg(r, 1), u32arg(r, 2));
  const s = sock(t, iarg(r, 0));
  if (typeof s === "number") return s;
  const f = t.files.lookup(iarg(r, 0))!;
  const name = readAddr(t, uarg(r, 1), u32arg(r, 2));
  if (typeof name === "number") return name;
  if (name === "") return -E.EINVAL;
  const target = lookupName(k, t, name);
  if (typeof target === "number") return target;
  if (target.sockType !== s.sockType) return -E.EPROTOTYPE;
  if (!s.connectionOriented) {
    s.peer = target;
    s.state = "connected";
    s.peerGone = false;
    return 0;
  }
  if (s.state === "connected") return -E.EISCONN;
  if (target.state !== "listening") return -E.ECONNREFUSED;
  if (target.backlog.length >= target.maxBacklog) {
    if (f.flags & O_NONBLOCK) return -E.EAGAIN;
    target.readQ.add(t);
    target.writeQ.add(t);
    k.sched.sleep(t);
    return BLOCK;
  }
  // the server side of the connection waits in the listener's backlog until accept
  const server = new UnixSocket(s.sockType, target.cred);
  server.peer = s;
  server.state = "connected";
  server.name = target.name;
  server.peerCred = s.cred;
  s.peer = server;
  s.state = "connected";
  s.peerCred = target.cred;
  target.backlog.push(server);
  target.changed();
  return 0;
}

function accept(k: Kernel, t: Task, fd: number, addr: number, lenAddr: number, flags: number): OpResult {
  if (netlinkOf(t, fd)) return -E.EOPNOTSUPP;
  const s = sock(t, fd);
  if (typeof s === "number") return s;
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return -E.EINVAL;
  if (!s.connectionOriented) return -E.EOPNOTSUPP;
  if (s.state !== "listening") return -E.EINVAL;
  const conn = s.backlog.shift();
  if (!conn) {
    if (t.files.lookup(fd)!.flags & O_NONBLOCK) return -E.EAGAIN;
    s.readQ.add(t);
    k.sched.sleep(t);
    return BLOCK;
  }
  s.changed();
  const nfd = install(t, conn, flags);
  if (nfd < 0) return nfd;
  const e = writeAddr(t, addr, lenAddr, conn.peer?.name ?? null);
  return e < 0 ? e : nfd;
}

export const sysAccept: Handler = (k, t, r) => untilDone(() => accept(k, t, iarg(r, 0), uarg(r, 1), uarg(r, 2), 0));
export const sysAccept4: Handler = (k, t, r) => untilDone(() => accept(k, t, iarg(r, 0), uarg(r, 1), uarg(r, 2), iarg(r, 3)));

export const sysGetsockname: Handler = (_k, t, r) => {
  const nl = netlinkOf(t, iarg(r, 0));
  if (nl) return NL.nlGetname(t, nl, uarg(r, 1), uarg(r, 2), false);
  const s = sock(t, iarg(r, 0));
  if (typeof s === "number") return s;
  return writeAddr(t, uarg(r, 1), uarg(r, 2), s.name);
};

export const sysGetpeername: Handler = (_k, t, r) => {
  const nl = netlinkOf(t, iarg(r, 0));
  if (nl) return NL.nlGetname(t, nl, uarg(r, 1), uarg(r, 2), true);
  const s = sock(t, iarg(r, 0));
  if (typeof s === "number") return s;
  if (s.state !== "connected" || s.peer === null) return -E.ENOTCONN;
  return writeAddr(t, uarg(r, 1), uarg(r, 2), s.connectionOriented ? s.peer.name : s.peer.name);
};

export const sysShutdown: Handler = (_k, t, r) => {
  if (netlinkOf(t, iarg(r, 0))) return -E.EOPNOTSUPP;
  const s = sock(t, iarg(r, 0));
  if (typeof s === "number") return s;
  const how = iarg(r, 1);
  if (how < SHUT_RD || how > SHUT_RDWR) return -E.EINVAL;
  if (s.state !== "connected") return -E.ENOTCONN;
  if (how !== SHUT_WR) s.shutRd = true;
  if (how !== SHUT_RD) {
    s.shutWr = true;
    if (s.peer) {
      s.peer.peerGone = s.connectionOriented;
      s.peer.changed();
    }
  }
  s.changed();
  return 0;
};

export const sysRecvfrom: Handler = (k, t, r) => untilDone(() => recvfromOnce(k, t, r));

/** one try of recvfrom: BLOCK when it must wait (the handler sleeps and tries again) */
function recvfromOnce(_k: Kernel, t: Task, r: Regs): OpResult | Refusal {
  const nl = netlinkOf(t, iarg(r, 0));
  if (nl) return NL.nlRecvfrom(t, t.files.lookup(iarg(r, 0))!, nl, uarg(r, 1), Math.min(uarg(r, 2), 1 << 24), iarg(r, 3), uarg(r, 4), uarg(r, 5));
  const s = sock(t, iarg(r, 0));
  if (typeof s === "number") return s;
  const f = t.files.lookup(iarg(r, 0))!;
  const flags = iarg(r, 3);
  const n = Math.min(uarg(r, 2), 1 << 24);
  const p = recv(s, n, flags, f, t);
  if (typeof p !== "object") return p;
  for (const x of p.files) x.put();
  const k2 = Math.min(n, p.data.length);
  if (k2 > 0 && !t.mm!.write(uarg(r, 1), p.data, 0, k2)) return -E.EFAULT;
  if (uarg(r, 4) !== 0) {
    const e = writeAddr(t, uarg(r, 4), uarg(r, 5), p.from);
    if (e < 0) return e;
  }
  return flags & MSG_TRUNC ? p.data.length : k2;
}

/** recvmsg(fd, msghdr, flags): SCM_RIGHTS files become new descriptors */
export const sysRecvmsg: Handler = (k, t, r) => untilDone(() => recvmsgOnce(k, t, r));

/** one try of recvmsg: BLOCK when it must wait (the handler sleeps and tries again) */
function recvmsgOnce(_k: Kernel, t: Task, r: Regs): OpResult | Refusal {
  const hAddr = uarg(r, 1);
  const flags = iarg(r, 2);
  const nl = netlinkOf(t, iarg(r, 0));
  if (nl) return NL.nlRecvmsg(t, t.files.lookup(iarg(r, 0))!, nl, hAddr, flags);
  const s = sock(t, iarg(r, 0));
  if (typeof s === "number") return s;
  const f = t.files.lookup(iarg(r, 0))!;
  const h = readMsghdr(t, hAddr);
  if (typeof h === "number") return h;
  const total = iovLength(h.iov);
  const p = recv(s, total, flags, f, t);
  if (typeof p !== "object") return p;
  if (!scatter(t, h.iov, p.data)) return -E.EFAULT;
  let msgFlags = p.data.length > total ? MSG_TRUNC : 0;
  // control messages: received descriptors
  const ctl = h.control;
  const ctlLen = h.controllen;
  let used = 0;
  if (p.files.length > 0) {
    const need = 16 + 4 * p.files.length;
    if (ctl === 0 || ctlLen < need) {
      for (const x of p.files) x.put();
      msgFlags |= 8; // MSG_CTRUNC
    } else {
      const c = new Uint8Array((need + 7) & ~7);
      const cv = new DataView(c.buffer);
      cv.setUint32(0, need, true);
      cv.setInt32(8, SOL_SOCKET, true);
      cv.setInt32(12, SCM_RIGHTS, true);
      p.files.forEach((x, i) => {
        const nfd = t.files.alloc(x, (flags & MSG_CMSG_CLOEXEC) !== 0, 0, rlimit(t, RLIMIT_NOFILE));
        cv.setInt32(16 + 4 * i, nfd, true);
      });
      if (!t.mm!.write(ctl, c)) return -E.EFAULT;
      used = c.length;
    }
  } else if (s.passcred && p.cred && ctl !== 0 && ctlLen >= 28) {
    const c = new Uint8Array(32);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 28, true);
    cv.setInt32(8, SOL_SOCKET, true);
    cv.setInt32(12, SCM_CREDENTIALS, true);
    cv.setInt32(16, p.cred.pid, true);
    cv.setUint32(20, munged(t.cred.userns.uidMap, p.cred.uid), true);
    cv.setUint32(24, munged(t.cred.userns.gidMap, p.cred.gid), true);
    if (!t.mm!.write(ctl, c)) return -E.EFAULT;
    used = 32;
  }
  let namelen: number | null = null;
  if (h.name !== 0) {
    const name = addrBytes(p.from);
    if (!t.mm!.write(h.name, name, 0, Math.min(h.namelen, name.length))) return -E.EFAULT;
    namelen = p.from === null && s.connectionOriented ? 0 : name.length;
  }
  if (!finishMsghdr(t, hAddr, h, namelen, used, msgFlags)) return -E.EFAULT;
  return flags & MSG_TRUNC ? p.data.length : Math.min(total, p.data.length);
}

export const sysSetsockopt: Handler = (_k, t, r) => {
  const nl = netlinkOf(t, iarg(r, 0));
  const s = nl ?? sock(t, iarg(r, 0));
  if (typeof s === "number") return s;
  const level = iarg(r, 1);
  const opt = iarg(r, 2);
  const len = u32arg(r, 4);
  const v = nl && len < 4 ? 0 : t.mm!.readU32(uarg(r, 3));
  if (v === null) return -E.EFAULT;
  if (nl && level === NL.SOL_NETLINK) return NL.nlSetsockopt(t, nl, opt, v, len);
  if (level !== SOL_SOCKET) return -E.ENOPROTOOPT;
  switch (opt) {
    case SO_PASSCRED:
      s.passcred = v !== 0;
      return 0;
    case SO_SNDBUF: case SO_RCVBUF: case SO_REUSEADDR: case SO_KEEPALIVE: case SO_LINGER: case SO_RCVTIMEO: case SO_SNDTIMEO:
      return 0;
    default:
      return -E.ENOPROTOOPT;
  }
};

export const sysGetsockopt: Handler = (_k, t, r) => {
  const nl = netlinkOf(t, iarg(r, 0));
  const s = nl ?? sock(t, iarg(r, 0));
  if (typeof s === "number") return s;
  const level = iarg(r, 1);
  const opt = iarg(r, 2);
  const lenAddr = uarg(r, 4);
  const have = t.mm!.readU32(lenAddr);
  if (have === null) return -E.EFAULT;
  let b: Uint8Array;
  const int = (v: number) => {
    const x = new Uint8Array(4);
    new DataView(x.buffer).setInt32(0, v, true);
    return x;
  };
  if (nl && level === NL.SOL_NETLINK) {
    const got = NL.nlGetsockopt(nl, opt, have);
    if (typeof got === "number") return got;
    b = got;
  } else {
    if (level !== SOL_SOCKET) return -E.ENOPROTOOPT;
    const unix = nl ? null : (s as UnixSocket);
    switch (opt) {
      case SO_TYPE: b = int(s.sockType); break;
      case SO_DOMAIN: b = int(nl ? AF_NETLINK : AF_UNIX); break;
      case SO_PROTOCOL: b = int(nl ? nl.protocol : 0); break;
      case SO_ERROR: b = int(0); break;
      case SO_ACCEPTCONN: b = int(unix?.state === "listening" ? 1 : 0); break;
      case SO_PASSCRED: b = int(s.passcred ? 1 : 0); break;
      case SO_SNDBUF: case SO_RCVBUF: b = int(212992); break;
      case SO_PEERCRED: {
        b = new Uint8Array(12);
        const dv = new DataView(b.buffer);
        const c = unix?.peerCred;
        dv.setInt32(0, c ? c.pid : 0, true);
        dv.setUint32(4, c ? munged(t.cred.userns.uidMap, c.uid) : 65534, true);
        dv.setUint32(8, c ? munged(t.cred.userns.gidMap, c.gid) : 65534, true);
        break;
      }
      default:
        return -E.ENOPROTOOPT;
    }
  }
  const n = Math.min(have, b.length);
  if (!t.mm!.write(uarg(r, 3), b, 0, n)) return -E.EFAULT;
  return t.mm!.writeU32(lenAddr, n) ? 0 : -E.EFAULT;
};

export type { Packet };
