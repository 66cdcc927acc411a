// AF_NETLINK sockets (Linux: net/netlink/af_netlink.c): datagram sockets that talk to the kernel
// (port id 0) or to each other, bound to a port id in their network namespace. The kernel side
// of each protocol answers synchronously while the message is sent; a dump is handed out one
// batch per receive, ending with NLMSG_DONE, as netlink_dump does.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { WaitQueue, Sleeper } from "../base/waitqueue.js";
import { FileOps, O_NONBLOCK } from "../fs/file.js";
import { Node, S_IFSOCK } from "../fs/node.js";
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from "../fs/poll.js";
import { NLMSG_HDRLEN, NLMSG_MIN_TYPE, NLM_F_ACK, NLM_F_REQUEST, ackMessage, align4, doneMessage, parseHeader } from "./nlmsg.js";
import type { NetDevice } from "./netdev.js";
import type { UserNamespace } from "../cred/userns.js";

export const NETLINK_ROUTE = 0;
const SOCK_BUF = 212992;
/** a dump batch is at least NLMSG_GOODSIZE (a page less the skb overhead on x86-64), or as
 *  large as the largest receive buffer seen, up to 32 KiB */
const NLMSG_GOODSIZE = 3776, MAX_RECVMSG_LEN = 32768;

/** what a network namespace holds for netlink: its owner, its devices and the bound port ids */
export interface NetlinkNet {
  readonly owner: UserNamespace;
  readonly devices: NetDevice[];
  readonly netlinkPorts: Map<number, NetlinkSocket>;
}

/** the sender's view of the kernel while a message is handled */
export interface NetlinkCtx {
  /** CAP_NET_ADMIN in the socket's network namespace */
  admin: boolean;
  /** the caller's thread-group id in its pid namespace (the first port id autobind tries) */
  tgid: number;
  /** hundredths of a second since boot (address timestamps) */
  now: number;
  /** a random integer in [0, n) (autobind's fallback port ids) */
  random(n: number): number;
}

/** what a protocol's kernel side makes of one request message */
export interface NlAnswer {
  /** 0 or -errno: an error (or, with NLM_F_ACK, success) is acknowledged */
  err: number;
  /** why err: the sender only sees the errno in the acknowledgement */
  reason?: string;
  /** answers to queue before the acknowledgement */
  replies?: Uint8Array[];
  /** start a dump of these messages (no acknowledgement) */
  dump?: Uint8Array[];
}

export type NlProtocol = (net: NetlinkNet, ctx: NetlinkCtx, portid: number, msg: Uint8Array) => NlAnswer;

export interface Datagram {
  data: Uint8Array;
  /** sender's port id (0: the kernel) and the multicast group bit mask it was sent to */
  from: number;
  groups: number;
}

export class NetlinkSocket extends Node {
  portid = 0;
  bound = false;
  /** connect(): default destination */
  dstPortid = 0;
  dstGroup = 0;
  /** multicast groups joined (bit n-1 for group n) */
  groups = 0;
  /** SOL_NETLINK flags by option number (NETLINK_CAP_ACK, NETLINK_EXT_ACK, ...) */
  readonly options = new Set<number>();
  /** CAP_NET_ADMIN of whoever opened the socket (Linux: netlink_net_capable checks the opener's
   *  credentials as well as the sender's) */
  openerAdmin = false;
  /** SO_PASSCRED: kept, but no credentials are attached to what the kernel sends */
  passcred = false;
  private maxRecvLen = 0;
  private readonly rx: Datagram[] = [];
  /** a running dump: the messages still to hand out and the request's sequence number */
  private dump: { msgs: Uint8Array[]; seq: number } | null = null;
  readonly readQ = new WaitQueue();
  pollGen = 0;

  constructor(readonly sockType: number, readonly protocol: number, readonly net: NetlinkNet, private readonly handler: NlProtocol,
    private readonly ctxFor: (who: Sleeper) => NetlinkCtx) {
    super(S_IFSOCK | 0o777);
    this.dev = 0x8;
  }

  /** bind to a port id, or let the kernel pick one with pid 0; groups replace the joined ones */
  bind(pid: number, groups: number, ctx: NetlinkCtx): number {
    if (this.bound && pid !== this.portid) return -E.EINVAL;
    if (!this.bound) {
      if (pid !== 0) {
        if (this.net.netlinkPorts.has(pid)) return -E.EADDRINUSE;
        this.insert(pid);
      } else this.autobind(ctx);
    }
    this.groups = groups;
    return 0;
  }

  /** the caller's tgid if free, else a random negative id (Linux: netlink_autobind) */
  autobind(ctx: NetlinkCtx): void {
    if (this.bound) return;
    let id = ctx.tgid;
    let rover = -4096;
    while (this.net.netlinkPorts.has(id)) {
      if (rover === -4096) rover = -(2 ** 31) + ctx.random(2 ** 31 - 4096);
      id = rover--;
    }
    this.insert(id);
  }

  private insert(id: number): void {
    this.portid = id;
    this.bound = true;
    this.net.netlinkPorts.set(id, this);
  }

