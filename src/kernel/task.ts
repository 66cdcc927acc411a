// Tasks (Linux: include/linux/sched.h struct task_struct) and the parts a task owns or points
// to: credentials (cred/cred.ts), namespaces (nsproxy.ts), its thread group (group.ts), its
// signal state and its ptrace state. Every task is made from one TaskInit record.
//
// Who may touch what: a task's own fields are changed by the kernel while that task is
// current, except `state`, `sig.pending` and wait-queue membership, which other tasks change
// when they signal or wake it. Shared objects (mm, files, fs, sighand, io, semUndo, nsproxy)
// are counted with get()/put() (base/refcount.ts); creds and nsproxy are never changed in place.

import type { Regs } from "../cpu/regs.js";
import type { Mm } from "../mm/mm.js";
import type { FdTable } from "../fs/file.js";
import type { FsInfo } from "../fs/path.js";
import type { Sleeper } from "../base/waitqueue.js";
import type { BLOCK } from "../base/errno.js";
import { nsCapable, UserNamespace } from "../cred/userns.js";
import type { Creds } from "../cred/cred.js";
import { SS_DISABLE, type SigHand, type SigInfo } from "./signals.js";
import type { SemUndoList } from "./sem.js";
import type { IoContext } from "./iocontext.js";
import type { NsProxy } from "./nsproxy.js";
import type { PidNamespace } from "./pidns.js";
import { GroupInit, IoAccounting, ThreadGroup } from "./group.js";
import type { Block } from "./block.js";

export const enum TaskState {
  Runnable = "R",
  Sleeping = "S",
  Stopped = "T",
  Zombie = "Z",
  Dead = "X",
}

export interface AltStack {
  sp: number;
  size: number;
  flags: number;
}

/** an alternate signal stack that is not set (SS_DISABLE) */
export const NO_ALTSTACK: AltStack = Object.freeze({ sp: 0, size: 0, flags: SS_DISABLE });

/** the per-task signal state (Linux: task_struct's pending, blocked, saved_sigmask, sas_ss_*);
 *  what the threads share is in ThreadGroup */
export class TaskSignals {
  /** thread-directed signals not yet delivered */
  pending: SigInfo[] = [];
  blocked: bigint;
  /** the mask to restore after sigsuspend's handler (Linux: saved_sigmask) */
  savedMask: bigint | null = null;
  /** sigaltstack */
  altstack: AltStack;
  constructor(blocked: bigint, altstack: AltStack) {
    this.blocked = blocked;
    this.altstack = altstack;
  }
}

/** the task's side of ptrace (Linux: task_struct's ptrace, ptrace_message, last_siginfo, the
 *  tracer's ptraced list); kernel/ptrace.ts changes it */
export class PtraceState {
  tracer: Task | null = null;
  /** PTRACE_O_* */
  options = 0;
  /** attached with PTRACE_SEIZE */
  seized = false;
  /** in a ptrace-stop; `report` is the status wait has not reported yet */
  stopped = false;
  report: number | null = null;
  /** a stop to enter before running user code again (new seized tracees, PTRACE_INTERRUPT, exec) */
  pendingStop: number | null = null;
  /** PTRACE_GETEVENTMSG */
  eventMsg = 0;
  /** the siginfo of the signal-delivery-stop (PTRACE_GETSIGINFO) */
  lastSiginfo: SigInfo | null = null;
  /** the signal the tracer chose to deliver when it resumed us */
  injectSignal = 0;
  /** the tasks this one traces */
  tracees: Task[] = [];
  /** the tracer (not the parent) has collected this task's exit */
  reportedToTracer = false;
}

/** everything a new task is made from (gVisor: TaskConfig); boot.ts and fork.ts fill one */
export interface TaskInit {
  /** pid in each pid namespace from the root (index = level), and the innermost namespace */
  pids: number[];
  pidns: PidNamespace;
  parent: Task | null;
  /** user registers; null for a kernel thread */
  regs: Regs | null;
  comm: string;
  /** the group a new thread joins, or what a new process's group starts with */
  group: ThreadGroup | GroupInit;
  mm: Mm | null;
  files: FdTable;
  fs: FsInfo;
  sighand: SigHand;
  io: IoContext;
  semUndo: SemUndoList;
  cred: Creds;
  nsproxy: NsProxy;
  /** signal sent to the parent at exit; -1 for threads and kernel threads */
  exitSignal: number;
  blocked: bigint;
  altstack: AltStack;
  noNewPrivs: boolean;
  /** a kernel thread's body */
  kfn: (() => number | typeof BLOCK) | null;
  startTime: bigint;
  /** how the scheduler makes the task runnable when a wait queue wakes it */
  onWake: (t: Task) => void;
}

