// Plain-data views of the kernel's tasks for a live display (the browser playground): every
// task with the ids of the kernel objects it holds, and one task's detail as /proc shows it
// (Linux: fs/proc/array.c, fs/proc/base.c). Reads only; nothing here changes kernel state.

import type { Kernel } from "./kernel.js";
import { formatMaps } from "./procview.js";
import { Task, TaskState } from "./task.js";
import { NSIG, SIG_DFL, SIG_IGN, signalName } from "./signals.js";
import { taskNamespaces } from "./nsfs.js";
import { TaskRecord } from "./tree.js";
import { locPath } from "../fs/path.js";

/** one task and what it holds; equal ids in two tasks mean one shared object */
export interface TaskView {
  tid: number;
  tgid: number;
  /** the parent process's tgid (0 for init) */
  ppid: number;
  /** its pid in each pid namespace, outermost first (Linux: NSpid) */
  pids: number[];
  comm: string;
  /** R S T Z, or "gone" for a reaped task known from the history */
  state: string;
  /** clone flags it was created with, decoded ("spawn" for the first program; "" unknown) */
  how: string;
  kernel: boolean;
  /** object ids: mm (0 for none), fd table, fs_struct, sighand, thread group (signal_struct),
   *  SysV semaphore undo list, I/O context */
  objs: { mm: number; files: number; fs: number; sighand: number; group: number; sysvsem: number; io: number };
  /** namespace inode per type (as /proc/PID/ns shows them) */
  ns: Record<string, number>;
  faults: number;
  cowFaults: number;
  instructions: number;
  /** the wait status once it exited (zombie or gone), else null */
  status: number | null;
}

function nsOf(t: Task): Record<string, number> {
  const ns: Record<string, number> = {};
  for (const [type, n] of taskNamespaces(t)) if (type !== "pid_for_children") ns[type] = n.ino;
  return ns;
}

function viewOf(k: Kernel, t: Task): TaskView {
  const mm = t.mm;
  // a zombie has given its address space back: its counters are in the history record
  const rec = mm ? undefined : k.history.get(t.tid);
  return {
    tid: t.tid,
    tgid: t.tgid,
    ppid: (t.group.leader.parent ?? t.parent)?.tgid ?? 0,
    pids: t.pids.slice(),
    comm: t.comm,
    state: t.state,
    how: k.history.get(t.tid)?.how ?? "",
    kernel: t.regs === null,
    objs: {
      mm: mm?.id ?? 0, files: t.files.id, fs: t.fs.id, sighand: t.sighand.id, group: t.group.id,
      sysvsem: t.semUndo?.id ?? 0, io: t.io?.id ?? 0,
    },
    ns: nsOf(t),
    faults: mm?.faults ?? rec?.faults ?? 0,
    cowFaults: mm?.cowFaults ?? rec?.cowFaults ?? 0,
    instructions: t.utime,
    status: t.state === TaskState.Zombie ? t.exitStatus : null,
  };
}

/** every task that is not yet released (zombies included), in tid order */
export function liveTasks(k: Kernel): TaskView[] {
  const out: TaskView[] = [];
  for (const t of k.tasks.values()) if (t.state !== TaskState.Dead) out.push(viewOf(k, t));
  return out.sort((a, b) => a.tid - b.tid);
}

/** a task that is gone, from its history record (the kernel's `history` option) */
export function recordView(r: TaskRecord): TaskView {
  return {
    tid: r.tid, tgid: r.tgid, ppid: r.ppid, pids: [r.tid], comm: r.comm, state: "gone", how: r.how, kernel: r.kernel,
    objs: { mm: r.mm, files: r.files, fs: r.fs, sighand: r.sighand, group: r.group, sysvsem: 0, io: 0 },
    ns: { ...r.ns }, faults: r.faults, cowFaults: r.cowFaults, instructions: r.instructions, status: r.status,
  };
}

export interface TaskDetail {
  tid: number;
  comm: string;
  exe: string;
  cmdline: string[];
  cwd: string;
  root: string;
  pgid: number;
  sid: number;
  exitSignal: string;
  /** /proc/PID/maps */
  maps: string;
  mm: { id: number; users: number; brk: string } | null;
  fds: { fd: number; path: string; flags: string; cloexec: boolean; pos: string }[];
  creds: { uid: number[]; gid: number[]; groups: number[]; capEff: string; capPrm: string; capBnd: string; userns: number; noNewPrivs: boolean };
  ns: Record<string, number>;
  signals: { blocked: string[]; pending: string[]; groupPending: string[]; handlers: { sig: string; action: string; flags: string }[]; altstack: string };
  counters: { faults: number; cowFaults: number; resident: number; instructions: number; syscalls: number };
}

