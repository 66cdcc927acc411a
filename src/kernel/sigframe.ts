// The riscv64 signal frame (Linux: arch/riscv/kernel/signal.c): setting up a handler's frame,
// reading it back at rt_sigreturn, and the return trampoline.
//
//   struct rt_sigframe { siginfo_t info (128); struct ucontext uc; }
//   ucontext: uc_flags 0, uc_link 8, uc_stack 16 (24 bytes), uc_sigmask 40, pad to 168,
//             uc_mcontext at 176 (16-aligned): 32 x u64 regs (pc first, then x1..x31),
//             then the FP state: f0..f31 as u64, fcsr u32, padded to the 528-byte union.

import { Regs, REG_A0, REG_RA, REG_SP } from "../cpu/regs.js";
import { Mm, MappableFile, PROT_EXEC, PROT_READ, STACK_TOP } from "../mm/mm.js";
import { SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SIGSEGV, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK, SigAction, SigInfo, UNBLOCKABLE, sigbit, signalName } from "./signals.js";
import type { Task } from "./task.js";
import type { Kernel } from "./kernel.js";
import { vtgid } from "./pidns.js";
import { forceSignal } from "./sigdeliver.js";

export const SIGINFO_SIZE = 128;
const UC_OFF = SIGINFO_SIZE;
const UC_STACK = 16;
const UC_SIGMASK = 40;
const UC_MCONTEXT = 176;
const FP_OFF = UC_MCONTEXT + 256;
export const FRAME_SIZE = SIGINFO_SIZE + UC_MCONTEXT + 256 + 528;

/** address of the page holding `li a7, 139 (rt_sigreturn); ecall`, mapped into every process */
export const VDSO_BASE = STACK_TOP;
export const SIGRETURN_TRAMPOLINE = VDSO_BASE;

const vdsoCode = new Uint8Array(new Uint32Array([0x08b00893, 0x00000073]).buffer);
const vdsoFile: MappableFile = {
  path: "[vdso]",
  size: () => vdsoCode.length,
  readAt: (pos, dst, off, len) => {
    if (typeof pos !== "number") return 0;
    const n = Math.max(0, Math.min(len, vdsoCode.length - pos));
    dst.set(vdsoCode.subarray(pos, pos + n), off);
    return n;
  },
};

export function mapVdso(mm: Mm): void {
  mm.map(VDSO_BASE, 4096, PROT_READ | PROT_EXEC, false, vdsoFile, 0, "[vdso]");
}

export function encodeSiginfo(info: SigInfo, viewer?: Task): Uint8Array {
  const b = new Uint8Array(SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, info.signo, true);
  dv.setInt32(4, 0, true); // si_errno
  dv.setInt32(8, info.code, true);
  if (info.timerId !== undefined) {
    dv.setInt32(16, info.timerId, true);
    dv.setInt32(20, info.overrun ?? 0, true);
    dv.setInt32(24, info.value ?? 0, true);
    dv.setInt32(28, info.valueHi ?? 0, true);
  } else if (info.addr !== undefined) {
    dv.setUint32(16, info.addr % 4294967296, true);
    dv.setUint32(20, Math.floor(info.addr / 4294967296), true);
  } else {
    dv.setInt32(16, info.sender && viewer ? vtgid(info.sender, viewer) : info.pid ?? 0, true);
    dv.setInt32(20, info.uid ?? 0, true);
    if (info.status !== undefined) dv.setInt32(24, info.status, true);
    else if (info.value !== undefined) {
      // si_value is a union with a 64-bit sival_ptr: both halves (a PIE's pointers are above 4 GiB)
      dv.setInt32(24, info.value, true);
      dv.setInt32(28, info.valueHi ?? 0, true);
    }
  }
  return b;
}

function u64(dv: DataView, o: number, lo: number, hi: number): void {
  dv.setInt32(o, lo, true);
  dv.setInt32(o + 4, hi, true);
}

/** write the frame; returns its address (the new sp) or -1 if the stack is unwritable */
export function writeFrame(mm: Mm, r: Regs, sp: number, info: SigInfo, oldMask: bigint, altstack: { sp: number; flags: number; size: number }, viewer?: Task): number {
  let p = sp - FRAME_SIZE;
  p -= p % 16;
  const b = new Uint8Array(FRAME_SIZE);
  const dv = new DataView(b.buffer);
  b.set(encodeSiginfo(info, viewer), 0);
  u64(dv, UC_OFF + UC_STACK, altstack.sp | 0, Math.floor(altstack.sp / 4294967296));
  dv.setInt32(UC_OFF + UC_STACK + 8, altstack.flags, true);
  u64(dv, UC_OFF + UC_STACK + 16, altstack.size | 0, Math.floor(altstack.size / 4294967296));
  u64(dv, UC_OFF + UC_SIGMASK, Number(oldMask & 0xffffffffn) | 0, Number((oldMask >> 32n) & 0xffffffffn) | 0);
  const mc = UC_OFF + UC_MCONTEXT;
  u64(dv, mc, r.pc | 0, Math.floor(r.pc / 4294967296));
  for (let i = 1; i < 32; i++) u64(dv, mc + i * 8, r.x[2 * i], r.x[2 * i + 1]);
  const fp = UC_OFF + FP_OFF;
  for (let i = 0; i < 32; i++) u64(dv, fp + i * 8, r.f[2 * i], r.f[2 * i + 1]);
  dv.setInt32(fp + 256, (r.fcsr[1] << 5) | r.fcsr[0], true);
  if (!mm.write(p, b)) return -1;
  return p;
}

