// How each syscall's arguments and result are printed, after strace's decoder of the same name
// (strace: src/<call>.c SYS_FUNC). Most are a list of kinds (kinds.ts); arguments up to the
// first output kind (">...") print at entry, the rest at exit, as strace's entering/exiting do.

import type { Call } from "./call.js";
import { KINDS, openFlags, fdFlags } from "./kinds.js";
import { addr, dec64, flags, hexNum, hexWord, udec64 } from "./quote.js";
import { sigArg, sigset } from "./sigfmt.js";
import * as S from "./structs.js";

export interface Decoder {
  /** what the entry prints after "name(": the input arguments, with ", " when more follow */
  enter(c: Call): string;
  /** what the exit prints before ")" */
  exit(c: Call): string;
  /** the result after "= " when the call succeeded (default: decimal) */
  ret?(c: Call): string;
}

/** a decoder from a list of kinds: "fd >buf lu" */
export function fromKinds(spec: string, ret?: (c: Call) => string): Decoder {
  const kinds = spec ? spec.split(" ") : [];
  const split = kinds.findIndex((k) => k.startsWith(">"));
  const cut = split < 0 ? kinds.length : split;
  const print = (c: Call, from: number, to: number) => {
    const parts: string[] = [];
    for (let i = from; i < to; i++) {
      const f = KINDS[kinds[i]];
      parts.push(f ? f(c, i) : KINDS.x(c, i));
    }
    return parts.join(", ");
  };
  return {
    enter: (c) => print(c, 0, cut) + (cut < kinds.length && cut > 0 ? ", " : ""),
    exit: (c) => print(c, cut, kinds.length),
    ret,
  };
}

const hexRet = (c: Call) => hexWord(c.rlo, c.rhi);
const dec = (c: Call) => dec64(c.rlo, c.rhi);

/** futex: the arguments that follow depend on the operation (strace: src/futex.c) */
const FUTEX_OPS = ["FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", "FUTEX_LOCK_PI",
  "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI", "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2"];
function futexOp(op: number): string {
  const cmd = op & 127;
  let s = FUTEX_OPS[cmd] !== undefined ? FUTEX_OPS[cmd] + (op & 128 ? "_PRIVATE" : "") : hexNum(op & ~256);
  if (op & 256) s += "|FUTEX_CLOCK_REALTIME";
  const rest = op & ~(127 | 128 | 256);
  if (rest && FUTEX_OPS[cmd] !== undefined) s += "|" + hexNum(rest >>> 0);
  return s;
}
const bitset = (v: number) => (v >>> 0 === 0xffffffff ? "FUTEX_BITSET_MATCH_ANY" : hexNum(v >>> 0));
function wakeOp(v: number): string {
  const ops = ["FUTEX_OP_SET", "FUTEX_OP_ADD", "FUTEX_OP_OR", "FUTEX_OP_ANDN", "FUTEX_OP_XOR"];
  const cmps = ["FUTEX_OP_CMP_EQ", "FUTEX_OP_CMP_NE", "FUTEX_OP_CMP_LT", "FUTEX_OP_CMP_LE", "FUTEX_OP_CMP_GT", "FUTEX_OP_CMP_GE"];
  const op = (v >>> 28) & 7;
  const shift = (v >>> 28) & 8 ? "FUTEX_OP_OPARG_SHIFT<<28|" : "";
  return `{${shift}${ops[op] ?? op}<<28, ${(v >> 12) & 0xfff}, ${cmps[(v >>> 24) & 15] ?? (v >>> 24) & 15}<<24, ${v & 0xfff}}`;
}
const futex: Decoder = {
  enter(c) {
    const op = c.i32(1);
    const cmd = op & 127;
    const p = [KINDS.x(c, 0), futexOp(op)];
    const timeout = () => KINDS.timespec(c, 3);
    switch (cmd) {
      case 0: p.push(String(c.u32(2)), timeout()); break;
      case 9: p.push(String(c.u32(2)), timeout(), bitset(c.i32(5))); break;
      case 1: p.push(String(c.i32(2))); break;
      case 10: p.push(String(c.i32(2)), bitset(c.i32(5))); break;
      case 3: p.push(String(c.i32(2)), String(c.u32(3)), KINDS.x(c, 4)); break;
      case 4: case 12: p.push(String(c.i32(2)), String(c.u32(3)), KINDS.x(c, 4), String(c.u32(5))); break;
      case 5: p.push(String(c.i32(2)), String(c.u32(3)), KINDS.x(c, 4), wakeOp(c.u32(5))); break;
      case 6: case 13: p.push(timeout()); break;
      case 7: case 8: break;
      case 11: p.push(String(c.u32(2)), timeout(), KINDS.x(c, 4)); break;
      default: p.push(hexNum(c.u32(2)), KINDS.x(c, 3), KINDS.x(c, 4), hexNum(c.u32(5)));
    }
    return p.join(", ");
  },
  exit: () => "",
};

