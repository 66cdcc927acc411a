// How a syscall ends or waits (gVisor: the task run states; Linux: a task sleeping in a syscall,
// and its restart block). A handler returns a result, a Refusal (-errno with the reason --trace
// shows), or a Block: the task sleeps on the wait queues it registered on, and when it is woken
// the dispatcher calls the Block's resume(), the call's next state, instead of the handler again.

import { BLOCK, type OpResult, type Refusal } from "../base/errno.js";

/** after a signal interrupts the sleep (Linux's ERESTART* codes): "sys" restarts when the handler
 *  has SA_RESTART or no handler runs; "nohand" restarts only when no handler runs; "never" fails
 *  with EINTR */
export type RestartKind = "sys" | "nohand" | "never";

export class Block {
  constructor(
    /** continue after a wake-up: the result, or a Block to sleep again (itself to keep waiting) */
    readonly resume: () => SysResult,
    /** undo the registrations when a signal ends the sleep instead (a futex waiter, nanosleep's
     *  remaining time, sigtimedwait's mask) */
    readonly cleanup: (() => void) | null = null,
    /** how a signal that interrupts the sleep is treated, when not as the syscall table says */
    readonly restart: RestartKind | null = null,
    /** the call's own answer when a signal ends the sleep (after cleanup): a result that stands
     *  (a terminal read returns the bytes it already took), or -ERESTARTSYS to restart or fail with
     *  EINTR as `restart` says */
    readonly interrupted: (() => number) | null = null,
  ) {}
}

/** what a syscall handler returns: a number (-errno or a result below 2^53), a bigint for a 64-bit
 *  result that may not fit a number (lseek's offset, up to 2^63 - 1), a Refusal or a Block */
export type SysResult = number | bigint | Refusal | Block;

/**
 * A call that waits until `attempt` no longer answers BLOCK: every wake-up runs the attempt again
 * (a pipe read, a wait4, an accept), with `again` true once it has waited (a message queue removed
 * meanwhile is then EIDRM). What it must remember between tries lives in its closure.
 */
export function untilDone(attempt: (again: boolean) => OpResult | Refusal, cleanup: (() => void) | null = null): SysResult {
  const r = attempt(false);
  if (r !== BLOCK) return r;
  const b: Block = new Block(() => {
    const next = attempt(true);
    return next === BLOCK ? b : next;
  }, cleanup);
  return b;
}