/** rt_sigreturn: restore registers and return the saved signal mask, or null on a bad frame */
export interface SavedAltstack {
  sp: number;
  flags: number;
  size: number;
}

/** rt_sigreturn: restore registers; returns the saved mask and alternate stack, or null on a bad frame */
export function readFrame(mm: Mm, r: Regs, sp: number): { mask: bigint; alt: SavedAltstack } | null {
  const b = mm.read(sp, FRAME_SIZE);
  if (b === null) return null;
  const dv = new DataView(b.buffer);
  const mc = UC_OFF + UC_MCONTEXT;
  r.pc = dv.getUint32(mc, true) + dv.getUint32(mc + 4, true) * 4294967296;
  for (let i = 1; i < 32; i++) {
    r.x[2 * i] = dv.getInt32(mc + i * 8, true);
    r.x[2 * i + 1] = dv.getInt32(mc + i * 8 + 4, true);
  }
  const fp = UC_OFF + FP_OFF;
  for (let i = 0; i < 32; i++) {
    r.f[2 * i] = dv.getInt32(fp + i * 8, true);
    r.f[2 * i + 1] = dv.getInt32(fp + i * 8 + 4, true);
  }
  const fcsr = dv.getInt32(fp + 256, true);
  r.fcsr[0] = fcsr & 31;
  r.fcsr[1] = (fcsr >>> 5) & 7;
  const lo = BigInt(dv.getUint32(UC_OFF + UC_SIGMASK, true));
  const hi = BigInt(dv.getUint32(UC_OFF + UC_SIGMASK + 4, true));
  const st = UC_OFF + UC_STACK;
  const alt = {
    sp: dv.getUint32(st, true) + dv.getUint32(st + 4, true) * 4294967296,
    flags: dv.getInt32(st + 8, true),
    size: dv.getUint32(st + 16, true) + dv.getUint32(st + 20, true) * 4294967296,
  };
  return { mask: (hi << 32n) | lo, alt };
}

/** run a handler: push the frame (on the alternate stack if asked), point the registers at the
 *  handler and block its mask (Linux: handle_signal, setup_rt_frame); false when the frame did
 *  not fit and the task is being killed with SIGSEGV instead */
export function setupRtFrame(k: Kernel, t: Task, info: SigInfo, act: SigAction): boolean {
  const r = t.regs!;
  let sp = r.get(REG_SP);
  const alt = t.sig.altstack;
  const onAlt = alt.size > 0 && sp > alt.sp && sp <= alt.sp + alt.size;
  if (act.flags & SA_ONSTACK && alt.size > 0 && !(alt.flags & SS_DISABLE) && !onAlt) sp = alt.sp + alt.size;
  // sigsuspend's caller gets its own mask back when the handler returns
  const oldMask = t.sig.savedMask ?? t.sig.blocked;
  t.sig.savedMask = null;
  // uc_stack records the alternate stack as it was (Linux: __save_altstack), with SS_AUTODISARM
  const disabled = alt.size === 0 || (alt.flags & SS_DISABLE) !== 0;
  const ssFlags = (disabled ? SS_DISABLE : onAlt ? SS_ONSTACK : 0) | (alt.flags & SS_AUTODISARM);
  const usesAlt = act.flags & SA_ONSTACK && !disabled && !onAlt;
  // on the alternate stack with no room left on it for the frame: SIGSEGV rather than starting
  // over at its top (Linux riscv: get_sigframe), so a handler that faults at once ends
  const overflow = onAlt && !(sp - FRAME_SIZE > alt.sp);
  const frame = overflow ? -1 : writeFrame(t.mm!, r, sp, info, oldMask, { sp: alt.sp, flags: ssFlags, size: alt.size }, t);
  if (frame < 0) {
    // no room for a frame: SIGSEGV with its default action, so the task dies (Linux: force_sigsegv)
    t.sighand.resetHandler(SIGSEGV);
    forceSignal(k, t, { signo: SIGSEGV, code: 0x80 });
    return false;
  }
  if (usesAlt && alt.flags & SS_AUTODISARM) t.sig.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
  r.set(REG_SP, frame);
  r.set(REG_A0, info.signo);
  r.set(REG_A0 + 1, frame);
  r.set(REG_A0 + 2, frame + 128);
  r.set(REG_RA, SIGRETURN_TRAMPOLINE);
  r.pc = act.handler;
  t.sig.blocked |= act.mask;
  if ((act.flags & SA_NODEFER) === 0) t.sig.blocked |= sigbit(info.signo);
  t.sig.blocked &= ~UNBLOCKABLE;
  // SA_RESETHAND: back to the default action; the flags stay (Linux: SA_ONESHOT)
  if (act.flags & SA_RESETHAND) t.sighand.resetHandler(info.signo);
  k.emit({ type: "signal", pid: t.tgid, tid: t.tid, name: signalName(info.signo) });
  return true;
}
