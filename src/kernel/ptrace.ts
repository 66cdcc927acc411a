// ptrace (Linux: kernel/ptrace.c): tracers, ptrace-stops reported through wait, fork/clone/
// exec events, memory and register access. What CLONE_PTRACE and CLONE_UNTRACED act on.

import * as E from "../base/errno.js";
import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import { SIGCHLD, SIGKILL, SIGSTOP, SIGTRAP, CLD_TRAPPED, SigInfo } from "./signals.js";
import { sendToGroup, sendToThread } from "./sigdeliver.js";
import { encodeSiginfo } from "./sigframe.js";
import { findTask } from "./pidns.js";
import { refuse, type Refusal } from "../base/errno.js";

export const PTRACE_TRACEME = 0, PTRACE_PEEKTEXT = 1, PTRACE_PEEKDATA = 2, PTRACE_PEEKUSR = 3, PTRACE_POKETEXT = 4,
  PTRACE_POKEDATA = 5, PTRACE_POKEUSR = 6, PTRACE_CONT = 7, PTRACE_KILL = 8, PTRACE_SINGLESTEP = 9,
  PTRACE_ATTACH = 16, PTRACE_DETACH = 17, PTRACE_SYSCALL = 24, PTRACE_SETOPTIONS = 0x4200,
  PTRACE_GETEVENTMSG = 0x4201, PTRACE_GETSIGINFO = 0x4202, PTRACE_SETSIGINFO = 0x4203, PTRACE_GETREGSET = 0x4204,
  PTRACE_SETREGSET = 0x4205, PTRACE_SEIZE = 0x4206, PTRACE_INTERRUPT = 0x4207, PTRACE_LISTEN = 0x4208;

export const PTRACE_O_TRACESYSGOOD = 1, PTRACE_O_TRACEFORK = 2, PTRACE_O_TRACEVFORK = 4, PTRACE_O_TRACECLONE = 8,
  PTRACE_O_TRACEEXEC = 0x10, PTRACE_O_TRACEVFORKDONE = 0x20, PTRACE_O_TRACEEXIT = 0x40, PTRACE_O_TRACESECCOMP = 0x80,
  PTRACE_O_EXITKILL = 0x100000, PTRACE_O_SUSPEND_SECCOMP = 0x200000;
const PTRACE_O_MASK = 0xff | PTRACE_O_EXITKILL | PTRACE_O_SUSPEND_SECCOMP;

export const PTRACE_EVENT_FORK = 1, PTRACE_EVENT_VFORK = 2, PTRACE_EVENT_CLONE = 3, PTRACE_EVENT_EXEC = 4,
  PTRACE_EVENT_VFORK_DONE = 5, PTRACE_EVENT_EXIT = 6, PTRACE_EVENT_STOP = 128;

const NT_PRSTATUS = 1, NT_PRFPREG = 2;

/** the option bit that makes an event stop happen */
export function eventOption(event: number): number {
  return [0, PTRACE_O_TRACEFORK, PTRACE_O_TRACEVFORK, PTRACE_O_TRACECLONE, PTRACE_O_TRACEEXEC, PTRACE_O_TRACEVFORKDONE, PTRACE_O_TRACEEXIT][event] ?? 0;
}

export function traces(t: Task, event: number): boolean {
  return t.ptrace.tracer !== null && (t.ptrace.options & eventOption(event)) !== 0;
}

/** enter a ptrace-stop reporting `status` (as wait sees it) to the tracer */
export function ptraceStop(k: Kernel, t: Task, status: number): void {
  t.state = TaskState.Stopped;
  t.ptrace.stopped = true;
  t.ptrace.report = status;
  const tracer = t.ptrace.tracer!;
  sendToGroup(k, tracer.group, { signo: SIGCHLD, code: CLD_TRAPPED, sender: t, uid: t.cred.uid, status: (status >> 8) & 0xff });
  tracer.group.childWait.wakeAll();
}

/** an event stop: status >> 16 is the event (Linux: ptrace_event) */
export function ptraceEvent(k: Kernel, t: Task, event: number, msg: number): void {
  t.ptrace.eventMsg = msg;
  ptraceStop(k, t, ((SIGTRAP | (event << 8)) << 8) | 0x7f);
}

/** tracer starts tracing tracee (Linux: ptrace_link) */
export function attach(tracer: Task, tracee: Task, options: number, seized: boolean): void {
  tracee.ptrace.tracer = tracer;
  tracee.ptrace.options = options;
  tracee.ptrace.seized = seized;
  tracer.ptrace.tracees.push(tracee);
}

