// Signals as strace prints them (strace: src/signal.c signame and sprintsigmask_n,
// src/printsiginfo.c, src/wait.c printstatus): names, sets ([CHLD USR1], ~[RTMIN]), siginfo
// structs read from the bytes the guest gets, and wait statuses.

import { addr, xlat } from "./quote.js";

const NAMES = [
  "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
  "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
  "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
  "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS", "SIGRTMIN",
];

/** strace's signame: SIGCHLD, SIGRTMIN, SIGRT_1 ..., a number beyond 64 */
export function sigName(s: number): string {
  if (s > 0 && s <= 32) return NAMES[s];
  if (s > 32 && s <= 64) return `SIGRT_${s - 32}`;
  return String(s);
}

/** a signal argument: its name, or the number with strace's comment */
export function sigArg(s: number): string {
  if (s === 0) return "0";
  if (s > 0 && s <= 64) return sigName(s);
  return `${s >>> 0} /* SIG_??? */`;
}

/** strace's sprintsigmask_n for a 64-bit set (bit s-1 is signal s): [CHLD USR1], ~[RTMIN] when
 *  two thirds or more of the signals are in it, [] for none */
export function sigset(set: bigint): string {
  let n = 0;
  for (let s = 1; s <= 64; s++) if (set & (1n << BigInt(s - 1))) n++;
  let mask = set;
  let out = "";
  if (n >= (64 * 2) / 3) {
    out = "~";
    mask = ~set & 0xffffffffffffffffn;
  }
  const names: string[] = [];
  for (let s = 1; s <= 64; s++) if (mask & (1n << BigInt(s - 1))) names.push(s <= 32 ? NAMES[s].slice(3) : `RT_${s - 32}`);
  return `${out}[${names.join(" ")}]`;
}

const SI_CODES = xlat([[0, "SI_USER"], [0x80, "SI_KERNEL"], [-1, "SI_QUEUE"], [-2, "SI_TIMER"], [-3, "SI_MESGQ"], [-4, "SI_ASYNCIO"],
  [-5, "SI_SIGIO"], [-6, "SI_TKILL"], [-7, "SI_DETHREAD"], [-60, "SI_ASYNCNL"], [32767, "SI_NOINFO"]]);
const n = (...names: string[]) => xlat(names.map((name, i) => [i + 1, name] as const));
const PER_SIGNAL: Record<number, ReadonlyMap<number, string>> = {
  5: n("TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF"),
  17: n("CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"),
  29: n("POLL_IN", "POLL_OUT", "POLL_MSG", "POLL_ERR", "POLL_PRI", "POLL_HUP"),
  4: n("ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"),
  8: n("FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"),
  11: n("SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR"),
  7: n("BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"),
  31: n("SYS_SECCOMP", "SYS_USER_DISPATCH"),
};

function siCode(code: number, signo: number): string {
  return SI_CODES.get(code) ?? PER_SIGNAL[signo]?.get(code) ?? (code < 0 ? String(code) : "0x" + code.toString(16));
}

/** strace's printsiginfo of a 128-byte siginfo_t as the guest receives it */
export function siginfo(b: Uint8Array): string {
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const signo = dv.getInt32(0, true);
  if (signo === 0) return "{}";
  const errno = dv.getInt32(4, true);
  const code = dv.getInt32(8, true);
  const p: string[] = [`si_signo=${sigArg(signo)}`, `si_code=${siCode(code, signo)}`];
  if (code === 32767) return `{${p.join(", ")}}`;
  if (errno) p.push(`si_errno=${errno}`);
  const i32 = (o: number) => dv.getInt32(o, true);
  const ptr = (o: number) => addr(dv.getInt32(o, true), dv.getInt32(o + 4, true));
  const source = () => p.push(`si_pid=${i32(16)}`, `si_uid=${i32(20) >>> 0}`);
  const value = () => p.push(`si_int=${i32(24)}`, `si_ptr=${ptr(24)}`);
  if (code <= 0) {
    if (code === -2) {
      p.push(`si_timerid=${i32(16) === 0 ? "0" : "0x" + (i32(16) >>> 0).toString(16)}`, `si_overrun=${i32(20)}`);
      value();
    } else if (code === -5) {
      p.push(`si_band=${dv.getInt32(16, true)}`, `si_fd=${i32(24)}`);
    } else {
      source();
      if (code !== 0 && code !== -6 && (i32(24) | i32(28)) !== 0) value();
    }
  } else if (signo === 17) {
    source();
    p.push(`si_status=${code === 1 ? String(i32(24)) : sigArg(i32(24))}`, `si_utime=${i32(32)}`, `si_stime=${i32(40)}`);
  } else if (signo === 4 || signo === 8 || signo === 7 || signo === 11 || signo === 5) {
    p.push(`si_addr=${ptr(16)}`);
  } else if (signo === 29) {
    if (code >= 1 && code <= 6) p.push(`si_band=${i32(16)}`, `si_fd=${i32(24)}`);
  } else {
    if (i32(16) || i32(20)) source();
    if (i32(24) | i32(28)) value();
  }
  return `{${p.join(", ")}}`;
}

/** strace's printstatus for a wait status word */
export function waitStatus(st: number): string {
  let s = st >>> 0;
  let out: string;
  if ((s & 0xff) === 0x7f) {
    const sig = (s >> 8) & 0xff;
    out = `[{WIFSTOPPED(s) && WSTOPSIG(s) == ${sigName(sig & 0x7f)}${sig & 0x80 ? " | 0x80" : ""}}`;
    s &= ~0xff7f;
  } else if ((s & 0x7f) !== 0 && s !== 0xffff) {
    const sig = s & 0x7f;
    out = `[{WIFSIGNALED(s) && WTERMSIG(s) == ${sigName(sig)}${s & 0x80 ? " && WCOREDUMP(s)" : ""}}`;
    s &= ~0xff;
  } else if ((s & 0x7f) === 0 && s !== 0xffff) {
    out = `[{WIFEXITED(s) && WEXITSTATUS(s) == ${(s >> 8) & 0xff}}`;
    s &= ~0xff00;
  } else if (s === 0xffff) {
    out = "[{WIFCONTINUED(s)}";
    s = 0;
  } else return `[${"0x" + s.toString(16)}]`;
  if (s) {
    const event = s >>> 16;
    const events = ["", "PTRACE_EVENT_FORK", "PTRACE_EVENT_VFORK", "PTRACE_EVENT_CLONE", "PTRACE_EVENT_EXEC", "PTRACE_EVENT_VFORK_DONE", "PTRACE_EVENT_EXIT", "PTRACE_EVENT_SECCOMP"];
    if (event) out += ` | ${event === 0x80 ? "PTRACE_EVENT_STOP" : events[event] ?? "0x" + event.toString(16)} << 16`;
    s &= 0xffff;
    if (s) out += ` | 0x${s.toString(16)}`;
  }
  return out + "]";
}

/** the end of a task as strace reports it: +++ exited with N +++ or +++ killed by SIG +++ */
export function exitLine(status: number): string {
  if ((status & 0x7f) === 0) return `+++ exited with ${(status >> 8) & 0xff} +++`;
  return `+++ killed by ${sigName(status & 0x7f)} ${status & 0x80 ? "(core dumped) " : ""}+++`;
}
