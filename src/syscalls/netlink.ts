// Socket calls on AF_NETLINK sockets (Linux: net/netlink/af_netlink.c's proto_ops): the
// protocol-independent parts live in socket.ts, which hands netlink sockets over to these.

import * as E from "../base/errno.js";

import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { OpenFile, O_CLOEXEC, O_NONBLOCK, O_RDWR } from "../fs/file.js";
import { nsCapable } from "../cred/userns.js";
import { CAP_NET_ADMIN, CAP_NET_BROADCAST } from "../cred/capability.js";
import { vtgid } from "../kernel/pidns.js";
import { NETLINK_ROUTE, NetlinkCtx, NetlinkSocket } from "../net/netlink.js";
import { rtnetlink } from "../net/rtnetlink.js";
import { centisecs } from "./netdev.js";
import { finishMsghdr, iovLength, putAddr, readMsghdr, scatter } from "./msghdr.js";
import { RLIMIT_NOFILE, rlimit } from "../kernel/rlimit.js";
import type { OpResult } from "../base/errno.js";
import { refuse, type Refusal } from "../base/errno.js";

export const AF_NETLINK = 16;
const SOCK_DGRAM = 2, SOCK_RAW = 3;
/** protocol numbers run below MAX_LINKS */
const MAX_LINKS = 32;
const SOCKADDR_NL_LEN = 12;
const MSG_OOB = 1, MSG_PEEK = 2, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40;

function ctxFor(k: Kernel, t: Task, s: { net: NetlinkSocket["net"] }): NetlinkCtx {
  return {
    admin: nsCapable(t.cred, s.net.owner, CAP_NET_ADMIN),
    tgid: vtgid(t, t),
    now: centisecs(k),
    random: (n) => k.rand.below(n),
  };
}

/** socket(AF_NETLINK, type, protocol): raw or datagram, NETLINK_ROUTE only */
export function nlSocket(k: Kernel, t: Task, rawType: number, proto: number): number | Refusal {
  const type = rawType & 0xf;
  if (type !== SOCK_RAW && type !== SOCK_DGRAM) return -E.ESOCKTNOSUPPORT;
  if (proto < 0 || proto >= MAX_LINKS) return -E.EPROTONOSUPPORT;
  if (proto !== NETLINK_ROUTE) {
    return refuse(E.EPROTONOSUPPORT, `netlink protocol ${proto} is not implemented (NETLINK_ROUTE is)`);
  }
  const net = t.nsproxy.net;
  const s: NetlinkSocket = new NetlinkSocket(type, proto, net, rtnetlink, (who) => ctxFor(k, who as Task, s));
  // rtnetlink's privileged requests need the capability in whoever opened the socket too
  s.openerAdmin = nsCapable(t.cred, net.owner, CAP_NET_ADMIN);
  const f = new OpenFile(s, O_RDWR | (rawType & O_NONBLOCK), s.ops, `socket:[${s.ino}]`);
  const fd = t.files.alloc(f, (rawType & O_CLOEXEC) !== 0, 0, rlimit(t, RLIMIT_NOFILE));
  if (fd < 0) f.put();
  return fd;
}

/** struct sockaddr_nl: family, pad, port id, groups */
function nlAddr(pid: number, groups: number): Uint8Array {
  const b = new Uint8Array(SOCKADDR_NL_LEN);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, AF_NETLINK, true);
  dv.setInt32(4, pid, true);
  dv.setUint32(8, groups >>> 0, true);
  return b;
}

/** a sockaddr_nl from user memory as { pid, groups }, or -errno */
function readNlAddr(t: Task, addr: number, len: number): { family: number; pid: number; groups: number } | number {
  if (len > 128 || (len | 0) < 0) return -E.EINVAL;
  const b = t.mm!.read(addr, Math.min(len, SOCKADDR_NL_LEN));
  if (b === null) return -E.EFAULT;
  const full = new Uint8Array(SOCKADDR_NL_LEN);
  full.set(b);
  const dv = new DataView(full.buffer);
  return { family: len >= 2 ? dv.getUint16(0, true) : -1, pid: dv.getInt32(4, true), groups: dv.getUint32(8, true) };
}

export function nlBind(k: Kernel, t: Task, s: NetlinkSocket, addr: number, len: number): number {
  const a = readNlAddr(t, addr, len);
  if (typeof a === "number") return a;
  if (len < SOCKADDR_NL_LEN || a.family !== AF_NETLINK) return -E.EINVAL;
  return s.bind(a.pid, a.groups, ctxFor(k, t, s));
}

/** connect: the default destination; AF_UNSPEC dissolves it */
export function nlConnect(k: Kernel, t: Task, s: NetlinkSocket, addr: number, len: number): number {
  const a = readNlAddr(t, addr, len);
  if (typeof a === "number") return a;
  if (len < 2) return -E.EINVAL;
  if (a.family === 0) {
    s.dstPortid = 0;
    s.dstGroup = 0;
    return 0;
  }
  if (a.family !== AF_NETLINK || len < SOCKADDR_NL_LEN) return -E.EINVAL;
  const ctx = ctxFor(k, t, s);
  if ((a.groups || a.pid) && !ctx.admin) return -E.EPERM;
  s.autobind(ctx);
  s.dstPortid = a.pid;
  s.dstGroup = a.groups === 0 ? 0 : 32 - Math.clz32(a.groups & -a.groups);
  return 0;
}

