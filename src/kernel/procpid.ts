// The text of /proc/PID files (Linux: fs/proc/array.c do_task_stat, proc_pid_status,
// proc_pid_statm; fs/proc/base.c proc_pid_limits, proc_pid_wchan, do_io_accounting, the oom
// files): computed from the task, its thread group and its address space as a reader in the
// pid namespace `ns` sees them.

import type { Kernel } from "./kernel.js";
import { Task, TaskState } from "./task.js";
import type { ThreadGroup } from "./group.js";
import { PidNamespace, pidIn } from "./pidns.js";
import { RLIM_INFINITY, RLIM_NLIMITS, RLIMIT_RSS, RLIMIT_SIGPENDING } from "./rlimit.js";
import { SIG_DFL, SIG_IGN, NSIG, sigbit } from "./signals.js";
import { PAGE_SIZE } from "../mm/frames.js";
import type { Mm } from "../mm/mm.js";
import { CAP_SYS_PTRACE, CAP_SYS_RESOURCE } from "../cred/capability.js";
import * as E from "../base/errno.js";

/** USER_HZ clock ticks from virtual ns (1 ns per instruction; USER_HZ 100) */
export const ticks = (ns: number): number => Math.floor(ns / 10_000_000);
/** RLIM_INFINITY and other "all ones" unsigned longs as Linux prints them */
export const ULONG_MAX = "18446744073709551615";
const ulong = (n: bigint): string => (n === RLIM_INFINITY ? ULONG_MAX : String(n));

/** the controlling terminal's device number and foreground process group (0: none), or null
 *  without one (Linux: do_task_stat's tty_nr and tty_pgrp) */
export function controllingTty(_k: Kernel, t: Task): { nr: number; fgPgrp: number } | null {
  const tty = t.group.tty.ctty;
  return tty ? { nr: tty.driver.devnum(tty), fgPgrp: tty.pgrp ?? 0 } : null;
}

/** a global process group or session id as seen in ns (0 when its leader is invisible there) */
export function idIn(k: Kernel, globalId: number, ns: PidNamespace): number {
  const owner = k.tasks.get(globalId);
  if (owner) return pidIn(owner, ns);
  return ns.level === 0 ? globalId : 0;
}

/** the state letter (Linux: get_task_state over task_state_array) */
export function stateLetter(k: Kernel, t: Task): string {
  switch (t.state) {
    case TaskState.Zombie: return "Z";
    case TaskState.Dead: return "X";
    case TaskState.Stopped: return t.ptrace.stopped ? "t" : "T";
    case TaskState.Sleeping: return k.uninterruptible(t) ? "D" : "S";
    default: return "R";
  }
}

const STATE_NAMES: Record<string, string> = {
  R: "R (running)", S: "S (sleeping)", D: "D (disk sleep)", T: "T (stopped)", t: "t (tracing stop)", Z: "Z (zombie)", X: "X (dead)",
};

/** may `viewer` read `target`'s private details (Linux: ptrace_may_access with
 *  PTRACE_MODE_READ_FSCREDS)? */
export function mayRead(viewer: Task, target: Task): boolean {
  if (viewer.group === target.group) return true;
  const v = viewer.cred;
  const c = target.cred;
  const ids = v.fsuid === c.uid && v.fsuid === c.euid && v.fsuid === c.suid && v.fsgid === c.gid && v.fsgid === c.egid && v.fsgid === c.sgid;
  if (!ids && !viewer.can(CAP_SYS_PTRACE, c.userns)) return false;
  return target.dumpable || viewer.can(CAP_SYS_PTRACE, c.userns);
}

/** task flags (Linux: PF_*) that follow from forkscope's state */
const PF_EXITING = 0x4, PF_FORKNOEXEC = 0x40, PF_SIGNALED = 0x400, PF_KTHREAD = 0x200000;
function taskFlags(t: Task): number {
  let f = 0;
  if (t.kfn !== null) f |= PF_KTHREAD;
  if (!t.execed && t.kfn === null) f |= PF_FORKNOEXEC;
  if (t.state === TaskState.Zombie || t.state === TaskState.Dead) {
    f |= PF_EXITING;
    if ((t.exitStatus & 0x7f) !== 0) f |= PF_SIGNALED;
  }
  return f;
}

function sigmask(list: { signo: number }[]): bigint {
  let m = 0n;
  for (const s of list) m |= sigbit(s.signo);
  return m;
}