/** clone(flags, stack, parent_tid, tls, child_tid) on riscv64, printed by field name */
const clone: Decoder = {
  enter(c) {
    const sig = c.u32(0) & 0xff;
    const fl = c.cloneNames((c.lo(0) & ~0xff) | 0, c.hi(0));
    const f = fl === "0" ? sigArg(sig) : sig ? `${fl}|${sigArg(sig)}` : fl;
    return `child_stack=${KINDS.x(c, 1)}, flags=${f}`;
  },
  exit(c) {
    const f = c.u32(0);
    const p: string[] = [];
    if (f & (0x100000 | 0x1000)) p.push(`parent_tid=${f & 0x100000 ? (c.failed ? KINDS.x(c, 2) : S.intPtr(c.t, c.lo(2), c.hi(2))) : KINDS.x(c, 2)}`);
    if (f & 0x80000) p.push(`tls=${KINDS.x(c, 3)}`);
    if (f & (0x1000000 | 0x200000)) p.push(`child_tidptr=${KINDS.x(c, 4)}`);
    return p.length ? ", " + p.join(", ") : "";
  },
};

/** clone3(struct clone_args *, size): the struct at entry, what the kernel wrote back at exit */
const clone3: Decoder = {
  enter(c) {
    const size = c.num(1);
    if (size < 64) return `${KINDS.x(c, 0)}, ${udec64(c.lo(1), c.hi(1))}`;
    const b = S.peek(c.t, c.lo(0), c.hi(0), Math.min(size, 88));
    if (b === null) return `${KINDS.x(c, 0)}, ${udec64(c.lo(1), c.hi(1))}`;
    const v = new S.View(b);
    const fl = v.u32(0);
    const p = [`flags=${c.cloneNames(v.i32(0), v.i32(4))}`];
    if (fl & 0x1000) p.push(`pidfd=${v.ptr(8)}`);
    if (fl & (0x1000000 | 0x200000)) p.push(`child_tid=${v.ptr(16)}`);
    if (fl & 0x100000) p.push(`parent_tid=${v.ptr(24)}`);
    p.push(`exit_signal=${v.i32(36) === 0 && v.i32(32) >= 0 ? sigArg(v.i32(32)) : v.u64(32)}`);
    p.push(`stack=${v.ptr(40)}`, `stack_size=${v.i32(48) | v.i32(52) ? hexWord(v.i32(48), v.i32(52)) : "0"}`);
    if (fl & 0x80000) p.push(`tls=${v.ptr(56)}`);
    if (b.length >= 80 && (v.i32(64) | v.i32(68) | v.i32(72) | v.i32(76))) p.push(`set_tid=${v.ptr(64)}`, `set_tid_size=${v.u64(72)}`);
    if (b.length >= 88 && (v.i32(80) | v.i32(84) || v.u32(4) & 2)) p.push(`cgroup=${v.u64(80)}`);
    const s = `{${p.join(", ")}}`;
    return fl & (0x1000 | 0x100000) ? s : `${s}, ${udec64(c.lo(1), c.hi(1))}`;
  },
  exit(c) {
    const b = S.peek(c.t, c.lo(0), c.hi(0), 32);
    if (b === null || c.num(1) < 64) return "";
    const v = new S.View(b);
    const fl = v.u32(0);
    if (!(fl & (0x1000 | 0x100000))) return "";
    const size = udec64(c.lo(1), c.hi(1));
    if (c.failed) return `, ${size}`;
    const p: string[] = [];
    if (fl & 0x1000) p.push(`pidfd=${S.intPtr(c.t, v.i32(8), v.i32(12))}`);
    if (fl & 0x100000) p.push(`parent_tid=${S.intPtr(c.t, v.i32(24), v.i32(28))}`);
    return ` => {${p.join(", ")}}, ${size}`;
  },
};

