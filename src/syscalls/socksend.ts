// sendto and sendmsg for AF_UNIX sockets (Linux: net/socket.c __sys_sendto, ____sys_sendmsg, and
// net/unix/af_unix.c's send paths): SCM_RIGHTS control messages, stream sends in pieces.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import type { OpResult, Refusal } from "../base/errno.js";
import { Handler, iarg, uarg, u32arg } from "./args.js";
import { iovLength, readMsghdr } from "./msghdr.js";
import { COPY_CHUNK, MSG_MAX, OPTMEM_MAX, UserIter, importBuf } from "./uaccess.js";
import * as NL from "./netlink.js";
import { MSG_NOSIGNAL, SCM_CREDENTIALS, SCM_RIGHTS, SOL_SOCKET, lookupName, netlinkOf, readAddr, sock } from "./socket.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import type { OpenFile } from "../fs/file.js";
import { PIPE_BUF } from "../fs/pipe.js";
import { POLLERR, POLLHUP, POLLOUT } from "../fs/poll.js";
import { SOCK_STREAM, UnixSocket, send } from "../net/unix.js";
import { hasDeliverable, sendToThread } from "../kernel/sigdeliver.js";
import { SIGPIPE, SI_USER } from "../kernel/signals.js";
import { untilDone } from "../kernel/block.js";
import type { Regs } from "../cpu/regs.js";

function doSend(k: Kernel, t: Task, fd: number, data: Uint8Array, files: OpenFile[], to: string | null, flags: number): OpResult {
  const s = sock(t, fd);
  if (typeof s === "number") return s;
  const f = t.files.lookup(fd)!;
  let target: UnixSocket | null = null;
  if (to !== null && to !== "") {
    if (s.connectionOriented) {
      if (s.state !== "connected") return -E.ENOTCONN;
      return -E.EISCONN;
    }
    const found = lookupName(k, t, to);
    if (typeof found === "number") return found;
    if (found.sockType !== s.sockType) return -E.EPROTOTYPE;
    target = found;
  }
  const res = send(s, { data, files, from: s.name, cred: s.cred }, target, f, t, flags);
  if (res === -E.EPIPE && !(flags & MSG_NOSIGNAL)) sendToThread(k, t, { signo: SIGPIPE, code: SI_USER, sender: t, uid: t.cred.uid });
  if (res !== BLOCK && typeof res === "number" && res < 0) for (const x of files) x.put();
  return res;
}

/** a whole message (at most MSG_MAX bytes), or EFAULT */
function wholeMessage(t: Task, it: UserIter): Uint8Array | number {
  const data = it.copyIn(t.mm!, 0, MSG_MAX);
  return data === null || data.length < Math.min(it.count, MSG_MAX) ? -E.EFAULT : data;
}

/** send a message: a stream socket takes it in pieces of COPY_CHUNK bytes (Linux:
 *  unix_stream_sendmsg queues it in skbs), each copied only when it is offered, and a signal
 *  after some progress ends the call with that count; other sockets take it whole.
 *  progress.done: what earlier tries of this call sent */
function sendData(k: Kernel, t: Task, fd: number, it: UserIter, files: OpenFile[], to: string | null, flags: number, progress: { done: number }): OpResult {
  const s = sock(t, fd);
  if (typeof s === "number" || s.sockType !== SOCK_STREAM) {
    const data = wholeMessage(t, it);
    if (typeof data === "number") for (const x of files) x.put();
    return typeof data === "number" ? data : doSend(k, t, fd, data, files, to, flags);
  }
  const f = t.files.lookup(fd)!;
  let done = progress.done;
  // the descriptors went with the first piece
  if (done > 0) for (const x of files.splice(0)) x.put();
  while (done < it.count || it.count === 0) {
    // a socket that can take nothing now is offered a small piece (as a pipe in doWrite)
    const full = f.ops.poll !== undefined && (f.ops.poll(f, null) & (POLLOUT | POLLERR | POLLHUP)) === 0;
    const data = it.copyIn(t.mm!, done, full ? PIPE_BUF + 1 : COPY_CHUNK);
    if (data === null) {
      for (const x of files) x.put();
      return done > 0 ? done : -E.EFAULT;
    }
    // SIGPIPE only when nothing was sent (unix_stream_sendmsg)
    const res = doSend(k, t, fd, data, files.splice(0), to, done > 0 ? flags | MSG_NOSIGNAL : flags);
    if (res === BLOCK) {
      if (done > 0 && hasDeliverable(t)) return done;
      progress.done = done;
      return BLOCK;
    }
    if (res < 0) return done > 0 ? done : res;
    done += res;
    if (it.count === 0) break;
  }
  return done;
}

