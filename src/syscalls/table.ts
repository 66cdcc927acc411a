// The syscall table: number, name, handler, argument kinds for --trace, and support status.
// It doubles as the compatibility document (`npm run syscalls` prints it as docs/syscalls.md).
// Numbers are riscv64's (asm-generic/unistd.h); any number not listed returns -ENOSYS.

import { Handler } from "./args.js";
import type { RestartKind } from "../kernel/block.js";
import * as P from "./proc.js";
import * as CL from "./clone.js";
import * as M from "./mem.js";
import * as F from "./files.js";
import * as RW from "./rw.js";
import * as ST from "./stat.js";
import * as NI from "./namei.js";
import * as X from "./misc.js";
import * as TI from "./time.js";
import * as TFD from "./timerfd.js";
import * as S from "./signal.js";
import * as W from "./wait.js";
import * as PL from "./poll.js";
import * as PF from "./pidfd.js";
import * as I from "./ipc.js";
import * as FX from "./futex.js";
import * as TM from "./timers.js";
import * as CR from "./creds.js";
import * as EP from "./epoll.js";
import * as NS from "./ns.js";
import * as MT from "./mount.js";
import * as SV from "./sysvipc.js";
import * as SK from "./socket.js";
import * as PR from "./prio.js";
import * as SS from "./socksend.js";
import { sysOpenat2 } from "./openat2.js";
import * as SL from "./syslog.js";

export type Status = "full" | "partial";

export interface SyscallDef {
  nr: number;
  name: string;
  handler: Handler;
  /** argument kinds, see format.ts */
  args: string[];
  /** result shown in hex (addresses) */
  ret?: "x";
  status: Status;
  /** what is missing for "partial" */
  note?: string;
  /** the handler sets up registers itself (rt_sigreturn): no a0 write, no pc advance */
  noReturn?: boolean;
  /** signals do not interrupt the sleep (vfork's parent waits killably only) */
  noInterrupt?: boolean;
  /** after a signal interrupts the sleep (Linux's ERESTART* codes): "sys" restarts when the
   *  handler has SA_RESTART or no handler runs (default); "nohand" restarts only when no handler
   *  runs; "never" always fails with EINTR */
  restart?: RestartKind;
  /** the handler itself looks at pending signals (sigsuspend, sigtimedwait): call it first */
  seesSignals?: boolean;
}

const d = (nr: number, name: string, handler: Handler, args: string, status: Status = "full", extra: Partial<SyscallDef> = {}): SyscallDef => ({
  nr, name, handler, args: args ? args.split(" ") : [], status, ...extra,
});

