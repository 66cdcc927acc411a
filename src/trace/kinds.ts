// Argument printers by kind, the vocabulary of specs.ts: each takes the call and the argument's
// index. Names follow the strace decoder or xlat table they mirror (strace: src/xlat/*.in).

import type { Call } from "./call.js";
import { addr, dec64, flags, hexNum, hexWord, udec64, xlat, xval, QUOTE_FORCE_HEX } from "./quote.js";
import { sigArg, sigset, waitStatus, siginfo } from "./sigfmt.js";
import * as S from "./structs.js";

export type Kind = (c: Call, i: number) => string;

const OPEN_FLAGS: [number, string][] = [
  [0o100, "O_CREAT"], [0o200, "O_EXCL"], [0o400, "O_NOCTTY"], [0o1000, "O_TRUNC"], [0o2000, "O_APPEND"], [0o4000, "O_NONBLOCK"],
  [0o4010000, "O_SYNC"], [0o10000, "O_DSYNC"], [0o40000, "O_DIRECT"], [0o100000, "O_LARGEFILE"], [0o400000, "O_NOFOLLOW"], [0o1000000, "O_NOATIME"],
  [0o2000000, "O_CLOEXEC"], [0o10000000, "O_PATH"], [0o20200000, "O_TMPFILE"], [0o200000, "O_DIRECTORY"], [0o20000, "FASYNC"],
];
/** open flags: O_RDONLY|O_CLOEXEC */
export function openFlags(v: number): string {
  const acc = ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"][v & 3];
  const rest = flags(v & ~3, OPEN_FLAGS, "");
  return rest ? `${acc}|${rest}` : acc;
}
/** pipe2/dup3/eventfd2/epoll_create1 flags: only the flag bits, 0 for none */
export const fdFlags = (v: number): string => flags(v, OPEN_FLAGS);

const PROT: [number, string][] = [[1, "PROT_READ"], [2, "PROT_WRITE"], [4, "PROT_EXEC"], [8, "PROT_SEM"], [0x01000000, "PROT_GROWSDOWN"], [0x02000000, "PROT_GROWSUP"]];
const MAP: [number, string][] = [
  [0x10, "MAP_FIXED"], [0x20, "MAP_ANONYMOUS"], [0x100, "MAP_GROWSDOWN"], [0x800, "MAP_DENYWRITE"], [0x1000, "MAP_EXECUTABLE"],
  [0x2000, "MAP_LOCKED"], [0x4000, "MAP_NORESERVE"], [0x8000, "MAP_POPULATE"], [0x10000, "MAP_NONBLOCK"], [0x20000, "MAP_STACK"],
  [0x40000, "MAP_HUGETLB"], [0x80000, "MAP_SYNC"], [0x100000, "MAP_FIXED_NOREPLACE"], [0x4000000, "MAP_UNINITIALIZED"],
];
const WAIT: [number, string][] = [[1, "WNOHANG"], [2, "WSTOPPED"], [4, "WEXITED"], [8, "WCONTINUED"], [0x1000000, "WNOWAIT"],
  [0x80000000, "__WCLONE"], [0x40000000, "__WALL"], [0x20000000, "__WNOTHREAD"]];
const AT: [number, string][] = [[0x100, "AT_SYMLINK_NOFOLLOW"], [0x200, "AT_REMOVEDIR"], [0x400, "AT_SYMLINK_FOLLOW"], [0x800, "AT_NO_AUTOMOUNT"],
  [0x1000, "AT_EMPTY_PATH"], [0x8000, "AT_RECURSIVE"], [0x6000, "AT_STATX_DONT_SYNC"], [0x2000, "AT_STATX_FORCE_SYNC"]];
const CLOCKS = ["CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW",
  "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME", "CLOCK_REALTIME_ALARM", "CLOCK_BOOTTIME_ALARM", "CLOCK_SGI_CYCLE", "CLOCK_TAI"];
export const RLIMITS = ["RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE",
  "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME"];
