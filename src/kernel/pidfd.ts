// Process file descriptors (Linux: kernel/pid.c pidfd_create, fs/pidfs): an fd that names a
// process, becomes readable (POLLIN) when it exits, and can be signalled or waited for.

import * as E from "../base/errno.js";
import { FileOps, OpenFile, O_RDWR, O_CLOEXEC, O_NONBLOCK } from "../fs/file.js";
import { Node } from "../fs/node.js";
import { Task, TaskState } from "./task.js";
import { POLLHUP, POLLIN, POLLRDNORM } from "../fs/poll.js";

export class PidfdNode extends Node {
  /** a PIDFD_THREAD pidfd names one thread, not the process */
  constructor(readonly task: Task, readonly thread = false) {
    super(0); // anon inode: no file type bits
    this.dev = 0xf;
  }

  /** the process is gone (exited, whether or not it was reaped) */
  exited(): boolean {
    const g = this.task.group;
    if (this.thread) return this.task.state === TaskState.Dead || this.task.state === TaskState.Zombie;
    return this.task.state === TaskState.Dead || (this.task.state === TaskState.Zombie && g.live().length === 0);
  }

  readonly ops: FileOps = {
    seekable: false,
    read: () => -E.EINVAL,
    write: () => -E.EINVAL,
    poll: (_f, who) => {
      // reaped: readable and hung up; exited (a zombie): readable (Linux: pidfd_poll)
      if (this.task.state === TaskState.Dead) return POLLIN | POLLRDNORM | POLLHUP;
      if (this.exited()) return POLLIN | POLLRDNORM;
      if (who) this.task.group.exitWait.add(who);
      return 0;
    },
  };
}

export function openPidfd(t: Task, flags: number, thread = false): OpenFile {
  const n = new PidfdNode(t, thread);
  return new OpenFile(n, O_RDWR | (flags & O_NONBLOCK), n.ops, "anon_inode:[pidfd]");
}

export { O_CLOEXEC };
