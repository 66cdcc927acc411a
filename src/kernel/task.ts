// Tasks (Linux: struct task_struct) and thread groups (struct signal_struct).
//
// Who may touch what: a task's own fields are changed by the kernel while that task is
// current, except `state`, `pending` and wait-queue membership, which other tasks change
// when they signal or wake it. Shared objects (mm, files, fs, sighand, group) carry a
// `users` count of the tasks that hold them.

import { Regs } from "../cpu/regs.js";
import { Mm } from "../mm/mm.js";
import { FdTable } from "../fs/file.js";
import { FsInfo } from "../fs/path.js";
import { SigHand, SigInfo } from "./signals.js";
import { WaitQueue, Sleeper } from "../base/waitqueue.js";
import { IpcNamespace, SemUndoList } from "./sem.js";
import { INIT_USER_NS, UserNamespace, nsCapable } from "../cred/userns.js";
import { CAP_FULL, CAP_SYS_ADMIN } from "../cred/capability.js";
import type { IoContext } from "./iocontext.js";
import type { RLimit } from "./rlimit.js";

export const enum TaskState {
  Runnable = "R",
  Sleeping = "S",
  Stopped = "T",
  Zombie = "Z",
  Dead = "X",
}

export class ThreadGroup {
  threads: Task[] = [];
  /** shared pending signals (process-directed) */
  pending: SigInfo[] = [];
  /** set once exit_group or a fatal signal has started killing the group */
  groupExit = false;
  /** wait status of the whole group once it is dead */
  exitStatus = 0;
  /** children's exits and stops wake this (Linux: signal->wait_chldexit) */
  readonly childWait = new WaitQueue();
  /** the whole group's exit wakes pidfd pollers (Linux: pidfd wait queue) */
  readonly exitWait = new WaitQueue();
  pgid: number;
  sid: number;
  rlimits: RLimit[];
  isSubreaper = false;
  /** group stop (SIGSTOP and friends): every thread is stopped */
  stopped = false;
  stopSignal = 0;
  /** a stop or continue not yet reported through wait (WUNTRACED / WCONTINUED) */
  reportStop = false;
  reportCont = false;
  /** POSIX timers by id (timer_create) */
  posixTimers = new Map<number, import("./timer.js").PosixTimer>();
  /** the cgroup the process belongs to (set with joinCgroup) */
  cgroup!: import("../fs/cgroupfs.js").Cgroup;
  /** when it joined that cgroup: cgroup.procs lists processes in the order they joined */
  cgroupSeq = 0;
  /** ITIMER_REAL: the kernel timer and its reload interval (ns) */
  itimerReal: { timer: number; interval: number } | null = null;
  /** counts of reaped children's usage, for RUSAGE_CHILDREN */
  cutime = 0;
  readonly id: number;
  private static nextId = 1;

  constructor(public leader: Task, pgid: number, sid: number, rlimits: RLimit[]) {
    this.pgid = pgid;
    this.sid = sid;
    this.rlimits = rlimits;
    this.id = ThreadGroup.nextId++;
  }

  get tgid(): number {
    return this.leader.tid;
  }

  live(): Task[] {
    return this.threads.filter((t) => t.state !== TaskState.Zombie && t.state !== TaskState.Dead);
  }

  /** move into a cgroup (a move into the cgroup it is in changes nothing) */
  joinCgroup(cg: import("../fs/cgroupfs.js").Cgroup): void {
    if (this.cgroup === cg) return;
    this.cgroup = cg;
    this.cgroupSeq = ++cgroupJoins;
  }
}

let cgroupJoins = 0;