export const SYSCALLS: SyscallDef[] = ([
  d(17, "getcwd", NI.sysGetcwd, "x u"),
  d(19, "eventfd2", EP.sysEventfd2, "d oflags"),
  d(20, "epoll_create1", EP.sysEpollCreate1, "oflags"),
  d(21, "epoll_ctl", EP.sysEpollCtl, "fd d fd x"),
  d(22, "epoll_pwait", EP.sysEpollPwait, "fd x d d x u", "partial", { note: "the signal mask argument is ignored", restart: "never" }),
  d(23, "dup", F.sysDup, "fd"),
  d(24, "dup3", F.sysDup3, "fd fd oflags"),
  d(25, "fcntl", F.sysFcntl, "fd fcntl x", "partial", { note: "no record locks (F_GETLK/F_SETLK give ENOLCK)" }),
  d(29, "ioctl", F.sysIoctl, "fd ioctl x", "partial", { note: "terminals: TCGETS/TCSETS/TCSETSW/TCSETSF (and termios2, termio), TCFLSH, TCXONC, TCSBRK, FIONREAD/TIOCINQ, TIOCOUTQ, TIOCGWINSZ/TIOCSWINSZ, TIOCSCTTY, TIOCNOTTY, TIOCGPGRP/TIOCSPGRP, TIOCGSID, TIOCSTI, TIOCSIG, TIOCEXCL/NXCL, TIOCPKT, TIOCGETD/TIOCSETD (N_TTY only), TIOCGLCKTRMIOS/TIOCSLCKTRMIOS, TIOCGPTN, TIOCSPTLCK, TIOCGPTPEER, TIOCGDEV, TIOCVHANGUP (no modem, serial or other line discipline ioctls); FIONBIO, FIONREAD, FIOCLEX/FIONCLEX; on sockets SIOCGIFCONF/NAME/FLAGS/INDEX/MTU/TXQLEN/HWADDR/METRIC and SIOCSIFFLAGS/MTU" }),
  d(32, "flock", F.sysFlock, "fd d", "full", { restart: "sys" }),
  d(33, "mknodat", NI.sysMknodat, "dirfd s o d", "partial", { note: "regular files and FIFOs; device nodes give EPERM" }),
  d(34, "mkdirat", NI.sysMkdirat, "dirfd s o"),
  d(35, "unlinkat", NI.sysUnlinkat, "dirfd s atflags"),
  d(30, "ioprio_set", I.sysIoprioSet, "d d x"),
  d(31, "ioprio_get", I.sysIoprioGet, "d d"),
  d(36, "symlinkat", NI.sysSymlinkat, "s dirfd s"),
  d(37, "linkat", NI.sysLinkat, "dirfd s dirfd s atflags"),
  d(39, "umount2", MT.sysUmount2, "s d", "partial", { note: "MNT_EXPIRE gives EINVAL" }),
  d(40, "mount", MT.sysMount, "s s s x x", "partial", { note: "tmpfs, proc, cgroup2, devpts (a new instance per mount: uid, gid, mode, ptmxmode, max) and bind mounts (MS_REC), MS_MOVE, remount ro/rw (per mount with MS_BIND), shared/slave/private/unbindable propagation; mount options other than MS_RDONLY are ignored" }),
  d(41, "pivot_root", MT.sysPivotRoot, "s s"),
  d(43, "statfs", ST.sysStatfs, "s x", "partial", { note: "every filesystem but cgroup2 reports itself as tmpfs" }),
  d(44, "fstatfs", ST.sysFstatfs, "fd x", "partial", { note: "every filesystem but cgroup2 reports itself as tmpfs" }),
  d(45, "truncate", NI.sysTruncate, "s l"),
  d(46, "ftruncate", NI.sysFtruncate, "fd l"),
  d(48, "faccessat", ST.sysFaccessat, "dirfd s d"),
  d(49, "chdir", NI.sysChdir, "s"),
  d(50, "fchdir", NI.sysFchdir, "fd"),
  d(51, "chroot", NI.sysChroot, "s"),
  d(52, "fchmod", NI.sysFchmod, "fd o"),
  d(53, "fchmodat", NI.sysFchmodat, "dirfd s o"),
  d(54, "fchownat", NI.sysFchownat, "dirfd s d d atflags"),
  d(55, "fchown", NI.sysFchown, "fd d d"),
  d(56, "openat", F.sysOpenat, "dirfd s oflags o"),
  d(57, "close", F.sysClose, "fd"),
  d(59, "pipe2", F.sysPipe2, "x oflags"),
  d(73, "ppoll", PL.sysPpoll, "x u x x u", "partial", { note: "the signal mask argument is ignored", restart: "nohand" }),
  d(61, "getdents64", F.sysGetdents64, "fd x u"),
  d(62, "lseek", F.sysLseek, "fd l whence"),
  d(63, "read", RW.sysRead, "fd r:2 u"),
  d(64, "write", RW.sysWrite, "fd w:2 u"),
  d(65, "readv", RW.sysReadv, "fd x d"),
  d(66, "writev", RW.sysWritev, "fd x d"),
  d(67, "pread64", RW.sysPread64, "fd r:2 u l"),
  d(68, "pwrite64", RW.sysPwrite64, "fd w:2 u l"),
  d(78, "readlinkat", ST.sysReadlinkat, "dirfd s r:3 d"),
  d(79, "newfstatat", ST.sysNewfstatat, "dirfd s x atflags"),
  d(80, "fstat", ST.sysFstat, "fd x"),
  d(82, "fsync", NI.sysFsync, "fd"),
  d(83, "fdatasync", NI.sysFsync, "fd"),
  d(85, "timerfd_create", TFD.sysTimerfdCreate, "clock oflags", "partial", { note: "TFD_TIMER_CANCEL_ON_SET is accepted and never cancels" }),
  d(86, "timerfd_settime", TFD.sysTimerfdSettime, "fd d x x"),
  d(87, "timerfd_gettime", TFD.sysTimerfdGettime, "fd x"),
  d(88, "utimensat", NI.sysUtimensat, "dirfd s x atflags"),
  d(90, "capget", CR.sysCapget, "x x"),
  d(91, "capset", CR.sysCapset, "x x"),
  d(93, "exit", P.sysExit, "d", "full", { noReturn: true }),
  d(95, "waitid", W.sysWaitid, "idtype d x wopt x"),
  d(94, "exit_group", P.sysExitGroup, "d", "full", { noReturn: true }),
  d(96, "set_tid_address", P.sysSetTidAddress, "x"),
  d(97, "unshare", CL.sysUnshare, "clone", "partial", { note: "every flag except CLONE_NEWTIME" }),
  d(98, "futex", FX.sysFutex, "x futex d x x d", "partial", {
    note: "no PI futexes (LOCK_PI/UNLOCK_PI/TRYLOCK_PI) or FUTEX_FD",
  }),
  d(99, "set_robust_list", P.sysSetRobustList, "x u"),
  d(100, "get_robust_list", FX.sysGetRobustList, "d x x"),
  d(101, "nanosleep", TI.sysNanosleep, "x x", "full", { restart: "nohand" }),
  d(107, "timer_create", TM.sysTimerCreate, "clock x x", "partial", { note: "no CPU-time clocks" }),
  d(108, "timer_gettime", TM.sysTimerGettime, "d x"),
  d(109, "timer_getoverrun", TM.sysTimerGetoverrun, "d"),
  d(110, "timer_settime", TM.sysTimerSettime, "d d x x"),
  d(111, "timer_delete", TM.sysTimerDelete, "d"),
  d(112, "clock_settime", TI.sysClockSettime, "clock x", "partial", { note: "CLOCK_REALTIME only (as Linux); absolute CLOCK_REALTIME timers and sleeps move with it" }),
  d(113, "clock_gettime", TI.sysClockGettime, "clock x"),
  d(114, "clock_getres", TI.sysClockGetres, "clock x"),
  d(115, "clock_nanosleep", TI.sysClockNanosleep, "clock d x x", "full", { restart: "nohand" }),
  d(116, "syslog", SL.sysSyslog, "syslog >buf d", "full"),
  d(117, "ptrace", P.sysPtrace, "ptrace d x x", "partial", { note: "no PTRACE_SYSCALL, SINGLESTEP or PEEKUSER" }),
  d(102, "getitimer", TM.sysGetitimer, "d x", "partial", { note: "ITIMER_REAL only" }),
  d(103, "setitimer", TM.sysSetitimer, "d x x", "partial", { note: "ITIMER_REAL only" }),
  d(120, "sched_getscheduler", TM.sysSchedGetscheduler, "d"),
  d(121, "sched_getparam", TM.sysSchedGetparam, "d x"),
  d(122, "sched_setaffinity", TM.sysSchedSetaffinity, "d u x"),
  d(123, "sched_getaffinity", TM.sysSchedGetaffinity, "d u x"),
  d(125, "sched_get_priority_max", TM.sysSchedGetPriorityMax, "d"),
  d(126, "sched_get_priority_min", TM.sysSchedGetPriorityMin, "d"),
  d(124, "sched_yield", P.sysSchedYield, ""),
  d(129, "kill", S.sysKill, "d sig"),
  d(130, "tkill", S.sysTkill, "d sig"),
  d(131, "tgkill", S.sysTgkill, "d d sig"),
  d(132, "sigaltstack", S.sysSigaltstack, "x x"),
  d(133, "rt_sigsuspend", S.sysRtSigsuspend, "x u", "full", { seesSignals: true }),
  d(134, "rt_sigaction", S.sysRtSigaction, "sig x x u"),
  d(135, "rt_sigprocmask", S.sysRtSigprocmask, "how x x u"),
  d(136, "rt_sigpending", S.sysRtSigpending, "x u"),
  d(137, "rt_sigtimedwait", S.sysRtSigtimedwait, "x x x u", "full", { seesSignals: true }),
  d(138, "rt_sigqueueinfo", S.sysRtSigqueueinfo, "d sig x"),
  d(139, "rt_sigreturn", S.sysRtSigreturn, "", "full", { noReturn: true }),
  d(140, "setpriority", PR.sysSetpriority, "d d d"),
  d(141, "getpriority", PR.sysGetpriority, "d d"),
  d(143, "setregid", CR.sysSetregid, "d d"),
  d(144, "setgid", CR.sysSetgid, "d"),
  d(145, "setreuid", CR.sysSetreuid, "d d"),
  d(146, "setuid", CR.sysSetuid, "d"),
  d(147, "setresuid", CR.sysSetresuid, "d d d"),
  d(148, "getresuid", CR.sysGetresuid, "x x x"),
  d(149, "setresgid", CR.sysSetresgid, "d d d"),
  d(150, "getresgid", CR.sysGetresgid, "x x x"),
  d(151, "setfsuid", CR.sysSetfsuid, "d"),
  d(152, "setfsgid", CR.sysSetfsgid, "d"),
  d(153, "times", TI.sysTimes, "x"),
  d(154, "setpgid", X.sysSetpgid, "d d"),
  d(155, "getpgid", X.sysGetpgid, "d"),
  d(156, "getsid", X.sysGetsid, "d"),
  d(157, "setsid", X.sysSetsid, ""),
  d(158, "getgroups", CR.sysGetgroups, "d x"),
  d(159, "setgroups", CR.sysSetgroups, "d x"),
  d(160, "uname", X.sysUname, "x"),
  d(163, "getrlimit", P.sysGetrlimit, "rlimit x"),
  d(164, "setrlimit", P.sysSetrlimit, "rlimit x"),
  d(161, "sethostname", NS.sysSethostname, "s d"),
  d(162, "setdomainname", NS.sysSetdomainname, "s d"),
  d(165, "getrusage", X.sysGetrusage, "d x", "partial", { note: "user time only" }),
  d(166, "umask", X.sysUmask, "o"),
  d(167, "prctl", X.sysPrctl, "prctl x x x x", "partial", { note: "NAME, PDEATHSIG, CHILD_SUBREAPER, DUMPABLE, CAPBSET_READ/DROP, NO_NEW_PRIVS" }),
  d(168, "getcpu", TM.sysGetcpu, "x x x"),
  d(169, "gettimeofday", TI.sysGettimeofday, "x x"),
  d(170, "settimeofday", TI.sysSettimeofday, "x x", "partial", { note: "the time zone is checked and ignored" }),
  d(172, "getpid", P.sysGetpid, ""),
  d(173, "getppid", P.sysGetppid, ""),
  d(174, "getuid", CR.sysGetuid, ""),
  d(175, "geteuid", CR.sysGeteuid, ""),
  d(176, "getgid", CR.sysGetgid, ""),
  d(177, "getegid", CR.sysGetegid, ""),
  d(178, "gettid", P.sysGettid, ""),
  d(179, "sysinfo", X.sysSysinfo, "x"),
  d(186, "msgget", SV.sysMsgget, "x o"),
  d(187, "msgctl", SV.sysMsgctl, "d d x"),
  d(188, "msgrcv", SV.sysMsgrcv, "d x u l o", "partial", { note: "no MSG_COPY", restart: "never" }),
  d(189, "msgsnd", SV.sysMsgsnd, "d x u o", "full", { restart: "never" }),
  d(190, "semget", I.sysSemget, "x d o"),
  d(191, "semctl", I.sysSemctl, "d d d x"),
  d(192, "semtimedop", I.sysSemtimedop, "d x u x", "full", { restart: "never" }),
  d(193, "semop", I.sysSemop, "d x u", "full", { restart: "never" }),
  d(194, "shmget", SV.sysShmget, "x u o"),
  d(195, "shmctl", SV.sysShmctl, "d d x"),
  d(196, "shmat", SV.sysShmat, "d x o", "full", { ret: "x" }),
  d(197, "shmdt", SV.sysShmdt, "x"),
  d(198, "socket", SK.sysSocket, "d d d", "partial", { note: "AF_UNIX, and AF_NETLINK with NETLINK_ROUTE (links and addresses); other families give EAFNOSUPPORT" }),
  d(199, "socketpair", SK.sysSocketpair, "d d d x"),
  d(200, "bind", SK.sysBind, "fd x d"),
  d(201, "listen", SK.sysListen, "fd d"),
  d(202, "accept", SK.sysAccept, "fd x x"),
  d(203, "connect", SK.sysConnect, "fd x d"),
  d(204, "getsockname", SK.sysGetsockname, "fd x x"),
  d(205, "getpeername", SK.sysGetpeername, "fd x x"),
  d(206, "sendto", SS.sysSendto, "fd w:2 u d x d"),
  d(207, "recvfrom", SK.sysRecvfrom, "fd r:2 u d x x"),
  d(208, "setsockopt", SK.sysSetsockopt, "fd d d x d", "partial", { note: "SOL_SOCKET options, and SOL_NETLINK flags and memberships" }),
  d(209, "getsockopt", SK.sysGetsockopt, "fd d d x x", "partial", { note: "SOL_SOCKET options, and SOL_NETLINK flags" }),
  d(210, "shutdown", SK.sysShutdown, "fd d"),
  d(211, "sendmsg", SS.sysSendmsg, "fd x d", "partial", { note: "SCM_RIGHTS; SCM_CREDENTIALS is accepted and ignored on send" }),
  d(212, "recvmsg", SK.sysRecvmsg, "fd x d"),
  d(214, "brk", M.sysBrk, "x", "full", { ret: "x" }),
  d(215, "munmap", M.sysMunmap, "x u"),
  d(216, "mremap", M.sysMremap, "x u u d x", "partial", { note: "no MREMAP_FIXED", ret: "x" }),
  d(220, "clone", CL.sysClone, "clone x x x x", "full", { noInterrupt: true }),
  d(221, "execve", P.sysExecve, "s argv argv", "partial", { note: "static ELF and #! scripts (4 interpreters deep); no dynamically linked ELF" }),
  d(222, "mmap", M.sysMmap, "x u prot mflags fd x", "partial", { note: "writable MAP_SHARED file mappings of in-memory files only (not of --mount host files)", ret: "x" }),
  d(227, "msync", M.sysMsync, "x u d"),
  d(226, "mprotect", M.sysMprotect, "x u prot"),
  d(233, "madvise", M.sysMadvise, "x u d"),
  d(240, "rt_tgsigqueueinfo", S.sysRtTgsigqueueinfo, "d d sig x"),
  d(242, "accept4", SK.sysAccept4, "fd x x oflags"),
  d(260, "wait4", W.sysWait4, "d x wopt x"),
  d(261, "prlimit64", P.sysPrlimit64, "d rlimit x x"),
  d(291, "statx", ST.sysStatx, "dirfd s atflags x x", "partial", { note: "btime is reported as ctime" }),
  d(281, "execveat", P.sysExecveat, "dirfd s argv argv atflags", "partial", { note: "static ELF and #! scripts (4 interpreters deep); no dynamically linked ELF" }),
  d(424, "pidfd_send_signal", PF.sysPidfdSendSignal, "fd sig x d"),
  d(434, "pidfd_open", PF.sysPidfdOpen, "d d"),
  d(435, "clone3", CL.sysClone3, "cloneargs u", "partial", { note: "no CLONE_NEWTIME", noInterrupt: true }),
  d(437, "openat2", sysOpenat2, "dirfd s x u"),
  d(439, "faccessat2", ST.sysFaccessat, "dirfd s d atflags"),
  d(441, "epoll_pwait2", EP.sysEpollPwait2, "fd x d x x u", "partial", { note: "the signal mask argument is ignored", restart: "never" }),
  d(268, "setns", NS.sysSetns, "fd clone"),
  d(276, "renameat2", NI.sysRenameat2, "dirfd s dirfd s d", "partial", { note: "RENAME_NOREPLACE and RENAME_EXCHANGE (EXCHANGE on tmpfs only); RENAME_WHITEOUT gives EINVAL" }),
  d(278, "getrandom", X.sysGetrandom, "x u d"),
] as SyscallDef[]).sort((a, b) => a.nr - b.nr);
