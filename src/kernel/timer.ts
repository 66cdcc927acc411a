// Kernel timers on the virtual clock (Linux: kernel/time/timer.c) and the record of a POSIX
// timer (kernel/time/posix-timers.c; the syscalls are in syscalls/timers.ts).

import type { Task } from "./task.js";
import { type Ktime, KTIME_MAX, reachable } from "./ktime.js";
import type { Clock } from "./clock.js";
import { type SigCount, uncharge } from "./sigqueue.js";

interface KTimer {
  /** when it fires, in monotonic ns (KTIME_MAX: never) */
  deadline: Ktime;
  /** a TIMER_ABSTIME timer on CLOCK_REALTIME: its expiry in realtime ns, which clock_settime
   *  moves against monotonic time (Linux: the hrtimer sits on the realtime clock base); null
   *  for monotonic timers, and for relative CLOCK_REALTIME ones, which Linux moves to
   *  CLOCK_MONOTONIC (__hrtimer_init) */
  real: Ktime | null;
  /** fire(now) runs when the clock reaches the deadline */
  fire: (now: Ktime) => void;
  id: number;
  /** one periodic timer keeps its key when it re-arms from its own fire function */
  key: object;
}

function byDeadline(a: KTimer, b: KTimer): number {
  return a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.id - b.id;
}

/** the monotonic deadline of realtime expiry `real`, KTIME_MAX (never) when that lies beyond; it
 *  may lie before boot (the clock was set past it), and stays there so that such timers keep
 *  their order */
function monoOf(real: Ktime, offset: Ktime): Ktime {
  if (real >= KTIME_MAX) return KTIME_MAX;
  const d = real - offset;
  return d >= KTIME_MAX ? KTIME_MAX : d;
}

/** pending kernel timers (interval timers, POSIX timers), ordered by deadline (Linux:
 *  kernel/time/hrtimer.c's clock bases, one queue with the realtime base's timers converted) */
export class Timers {
  private list: KTimer[] = [];
  constructor(private readonly clock: Clock) {}
  private nextId = 1;
  /** the timer whose fire function is running */
  private firing: KTimer | null = null;

  /** call fire(now) once monotonic time reaches deadline, or, with real set, once
   *  CLOCK_REALTIME reaches real (deadline is then ignored); returns the timer's id. A
   *  deadline of KTIME_MAX stays pending and never fires, as on Linux. */
  add(deadline: Ktime, fire: (now: Ktime) => void, real: Ktime | null = null): number {
    const id = this.nextId++;
    if (real !== null) deadline = monoOf(real, this.clock.realOffset());
    if (deadline > KTIME_MAX) deadline = KTIME_MAX;
    this.list.push({ deadline, real, fire, id, key: this.firing?.key ?? {} });
    this.list.sort(byDeadline);
    return id;
  }

  /** CLOCK_REALTIME was set: realtime timers move (Linux: clock_was_set → hrtimer retrigger) */
  clockWasSet(): void {
    const off = this.clock.realOffset();
    let moved = false;
    for (const t of this.list) {
      if (t.real === null) continue;
      t.deadline = monoOf(t.real, off);
      moved = true;
    }
    if (moved) this.list.sort(byDeadline);
  }

  /** remove a timer; its deadline, or -1n when it is not pending */
  cancel(id: number): Ktime {
    const i = this.list.findIndex((t) => t.id === id);
    if (i < 0) return -1n;
    const d = this.list[i].deadline;
    this.list.splice(i, 1);
    return d;
  }

  /** a pending timer's monotonic deadline, or -1n */
  deadline(id: number): Ktime {
    return this.list.find((t) => t.id === id)?.deadline ?? -1n;
  }

  /** the ns left until a pending timer fires (Linux: hrtimer_expires_remaining, on the timer's
   *  own clock base), or null when it is not pending */
  remaining(id: number): Ktime | null {
    const t = this.list.find((x) => x.id === id);
    if (!t) return null;
    return t.real !== null ? t.real - this.clock.realtime() : t.deadline - this.clock.now;
  }

  /** the earlier of `first` (-1n: none) and every pending deadline the clock can reach */
  earliest(first: Ktime): Ktime {
    for (const tm of this.list) {
      // a deadline before boot is due now
      const d = tm.deadline < 0n ? 0n : tm.deadline;
      if (reachable(d) && (first < 0n || d < first)) first = d;
    }
    return first;
  }

  /** timers that can still fire (a timer at KTIME_MAX never does) */
  get size(): number {
    let n = 0;
    for (const t of this.list) if (t.deadline < KTIME_MAX) n++;
    return n;
  }

  /** is every timer that can fire one of `keys`? */
  allIn(keys: Set<object>): boolean {
    return this.list.every((t) => t.deadline >= KTIME_MAX || keys.has(t.key));
  }

  /** the keys of the timers due at `now` */
  dueKeys(now: Ktime): object[] {
    const out: object[] = [];
    for (const t of this.list) if (t.deadline <= now) out.push(t.key);
    return out;
  }

  /** fire every timer whose deadline is at or before now */
  fireExpired(now: Ktime): void {
    while (this.list.length > 0 && this.list[0].deadline <= now) {
      const tm = this.list.shift()!;
      this.firing = tm;
      try {
        tm.fire(now);
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
  /** it_interval in ns (KTIME_MAX at most) */
  interval: bigint;
  /** the current expiry while armed: monotonic, or realtime for an ABSTIME CLOCK_REALTIME timer */
  expires: bigint;
  /** armed with TIMER_ABSTIME on CLOCK_REALTIME: expires is realtime, clock_settime moves it */
  real: boolean;
  /** overruns of the last delivered signal (Linux: it_overrun_last), saturated at DELAYTIMER_MAX
   *  (INT_MAX) as timer_overrun_to_int reports it */
  overrun: number;
  /** a signal for this timer is queued and not yet delivered */
  queued: { overrun: number } | null;
  /** its signal's entry, charged to its creator's RLIMIT_SIGPENDING count from timer_create to
   *  its deletion (Linux: SIGQUEUE_PREALLOC) */
  prealloc: SigCount;
}

/** delete one POSIX timer: disarm it, give its signal entry back (Linux: posix_timer_delete) */
export function deletePosixTimer(timers: Timers, pt: PosixTimer): void {
  if (pt.timer) timers.cancel(pt.timer);
  pt.timer = 0;
  uncharge(pt.prealloc);
}

/** delete all of a process's POSIX timers (Linux: exit_itimers, at exec and when the process dies) */
export function exitItimers(timers: Timers, g: { posixTimers: Map<number, PosixTimer> }): void {
  for (const pt of g.posixTimers.values()) deletePosixTimer(timers, pt);
  g.posixTimers.clear();
}
