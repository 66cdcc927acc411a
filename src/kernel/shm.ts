// System V shared memory segments and message queues (Linux: ipc/shm.c, ipc/msg.c), per IPC
// namespace. A segment is a ShmObject: attaching maps its frames, so fork and later attaches
// see the same memory.

import { ShmObject } from "../mm/shmem.js";
import { WaitQueue } from "../base/waitqueue.js";

export class ShmSeg {
  removed = false;
  atime = 0;
  dtime = 0;
  lpid = 0;
  constructor(
    readonly id: number, public key: number, readonly size: number, public mode: number, readonly uid: number,
    readonly gid: number, readonly cpid: number, readonly obj: ShmObject, public ctime: number,
  ) {}
  /** attaches: every VMA (in any process) that maps the segment */
  get nattch(): number {
    return this.obj.users - 1;
  }
}

export interface Message {
  type: number;
  data: Uint8Array;
}

export class MsgQueue {
  readonly msgs: Message[] = [];
  qbytes = 16384;
  readonly readers = new WaitQueue();
  readonly writers = new WaitQueue();
  removed = false;
  stime = 0;
  rtime = 0;
  lspid = 0;
  lrpid = 0;
  constructor(readonly id: number, public key: number, public mode: number, readonly uid: number, readonly gid: number, public ctime: number) {}
  get cbytes(): number {
    return this.msgs.reduce((s, m) => s + m.data.length, 0);
  }
}
