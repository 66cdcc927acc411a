// What the kernel tells a syscall tracer (Linux: include/linux/tracehook.h and the ptrace stops
// strace sees): a task created, a signal taken for delivery, one dropped because it is ignored
// (under ptrace it would have been queued and reported), a group stop, and a task's end.
// The implementation is trace/printer.ts; src/system.ts installs it when tracing is on.

import type { Task } from "./task.js";
import type { SigInfo } from "./signals.js";
import type { Regs } from "../cpu/regs.js";

export interface TraceHooks {
  // ---- the syscall layer (syscalls/dispatch.ts) ----
  /** a syscall is entered (its arguments are in r) */
  enter(t: Task, nr: number, r: Regs): void;
  /** the syscall went to sleep */
  blocked(t: Task): void;
  /** the syscall returned this 64-bit value (halves), with the reason of a refusal */
  exit(t: Task, resLo: number, resHi: number, reason?: string): void;
  /** a signal interrupted the sleeping syscall: it is restarted or fails (Linux's ERESTART* codes) */
  restart(t: Task, code: number): void;

  // ---- the kernel ----
  /** a user task came into being (spawn or clone): strace attaches to it */
  created(t: Task): void;
  /** a signal was dequeued for delivery (signal-delivery-stop); never SIGKILL */
  signal(t: Task, info: SigInfo): void;
  /** a signal was dropped at send time because it is ignored; strace would still see it */
  ignored(t: Task, info: SigInfo): void;
  /** the task is back on its way to user mode: report what ignored() held back */
  returning(t: Task): void;
  /** the task stopped in a group stop */
  stopped(t: Task, sig: number): void;
  /** the task ended with this wait status */
  exited(t: Task, status: number): void;
}
