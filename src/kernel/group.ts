// The thread group (Linux: struct signal_struct, which holds what a process's threads share):
// the threads, process-directed signals, group exit and stop, process group and session,
// resource limits, POSIX and interval timers, the cgroup, and the wait queues of wait and pidfd.

import { WaitQueue } from "../base/waitqueue.js";
import type { Cgroup } from "../fs/cgroupfs.js";
import type { SigInfo } from "./signals.js";
import type { RLimit } from "./rlimit.js";
import type { PosixTimer } from "./timer.js";
import { TaskState, type Task } from "./task.js";
import type { Tty, TtyProcess } from "../tty/tty.js";

/** what a new thread group starts with (TaskInit.group when the task leads a new process) */
export interface GroupInit {
  pgid: number;
  sid: number;
  rlimits: RLimit[];
  cgroup: Cgroup;
  /** the process arrives in its cgroup as if moved there (fork, CLONE_INTO_CGROUP): it is
   *  listed in cgroup.procs after the ones already there; boot tasks are not */
  joins: boolean;
  /** the controlling terminal, inherited at fork (copy_signal's tty_kref_get) */
  ctty?: Tty | null;
}

/** the tty layer's view of a process (signal->tty, tty_old_pgrp, leader; tty/tty.ts TtyProcess):
 *  process group and session are root-namespace pids */
export class GroupTty implements TtyProcess {
  ctty: Tty | null;
  ttyOldPgrp: number | null = null;
  constructor(private readonly g: ThreadGroup, ctty: Tty | null) {
    this.ctty = ctty;
  }
  /** signal->leader: set by setsid, never inherited; the session id is then the process's pid */
  get leader(): boolean {
    return this.g.sid === this.g.tgid;
  }
  get pgrp(): number {
    return this.g.pgid;
  }
  get session(): number {
    return this.g.sid;
  }
  get group(): ThreadGroup {
    return this.g;
  }
}

let cgroupJoins = 0;

/** characters and calls of read/write syscalls (Linux: struct task_io_accounting) */
export class IoAccounting {
  rchar = 0;
  wchar = 0;
  syscr = 0;
  syscw = 0;
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
  /** replaced one by one (setrlimit), never changed in place */
  rlimits: RLimit[];
  /** PR_SET_CHILD_SUBREAPER */
  isSubreaper = false;
  /** group stop (SIGSTOP and friends): every thread is stopped */
  stopped = false;
  stopSignal = 0;
  /** a stop or continue not yet reported through wait (WUNTRACED / WCONTINUED) */
  reportStop = false;
  reportCont = false;
  /** POSIX timers by id (timer_create) */
  posixTimers = new Map<number, PosixTimer>();
  /** the cgroup the process belongs to (changed with joinCgroup) */
  cgroup: Cgroup;
  /** when it joined that cgroup: cgroup.procs lists processes in the order they joined */
  cgroupSeq = 0;
  /** ITIMER_REAL: the kernel timer and its reload interval (ns) */
  itimerReal: { timer: number; interval: bigint } | null = null;
  /** user and system time (ns) of reaped children, for RUSAGE_CHILDREN (Linux: signal->cutime, cstime) */
  cutime = 0;
  cstime = 0;
  /** virtual ns run by all its threads, dead ones too, for RLIMIT_CPU (Linux: the process
   *  CPU clock, thread_group_cputime) */
  cputime = 0;
  /** the controlling terminal and what the tty layer needs to know about the process */
  readonly tty: GroupTty;
  /** user time of threads that have exited and been released (Linux: signal->utime) */
  deadUtime = 0;
  /** system time of threads that have exited and been released (Linux: signal->stime) */
  deadStime = 0;
  /** page faults of address spaces the process has left, and of reaped children (Linux:
   *  signal->min_flt, cmin_flt) */
  minflt = 0;
  cminflt = 0;
  /** /proc/PID/oom_score_adj, and the lowest value an unprivileged writer may set
   *  (Linux: signal->oom_score_adj, oom_score_adj_min); inherited by fork */
  oomScoreAdj = 0;
  oomScoreAdjMin = 0;
  /** read/write accounting of every thread, dead ones included (Linux: signal->ioac plus the live threads') */
  readonly ioac = new IoAccounting();
  readonly id: number;
  private static nextId = 1;

  constructor(public leader: Task, init: GroupInit) {
    this.tty = new GroupTty(this, init.ctty ?? null);
    this.pgid = init.pgid;
    this.sid = init.sid;
    this.rlimits = init.rlimits;
    this.cgroup = init.cgroup;
    if (init.joins) this.cgroupSeq = ++cgroupJoins;
    this.id = ThreadGroup.nextId++;
  }

  get tgid(): number {
    return this.leader.tid;
  }

  live(): Task[] {
    return this.threads.filter((t) => t.state !== TaskState.Zombie && t.state !== TaskState.Dead);
  }

  /** move into a cgroup (a move into the cgroup it is in changes nothing) */
  joinCgroup(cg: Cgroup): void {
    if (this.cgroup === cg) return;
    this.cgroup = cg;
    this.cgroupSeq = ++cgroupJoins;
  }
}
