// The scheduler and the run loop (Linux: kernel/sched/core.c schedule, and the trap return
// path of arch/riscv/kernel/traps.c): one host thread runs one task at a time for a time slice;
// tasks that must wait sleep on wait queues or until a deadline and are made runnable again.

import { EXIT_BUDGET, EXIT_EBREAK, EXIT_ECALL, EXIT_FAULT, EXIT_ILLEGAL, EXIT_MISALIGNED } from "../cpu/hart.js";
import { ACCESS_EXEC, ACCESS_WRITE, FAULT_ACCERR, FAULT_OOM, FAULT_SIGBUS } from "../mm/mm.js";
import { BLOCK } from "../base/errno.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { BUS_ADRALN, ILL_ILLOPC, SEGV_ACCERR, SEGV_MAPERR, SIGBUS, SIGILL, SIGKILL, SIGSEGV, SIGTRAP, TRAP_BRKPT } from "./signals.js";
import { deliverSignals, forceSignal } from "./sigdeliver.js";
import { CAUSE_FETCH_PAGE_FAULT, CAUSE_ILLEGAL, CAUSE_LOAD_PAGE_FAULT, CAUSE_MISALIGNED_STORE, CAUSE_STORE_PAGE_FAULT, showUnhandledSignal } from "./traps.js";
import { doExit } from "./exit.js";
import { KTIME_MAX, reachable } from "./ktime.js";
import { chargeCpu } from "./cpulimit.js";

/** the shortest time slice, in instructions */
const MIN_SLICE = 16;
/** bytes of syscall copying charged to run()'s budget as one instruction (about what the
 *  host spends on one interpreted instruction) */
export const WORK_BYTES_PER_INSN = 64;

/** CFS's weight of each nice value, -20..19 (Linux: sched_prio_to_weight); nice 0 is 1024. A
 *  task's slices are its weight's share of the quantum, so CPU time divides as under CFS */
const NICE_WEIGHT = [
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
  1024, 820, 655, 526, 423, 335, 272, 215, 172, 137, 110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
];

export type RunResult =
  | { state: "exited"; status: number }
  /** every task waits and the console may bring what they wait for: the host should supply input
   *  (kernel.console.write/end) or, with a hostClock, wait up to `wait` ns (null: no timer is
   *  due) before calling run() again */
  | { state: "input"; wait: number | null }
  | { state: "deadlock" }
  | { state: "limit" };

export class Scheduler {
  private runq: Task[] = [];
  /** sleepers with a deadline: only these are scanned when the clock jumps */
  private sleepers = new Set<Task>();
  /** the task the scheduler is executing right now (not on the run queue) */
  private running: Task | null = null;
  /** the earliest deadline when pickNext found nothing to run (-1n: none) */
  private idleFirst = -1n;
  /** waiting for the person (options.hostClock): virtual and host time when the wait began, and
   *  the deadline virtual time may not pass */
  private anchor: { virt: bigint; host: number; until: bigint | null } | null = null;
  /** the task that ran last, and the number of switches between tasks (Linux: nr_context_switches) */
  private last: Task | null = null;
  ctxt = 0;
  /** CPU time (ns) spent running tasks whose nice value is above 0 (/proc/stat's nice column) */
  niceTime = 0;
  /** tasks made runnable so far (the scheduler's measure of progress) */
  private wakeups = 0;

  constructor(private readonly k: Kernel) {}

  makeRunnable(t: Task): void {
    if (t.state === TaskState.Zombie || t.state === TaskState.Dead) return;
    if (t.state !== TaskState.Runnable) this.wakeups++;
    t.state = TaskState.Runnable;
    this.sleepers.delete(t);
    t.deadline = -1n;
    t.deadlineReal = null;
    if (!t.queued && t !== this.running) {
      t.queued = true;
      this.runq.push(t);
    }
  }

  /** put the current task to sleep until woken or until the deadline (monotonic ns, -1n: none);
   *  with real, until CLOCK_REALTIME reaches real instead (a TIMER_ABSTIME sleep, which
   *  clock_settime moves) */
  sleep(t: Task, deadline = -1n, real: bigint | null = null): void {
    t.state = TaskState.Sleeping;
    t.deadlineReal = real;
    if (real !== null) deadline = realDeadline(real, this.k.clock.realOffset());
    // a deadline of KTIME_MAX is never reached (Linux: KTIME_MAX): such a sleeper is not timed
    t.deadline = reachable(deadline) ? deadline : -1n;
    // only timed sleepers are scanned for deadlines; realtime ones stay known for clock_settime
    if (t.deadline >= 0n || real !== null) this.sleepers.add(t);
    else this.sleepers.delete(t);
  }