export function nlGetname(t: Task, s: NetlinkSocket, addr: number, lenAddr: number, peer: boolean): number {
  const b = peer ? nlAddr(s.dstPortid, s.dstGroup ? 1 << (s.dstGroup - 1) : 0) : nlAddr(s.portid, s.groups);
  return putAddr(t, addr, lenAddr, b);
}

/** sendto/sendmsg: `to` is the address (0 for none) */
export function nlSend(k: Kernel, t: Task, s: NetlinkSocket, data: Uint8Array, to: number, toLen: number, flags: number): number {
  if (flags & MSG_OOB) return -E.EOPNOTSUPP;
  if (data.length === 0) return -E.ENODATA;
  let dst: { pid: number; groups: number } | null = null;
  if (to !== 0) {
    const a = readNlAddr(t, to, toLen);
    if (typeof a === "number") return a;
    if (toLen < SOCKADDR_NL_LEN || a.family !== AF_NETLINK) return -E.EINVAL;
    dst = a;
  }
  return s.send(data, dst, ctxFor(k, t, s));
}

/** recvfrom: one datagram into buf, the sender's address into addr */
export function nlRecvfrom(t: Task, f: OpenFile, s: NetlinkSocket, buf: number, len: number, flags: number, addr: number, lenAddr: number): OpResult {
  if (flags & MSG_OOB) return -E.EOPNOTSUPP;
  const d = s.recv(len, (flags & MSG_PEEK) !== 0, (f.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0, t);
  if (typeof d !== "object") return d;
  const n = Math.min(len, d.data.length);
  if (n > 0 && !t.mm!.write(buf, d.data, 0, n)) return -E.EFAULT;
  const e = putAddr(t, addr, lenAddr, nlAddr(d.from, d.groups));
  if (e < 0) return e;
  return flags & MSG_TRUNC ? d.data.length : n;
}

export function nlRecvmsg(t: Task, f: OpenFile, s: NetlinkSocket, hAddr: number, flags: number): OpResult {
  if (flags & MSG_OOB) return -E.EOPNOTSUPP;
  const h = readMsghdr(t, hAddr);
  if (typeof h === "number") return h;
  const total = iovLength(h.iov);
  const d = s.recv(total, (flags & MSG_PEEK) !== 0, (f.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0, t);
  if (typeof d !== "object") return d;
  if (!scatter(t, h.iov, d.data)) return -E.EFAULT;
  let namelen: number | null = null;
  if (h.name !== 0) {
    const a = nlAddr(d.from, d.groups);
    if (!t.mm!.write(h.name, a, 0, Math.min(h.namelen, a.length))) return -E.EFAULT;
    namelen = a.length;
  }
  const msgFlags = (flags & 0x40000000) | (d.data.length > total ? MSG_TRUNC : 0);
  if (!finishMsghdr(t, hAddr, h, namelen, 0, msgFlags)) return -E.EFAULT;
  return flags & MSG_TRUNC ? d.data.length : Math.min(total, d.data.length);
}

export const SOL_NETLINK = 270;
const NETLINK_ADD_MEMBERSHIP = 1, NETLINK_DROP_MEMBERSHIP = 2, NETLINK_LISTEN_ALL_NSID = 8;
/** options that are plain flags (linux/netlink.h): PKTINFO, BROADCAST_ERROR, NO_ENOBUFS,
 *  LISTEN_ALL_NSID, CAP_ACK, EXT_ACK, GET_STRICT_CHK; forkscope keeps them without acting on any
 *  but CAP_ACK */
const FLAG_OPTIONS = new Set([3, 4, 5, 8, 10, 11, 12]);
/** rtnetlink's multicast groups (RTNLGRP_MAX in Linux 6.18) */
const RTNLGRP_MAX = 39;

/** setsockopt(SOL_NETLINK, ...) (Linux: netlink_setsockopt) */
export function nlSetsockopt(t: Task, s: NetlinkSocket, opt: number, val: number, len: number): number {
  const v = len >= 4 ? val : 0;
  if (opt === NETLINK_ADD_MEMBERSHIP || opt === NETLINK_DROP_MEMBERSHIP) {
    if (v === 0 || v - 1 >= RTNLGRP_MAX) return -E.EINVAL;
    // groups above 32 are joined only by this option; the low 32 are the bind mask
    if (v <= 32) s.groups = opt === NETLINK_ADD_MEMBERSHIP ? s.groups | (1 << (v - 1)) : s.groups & ~(1 << (v - 1));
    return 0;
  }
  if (!FLAG_OPTIONS.has(opt)) return -E.ENOPROTOOPT;
  if (opt === NETLINK_LISTEN_ALL_NSID && !nsCapable(t.cred, s.net.owner, CAP_NET_BROADCAST)) return -E.EPERM;
  if (v) s.options.add(opt);
  else s.options.delete(opt);
  return 0;
}

/** getsockopt(SOL_NETLINK, ...) for the flag options */
export function nlGetsockopt(s: NetlinkSocket, opt: number, have: number): Uint8Array | number {
  if (!FLAG_OPTIONS.has(opt)) return -E.ENOPROTOOPT;
  if (have < 4) return -E.EINVAL;
  const b = new Uint8Array(4);
  b[0] = s.options.has(opt) ? 1 : 0;
  return b;
}
