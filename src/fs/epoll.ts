// epoll instances and eventfd counters (Linux: fs/eventpoll.c, fs/eventfd.c).
//
// An epoll instance keeps its interest list; epoll_wait asks each registered file's poll
// method. Edge-triggered registrations (EPOLLET) report a file again only after its poll
// generation moved (something was written, read or closed), which is what programs that
// use EPOLLET — the Go runtime's netpoller among them — rely on.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { WaitQueue, Sleeper } from "../base/waitqueue.js";
import { FileOps, OpenFile, O_NONBLOCK } from "./file.js";
import { Node } from "./node.js";
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLERR, POLLHUP } from "./poll.js";

export const EPOLLIN = 0x001, EPOLLOUT = 0x004, EPOLLERR = 0x008, EPOLLHUP = 0x010, EPOLLRDHUP = 0x2000,
  EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29, EPOLLONESHOT = 1 << 30, EPOLLET = 1 << 31;

export interface Interest {
  fd: number;
  file: OpenFile;
  events: number;
  dataLo: number;
  dataHi: number;
  /** the file's poll generation when last reported (edge-triggered) */
  seen: number;
  disabled: boolean;
}

/** poll generation of a file: bumped by files whose readiness changes (pipes, eventfds, console) */
export function pollGen(f: OpenFile): number {
  if (f.ops.pollGen) return f.ops.pollGen(f);
  return (f.node as Node & { pollGen?: number }).pollGen ?? 0;
}

export class EpollNode extends Node {
  readonly interest = new Map<OpenFile, Interest>();
  readonly waiters = new WaitQueue();

  constructor() {
    super(0);
    this.dev = 0xf;
  }

  readonly ops: FileOps = {
    seekable: false,
    read: () => -E.EINVAL,
    write: () => -E.EINVAL,
    poll: (_f, who) => {
      if (this.collect(64, false).length > 0) return POLLIN | POLLRDNORM;
      if (who) this.register(who);
      return 0;
    },
  };

  /** ready events, at most max; consume = update edge-triggered bookkeeping */
  collect(max: number, consume: boolean): [Interest, number][] {
    const out: [Interest, number][] = [];
    for (const it of this.interest.values()) {
      if (out.length >= max) break;
      if (it.disabled || it.file.users <= 0) continue;
      const rev = it.file.ops.poll ? it.file.ops.poll(it.file, null) : POLLIN | POLLOUT;
      const want = (it.events | EPOLLERR | EPOLLHUP) & ~(EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP);
      const ev = rev & want;
      if (ev === 0) continue;
      const gen = pollGen(it.file);
      if (it.events & EPOLLET && gen === it.seen) continue;
      if (consume) {
        it.seen = gen;
        if (it.events & EPOLLONESHOT) it.disabled = true;
      }
      out.push([it, ev]);
    }
    return out;
  }

  /** sleep on every registered file's queues */
  register(who: Sleeper): void {
    this.waiters.add(who);
    for (const it of this.interest.values()) if (!it.disabled) it.file.ops.poll?.(it.file, who);
  }
}

const EFD_SEMAPHORE = 1;
const MAX_COUNT = 0xfffffffffffffffen;

export class EventFdNode extends Node {
  count: bigint;
  pollGen = 0;
  readonly readQ = new WaitQueue();
  readonly writeQ = new WaitQueue();

  constructor(init: number, readonly semaphore: boolean) {
    super(0);
    this.dev = 0xf;
    this.count = BigInt(init);
  }

  private changed(): void {
    this.pollGen++;
    this.readQ.wakeAll();
    this.writeQ.wakeAll();
  }

  readonly ops: FileOps = {
    seekable: false,
    read: (f, dst, who) => {
      if (dst.length < 8) return -E.EINVAL;
      if (this.count === 0n) {
        if (f.flags & O_NONBLOCK) return -E.EAGAIN;
        this.readQ.add(who);
        return BLOCK;
      }
      const v = this.semaphore ? 1n : this.count;
      this.count -= v;
      new DataView(dst.buffer, dst.byteOffset).setBigUint64(0, v, true);
      this.changed();
      return 8;
    },
    write: (f, src, who) => {
      if (src.length < 8) return -E.EINVAL;
      const v = new DataView(src.buffer, src.byteOffset).getBigUint64(0, true);
      if (v === 0xffffffffffffffffn) return -E.EINVAL;
      if (this.count + v > MAX_COUNT) {
        if (f.flags & O_NONBLOCK) return -E.EAGAIN;
        this.writeQ.add(who);
        return BLOCK;
      }
      this.count += v;
      this.changed();
      return 8;
    },
    poll: (_f, who) => {
      const ev = (this.count > 0n ? POLLIN | POLLRDNORM : 0) | (this.count < MAX_COUNT ? POLLOUT | POLLWRNORM : 0);
      if ((ev & POLLIN) === 0 && who) this.readQ.add(who);
      return ev;
    },
  };
}

export { EFD_SEMAPHORE, POLLERR, POLLHUP };