const FCNTL = xlat([[0, "F_DUPFD"], [1, "F_GETFD"], [2, "F_SETFD"], [3, "F_GETFL"], [4, "F_SETFL"], [5, "F_GETLK"], [6, "F_SETLK"], [7, "F_SETLKW"],
  [8, "F_SETOWN"], [9, "F_GETOWN"], [10, "F_SETSIG"], [11, "F_GETSIG"], [15, "F_SETOWN_EX"], [16, "F_GETOWN_EX"], [36, "F_OFD_GETLK"], [37, "F_OFD_SETLK"],
  [38, "F_OFD_SETLKW"], [1024, "F_SETLEASE"], [1025, "F_GETLEASE"], [1026, "F_NOTIFY"], [1030, "F_DUPFD_CLOEXEC"], [1031, "F_SETPIPE_SZ"],
  [1032, "F_GETPIPE_SZ"], [1033, "F_ADD_SEALS"], [1034, "F_GET_SEALS"]]);
export const IOCTLS = xlat([[0x5401, "TCGETS"], [0x5402, "TCSETS"], [0x5403, "TCSETSW"], [0x5404, "TCSETSF"], [0x540b, "TCFLSH"], [0x540e, "TIOCSCTTY"],
  [0x540f, "TIOCGPGRP"], [0x5410, "TIOCSPGRP"], [0x5413, "TIOCGWINSZ"], [0x5414, "TIOCSWINSZ"], [0x541b, "FIONREAD"], [0x5421, "FIONBIO"],
  [0x5422, "TIOCNOTTY"], [0x5429, "TIOCGSID"], [0x5430, "TIOCGPTN"], [0x5431, "TIOCSPTLCK"], [0x80045430, "TIOCGPTN"], [0x40045431, "TIOCSPTLCK"],
  [0x5450, "FIONCLEX"], [0x5451, "FIOCLEX"], [0x5452, "FIOASYNC"], [0x8912, "SIOCGIFCONF"], [0x8910, "SIOCGIFNAME"], [0x8913, "SIOCGIFFLAGS"],
  [0x8914, "SIOCSIFFLAGS"], [0x8921, "SIOCGIFMTU"], [0x8922, "SIOCSIFMTU"], [0x8933, "SIOCGIFINDEX"], [0x8927, "SIOCGIFHWADDR"],
  [0x8942, "SIOCGIFTXQLEN"], [0x891d, "SIOCGIFMETRIC"]]);
const PRCTL = xlat(["", "PR_SET_PDEATHSIG", "PR_GET_PDEATHSIG", "PR_GET_DUMPABLE", "PR_SET_DUMPABLE", "PR_GET_UNALIGN", "PR_SET_UNALIGN",
  "PR_GET_KEEPCAPS", "PR_SET_KEEPCAPS", "PR_GET_FPEMU", "PR_SET_FPEMU", "PR_GET_FPEXC", "PR_SET_FPEXC", "PR_GET_TIMING", "PR_SET_TIMING",
  "PR_SET_NAME", "PR_GET_NAME", "", "", "PR_GET_ENDIAN", "PR_SET_ENDIAN", "PR_GET_SECCOMP", "PR_SET_SECCOMP", "PR_CAPBSET_READ",
  "PR_CAPBSET_DROP", "PR_GET_TSC", "PR_SET_TSC", "PR_GET_SECUREBITS", "PR_SET_SECUREBITS", "PR_SET_TIMERSLACK", "PR_GET_TIMERSLACK",
  "PR_TASK_PERF_EVENTS_DISABLE", "PR_TASK_PERF_EVENTS_ENABLE", "PR_MCE_KILL", "PR_MCE_KILL_GET", "PR_SET_MM", "PR_SET_CHILD_SUBREAPER",
  "PR_GET_CHILD_SUBREAPER", "PR_SET_NO_NEW_PRIVS", "PR_GET_NO_NEW_PRIVS", "PR_GET_TID_ADDRESS", "PR_SET_THP_DISABLE", "PR_GET_THP_DISABLE",
  "", "", "PR_SET_FP_MODE", "PR_GET_FP_MODE", "PR_CAP_AMBIENT"].map((n, i) => [i, n] as const).filter(([, n]) => n !== ""));
