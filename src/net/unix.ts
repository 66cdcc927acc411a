// AF_UNIX sockets (Linux: net/unix/af_unix.c): stream, datagram and seqpacket sockets, bound to
// filesystem paths or to abstract names (per network namespace), with SCM_RIGHTS.

import * as E from "../base/errno.js";
import { BLOCK, OpResult } from "../base/errno.js";
import { WaitQueue, Sleeper } from "../base/waitqueue.js";
import { FileOps, OpenFile, O_NONBLOCK } from "../fs/file.js";
import { Node, S_IFSOCK } from "../fs/node.js";
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRNORM } from "../fs/poll.js";

export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
const BUF_LIMIT = 212992;

/** a chunk of stream data or one datagram, with the descriptions SCM_RIGHTS carries */
export interface Packet {
  data: Uint8Array;
  files: OpenFile[];
  from: string | null;
  cred: { pid: number; uid: number; gid: number } | null;
}

export interface Cred {
  pid: number;
  uid: number;
  gid: number;
}

export class UnixSocket extends Node {
  state: "unconnected" | "listening" | "connected" = "unconnected";
  peer: UnixSocket | null = null;
  /** bound name: "/path", "@abstract", or null */
  name: string | null = null;
  /** a connection-oriented socket's queue of not-yet-accepted connections */
  backlog: UnixSocket[] = [];
  maxBacklog = 0;
  readonly rx: Packet[] = [];
  rxBytes = 0;
  /** shutdown: no more reading / writing */
  shutRd = false;
  shutWr = false;
  /** the other side closed */
  peerGone = false;
  closed = false;
  readonly readQ = new WaitQueue();
  readonly writeQ = new WaitQueue();
  pollGen = 0;
  /** credentials of the peer at connect time (SO_PEERCRED) and our own */
  peerCred: Cred | null = null;
  passcred = false;
  /** the network namespace the socket was made in (device ioctls act on it) */
  netns: import("./netlink.js").NetlinkNet | null = null;

  constructor(readonly sockType: number, public cred: Cred) {
    super(S_IFSOCK | 0o777);
    this.dev = 0x8;
  }

  get connectionOriented(): boolean {
    return this.sockType !== SOCK_DGRAM;
  }

  changed(): void {
    this.pollGen++;
    this.readQ.wakeAll();
    this.writeQ.wakeAll();
  }

  /** queue data for this socket to read; false when full */
  deliver(p: Packet): boolean {
    if (this.rxBytes + p.data.length > BUF_LIMIT && this.rx.length > 0) return false;
    this.rx.push(p);
    this.rxBytes += p.data.length;
    this.changed();
    return true;
  }

  /** take up to n bytes (stream: across chunks up to a chunk carrying files; otherwise one packet) */
  take(n: number, peek: boolean): Packet | null {
    if (this.rx.length === 0) return null;
    if (this.sockType !== SOCK_STREAM) {
      const p = this.rx[0];
      if (!peek) {
        this.rx.shift();
        this.rxBytes -= p.data.length;
        this.changed();
      }
      return p;
    }
    const out: Uint8Array[] = [];
    let files: OpenFile[] = [];
    let got = 0;
    let i = 0;
    while (i < this.rx.length && got < n) {
      const p = this.rx[i];
      // file descriptors stop a read at their chunk's boundary (Linux: unix_stream_read_generic)
      if (p.files.length > 0 && got > 0) break;
      const k = Math.min(p.data.length, n - got);
      out.push(p.data.subarray(0, k));
      got += k;
      if (p.files.length > 0) files = p.files;
      if (!peek) {
        if (k === p.data.length) {
          this.rx.splice(i, 1);
        } else {
          this.rx[i] = { ...p, data: p.data.subarray(k), files: [] };
          i++;
        }
        this.rxBytes -= k;
      } else i++;
      if (files.length > 0) break;
    }
    const data = new Uint8Array(got);
    let o = 0;
    for (const c of out) {
      data.set(c, o);
      o += c.length;
    }
    if (!peek) this.changed();
    return { data, files, from: null, cred: null };
  }

