// flock(2) locks (Linux: fs/locks.c flock_lock_inode): advisory whole-file locks owned by an open
// file description, shared or exclusive, on the inode; dropped by LOCK_UN or when the
// description is closed for the last time. A conflicting request fails with EWOULDBLOCK under
// LOCK_NB and otherwise sleeps until the inode's locks change.

import * as E from "../base/errno.js";
import { BLOCK, type OpResult } from "../base/errno.js";
import { WaitQueue, type Sleeper } from "../base/waitqueue.js";
import type { Node } from "./node.js";
import type { OpenFile } from "./file.js";

interface Held {
  exclusive: boolean;
  /** the locking process (/proc/locks), as a global pid */
  pid: number;
  /** when it was taken: /proc/locks lists locks oldest first */
  seq: number;
}

class InodeLocks {
  readonly held = new Map<OpenFile, Held>();
  readonly waiters = new WaitQueue();
}

export interface FlockInfo {
  exclusive: boolean;
  pid: number;
  dev: number;
  ino: number;
  file: OpenFile;
}

/** the flock locks of one kernel */
export class FlockTable {
  private readonly byNode = new Map<Node, InodeLocks>();
  private seq = 0;

  /** take or convert f's lock: 0, -EWOULDBLOCK, or BLOCK after registering `who` to be woken
   *  (who null: do not wait) */
  lock(f: OpenFile, exclusive: boolean, pid: number, who: Sleeper | null): OpResult {
    let il = this.byNode.get(f.node);
    if (il === undefined) this.byNode.set(f.node, (il = new InodeLocks()));
    const mine = il.held.get(f);
    if (mine !== undefined) {
      if (mine.exclusive === exclusive) return 0;
      // a conversion drops the old lock first and is not atomic (Linux: flock_lock_inode)
      il.held.delete(f);
      il.waiters.wakeAll();
    }
    for (const [other, h] of il.held) {
      if (other === f) continue;
      if (exclusive || h.exclusive) {
        if (who === null) return -E.EAGAIN; // EWOULDBLOCK
        il.waiters.add(who);
        return BLOCK;
      }
    }
    il.held.set(f, { exclusive, pid, seq: this.seq++ });
    f.flocks = this;
    return 0;
  }

  /** LOCK_UN, and the last close of the description */
  unlock(f: OpenFile): void {
    const il = this.byNode.get(f.node);
    if (il === undefined || !il.held.delete(f)) return;
    if (il.held.size === 0 && il.waiters.size === 0) this.byNode.delete(f.node);
    il.waiters.wakeAll();
  }

  /** stop waiting (a signal ended the sleep) */
  cancel(f: OpenFile, who: Sleeper): void {
    this.byNode.get(f.node)?.waiters.remove(who);
  }

  list(): FlockInfo[] {
    const out: (FlockInfo & { seq: number })[] = [];
    for (const [node, il] of this.byNode) for (const [file, h] of il.held) out.push({ exclusive: h.exclusive, pid: h.pid, dev: node.dev, ino: node.ino, file, seq: h.seq });
    return out.sort((a, b) => a.seq - b.seq);
  }
}