const PTRACE = xlat([[0, "PTRACE_TRACEME"], [1, "PTRACE_PEEKTEXT"], [2, "PTRACE_PEEKDATA"], [3, "PTRACE_PEEKUSER"], [4, "PTRACE_POKETEXT"],
  [5, "PTRACE_POKEDATA"], [6, "PTRACE_POKEUSER"], [7, "PTRACE_CONT"], [8, "PTRACE_KILL"], [9, "PTRACE_SINGLESTEP"], [0x10, "PTRACE_ATTACH"],
  [0x11, "PTRACE_DETACH"], [0x18, "PTRACE_SYSCALL"], [0x4200, "PTRACE_SETOPTIONS"], [0x4201, "PTRACE_GETEVENTMSG"], [0x4202, "PTRACE_GETSIGINFO"],
  [0x4203, "PTRACE_SETSIGINFO"], [0x4204, "PTRACE_GETREGSET"], [0x4205, "PTRACE_SETREGSET"], [0x4206, "PTRACE_SEIZE"], [0x4207, "PTRACE_INTERRUPT"],
  [0x4208, "PTRACE_LISTEN"], [0x4209, "PTRACE_PEEKSIGINFO"], [0x420a, "PTRACE_GETSIGMASK"], [0x420b, "PTRACE_SETSIGMASK"]]);
const MADV = xlat([[0, "MADV_NORMAL"], [1, "MADV_RANDOM"], [2, "MADV_SEQUENTIAL"], [3, "MADV_WILLNEED"], [4, "MADV_DONTNEED"], [8, "MADV_FREE"],
  [9, "MADV_REMOVE"], [10, "MADV_DONTFORK"], [11, "MADV_DOFORK"], [12, "MADV_MERGEABLE"], [13, "MADV_UNMERGEABLE"], [14, "MADV_HUGEPAGE"],
  [15, "MADV_NOHUGEPAGE"], [16, "MADV_DONTDUMP"], [17, "MADV_DODUMP"], [18, "MADV_WIPEONFORK"], [19, "MADV_KEEPONFORK"], [20, "MADV_COLD"],
  [21, "MADV_PAGEOUT"], [22, "MADV_POPULATE_READ"], [23, "MADV_POPULATE_WRITE"], [24, "MADV_DONTNEED_LOCKED"], [25, "MADV_COLLAPSE"],
  [100, "MADV_HWPOISON"], [101, "MADV_SOFT_OFFLINE"]]);
