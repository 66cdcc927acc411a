// Signal numbers, names and default actions (Linux asm-generic/signal.h, kernel/signal.c).

import { Shared } from "../base/refcount.js";

export {
  SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE,
  SIGALRM, SIGTERM, SIGSTKFLT, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGXCPU, SIGXFSZ,
  SIGVTALRM, SIGPROF, SIGWINCH, SIGIO, SIGPWR, SIGSYS, SIGRTMIN,
} from "../base/signum.js";
import {
  SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS, SIGCHLD, SIGURG, SIGWINCH,
  SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT, SIGKILL,
} from "../base/signum.js";
export const NSIG = 64;

const NAMES = [
  "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
  "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
  "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
  "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
];

export function signalName(s: number): string {
  if (s > 0 && s < 32) return NAMES[s];
  if (s >= 32 && s <= 64) return s === 32 ? "SIGRTMIN" : `SIGRT_${s - 32}`;
  return String(s);
}

export const enum DefaultAction {
  Term,
  Core,
  Ign,
  Stop,
  Cont,
}

export function defaultAction(s: number): DefaultAction {
  switch (s) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE: case SIGSEGV:
    case SIGXCPU: case SIGXFSZ: case SIGSYS:
      return DefaultAction.Core;
    case SIGCHLD: case SIGURG: case SIGWINCH:
      return DefaultAction.Ign;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
      return DefaultAction.Stop;
    case SIGCONT:
      return DefaultAction.Cont;
    default:
      return DefaultAction.Term;
  }
}

/** signal sets are 64-bit masks; bit (s-1) is signal s */
export const sigbit = (s: number): bigint => 1n << BigInt(s - 1);
export const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);

export const SIG_DFL = 0;
export const SIG_IGN = 1;

/** sigaltstack's ss_flags (Linux: include/uapi/linux/signal.h) */
export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x80000000 | 0;

export const SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_ONSTACK = 0x08000000,
  SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000, SA_RESTORER = 0x04000000;

/** an action is never changed in place but replaced, so that copies of a SigHand can share
 *  them: fork copies an array of 65 references instead of 65 objects */
export interface SigAction {
  readonly handler: number;
  readonly flags: number;
  readonly mask: bigint;
}
const DEFAULT_ACTION: SigAction = Object.freeze({ handler: SIG_DFL, flags: 0, mask: 0n });
const IGNORE_ACTION: SigAction = Object.freeze({ handler: SIG_IGN, flags: 0, mask: 0n });

/** signal handlers (Linux: struct sighand_struct), shared by CLONE_SIGHAND */
export class SigHand extends Shared {
  actions: SigAction[];
  readonly id: number;
  private static nextId = 1;
  constructor(actions?: SigAction[]) {
    super();
    this.id = SigHand.nextId++;
    this.actions = actions ?? new Array<SigAction>(NSIG + 1).fill(DEFAULT_ACTION);
  }
  copy(): SigHand {
    return new SigHand(this.actions.slice());
  }
  /** the action of sig back to SIG_DFL, its flags and mask kept (SA_RESETHAND, forced signals) */
  resetHandler(sig: number): void {
    const a = this.actions[sig];
    if (a.handler !== SIG_DFL) this.actions[sig] = { ...a, handler: SIG_DFL };
  }
  /** exec: handled signals go back to their default action, ignored ones stay ignored */
  resetForExec(): void {
    for (let i = 0; i < this.actions.length; i++) this.actions[i] = this.actions[i].handler === SIG_IGN ? IGNORE_ACTION : DEFAULT_ACTION;
  }
}

/** si_code values */
export const SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6, SEGV_MAPERR = 1, SEGV_ACCERR = 2,
  ILL_ILLOPC = 1, TRAP_BRKPT = 1, BUS_ADRALN = 1, CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3,
  CLD_TRAPPED = 4, CLD_STOPPED = 5, CLD_CONTINUED = 6;

export interface SigInfo {
  signo: number;
  code: number;
  /** sender pid/uid for kill(), fault address for faults, child pid/status for SIGCHLD;
   *  `sender` is translated to the receiver's pid namespace when the siginfo is written */
  pid?: number;
  sender?: import("./task.js").Task;
  uid?: number;
  addr?: number;
  status?: number;
  /** sigqueue's and timers' si_value */
  value?: number;
  valueHi?: number;
  /** POSIX timer signals: si_timerid and si_overrun */
  timerId?: number;
  overrun?: number;
  /** the user count it is charged to while queued (sigqueue.ts; RLIMIT_SIGPENDING) */
  queued?: import("./sigqueue.js").SigCount;
  /** sent without its information: the queue was full (RLIMIT_SIGPENDING) */
  lost?: boolean;
  /** called when the signal is taken off the queue */
  onDeliver?: () => void;
}