export class Task implements Sleeper {
  state: TaskState = TaskState.Runnable;
  /** on the scheduler's run queue */
  queued = false;
  group!: ThreadGroup;
  parent: Task | null;
  /** who gets the exit signal (differs from parent only while ptraced) */
  children: Task[] = [];
  regs: Regs | null;
  mm: Mm | null = null;
  files!: FdTable;
  fs!: FsInfo;
  sighand!: SigHand;
  /** System V IPC namespace and semaphore undo list (shared by CLONE_SYSVSEM) */
  ipcns!: IpcNamespace;
  semUndo!: SemUndoList;
  /** the other namespaces (Linux: struct nsproxy) */
  utsns!: import("./namespaces.js").UtsNamespace;
  mntns!: import("./namespaces.js").MntNamespace;
  netns!: import("./namespaces.js").NetNamespace;
  cgroupns!: import("./namespaces.js").CgroupNamespace;
  /** I/O context (shared by CLONE_IO) */
  io!: IoContext;
  blocked = 0n;
  /** the mask to restore after sigsuspend's handler (Linux: saved_sigmask) */
  savedMask: bigint | null = null;
  /** sigaltstack: flags 2 = SS_DISABLE */
  altstack = { sp: 0, size: 0, flags: 2 };
  pending: SigInfo[] = [];
  /** signal sent to the parent at exit; 0 for threads (Linux: exit_signal) */
  exitSignal = 17;
  /** wait status once this task is a zombie */
  exitStatus = 0;
  clearChildTid = 0;
  robustList = 0;
  robustLen = 0;
  comm: string;
  /** a sleeping syscall's progress between retries */
  sysState: unknown = null;
  /** the current syscall's arguments formatted for --trace before it ran */
  traceArgs: (string | null)[] | null = null;
  /** undoes a sleeping syscall's registrations if it is interrupted instead of retried */
  sysCleanup: (() => void) | null = null;
  /** the syscall number being retried after a wake-up */
  blockedSyscall = -1;
  /** wake-up deadline in virtual ns for timed sleeps */
  deadline = -1;
  /** instructions left in the current time slice */
  slice = 0;
  /** instructions executed by this task (utime) */
  utime = 0;
  stime = 0;
  /** a kernel thread: runs TypeScript, has no user registers or mm */
  kfn: (() => number | typeof import("../base/errno.js").BLOCK) | null = null;
  /** vfork parent waiting for this child to exec or exit */
  vforkParent: Task | null = null;
  exitCode = 0;
  pdeathSignal = 0;
  startTime = 0;
  // credentials (Linux: struct cred): real, effective, saved and filesystem ids, groups
  uid = 0;
  gid = 0;
  euid = 0;
  egid = 0;
  suid = 0;
  sgid = 0;
  fsuid = 0;
  fsgid = 0;
  groups: number[] = [];
  /** PR_SET_NO_NEW_PRIVS: inherited across fork and exec, never cleared */
  noNewPrivs = false;
  /** cleared when effective ids change (Linux: commit_creds); /proc/PID then belongs to root */
  dumpable = true;
  /** the user namespace the credentials belong to, and the capability sets */
  userns: UserNamespace = INIT_USER_NS;
  capEff = CAP_FULL;
  capPrm = CAP_FULL;
  capInh = 0n;
  capBnd = CAP_FULL;
  capAmb = 0n;

  /** has capability `cap` in user namespace `ns` (default: its own) */
  can(cap: number, ns: UserNamespace = this.userns): boolean {
    return nsCapable(this, ns, cap);
  }

  /** CAP_SYS_ADMIN in the initial user namespace */
  get capable(): boolean {
    return nsCapable(this, INIT_USER_NS, CAP_SYS_ADMIN);
  }
  // ---- ptrace ----
  ptracer: Task | null = null;
  ptraceOptions = 0;
  ptraceSeized = false;
  /** in a ptrace-stop; ptraceReport is the status wait has not reported yet */
  ptraceStopped = false;
  ptraceReport: number | null = null;
  /** a stop to enter before running user code again (new seized tracees, PTRACE_INTERRUPT, exec) */
  pendingPtraceStop: number | null = null;
  eventMsg = 0;
  lastSiginfo: import("./signals.js").SigInfo | null = null;
  /** the signal the tracer chose to deliver when it resumed us */
  injectSignal = 0;
  tracees: Task[] = [];
  /** the tracer (not the parent) has collected this task's exit */
  reportedToTracer = false;
  /** pid in each pid namespace from the root (index = level); pids[0] === tid */
  pids: number[] = [];
  /** the pid namespace the task lives in, and the one its children will (unshare(CLONE_NEWPID)) */
  pidns!: import("./pidns.js").PidNamespace;
  pidnsChildren!: import("./pidns.js").PidNamespace;
  /** has called execve (setpgid on it from the parent then fails with EACCES) */
  execed = false;
  /** pointer set by set_tid_address */
  onWake: (t: Task) => void;

  constructor(public tid: number, parent: Task | null, regs: Regs | null, comm: string, onWake: (t: Task) => void) {
    this.parent = parent;
    this.regs = regs;
    this.comm = comm;
    this.onWake = onWake;
  }

  get tgid(): number {
    return this.group.tgid;
  }

  get isLeader(): boolean {
    return this.group.leader === this;
  }

  wake(): void {
    if (this.state === TaskState.Sleeping) this.onWake(this);
  }
}
