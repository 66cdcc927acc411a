// The console's output as it leaves for the host, held back while --trace has a syscall line
// open: the line for a call is written before anything the call itself prints (strace prints
// a call's entry before the call runs). No Linux counterpart.

import type { HostOutput } from "../fs/devices.js";

export class HeldOutput implements HostOutput {
  private held: [1 | 2, Uint8Array][] = [];
  /** while true, writes are kept until release() */
  holding = false;

  constructor(private readonly out: HostOutput) {}

  write(stream: 1 | 2, data: Uint8Array): number | void {
    // held bytes count as taken: a host error (EPIPE) shows on the next write instead
    if (this.holding) this.held.push([stream, data.slice()]);
    else return this.out.write(stream, data);
  }

  /** anything held? */
  get pending(): boolean {
    return this.held.length > 0;
  }

  /** stop holding and pass on what was held, in order */
  release(): void {
    this.holding = false;
    if (this.held.length === 0) return;
    const h = this.held;
    this.held = [];
    for (const [s, d] of h) this.out.write(s, d);
  }
}