  /** CLOCK_REALTIME was set: sleeps until a realtime moment get their new monotonic deadlines */
  clockWasSet(): void {
    const off = this.k.clock.realOffset();
    for (const s of this.sleepers) {
      if (s.deadlineReal === null) continue;
      const d = realDeadline(s.deadlineReal, off);
      s.deadline = reachable(d) ? d : -1n;
    }
  }

  /** the task no longer sleeps with a deadline (it exited, stopped or was interrupted) */
  cancelDeadline(t: Task): void {
    this.sleepers.delete(t);
  }

  /** a signal arrived for a sleeping task: wake it so its syscall can see it */
  interrupt(t: Task): void {
    this.makeRunnable(t);
  }

  /**
   * The guest waited for external input since run() returned "input": virtual time moves as far as
   * host time did, never past the next deadline (docs/tty-design.md, "time while a person waits").
   */
  catchUp(): void {
    const a = this.anchor;
    if (a === null) return;
    this.anchor = null;
    const host = this.k.options.hostClock!();
    let target = a.virt + BigInt(Math.floor(Math.max(0, host - a.host)));
    if (a.until !== null && a.until < target) target = a.until;
    this.k.clock.advanceTo(target);
  }

  /** is every sleeping task waiting on something the host may bring (with a host clock to follow)? */
  private externalWait(): boolean {
    const c = this.k.console;
    return this.k.options.hostClock !== undefined && (c.live || c.wantsInput);
  }

  /** set by requestStop(): run() returns before it runs guest code again */
  private stopRequested = false;

  /** Make run() return { state: "limit" } before it runs any more guest code, as when its
   *  instruction limit is used up (so the run goes on exactly as without the stop). Called
   *  from onEvent after a syscall event, it single-steps the system one syscall at a time. */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** the guest's syscall work not yet charged when run() last returned (less than one unit) */
  private workLeft = 0;

  /** Run guest code until the main program is gone, input is needed, or nothing can run. */
  run(instructionLimit: number): RunResult {
    // copying the host did between runs (input fed to the console, a debugger reading memory) is
    // not the guest's system time: only work of the guest's own syscalls moves the clock, so a
    // run is the same however the host slices it and whatever it looks at meanwhile
    this.k.frames.work = this.workLeft;
    const r = this.runSlices(instructionLimit);
    this.workLeft = this.k.frames.work;
    return r;
  }

