// Kernel timers on the virtual clock (Linux: kernel/time/timer.c) and the record of a POSIX
// timer (kernel/time/posix-timers.c; the syscalls are in syscalls/timers.ts).

import type { Task } from "./task.js";

interface KTimer {
  deadline: number;
  fire: () => void;
  id: number;
}

/** pending kernel timers (interval timers, POSIX timers), ordered by deadline */
export class Timers {
  private list: KTimer[] = [];
  private nextId = 1;

  /** call fire() once the clock reaches deadline (virtual ns); returns the timer's id */
  add(deadline: number, fire: () => void): number {
    const id = this.nextId++;
    this.list.push({ deadline, fire, id });
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

  /** fire every timer whose deadline is at or before now */
  fireExpired(now: number): void {
    while (this.list.length > 0 && this.list[0].deadline <= now) this.list.shift()!.fire();
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
