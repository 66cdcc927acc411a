// Process file descriptors (Linux: kernel/pid.c pidfd_create, fs/pidfs): an fd that names a
// process, becomes readable (POLLIN) when it exits, and can be signalled or waited for.

import * as E from "./errno.js";
import { FileOps, OpenFile, O_RDWR, O_CLOEXEC, O_NONBLOCK } from "../fs/file.js";
import { Node } from "../fs/node.js";
import { Task, TaskState } from "./task.js";
import { POLLIN, POLLRDNORM } from "../fs/poll.js";

export class PidfdNode extends Node {
  constructor(readonly task: Task) {
    super(0); // anon inode: no file type bits
    this.dev = 0xf;
  }

  /** the process is gone (exited, whether or not it was reaped) */
  exited(): boolean {
    const g = this.task.group;
    return this.task.state === TaskState.Dead || (this.task.state === TaskState.Zombie && g.live().length === 0);
  }

  readonly ops: FileOps = {
    seekable: false,
    read: () => -E.EINVAL,
    write: () => -E.EINVAL,
    poll: (_f, who) => {
      if (this.exited()) return POLLIN | POLLRDNORM;
      if (who) this.task.group.exitWait.add(who);
      return 0;
    },
  };
}

export function openPidfd(t: Task, flags: number): OpenFile {
  const n = new PidfdNode(t);
  return new OpenFile(n, O_RDWR | (flags & O_NONBLOCK), n.ops, "anon_inode:[pidfd]");
}

export { O_CLOEXEC };