export class Task implements Sleeper {
  // ---- identity and family ----
  /** pid in the root pid namespace; pids[0] === tid */
  tid: number;
  pids: number[];
  /** the pid namespace the task lives in (its children's: nsproxy.pidForChildren) */
  pidns: PidNamespace;
  comm: string;
  parent: Task | null;
  /** who gets the exit signal (differs from parent only while ptraced) */
  children: Task[] = [];
  group: ThreadGroup;
  /** signal sent to the parent at exit; -1 for threads (Linux: exit_signal) */
  exitSignal: number;
  /** wait status once this task is a zombie */
  exitStatus = 0;
  /** signal sent when the parent dies (PR_SET_PDEATHSIG) */
  pdeathSignal = 0;
  /** has called execve (setpgid on it from the parent then fails with EACCES) */
  execed = false;
  startTime: bigint;

  // ---- what it runs and holds ----
  regs: Regs | null;
  /** a kernel thread: runs TypeScript, has no user registers or mm */
  kfn: (() => number | typeof BLOCK) | null;
  mm: Mm | null;
  files: FdTable;
  fs: FsInfo;
  sighand: SigHand;
  io: IoContext;
  /** System V semaphore undo list (shared by CLONE_SYSVSEM) */
  semUndo: SemUndoList;
  cred: Creds;
  nsproxy: NsProxy;
  /** PR_SET_NO_NEW_PRIVS: inherited across fork and exec, never cleared */
  noNewPrivs: boolean;
  /** cleared when effective ids change (commitCreds); /proc/PID then belongs to root */
  dumpable = true;
  sig: TaskSignals;
  ptrace = new PtraceState();
  /** set_tid_address / CLONE_CHILD_CLEARTID: cleared and woken when the mm is left */
  clearChildTid = 0;
  /** set_robust_list */
  robustList = 0;
  robustLen = 0;
  /** vfork parent waiting for this child to exec or exit */
  vforkParent: Task | null = null;

  // ---- scheduling ----
  state: TaskState = TaskState.Runnable;
  /** on the scheduler's run queue */
  queued = false;
  /** wake-up deadline in monotonic ns for timed sleeps (-1n: none; kernel/ktime.ts) */
  deadline = -1n;
  /** a sleep until a CLOCK_REALTIME time (TIMER_ABSTIME): that time, which clock_settime moves
   *  against the monotonic deadline (null: a monotonic sleep) */
  deadlineReal: bigint | null = null;
  /** instructions left in the current time slice */
  slice = 0;
  /** host bytes charged to guest memory for the task (given back when it is released) */
  charged = 0;
  /** instructions executed by this task (utime, 1 ns each), and kernel work done for it in ns
   *  (stime: the syscall work units sched.ts charges against run()'s budget) */
  utime = 0;
  stime = 0;
  /** syscalls made */
  syscalls = 0;
  /** nice value, -20..19 (Linux: task_nice), inherited by fork; setpriority changes it */
  nice = 0;
  /** times the task gave up the CPU by sleeping or stopping / was preempted at the end of its
   *  slice (Linux: nvcsw, nivcsw) */
  nvcsw = 0;
  nivcsw = 0;
  /** read/write accounting of this thread (Linux: task_io_accounting); the group keeps the sum */
  readonly ioac = new IoAccounting();
  private readonly onWake: (t: Task) => void;

  // ---- the syscall in progress ----
  /** how the syscall the task sleeps in continues when woken (null: none), and its number */
  blockedCall: Block | null = null;
  blockedNr = -1;
  /** --trace's record of the syscall in progress (trace/call.ts), null when not traced */
  traceCall: unknown = null;
  /** created stopped by 2.6's CLONE_STOPPED (TASK_STOPPED without a group stop): SIGCONT wakes it
   *  and nobody is told (no CLD_STOPPED, no CLD_CONTINUED, wait never reports the stop) */
  cloneStopped = false;
  /** signals dropped as ignored that --trace reports on the way back to user mode */
  traceNotes: SigInfo[] | null = null;

  constructor(init: TaskInit) {
    this.tid = init.pids[0];
    this.pids = init.pids;
    this.pidns = init.pidns;
    this.comm = init.comm;
    this.parent = init.parent;
    this.group = init.group instanceof ThreadGroup ? init.group : new ThreadGroup(this, init.group);
    this.exitSignal = init.exitSignal;
    this.startTime = init.startTime;
    this.regs = init.regs;
    this.kfn = init.kfn;
    this.mm = init.mm;
    this.files = init.files;
    this.fs = init.fs;
    this.sighand = init.sighand;
    this.io = init.io;
    this.semUndo = init.semUndo;
    this.cred = init.cred;
    this.nsproxy = init.nsproxy;
    this.noNewPrivs = init.noNewPrivs;
    this.sig = new TaskSignals(init.blocked, init.altstack);
    this.onWake = init.onWake;
  }

  get tgid(): number {
    return this.group.tgid;
  }

  get isLeader(): boolean {
    return this.group.leader === this;
  }

  /** has capability `cap` in user namespace `ns` (default: its own) */
  can(cap: number, ns: UserNamespace = this.cred.userns): boolean {
    return nsCapable(this.cred, ns, cap);
  }

  wake(): void {
    if (this.state === TaskState.Sleeping) this.onWake(this);
  }
}