/** fcntl: the third argument and the result depend on the command (strace: src/fcntl.c) */
const fcntl: Decoder = {
  enter(c) {
    const cmd = c.i32(1);
    const head = `${c.i32(0)}, ${KINDS.fcntl(c, 1)}`;
    switch (cmd) {
      case 0: case 1030: case 8: case 10: case 1024: case 1031: return `${head}, ${c.i32(2)}`;
      case 2: return `${head}, ${flags(c.u32(2), [[1, "FD_CLOEXEC"]])}`;
      case 4: return `${head}, ${openFlags(c.u32(2))}`;
      case 1: case 3: case 9: case 11: case 1025: case 1032: case 1034: return head;
      default: return `${head}, ${KINDS.x(c, 2)}`;
    }
  },
  exit: () => "",
  ret(c) {
    const cmd = c.i32(1);
    if (cmd === 1) return c.res ? `${hexNum(c.res)} (flags ${flags(c.res, [[1, "FD_CLOEXEC"]])})` : "0";
    if (cmd === 3) return `${hexNum(c.res)} (flags ${openFlags(c.res)})`;
    return dec(c);
  },
};

/** ioctl: the argument as a pointer, or decoded for the requests forkscope knows */
const ioctl: Decoder = {
  enter(c) {
    const req = c.u32(1);
    const head = `${c.i32(0)}, ${KINDS.ioctl(c, 1)}`;
    if (req === 0x5421 || req === 0x5410 || req === 0x5414) return `${head}, ${KINDS.intp(c, 2)}`;
    if (req === 0x5450 || req === 0x5451 || req === 0x5422) return head;
    return `${head}, `;
  },
  exit(c) {
    const req = c.u32(1);
    if (req === 0x5421 || req === 0x5410 || req === 0x5414 || req === 0x5450 || req === 0x5451 || req === 0x5422) return "";
    if (!c.failed && (req === 0x541b || req === 0x540f || req === 0x5429 || req === 0x5430 || req === 0x80045430)) return KINDS[">intp"](c, 2);
    if (!c.failed && req === 0x5413) return S.struct(c.t, c.lo(2), c.hi(2), 8, (v) => `{ws_row=${v.dv.getUint16(0, true)}, ws_col=${v.dv.getUint16(2, true)}, ws_xpixel=${v.dv.getUint16(4, true)}, ws_ypixel=${v.dv.getUint16(6, true)}}`);
    if (!c.failed && req === 0x5401) return S.struct(c.t, c.lo(2), c.hi(2), 60, (v) => {
      const cf = v.u32(8);
      const bauds = ["B0", "B50", "B75", "B110", "B134", "B150", "B200", "B300", "B600", "B1200", "B1800", "B2400", "B4800", "B9600", "B19200", "B38400"];
      const on = (b: boolean, s: string) => (b ? "" : "-") + s;
      return `{${bauds[cf & 15] ?? hexNum(cf & 0o10017)} ${on((v.u32(4) & 1) !== 0, "opost")} ${on((v.u32(12) & 1) !== 0, "isig")} ${on((v.u32(12) & 2) !== 0, "icanon")} ${on((v.u32(12) & 8) !== 0, "echo")} ...}`;
    });
    return KINDS.x(c, 2);
  },
};