export function detach(k: Kernel, t: Task, sig: number): void {
  const tracer = t.ptrace.tracer;
  if (tracer) tracer.ptrace.tracees = tracer.ptrace.tracees.filter((x) => x !== t);
  t.ptrace.tracer = null;
  t.ptrace.options = 0;
  t.ptrace.seized = false;
  t.ptrace.report = null;
  if (t.ptrace.stopped) {
    t.ptrace.stopped = false;
    if (t.group.stopped) t.state = TaskState.Stopped;
    else k.sched.makeRunnable(t);
  }
  if (sig > 0) sendToThread(k, t, { signo: sig, code: 0x80 });
}

/** a new child of a traced task inherits its tracer (auto-attach for fork events, CLONE_PTRACE) */
export function inheritTrace(k: Kernel, parent: Task, child: Task, event: number, clonePtrace: boolean, untraced: boolean): boolean {
  if (untraced || parent.ptrace.tracer === null) return false;
  if (!clonePtrace && !traces(parent, event)) return false;
  attach(parent.ptrace.tracer, child, parent.ptrace.options, parent.ptrace.seized);
  // the new tracee starts stopped: SIGSTOP, or PTRACE_EVENT_STOP when seized
  if (child.ptrace.seized) child.ptrace.pendingStop = ((SIGTRAP | (PTRACE_EVENT_STOP << 8)) << 8) | 0x7f;
  else sendToThread(k, child, { signo: SIGSTOP, code: 0x80 });
  return true;
}

function user_regs(t: Task): Uint8Array {
  const r = t.regs!;
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, r.pc % 4294967296, true);
  dv.setUint32(4, Math.floor(r.pc / 4294967296), true);
  for (let i = 1; i < 32; i++) {
    dv.setInt32(8 * i, r.x[2 * i], true);
    dv.setInt32(8 * i + 4, r.x[2 * i + 1], true);
  }
  return b;
}

function fp_regs(t: Task): Uint8Array {
  const r = t.regs!;
  const b = new Uint8Array(264);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < 32; i++) {
    dv.setInt32(8 * i, r.f[2 * i], true);
    dv.setInt32(8 * i + 4, r.f[2 * i + 1], true);
  }
  dv.setUint32(256, (r.fcsr[1] << 5) | r.fcsr[0], true);
  return b;
}

