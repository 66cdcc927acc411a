// Character devices (Linux: drivers/char/mem.c, drivers/char/random.c): /dev/null, /dev/zero,
// /dev/urandom, and what the console writes to (HostOutput; the console itself is tty/console.ts).

import { FileOps } from "./file.js";
import { Node, S_IFCHR } from "./node.js";

export class CharDev extends Node {
  constructor(major: number, minor: number, private ops: FileOps, mode = 0o666) {
    super(S_IFCHR | mode);
    this.rdev = (major << 8) | minor;
  }
  override fileOps(): FileOps {
    return this.ops;
  }
}

export const nullOps: FileOps = {
  seekable: true,
  read: () => 0,
  write: (_f, src) => src.length,
};

export const zeroOps: FileOps = {
  seekable: true,
  read: (_f, dst) => {
    dst.fill(0);
    return dst.length;
  },
  write: (_f, src) => src.length,
};

export function randomOps(rand: (dst: Uint8Array) => void): FileOps {
  return {
    seekable: true,
    read: (_f, dst) => {
      rand(dst);
      return dst.length;
    },
    write: (_f, src) => src.length,
  };
}

export interface HostOutput {
  /** bytes the guest wrote to its stdout (1) or stderr (2). A negative result is the -errno the
   *  guest's write gets (-EPIPE when the host's reader has gone, -ENOSPC on a full disk); anything
   *  else means all of `data` was taken */
  write(stream: 1 | 2, data: Uint8Array): number | void;
}