/** rt_sigreturn: the signal mask the frame restores (strace reads uc_sigmask of the frame at sp) */
const rtSigreturn: Decoder = {
  enter(c) {
    const sp = c.t.regs!.x.subarray(4, 6);
    return S.struct(c.t, sp[0] + 128 + 40, sp[1], 8, (v) => `{mask=${sigset(v.set64(0))}}`);
  },
  exit: () => "",
};

/** poll and ppoll: the ready descriptors follow the count */
const pollRet = (c: Call) => (c.res > 0 ? `${c.res} (${S.pollfds(c.t, c.lo(0), c.hi(0), c.num(1), true)})` : c.res === 0 ? "0 (Timeout)" : dec(c));

/** wait4's and waitid's first argument */
const waitPid = (c: Call) => String(c.i32(0));

/** prctl: which arguments print depends on the option (strace: src/prctl.c) */
const prctl: Decoder = {
  enter(c) {
    const op = c.i32(0);
    const o = KINDS.prctl(c, 0);
    switch (op) {
      case 1: return `${o}, ${sigArg(c.i32(1))}`;
      case 2: case 16: return `${o}, `;
      case 15: return `${o}, ${KINDS.str(c, 1)}`;
      case 3: case 37: case 39: return o;
      case 4: case 36: case 38: case 23: case 24: return `${o}, ${udec64(c.lo(1), c.hi(1))}`;
      default: return `${o}, ${KINDS.lx(c, 1)}, ${KINDS.lx(c, 2)}, ${KINDS.lx(c, 3)}, ${KINDS.lx(c, 4)}`;
    }
  },
  exit(c) {
    const op = c.i32(0);
    if (op === 2) return KINDS[">intp"](c, 1);
    if (op === 16) return c.failed ? KINDS.x(c, 1) : S.cstring(c.t, c.lo(1), c.hi(1), 16);
    return "";
  },
};

/** ptrace(request, pid, addr, data) */
const ptrace: Decoder = {
  enter(c) {
    const req = c.i32(0);
    const r = KINDS.ptrace(c, 0);
    if (req === 0) return r;
    if (req === 0x4200 || req === 0x4206) return `${r}, ${c.i32(1)}, ${KINDS.x(c, 2)}, ${ptraceOptions(c.u32(3))}`;
    if (req === 7 || req === 0x11 || req === 0x18 || req === 9 || req === 0x4208) return `${r}, ${c.i32(1)}, ${KINDS.x(c, 2)}, ${sigArg(c.i32(3))}`;
    if (req === 0x10 || req === 8 || req === 0x4207) return `${r}, ${c.i32(1)}`;
    if (req === 4 || req === 5) return `${r}, ${c.i32(1)}, ${KINDS.x(c, 2)}, ${KINDS.lx(c, 3)}`;
    return `${r}, ${c.i32(1)}, ${KINDS.x(c, 2)}, `;
  },
  exit(c) {
    const req = c.i32(0);
    if (req === 1 || req === 2) return c.failed ? KINDS.x(c, 3) : KINDS[">u64p"](c, 3);
    if (req === 0x4201) return c.failed ? KINDS.x(c, 3) : KINDS[">u64p"](c, 3);
    if (req === 0x4202) return KINDS[">siginfo"](c, 3);
    if (req === 0 || req === 0x4200 || req === 0x4206 || req === 7 || req === 0x11 || req === 0x18 || req === 9 || req === 0x4208 || req === 0x10 || req === 8 || req === 0x4207 || req === 4 || req === 5) return "";
    return KINDS.x(c, 3);
  },
};
function ptraceOptions(v: number): string {
  return flags(v, [[1, "PTRACE_O_TRACESYSGOOD"], [2, "PTRACE_O_TRACEFORK"], [4, "PTRACE_O_TRACEVFORK"], [8, "PTRACE_O_TRACECLONE"],
    [0x10, "PTRACE_O_TRACEEXEC"], [0x20, "PTRACE_O_TRACEVFORKDONE"], [0x40, "PTRACE_O_TRACEEXIT"], [0x80, "PTRACE_O_TRACESECCOMP"],
    [0x100000, "PTRACE_O_EXITKILL"], [0x200000, "PTRACE_O_SUSPEND_SECCOMP"]]);
}