const ACCMODE = ["O_RDONLY", "O_WRONLY", "O_RDWR", "3"];
const OFLAG_NAMES: [number, string][] = [
  [0o100, "O_CREAT"], [0o1000, "O_TRUNC"], [0o2000, "O_APPEND"], [0o4000, "O_NONBLOCK"], [0o200000, "O_DIRECTORY"],
  [0o400000, "O_NOFOLLOW"], [0o10000000, "O_PATH"],
];
const SA_NAMES: [number, string][] = [
  [0x1, "SA_NOCLDSTOP"], [0x2, "SA_NOCLDWAIT"], [0x4, "SA_SIGINFO"], [0x08000000, "SA_ONSTACK"], [0x10000000, "SA_RESTART"],
  [0x40000000, "SA_NODEFER"], [0x80000000, "SA_RESETHAND"], [0x04000000, "SA_RESTORER"],
];

function sigList(mask: bigint): string[] {
  const out: string[] = [];
  for (let s = 1; s <= NSIG; s++) if (mask & (1n << BigInt(s - 1))) out.push(signalName(s));
  return out;
}

const hex = (n: number) => "0x" + n.toString(16);

/** one task's detail (null when there is no such task) */
export function taskDetail(k: Kernel, tid: number): TaskDetail | null {
  const t = k.tasks.get(tid);
  if (!t || t.state === TaskState.Dead) return null;
  const mm = t.mm;
  const rec = mm ? undefined : k.history.get(t.tid);
  let cmdline: string[] = [];
  if (mm && mm.argEnd > mm.argStart) {
    const b = mm.read(mm.argStart, Math.min(mm.argEnd - mm.argStart, 4096));
    if (b) cmdline = new TextDecoder().decode(b).split("\0").filter((s, i, a) => i < a.length - 1 || s !== "");
  }
  const fds: TaskDetail["fds"] = [];
  t.files.fds.forEach((e, fd) => {
    if (!e) return;
    const f = e.file;
    const flags = [ACCMODE[f.flags & 3], ...OFLAG_NAMES.filter(([b]) => f.flags & b).map(([, n]) => n)].join("|");
    fds.push({ fd, path: f.path, flags, cloexec: e.cloexec, pos: String(f.pos) });
  });
  const handlers: TaskDetail["signals"]["handlers"] = [];
  for (let s = 1; s <= NSIG; s++) {
    const a = t.sighand.actions[s];
    if (!a || a.handler === SIG_DFL) continue;
    handlers.push({
      sig: signalName(s),
      action: a.handler === SIG_IGN ? "SIG_IGN" : "handler " + hex(a.handler),
      flags: SA_NAMES.filter(([b]) => (a.flags >>> 0) & b).map(([, n]) => n).join("|"),
    });
  }
  const pendingMask = (list: { signo: number }[]) => sigList(list.reduce((m, p) => m | (1n << BigInt(p.signo - 1)), 0n));
  const as = t.sig.altstack;
  const c = t.cred;
  return {
    tid: t.tid,
    comm: t.comm,
    exe: mm?.exe ?? "",
    cmdline,
    cwd: locPath(t.fs.cwd),
    root: locPath(t.fs.root),
    pgid: t.group.pgid,
    sid: t.group.sid,
    exitSignal: t.exitSignal ? signalName(t.exitSignal) : "none (a thread)",
    maps: formatMaps(mm),
    mm: mm ? { id: mm.id, users: mm.users, brk: hex(mm.brk) } : null,
    fds,
    creds: {
      uid: [c.uid, c.euid, c.suid, c.fsuid], gid: [c.gid, c.egid, c.sgid, c.fsgid], groups: c.groups.slice(),
      capEff: "0x" + c.capEff.toString(16), capPrm: "0x" + c.capPrm.toString(16), capBnd: "0x" + c.capBnd.toString(16),
      userns: c.userns.ino, noNewPrivs: t.noNewPrivs,
    },
    ns: nsOf(t),
    signals: {
      blocked: sigList(t.sig.blocked),
      pending: pendingMask(t.sig.pending),
      groupPending: pendingMask(t.group.pending),
      handlers,
      altstack: as.flags & 2 ? "disabled" : `${hex(as.sp)} size ${as.size}`,
    },
    counters: {
      faults: mm?.faults ?? rec?.faults ?? 0, cowFaults: mm?.cowFaults ?? rec?.cowFaults ?? 0, resident: mm ? mm.resident() : 0,
      instructions: t.utime, syscalls: t.stime,
    },
  };
}