  readonly ops: FileOps = {
    seekable: false,
    read: (f, dst, who) => {
      const r = recv(this, dst.length, 0, f, who);
      if (typeof r !== "object") return r;
      dst.set(r.data.subarray(0, Math.min(dst.length, r.data.length)));
      for (const x of r.files) x.put();
      return Math.min(dst.length, r.data.length);
    },
    write: (f, src, who) => send(this, { data: src.slice(), files: [], from: this.name, cred: this.cred }, null, f, who, 0),
    poll: (_f, who) => {
      let ev = 0;
      if (this.rx.length > 0 || this.backlog.length > 0) ev |= POLLIN | POLLRDNORM;
      if (this.shutRd || (this.connectionOriented && this.peerGone)) ev |= POLLIN | POLLRDNORM | POLLRDHUP;
      if (this.connectionOriented && this.peerGone && this.shutWr) ev |= POLLHUP;
      const target = this.peer;
      if (this.state === "connected" && target && !this.peerGone && target.rxBytes < BUF_LIMIT && !this.shutWr) ev |= POLLOUT | POLLWRNORM;
      if (!this.connectionOriented && this.state !== "connected") ev |= POLLOUT | POLLWRNORM;
      if (this.connectionOriented && this.peerGone && !this.shutWr) ev |= POLLOUT | POLLERR;
      if (ev === 0 && who) {
        this.readQ.add(who);
        this.writeQ.add(who);
      }
      return ev;
    },
    release: () => {
      this.closed = true;
      const p = this.peer;
      if (p) {
        p.peerGone = true;
        p.changed();
      }
      for (const pending of this.backlog) {
        pending.peer?.changed();
        if (pending.peer) pending.peer.peerGone = true;
      }
      for (const pk of this.rx) for (const x of pk.files) x.put();
      this.rx.length = 0;
      this.unbind?.();
      this.changed();
    },
  };

  /** set by bind: removes the name (abstract names go with the socket) */
  unbind: (() => void) | null = null;
}

/** the inode a filesystem-bound socket leaves at its path */
export class SocketInode extends Node {
  constructor(public sock: UnixSocket | null, mode: number) {
    super(S_IFSOCK | (mode & 0o7777));
  }
}

export function send(s: UnixSocket, p: Packet, to: UnixSocket | null, f: OpenFile, who: Sleeper, flags: number): OpResult {
  if (s.shutWr) return -E.EPIPE;
  let target = to;
  if (target === null) {
    if (s.state !== "connected") return s.connectionOriented ? -E.ENOTCONN : -E.EDESTADDRREQ;
    if (s.peerGone) return s.connectionOriented ? -E.EPIPE : -E.ECONNREFUSED;
    target = s.peer;
  }
  if (target === null || target.closed) return s.connectionOriented ? -E.EPIPE : -E.ECONNREFUSED;
  if (target.shutRd && s.connectionOriented) return -E.EPIPE;
  if (!s.connectionOriented && p.data.length > BUF_LIMIT) return -E.EMSGSIZE;
  if (!target.deliver(p)) {
    if (f.flags & O_NONBLOCK || flags & 0x40 /* MSG_DONTWAIT */) return -E.EAGAIN;
    target.writeQ.add(who);
    s.writeQ.add(who);
    return BLOCK;
  }
  return p.data.length;
}

export function recv(s: UnixSocket, n: number, flags: number, f: OpenFile, who: Sleeper): Packet | number | typeof BLOCK {
  const peek = (flags & 2) !== 0; // MSG_PEEK
  const p = s.take(n, peek);
  if (p !== null) return p;
  if (s.connectionOriented && s.state !== "connected" && s.state !== "unconnected") return -E.EINVAL;
  if (s.connectionOriented && s.state === "unconnected") return -E.ENOTCONN;
  if (s.shutRd || (s.connectionOriented && s.peerGone)) return { data: new Uint8Array(0), files: [], from: null, cred: null };
  if (f.flags & O_NONBLOCK || flags & 0x40) return -E.EAGAIN;
  s.readQ.add(who);
  return BLOCK;
}

