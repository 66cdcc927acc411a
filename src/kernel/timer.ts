// Kernel timers on the virtual clock (Linux: kernel/time/timer.c) and the record of a POSIX
// timer (kernel/time/posix-timers.c; the syscalls are in syscalls/timers.ts).

import type { Task } from "./task.js";
import { TIME_MAX } from "./clock.js";

interface KTimer {
  deadline: number;
  fire: () => void;
  id: number;
  /** one periodic timer keeps its key when it re-arms from its own fire function */
  key: object;
}

/** pending kernel timers (interval timers, POSIX timers), ordered by deadline */
export class Timers {
  private list: KTimer[] = [];
  constructor(private readonly clock: { readonly now: number }) {}
  private nextId = 1;
  /** the timer whose fire function is running */
  private firing: KTimer | null = null;

  /** call fire() once the clock reaches deadline (virtual ns); returns the timer's id */
  add(deadline: number, fire: () => void): number {
    const now = this.clock.now;
    const id = this.nextId++;
    const cur = this.firing;
    // a deadline time cannot represent exactly never comes (Linux: KTIME_MAX): not queued
    if (!(deadline <= TIME_MAX)) return id;
    // a periodic timer re-arming in the past (the clock jumped over several periods) moves to its
    // first period after now, as hrtimer_forward does, instead of firing once per missed period
    if (cur !== null && deadline <= now && deadline > cur.deadline) {
      const period = deadline - cur.deadline;
      deadline = cur.deadline + period * (Math.floor((now - cur.deadline) / period) + 1);
    }
    this.list.push({ deadline, fire, id, key: cur?.key ?? {} });
    this.list.sort((a, b) => a.deadline - b.deadline || a.id - b.id);
    return id;
  }

  /** remove a timer; its deadline, or -1 when it is not pending */
  cancel(id: number): number {
    const i = this.list.findIndex((t) => t.id === id);
    if (i < 0) return -1;
    const d = this.list[i].deadline;
    this.list.splice(i, 1);
    return d;
  }

  /** a pending timer's deadline, or -1 */
  deadline(id: number): number {
    return this.list.find((t) => t.id === id)?.deadline ?? -1;
  }

  /** the earlier of `first` (-1: none) and every pending deadline */
  earliest(first: number): number {
    for (const tm of this.list) if (first < 0 || tm.deadline < first) first = tm.deadline;
    return first;
  }

  get size(): number {
    return this.list.length;
  }

  /** is every pending timer one of `keys`? */
  allIn(keys: Set<object>): boolean {
    return this.list.every((t) => keys.has(t.key));
  }

  /** the keys of the timers due at `now` */
  dueKeys(now: number): object[] {
    const out: object[] = [];
    for (const t of this.list) if (t.deadline <= now) out.push(t.key);
    return out;
  }

  /** fire every timer whose deadline is at or before now */
  fireExpired(now: number): void {
    while (this.list.length > 0 && this.list[0].deadline <= now) {
      const tm = this.list.shift()!;
      this.firing = tm;
      try {
        tm.fire();
      } finally {
        this.firing = null;
      }
    }
  }
}

export interface PosixTimer {
  id: number;
  clock: number;
  notify: number;
  signo: number;
  valueLo: number;
  valueHi: number;
  target: Task | null;
  /** kernel timer handle, or 0 when disarmed */
  timer: number;
  interval: number;
  overrun: number;
  /** a signal for this timer is queued and not yet delivered */
  queued: { overrun: number } | null;
}
