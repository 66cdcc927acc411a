// System V semaphores with SEM_UNDO (Linux: ipc/sem.c). A task's undo list is shared with
// CLONE_SYSVSEM and applied when the last task holding it exits (exit_sem).

import { WaitQueue } from "../base/waitqueue.js";
import { INIT_INO, allocNsIno } from "../base/nsinum.js";
import { INIT_USER_NS, UserNamespace } from "../cred/userns.js";
import { Shared } from "../base/refcount.js";

export const SEMMSL = 32000;
export const SEMVMX = 32767;
export const SEMOPM = 500;
export const SEMMNI = 32000;
const SEQ_MULTIPLIER = 32768;

export class SemSet {
  readonly vals: Int32Array;
  readonly pids: Int32Array;
  readonly waiters = new WaitQueue();
  /** sleepers per semaphore: waiting for an increase (ncnt) or for zero (zcnt) */
  readonly ncnt: Int32Array;
  readonly zcnt: Int32Array;
  removed = false;
  otime = 0;
  ctime: number;

  constructor(readonly id: number, readonly key: number, public mode: number, readonly uid: number, readonly gid: number, n: number, now: number) {
    this.vals = new Int32Array(n);
    this.pids = new Int32Array(n);
    this.ncnt = new Int32Array(n);
    this.zcnt = new Int32Array(n);
    this.ctime = now;
  }

  get nsems(): number {
    return this.vals.length;
  }
}

/** the System V IPC objects of one IPC namespace */
export class IpcNamespace {
  readonly sems = new Map<number, SemSet>();
  readonly shms = new Map<number, import("./shm.js").ShmSeg>();
  readonly msgs = new Map<number, import("./shm.js").MsgQueue>();
  private nextShm = 0;
  private nextMsg = 0;

  /** an id for a new object: index plus a sequence number, like ipc_addid */
  newId(kind: "shm" | "msg"): number {
    const n = kind === "shm" ? this.nextShm++ : this.nextMsg++;
    return n * SEQ_MULTIPLIER + (n % SEQ_MULTIPLIER);
  }
  private nextIdx = 0;
  private seq = 0;
  readonly id: number;
  private static nextId = 1;
  /** nsfs inode (/proc/PID/ns/ipc) */
  readonly ino: number;
  constructor(readonly owner: UserNamespace = INIT_USER_NS, init = false) {
    this.id = IpcNamespace.nextId++;
    this.ino = init ? INIT_INO.ipc : allocNsIno();
  }

  semByKey(key: number): SemSet | undefined {
    for (const s of this.sems.values()) if (s.key === key && key !== 0) return s;
    return undefined;
  }

  newSem(key: number, mode: number, uid: number, gid: number, n: number, now: number): SemSet | null {
    if (this.sems.size >= SEMMNI) return null;
    let idx = 0;
    const used = new Set([...this.sems.keys()].map((id) => id % SEQ_MULTIPLIER));
    idx = this.nextIdx;
    while (used.has(idx)) idx++;
    const id = this.seq++ * SEQ_MULTIPLIER + idx;
    const s = new SemSet(id, key, mode, uid, gid, n, now);
    this.sems.set(id, s);
    return s;
  }
}

/** per-process semaphore adjustments (Linux: struct sem_undo_list) */
export class SemUndoList extends Shared<number> {
  /** semid -> adjustment per semaphore */
  readonly adj = new Map<number, Int32Array>();
  readonly id: number;
  private static nextId = 1;
  /** ns: the IPC namespace whose semaphores the adjustments are for (the holders' namespace) */
  constructor(readonly ns: IpcNamespace) {
    super();
    this.id = SemUndoList.nextId++;
  }

  /** the last holder let go: apply every adjustment, with `pid` (its tgid) as the semaphores'
   *  last pid (Linux: exit_sem) */
  protected override release(pid: number): void {
    for (const [semid, a] of this.adj) {
      const s = this.ns.sems.get(semid);
      if (!s || s.removed) continue;
      for (let i = 0; i < a.length; i++) {
        if (a[i] === 0) continue;
        let v = s.vals[i] + a[i];
        if (v < 0) v = 0;
        if (v > SEMVMX) v = SEMVMX;
        s.vals[i] = v;
        s.pids[i] = pid;
      }
      s.waiters.wakeAll();
    }
    this.adj.clear();
  }

  /** SETVAL/SETALL and IPC_RMID forget the adjustments for a set */
  static clear(all: Iterable<SemUndoList>, semid: number, semnum: number): void {
    for (const u of all) {
      const a = u.adj.get(semid);
      if (!a) continue;
      if (semnum < 0) u.adj.delete(semid);
      else a[semnum] = 0;
    }
  }
}