  private runSlices(instructionLimit: number): RunResult {
    const k = this.k;
    let budget = instructionLimit;
    this.catchUp();
    this.stopRequested = false;
    for (;;) {
      // syscall work since the last look counts against the budget like instructions, so one
      // run(n) cannot spend seconds copying; it is the system time of the task that ran last.
      // Charged before every return, so only a remainder below one unit is left over (see run())
      budget -= this.chargeWork(k.current);
      if (k.mainStatus !== null && k.main !== null && k.liveUser === 0) {
        return { state: "exited", status: k.mainStatus };
      }
      const t = this.pickNext();
      if (t === null) {
        // the run ends with the main program: what it left behind waits for nobody
        if (k.mainStatus !== null) return { state: "exited", status: k.mainStatus };
        const c = k.console;
        if (c.live || c.wantsInput) {
          const first = this.idleFirst;
          const hostClock = k.options.hostClock;
          if (hostClock) this.anchor = { virt: k.clock.now, host: hostClock(), until: first < 0n ? null : first };
          return { state: "input", wait: first < 0n ? null : Number(first - k.clock.now) };
        }
        return { state: "deadlock" };
      }
      if (budget <= 0 || this.stopRequested) {
        t.queued = true;
        this.runq.unshift(t);
        return { state: "limit" };
      }
      k.current = t;
      this.running = t;
      if (t !== this.last) {
        this.ctxt++;
        this.last = t;
      }
      if (t.kfn !== null) {
        const r = t.kfn();
        if (r === BLOCK) {
          if (t.state === TaskState.Runnable) this.sleep(t);
        } else doExit(k, t, (r & 0xff) << 8);
        this.requeue(t);
        continue;
      }
      if (t.blockedCall !== null) {
        k.syscalls.resume(k, t);
        if (t.state !== TaskState.Runnable) {
          this.requeue(t);
          continue;
        }
        if (this.stopRequested) {
          // the resumed syscall finished: stop before the task runs on, in front of the queue
          this.running = null;
          t.queued = true;
          this.runq.unshift(t);
          return { state: "limit" };
        }
      }
      if (!this.prepareReturn(t)) {
        this.requeue(t);
        continue;
      }
      // a slice is never shorter than RISC-V's constrained LR/SC loop (16 instructions): the CPU
      // drops its reservation when it switches tasks, so shorter slices could livelock an lr/sc
      // retry loop forever (--quantum 1)
      // slices are whole instructions
      if (t.slice <= 0) {
        const base = Math.floor(k.quantum / 2) + k.rand.below(k.quantum);
        t.slice = Math.max(MIN_SLICE, t.nice === 0 ? base : Math.floor((base * NICE_WEIGHT[t.nice + 20]) / 1024));
      }
      const n = Math.min(t.slice, budget);
      const exit = k.hart.run(t.regs!, t.mm!, n);
      // a fault on the first instruction retires nothing, but it takes time: counted as one, so
      // a guest faulting in a loop (a handler that faults at once) still uses up run()'s budget
      const ran = k.hart.executed || (exit === EXIT_BUDGET || exit === EXIT_ECALL ? 0 : 1);
      t.slice -= ran;
      t.utime += ran;
      budget -= ran;
      k.totalInstructions += ran;
      // one bigint addition per slice, none per instruction (kernel/ktime.ts)
      k.clock.advanceTo(k.clock.now + BigInt(ran));
      if (t.nice > 0) this.niceTime += ran;
      if (k.clock.now >= k.loadavg.next) k.loadavg.update(k.clock.now, () => this.active());
      chargeCpu(k, t, ran);
      this.trap(t, exit);
      this.requeue(t);
    }
  }

  /** Kernel work since the last look (bytes syscalls copied, k.frames.work) in instruction units:
   *  the system time of the task it was done for (Linux: stime), which moves the clock as user
   *  time does and counts for RLIMIT_CPU. Deterministic: it depends on what the guest asked for,
   *  never on the host. */
  private chargeWork(t: Task | null): number {
    const k = this.k;
    const frames = k.frames;
    if (frames.work < WORK_BYTES_PER_INSN) return 0;
    const w = Math.floor(frames.work / WORK_BYTES_PER_INSN);
    frames.work %= WORK_BYTES_PER_INSN;
    k.totalWork += w;
    k.clock.advanceTo(k.clock.now + BigInt(w));
    if (t !== null && t.state !== TaskState.Dead) {
      t.stime += w;
      chargeCpu(k, t, w);
    }
    return w;
  }

  /** back on the run queue after running: in front while its slice lasts */
  private requeue(t: Task): void {
    this.running = null;
    if (t.state !== TaskState.Runnable) t.nvcsw++;
    else if (t.slice <= 0 && this.runq.length > 0) t.nivcsw++;
    if (t.state !== TaskState.Runnable || t.queued) return;
    t.queued = true;
    if (t.slice > 0) this.runq.unshift(t);
    else this.runq.push(t);
  }

  private pickNext(): Task | null {
    // timers (by key) that fired while nothing ran and woke no task (made only when needed:
    // most calls find a runnable task at once)
    let idle: Set<object> | null = null;
    for (;;) {
      while (this.runq.length > 0) {
        const t = this.runq.shift()!;
        t.queued = false;
        if (t.state === TaskState.Runnable) return t;
      }
      // nothing runnable: fire what is due, else jump the clock to the earliest timed sleeper or
      // timer, unless the guest waits for the host's input (then the host's clock decides)
      let first = -1n;
      for (const s of this.sleepers) if (s.deadline >= 0n && (first < 0n || s.deadline < first)) first = s.deadline;
      // once every timer has fired without waking anyone, more firings cannot either (their
      // signals stay pending, blocked, ignored or unsent): go to the next timed sleeper, or
      // report that nothing can run rather than firing them forever
      const timers = this.k.timers;
      const futile = idle !== null && timers.size > 0 && timers.allIn(idle);
      if (!futile) first = timers.earliest(first);
      this.idleFirst = first;
      if (first < 0n) return null;
      if (first > this.k.clock.now) {
        // the guest waits for the host's input: the host's clock moves virtual time (catchUp)
        if (this.externalWait()) return null;
        this.k.clock.advanceTo(first);
        // nothing ran meanwhile: the periods that passed saw only the uninterruptible sleepers
        if (first >= this.k.loadavg.next) this.k.loadavg.update(first, () => this.active());
      }
      const woke = this.wakeups;
      const due = timers.dueKeys(this.k.clock.now);
      this.fireTimers();
      if (this.wakeups !== woke) idle?.clear();
      else for (const key of due) (idle ??= new Set()).add(key);
    }
  }

