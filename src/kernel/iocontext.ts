// The I/O context (Linux: block/blk-ioc.c, struct io_context): the I/O priority, shared
// between tasks by CLONE_IO. ioprio_get/ioprio_set live in syscalls/ipc.ts.

import { Shared } from "../base/refcount.js";

export class IoContext extends Shared {
  readonly id: number;
  private static nextId = 1;
  constructor(public ioprio: number) {
    super();
    this.id = IoContext.nextId++;
  }
}
