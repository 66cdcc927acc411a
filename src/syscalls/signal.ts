// Signal syscalls (Linux: kernel/signal.c, arch/riscv/kernel/signal.c): rt_sigaction,
// rt_sigprocmask, rt_sigpending, rt_sigsuspend, rt_sigtimedwait, rt_sigqueueinfo,
// rt_tgsigqueueinfo, rt_sigreturn, kill, tkill, tgkill, sigaltstack.

import { deadlineAfter } from "../kernel/clock.js";
import * as E from "../base/errno.js";
import { Handler, iarg, uarg } from "./args.js";
import { DefaultAction, NSIG, SIGCONT, SIGKILL, SIGSTOP, SI_TKILL, SI_USER, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK, UNBLOCKABLE, defaultAction, sigbit } from "../kernel/signals.js";
import { findTask, pidIn, vtgid } from "../kernel/pidns.js";
import { CAP_KILL } from "../cred/capability.js";
import { TaskState } from "../kernel/task.js";
import { sendToGroup, sendToThread } from "../kernel/sigdeliver.js";
import { flushSigqueue } from "../kernel/sigqueue.js";
import { readFrame, encodeSiginfo } from "../kernel/sigframe.js";
import { hasDeliverable, dequeueFrom } from "../kernel/sigdeliver.js";
import { readTimespec } from "./time.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import { REG_SP } from "../cpu/regs.js";
import { Block } from "../kernel/block.js";

const MINSIGSTKSZ = 2048;

const readSet = (b: Uint8Array, o: number): bigint => {
  const dv = new DataView(b.buffer, b.byteOffset);
  return (BigInt(dv.getUint32(o + 4, true)) << 32n) | BigInt(dv.getUint32(o, true));
};
const writeSet = (b: Uint8Array, o: number, s: bigint) => {
  const dv = new DataView(b.buffer, b.byteOffset);
  dv.setUint32(o, Number(s & 0xffffffffn), true);
  dv.setUint32(o + 4, Number((s >> 32n) & 0xffffffffn), true);
};

/** rt_sigaction(sig, act, oldact, sigsetsize): struct { handler; flags; mask } on riscv64 */
export const sysRtSigaction: Handler = (_k, t, r) => {
  const sig = iarg(r, 0);
  const act = uarg(r, 1);
  const old = uarg(r, 2);
  if (uarg(r, 3) !== 8) return -E.EINVAL;
  if (sig < 1 || sig > NSIG) return -E.EINVAL;
  if (act !== 0 && (sig === SIGKILL || sig === SIGSTOP)) return -E.EINVAL;
  const cur = t.sighand.actions[sig];
  let next = null;
  if (act !== 0) {
    const b = t.mm!.read(act, 24);
    if (b === null) return -E.EFAULT;
    const dv = new DataView(b.buffer);
    // flags Linux does not know are dropped, so sigaction reads back what took effect (UAPI_SA_FLAGS)
    next = {
      handler: dv.getUint32(0, true) + dv.getUint32(4, true) * 4294967296,
      flags: (dv.getUint32(8, true) & KNOWN_SA_FLAGS) >>> 0,
      mask: readSet(b, 16) & ~UNBLOCKABLE,
    };
  }
  if (old !== 0) {
    const b = new Uint8Array(24);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, cur.handler % 4294967296, true);
    dv.setUint32(4, Math.floor(cur.handler / 4294967296), true);
    dv.setUint32(8, cur.flags >>> 0, true);
    writeSet(b, 16, cur.mask);
    if (!t.mm!.write(old, b)) return -E.EFAULT;
  }
  if (next) {
    t.sighand.actions[sig] = next;
    // a signal set to be ignored is discarded wherever it is pending (Linux: do_sigaction)
    const ign = next.handler === 1 || (next.handler === 0 && defaultAction(sig) === DefaultAction.Ign);
    if (ign) {
      t.group.pending = flushSigqueue(t.group.pending, (p) => p.signo !== sig);
      for (const th of t.group.threads) th.sig.pending = flushSigqueue(th.sig.pending, (p) => p.signo !== sig);
    }
  }
  return 0;
};