  /** tasks that count for the load average: runnable or in uninterruptible sleep (Linux:
   *  calc_load_fold_active's nr_running + nr_uninterruptible) */
  active(): number {
    let n = 0;
    for (const t of this.k.tasks.values()) if (t.state === TaskState.Runnable || this.k.uninterruptible(t)) n++;
    return n;
  }

  /** wake timed sleepers and fire timers whose deadline passed while others ran */
  private fireTimers(): void {
    const now = this.k.clock.now;
    this.k.timers.fireExpired(now);
    if (this.sleepers.size === 0) return;
    for (const s of [...this.sleepers]) if (s.deadline >= 0n && s.deadline <= now) this.makeRunnable(s);
  }

  /** signals on the way back to user mode; false when the task stopped or died */
  private prepareReturn(t: Task): boolean {
    this.fireTimers();
    if (t.traceNotes !== null) this.k.tracer?.returning(t);
    if (t.sig.pending.length === 0 && t.group.pending.length === 0 && !t.group.groupExit && t.ptrace.pendingStop === null && t.ptrace.injectSignal === 0) return true;
    return deliverSignals(this.k, t) && t.state === TaskState.Runnable;
  }

  /** why the CPU stopped running the task: a syscall, a fault or an illegal instruction */
  private trap(t: Task, exit: number): void {
    const k = this.k;
    const h = k.hart;
    switch (exit) {
      case EXIT_BUDGET:
        return;
      case EXIT_ECALL:
        k.syscalls.enter(k, t);
        return;
      case EXIT_FAULT:
        if (h.faultCode === FAULT_SIGBUS) {
          fault(k, t, SIGBUS, 2 /* BUS_ADRERR */, h.faultAddr, pageFaultCause(h.faultAccess));
        } else if (h.faultCode === FAULT_OOM) {
          // out of guest memory: the OOM killer has chosen a victim (perhaps this task); the
          // instruction runs again once the victim's memory is back (Linux: VM_FAULT_OOM's retry)
        } else {
          fault(k, t, SIGSEGV, h.faultCode === FAULT_ACCERR ? SEGV_ACCERR : SEGV_MAPERR, h.faultAddr, pageFaultCause(h.faultAccess));
        }
        break;
      case EXIT_ILLEGAL:
        fault(k, t, SIGILL, ILL_ILLOPC, t.regs!.pc, CAUSE_ILLEGAL);
        break;
      case EXIT_EBREAK:
        forceSignal(k, t, { signo: SIGTRAP, code: TRAP_BRKPT, addr: t.regs!.pc });
        break;
      case EXIT_MISALIGNED:
        fault(k, t, SIGBUS, BUS_ADRALN, h.faultAddr, CAUSE_MISALIGNED_STORE);
        break;
    }
    t.slice = 0;
  }
}

/** the monotonic deadline of a sleep until realtime `real` (KTIME_MAX: never) */
function realDeadline(real: bigint, offset: bigint): bigint {
  if (real >= KTIME_MAX) return KTIME_MAX;
  const d = real - offset;
  return d < 0n ? 0n : d;
}

/** riscv do_trap: the kernel log's line for a signal nobody handles, then force_sig_fault */
function fault(k: Kernel, t: Task, signo: number, code: number, addr: number, cause: number): void {
  showUnhandledSignal(k, t, signo, code, addr, cause);
  forceSignal(k, t, { signo, code, addr });
}

function pageFaultCause(access: number): number {
  return access === ACCESS_EXEC ? CAUSE_FETCH_PAGE_FAULT : access === ACCESS_WRITE ? CAUSE_STORE_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT;
}