/** accept/getsockname/getpeername: the address and its length, [in->out] when it changed */
const sockAddrOut: Decoder = {
  enter: (c) => `${c.i32(0)}, `,
  exit(c) {
    if (c.failed) return `${KINDS.x(c, 1)}, ${KINDS.x(c, 2)}`;
    const len = S.peek(c.t, c.lo(2), c.hi(2), 4);
    if (len === null || (c.lo(1) | c.hi(1)) === 0) return `${KINDS.x(c, 1)}, ${KINDS.x(c, 2)}`;
    const n = new S.View(len).i32(0);
    return `${S.sockaddr(c.t, c.lo(1), c.hi(1), n)}, [${n}]`;
  },
};
const accept4: Decoder = {
  enter: sockAddrOut.enter,
  exit: (c) => `${sockAddrOut.exit(c)}, ${KINDS.fdflags(c, 3).replace(/O_/g, "SOCK_")}`,
};

/** struct msghdr, abbreviated (strace: src/msghdr.c) */
function msghdr(c: Call, i: number, limit: number): string {
  return S.struct(c.t, c.lo(i), c.hi(i), 56, (v) => {
    const nameLen = v.u32(8);
    const name = v.ptr(0) === "NULL" ? "NULL" : S.sockaddr(c.t, v.i32(0), v.i32(4), nameLen);
    const iovlen = Number(BigInt(v.u64(24)) > 1024n ? 1025n : BigInt(v.u64(24)));
    const iov = S.iovec(c.t, v.i32(16), v.i32(20), iovlen, limit, c.strsize);
    return `{msg_name=${name}, msg_namelen=${nameLen}, msg_iov=${iov}, msg_iovlen=${v.u64(24)}, msg_controllen=${v.u64(40)}, msg_flags=${flags(v.u32(48), [[8, "MSG_CTRUNC"], [0x20, "MSG_TRUNC"], [0x40000000, "MSG_CMSG_CLOEXEC"]])}}`;
  });
}

/** semop's struct sembuf array */
function sembufs(c: Call): string {
  const n = c.num(2);
  if (n > 64) return KINDS.x(c, 1);
  return S.struct(c.t, c.lo(1), c.hi(1), n * 6, (v) => {
    const items: string[] = [];
    for (let k = 0; k < n; k++) {
      const fl = v.dv.getInt16(k * 6 + 4, true);
      items.push(`{sem_num=${v.dv.getUint16(k * 6, true)}, sem_op=${v.dv.getInt16(k * 6 + 2, true)}, sem_flg=${flags(fl & 0xffff, [[0o4000, "IPC_NOWAIT"], [0x1000, "SEM_UNDO"]])}}`);
    }
    return `[${items.join(", ")}]`;
  });
}