const KNOWN_SA_FLAGS = 0x1 | 0x2 | 0x4 | 0x800 | 0x08000000 | 0x10000000 | 0x40000000 | 0x80000000;

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

export const sysRtSigprocmask: Handler = (_k, t, r) => {
  const how = iarg(r, 0);
  const set = uarg(r, 1);
  const old = uarg(r, 2);
  if (uarg(r, 3) !== 8) return -E.EINVAL;
  let next: bigint | null = null;
  if (set !== 0) {
    const b = t.mm!.read(set, 8);
    if (b === null) return -E.EFAULT;
    const s = readSet(b, 0);
    if (how === SIG_BLOCK) next = t.sig.blocked | s;
    else if (how === SIG_UNBLOCK) next = t.sig.blocked & ~s;
    else if (how === SIG_SETMASK) next = s;
    else return -E.EINVAL;
  }
  if (old !== 0) {
    const b = new Uint8Array(8);
    writeSet(b, 0, t.sig.blocked);
    if (!t.mm!.write(old, b)) return -E.EFAULT;
  }
  if (next !== null) t.sig.blocked = next & ~UNBLOCKABLE;
  return 0;
};

export const sysRtSigpending: Handler = (_k, t, r) => {
  const size = uarg(r, 1);
  if (size > 8) return -E.EINVAL;
  let s = 0n;
  for (const p of [...t.sig.pending, ...t.group.pending]) s |= sigbit(p.signo);
  const b = new Uint8Array(8);
  writeSet(b, 0, s & t.sig.blocked);
  return t.mm!.write(uarg(r, 0), b, 0, size) ? 0 : -E.EFAULT;
};

/** rt_sigreturn: registers and mask come back from the frame at sp */
export const sysRtSigreturn: Handler = (k, t) => {
  const r = t.regs!;
  const saved = readFrame(t.mm!, r, r.get(REG_SP));
  if (saved === null) {
    sendToThread(k, t, { signo: 11, code: 0x80 });
    return 0;
  }
  t.sig.blocked = saved.mask & ~UNBLOCKABLE;
  // the alternate stack comes back as the frame recorded it (Linux: restore_altstack)
  const a = saved.alt;
  t.sig.altstack = a.flags & SS_DISABLE || a.size === 0 ? { sp: 0, size: 0, flags: SS_DISABLE } : { sp: a.sp, size: a.size, flags: a.flags & SS_AUTODISARM };
  return 0;
};

/** may `from` signal `to`? (Linux: check_kill_permission) */
export function mayKill(from: Task, to: Task, sig: number): boolean {
  if (from.can(CAP_KILL, to.cred.userns)) return true;
  if (sig === SIGCONT && from.group.sid === to.group.sid) return true;
  return [from.cred.uid, from.cred.euid].some((u) => u === to.cred.uid || u === to.cred.suid);
}

export const sysKill: Handler = (k, t, r) => {
  const pid = iarg(r, 0);
  const sig = iarg(r, 1);
  if (sig < 0 || sig > NSIG) return -E.EINVAL;
  const info = { signo: sig, code: SI_USER, sender: t, uid: t.cred.uid };
  if (pid > 0) {
    const x = findTask(t, pid);
    if (!x || x.state === TaskState.Dead) return -E.ESRCH;
    if (!mayKill(t, x, sig)) return -E.EPERM;
    if (sig !== 0) sendToGroup(k, x.group, info);
    return 0;
  }
  // process groups and "everyone": every visible process that matches (Linux: kill_pgrp_info, kill -1)
  const pgid = pid === 0 ? t.group.pgid : pid < -1 ? findTask(t, -pid)?.tid ?? -1 : 0;
  let found = 0;
  let allowed = 0;
  for (const x of t.pidns.tasks.values()) {
    if (x.state === TaskState.Dead || x.regs === null || !x.isLeader) continue;
    if (pid === -1 ? pidIn(x, t.pidns) <= 1 || x.group === t.group : x.group.pgid !== pgid) continue;
    found++;
    if (!mayKill(t, x, sig)) continue;
    allowed++;
    if (sig !== 0) sendToGroup(k, x.group, info);
  }
  if (found === 0) return -E.ESRCH;
  return allowed === 0 ? -E.EPERM : 0;
};

