// A timerfd: a kernel timer whose expirations are read from a file descriptor (Linux:
// fs/timerfd.c). Its time is exact ktime (ktime.ts); an absolute CLOCK_REALTIME one moves with
// clock_settime, a periodic one that the clock jumps over counts every missed period.

import * as E from "../base/errno.js";
import { BLOCK } from "../base/errno.js";
import { WaitQueue } from "../base/waitqueue.js";
import { type FileOps, O_NONBLOCK } from "../fs/file.js";
import { Node } from "../fs/node.js";
import { POLLIN, POLLRDNORM } from "../fs/poll.js";
import { type Ktime, hrtimerForward } from "./ktime.js";
import type { Kernel } from "./kernel.js";

export class TimerFdNode extends Node {
  /** expirations not yet read (Linux: ctx->ticks) */
  ticks = 0n;
  /** it_interval (0: one-shot) */
  interval = 0n;
  /** the expiry while armed: monotonic, or realtime when `real` */
  expires = -1n;
  /** armed with TFD_TIMER_ABSTIME on CLOCK_REALTIME */
  real = false;
  /** the kernel timer while armed, else 0 */
  private timer = 0;
  /** the flags of the last timerfd_settime, for fdinfo */
  settimeFlags = 0;
  pollGen = 0;
  readonly readQ = new WaitQueue();

  constructor(private readonly k: Kernel, readonly clockid: number) {
    super(0o600);
    this.dev = 0xf;
  }

  /** stop the timer (a new setting, or the last close) */
  disarm(): void {
    if (this.timer) this.k.timers.cancel(this.timer);
    this.timer = 0;
    this.expires = -1n;
  }

  /** arm at `expires` (in the realtime clock when real); expirations so far are dropped
   *  (Linux: timerfd_setup zeroes ticks) */
  arm(expires: Ktime, interval: Ktime, real: boolean): void {
    this.disarm();
    this.ticks = 0n;
    this.interval = interval;
    this.real = real;
    this.expires = expires;
    this.start();
  }

  private start(): void {
    const k = this.k;
    this.timer = k.timers.add(this.expires, (now) => {
      this.timer = 0;
      if (this.interval > 0n) {
        // every period the clock passed counts (timerfd_read's hrtimer_forward_now)
        const f = hrtimerForward(this.expires, this.real ? k.clock.realtime() : now, this.interval);
        this.ticks += f.orun;
        this.expires = f.expires;
        this.start();
      } else {
        this.ticks++;
        this.expires = -1n;
      }
      this.pollGen++;
      this.readQ.wakeAll();
    }, this.real ? this.expires : null);
  }

  /** the time left (0 when due or disarmed; timerfd_get_remaining) */
  remaining(): Ktime {
    if (!this.timer) return 0n;
    const r = this.k.timers.remaining(this.timer);
    return r === null || r < 0n ? 0n : r;
  }

  readonly ops: FileOps = {
    seekable: false,
    // an 8-byte count of expirations since the last read (Linux: timerfd_read)
    read: (f, dst, who) => {
      if (dst.length < 8) return -E.EINVAL;
      if (this.ticks === 0n) {
        if (f.flags & O_NONBLOCK) return -E.EAGAIN;
        this.readQ.add(who);
        return BLOCK;
      }
      new DataView(dst.buffer, dst.byteOffset).setBigUint64(0, this.ticks, true);
      this.ticks = 0n;
      this.pollGen++;
      return 8;
    },
    write: () => -E.EINVAL,
    poll: (_f, who) => {
      if (this.ticks > 0n) return POLLIN | POLLRDNORM;
      if (who) this.readQ.add(who);
      return 0;
    },
    release: () => this.disarm(),
    showFdinfo: () => {
      const ts = (ns: Ktime) => `(${ns / 1_000_000_000n}, ${ns % 1_000_000_000n})`;
      return `clockid: ${this.clockid}\nticks: ${this.ticks}\nsettime flags: 0${this.settimeFlags.toString(8)}\n` +
        `it_value: ${ts(this.remaining())}\nit_interval: ${ts(this.interval)}\n`;
    },
  };
}