const D: Record<string, Decoder | string> = {
  getcwd: ">str lu",
  eventfd2: "u fdflags",
  epoll_create1: "fdflags",
  epoll_ctl: "fd epollctl fd epollevent",
  epoll_pwait: "fd >epollevents d d sigsetp lu",
  epoll_pwait2: "fd >epollevents d timespec sigsetp lu",
  dup: "fd",
  dup3: "fd fd fdflags",
  fcntl,
  ioctl,
  ioprio_set: "d d d",
  ioprio_get: "d d",
  mknodat: "dirfd path mode hex",
  mkdirat: "dirfd path mode",
  unlinkat: "dirfd path atflags",
  symlinkat: "path dirfd path",
  linkat: "dirfd path dirfd path atflags",
  umount2: "path umountflags",
  mount: "str path str mountflags x",
  pivot_root: "path path",
  statfs: "path >x",
  fstatfs: "fd >x",
  truncate: "path l",
  ftruncate: "fd l",
  faccessat: "dirfd path access",
  faccessat2: "dirfd path access atflags",
  chdir: "path",
  fchdir: "fd",
  chroot: "path",
  fchmod: "fd mode",
  fchmodat: "dirfd path mode",
  fchownat: "dirfd path d d atflags",
  fchown: "fd d d",
  openat: { ...fromKinds("dirfd path oflags"), enter: (c) => `${KINDS.dirfd(c, 0)}, ${KINDS.path(c, 1)}, ${KINDS.oflags(c, 2)}${c.u32(2) & 0o20100100 ? `, ${KINDS.mode(c, 3)}` : ""}` },
  close: "fd",
  pipe2: ">fdarray fdflags",
  ppoll: fromKinds("pollfds u timespec sigsetp lu", pollRet),
  getdents64: "fd >dents lu",
  lseek: "fd l whence",
  read: "fd >buf lu",
  write: "fd w:2 lu",
  readv: "fd >iov d",
  writev: "fd iov:2 d",
  pread64: "fd >buf lu l",
  pwrite64: "fd w:2 lu l",
  readlinkat: "dirfd path >buf lu",
  newfstatat: "dirfd path >stat atflags",
  fstat: "fd >stat",
  fsync: "fd",
  fdatasync: "fd",
  utimensat: "dirfd path x atflags",
  capget: "x >x",
  capset: "x x",
  exit: "d",
  exit_group: "d",
  waitid: "idtype d >siginfo wopt >rusage",
  set_tid_address: "x",
  unshare: "clone",
  futex,
  set_robust_list: "x lu",
  get_robust_list: "d >x >u64p",
  nanosleep: "timespec >timespec",
  timer_create: "clock x >intp",
  timer_gettime: "d >itimerspec",
  timer_getoverrun: "d",
  timer_settime: "d d itimerspec >itimerspec",
  timer_delete: "d",
  clock_gettime: "clock >timespec",
  clock_getres: "clock >timespec",
  clock_nanosleep: { ...fromKinds("clock d timespec >timespec"), enter: (c) => `${KINDS.clock(c, 0)}, ${c.i32(1) === 1 ? "TIMER_ABSTIME" : c.i32(1)}, ${KINDS.timespec(c, 2)}, ` },
  ptrace,
  getitimer: "itimer >itimerval",
  setitimer: "itimer itimerval >itimerval",
  sched_getscheduler: "d",
  sched_getparam: "d >schedparam",
  sched_setaffinity: "d u x",
  sched_getaffinity: "d u >cpuset",
  sched_get_priority_max: "sched",
  sched_get_priority_min: "sched",
  sched_yield: "",
  kill: "d sig",
  tkill: "d sig",
  tgkill: "d d sig",
  sigaltstack: "stack >stack",
  rt_sigsuspend: "sigsetp lu",
  rt_sigaction: "sig sigaction >sigaction lu",
  rt_sigprocmask: "how sigsetp >sigset8 lu",
  rt_sigpending: ">sigset8 lu",
  rt_sigtimedwait: "sigsetp >siginfo timespec lu",
  rt_sigqueueinfo: "d sig siginfo",
  rt_tgsigqueueinfo: "d d sig siginfo",
  rt_sigreturn: rtSigreturn,
  setregid: "d d", setgid: "d", setreuid: "d d", setuid: "d", setresuid: "d d d", setresgid: "d d d",
  getresuid: ">intp >intp >intp", getresgid: ">intp >intp >intp",
  setfsuid: "d", setfsgid: "d",
  times: ">tms",
  setpgid: "d d", getpgid: "d", getsid: "d", setsid: "",
  getgroups: "d >x", setgroups: "d x",
  uname: ">utsname",
  sethostname: "str d", setdomainname: "str d",
  getrusage: "d >rusage",
  umask: "mode",
  prctl,
  getcpu: ">intp >intp x",
  gettimeofday: ">timeval x",
  getpid: "", getppid: "", getuid: "", geteuid: "", getgid: "", getegid: "", gettid: "",
  sysinfo: ">sysinfo",
  msgget: "ipckey ipcflags",
  msgctl: "d ipccmd x",
  msgrcv: "d x lu l msgflags",
  msgsnd: "d x lu msgflags",
  semget: "ipckey d ipcflags",
  semctl: "d d semcmd x",
  semtimedop: { enter: (c) => `${c.i32(0)}, ${sembufs(c)}, ${c.num(2)}, ${KINDS.timespec(c, 3)}`, exit: () => "" },
  semop: { enter: (c) => `${c.i32(0)}, ${sembufs(c)}, ${c.num(2)}`, exit: () => "" },
  shmget: "ipckey lu ipcflags",
  shmctl: "d ipccmd x",
  shmat: fromKinds("d x hex", hexRet),
  shmdt: "x",
  socket: "af socktype d",
  socketpair: "af socktype d >fdarray",
  bind: "fd sockaddr d",
  listen: "fd d",
  accept: sockAddrOut,
  accept4,
  connect: "fd sockaddr d",
  getsockname: sockAddrOut,
  getpeername: sockAddrOut,
  sendto: { enter: (c) => `${c.i32(0)}, ${KINDS["w:2"](c, 1)}, ${c.num(2)}, ${KINDS.msgflags(c, 3)}, ${S.sockaddr(c.t, c.lo(4), c.hi(4), c.i32(5))}, ${c.i32(5)}`, exit: () => "" },
  recvfrom: "fd >buf lu msgflags >x >x",
  setsockopt: "fd sol sockopt x d",
  getsockopt: "fd sol sockopt >x >intp",
  shutdown: "fd shutdown",
  sendmsg: { enter: (c) => `${c.i32(0)}, ${msghdr(c, 1, Number.MAX_SAFE_INTEGER)}, ${KINDS.msgflags(c, 2)}`, exit: () => "" },
  recvmsg: { enter: (c) => `${c.i32(0)}, `, exit: (c) => `${c.failed ? KINDS.x(c, 1) : msghdr(c, 1, c.res)}, ${KINDS.msgflags(c, 2)}` },
  brk: fromKinds("x", hexRet),
  munmap: "x lu",
  mremap: fromKinds("x lu lu mremap x", hexRet),
  clone,
  clone3,
  execve: "path argv envp",
  execveat: "dirfd path argv envp atflags",
  mmap: fromKinds("x lu prot mflags fd lx", hexRet),
  msync: "x lu msync",
  mprotect: "x lu prot",
  madvise: "x lu madv",
  wait4: { ...fromKinds("d >wstatus wopt >rusage"), enter: (c) => `${waitPid(c)}, ` },
  prlimit64: "d rlimres rlimit >rlimit",
  statx: "dirfd path atflags statxmask >statx",
  pidfd_send_signal: "fd sig siginfo u",
  pidfd_open: "d u",
  setns: "fd clone",
  renameat2: "dirfd path dirfd path renameflags",
  getrandom: ">hexbuf lu grnd",
  syslog: { enter: (c) => `${KINDS.syslog(c, 0)}, `, exit: (c) => `${[2, 3, 4].includes(c.i32(0)) ? KINDS[">buf"](c, 1) : KINDS.x(c, 1)}, ${c.i32(2)}` },
  personality: "personality",
  rseq: "x hex hex hex",
  riscv_hwprobe: "x lu lu x u",
  riscv_flush_icache: "x x lu",
  pidfd_getfd: "fd fd u",
  close_range: "u u u",
};

const cache = new Map<string, Decoder>();

/** the decoder for a syscall name; calls strace has no decoder for print their raw arguments in hex */
export function decoderFor(name: string, nargs: number, fallback?: string): Decoder {
  let d = cache.get(name);
  if (d) return d;
  const spec = D[name] ?? fallback ?? Array.from({ length: nargs }, () => "lx").join(" ");
  d = typeof spec === "string" ? fromKinds(spec) : spec;
  cache.set(name, d);
  return d;
}

export { addr, fdFlags };