/** the ptrace syscall (Linux: sys_ptrace / ptrace_request) */
export function ptraceRequest(k: Kernel, t: Task, req: number, pid: number, addr: number, data: number, dataWord: bigint = BigInt(data)): number | Refusal {
  if (req === PTRACE_TRACEME) {
    if (t.ptrace.tracer !== null) return -E.EPERM;
    const p = t.group.leader.parent;
    if (!p || p === k.init) return -E.EPERM;
    attach(p.group.leader, t, 0, false);
    return 0;
  }
  const target = findTask(t, pid);
  if (!target || target.state === TaskState.Dead || target.regs === null) return -E.ESRCH;
  if (req === PTRACE_ATTACH || req === PTRACE_SEIZE) {
    if (target.group === t.group) return -E.EPERM;
    if (target.ptrace.tracer !== null) return -E.EPERM;
    if (target.state === TaskState.Zombie) return -E.EPERM;
    if (req === PTRACE_SEIZE) {
      if (addr !== 0) return -E.EIO;
      if (data & ~PTRACE_O_MASK) return -E.EINVAL;
      attach(t, target, data, true);
    } else {
      attach(t, target, 0, false);
      sendToThread(k, target, { signo: SIGSTOP, code: 0, sender: t, uid: t.cred.uid });
    }
    return 0;
  }
  if (target.ptrace.tracer !== t) return -E.ESRCH;
  if (req === PTRACE_KILL) {
    sendToThread(k, target, { signo: SIGKILL, code: 0 });
    if (target.ptrace.stopped) k.sched.makeRunnable(target);
    return 0;
  }
  if (req === PTRACE_INTERRUPT) {
    if (!target.ptrace.seized) return -E.EIO;
    if (!target.ptrace.stopped) {
      target.ptrace.pendingStop = ((SIGTRAP | (PTRACE_EVENT_STOP << 8)) << 8) | 0x7f;
      if (target.state === TaskState.Sleeping) k.sched.interrupt(target);
    }
    return 0;
  }
  // everything else needs the tracee to sit in a ptrace-stop (Linux: ptrace_check_attach)
  if (!target.ptrace.stopped) return -E.ESRCH;
  const mm = target.mm!;
  switch (req) {
    case PTRACE_PEEKTEXT:
    case PTRACE_PEEKDATA: {
      const b = mm.read(addr, 8);
      if (b === null) return -E.EIO;
      return t.mm!.write(data, b) ? 0 : -E.EFAULT;
    }
    case PTRACE_POKETEXT:
    case PTRACE_POKEDATA: {
      const b = new Uint8Array(8);
      const dv = new DataView(b.buffer);
      // the word to store is data's exact 64 bits (dataWord), not its saturated number
      dv.setBigUint64(0, BigInt.asUintN(64, dataWord), true);
      return mm.pokeForce(addr, b) ? 0 : -E.EIO;
    }
    case PTRACE_PEEKUSR:
    case PTRACE_POKEUSR:
    case PTRACE_SINGLESTEP:
      return -E.EIO;
    case PTRACE_CONT:
    case PTRACE_SYSCALL:
    case PTRACE_LISTEN: {
      if (req === PTRACE_SYSCALL) {
        return refuse(E.EIO, "PTRACE_SYSCALL stops are not implemented yet");
      }
      if (data < 0 || data > 64) return -E.EIO;
      resume(k, target, req === PTRACE_LISTEN ? 0 : data);
      return 0;
    }
    case PTRACE_DETACH:
      if (data < 0 || data > 64) return -E.EIO;
      detach(k, target, data);
      return 0;
    case PTRACE_SETOPTIONS:
      if (data & ~PTRACE_O_MASK) return -E.EINVAL;
      target.ptrace.options = data;
      return 0;
    case PTRACE_GETEVENTMSG: {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setUint32(0, target.ptrace.eventMsg >>> 0, true);
      return t.mm!.write(data, b) ? 0 : -E.EFAULT;
    }
    case PTRACE_GETSIGINFO: {
      if (!target.ptrace.lastSiginfo) return -E.EINVAL;
      return t.mm!.write(data, encodeSiginfo(target.ptrace.lastSiginfo, t)) ? 0 : -E.EFAULT;
    }
    case PTRACE_SETSIGINFO: {
      // the siginfo delivered when the tracee is resumed with its signal
      const b = t.mm!.read(data, 128);
      if (b === null) return -E.EFAULT;
      const dv = new DataView(b.buffer);
      target.ptrace.lastSiginfo = { signo: dv.getInt32(0, true), code: dv.getInt32(8, true), pid: dv.getInt32(16, true), uid: dv.getInt32(20, true) };
      return 0;
    }
    case PTRACE_GETREGSET:
    case PTRACE_SETREGSET: {
      const iov = t.mm!.read(data, 16);
      if (iov === null) return -E.EFAULT;
      const dv = new DataView(iov.buffer);
      const base = dv.getUint32(0, true) + dv.getUint32(4, true) * 4294967296;
      const len = dv.getUint32(8, true) + dv.getUint32(12, true) * 4294967296;
      let regs: Uint8Array;
      if (addr === NT_PRSTATUS) regs = user_regs(target);
      else if (addr === NT_PRFPREG) regs = fp_regs(target);
      else return -E.EINVAL;
      const n = Math.min(len, regs.length);
      if (req === PTRACE_GETREGSET) {
        if (!t.mm!.write(base, regs, 0, n)) return -E.EFAULT;
      } else {
        const src = t.mm!.read(base, n);
        if (src === null) return -E.EFAULT;
        setRegs(target, addr, src);
      }
      const out = new Uint8Array(8);
      new DataView(out.buffer).setUint32(0, n, true);
      return t.mm!.write(data + 8, out) ? 0 : -E.EFAULT;
    }
    default:
      return -E.EIO;
  }
}

function setRegs(t: Task, which: number, src: Uint8Array): void {
  const r = t.regs!;
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (which === NT_PRSTATUS) {
    if (src.length >= 8) r.pc = dv.getUint32(0, true) + dv.getUint32(4, true) * 4294967296;
    for (let i = 1; i < 32 && 8 * i + 8 <= src.length; i++) {
      r.x[2 * i] = dv.getInt32(8 * i, true);
      r.x[2 * i + 1] = dv.getInt32(8 * i + 4, true);
    }
  } else {
    for (let i = 0; i < 32 && 8 * i + 8 <= src.length; i++) {
      r.f[2 * i] = dv.getInt32(8 * i, true);
      r.f[2 * i + 1] = dv.getInt32(8 * i + 4, true);
    }
  }
}

/** leave a ptrace-stop, delivering `sig` if it is not 0 (the tracer's choice) */
export function resume(k: Kernel, t: Task, sig: number): void {
  t.ptrace.stopped = false;
  t.ptrace.report = null;
  t.ptrace.injectSignal = sig;
  if (t.group.stopped && sig === 0) {
    t.state = TaskState.Stopped;
    return;
  }
  k.sched.makeRunnable(t);
}

/** a tracer exits: its tracees are detached (PTRACE_O_EXITKILL kills them) */
export function tracerExit(k: Kernel, tracer: Task): void {
  for (const t of [...tracer.ptrace.tracees]) {
    if (t.ptrace.options & PTRACE_O_EXITKILL) sendToThread(k, t, { signo: SIGKILL, code: 0x80 });
    detach(k, t, 0);
  }
}

export type { SigInfo };
