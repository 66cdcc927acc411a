// ioctl on a terminal (Linux: tty_ioctl of drivers/tty/tty_io.c, with ptm_open_peer for
// TIOCGPTPEER): tty/ttyio.ts decides, with the caller's memory and descriptor table.

import * as E from "../base/errno.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { OpenFile, O_CLOEXEC, O_NOCTTY } from "../fs/file.js";
import { RLIMIT_NOFILE, rlimit } from "../kernel/rlimit.js";
import { Devpts } from "../tty/devpts.js";
import type { Tty, TtyFile } from "../tty/tty.js";
import { ttyIoctl } from "../tty/ttyio.js";

/** ptm_open_peer: a new descriptor for the slave of `master`, opened with `flags` */
function openPeer(t: Task, master: Tty, flags: number): number {
  const fs = master.driverData;
  if (!(fs instanceof Devpts)) return -E.EIO;
  const node = fs.slaveNode(master.index);
  if (node === null) return -E.EIO;
  const f = new OpenFile(node, flags & ~(O_CLOEXEC | O_NOCTTY), node.fileOps(), Devpts.slavePath(master.index));
  const e = f.ops.open!(f, flags);
  if (typeof e === "number" && e < 0) return e;
  const fd = t.files.alloc(f, (flags & O_CLOEXEC) !== 0, 0, rlimit(t, RLIMIT_NOFILE));
  if (fd < 0) f.put();
  return fd;
}

export function ttyIoctlFor(_k: Kernel, t: Task, tf: TtyFile, f: OpenFile, req: number, arg: number): number {
  tf.flags = f.flags;
  const mm = t.mm!;
  return ttyIoctl(tf, req, arg, {
    mem: { read: (addr, len) => mm.read(addr, len), write: (addr, data) => mm.write(addr, data) },
    openPeer: (master, flags) => openPeer(t, master, flags),
  });
}