function ignCatch(t: Task): [bigint, bigint] {
  let ign = 0n;
  let cat = 0n;
  for (let s = 1; s <= NSIG; s++) {
    const h = t.sighand.actions[s].handler;
    if (h === SIG_IGN) ign |= sigbit(s);
    else if (h !== SIG_DFL) cat |= sigbit(s);
  }
  return [ign, cat];
}

/** the address-space figures /proc shows, in pages unless named bytes */
export interface MmStats {
  vmBytes: number;
  rss: number;
  anon: number;
  file: number;
  shmem: number;
  /** private writable mappings other than the stack (Linux: data_vm), the stack, code of the
   *  program file and of other executable mappings (libraries, the vDSO) */
  data: number;
  stack: number;
  exe: number;
  lib: number;
  startCode: number;
  endCode: number;
  startData: number;
  endData: number;
}

export function mmStats(mm: Mm): MmStats {
  const s: MmStats = { vmBytes: 0, rss: 0, anon: 0, file: 0, shmem: 0, data: 0, stack: 0, exe: 0, lib: 0, startCode: 0, endCode: 0, startData: 0, endData: 0 };
  for (const v of mm.vmas) {
    const pages = (v.end - v.start) / PAGE_SIZE;
    s.vmBytes += v.end - v.start;
    const res = mm.pt.countRange(v.start / PAGE_SIZE, v.end / PAGE_SIZE);
    s.rss += res;
    if (v.shared) s.shmem += res;
    else if (v.file !== null) s.file += res;
    else s.anon += res;
    const isExe = v.file !== null && v.file.path === mm.exe;
    if (v.name === "[stack]") s.stack += pages;
    else if (v.prot & 4) {
      if (isExe) {
        s.exe += pages;
        if (s.startCode === 0) s.startCode = v.start;
        s.endCode = v.end;
      } else s.lib += pages;
    } else if (v.prot & 2 && !v.shared) {
      s.data += pages;
      if (isExe && s.startData === 0) {
        s.startData = v.start;
        s.endData = v.end;
      }
    }
  }
  if (s.rss > mm.hiwaterRss) mm.hiwaterRss = s.rss;
  return s;
}

/** threads of the group as Linux counts them (signal->nr_threads): a zombie leader still counts
 *  until it is reaped (__exit_signal runs in release_task) */
function nrThreads(g: ThreadGroup): number {
  return g.live().length + (g.leader.state === TaskState.Zombie ? 1 : 0);
}

/** /proc/PID/stat and /proc/PID/task/TID/stat: 52 fields (Linux: do_task_stat); `whole` sums the
 *  thread group */
export function statText(k: Kernel, t: Task, ns: PidNamespace, viewer: Task, whole: boolean): string {
  const g = t.group;
  const live = g.live();
  const permitted = mayRead(viewer, t);
  const mm = t.mm;
  const ms = mm ? mmStats(mm) : null;
  const [ign, cat] = ignCatch(t);
  const tty = controllingTty(k, t);
  const utime = whole ? g.threads.reduce((a, x) => a + x.utime, 0) + g.deadUtime : t.utime;
  const ppid = t.parent ? pidIn((t.group.leader.parent ?? t.parent).group.leader, ns) : 0;
  const running = t.state === TaskState.Runnable;
  const wchan = permitted && (!whole || live.length < 2) ? (running ? 0 : 1) : 0;
  const exitCode = permitted && (t.state === TaskState.Zombie || t.state === TaskState.Dead) ? t.exitStatus : 0;
  const mmp = (v: number): number => (ms ? (permitted ? v : 1) : 0);
  const mmv = (v: number): number => (mm && permitted ? v : 0);
  const f = [
    pidIn(t, ns), `(${t.comm})`, stateLetter(k, t), ppid, idIn(k, g.pgid, ns), idIn(k, g.sid, ns), tty?.nr ?? 0, tty ? idIn(k, tty.fgPgrp, ns) : -1,
    taskFlags(t), (mm ? mm.faults : 0) + g.minflt, g.cminflt, 0, 0, ticks(utime), 0, ticks(g.cutime), 0, 20 + t.nice, t.nice, nrThreads(g), 0,
    ticks(t.startTime), ms ? ms.vmBytes : 0, ms ? ms.rss : 0, ulong(g.rlimits[RLIMIT_RSS].cur), mmp(ms?.startCode ?? 0), mmp(ms?.endCode ?? 0),
    mmv(mm?.startStack ?? 0), 0, 0,
    Number(sigmask(t.sig.pending) & 0x7fffffffn), Number(t.sig.blocked & 0x7fffffffn), Number(ign & 0x7fffffffn), Number(cat & 0x7fffffffn),
    wchan, 0, 0, t.exitSignal, 0, 0, 0, 0, 0, 0,
    mmv(ms?.startData ?? 0), mmv(ms?.endData ?? 0), mmv(mm?.brkStart ?? 0), mmv(mm?.argStart ?? 0), mmv(mm?.argEnd ?? 0), mmv(mm?.envStart ?? 0), mmv(mm?.envEnd ?? 0),
    exitCode,
  ];
  return f.join(" ") + "\n";
}