export const sysTgkill: Handler = (k, t, r) => {
  const tgid = iarg(r, 0);
  const tid = iarg(r, 1);
  const sig = iarg(r, 2);
  if (tgid <= 0 || tid <= 0 || sig < 0 || sig > NSIG) return -E.EINVAL;
  const x = findTask(t, tid);
  if (!x || vtgid(x, t) !== tgid || x.state === TaskState.Dead || x.state === TaskState.Zombie) return -E.ESRCH;
  if (!mayKill(t, x, sig)) return -E.EPERM;
  // a real-time signal past RLIMIT_SIGPENDING: EAGAIN (Linux: do_send_specific)
  return sig !== 0 ? sendToThread(k, x, { signo: sig, code: SI_TKILL, sender: t, uid: t.cred.uid }) : 0;
};

export const sysTkill: Handler = (k, t, r) => {
  const tid = iarg(r, 0);
  const sig = iarg(r, 1);
  if (tid <= 0 || sig < 0 || sig > NSIG) return -E.EINVAL;
  const x = findTask(t, tid);
  if (!x || x.state === TaskState.Dead || x.state === TaskState.Zombie) return -E.ESRCH;
  if (!mayKill(t, x, sig)) return -E.EPERM;
  // a real-time signal past RLIMIT_SIGPENDING: EAGAIN (Linux: do_send_specific)
  return sig !== 0 ? sendToThread(k, x, { signo: sig, code: SI_TKILL, sender: t, uid: t.cred.uid }) : 0;
};

/** rt_sigsuspend(mask, size): wait with a temporary mask until a signal is delivered */
export const sysRtSigsuspend: Handler = (k, t, r) => {
  if (uarg(r, 1) !== 8) return -E.EINVAL;
  const b = t.mm!.read(uarg(r, 0), 8);
  if (b === null) return -E.EFAULT;
  t.sig.savedMask = t.sig.blocked;
  t.sig.blocked = readSet(b, 0) & ~UNBLOCKABLE;
  const waiting: Block = new Block(() => {
    if (hasDeliverable(t)) return -E.EINTR;
    k.sched.sleep(t);
    return waiting;
  });
  return waiting.resume();
};

/** rt_sigtimedwait(set, info, timeout, size): take a pending signal from `set`, waiting for one */
export const sysRtSigtimedwait: Handler = (k, t, r) => {
  if (uarg(r, 3) !== 8) return -E.EINVAL;
  const b = t.mm!.read(uarg(r, 0), 8);
  if (b === null) return -E.EFAULT;
  const set = readSet(b, 0) & ~UNBLOCKABLE;
  let deadline = -1n;
  if (uarg(r, 2) !== 0) {
    const ns = readTimespec(t, uarg(r, 2));
    if (ns < 0n) return Number(ns);
    deadline = deadlineAfter(k.clock.now, ns);
  }
  const out = uarg(r, 1);
  /** a pending signal of the set: its number, -EFAULT, or null when there is none */
  const take = (before: () => void): number | null => {
    const info = dequeueFrom(t, set);
    if (info === null) return null;
    before();
    if (out !== 0 && !t.mm!.write(out, encodeSiginfo(info, t))) return -E.EFAULT;
    return info.signo;
  };
  const got = take(() => {});
  if (got !== null) return got;
  if (deadline >= 0n && k.clock.now >= deadline) return -E.EAGAIN;
  // signals in the set must wake us while we wait (Linux: real_blocked)
  const blocked = t.sig.blocked;
  const restore = () => {
    t.sig.blocked = blocked;
  };
  t.sig.blocked &= ~set;
  const waiting: Block = new Block(() => {
    const got = take(restore);
    if (got !== null) return got;
    if (deadline >= 0n && k.clock.now >= deadline) {
      restore();
      return -E.EAGAIN;
    }
    if (hasDeliverable(t)) {
      restore();
      return -E.EINTR;
    }
    k.sched.sleep(t, deadline);
    return waiting;
  }, restore);
  k.sched.sleep(t, deadline);
  return waiting;
};

