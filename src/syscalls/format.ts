// strace-style formatting of syscall arguments and results for --trace.
//
// Argument kinds (one per argument in a table entry's `args`):
//   d int · l long · u unsigned · x pointer/hex · s path string · fd · dirfd · o octal mode
//   w:N bytes written (count in arg N) · r:N bytes read (count = result) · argv string array
//   oflags · clone · prot · mflags · sig · how · wopt · clock · whence · fcntl · ioctl · futex
//   prctl · rlimit · atflags · sigset
// Kinds starting with "r:" are formatted after the call, the rest before (execve replaces
// the memory the arguments point into).

import * as TB from "../tty/termbits.js";
import { bytestr, strbytes } from "../base/bytestr.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/task.js";
import type { Regs } from "../cpu/regs.js";
import type { SyscallDef } from "./table.js";
import { errnoName } from "../base/errno.js";
import { cloneFlagNames } from "../kernel/cloneflags.js";
import { signalName } from "../kernel/signals.js";

function flagNames(v: number, names: [number, string][], zero = "0"): string {
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of names) {
    if (bit !== 0 && (rest & bit) === bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push("0x" + rest.toString(16));
  return out.join("|") || zero;
}

const OFLAGS: [number, string][] = [
  [0o100, "O_CREAT"], [0o200, "O_EXCL"], [0o400, "O_NOCTTY"], [0o1000, "O_TRUNC"], [0o2000, "O_APPEND"],
  [0o4000, "O_NONBLOCK"], [0o10000, "O_DSYNC"], [0o200000, "O_DIRECTORY"], [0o400000, "O_NOFOLLOW"],
  [0o1000000, "O_NOATIME"], [0o2000000, "O_CLOEXEC"], [0o4000000, "O_SYNC"], [0o10000000, "O_PATH"],
  [0o20000000, "O_TMPFILE"], [0o100000, "O_LARGEFILE"],
];
const PROT: [number, string][] = [[1, "PROT_READ"], [2, "PROT_WRITE"], [4, "PROT_EXEC"]];
const MFLAGS: [number, string][] = [
  [0x10, "MAP_FIXED"], [0x20, "MAP_ANONYMOUS"], [0x100, "MAP_GROWSDOWN"], [0x800, "MAP_DENYWRITE"],
  [0x2000, "MAP_LOCKED"], [0x4000, "MAP_NORESERVE"], [0x8000, "MAP_POPULATE"], [0x10000, "MAP_NONBLOCK"],
  [0x20000, "MAP_STACK"], [0x40000, "MAP_HUGETLB"], [0x100000, "MAP_FIXED_NOREPLACE"],
];
const WOPT: [number, string][] = [
  [1, "WNOHANG"], [2, "WUNTRACED"], [4, "WEXITED"], [8, "WCONTINUED"], [0x1000000, "WNOWAIT"],
  [0x20000000, "__WNOTHREAD"], [0x40000000, "__WALL"], [0x80000000, "__WCLONE"],
];
const ATFLAGS: [number, string][] = [
  [0x100, "AT_SYMLINK_NOFOLLOW"], [0x200, "AT_REMOVEDIR"], [0x400, "AT_SYMLINK_FOLLOW"], [0x800, "AT_NO_AUTOMOUNT"],
  [0x1000, "AT_EMPTY_PATH"],
];
const CLOCKS = ["CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID",
  "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME"];
const FCNTL: Record<number, string> = { 0: "F_DUPFD", 1: "F_GETFD", 2: "F_SETFD", 3: "F_GETFL", 4: "F_SETFL",
  5: "F_GETLK", 6: "F_SETLK", 7: "F_SETLKW", 1030: "F_DUPFD_CLOEXEC", 1032: "F_GETPIPE_SZ" };
/** terminal and file ioctls by number (the names of tty/termbits.ts; FIONREAD for TIOCINQ) */
const IOCTL: Record<number, string> = Object.fromEntries(
  ([
    "TCGETS", "TCSETS", "TCSETSW", "TCSETSF", "TCGETA", "TCSETA", "TCSETAW", "TCSETAF", "TCSBRK", "TCXONC", "TCFLSH",
    "TIOCEXCL", "TIOCNXCL", "TIOCSCTTY", "TIOCGPGRP", "TIOCSPGRP", "TIOCOUTQ", "TIOCSTI", "TIOCGWINSZ", "TIOCSWINSZ",
    "TIOCMGET", "TIOCMBIS", "TIOCMBIC", "TIOCMSET", "TIOCGSOFTCAR", "TIOCSSOFTCAR", "FIONREAD", "TIOCLINUX", "TIOCCONS",
    "TIOCGSERIAL", "TIOCSSERIAL", "TIOCPKT", "FIONBIO", "TIOCNOTTY", "TIOCSETD", "TIOCGETD", "TCSBRKP", "TIOCSBRK",
    "TIOCCBRK", "TIOCGSID", "TCGETS2", "TCSETS2", "TCSETSW2", "TCSETSF2", "TIOCGPTN", "TIOCSPTLCK", "TIOCGDEV", "TCGETX",
    "TCSETX", "TCSETXF", "TCSETXW", "TIOCSIG", "TIOCVHANGUP", "TIOCGPKT", "TIOCGPTLCK", "TIOCGEXCL", "TIOCGPTPEER",
    "FIONCLEX", "FIOCLEX", "FIOASYNC", "TIOCGLCKTRMIOS", "TIOCSLCKTRMIOS", "TIOCGICOUNT",
  ] as const).map((n) => [TB[n] >>> 0, n]),
);
const RLIMITS = ["RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
  "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
  "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME"];
const PRCTL: Record<number, string> = { 1: "PR_SET_PDEATHSIG", 2: "PR_GET_PDEATHSIG", 15: "PR_SET_NAME",
  16: "PR_GET_NAME", 36: "PR_SET_CHILD_SUBREAPER", 37: "PR_GET_CHILD_SUBREAPER" };
const PTRACE: Record<number, string> = { 0: "PTRACE_TRACEME", 1: "PTRACE_PEEKTEXT", 2: "PTRACE_PEEKDATA",
  4: "PTRACE_POKETEXT", 5: "PTRACE_POKEDATA", 7: "PTRACE_CONT", 8: "PTRACE_KILL", 16: "PTRACE_ATTACH", 17: "PTRACE_DETACH",
  24: "PTRACE_SYSCALL", 0x4200: "PTRACE_SETOPTIONS", 0x4201: "PTRACE_GETEVENTMSG", 0x4202: "PTRACE_GETSIGINFO",
  0x4204: "PTRACE_GETREGSET", 0x4205: "PTRACE_SETREGSET", 0x4206: "PTRACE_SEIZE", 0x4207: "PTRACE_INTERRUPT", 0x4208: "PTRACE_LISTEN" };
const FUTEX = ["FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP",
  "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET"];

function quote(b: Uint8Array, max = 32): string {
  let s = '"';
  for (let i = 0; i < Math.min(b.length, max); i++) {
    const c = b[i];
    if (c === 10) s += "\\n";
    else if (c === 9) s += "\\t";
    else if (c === 13) s += "\\r";
    else if (c === 34) s += '\\"';
    else if (c === 92) s += "\\\\";
    else if (c >= 32 && c < 127) s += String.fromCharCode(c);
    else s += "\\" + c.toString(8);
  }
  s += '"';
  return b.length > max ? s + "..." : s;
}

function hex(v: number): string {
  return v === 0 ? "NULL" : "0x" + v.toString(16);
}

function pathArg(t: Task, addr: number): string {
  if (addr === 0) return "NULL";
  const s = t.mm?.readString(addr, 4096);
  if (s === null || s === undefined) return hex(addr);
  return quote(strbytes(s), 4096);
}

function one(kind: string, t: Task, r: Regs, i: number, res: number): string {
  const lo = r.x[2 * (10 + i)];
  const u = r.getU(10 + i);
  switch (kind) {
    case "d": return String(lo);
    case "l": return String(r.get(10 + i));
    case "u": return String(u);
    case "x": return hex(u);
    case "o": return "0" + (lo >>> 0).toString(8);
    case "s": return pathArg(t, u);
    case "fd": return String(lo);
    case "dirfd": return lo === -100 ? "AT_FDCWD" : String(lo);
    case "oflags": {
      const acc = ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"][lo & 3];
      const rest = flagNames(lo & ~3, OFLAGS, "");
      return rest ? `${acc}|${rest}` : acc;
    }
    case "clone": return cloneFlagNames(lo, r.x[2 * (10 + i) + 1]);
    case "cloneargs": return cloneArgs(t, u, r.getU(10 + i + 1));
    case "ptrace": return PTRACE[lo] ?? String(lo);
    case "idtype": return ["P_ALL", "P_PID", "P_PGID", "P_PIDFD"][lo] ?? String(lo);
    case "prot": return flagNames(lo, PROT, "PROT_NONE");
    case "mflags": {
      const type = ["0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"][lo & 3];
      const rest = flagNames(lo & ~3, MFLAGS, "");
      return rest ? `${type}|${rest}` : type;
    }
    case "sig": return lo === 0 ? "0" : signalName(lo);
    case "how": return ["SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"][lo] ?? String(lo);
    case "wopt": return flagNames(lo, WOPT);
    case "clock": return CLOCKS[lo] ?? String(lo);
    case "whence": return ["SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"][lo] ?? String(lo);
    case "fcntl": return FCNTL[lo] ?? String(lo);
    case "ioctl": return IOCTL[lo >>> 0] ?? "0x" + (lo >>> 0).toString(16);
    case "rlimit": return RLIMITS[lo] ?? String(lo);
    case "prctl": return PRCTL[lo] ?? String(lo);
    case "atflags": return flagNames(lo, ATFLAGS);
    case "futex": {
      const base = FUTEX[lo & 127] ?? String(lo & 127);
      return base + (lo & 128 ? "_PRIVATE" : "") + (lo & 256 ? "|FUTEX_CLOCK_REALTIME" : "");
    }
    case "argv": {
      if (u === 0) return "NULL";
      const items: string[] = [];
      for (let j = 0; j < 32; j++) {
        const p = t.mm?.readU64(u + 8 * j);
        if (p === null || p === undefined) return hex(u);
        if (p === 0) return `[${items.join(", ")}]`;
        items.push(pathArg(t, p));
      }
      return `[${items.join(", ")}, ...]`;
    }
    default: {
      if (kind.startsWith("w:") || kind.startsWith("r:")) {
        const n = kind[0] === "w" ? r.getU(10 + Number(kind.slice(2))) : res;
        if (n < 0 || u === 0) return hex(u);
        const b = t.mm?.read(u, Math.min(n, 32));
        if (!b) return hex(u);
        return n > 32 ? quote(b, 32) + "..." : quote(b);
      }
      return String(lo);
    }
  }
}

/** arguments that must be read before the call runs */
export function formatBefore(t: Task, def: SyscallDef | undefined, r: Regs): (string | null)[] {
  const kinds = def ? def.args : ["x", "x", "x", "x", "x", "x"];
  return kinds.map((k, i) => (k.startsWith("r:") ? null : one(k, t, r, i, 0)));
}

export function formatCall(
  _k: Kernel, t: Task, nr: number, def: SyscallDef | undefined, r: Regs, before: (string | null)[] | null, res: number,
): string {
  const kinds = def ? def.args : ["x", "x", "x", "x", "x", "x"];
  const parts = kinds.map((k, i) => before?.[i] ?? one(k, t, r, i, res));
  return `${def ? def.name : `syscall_${nr}`}(${parts.join(", ")})`;
}

export function formatResult(def: SyscallDef | undefined, res: number, reason: string): string {
  if (res < 0 && res > -4096) {
    const why = reason || (def ? "" : "not implemented");
    return `-1 ${errnoName(-res)}${why ? ` (${why})` : ""}`;
  }
  if (def?.ret === "x") return "0x" + res.toString(16);
  if (def?.noReturn) return "?";
  return String(res);
}

/** struct clone_args decoded like strace: {flags=..., exit_signal=..., stack=..., ...} */
function cloneArgs(t: Task, addr: number, size: number): string {
  const b = t.mm?.read(addr, Math.min(Math.max(size, 0), 88));
  if (!b || b.length < 64) return hex(addr);
  const dv = new DataView(b.buffer);
  const u64 = (o: number) => (o + 8 <= b.length ? dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296 : 0);
  const parts = [`flags=${cloneFlagNames(dv.getUint32(0, true), dv.getUint32(4, true))}`];
  if (u64(8)) parts.push(`pidfd=${hex(u64(8))}`);
  if (u64(16)) parts.push(`child_tid=${hex(u64(16))}`);
  if (u64(24)) parts.push(`parent_tid=${hex(u64(24))}`);
  parts.push(`exit_signal=${u64(32) ? signalName(u64(32)) : "0"}`);
  if (u64(40)) parts.push(`stack=${hex(u64(40))}`, `stack_size=0x${u64(48).toString(16)}`);
  if (u64(56)) parts.push(`tls=${hex(u64(56))}`);
  if (u64(72)) parts.push(`set_tid=${hex(u64(64))}`, `set_tid_size=${u64(72)}`);
  if (u64(80)) parts.push(`cgroup=${u64(80)}`);
  return `{${parts.join(", ")}}`;
}
