// What riscv's trap handlers print before a fault signal kills a process (Linux: arch/riscv/kernel/
// traps.c do_trap with show_unhandled_signals, mm/memory.c print_vma_addr, arch/riscv/kernel/
// process.c __show_regs, lib/dump_stack.c dump_stack_print_info).

import { hex64 } from "../base/bits.js";
import type { Regs } from "../cpu/regs.js";
import type { Kernel } from "./kernel.js";
import type { Task } from "./task.js";
import { SIG_DFL, SIG_IGN } from "./signals.js";
import { KERN_INFO, printk, printkRatelimit, prCont } from "./printk.js";
import { kernelRelease, KERNEL_VERSION_STRING } from "./personality.js";

/** scause values (the privileged spec's exception codes) */
export const CAUSE_ILLEGAL = 2, CAUSE_MISALIGNED_STORE = 6, CAUSE_FETCH_PAGE_FAULT = 12, CAUSE_LOAD_PAGE_FAULT = 13,
  CAUSE_STORE_PAGE_FAULT = 15;

/** sstatus of a user task as the trap saw it: UXL=64, FS clean, SPIE (Linux start_thread's
 *  SR_PIE | SR_UXL_64 with the FPU state the context switch left clean) */
const USER_SSTATUS_LO = 0x4020, USER_SSTATUS_HI = 0x2;

/** kernel/signal.c unhandled_signal: nobody catches it (default or ignored, not dying, not traced) */
function unhandledSignal(t: Task, sig: number): boolean {
  const h = t.sighand.actions[sig].handler;
  if (h !== SIG_IGN && h !== SIG_DFL) return false;
  if (t.group.groupExit) return false;
  return t.ptrace.tracer === null;
}

/** REG_FMT: "%016lx" */
function reg(r: Regs, i: number): string {
  return hex64(r.x[2 * i], r.x[2 * i + 1]).padStart(16, "0");
}

function word(v: number): string {
  return hex64(v % 4294967296, Math.floor(v / 4294967296)).padStart(16, "0");
}

/**
 * do_trap's message for a fault signal nobody handles, before the signal is forced:
 *   "prog[pid]: unhandled signal 11 code 0x1 at 0x0000000000000000 in prog[1f4,10000+5e000]"
 * and the registers, rate limited by printk_ratelimit as there.
 */
export function showUnhandledSignal(k: Kernel, t: Task, signo: number, code: number, addr: number, cause: number): void {
  if (!unhandledSignal(t, signo) || !printkRatelimit(k.log, k.clock.approx(), "do_trap")) return;
  const r = t.regs!;
  let line = `${t.comm}[${t.tid}]: unhandled signal ${signo} code 0x${(code >>> 0).toString(16)} at 0x${word(addr)}`;
  // print_vma_addr(KERN_CONT " in ", epc): the file, the offset in it, the mapping's start and size
  const v = t.mm?.findVma(r.pc) ?? null;
  if (v !== null && v.file !== null) {
    const name = v.file.path.slice(v.file.path.lastIndexOf("/") + 1);
    const ip = r.pc - v.start + v.pgoff * 4096;
    line += ` in ${name}[${ip.toString(16)},${v.start.toString(16)}+${(v.end - v.start).toString(16)}]`;
  }
  printk(k.log, KERN_INFO, line);
  // __show_regs: show_regs_print_info(KERN_DEFAULT), then the registers as continuation lines
  const release = kernelRelease(k.personality);
  printk(k.log, -1, `CPU: 0 UID: ${t.cred.euid} PID: ${t.tid} Comm: ${t.comm.slice(0, 20)} Not tainted ${release} ${KERNEL_VERSION_STRING.split(" ")[0]}`);
  printk(k.log, -1, "Hardware name: forkscope,rv64gc (DT)");
  const x = (n: string, i: number) => `${n}: ${reg(r, i)}`;
  const lines = [
    `epc : ${word(r.pc)} ra : ${reg(r, 1)} sp : ${reg(r, 2)}`,
    ` ${x("gp ", 3)} ${x("tp ", 4)} ${x("t0 ", 5)}`,
    ` ${x("t1 ", 6)} ${x("t2 ", 7)} ${x("s0 ", 8)}`,
    ` ${x("s1 ", 9)} ${x("a0 ", 10)} ${x("a1 ", 11)}`,
    ` ${x("a2 ", 12)} ${x("a3 ", 13)} ${x("a4 ", 14)}`,
    ` ${x("a5 ", 15)} ${x("a6 ", 16)} ${x("a7 ", 17)}`,
    ` ${x("s2 ", 18)} ${x("s3 ", 19)} ${x("s4 ", 20)}`,
    ` ${x("s5 ", 21)} ${x("s6 ", 22)} ${x("s7 ", 23)}`,
    ` ${x("s8 ", 24)} ${x("s9 ", 25)} ${x("s10", 26)}`,
    ` ${x("s11", 27)} ${x("t3 ", 28)} ${x("t4 ", 29)}`,
    ` ${x("t5 ", 30)} ${x("t6 ", 31)}`,
    `status: ${hex64(USER_SSTATUS_LO, USER_SSTATUS_HI).padStart(16, "0")} badaddr: ${word(addr)} cause: ${word(cause)}`,
  ];
  for (const l of lines) prCont(k.log, l);
}