/** sigaltstack(ss, old_ss) */
export const sysSigaltstack: Handler = (_k, t, r) => {
  const ss = uarg(r, 0);
  const old = uarg(r, 1);
  const alt = t.sig.altstack;
  const sp = t.regs!.get(2);
  const on = alt.size > 0 && !(alt.flags & SS_DISABLE) && sp > alt.sp && sp <= alt.sp + alt.size;
  if (old !== 0) {
    const b = new Uint8Array(24);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, alt.sp % 4294967296, true);
    dv.setUint32(4, Math.floor(alt.sp / 4294967296), true);
    dv.setInt32(8, (on ? SS_ONSTACK : alt.flags & SS_DISABLE || alt.size === 0 ? SS_DISABLE : 0) | (alt.flags & SS_AUTODISARM), true);
    dv.setUint32(16, alt.size % 4294967296, true);
    if (!t.mm!.write(old, b)) return -E.EFAULT;
  }
  if (ss !== 0) {
    const b = t.mm!.read(ss, 24);
    if (b === null) return -E.EFAULT;
    const dv = new DataView(b.buffer);
    const nsp = dv.getUint32(0, true) + dv.getUint32(4, true) * 4294967296;
    const flags = dv.getInt32(8, true);
    const size = dv.getUint32(16, true) + dv.getUint32(20, true) * 4294967296;
    if (on) return -E.EPERM;
    const mode = flags & ~SS_AUTODISARM;
    if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) return -E.EINVAL;
    if (mode === SS_DISABLE) {
      t.sig.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
    } else {
      if (size < MINSIGSTKSZ) return -E.ENOMEM;
      t.sig.altstack = { sp: nsp, size, flags: flags & SS_AUTODISARM };
    }
  }
  return 0;
};

/** rt_sigqueueinfo(tgid, sig, info) and rt_tgsigqueueinfo(tgid, tid, sig, info) */
export const sysRtSigqueueinfo: Handler = (k, t, r) => queueInfo(k, t, iarg(r, 0), 0, iarg(r, 1), uarg(r, 2));
export const sysRtTgsigqueueinfo: Handler = (k, t, r) => queueInfo(k, t, iarg(r, 0), iarg(r, 1), iarg(r, 2), uarg(r, 3));

function queueInfo(k: Kernel, t: Task, tgid: number, tid: number, sig: number, addr: number): number {
  if (sig < 1 || sig > NSIG) return -E.EINVAL;
  const b = t.mm!.read(addr, 128);
  if (b === null) return -E.EFAULT;
  const dv = new DataView(b.buffer);
  const code = dv.getInt32(8, true);
  // only the kernel may forge SI_USER/SI_KERNEL-style codes for other processes
  if ((code >= 0 || code === SI_TKILL) && tgid !== vtgid(t, t)) return -E.EPERM;
  const info = { signo: sig, code, pid: dv.getInt32(16, true), uid: dv.getInt32(20, true), value: dv.getInt32(24, true), valueHi: dv.getInt32(28, true) };
  const target = findTask(t, tid || tgid);
  if (!target || target.state === TaskState.Dead || target.state === TaskState.Zombie || vtgid(target, t) !== tgid) return -E.ESRCH;
  return tid ? sendToThread(k, target, info) : sendToGroup(k, target.group, info);
}