/** /proc/PID/statm: size resident shared text lib data dt, in pages (Linux: task_statm) */
export function statmText(t: Task): string {
  const mm = t.mm;
  if (!mm) return "0 0 0 0 0 0 0\n";
  const s = mmStats(mm);
  return `${s.vmBytes / PAGE_SIZE} ${s.rss} ${s.file + s.shmem} ${s.exe} 0 ${s.data + s.stack} 0\n`;
}

const hex16 = (b: bigint): string => b.toString(16).padStart(16, "0");
const kb = (label: string, pages: number): string => `${label}:\t${String(pages * 4).padStart(8)} kB`;

/** /proc/PID/status (Linux: proc_pid_status), riscv64's lines */
export function statusText(k: Kernel, t: Task, ns: PidNamespace): string {
  const c = t.cred;
  const g = t.group;
  const leader = g.leader;
  const tracer = t.ptrace.tracer;
  const ppid = t.parent ? pidIn((leader.parent ?? t.parent).group.leader, ns) : 0;
  const nsIds = (x: Task): string => x.pids.slice(ns.level).join("\t");
  const idsIn = (globalId: number): string => {
    const owner = k.tasks.get(globalId);
    return owner ? nsIds(owner) : String(idIn(k, globalId, ns));
  };
  const [ign, cat] = ignCatch(t);
  const fdSize = Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(1, t.files.fds.length))));
  const lines = [
    `Name:\t${t.comm.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `Umask:\t${t.fs.umask.toString(8).padStart(4, "0")}`, `State:\t${STATE_NAMES[stateLetter(k, t)]}`,
    `Tgid:\t${pidIn(leader, ns)}`, "Ngid:\t0", `Pid:\t${pidIn(t, ns)}`, `PPid:\t${ppid}`, `TracerPid:\t${tracer ? pidIn(tracer, ns) : 0}`,
    `Uid:\t${c.uid}\t${c.euid}\t${c.suid}\t${c.fsuid}`, `Gid:\t${c.gid}\t${c.egid}\t${c.sgid}\t${c.fsgid}`,
    `FDSize:\t${fdSize}`, `Groups:\t${c.groups.map((x) => x + " ").join("")}`,
    `NStgid:\t${nsIds(leader)}`, `NSpid:\t${nsIds(t)}`, `NSpgid:\t${idsIn(g.pgid)}`, `NSsid:\t${idsIn(g.sid)}`, `Kthread:\t${t.kfn !== null ? 1 : 0}`,
  ];
  if (t.mm) {
    const s = mmStats(t.mm);
    const vm = s.vmBytes / PAGE_SIZE;
    lines.push(
      kb("VmPeak", Math.max(vm, t.mm.hiwaterVm / PAGE_SIZE)), kb("VmSize", vm), kb("VmLck", 0), kb("VmPin", 0), kb("VmHWM", t.mm.hiwaterRss), kb("VmRSS", s.rss),
      kb("RssAnon", s.anon), kb("RssFile", s.file), kb("RssShmem", s.shmem), kb("VmData", s.data), kb("VmStk", s.stack), kb("VmExe", s.exe), kb("VmLib", s.lib),
      `VmPTE:\t${String(t.mm.pt.tableCount() * 2).padStart(8)} kB`, kb("VmSwap", 0), kb("HugetlbPages", 0), "CoreDumping:\t0", "THP_enabled:\t0", "untag_mask:\t0xffffffffffffffff",
    );
  }
  lines.push(
    `Threads:\t${nrThreads(g)}`, `SigQ:\t${t.sig.pending.length + g.pending.length}/${g.rlimits[RLIMIT_SIGPENDING].cur}`,
    `SigPnd:\t${hex16(sigmask(t.sig.pending))}`, `ShdPnd:\t${hex16(sigmask(g.pending))}`, `SigBlk:\t${hex16(t.sig.blocked)}`, `SigIgn:\t${hex16(ign)}`, `SigCgt:\t${hex16(cat)}`,
    `CapInh:\t${hex16(c.capInh)}`, `CapPrm:\t${hex16(c.capPrm)}`, `CapEff:\t${hex16(c.capEff)}`, `CapBnd:\t${hex16(c.capBnd)}`, `CapAmb:\t${hex16(c.capAmb)}`,
    `NoNewPrivs:\t${t.noNewPrivs ? 1 : 0}`, "Seccomp:\t0", "Seccomp_filters:\t0", "Speculation_Store_Bypass:\tunknown", "SpeculationIndirectBranch:\tunsupported",
    "Cpus_allowed:\t1", "Cpus_allowed_list:\t0", "Mems_allowed:\t1", "Mems_allowed_list:\t0",
    `voluntary_ctxt_switches:\t${t.nvcsw}`, `nonvoluntary_ctxt_switches:\t${t.nivcsw}`, "",
  );
  return lines.join("\n");
}

const LIMITS: [string, string | null][] = [
  ["Max cpu time", "seconds"], ["Max file size", "bytes"], ["Max data size", "bytes"], ["Max stack size", "bytes"],
  ["Max core file size", "bytes"], ["Max resident set", "bytes"], ["Max processes", "processes"], ["Max open files", "files"],
  ["Max locked memory", "bytes"], ["Max address space", "bytes"], ["Max file locks", "locks"], ["Max pending signals", "signals"],
  ["Max msgqueue size", "bytes"], ["Max nice priority", null], ["Max realtime priority", null], ["Max realtime timeout", "us"],
];

/** /proc/PID/limits (Linux: proc_pid_limits) */
export function limitsText(t: Task): string {
  const col = (n: bigint) => (n === RLIM_INFINITY ? "unlimited" : String(n)).padEnd(20);
  let s = `${"Limit".padEnd(25)} ${"Soft Limit".padEnd(20)} ${"Hard Limit".padEnd(20)} ${"Units".padEnd(10)}\n`;
  for (let i = 0; i < RLIM_NLIMITS; i++) {
    const l = t.group.rlimits[i];
    const [name, unit] = LIMITS[i];
    s += `${name.padEnd(25)} ${col(l.cur)} ${col(l.max)} ${unit ? unit.padEnd(10) + "\n" : "\n"}`;
  }
  return s;
}

/** /proc/PID/io (Linux: do_io_accounting); forkscope has no block devices, so no storage bytes */
export function ioText(t: Task, whole: boolean): string {
  const a = whole ? t.group.ioac : t.ioac;
  return `rchar: ${a.rchar}\nwchar: ${a.wchar}\nsyscr: ${a.syscr}\nsyscw: ${a.syscw}\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n`;
}

/** the kernel function a sleeping task waits in, for /proc/PID/wchan: Linux prints the first
 *  function outside the scheduler on the task's kernel stack; forkscope knows the syscall and
 *  names the function Linux sleeps in for it */
const WCHAN: Record<string, string> = {
  wait4: "do_wait", waitid: "do_wait", nanosleep: "hrtimer_nanosleep", clock_nanosleep: "hrtimer_nanosleep", futex: "futex_wait_queue",
  ppoll: "do_sys_poll", pselect6: "do_select", epoll_pwait: "do_epoll_wait", epoll_pwait2: "do_epoll_wait",
  rt_sigsuspend: "sigsuspend", rt_sigtimedwait: "do_sigtimedwait", clone: "wait_for_vfork_done", clone3: "wait_for_vfork_done",
  accept: "unix_wait_for_peer", accept4: "unix_wait_for_peer", recvfrom: "unix_stream_data_wait", recvmsg: "unix_stream_data_wait",
  semop: "do_semtimedop", semtimedop: "do_semtimedop", msgrcv: "do_msgrcv", msgsnd: "do_msgsnd", flock: "locks_lock_inode_wait",
  openat: "fifo_open",
};

export function wchanText(k: Kernel, t: Task, viewer: Task): string {
  if (!mayRead(viewer, t)) return "0";
  if (t.state === TaskState.Stopped) return t.ptrace.stopped ? "ptrace_stop" : "do_signal_stop";
  if (t.state !== TaskState.Sleeping) return "0";
  if (t.kfn !== null) return t === k.init ? "do_wait" : "kthreadd";
  const name = t.blockedCall !== null ? k.syscalls.info(t.blockedNr)?.name ?? "" : "";
  // Linux 6.15 and later name the anonymous pipe's functions so (fifo_pipe_read for FIFOs)
  if (name === "read" || name === "readv" || name === "pread64") return "anon_pipe_read";
  if (name === "write" || name === "writev" || name === "pwrite64") return "anon_pipe_write";
  return WCHAN[name] ?? "0";
}

// ---- oom_score_adj, oom_adj, oom_score (Linux: fs/proc/base.c, mm/oom_kill.c) ----

const OOM_SCORE_ADJ_MIN = -1000, OOM_SCORE_ADJ_MAX = 1000, OOM_DISABLE = -17, OOM_ADJUST_MAX = 15;

/** kstrtoint(strstrip(s), 0): Linux's parse of a number written to a proc file */
export function parseInt0(s: string): number | null {
  const m = /^[\s]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[\s]*$/.exec(s);
  if (!m) return null;
  const body = m[2];
  const v = body.startsWith("0x") || body.startsWith("0X") ? parseInt(body.slice(2), 16) : body.length > 1 && body[0] === "0" ? parseInt(body, 8) : parseInt(body, 10);
  const n = m[1] === "-" ? -v : v;
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}

/** writes of oom_score_adj (legacy false) and oom_adj (legacy true), already in score units
 *  (Linux: __set_oom_adj) */
function setOomAdj(writer: Task, t: Task, adj: number, legacy: boolean): number {
  const g = t.group;
  const priv = writer.can(CAP_SYS_RESOURCE);
  // oom_adj may not go below the current value, oom_score_adj not below the minimum an
  // administrator set, without CAP_SYS_RESOURCE
  if (adj < (legacy ? g.oomScoreAdj : g.oomScoreAdjMin) && !priv) return -E.EACCES;
  g.oomScoreAdj = adj;
  if (!legacy && priv) g.oomScoreAdjMin = adj;
  return 0;
}

export function writeOomScoreAdj(writer: Task, t: Task, s: string): number {
  const v = parseInt0(s.slice(0, 12));
  if (v === null || v < OOM_SCORE_ADJ_MIN || v > OOM_SCORE_ADJ_MAX) return -E.EINVAL;
  return setOomAdj(writer, t, v, false);
}

export function writeOomAdj(writer: Task, t: Task, s: string): number {
  const v = parseInt0(s.slice(0, 12));
  if (v === null || (v < OOM_DISABLE || v > OOM_ADJUST_MAX)) return -E.EINVAL;
  // scaled to the oom_score_adj range; OOM_ADJUST_MAX means the maximum (Linux: oom_adj_write)
  const adj = v === OOM_ADJUST_MAX ? OOM_SCORE_ADJ_MAX : Math.trunc((v * OOM_SCORE_ADJ_MAX) / -OOM_DISABLE);
  return setOomAdj(writer, t, adj, true);
}

export function oomAdjText(t: Task): string {
  const a = t.group.oomScoreAdj;
  return String(a === OOM_SCORE_ADJ_MAX ? OOM_ADJUST_MAX : Math.trunc((a * -OOM_DISABLE) / OOM_SCORE_ADJ_MAX)) + "\n";
}

/** /proc/PID/oom_score: the badness the OOM killer would give it, scaled to 0..2000 then by 2/3
 *  (Linux: proc_oom_score, oom_badness); init, kernel threads and OOM_SCORE_ADJ_MIN score 0 */
export function oomScoreText(k: Kernel, t: Task): string {
  const total = k.frames.maxFrames;
  const adjv = t.group.oomScoreAdj;
  const mm = t.mm;
  if (!mm || t.kfn !== null || t === k.init || adjv === OOM_SCORE_ADJ_MIN) return "0\n";
  const badness = mm.resident() + mm.pt.tableCount() / 2 + adjv * Math.floor(total / 1000);
  return String(Math.max(0, Math.trunc(((1000 + Math.trunc((badness * 1000) / total)) * 2) / 3))) + "\n";
}
