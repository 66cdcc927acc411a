// The host's standard streams as the guest's console: output written synchronously (a host
// EPIPE or ENOSPC becomes the guest's, so `forkscope run yes | head` ends with SIGPIPE as on
// Linux), input read only while a guest task waits for it.

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as E from "../base/errno.js";

/** isatty(fd) without loading node:tty (and with it net and streams, ~3 ms of start-up) when
 *  fstat already says no: a file, a pipe, or a memory device such as /dev/null (major 1) */
export function isTerminal(fd: number): boolean {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return false;
  }
  if (!st.isCharacterDevice() || ((st.rdev >> 8) & 0xfff) === 1) return false;
  // a synchronous require of the builtin (which resolves from any path): the bundle is CommonJS,
  // where a dynamic import() would not work, and tsc's output is ESM, which has no require
  const tty = createRequire("/")("node:tty") as typeof import("node:tty");
  return tty.isatty(fd);
}

/** is stdin a terminal, pipe or socket: input that arrives over time (not a file read at once)? */
export function stdinIsStream(): boolean {
  try {
    const st = fs.fstatSync(0);
    return st.isFIFO() || st.isSocket() || (st.isCharacterDevice() && isTerminal(0));
  } catch {
    return false;
  }
}

/** host errors a write can give that the guest should see as its own */
const GUEST_ERRORS: Record<string, number> = { EPIPE: E.EPIPE, ENOSPC: E.ENOSPC, EFBIG: E.EFBIG, EIO: E.EIO, EDQUOT: 122 };

/** write all of `data` to host fd 1 or 2: the bytes written, or -errno when nothing could be */
export function writeAll(fd: 1 | 2, data: Uint8Array): number {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
    } catch (e) {
      const code = (e as { code?: string }).code ?? "";
      if (code === "EAGAIN") continue;
      const errno = GUEST_ERRORS[code];
      if (errno === undefined) throw e;
      return off > 0 ? off : -errno;
    }
  }
  return off;
}

/** host stdin as a sequence of chunks, read only when a guest task waits for input */
export class StdinReader {
  private chunks: (Uint8Array | null)[] = [];
  private waiting: ((c: Uint8Array | null) => void) | null = null;
  private started = false;

  next(): Promise<Uint8Array | null> {
    if (!this.started) {
      this.started = true;
      process.stdin.on("data", (c: Buffer) => this.deliver(new Uint8Array(c)));
      process.stdin.on("end", () => this.deliver(null));
      process.stdin.on("error", () => this.deliver(null));
    }
    process.stdin.resume();
    const c = this.chunks.shift();
    if (c !== undefined) return Promise.resolve(c);
    return new Promise((res) => (this.waiting = res));
  }

  private deliver(c: Uint8Array | null): void {
    process.stdin.pause();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(c);
    } else this.chunks.push(c);
  }

  close(): void {
    if (this.started) process.stdin.destroy();
  }
}