  /** sendmsg: to the kernel (port 0) and/or a multicast group, or to another socket */
  send(data: Uint8Array, dst: { pid: number; groups: number } | null, ctx: NetlinkCtx): number {
    const pid = dst ? dst.pid : this.dstPortid;
    const group = dst ? ffs(dst.groups) : this.dstGroup;
    if (dst && (dst.pid !== 0 || group !== 0) && !ctx.admin) return -E.EPERM;
    this.autobind(ctx);
    if (data.length > SOCK_BUF - 32) return -E.EMSGSIZE;
    if (group !== 0) {
      for (const s of this.net.netlinkPorts.values())
        if (s.protocol === this.protocol && s.portid !== pid && s.groups & (1 << (group - 1))) s.queue({ data: data.slice(), from: this.portid, groups: 1 << (group - 1) });
    }
    if (pid !== 0) {
      const peer = this.net.netlinkPorts.get(pid);
      if (!peer || peer.protocol !== this.protocol) return -E.ECONNREFUSED;
      peer.queue({ data: data.slice(), from: this.portid, groups: 0 });
      return data.length;
    }
    this.kernelReceive(data, ctx);
    return data.length;
  }

  /** the kernel side reads every message of a datagram in turn (Linux: netlink_rcv_skb) */
  private kernelReceive(data: Uint8Array, ctx: NetlinkCtx): void {
    for (let o = 0; data.length - o >= NLMSG_HDRLEN; ) {
      const h = parseHeader(data, o);
      if (h.len < NLMSG_HDRLEN || h.len > data.length - o) return;
      const msg = data.subarray(o, o + h.len);
      let err = 0;
      let acked = true;
      // only requests are handled; control messages are only acknowledged
      if (h.flags & NLM_F_REQUEST && h.type >= NLMSG_MIN_TYPE) {
        const a = this.handler(this.net, { ...ctx, admin: ctx.admin && this.openerAdmin }, this.portid, msg);
        err = a.err;
        for (const r of a.replies ?? []) this.queue({ data: r, from: 0, groups: 0 });
        if (a.dump && err === 0) {
          if (this.dump) err = -E.EBUSY;
          else {
            this.dump = { msgs: a.dump, seq: h.seq };
            this.continueDump();
            acked = false;
          }
        }
      }
      if (acked && (h.flags & NLM_F_ACK || err !== 0)) this.queue({ data: ackMessage(msg, err, this.portid, this.options.has(NETLINK_CAP_ACK)), from: 0, groups: 0 });
      o += Math.min(align4(h.len), data.length - o);
    }
  }

  /** queue the next batch of a dump: as many messages as fit, then NLMSG_DONE on its own */
  private continueDump(): void {
    const d = this.dump;
    if (d === null) return;
    if (d.msgs.length === 0) {
      this.dump = null;
      this.queue({ data: doneMessage(d.seq, this.portid), from: 0, groups: 0 });
      return;
    }
    const limit = Math.max(NLMSG_GOODSIZE, this.maxRecvLen);
    let n = 0;
    let size = 0;
    while (n < d.msgs.length && (n === 0 || size + d.msgs[n].length <= limit)) size += d.msgs[n++].length;
    const batch = new Uint8Array(size);
    let o = 0;
    for (const m of d.msgs.splice(0, n)) {
      batch.set(m, o);
      o += m.length;
    }
    this.queue({ data: batch, from: 0, groups: 0 });
  }

  queue(d: Datagram): void {
    this.rx.push(d);
    this.pollGen++;
    this.readQ.wakeAll();
  }

  /** take one datagram (a receive of `want` bytes); a running dump then queues its next batch */
  recv(want: number, peek: boolean, nonblock: boolean, who: Sleeper): Datagram | number | typeof BLOCK {
    this.maxRecvLen = Math.min(Math.max(this.maxRecvLen, want), MAX_RECVMSG_LEN);
    const d = this.rx[0];
    if (d === undefined) {
      if (nonblock) return -E.EAGAIN;
      this.readQ.add(who);
      return BLOCK;
    }
    if (!peek) this.rx.shift();
    this.continueDump();
    return d;
  }

  readonly ops: FileOps = {
    seekable: false,
    read: (f, dst, who) => {
      const d = this.recv(dst.length, false, (f.flags & O_NONBLOCK) !== 0, who);
      if (typeof d !== "object") return d;
      const n = Math.min(dst.length, d.data.length);
      dst.set(d.data.subarray(0, n));
      return n;
    },
    // a write is a send to the connected destination; an empty one does nothing (sock_write_iter)
    write: (_f, src, who) => (src.length === 0 ? 0 : this.send(src.slice(), null, this.ctxFor(who))),
    poll: (_f, who) => {
      const ev = POLLOUT | POLLWRNORM | (this.rx.length > 0 ? POLLIN | POLLRDNORM : 0);
      if (!(ev & POLLIN) && who) this.readQ.add(who);
      return ev;
    },
    release: () => {
      if (this.bound && this.net.netlinkPorts.get(this.portid) === this) this.net.netlinkPorts.delete(this.portid);
      this.rx.length = 0;
      this.dump = null;
    },
  };
}

/** SOL_NETLINK options that are flags (linux/netlink.h) */
export const NETLINK_PKTINFO = 3, NETLINK_BROADCAST_ERROR = 4, NETLINK_NO_ENOBUFS = 5, NETLINK_CAP_ACK = 10,
  NETLINK_EXT_ACK = 11, NETLINK_GET_STRICT_CHK = 12;

function ffs(x: number): number {
  return x === 0 ? 0 : 31 - Math.clz32(x & -x) + 1;
}