export const sysSendto: Handler = (k, t, r) => {
  const progress = { done: 0 };
  return untilDone(() => sendtoOnce(k, t, r, progress));
};

/** one try of sendto: BLOCK when it must wait (the handler sleeps and tries again) */
function sendtoOnce(k: Kernel, t: Task, r: Regs, progress: { done: number }): OpResult | Refusal {
  const it = importBuf(uarg(r, 1), Math.min(uarg(r, 2), 0x7fffffff));
  if (typeof it === "number") return it;
  const nl = netlinkOf(t, iarg(r, 0));
  if (nl) {
    const data = wholeMessage(t, it);
    return typeof data === "number" ? data : NL.nlSend(k, t, nl, data, uarg(r, 4), u32arg(r, 5), iarg(r, 3));
  }
  let to: string | null = null;
  if (uarg(r, 4) !== 0) {
    const a = readAddr(t, uarg(r, 4), u32arg(r, 5));
    if (typeof a === "number") return a;
    to = a;
  }
  return sendData(k, t, iarg(r, 0), it, [], to, iarg(r, 3), progress);
}

/** sendmsg(fd, msghdr, flags): with SCM_RIGHTS control messages */
export const sysSendmsg: Handler = (k, t, r) => {
  const progress = { done: 0 };
  return untilDone(() => sendmsgOnce(k, t, r, progress));
};

/** one try of sendmsg: BLOCK when it must wait (the handler sleeps and tries again) */
function sendmsgOnce(k: Kernel, t: Task, r: Regs, progress: { done: number }): OpResult | Refusal {
  const h = readMsghdr(t, uarg(r, 1));
  if (typeof h === "number") return h;
  const it = new UserIter(h.iov, iovLength(h.iov));
  const nl = netlinkOf(t, iarg(r, 0));
  if (nl) {
    const data = wholeMessage(t, it);
    return typeof data === "number" ? data : NL.nlSend(k, t, nl, data, h.name !== 0 && h.namelen !== 0 ? h.name : 0, h.namelen, iarg(r, 2));
  }
  const files: OpenFile[] = [];
  const ctl = h.control;
  const ctlLen = h.controllen;
  // Linux: ____sys_sendmsg takes at most INT_MAX, and sock_kmalloc at most optmem_max
  if (ctlLen > OPTMEM_MAX) return -E.ENOBUFS;
  if (ctl !== 0 && ctlLen > 0) {
    const c = t.mm!.read(ctl, ctlLen);
    if (c === null) return -E.EFAULT;
    const cv = new DataView(c.buffer);
    for (let p = 0; p + 16 <= ctlLen; ) {
      const len = cv.getUint32(p, true);
      const level = cv.getInt32(p + 8, true);
      const type = cv.getInt32(p + 12, true);
      if (len < 16 || p + len > ctlLen) {
        for (const x of files) x.put();
        return -E.EINVAL;
      }
      if (level === SOL_SOCKET && type === SCM_RIGHTS) {
        for (let q = p + 16; q + 4 <= p + len; q += 4) {
          const f = t.files.lookup(cv.getInt32(q, true));
          if (f === null) {
            for (const x of files) x.put();
            return -E.EBADF;
          }
          files.push(f.get());
        }
      } else if (!(level === SOL_SOCKET && type === SCM_CREDENTIALS)) {
        for (const x of files) x.put();
        return -E.EINVAL;
      }
      p += (len + 7) & ~7;
    }
  }
  let to: string | null = null;
  if (h.name !== 0 && h.namelen !== 0) {
    const a = readAddr(t, h.name, h.namelen);
    if (typeof a === "number") return a;
    to = a;
  }
  return sendData(k, t, iarg(r, 0), it, files, to, iarg(r, 2), progress);
}