const AF = xlat([[0, "AF_UNSPEC"], [1, "AF_UNIX"], [2, "AF_INET"], [10, "AF_INET6"], [16, "AF_NETLINK"], [17, "AF_PACKET"]]);
const SOCK_TYPES = ["", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET", "SOCK_DCCP"];
const MSG: [number, string][] = [[1, "MSG_OOB"], [2, "MSG_PEEK"], [4, "MSG_DONTROUTE"], [8, "MSG_CTRUNC"], [0x10, "MSG_PROBE"], [0x20, "MSG_TRUNC"],
  [0x40, "MSG_DONTWAIT"], [0x80, "MSG_EOR"], [0x100, "MSG_WAITALL"], [0x200, "MSG_FIN"], [0x400, "MSG_SYN"], [0x800, "MSG_CONFIRM"],
  [0x1000, "MSG_RST"], [0x2000, "MSG_ERRQUEUE"], [0x4000, "MSG_NOSIGNAL"], [0x8000, "MSG_MORE"], [0x10000, "MSG_WAITFORONE"],
  [0x40000000, "MSG_CMSG_CLOEXEC"]];
const SOL = xlat([[0, "SOL_IP"], [1, "SOL_SOCKET"], [6, "SOL_TCP"], [17, "SOL_UDP"], [41, "SOL_IPV6"], [270, "SOL_NETLINK"]]);
const SO = xlat([[1, "SO_DEBUG"], [2, "SO_REUSEADDR"], [3, "SO_TYPE"], [4, "SO_ERROR"], [5, "SO_DONTROUTE"], [6, "SO_BROADCAST"], [7, "SO_SNDBUF"],
  [8, "SO_RCVBUF"], [9, "SO_KEEPALIVE"], [10, "SO_OOBINLINE"], [12, "SO_PRIORITY"], [13, "SO_LINGER"], [15, "SO_REUSEPORT"], [16, "SO_PASSCRED"],
  [17, "SO_PEERCRED"], [18, "SO_RCVLOWAT"], [19, "SO_SNDLOWAT"], [20, "SO_RCVTIMEO_OLD"], [21, "SO_SNDTIMEO_OLD"], [32, "SO_SNDBUFFORCE"],
  [33, "SO_RCVBUFFORCE"], [38, "SO_PROTOCOL"], [39, "SO_DOMAIN"]]);
const ITIMERS = ["ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF"];
const EPOLL_CTL = ["", "EPOLL_CTL_ADD", "EPOLL_CTL_DEL", "EPOLL_CTL_MOD"];
const SCHED = ["SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"];
const SEM_CMDS = xlat([[0, "IPC_RMID"], [1, "IPC_SET"], [2, "IPC_STAT"], [3, "IPC_INFO"], [11, "GETPID"], [12, "GETVAL"], [13, "GETALL"],
  [14, "GETNCNT"], [15, "GETZCNT"], [16, "SETVAL"], [17, "SETALL"], [18, "SEM_STAT"], [19, "SEM_INFO"], [20, "SEM_STAT_ANY"]]);
const IPC_CMDS = xlat([[0, "IPC_RMID"], [1, "IPC_SET"], [2, "IPC_STAT"], [3, "IPC_INFO"], [11, "MSG_STAT"], [12, "MSG_INFO"], [13, "SHM_STAT"], [14, "SHM_INFO"]]);
const IPC_FLAGS: [number, string][] = [[0o1000, "IPC_CREAT"], [0o2000, "IPC_EXCL"], [0o4000, "IPC_NOWAIT"]];
const MSYNC: [number, string][] = [[1, "MS_ASYNC"], [2, "MS_INVALIDATE"], [4, "MS_SYNC"]];
const MREMAP: [number, string][] = [[1, "MREMAP_MAYMOVE"], [2, "MREMAP_FIXED"], [4, "MREMAP_DONTUNMAP"]];
const ACCESS: [number, string][] = [[4, "R_OK"], [2, "W_OK"], [1, "X_OK"]];
const GRND: [number, string][] = [[1, "GRND_NONBLOCK"], [2, "GRND_RANDOM"], [4, "GRND_INSECURE"]];
const MOUNT: [number, string][] = [[1, "MS_RDONLY"], [2, "MS_NOSUID"], [4, "MS_NODEV"], [8, "MS_NOEXEC"], [16, "MS_SYNCHRONOUS"], [32, "MS_REMOUNT"],
  [64, "MS_MANDLOCK"], [128, "MS_DIRSYNC"], [256, "MS_NOSYMFOLLOW"], [1024, "MS_NOATIME"], [2048, "MS_NODIRATIME"], [4096, "MS_BIND"],
  [8192, "MS_MOVE"], [16384, "MS_REC"], [32768, "MS_SILENT"], [1 << 16, "MS_POSIXACL"], [1 << 17, "MS_UNBINDABLE"], [1 << 18, "MS_PRIVATE"],
  [1 << 19, "MS_SLAVE"], [1 << 20, "MS_SHARED"], [1 << 21, "MS_RELATIME"], [1 << 24, "MS_STRICTATIME"], [1 << 25, "MS_LAZYTIME"]];
const UMOUNT: [number, string][] = [[1, "MNT_FORCE"], [2, "MNT_DETACH"], [4, "MNT_EXPIRE"], [8, "UMOUNT_NOFOLLOW"]];
const RENAME: [number, string][] = [[1, "RENAME_NOREPLACE"], [2, "RENAME_EXCHANGE"], [4, "RENAME_WHITEOUT"]];
const SYSLOG = ["SYSLOG_ACTION_CLOSE", "SYSLOG_ACTION_OPEN", "SYSLOG_ACTION_READ", "SYSLOG_ACTION_READ_ALL", "SYSLOG_ACTION_READ_CLEAR",
  "SYSLOG_ACTION_CLEAR", "SYSLOG_ACTION_CONSOLE_OFF", "SYSLOG_ACTION_CONSOLE_ON", "SYSLOG_ACTION_CONSOLE_LEVEL", "SYSLOG_ACTION_SIZE_UNREAD",
  "SYSLOG_ACTION_SIZE_BUFFER"];
const PERSONALITY: [number, string][] = [[0x0020000, "UNAME26"], [0x0040000, "ADDR_NO_RANDOMIZE"], [0x0080000, "FDPIC_FUNCPTRS"],
  [0x0100000, "MMAP_PAGE_ZERO"], [0x0200000, "ADDR_COMPAT_LAYOUT"], [0x0400000, "READ_IMPLIES_EXEC"], [0x0800000, "ADDR_LIMIT_32BIT"],
  [0x1000000, "SHORT_INODE"], [0x2000000, "WHOLE_SECONDS"], [0x4000000, "STICKY_TIMEOUTS"], [0x8000000, "ADDR_LIMIT_3GB"]];

/** the value of a pointer argument that cannot be read, or that a failed call did not fill */
const pointer: Kind = (c, i) => addr(c.lo(i), c.hi(i));
/** an output argument: decoded when the call succeeded, else its address (strace's umove_or_printaddr) */
const out = (f: Kind): Kind => (c, i) => (c.failed ? pointer(c, i) : f(c, i));
/** a structure read from the pointer in argument i */
const at = (len: number, print: (v: S.View) => string): Kind => (c, i) => S.struct(c.t, c.lo(i), c.hi(i), len, print);

/** every kind by the name specs.ts uses; names starting with ">" are decoded at exit */
export const KINDS: Record<string, Kind> = {
  d: (c, i) => String(c.i32(i)),
  u: (c, i) => String(c.u32(i)),
  l: (c, i) => dec64(c.lo(i), c.hi(i)),
  lu: (c, i) => udec64(c.lo(i), c.hi(i)),
  x: pointer,
  hex: (c, i) => hexNum(c.u32(i)),
  lx: (c, i) => (c.lo(i) | c.hi(i) ? hexWord(c.lo(i), c.hi(i)) : "0"),
  fd: (c, i) => String(c.i32(i)),
  dirfd: (c, i) => (c.i32(i) === -100 ? "AT_FDCWD" : String(c.i32(i))),
  path: (c, i) => S.cstring(c.t, c.lo(i), c.hi(i), 4096),
  str: (c, i) => S.cstring(c.t, c.lo(i), c.hi(i), c.strsize),
  mode: (c, i) => S.octalMode(c.u32(i)),
  oflags: (c, i) => openFlags(c.u32(i)),
  fdflags: (c, i) => fdFlags(c.u32(i)),
  atflags: (c, i) => flags(c.u32(i), AT),
  prot: (c, i) => flags(c.u32(i), PROT, "PROT_NONE"),
  mflags: (c, i) => {
    const v = c.u32(i);
    const type = ["0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"][v & 3];
    const rest = flags(v & ~3, MAP, "");
    return rest ? (type === "0" ? rest : `${type}|${rest}`) : type;
  },
  sig: (c, i) => sigArg(c.i32(i)),
  how: (c, i) => xval(c.i32(i), ["SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"], "SIG_???"),
  wopt: (c, i) => flags(c.u32(i), WAIT),
  clock: (c, i) => (c.i32(i) >= 0 ? xval(c.i32(i), CLOCKS, "CLOCK_???") : String(c.i32(i))),
  whence: (c, i) => xval(c.u32(i), ["SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"], "SEEK_???"),
  fcntl: (c, i) => xval(c.i32(i), FCNTL, "F_???", true),
  ioctl: (c, i) => IOCTLS.get(c.u32(i)) ?? hexNum(c.u32(i)),
  rlimres: (c, i) => xval(c.u32(i), RLIMITS, "RLIMIT_???", false),
  prctl: (c, i) => xval(c.i32(i), PRCTL, "PR_???", true),
  ptrace: (c, i) => xval(c.i32(i), PTRACE, "PTRACE_???", true),
  idtype: (c, i) => xval(c.u32(i), ["P_ALL", "P_PID", "P_PGID", "P_PIDFD"], "P_???"),
  madv: (c, i) => xval(c.i32(i), MADV, "MADV_???", true),
  msync: (c, i) => flags(c.u32(i), MSYNC),
  mremap: (c, i) => flags(c.u32(i), MREMAP),
  access: (c, i) => (c.u32(i) === 0 ? "F_OK" : flags(c.u32(i), ACCESS)),
  grnd: (c, i) => flags(c.u32(i), GRND),
  af: (c, i) => xval(c.u32(i), AF, "AF_???", false),
  socktype: (c, i) => {
    const v = c.u32(i);
    const base = SOCK_TYPES[v & 0xf] ? SOCK_TYPES[v & 0xf] : hexNum(v & 0xf);
    const rest = flags(v & ~0xf, [[0o2000000, "SOCK_CLOEXEC"], [0o4000, "SOCK_NONBLOCK"]], "");
    return rest ? `${base}|${rest}` : base;
  },
  msgflags: (c, i) => flags(c.u32(i), MSG),
  sol: (c, i) => xval(c.i32(i), SOL, "SOL_???", true),
  sockopt: (c, i) => (c.i32(i - 1) === 1 ? xval(c.i32(i), SO, "SO_???", false) : String(c.i32(i))),
  shutdown: (c, i) => xval(c.i32(i), ["SHUT_RD", "SHUT_WR", "SHUT_RDWR"], "SHUT_???"),
  itimer: (c, i) => xval(c.i32(i), ITIMERS, "ITIMER_???"),
  epollctl: (c, i) => xval(c.i32(i), EPOLL_CTL, "EPOLL_CTL_???"),
  sched: (c, i) => xval(c.i32(i), SCHED, "SCHED_???"),
  ipcflags: (c, i) => {
    const v = c.u32(i);
    const rest = flags(v & ~0o777, IPC_FLAGS, "");
    return rest ? `${rest}|${S.octalMode(v & 0o777)}` : S.octalMode(v & 0o777);
  },
  ipckey: (c, i) => (c.i32(i) === 0 ? "IPC_PRIVATE" : hexNum(c.u32(i))),
  semcmd: (c, i) => xval(c.i32(i) & ~0x100, SEM_CMDS, "SEM_???", true),
  ipccmd: (c, i) => xval(c.i32(i) & ~0x100, IPC_CMDS, "IPC_???", true),
  mountflags: (c, i) => flags(c.u32(i), MOUNT),
  umountflags: (c, i) => flags(c.u32(i), UMOUNT),
  renameflags: (c, i) => flags(c.u32(i), RENAME),
  syslog: (c, i) => xval(c.i32(i), SYSLOG, "SYSLOG_ACTION_???"),
  personality: (c, i) => {
    const v = c.u32(i);
    if (v === 0xffffffff) return "0xffffffff";
    const base = (v & 0xff) === 0 ? "PER_LINUX" : hexNum(v & 0xff);
    const rest = flags(v & ~0xff, PERSONALITY, "");
    return rest ? `${base}|${rest}` : base;
  },
  clone: (c, i) => c.cloneNames(c.lo(i), c.hi(i)),
  statxmask: (c, i) => S.statxMask(c.u32(i)),
  envp: (c, i) => {
    if ((c.lo(i) | c.hi(i)) === 0) return "NULL";
    let n = 0;
    for (; n < 4096; n++) {
      const b = S.peek(c.t, (c.lo(i) + 8 * n) | 0, c.hi(i), 8);
      if (b === null) return pointer(c, i);
      if (new S.View(b).ptr(0) === "NULL") break;
    }
    return `${pointer(c, i)} /* ${n} var${n === 1 ? "" : "s"} */`;
  },
  argv: (c, i) => {
    if ((c.lo(i) | c.hi(i)) === 0) return "NULL";
    const items: string[] = [];
    for (let n = 0; ; n++) {
      const b = S.peek(c.t, (c.lo(i) + 8 * n) | 0, c.hi(i), 8);
      if (b === null) return pointer(c, i);
      const v = new S.View(b);
      if (v.i32(0) === 0 && v.i32(4) === 0) break;
      if (n >= c.strsize) {
        items.push("...");
        break;
      }
      items.push(S.cstring(c.t, v.i32(0), v.i32(4), c.strsize));
    }
    return `[${items.join(", ")}]`;
  },
  // input structures
  timespec: at(16, (v) => S.timespec(v)),
  itimerspec: at(32, S.itimerspec),
  itimerval: at(32, S.itimerval),
  sigaction: at(24, S.sigaction),
  rlimit: at(16, S.rlimit),
  stack: at(24, S.stackT),
  schedparam: at(4, S.schedParam),
  // a sigset_t pointer: its size is the call's last argument (rt_sigprocmask, ppoll, ...)
  sigsetp: (c, i) => S.sigsetAt(c.t, c.lo(i), c.hi(i), c.num(c.nargs - 1)),
  siginfo: at(128, (v) => siginfo(v.b)),
  sockaddr: (c, i) => S.sockaddr(c.t, c.lo(i), c.hi(i), c.i32(i + 1)),
  pollfds: (c, i) => S.pollfds(c.t, c.lo(i), c.hi(i), c.num(i + 1), false),
  fdarray: (c, i) => S.fdPair(c.t, c.lo(i), c.hi(i)),
  intp: (c, i) => S.intPtr(c.t, c.lo(i), c.hi(i)),
  epollevent: (c, i) => S.epollEvents(c.t, c.lo(i), c.hi(i), 1),
  // data written by the call (input buffers): the length is argument `n`
  "w:1": (c, i) => S.buffer(c.t, c.lo(i), c.hi(i), c.num(1), c.strsize),
  "w:2": (c, i) => S.buffer(c.t, c.lo(i), c.hi(i), c.num(2), c.strsize),
  "iov:2": (c, i) => S.iovec(c.t, c.lo(i), c.hi(i), c.i32(2), Number.MAX_SAFE_INTEGER, c.strsize),
  // output arguments, decoded at exit
  ">buf": out((c, i) => S.buffer(c.t, c.lo(i), c.hi(i), c.res, c.strsize)),
  ">hexbuf": out((c, i) => S.buffer(c.t, c.lo(i), c.hi(i), c.res, c.strsize, QUOTE_FORCE_HEX)),
  ">str": out((c, i) => S.cstring(c.t, c.lo(i), c.hi(i), 4096)),
  ">iov": out((c, i) => S.iovec(c.t, c.lo(i), c.hi(i), c.i32(2), c.res, c.strsize)),
  ">stat": out(at(128, S.stat)),
  ">statx": out(at(256, S.statx)),
  ">timespec": out(at(16, (v) => S.timespec(v))),
  ">timeval": out(at(16, (v) => S.timeval(v))),
  ">itimerspec": out(at(32, S.itimerspec)),
  ">itimerval": out(at(32, S.itimerval)),
  ">rlimit": out(at(16, S.rlimit)),
  ">sigaction": out(at(24, S.sigaction)),
  ">sigsetp": out((c, i) => S.sigsetAt(c.t, c.lo(i), c.hi(i), c.num(c.nargs - 1))),
  ">sigset8": out((c, i) => S.sigsetAt(c.t, c.lo(i), c.hi(i), 8)),
  ">stack": out(at(24, S.stackT)),
  ">intp": out((c, i) => S.intPtr(c.t, c.lo(i), c.hi(i))),
  ">u64p": out((c, i) => S.u64Ptr(c.t, c.lo(i), c.hi(i))),
  ">fdarray": out((c, i) => S.fdPair(c.t, c.lo(i), c.hi(i))),
  ">utsname": out(at(390, S.utsname)),
  ">rusage": out(at(144, S.rusage)),
  ">tms": out(at(32, S.tms)),
  ">sysinfo": out(at(112, S.sysinfo)),
  ">siginfo": out(at(128, (v) => siginfo(v.b))),
  ">wstatus": out((c, i) => S.struct(c.t, c.lo(i), c.hi(i), 4, (v) => waitStatus(v.i32(0)))),
  ">schedparam": out(at(4, S.schedParam)),
  ">cpuset": out((c, i) => S.struct(c.t, c.lo(i), c.hi(i), Math.min(c.res, 128), (v) => S.cpuSet(v, c.res))),
  ">dents": out((c, i) => `${pointer(c, i)} /* ${countDents(c, i)} entries */`),
  ">epollevents": out((c, i) => S.epollEvents(c.t, c.lo(i), c.hi(i), c.res)),
  ">x": pointer,
};
// the older kind names of table.ts's `args`, for calls specs.ts does not list
KINDS.s = KINDS.path;
KINDS.o = KINDS.mode;
KINDS["r:2"] = KINDS["r:3"] = KINDS[">buf"];

/** how many linux_dirent64 records getdents64 returned */
function countDents(c: Call, i: number): number {
  const b = S.peek(c.t, c.lo(i), c.hi(i), c.res);
  if (b === null) return 0;
  const v = new S.View(b);
  let n = 0;
  for (let o = 0; o + 19 <= b.length; n++) {
    const len = v.dv.getUint16(o + 16, true);
    if (len === 0) break;
    o += len;
  }
  return n;
}

export { sigset };
