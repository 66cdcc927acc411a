// Syscall dispatch (Linux: arch/riscv/kernel/traps.c do_trap_ecall_u, kernel/entry/common.c,
// kernel/signal.c's restart handling): run the handler for a7, sleep while it is blocked and resume it,
// restart or fail it with EINTR when a signal interrupts it, and trace it strace-style.

import { Regs, REG_A0, REG_A7 } from "../cpu/regs.js";
import { EINTR, ENOSYS, type Refusal } from "../base/errno.js";
import { Block, type RestartKind, type SysResult } from "../kernel/block.js";
import type { Kernel, SyscallEntry } from "../kernel/kernel.js";
import { Task, TaskState } from "../kernel/task.js";
import { SA_RESTART, SIGKILL, SIG_DFL, SIG_IGN } from "../kernel/signals.js";
import { hasDeliverable, nextDeliverable } from "../kernel/sigdeliver.js";
import type { SyscallDef } from "./table.js";
import { NEWER_THAN_26 } from "../kernel/personality.js";

/** Linux's restart codes, as --trace shows an interrupted call (include/linux/errno.h) */
const ERESTARTSYS = 512, ERESTARTNOHAND = 514;

/** the syscall layer for a table of handlers (src/system.ts hands it to the kernel) */
export function syscallEntry(table: SyscallDef[]): SyscallEntry {
  const byNr: (SyscallDef | undefined)[] = [];
  for (const d of table) byNr[d.nr] = d;
  return {
    enter: (k, t) => enter(k, t, byNr),
    resume: (k, t) => resume(k, t, byNr),
    info: (nr) => {
      const d = byNr[nr];
      return d ? { name: d.name, uninterruptible: d.noInterrupt ?? false } : null;
    },
  };
}

/** the task trapped with ecall: run the syscall numbered in a7 */
function enter(k: Kernel, t: Task, byNr: (SyscallDef | undefined)[]): void {
  const r = t.regs!;
  // the whole register is the number (a7 = 2^32 + 172 is not getpid)
  const nr = r.x[2 * REG_A7 + 1] === 0 ? r.x[2 * REG_A7] : -1;
  // the 2.6 personality has none of the calls Linux added later (kernel/personality.ts)
  const def = k.personality === "linux-2.6" && NEWER_THAN_26.has(nr) ? undefined : byNr[nr];
  t.stime++;
  // the trace shows the call's entry before it runs (strace's syscall-entry stop)
  k.tracer?.enter(t, nr, r);
  const res: SysResult = def ? def.handler(k, t, r) : -ENOSYS;
  if (def?.noReturn) {
    // rt_sigreturn returns to the interrupted code with its a0; exit and exit_group never return
    if (t.state !== TaskState.Dead && t.state !== TaskState.Zombie && t.regs !== null) k.tracer?.exit(t, t.regs.x[2 * REG_A0], t.regs.x[2 * REG_A0 + 1]);
    return;
  }
  if (res instanceof Block) {
    // the handler registered on its wait queues; sleep until one of them wakes us
    if (t.state === TaskState.Runnable) k.sched.sleep(t, t.deadline);
    t.blockedCall = res;
    t.blockedNr = nr;
    k.tracer?.blocked(t);
    return;
  }
  if (t.regs !== r) {
    // execve replaced the image: nothing to return to
    k.tracer?.exit(t, 0, 0);
    return;
  }
  finish(k, t, nr, def, res, r);
}

/** the task was woken while blocked in a syscall: resume it, or give up on a signal */
function resume(k: Kernel, t: Task, byNr: (SyscallDef | undefined)[]): void {
  const r = t.regs!;
  const block = t.blockedCall!;
  const nr = t.blockedNr;
  const def = byNr[nr]!;
  if (t.group.groupExit || t.sig.pending.some((p) => p.signo === SIGKILL) || t.group.pending.some((p) => p.signo === SIGKILL)) {
    // a fatal signal: abandon the syscall, the task dies on its way out
    block.cleanup?.();
    t.blockedCall = null;
    return;
  }
  // like Linux, the call looks at its condition first and only then at pending signals
  let res = block.resume();
  if (res instanceof Block) {
    t.blockedCall = res;
    if (def.seesSignals || def.noInterrupt || !hasDeliverable(t)) {
      if (t.state === TaskState.Runnable) k.sched.sleep(t, t.deadline);
      return;
    }
    res.cleanup?.();
    k.sched.cancelDeadline(t);
    t.state = TaskState.Runnable;
    t.deadline = -1;
    t.blockedCall = null;
    // a call that took something before the signal (a terminal read's bytes) answers with it
    const own = res.interrupted ? res.interrupted() : -ERESTARTSYS;
    if (own !== -ERESTARTSYS) {
      finish(k, t, nr, def, own, r);
      return;
    }
    const kind = res.restart ?? def.restart ?? "sys";
    if (restarts(t, kind)) {
      // restart: pc stays on the ecall and a0 was never written, so the call runs again
      // after the signal is handled (Linux: ERESTARTSYS / ERESTARTNOHAND)
      k.tracer?.restart(t, kind === "nohand" ? ERESTARTNOHAND : ERESTARTSYS);
      return;
    }
    res = -EINTR;
  }
  finish(k, t, nr, def, res, r);
}

/** will the syscall interrupted by the next deliverable signal be restarted? */
function restarts(t: Task, kind: RestartKind): boolean {
  if (kind === "never") return false;
  const sig = nextDeliverable(t);
  if (sig === 0) return true;
  const act = t.sighand.actions[sig];
  const handled = act.handler !== SIG_DFL && act.handler !== SIG_IGN;
  if (!handled) return true;
  return kind === "sys" && (act.flags & SA_RESTART) !== 0;
}

/** the call is over: a0 gets the result (a Refusal's -errno), and --trace shows it with its reason */
function finish(k: Kernel, t: Task, nr: number, def: SyscallDef | undefined, result: number | bigint | Refusal, r: Regs): void {
  if (typeof result === "bigint") {
    // a 64-bit result (lseek): written exactly, both halves
    t.blockedCall = null;
    if (t.state !== TaskState.Dead && t.state !== TaskState.Zombie) {
      r.setBig(REG_A0, result);
      r.pc += 4;
    }
    k.tracer?.exit(t, Number(BigInt.asIntN(32, result)), Number(BigInt.asIntN(32, result >> 32n)));
    return;
  }
  t.blockedCall = null;
  const res = typeof result === "number" ? result : -result.errno;
  const reason = typeof result === "number" ? "" : result.reason;
  const live = t.state !== TaskState.Dead && t.state !== TaskState.Zombie;
  if (live && res === -ERESTARTSYS && !def?.noReturn) {
    // the call sent a signal to its caller and asks to run again once it was handled (the tty
    // layer's SIGTTIN and SIGTTOU): a handler without SA_RESTART makes it EINTR instead
    if (restarts(t, "sys")) {
      k.tracer?.restart(t, ERESTARTSYS);
      return;
    }
    r.set(REG_A0, -EINTR);
    r.pc += 4;
    k.tracer?.exit(t, -EINTR, -1, reason);
    return;
  }
  if (live && !def?.noReturn) {
    r.set(REG_A0, res);
    r.pc += 4;
  }
  // the halves exactly as Regs.set stores them
  k.tracer?.exit(t, res | 0, Math.floor(res / 4294967296) | 0, reason);
}
